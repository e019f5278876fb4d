"""The builder's shortcuts give what the plain computations give: the sentence anchor of a fact id (one
boundary index per document instead of four searches per fact), the uuid5 ids (without UUID objects), the
synthetic-date walk and the facts check that looks only into fields that can hold a number or a time."""

from __future__ import annotations

import random
import uuid
from dataclasses import fields, is_dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.fhir import bundle, timing
from fhirconv.fhir.bundle import _Anchors
from fhirconv.fhir.ids import _NAMESPACE, document_tag, resource_uuid
from fhirconv.fhir.timing import CalendarDate
from fhirconv.model import (
    Assertion,
    Coding,
    ConditionFact,
    Extraction,
    MedicationFact,
    Mention,
    MentionRole,
    ObservationFact,
    PatientFacts,
    Quantity,
    RelativeTime,
    TimeAnchor,
)


def _plain_anchor(text: str, start: int, end: int) -> str:
    """The anchor as four bounded searches each way (the definition)."""
    lo = max(0, start - 2000)
    hi = min(len(text), end + 2000)
    starts = [i + len(p) for p in ("\n", ". ", "! ", "? ") if (i := text.rfind(p, lo, start)) >= 0]
    a = max(starts, default=lo)
    found = [i for i in (text.find(p, end, hi) for p in ("\n", ". ", "! ", "? ")) if i >= 0]
    b = min(found) + 1 if found else hi
    return " ".join(text[a:b].lower().split())


@settings(deadline=None, max_examples=300)
@given(
    st.lists(st.sampled_from(["a", "Bc", " ", ".", "!", "?", "\n", ". ", "x" * 700]), max_size=30), st.data()
)
def test_anchor_is_the_sentence_the_searches_find(parts: list[str], data: st.DataObject) -> None:
    text = "".join(parts)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _Anchors(text)(start, end) == _plain_anchor(text, start, end)


def test_anchor_on_long_lines_and_prose() -> None:
    rng = random.Random(3)
    words = ["fever", "was", "noted", ".", "!", "?", "\n", "CT", "showed", "a", "mass"]
    text = " ".join(rng.choice(words) for _ in range(3000)) + " " + "y" * 5000 + " end."
    anchors = _Anchors(text)
    for _ in range(500):
        s = rng.randrange(len(text))
        e = min(len(text), s + rng.randrange(30))
        assert anchors(s, e) == _plain_anchor(text, s, e)


def test_ids_are_uuid5() -> None:
    for doc, rtype, key in [("pmid:1", "Condition", "fever|she had fever."), ("t", "Patient", "é|ü\u2013")]:
        assert resource_uuid(doc, rtype, key) == str(uuid.uuid5(_NAMESPACE, f"{doc}|{rtype}|{key}"))
        assert document_tag(doc) == str(uuid.uuid5(_NAMESPACE, f"{doc}|document"))


def _plain_synthetic(resource: dict[str, Any]) -> bool:
    """Whether any element holds an index-date date: every value looked at (the definition)."""
    if resource.get("resourceType") == "DocumentReference":
        return False
    stack: list[Any] = [resource]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in timing._DATE_KEYS and timing._synthetic(v):
                    return True
                if isinstance(v, dict | list) and k not in timing._DATELESS:
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return False


_KEYS = st.sampled_from(["period", "date", "code", "effectiveDateTime", "boundsPeriod", "value", "start"])


def test_dateless_elements_hold_no_date_in_built_bundles() -> None:
    """What the walk skips holds no date key in any resource the builder makes (the dev samples)."""
    from fhirconv.pipeline import convert_path

    seen = 0
    for sample in sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt")):
        for entry in convert_path(sample)["entry"]:
            stack = [v for k, v in entry["resource"].items() if k in timing._DATELESS]
            seen += len(stack)
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    assert not timing._DATE_KEYS & node.keys(), node
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
    assert seen > 100


_VALUES = st.recursive(
    st.sampled_from(["2020-01-01", CalendarDate("2015-03"), 5, None, Decimal("2.40")]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(deadline=None, max_examples=400)
@given(st.dictionaries(_KEYS, _VALUES, max_size=4), st.sampled_from(["Condition", "DocumentReference"]))
def test_synthetic_date_walk_is_the_plain_walk(resource: dict[str, Any], rtype: str) -> None:
    resource = {"resourceType": rtype, **resource}
    assert timing.has_synthetic_date(resource) == _plain_synthetic(resource)


def _plain_usable(obj: Any) -> Any:
    """``_usable`` looking into every value of every fact (the definition the field plan shortens)."""
    if isinstance(obj, Quantity):
        return obj if bundle._plausible_number(obj.value) else None
    if isinstance(obj, RelativeTime):
        ok = bundle._plausible_days(obj.start_day) and bundle._plausible_days(obj.end_day)
        return obj if ok else None
    if isinstance(obj, tuple):
        items = [_plain_usable(x) for x in obj]
        if any(x is None and y is not None for x, y in zip(items, obj, strict=True)):
            if any(isinstance(y, Quantity) for y in obj):
                return None
            items = [x for x, y in zip(items, obj, strict=True) if x is not None or y is None]
        return tuple(items)
    if is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, float) and not bundle._plausible_days(value):
                changes[f.name] = None
            elif not isinstance(value, str | int | float | Decimal) and value is not None:
                changes[f.name] = _plain_usable(value)
        return replace(obj, **changes)
    return obj


def test_usable_skips_only_what_holds_no_number_or_time() -> None:
    assert bundle._field_names(Mention) == ()
    assert bundle._field_names(Coding) == ()
    assert set(bundle._field_names(ConditionFact) or ()) == {"onset", "abatement_time", "noted"}
    assert set(bundle._field_names(TimeAnchor) or ()) == {"day", "end_day", "age_years"}
    assert bundle._field_names(str) is None
    head = (Mention(0, 5, "fever", MentionRole.HEAD),)
    huge = Quantity(Decimal("1" * 40), "mg")
    ok = Quantity(Decimal("2.40"), "mg")
    never = RelativeTime("for 3000 years", start_day=-3000 * 366.0)
    facts = Extraction(
        patient=PatientFacts(age=huge, age_mention=head[0]),
        conditions=(
            ConditionFact(
                "fever", "fever", (Coding("s", "c"),), "sign", Assertion.PRESENT, head, onset=never
            ),
        ),
        observations=(
            ObservationFact("na", "sodium", (), "laboratory", head, value=huge),
            ObservationFact(
                "bp",
                "blood pressure",
                (),
                "vital-signs",
                head,
                components=(("sys", (), ok), ("dia", (), huge)),
            ),
            ObservationFact("hb", "hemoglobin", (), "laboratory", head, value=ok),
        ),
        medications=(MedicationFact("x", "x", (), head, dose=ok, duration_days=1e9),),
        timeline=(TimeAnchor(0, 5, "day 5", "relative", 0, day=5.0, end_day=1e12),),
    )
    got = bundle._usable(facts)
    assert got == _plain_usable(facts)
    assert got.patient.age is None and got.conditions[0].onset is None
    assert got.observations[0].value is None and got.observations[1].components == (("sys", (), ok),)
    assert got.observations[2] is facts.observations[2]  # nothing to change: the same object
    assert got.medications[0].duration_days is None and got.timeline[0].end_day is None


@settings(deadline=None, max_examples=500)
@given(st.text(max_size=60))
def test_ids_are_uuid5_for_any_name(name: str) -> None:
    from fhirconv.fhir.ids import _uuid5

    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: neither form can hash it
        return
    assert _uuid5(name) == str(uuid.uuid5(_NAMESPACE, name))


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.sampled_from(["q-ok", "q-huge", "t-never", "t-ok", None, "s", 3, "tuple"]),
        max_size=8,
    )
)
def test_usable_tuples_are_the_plain_walk(kinds: list[Any]) -> None:
    """Tuples of anything (kept, dropped, nested): the single pass gives what the plain walk gives,
    and hands back the very tuple when nothing changes."""
    make = {
        "q-ok": lambda: Quantity(Decimal("2.40"), "mg"),
        "q-huge": lambda: Quantity(Decimal("1" * 40), "mg"),
        "t-never": lambda: RelativeTime("for 3000 years", start_day=-3000 * 366.0),
        "t-ok": lambda: RelativeTime("day 2", start_day=2.0),
        "tuple": lambda: ("x", Quantity(Decimal("1" * 30), "g"), RelativeTime("y", start_day=1.0)),
    }
    obj = tuple(make[k]() if isinstance(k, str) and k in make else k for k in kinds)
    got = bundle._usable(obj)
    assert got == _plain_usable(obj)
    if got == obj:
        assert got is obj


@settings(deadline=None, max_examples=300)
@given(
    st.lists(st.text(max_size=12), min_size=1, max_size=3),
    st.lists(st.sampled_from(["Condition", "Observation", "Patient", "x|y", ""]), min_size=1, max_size=3),
    st.lists(st.text(max_size=40), min_size=1, max_size=6),
)
def test_resource_ids_from_a_hashed_prefix_are_uuid5(
    docs: list[str], rtypes: list[str], keys: list[str]
) -> None:
    # the SHA-1 of "namespace + identity|type|" is kept per (identity, type) and copied per key: every
    # id must be the uuid5 of the whole name, whatever was hashed before (the prefixes of other
    # documents and types, the same prefix again)
    for doc in docs:
        for rtype in rtypes:
            for key in keys:
                name = f"{doc}|{rtype}|{key}"
                try:
                    name.encode("utf-8")
                except UnicodeEncodeError:  # a lone surrogate: neither form can hash it
                    continue
                assert resource_uuid(doc, rtype, key) == str(uuid.uuid5(_NAMESPACE, name))


def test_resource_id_prefixes_stay_bounded() -> None:
    from fhirconv.fhir import ids

    for i in range(ids._PREFIX_LIMIT + 10):
        assert resource_uuid(f"doc{i}", "Condition", "k") == str(
            uuid.uuid5(_NAMESPACE, f"doc{i}|Condition|k")
        )
    assert 0 < len(ids._PREFIXES) <= ids._PREFIX_LIMIT


@settings(deadline=None, max_examples=500)
@given(
    st.one_of(
        st.none(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [bundle.MAX_DAYS, -bundle.MAX_DAYS, bundle.MAX_DAYS + 1, float(bundle.MAX_DAYS) + 0.5]
        ),
    )
)
def test_plausible_days_is_the_finite_bounded_check(days: float | None) -> None:
    import math

    plain = days is None or (math.isfinite(days) and abs(days) <= bundle.MAX_DAYS)
    assert bundle._plausible_days(days) == plain


_CODINGS = st.lists(
    st.builds(
        Coding, st.sampled_from(["s1", "s2"]), st.sampled_from(["", "a", "b"]), st.sampled_from(["", "A"])
    ),
    max_size=3,
)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.none(), st.sampled_from(["", " x  y ", "text"])), _CODINGS, st.booleans())
def test_codeable_concept_fast_path_is_the_general_one(
    text: str | None, codings: list[Coding], as_tuple: bool
) -> None:
    from fhirconv.fhir.datatypes import codeable_concept

    given_ = tuple(codings) if as_tuple else codings
    # a generator always takes the general way (de-duplicating by system and code)
    assert codeable_concept(text, given_) == codeable_concept(text, (c for c in codings))


def _plain_body(builder: Any, url: str, resource: dict[str, Any], mentions: Any) -> dict[str, Any]:
    """``_add``'s resource the way it was first written: every key copied in a loop (the definition)."""
    from fhirconv.fhir.datatypes import derivation, narrative
    from fhirconv.fhir.ids import DOCUMENT_TAG_SYSTEM, ID_SYSTEM, TAG_SYSTEM
    from fhirconv.fhir.roles import element_path
    from fhirconv.fhir.vitals import vital_profile

    rtype = resource["resourceType"]
    body: dict[str, Any] = {"resourceType": rtype}
    tags: list[dict[str, Any]] = [{"system": DOCUMENT_TAG_SYSTEM, "code": builder.document_tag}]
    if rtype in bundle.TAG_KEYED:
        tags.insert(0, {"system": TAG_SYSTEM, "code": url.removeprefix("urn:uuid:")})
    if timing.has_synthetic_date(resource):
        tags.append(dict(timing.DATE_TAG))
    profile = vital_profile(resource) if rtype == "Observation" else None
    body["meta"] = {"profile": [profile], "tag": tags} if profile else {"tag": tags}
    body["text"] = narrative(bundle._summary(resource))
    exts = [derivation(builder.doc_ref, m, element_path(rtype, m.role)) for m in mentions]
    if exts:
        body["extension"] = exts
    if rtype not in bundle.TAG_KEYED:
        body["identifier"] = [{"system": ID_SYSTEM, "value": url}]
    for k, v in resource.items():
        if k == "resourceType":
            continue
        if k == "identifier":
            body["identifier"] = body.get("identifier", []) + v
            continue
        body[k] = v
    return body


@settings(deadline=None, max_examples=200)
@given(
    st.sampled_from(["Condition", "Provenance", "AdverseEvent", "Observation", "DocumentReference"]),
    st.lists(
        st.sampled_from(
            ["status", "identifier", "meta", "text", "extension", "code", "note", "resourceType"]
        ),
        unique=True,
    ),
    st.integers(0, 2),
)
def test_add_places_elements_as_the_key_loop_did(rtype: str, keys: list[str], n_mentions: int) -> None:
    from fhirconv.fhir.bundle import BundleOptions, _Builder
    from fhirconv.model import Document, DocumentFormat, Metadata
    from fhirconv.normalize import Normalizer

    doc = Document(
        text="She had a fever. It resolved.",
        sections=(),
        metadata=Metadata(),
        format=DocumentFormat.TEXT,
        source_name="x.txt",
        source_sha256="",
    )
    builder = _Builder(
        doc, Extraction(patient=PatientFacts()), Normalizer.__new__(Normalizer), BundleOptions()
    )
    resource: dict[str, Any] = {"resourceType": rtype}
    for k in keys:
        resource[k] = (
            [{"system": "s", "value": "v"}]
            if k == "identifier"
            else (rtype if k == "resourceType" else f"<{k}>")
        )
    role = MentionRole.HEAD if rtype not in ("Provenance", "DocumentReference") else None
    mentions = [Mention(10, 15, "fever", role)] * n_mentions if role else []
    builder._add("urn:uuid:1", resource, mentions)
    assert builder.entries[-1]["resource"] == _plain_body(builder, "urn:uuid:1", resource, mentions)
    assert list(builder.entries[-1]["resource"]) == list(
        _plain_body(builder, "urn:uuid:1", resource, mentions)
    )


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet="ab .!?\n\r\t\u2028é", max_size=80))
def test_anchor_boundaries_are_the_alternations_matches(text: str) -> None:
    anchors = _Anchors(text)
    spans = [m.span() for m in bundle._BOUNDARY.finditer(text)]
    assert list(zip(anchors.starts, anchors.ends, strict=True)) == spans


def test_anchor_boundaries_on_the_samples() -> None:
    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(Path("samples").glob("*.txt"))]
    assert texts
    for text in texts:
        anchors = _Anchors(text)
        spans = [m.span() for m in bundle._BOUNDARY.finditer(text)]
        assert spans and list(zip(anchors.starts, anchors.ends, strict=True)) == spans


def _plain_summary(r: dict[str, Any]) -> str:
    """``_summary`` as a chain of tests, one per resource type, each line joined whole (the definition
    the look-up by type and the joins skipped when empty shorten)."""
    ct, qty = bundle._concept_text, bundle._qty
    t = str(r["resourceType"])
    if t == "Patient":
        dead = r.get("deceasedBoolean") or r.get("deceasedDateTime")
        bits = [r.get("gender", "unknown sex")] + (["deceased"] if dead else [])
        return "Patient of the case report: " + ", ".join(bits)
    if t == "Condition":
        return f"Condition: {ct(r.get('code'))} ({ct(r.get('verificationStatus'))})"
    if t == "Observation" and "2667000" in str(r.get("valueCodeableConcept")):
        return f"Observation: {ct(r.get('code'))}: absent"
    if t == "Observation":
        value = qty(r.get("valueQuantity")) or r.get("valueString", "")
        comps = "; ".join(
            f"{ct(c.get('code'))} {qty(c.get('valueQuantity'))}" for c in r.get("component", [])
        )
        interp = ", ".join(ct(i) for i in r.get("interpretation", []))
        absent = "not performed" if r.get("dataAbsentReason") else ""
        detail = ", ".join(x for x in (value, comps, interp, absent) if x)
        return f"Observation: {ct(r.get('code'))}" + (f": {detail}" if detail else "")
    if t == "MedicationStatement":
        detail = (r.get("dosage") or [{}])[0].get("text", "")
        return f"{t}: {ct(r.get('medicationCodeableConcept'))} ({r['status']})" + (
            f": {detail}" if detail else ""
        )
    if t in ("MedicationAdministration", "MedicationRequest"):
        dosage = r.get("dosage") or (r.get("dosageInstruction") or [{}])[0]
        detail = ", ".join(x for x in (dosage.get("text", ""), ct(dosage.get("route"))) if x)
        return f"{t}: {ct(r.get('medicationCodeableConcept'))} ({r['status']})" + (
            f": {detail}" if detail else ""
        )
    if t == "FamilyMemberHistory":
        conds = ", ".join(ct(c.get("code")) for c in r.get("condition", []))
        return f"Family history: {ct(r.get('relationship'))}: {conds}"
    if t == "Procedure":
        return f"Procedure: {ct(r.get('code'))} ({r['status']})"
    if t == "AdverseEvent":
        se = r.get("suspectEntity")
        rel = (
            f" ({se[0]['causality'][0].get('productRelatedness', '')})"
            if se and se[0].get("causality")
            else ""
        )
        return f"Adverse event: {ct(r.get('event'))}" + rel
    if t == "ClinicalImpression":
        return f"Outcome: {r.get('summary', '')}"
    if t == "Encounter":
        return f"Encounter ({r['class'].get('display', '')}) starting {r.get('period', {}).get('start', '')}"
    if t == "DocumentReference":
        return f"Source case report: {r.get('description', '')}"
    if t == "Device":
        return "fhirconv, the software that extracted these resources"
    if t == "Provenance":
        return f"Provenance: {len(r.get('target', []))} resources extracted by fhirconv"
    return t


def _built(paths: list[Path]) -> list[tuple[Any, dict[str, Any]]]:
    """(facts, bundle) of each text, built without the gate."""
    from support import converter

    from fhirconv.fhir.bundle import BundleOptions, build_bundle

    conv = converter()
    out = []
    for path in paths:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        facts = conv.extractor.extract(doc)
        out.append((facts, build_bundle(doc, facts, conv.normalizer, BundleOptions())))
    return out


def _dev_and_samples() -> list[Path]:
    from support import require_shared

    dev = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    assert len(dev) > 50
    return dev + sorted(Path(__file__).resolve().parents[2].joinpath("samples").glob("*.txt"))


def test_built_resources_read_as_the_plain_walks_read_them() -> None:
    """On every resource built from the MACCROBAT dev texts and the samples: the summary by type is the
    chain of tests (and the narrative holds it), the synthetic-date walk by key plan is the walk of
    every value (and the tag is there exactly when it says so), and the derivations made in one call
    are ``derivation`` of each mention."""
    from fhirconv.fhir.datatypes import derivation, derivations, narrative
    from fhirconv.fhir.roles import element_path

    kinds: set[str] = set()
    tagged = untagged = 0
    for facts, built in _built(_dev_and_samples()):
        doc_ref = built["entry"][0]["fullUrl"]
        for entry in built["entry"]:
            res = entry["resource"]
            rtype = res["resourceType"]
            kinds.add(rtype)
            assert bundle._summary(res) == _plain_summary(res)
            assert res["text"] == narrative(_plain_summary(res))
            assert timing.has_synthetic_date(res) == _plain_synthetic(res)
            dated = timing.DATE_TAG in res["meta"]["tag"]
            assert dated == _plain_synthetic(res)
            tagged, untagged = tagged + dated, untagged + (not dated)
        mentions = [m for c in facts.conditions for m in c.mentions] + [
            m for o in facts.observations for m in o.mentions
        ]
        paths = {m.role: element_path("Observation", m.role) for m in mentions}
        assert derivations(doc_ref, mentions, paths) == [
            derivation(doc_ref, m, paths[m.role]) for m in mentions
        ]
    assert {"Condition", "Observation", "Patient", "Provenance", "MedicationAdministration"} <= kinds
    assert tagged > 100 and untagged > 100


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Observation", "code": {"text": "bp"}, "component": []},
        {"resourceType": "Observation", "code": {"coding": [{"code": "c"}]}, "interpretation": [{}, {}]},
        {"resourceType": "Observation", "valueString": "", "interpretation": [{"text": "high"}]},
        {"resourceType": "Observation", "valueQuantity": {"value": 1}, "dataAbsentReason": {"text": "x"}},
        {
            "resourceType": "Observation",
            "component": [{"code": {}, "valueQuantity": {"value": 2, "unit": "%"}}],
        },
        {"resourceType": "Basic"},
    ],
)
def test_summary_edges_are_the_chain_of_tests(resource: dict[str, Any]) -> None:
    assert bundle._summary(resource) == _plain_summary(resource)
