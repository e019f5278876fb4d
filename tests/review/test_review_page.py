"""`fhirconv review` pages checked structurally (lxml): one highlight per derived resource at its offsets,
the text unchanged, a legend, one timeline element per dated event, escaping, determinism."""

from __future__ import annotations

import base64
import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from support import SAMPLES, require_shared

from fhirconv.errors import InputError
from fhirconv.readers import read_bytes, read_path
from fhirconv.review import Verdict, json_for_script, render_review, sections_of

DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


@lru_cache(maxsize=1)
def _converter() -> Any:
    from fhirconv.pipeline import Converter, ConvertOptions

    return Converter(ConvertOptions(gate="model"))


def _page_for(path: Path) -> tuple[dict[str, Any], str, Any]:
    doc = read_path(path)
    bundle = _converter().convert(doc)
    page = render_review(bundle, source=path.name, sections=sections_of(doc), verdict=Verdict("valid"))
    return bundle, page, doc


def _doc_text(bundle: dict[str, Any]) -> str:
    ref = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference")
    data = ref["resource"]["content"][0]["attachment"]["data"]
    return base64.b64decode(data).decode("utf-8")


def _derivations(resource: dict[str, Any]) -> list[tuple[int, int]]:
    out = []
    for ext in resource.get("extension", []):
        if ext["url"] == DERIVATION:
            sub = {s["url"]: s for s in ext["extension"]}
            offset = sub["offset"]["valueInteger"]
            out.append((offset, offset + sub["length"]["valueInteger"]))
    return out


def _dated(resource: dict[str, Any]) -> int:
    """Dated events a resource states, counted independently of the page code."""
    t = resource["resourceType"]
    if t == "Encounter":
        return int("start" in resource.get("period", {}))
    if t == "Condition":
        return int("onsetDateTime" in resource or "onsetPeriod" in resource)
    if t in ("MedicationAdministration", "Procedure", "Observation", "ClinicalImpression"):
        if t == "Observation" and any(c["code"] == "30525-0" for c in resource["code"].get("coding", [])):
            return 0  # the age: not an event
        key = {"Procedure": "performed"}.get(t, "effective")
        period = resource.get(key + "Period", {})
        return int(key + "DateTime" in resource or "start" in period or "end" in period)
    if t == "Patient":
        return int("deceasedDateTime" in resource)
    return 0


def _norm(text: str) -> str:
    return (
        re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    )


def check_page(bundle: dict[str, Any], page: str) -> lxml.html.HtmlElement:
    """The structural promises of the page, for any bundle fhirconv builds."""
    root = lxml.html.document_fromstring(page)
    text = _doc_text(bundle)
    narrative = root.cssselect("#narrative .text")
    assert len(narrative) == 1
    assert _norm(narrative[0].text_content()) == _norm(text), "the page must show the text unchanged"
    derived_types = set()
    for n, entry in enumerate(bundle["entry"], start=1):
        spans = _derivations(entry["resource"])
        marks = root.cssselect(f'mark.hl[data-ref="r{n}"]')
        if not spans:
            assert marks == []
            continue
        derived_types.add(entry["resource"]["resourceType"])
        assert len(marks) == 1, f"entry {n} ({entry['resource']['resourceType']}) needs exactly one highlight"
        start, end = spans[0]
        mark = marks[0]
        assert (int(mark.get("data-start")), int(mark.get("data-end"))) == (start, end)
        assert mark.get("id") == f"m-r{n}" and mark.get("tabindex") == "0" and mark.get("aria-label")
        shown = _norm(mark.text_content())
        if root.cssselect(f'mark.hl-cont[data-ref="r{n}"]'):
            assert _norm(text[start:end]).startswith(shown)
        else:
            assert shown == _norm(text[start:end])
    assert derived_types, "a sample must yield facts"
    legend = root.cssselect("nav.legend")
    assert len(legend) == 1
    for t in derived_types:
        assert legend[0].cssselect(f"mark.swatch.t-{t}"), f"legend lacks {t}"
    expected_events = sum(_dated(e["resource"]) for e in bundle["entry"])
    assert len(root.cssselect("svg.timeline g.ev")) == expected_events
    payload = json.loads(root.get_element_by_id("fhir-resources").text)
    assert set(payload) == {f"r{n}" for n in range(1, len(bundle["entry"]) + 1)}
    scripts = root.cssselect("script")
    assert len(scripts) == 2, "only the data block and the page's own script"
    return root


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages(path: Path) -> None:
    bundle, page, _ = _page_for(path)
    check_page(bundle, page)


def test_there_are_samples() -> None:
    assert len(SAMPLE_FILES) >= 6


def test_seed_page() -> None:
    seeds = sorted(require_shared("seeds").glob("*.txt"))
    assert seeds, "the seed folder holds the seed report"
    bundle, page, _ = _page_for(seeds[0])
    root = check_page(bundle, page)
    # the timeline shows day 0 and the onset phrase ("for ten days") before it
    days = [int(g.get("data-day")) for g in root.cssselect("svg.timeline g.ev")]
    assert 0 in days and min(days) < 0
    # the journal banner is an excluded section: dimmed
    assert root.cssselect("span.sec-excluded")
    # negated findings are marked so
    assert root.cssselect("mark.hl.s-negated")
    assert "undated" in page


def test_deterministic_bytes() -> None:
    path = SAMPLES / "chest_pain_stemi.txt"
    assert _page_for(path)[1] == _page_for(path)[1]


def test_statuses_and_attributes() -> None:
    text = (
        "A 50-year-old woman presented with cough. She had no fever. Pneumonia was suspected. "
        "She received amoxicillin 500 mg orally three times daily for seven days."
    )
    doc = read_bytes(text.encode(), "statuses.txt")
    bundle = _converter().convert(doc)
    root = lxml.html.document_fromstring(render_review(bundle))
    neg = root.cssselect("mark.hl.s-negated")
    assert [m.text_content() for m in neg] == ["fever"]
    hyp = root.cssselect("mark.hl.s-hypothetical")
    assert [m.text_content() for m in hyp] == ["Pneumonia"]
    attrs = {a.get("data-attr") for a in root.cssselect("span.attr")}
    assert {"dose", "route", "frequency"} <= attrs
    dose = root.cssselect('span.attr[data-attr="dose"]')[0]
    assert dose.text_content() == "500 mg"
    assert "t-MedicationAdministration" in dose.get("class").split()


def test_hostile_text_is_escaped() -> None:
    text = (
        "A 30-year-old man had fever <script>alert(1)</script> and cough.\u2028"
        "</script><img src=x onerror=alert(2)> He was given aspirin."
    )
    doc = read_bytes(text.encode(), "hostile.txt")
    bundle = _converter().convert(doc)
    # also poison a resource's own text, as a bundle from elsewhere could
    poisoned = copy.deepcopy(bundle)
    cond = next(e["resource"] for e in poisoned["entry"] if e["resource"]["resourceType"] == "Condition")
    cond["code"]["text"] = "</script><script>alert(3)</script>\u2028<!--"
    page = render_review(poisoned, source="<script>alert(4)</script>.json")
    root = lxml.html.document_fromstring(page)
    assert len(root.cssselect("script")) == 2
    assert root.cssselect("img") == []
    assert "<script>alert(1)</script>" in root.cssselect("#narrative .text")[0].text_content()
    data_block = root.get_element_by_id("fhir-resources").text
    assert "</" not in data_block and "\u2028" not in data_block and "<!--" not in data_block
    payload = json.loads(data_block)
    assert any(v["resource"].get("code", {}).get("text") == cond["code"]["text"] for v in payload.values())
    # the page's one script is the only one the Content-Security-Policy allows
    csp = root.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
    assert "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1]


def test_json_for_script() -> None:
    value = {"a": "</script>\u2028\u2029<!--&"}
    out = json_for_script(value)
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == value


def _bundle_with(text: str, spans: list[list[tuple[int, int, str]]]) -> dict[str, Any]:
    """A foreign bundle: one DocumentReference and one Condition per span list."""
    doc_url = "urn:uuid:00000000-0000-0000-0000-000000000001"
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": doc_url,
            "resource": {
                "resourceType": "DocumentReference",
                "status": "current",
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain",
                            "data": base64.b64encode(text.encode()).decode(),
                        }
                    }
                ],
            },
        }
    ]
    for n, mentions in enumerate(spans, start=2):
        exts = [
            {
                "url": DERIVATION,
                "extension": [
                    {"url": "reference", "valueReference": {"reference": doc_url}},
                    {"url": "path", "valueString": path},
                    {"url": "offset", "valueInteger": s},
                    {"url": "length", "valueInteger": e - s},
                ],
            }
            for s, e, path in mentions
        ]
        entries.append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-0000-0000-00000000000{n}",
                "resource": {"resourceType": "Condition", "extension": exts, "code": {"text": f"c{n}"}},
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def test_crossing_spans_keep_one_highlight_each() -> None:
    text = "severe chest pain radiating to the left arm"
    bundle = _bundle_with(
        text,
        [
            [(7, 17, "Condition.code")],  # chest pain
            [(13, 27, "Condition.code"), (0, 6, "Condition.severity")],  # pain radiating: crosses
            [(99, 120, "Condition.code")],  # outside the text: reported, not drawn
        ],
    )
    page = render_review(bundle)
    root = lxml.html.document_fromstring(page)
    assert root.cssselect("#narrative .text")[0].text_content() == text
    assert len(root.cssselect('mark.hl[data-ref="r2"]')) == 1
    assert len(root.cssselect('mark.hl[data-ref="r3"]')) == 1
    assert root.cssselect('mark.hl[data-ref="r4"]') == []
    assert "point outside this document" in page
    assert root.cssselect('span.attr[data-ref="r3"]')[0].text_content() == "severe"


def test_not_reviewable() -> None:
    with pytest.raises(InputError):
        render_review({"resourceType": "Patient"})
    with pytest.raises(InputError):
        render_review({"resourceType": "Bundle", "type": "collection", "entry": []})


def test_verdict_runs_the_validate_chain(definitions: Any) -> None:
    from fhirconv.review import verdict_for

    bundle = _converter().convert(read_path(SAMPLES / "chest_pain_stemi.txt"))
    good = verdict_for(bundle, "good")
    assert (good.status, good.errors) == ("valid", 0)
    broken = copy.deepcopy(bundle)
    cond = next(e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == "Condition")
    del cond["subject"]  # Condition.subject is 1..1
    bad = verdict_for(broken, "bad")
    assert bad.status == "invalid" and bad.errors >= 1 and bad.issues
    page = render_review(broken, verdict=bad)
    assert "invalid" in page and "Condition.subject" in page


def test_verdict_without_definitions(monkeypatch: pytest.MonkeyPatch) -> None:
    import fhirconv.definitions
    from fhirconv.errors import DefinitionsNotInstalled
    from fhirconv.review import verdict_for

    def missing(**_: Any) -> Any:
        raise DefinitionsNotInstalled("none here")

    monkeypatch.setattr(fhirconv.definitions, "load_definitions", missing)
    v = verdict_for({"resourceType": "Bundle"}, "x")
    assert v.status == "not validated" and "definitions install" in v.note


def test_foreign_bundle_with_wrong_json_types() -> None:
    """Odd JSON types where FHIR wants lists or objects: skipped or refused clearly, never a crash."""
    bundle = _converter().convert(read_path(SAMPLES / "chest_pain_stemi.txt"))
    broken = copy.deepcopy(bundle)
    res = [e["resource"] for e in broken["entry"]]
    conds = [r for r in res if r["resourceType"] == "Condition"]
    conds[0]["extension"] = 7
    conds[1]["code"]["coding"] = True
    conds[2]["extension"][0]["extension"][2]["valueInteger"] = 2.5  # offset not an integer
    next(r for r in res if r["resourceType"] == "Encounter")["period"] = "2000-01-01"
    root = lxml.html.document_fromstring(render_review(broken))
    assert root.cssselect(f'mark.hl[data-ref="r{res.index(conds[0]) + 1}"]') == []
    assert len(root.cssselect(f'mark.hl[data-ref="r{res.index(conds[1]) + 1}"]')) == 1
    assert root.cssselect(f'mark.hl[data-ref="r{res.index(conds[2]) + 1}"]') == []
    assert "1 derivation references point outside" in root.text_content()
    broken["entry"] = {"not": "a list"}
    with pytest.raises(InputError):
        render_review(broken)
