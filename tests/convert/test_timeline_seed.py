"""Acceptance 2 of issue 9: the seed's timeline, element by element."""

from __future__ import annotations

from typing import Any

import pytest
from support import converter, require_shared

from fhirconv.fhir.timing import DATE_TAG
from fhirconv.readers import read_path


@pytest.fixture(scope="module")
def bundle() -> list[dict[str, Any]]:
    seed = sorted(require_shared("seeds").glob("*.txt"))
    assert seed, "no seed document"
    out = converter().convert(read_path(seed[0]))
    return [e["resource"] for e in out["entry"]]


def _named(resources: list[dict[str, Any]], rtype: str, word: str) -> list[dict[str, Any]]:
    key = "medicationCodeableConcept" if rtype.startswith("Medication") else "code"
    return [r for r in resources if r["resourceType"] == rtype and word in str(r.get(key, "")).lower()]


def test_ivig_period_is_inclusive(bundle: list[dict[str, Any]]) -> None:
    (ivig,) = _named(bundle, "MedicationAdministration", "immunoglobulin")
    assert ivig["effectivePeriod"] == {"start": "2000-01-06", "end": "2000-01-10"}


def test_stabilised_on_third_day_of_ivig(bundle: list[dict[str, Any]]) -> None:
    eyes = _named(bundle, "Observation", "eye movements")
    assert eyes and all(o.get("effectiveDateTime") == "2000-01-08" for o in eyes)


@pytest.mark.parametrize("drug", ["prednisolone", "clonazepam"])
def test_taper_over_the_following_five_days(bundle: list[dict[str, Any]], drug: str) -> None:
    (med,) = _named(bundle, "MedicationAdministration", drug)
    assert med["effectivePeriod"]["end"] == "2000-01-11"
    notes = " ".join(n["text"] for n in med.get("note", []))
    assert "Tapered from 2000-01-07 to 2000-01-11" in notes


def test_symptom_free_within_eight_weeks_is_abatement(bundle: list[dict[str, Any]]) -> None:
    conditions = [
        r
        for r in bundle
        if r["resourceType"] == "Condition"
        and r.get("clinicalStatus", {}).get("coding", [{}])[0].get("code") == "resolved"
    ]
    assert conditions
    for c in conditions:
        assert c["abatementPeriod"] == {"start": "2000-01-08", "end": "2000-03-04"}, c["code"]


def test_synthetic_date_tag_and_provenance(bundle: list[dict[str, Any]]) -> None:
    dated = [r for r in bundle if any(k.startswith(("effective", "performed", "onset")) for k in r)]
    assert dated
    for r in dated:
        assert DATE_TAG in r.get("meta", {}).get("tag", []), r["resourceType"]
    (prov,) = [r for r in bundle if r["resourceType"] == "Provenance"]
    assert prov["policy"] and "synthetic" in prov["reason"][0]["text"].lower()
