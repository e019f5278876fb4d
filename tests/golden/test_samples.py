"""Golden bundles for samples/: compared as parsed JSON. Regenerate with ``pytest --update-goldens``
(then review the diff: a golden change is a behaviour change)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import SAMPLES, converter, resources

from fhirconv.fhir import dumps, dumps_json, loads_json
from fhirconv.readers import read_path

GOLDEN = Path(__file__).parent / "bundles"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


def _bundle(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = converter().convert(read_path(path))
    return result


def test_there_are_samples_in_every_format() -> None:
    formats = {read_path(p).format.value for p in SAMPLE_FILES}
    assert formats == {"text", "html", "jats", "bioc"}
    assert len(SAMPLE_FILES) >= 6


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_golden(path: Path, update_goldens: bool) -> None:
    bundle = _bundle(path)
    golden = GOLDEN / f"{path.name}.json"
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(dumps(bundle, "json"), encoding="utf-8")
    assert golden.exists(), f"no golden for {path.name}; run pytest --update-goldens and review it"
    expected = loads_json(golden.read_text(encoding="utf-8"))
    if bundle != expected:
        import difflib

        def lines(x: Any) -> list[str]:
            return dumps_json(x, indent=1, sort_keys=True).splitlines()

        diff = "\n".join(
            list(difflib.unified_diff(lines(expected), lines(bundle), "golden", "now", lineterm="", n=2))[:80]
        )
        pytest.fail(f"{path.name} differs from its golden (pytest --update-goldens after review):\n{diff}")


# Semantic checks per sample, so a golden regenerated in error cannot hide a regression.
def _texts(res: dict[str, Any], key: str = "code") -> str:
    return dumps_json(res.get(key, {})).lower()


def test_stemi_vitals_labs_and_doses() -> None:
    b = _bundle(SAMPLES / "chest_pain_stemi.txt")
    obs = resources(b, "Observation")
    bp = [o for o in obs if "component" in o]
    assert bp and [c["valueQuantity"]["value"] for c in bp[0]["component"]] == [150, 95]
    assert bp[0]["component"][0]["valueQuantity"]["code"] == "mm[Hg]"
    trop = [o for o in obs if "troponin" in _texts(o)]
    assert (
        trop
        and trop[0]["valueQuantity"]["value"] == Decimal("2.3")
        and trop[0]["valueQuantity"]["unit"] == "ng/mL"
    )
    meds = {
        m["medicationCodeableConcept"]["text"].lower(): m for m in resources(b, "MedicationAdministration")
    }
    assert meds["aspirin"]["dosage"]["dose"]["value"] == 300
    assert "oral" in meds["aspirin"]["dosage"]["route"]["text"].lower()
    conds = {c["code"]["text"].lower(): c for c in resources(b, "Condition")}
    assert "dyspnea" not in conds  # denied: an absent finding, not a Condition
    absent = [o for o in resources(b, "Observation") if "dyspnea" in _texts(o)]
    assert absent and absent[0]["valueCodeableConcept"]["coding"][0]["code"] == "2667000"
    # the introduction's diseases are not this patient's
    assert not any("diabetes" in t or "kidney" in t for t in conds)


def test_infant_age_in_months_and_excluded_diagnosis() -> None:
    b = _bundle(SAMPLES / "infant_meningitis.html")
    ages = [
        o
        for o in resources(b, "Observation")
        if any(c.get("code") == "30525-0" for c in o["code"].get("coding", []))
    ]
    assert ages and ages[0]["valueQuantity"]["value"] == 7 and ages[0]["valueQuantity"]["code"] == "mo"
    assert resources(b, "Patient")[0]["gender"] == "female"
    herpes = [c for c in resources(b, "Condition") if "herpes" in _texts(c)]
    assert herpes and all(c["verificationStatus"]["coding"][0]["code"] == "refuted" for c in herpes)
    assert not [c for c in resources(b, "Condition") if "hearing loss" in _texts(c)]


def test_lupus_tapering_and_remission() -> None:
    b = _bundle(SAMPLES / "lupus_nephritis.nxml")
    pred = [
        m
        for m in resources(b, "MedicationAdministration")
        if "prednisolone" in _texts(m, "medicationCodeableConcept")
    ]
    assert pred and "taper" in dumps_json(pred[0].get("note", [])).lower()
    mmf = [
        m
        for m in resources(b, "MedicationAdministration")
        if "mycophenolate" in _texts(m, "medicationCodeableConcept")
    ]
    assert mmf and "twice daily" in dumps_json(mmf[0]).lower()
    cyc = [
        m
        for m in resources(b, "MedicationAdministration")
        if "cyclophosphamide" in _texts(m, "medicationCodeableConcept")
    ]
    assert cyc and cyc[0]["status"] == "not-done"
    doc = resources(b, "DocumentReference")[0]
    assert {"99999991", "10.9999/crn.2022.0042"} <= {i["value"] for i in doc["identifier"]}


def test_death_is_recorded() -> None:
    b = _bundle(SAMPLES / "fatal_septic_shock.bioc.xml")
    # "died on the third day of admission": the death sentence dates the death (day 2 from 2000-01-01)
    patient = resources(b, "Patient")[0]
    assert patient.get("deceasedDateTime") == "2000-01-03" and "deceasedBoolean" not in patient
    impression = resources(b, "ClinicalImpression")[0]
    assert impression["finding"][0]["itemCodeableConcept"]["coding"][0]["code"] == "419099009"  # Dead
    pip = [
        m
        for m in resources(b, "MedicationAdministration")
        if "piperacillin" in _texts(m, "medicationCodeableConcept")
    ]
    assert pip and pip[0]["dosage"]["dose"]["value"] == Decimal("4.5")


def test_negated_workup_and_not_performed_mri() -> None:
    b = _bundle(SAMPLES / "headache_negated_workup.txt")
    refuted = {
        c["code"]["text"].lower()
        for c in resources(b, "Condition")
        if c["verificationStatus"]["coding"][0]["code"] == "refuted"
    }
    # ruled-out diagnoses stay refuted Conditions; denied symptoms are absent-finding Observations
    assert any("meningitis" in t for t in refuted), refuted
    absent = {
        o["code"]["text"].lower()
        for o in resources(b, "Observation")
        if o.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("code") == "2667000"
    }
    assert {"fever", "papilledema"} <= absent
    conditions = {c["code"]["text"].lower() for c in resources(b, "Condition")}
    assert not {"fever", "papilledema"} & conditions
    mri = [o for o in resources(b, "Observation") if "magnetic resonance" in _texts(o)]
    assert mri and mri[0]["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    ibu = [
        m
        for m in resources(b, "MedicationAdministration")
        if "ibuprofen" in _texts(m, "medicationCodeableConcept")
    ]
    assert ibu and ibu[0]["status"] == "not-done"


def test_latin1_text_decodes() -> None:
    doc = read_path(SAMPLES / "asthma_child_latin1.txt")
    assert "250 µg" in doc.text
    b = _bundle(SAMPLES / "asthma_child_latin1.txt")
    conds = " ".join(c["code"]["text"].lower() for c in resources(b, "Condition"))
    assert "pneumothorax" not in conds or all(
        c["verificationStatus"]["coding"][0]["code"] == "refuted"
        for c in resources(b, "Condition")
        if "pneumothorax" in c["code"]["text"].lower()
    )
    assert "rhinitis" not in conds  # the mother's, not the patient's


def test_home_medications_negatives_and_timeline() -> None:
    b = _bundle(SAMPLES / "home_medications_followup.txt")
    statements = {_texts(m, "medicationCodeableConcept"): m for m in resources(b, "MedicationStatement")}
    assert any("metformin" in k for k in statements) and any("amlodipine" in k for k in statements)
    given = [_texts(m, "medicationCodeableConcept") for m in resources(b, "MedicationAdministration")]
    assert any("ceftriaxone" in g for g in given) and not any("metformin" in g for g in given)
    ceftriaxone = next(
        m
        for m in resources(b, "MedicationAdministration")
        if "ceftriaxone" in _texts(m, "medicationCodeableConcept")
    )
    assert ceftriaxone["effectivePeriod"] == {"start": "2000-01-02", "end": "2000-01-06"}
    absent = {
        o["code"]["text"].lower()
        for o in resources(b, "Observation")
        if o.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("code") == "2667000"
    }
    assert {"nausea", "jaundice"} <= absent
    (enc,) = resources(b, "Encounter")
    assert enc["class"]["code"] == "IMP" and enc["period"] == {"start": "2000-01-01", "end": "2000-01-07"}
    surgery = [p for p in resources(b, "Procedure") if "appendectomy" in _texts(p)]
    assert surgery and surgery[0]["performedDateTime"] == "2000-01-02"
    temps = sorted(o["effectiveDateTime"] for o in resources(b, "Observation") if "temperature" in _texts(o))
    assert temps == ["2000-01-01", "2000-01-04"]  # postoperative day 2 = surgery (day 1) + 2


def test_family_history_is_the_relatives() -> None:
    b = _bundle(SAMPLES / "home_medications_followup.txt")
    fmh = {
        (r["relationship"]["coding"][0]["code"], r["condition"][0]["code"]["text"].lower())
        for r in resources(b, "FamilyMemberHistory")
    }
    assert {("MTH", "breast cancer"), ("BRO", "type 2 diabetes mellitus")} <= fmh
    patient_conditions = " ".join(_texts(c) for c in resources(b, "Condition"))
    assert "breast" not in patient_conditions and "diabetes" not in patient_conditions
