"""Facts exactly as the text states them (issue 8 classes 1-4, 7-9), one sentence of our own per test."""

from __future__ import annotations

from typing import Any

from support import bundle_of, facts_of

from fhirconv.model import Assertion


def _conds(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


def _given(text: str, word: str) -> list[Any]:
    return [m for m in facts_of(text).medications if word in m.text.lower() and m.status != "not-done"]


def _procs(text: str, word: str) -> list[Any]:
    return [p for p in facts_of(text).procedures if word in p.text.lower()]


# -- class 1: one negation over a list; negated drugs and vaccines are never given


def test_negated_vaccination_is_not_given() -> None:
    text = "A 7-year-old boy had weakness. He had no recent influenza vaccination or viral illness."
    assert not _given(text, "vaccin")
    assert all(c.assertion is Assertion.NEGATED for c in _conds(text, "illness") + _conds(text, "viral"))


def test_negated_vaccination_is_a_not_done_administration() -> None:
    bundle = bundle_of("A 7-year-old boy had weakness. He had no recent viral illness or vaccination.")
    given = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
        and "vaccin" in e["resource"]["medicationCodeableConcept"]["text"].lower()
    ]
    assert [(r["status"], r["statusReason"][0]["text"]) for r in given] == [
        ("not-done", "Reported as not given")
    ]


def test_a_negated_mention_does_not_withhold_a_given_drug() -> None:
    text = "A 50-year-old man had pain. He received morphine. Later no morphine was needed."
    statuses = sorted(m.status for m in facts_of(text).medications if "morphine" in m.text.lower())
    assert statuses == ["completed", "not-done"]


def test_without_drug_support_is_not_given() -> None:
    assert not _given("A 50-year-old man had neutropenia, treated without filgrastim.", "filgrastim")


def test_neither_nor_over_two_drugs() -> None:
    text = "A 30-year-old woman had asthma. She received neither salbutamol nor prednisolone."
    assert not _given(text, "salbutamol") and not _given(text, "prednisolone")


def test_was_not_treated_with_a_list_of_drugs() -> None:
    text = "A 45-year-old man had a rash. He was not treated with aciclovir or valaciclovir."
    assert not _given(text, "aciclovir") and not _given(text, "valaciclovir")


def test_never_received_drug() -> None:
    assert not _given("A 9-month-old girl had cough. She had never received any vaccine.", "vaccin")


def test_a_drug_given_beside_a_negation_is_still_given() -> None:
    text = "A 60-year-old man had pneumonia. He received ceftriaxone and had no fever afterwards."
    assert _given(text, "ceftriaxone")


def test_susceptibility_list_names_no_drug_given() -> None:
    text = (
        "A 70-year-old woman had a wound infection. The isolate was resistant to oxacillin, "
        "clindamycin (MIC 8) and erythromycin, and she received linezolid."
    )
    assert not _given(text, "oxacillin") and not _given(text, "clindamycin")
    assert not _given(text, "erythromycin")
    assert _given(text, "linezolid")


def test_slash_pair_and_list_under_one_negation() -> None:
    conds = facts_of("A 20-year-old man was seen. He had no nausea/vomiting, jaundice or itching.").conditions
    assert conds and all(c.assertion is Assertion.NEGATED for c in conds)


# -- class 2: hypothetical, conditional, risk and purpose are not asserted


def test_would_have_is_not_a_finding() -> None:
    assert not _conds("A 50-year-old man was seen. Delay would have caused renal failure.", "renal failure")


def test_at_risk_of_is_not_a_finding() -> None:
    assert not _conds("A 70-year-old woman was admitted. She was at risk of pneumonia.", "pneumonia")


def test_to_prevent_is_not_a_finding() -> None:
    text = "A 60-year-old man had surgery. Heparin was given to prevent deep vein thrombosis."
    assert not _conds(text, "thrombosis")
    assert _given(text, "heparin")


def test_to_rule_out_is_not_a_finding() -> None:
    assert not _conds("A 30-year-old woman had headache. MRI was done to rule out meningitis.", "meningitis")


def test_if_clause_is_not_a_finding() -> None:
    text = "A 40-year-old man had a cough. He was told to return if haemoptysis developed."
    assert not _conds(text, "haemoptysis")
    assert _conds(text, "cough")


# -- class 3: state change and resolution close a condition


def test_became_afebrile_resolves_the_fever() -> None:
    conds = facts_of("A 5-year-old boy had a high fever. On day 3 he became afebrile.").conditions
    fever = [c for c in conds if c.key.split("|")[0] == conds[0].key.split("|")[0]]
    assert [c.clinical_status for c in fever] == ["resolved"]
    assert not [c for c in conds if c.text.lower() == "afebrile"]


def test_afebrile_is_a_refuted_fever() -> None:
    (fever,) = facts_of("A 5-year-old boy was seen. He was afebrile.").conditions
    assert fever.assertion is Assertion.NEGATED and fever.text.lower() == "fever"


def test_resolution_word_closes_the_condition() -> None:
    (rash,) = _conds("A 12-year-old girl had a rash. The rash subsided within a week.", "rash")
    assert rash.clinical_status == "resolved" and len(rash.mentions) == 2


def test_this_episode_is_not_a_negation() -> None:
    (c,) = _conds("A 50-year-old man was seen. After this episode of melaena he was transfused.", "melaena")
    assert c.assertion is Assertion.PRESENT


# -- class 4: dated history is past, with its onset, never an acute code


def test_years_earlier_is_inactive_history_with_onset() -> None:
    (mi,) = _conds(
        "A 70-year-old man had chest pain. He had a myocardial infarction 12 years earlier.", "infarction"
    )
    assert mi.assertion is Assertion.HISTORICAL and mi.clinical_status == "inactive"
    assert mi.onset is not None and mi.onset.start_day is not None and mi.onset.start_day < -4000


def test_recent_days_are_not_history() -> None:
    (fever,) = _conds("A 20-year-old woman was seen. Three days before admission she had fever.", "fever")
    assert fever.assertion is Assertion.PRESENT


def test_dated_history_in_the_bundle_is_inactive() -> None:
    bundle = bundle_of("A 70-year-old man had dyspnoea. He had a stroke 8 years ago.")
    (stroke,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Condition" and "stroke" in e["resource"]["code"]["text"].lower()
    ]
    assert stroke["clinicalStatus"]["coding"][0]["code"] == "inactive"
    assert stroke["onsetDateTime"] < "2000-01-01"


def test_dated_history_never_carries_the_acute_code() -> None:
    bundle = bundle_of("A 70-year-old man had chest pain. He had a myocardial infarction 12 years earlier.")
    (mi,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Condition" and "infarction" in e["resource"]["code"]["text"]
    ]
    displays = [c.get("display", "").lower() for c in mi["code"].get("coding", [])]
    assert displays and not [d for d in displays if "acute" in d]


# -- class 7 and 9: a term inside a longer name is not a fact


def test_channel_blocker_is_no_electrolyte() -> None:
    assert not facts_of("A 65-year-old man took a calcium channel blocker for years.").observations


def test_salt_name_is_no_electrolyte() -> None:
    assert not facts_of("A 40-year-old woman was given potassium chloride tablets.").observations


def test_department_is_no_surgery() -> None:
    assert not _procs("A 58-year-old man was referred to the surgery department.", "surgery")
    assert not _procs("A 58-year-old man was referred to the department of orthopaedic surgery.", "surgery")


def test_tube_is_a_device_not_a_procedure() -> None:
    assert not _procs("A 75-year-old woman had a tracheostomy tube in place.", "tracheostomy")


def test_auto_prefix_is_no_surgery() -> None:
    assert not facts_of("A 25-year-old man with sickle cell disease had autoamputation of a toe.").procedures


def test_condition_inside_a_test_name_is_no_condition() -> None:
    text = "A 35-year-old woman had jaundice. Hepatitis C serology was negative."
    assert not _conds(text, "hepatitis")


def test_caption_is_not_read() -> None:
    facts = facts_of("A 44-year-old man had back pain.\n\nFigure 1. Spinal MRI showing an abscess.\n")
    assert not facts.observations and not _conds("Figure 1. Spinal MRI showing an abscess.", "abscess")


# -- class 8: death is the outcome and sets the patient deceased


def test_death_outranks_earlier_improvement() -> None:
    facts = facts_of("A 66-year-old man had sepsis. He improved at first but expired on day 9.")
    assert facts.outcome is not None and facts.outcome.kind == "died"
    assert facts.patient.deceased


def test_sudden_death_is_death() -> None:
    assert facts_of(
        "A 30-year-old athlete had syncope. He suffered sudden death a month later."
    ).patient.deceased


def test_a_relatives_death_is_not_the_patients() -> None:
    facts = facts_of("A 4-year-old boy had diphtheria. He recovered fully, although his sister died.")
    assert not facts.patient.deceased


def test_recovery_of_a_value_is_not_the_outcome() -> None:
    facts = facts_of("A 50-year-old woman took lithium. Recovery of the creatinine took weeks.")
    assert facts.outcome is None


def test_irrigation_fluid_is_no_administration() -> None:
    assert not _given("A 30-year-old man had a wound. It was irrigated with 200 mL of saline.", "saline")


def test_measured_drug_name_and_its_abbreviation_are_no_administration() -> None:
    text = "A 40-year-old woman had infections. Total immunoglobulin (Ig) A was 20 mg/dL."
    assert not facts_of(text).medications


def test_dated_onset_of_a_present_condition_is_not_history() -> None:
    (lump,) = _conds("A 50-year-old woman was seen. Two years ago she noticed a breast lump.", "lump")
    assert lump.assertion is Assertion.PRESENT and lump.clinical_status is None


def test_an_abbreviation_the_text_defines_is_not_the_lexicons_reading() -> None:
    # "EMB" is ethambutol in the drug lexicon; this text defines it as the biopsy
    text = "A 44-year-old man was seen. Endomyocardial biopsy (EMB) was done and the EMB was normal."
    assert not facts_of(text).medications
    assert facts_of("A 44-year-old man had tuberculosis. He received ethambutol (EMB).").medications


def test_medical_therapy_names_no_drug() -> None:
    text = "A 61-year-old man had angina. It persisted despite optimal medical therapy."
    assert not facts_of(text).medications
