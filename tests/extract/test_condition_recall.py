"""Condition recall by rules and vocabulary (issue 10): normal states a report records as findings,
outcome words that are findings of the patient, everyday finding phrasing, clinical abbreviations
written without their long form.

Every sentence here is written by the team for this file; none is taken from a corpus or a real report.
"""

from __future__ import annotations

from typing import Any

from support import facts_of

from fhirconv.model import Assertion

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HPO = "http://human-phenotype-ontology.org"


def _conditions(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


# ------------------------------------------------------------------- normal states recorded as findings


def test_alert_and_oriented_are_findings() -> None:
    text = "A 47-year-old man was admitted. On examination he was alert and oriented, with a soft abdomen."
    assert _conditions(text, "alert") and _conditions(text, "oriented")


def test_normotensive_and_euvolemic_are_findings() -> None:
    text = "A 58-year-old woman was seen in clinic. She was normotensive and euvolemic on review."
    found = _conditions(text, "normotensive")
    assert found and found[0].assertion is Assertion.PRESENT
    assert _conditions(text, "euvolemic")


def test_conscious_sedation_is_no_finding() -> None:
    text = "A 62-year-old man was admitted. The biopsy was taken under conscious sedation."
    assert not _conditions(text, "conscious")


# --------------------------------------------------------- outcome words that are findings of the patient


def test_asymptomatic_at_follow_up_is_a_finding() -> None:
    text = "A 39-year-old woman underwent surgery. Six months later she remained asymptomatic."
    assert _conditions(text, "asymptomatic")


def test_no_recurrence_is_a_negated_finding() -> None:
    text = "A 55-year-old man had the tumour excised. There was no recurrence during two years of follow-up."
    found = _conditions(text, "recurrence")
    assert found and found[0].assertion is Assertion.NEGATED


def test_recurrence_of_a_named_condition_is_that_condition() -> None:
    # the recurrence says what happened to the named condition; it is not a second condition
    text = "A 44-year-old woman was treated for gout. She presented with a recurrence of gout a year later."
    assert not _conditions(text, "recurrence")
    assert _conditions(text, "gout")


def test_complete_resolution_is_still_no_condition() -> None:
    text = "A 30-year-old man was given antibiotics. The rash showed complete resolution after a week."
    assert not _conditions(text, "resolution")


# ------------------------------------------------------------------------ everyday finding phrasing


def test_no_abnormality_on_imaging_is_a_negated_finding() -> None:
    text = "A 71-year-old man had a chest CT, which revealed no abnormality."
    found = _conditions(text, "abnormality")
    assert found and found[0].assertion is Assertion.NEGATED


def test_biventricular_failure_is_coded() -> None:
    text = "A 66-year-old man was admitted with dyspnoea. Echocardiography showed biventricular failure."
    found = _conditions(text, "biventricular")
    assert found and (ICD10CM, "I50.82") in [(c.system, c.code) for c in found[0].codings]


def test_electrolyte_derangements_are_the_hpo_concept() -> None:
    text = "A 50-year-old woman was admitted. Laboratory tests showed electrolyte derangements."
    found = _conditions(text, "electrolyte")
    assert found and (HPO, "HP:0003111") in [(c.system, c.code) for c in found[0].codings]


def test_imaging_and_ecg_phrasing() -> None:
    text = (
        "A 63-year-old man was admitted. MRI showed volume loss and two disc protrusions. "
        "The ECG showed low-voltage complexes and flat T waves."
    )
    for word in ("volume loss", "disc protrusions", "low-voltage complexes", "flat t waves"):
        assert _conditions(text, word), word


def test_signal_after_a_descriptor_is_no_finding() -> None:
    # "decreased signal" describes an image, not a finding of its own
    text = "A 61-year-old man had an MRI, which showed a decreased signal in the vertebral body."
    assert not _conditions(text, "signal")


# --------------------------------------------------- clinical abbreviations written without a long form


def test_undefined_disease_abbreviation_is_its_disease() -> None:
    found = _conditions("A 40-year-old woman with known HHT presented with epistaxis.", "hht")
    assert found and (ICD10CM, "I78.0") in [(c.system, c.code) for c in found[0].codings]


def test_abbreviation_in_lower_case_prose_is_no_disease() -> None:
    # a three-letter condition abbreviation counts only in capitals
    assert not _conditions("A 35-year-old man was seen. The pte of the report was unclear.", "pte")


# ------------------------------------------------------------------------------- general statements


def test_has_been_found_to_be_is_a_general_statement() -> None:
    text = (
        "The cause of this fistula has been found to be mostly ingestion of foreign bodies. "
        "We describe a 15-year-old girl with a cough after meals."
    )
    assert not _conditions(text, "foreign bod")


def test_organ_word_with_symptoms_or_manifestations_is_a_finding() -> None:
    text = (
        "A 36-year-old woman was seen in clinic. She had no systemic symptoms and no extra-intestinal "
        "manifestations."
    )
    found = _conditions(text, "systemic symptoms")
    assert found and found[0].assertion is Assertion.NEGATED
    assert _conditions(text, "extra-intestinal manifestations")


def test_bare_symptoms_stay_no_condition() -> None:
    # "symptoms" alone points back at findings named elsewhere; it names no condition of its own
    assert not _conditions("A 29-year-old man was given ibuprofen. This relieved his symptoms.", "symptom")


def test_species_after_a_genus_initial_is_no_disease() -> None:
    text = "A 47-year-old man had a lung biopsy. Cultures of the biopsy grew M. tuberculosis after six weeks."
    assert not _conditions(text, "tuberculosis")


def test_everyday_phrasing_of_named_disorders() -> None:
    text = (
        "A 58-year-old woman was admitted. She had loose bowel motions and voiding difficulties. "
        "The ECG showed sinus rhythm with hemiblock, and echocardiography showed a perivalvular leak."
    )
    for word in ("loose bowel motions", "voiding difficulties", "hemiblock", "perivalvular leak"):
        assert _conditions(text, word), word
    found = _conditions(text, "loose bowel")
    assert (HPO, "HP:0002014") in [(c.system, c.code) for c in found[0].codings]


def test_recovery_never_closes_a_state_of_health() -> None:
    # the outcome closes the illness; being asymptomatic is what it confirms, not something that ended
    text = (
        "A 42-year-old man was admitted with pneumonia and treated with antibiotics. "
        "He recovered fully and was asymptomatic at follow-up."
    )
    facts = facts_of(text)
    state = [c for c in facts.conditions if "asymptomatic" in c.text.lower()]
    illness = [c for c in facts.conditions if "pneumonia" in c.text.lower()]
    assert state and state[0].clinical_status is None and state[0].abatement is None
    assert illness and illness[0].clinical_status == "resolved"


def test_a_duration_never_dates_a_state_back_from_the_presentation() -> None:
    # "asymptomatic for two years" began after the illness; it has no onset two years before day 0
    text = "A 52-year-old man was treated for pneumonia in hospital. He has been asymptomatic for two years."
    found = _conditions(text, "asymptomatic")
    assert found and found[0].onset is None
