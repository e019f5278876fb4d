"""The outcome (issue 9): a recovery resolves the acute presenting problem, never chronic background
disease; the outcome's finding is coded only where a SNOMED CT concept means exactly that outcome; a dated
death dates Patient.deceased[x]. Sentences written by the team for this file."""

from __future__ import annotations

from support import bundle_of, facts_of, resources


def statuses(text: str) -> dict[str, str | None]:
    return {c.text.lower(): c.clinical_status for c in facts_of(text).conditions}


def test_recovery_resolves_the_presenting_problem_but_not_hypertension() -> None:
    got = statuses(
        "A 70-year-old woman with hypertension presented with pneumonia. She made a full recovery."
    )
    assert got["pneumonia"] == "resolved"
    assert got["hypertension"] is None  # still the patient's disease: active in the bundle


def test_recovery_leaves_diabetes_and_chronic_disease_open() -> None:
    got = statuses(
        "A 55-year-old man with type 2 diabetes mellitus and chronic kidney disease presented with "
        "cellulitis. At follow-up he was symptom free."
    )
    assert got["cellulitis"] == "resolved"
    assert got["type 2 diabetes mellitus"] is None
    assert got["chronic kidney disease"] is None


def test_improvement_resolves_nothing() -> None:
    got = statuses("A 40-year-old man presented with pneumonia. His condition improved.")
    assert got["pneumonia"] is None


def test_chronic_condition_in_the_bundle_stays_active() -> None:
    b = bundle_of("A 70-year-old woman with hypertension presented with pneumonia. She made a full recovery.")
    status = {
        c["code"]["text"].lower(): c.get("clinicalStatus", {}).get("coding", [{}])[0].get("code")
        for c in resources(b, "Condition")
    }
    # hypertension: active, or no status at all when read as past history -- never resolved by the recovery
    assert status["pneumonia"] == "resolved" and status["hypertension"] in ("active", None)


def _finding_codes(text: str) -> list[str]:
    (ci,) = resources(bundle_of(text), "ClinicalImpression")
    return [c["code"] for f in ci.get("finding", []) for c in f["itemCodeableConcept"].get("coding", [])]


def test_outcome_findings_are_coded_only_when_exact() -> None:
    assert _finding_codes("A 30-year-old man had pneumonia. He made a full recovery.") == ["413322009"]
    assert _finding_codes("A 30-year-old man had pneumonia. He died on the fifth day.") == ["419099009"]
    assert _finding_codes("A 30-year-old man had pneumonia. His condition worsened.") == ["271299001"]
    # SNOMED's "Patient's condition improved" is not in the terminology HL7 publishes: no code
    assert _finding_codes("A 30-year-old man had pneumonia. His condition improved.") == []


def test_dated_death_sets_deceased_date_time() -> None:
    b = bundle_of("A 30-year-old man had pneumonia. He died on the fifth day.")
    (patient,) = resources(b, "Patient")
    assert patient["deceasedDateTime"] == "2000-01-05" and "deceasedBoolean" not in patient
    assert any(t["code"] == "synthetic-dates" for t in patient["meta"]["tag"])


def test_undated_death_sets_deceased_boolean() -> None:
    b = bundle_of("A 30-year-old man had pneumonia. Despite treatment he died.")
    (patient,) = resources(b, "Patient")
    assert patient["deceasedBoolean"] is True and "deceasedDateTime" not in patient
