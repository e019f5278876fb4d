"""The builder's shortcuts of issue 15 give what the plain forms give: fullUrls from a per-bundle SHA-1
prefix, a Condition's status and category concepts written out, the narrative's one search before
escaping, the concept text taken directly, the vital-signs profile's cheap tests first and the facts
check's plan per type. Each is compared with the plain form on generated values and on every resource
and fact of the MACCROBAT dev texts and the samples."""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.chars import fhir_safe
from fhirconv.fhir import bundle, datatypes, vitals
from fhirconv.fhir.ids import _NAMESPACE, ResourceUrls, resource_uuid
from fhirconv.model import Coding

_BASE = "http://hl7.org/fhir/StructureDefinition/"


@settings(deadline=None, max_examples=300)
@given(
    st.text(max_size=30),
    st.lists(st.sampled_from(["Condition", "Observation", "x|y", ""]), min_size=1, max_size=4),
    st.lists(st.text(max_size=40), min_size=1, max_size=5),
)
def test_resource_urls_are_urn_uuid5(doc: str, rtypes: list[str], keys: list[str]) -> None:
    urls = ResourceUrls(doc)
    for rtype in rtypes:
        for key in keys:
            name = f"{doc}|{rtype}|{key}"
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: neither form can hash it
                continue
            expected = "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, name))
            assert urls(rtype, key) == expected
            assert urls(rtype, key) == "urn:uuid:" + resource_uuid(doc, rtype, key)


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(["active", "resolved", "confirmed", "", "a b", " x", "ÉTAT", "ß", "ǆ"]) | st.text())
def test_status_concept_is_the_general_concept(status: str) -> None:
    for system in (bundle._CLINICAL, bundle._VERIFICATION):
        plain = datatypes.codeable_concept(None, [Coding(system, status, status.capitalize())])
        assert bundle._status_concept(system, status) == plain


_NARRATED = st.text(alphabet=st.sampled_from(list("ab &<>\"'\x00\x07\x0b\t\n\ufffe\ud800é")), max_size=30)


@settings(deadline=None, max_examples=500)
@given(_NARRATED | st.text(max_size=30))
def test_narrative_is_escaped_safe_text(summary: str) -> None:
    div = f'<div xmlns="http://www.w3.org/1999/xhtml">{escape(fhir_safe(summary), quote=False)}</div>'
    assert datatypes.narrative(summary) == {"status": "generated", "div": div}


def _plain_concept_text(cc: Any) -> str:
    """The text of a concept: its text, else its first coding's display or code (the definition)."""
    if not isinstance(cc, dict):
        return ""
    return str(cc.get("text") or next((c.get("display") or c.get("code") for c in cc.get("coding", [])), ""))


def _plain_vital_profile(resource: dict[str, Any]) -> str | None:
    """``vital_profile`` with its tests in their first order (the definition the reordering keeps)."""
    cats = [c.get("code") for cc in resource.get("category", []) for c in cc.get("coding", [])]
    if "vital-signs" not in cats or resource.get("status") != "final":
        return None
    if "effectiveDateTime" not in resource:
        return None
    codes = [
        c["code"] for c in resource.get("code", {}).get("coding", []) if c.get("system") == "http://loinc.org"
    ]
    hit = next((vitals._PROFILES[c] for c in codes if c in vitals._PROFILES), None)
    if hit is None:
        return None
    name, units = hit
    quantities = [resource.get("valueQuantity")] if "valueQuantity" in resource else []
    quantities += [c.get("valueQuantity") for c in resource.get("component", [])]
    if not quantities or not all(
        isinstance(q, dict) and q.get("system") == "http://unitsofmeasure.org" and q.get("code") in units
        for q in quantities
    ):
        return None
    if name == "bp":
        comp = {c["code"] for cp in resource.get("component", []) for c in cp["code"].get("coding", [])}
        if not {"8480-6", "8462-4"} <= comp:
            return None
    return _BASE + name


@settings(deadline=None, max_examples=300)
@given(
    st.one_of(
        st.none(),
        st.just("x"),
        st.dictionaries(
            st.sampled_from(["text", "coding"]),
            st.one_of(
                st.sampled_from(["", "fever", 3, None]),
                st.lists(
                    st.dictionaries(st.sampled_from(["display", "code"]), st.sampled_from(["", "c", "D"])),
                    max_size=2,
                ),
            ),
        ),
    )
)
def test_concept_text_is_the_plain_text(cc: Any) -> None:
    try:
        plain = _plain_concept_text(cc)
    except (AttributeError, TypeError) as exc:  # a malformed concept fails both ways alike
        with pytest.raises(type(exc)):
            bundle._concept_text(cc)
        return
    assert bundle._concept_text(cc) == plain


def _dev_and_samples() -> list[Path]:
    from support import require_shared

    dev = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    assert len(dev) > 50
    return dev + sorted(Path(__file__).resolve().parents[2].joinpath("samples").glob("*.txt"))


def test_built_bundles_agree_with_the_plain_forms() -> None:
    """Every resource built from the dev texts and the samples: fullUrls are the uuid5 of identity, type
    and key (checked through the ids the plain ``resource_uuid`` gives for the fixed keys), Condition
    status and category concepts are the general concepts, the narrative is the escaped summary, the
    concept texts and vital-signs profiles are the plain ones, and the facts check is the plain walk."""
    from support import converter
    from test_builder_speedups import _plain_usable

    from fhirconv.fhir.bundle import BundleOptions, build_bundle, document_identity

    conv = converter()
    conditions = profiled = 0
    for path in _dev_and_samples():
        doc = conv.read_bytes(path.read_bytes(), path.name)
        facts = conv.extractor.extract(doc)
        usable = bundle._usable(facts)
        assert usable == _plain_usable(facts)
        assert bundle._usable(facts) == usable  # (the second time by the plan per type)
        built = build_bundle(doc, facts, conv.normalizer, BundleOptions())
        identity = document_identity(doc)
        entries = built["entry"]
        assert entries[0]["fullUrl"] == "urn:uuid:" + resource_uuid(identity, "DocumentReference", "document")
        assert built["identifier"]["value"] == "urn:uuid:" + resource_uuid(identity, "Bundle", "transaction")
        for entry in entries:
            res = entry["resource"]
            summary = bundle._summary(res)
            assert res["text"]["div"].endswith(f">{escape(fhir_safe(summary), quote=False)}</div>")
            for key in ("code", "verificationStatus", "clinicalStatus", "medicationCodeableConcept"):
                assert bundle._concept_text(res.get(key)) == _plain_concept_text(res.get(key))
            if res["resourceType"] == "Observation":
                plain = _plain_vital_profile(res)
                assert vitals.vital_profile(res) == plain
                assert res["meta"].get("profile") == ([plain] if plain else None)
                profiled += plain is not None
            if res["resourceType"] == "Condition":
                conditions += 1
                for key in ("clinicalStatus", "verificationStatus"):
                    if key in res:
                        c = res[key]["coding"][0]
                        general = datatypes.codeable_concept(
                            None, [Coding(c["system"], c["code"], c["code"].capitalize())]
                        )
                        assert res[key] == general
                category = datatypes.codeable_concept(
                    None, [Coding(bundle._COND_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")]
                )
                assert res["category"] == [category]
    assert conditions > 500 and profiled > 20


class _PlainUrlBuilder(bundle._Builder):
    """The builder with a fact's id made the plain way: a counter per (type, base) tuple and the uuid5 of
    ``resource_uuid`` (no per-bundle SHA-1 state)."""

    def _fact_url(self, rtype: str, key: str, mention: Any) -> str:
        if "@" in key:
            stem, _, offset = key.rpartition("@")
            if offset.isdigit():
                key = stem
        base = f"{key}|{self._anchor(mention.start, mention.end)}"
        counts: dict[tuple[str, str], int] = self.__dict__.setdefault("plain_seen", {})
        n = counts[(rtype, base)] = counts.get((rtype, base), 0) + 1
        return "urn:uuid:" + resource_uuid(self.identity, rtype, base if n == 1 else f"{base}#{n}")


def test_fact_urls_are_the_plain_ids() -> None:
    """Every bundle of the dev texts and the samples, built with ``_fact_url``'s counter per type and
    per-bundle SHA-1 states, equals the one built with the plain ids (repeats of a fact in one sentence
    included)."""
    from support import converter

    from fhirconv.fhir.bundle import BundleOptions

    conv = converter()
    repeats = 0
    for path in _dev_and_samples():
        doc = conv.read_bytes(path.read_bytes(), path.name)
        facts = bundle._usable(conv.extractor.extract(doc))
        for options in (BundleOptions(), BundleOptions("collection")):
            fast = bundle._Builder(doc, facts, conv.normalizer, options)
            plain = _PlainUrlBuilder(doc, facts, conv.normalizer, options)
            assert fast.bundle() == plain.bundle()
            repeats += any(n > 1 for n in plain.__dict__["plain_seen"].values())
    assert repeats > 0
