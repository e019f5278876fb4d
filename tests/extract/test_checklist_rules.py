"""Rules added while checking the real-document checklists (issue 10, acceptance 2): each is general,
tested on one sentence of our own (never a corpus document's words)."""

from __future__ import annotations

from typing import Any

from support import bundle_of, facts_of, resources

from fhirconv.model import Assertion


def _given(text: str, word: str) -> list[Any]:
    return [m for m in facts_of(text).medications if word in m.text.lower() and m.status != "not-done"]


def _conds(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


# -- traps: facts that are not the patient's


def test_drugs_named_as_examples_of_a_class_are_not_given() -> None:
    text = (
        "A 16-year-old boy had tremor. Tremor may occur in some patients during treatment with "
        "anticonvulsants such as valproate, lamotrigine or carbamazepine. He received propranolol."
    )
    assert not _given(text, "valproate") and not _given(text, "lamotrigine")
    assert not _given(text, "carbamazepine")
    assert _given(text, "propranolol")


def test_drugs_listed_after_a_comma_and_such_as_are_given() -> None:
    text = "A 60-year-old man bled. Further transfusion, such as fresh frozen plasma or platelets, was given."
    assert _given(text, "fresh frozen plasma")


def test_drugs_named_as_examples_after_eg_are_not_given() -> None:
    text = "A 16-year-old boy had tremor. Some anticonvulsants (e.g. valproate) cause tremor. He got propranolol."
    assert not _given(text, "valproate") and _given(text, "propranolol")


def test_analyte_named_in_an_organism_test_is_no_patient_result() -> None:
    text = (
        "A 61-year-old man had a leg ulcer. The isolate was identified by fermentation, turning the "
        "medium yellow in glucose and maltose. His serum glucose was 6.1 mmol/L."
    )
    obs = [o for o in facts_of(text).observations if "glucose" in o.text.lower()]
    assert [(o.text, str(o.value.value) if o.value else None) for o in obs] == [("serum glucose", "6.1")]


def test_an_introduction_about_many_patients_is_not_the_case() -> None:
    text = (
        "During the influenza season, many patients have presented with pneumonia; patients who were "
        "labelled as influenza suspects and patients suffering from asthma were isolated.\n\n"
        "CASE REPORT\n\nA 40-year-old man presented with cough. He had fever."
    )
    assert not _conds(text, "pneumonia") and not _conds(text, "asthma")
    assert _conds(text, "cough") and _conds(text, "fever")


def test_a_disease_naming_a_pandemic_is_not_the_patients() -> None:
    text = "A 33-year-old woman presented during the influenza pandemic with a sore throat."
    assert not _conds(text, "influenza") and _conds(text, "sore throat")


def test_findings_consistent_with_a_disease_are_tentative() -> None:
    text = "A 50-year-old man had cough. The chest radiograph was consistent with tuberculosis."
    assert [c.assertion for c in _conds(text, "tuberculosis")] == [Assertion.UNCERTAIN]


# -- values, units and doses


def test_unit_written_after_the_stated_range_is_the_values() -> None:
    text = "A 45-year-old woman was drowsy. Her serum creatinine was 190 (normal 60-110) umol/L."
    obs = [o for o in facts_of(text).observations if "creatinine" in o.text.lower()]
    assert [(str(o.value.value), o.value.ucum, o.interpretation) for o in obs if o.value] == [
        ("190", "umol/L", "high")
    ]


def _dose(text: str, word: str) -> list[tuple[str, str | None]]:
    return [
        (f"{m.dose.value} {m.dose.unit}" if m.dose else "", m.route)
        for m in facts_of(text).medications
        if word in m.text.lower()
    ]


def test_dose_before_the_name_after_an_earlier_drugs_own_dose() -> None:
    text = "A 50-year-old man had pain. He took simvastatin 40 mg daily; and 300 mg ritonavir daily."
    assert _dose(text, "ritonavir") == [("300 mg", None)]
    assert _dose(text, "simvastatin") == [("40 mg", None)]


def test_dose_right_before_the_next_drug_is_that_drugs() -> None:
    text = "A 30-year-old woman had surgery. She received 2 ml of bupivacaine combined with 15 mg ketamine."
    assert _dose(text, "ketamine") == [("15 mg", None)]
    assert _dose(text, "bupivacaine") == [("2 ml", None)]


def test_bracketed_dose_and_route_before_the_name() -> None:
    assert _dose("A 40-year-old man was given a high dose (10 g) intravenous magnesium.", "magnesium") == [
        ("10 g", "intravenous")
    ]


def test_route_of_an_infusion_of_the_drug() -> None:
    text = "A 20-year-old woman vomited. She was given an infusion of ondansetron (4 mg)."
    assert _dose(text, "ondansetron") == [("4 mg", "infusion")]


def test_suppository_is_the_rectal_route() -> None:
    bundle = bundle_of("A 3-year-old boy had pain. He received a paracetamol suppository (250 mg).")
    routes = [
        c["display"]
        for r in resources(bundle, "MedicationAdministration")
        for c in r["dosage"]["route"]["coding"]
    ]
    assert routes == ["Rectal route"]


# -- what a test looks for is no finding


def test_virus_names_tested_by_serology_are_no_conditions() -> None:
    text = (
        "A 30-year-old man had fever. Hepatitis B virus (HBV), hepatitis C virus (HCV) and the human "
        "immunodeficiency virus (HIV) serologies are negative. He had splenomegaly."
    )
    asserted = [c.text for c in facts_of(text).conditions if c.assertion is not Assertion.NEGATED]
    assert not any(w in t.lower() for t in asserted for w in ("hepatitis", "hiv", "immunodeficiency"))
    assert _conds(text, "splenomegaly")


def _obs(text: str) -> list[tuple[str, str | None]]:
    return [(o.text, o.interpretation) for o in facts_of(text).observations]


def test_test_target_after_its_abbreviation_or_a_verb_of_doing() -> None:
    assert _obs(
        "A 30-year-old man had cough. The polymerase chain reaction for influenza B came back positive."
    ) == [("polymerase chain reaction for influenza B", "positive")]
    assert _obs("A 30-year-old man had cough. A serological test done for syphilis was negative.") == [
        ("serological test done for syphilis", "negative")
    ]


def test_test_target_stops_at_the_verb() -> None:
    assert _obs("A 30-year-old man had cough. A culture of urine was negative.") == [
        ("culture of urine", "negative")
    ]


def test_sterile_cultures_are_negative() -> None:
    assert _obs("A 60-year-old woman had fever. Her blood and urine cultures were sterile.") == [
        ("blood cultures", "negative"),
        ("urine cultures", "negative"),
    ]


def test_a_score_is_a_bare_number() -> None:
    obs = facts_of("A 30-year-old man collapsed. His Glasgow Coma Score was 5 on arrival.").observations
    assert [(o.text, str(o.value.value), o.value.ucum) for o in obs if o.value] == [
        ("Glasgow Coma Score", "5", "{score}")
    ]


# -- outcome and resolution


def test_a_resolution_after_a_list_closes_every_condition_of_it() -> None:
    text = (
        "A 30-year-old woman had chronic diarrhea and iron deficiency. After a year, iron deficiency "
        "and anemia have both resolved. She died of sepsis two years later."
    )
    got = {c.text: c.clinical_status for c in facts_of(text).conditions}
    assert got["iron deficiency"] == "resolved" and got["anemia"] == "resolved"
    assert got["chronic diarrhea"] is None


def test_regained_is_an_improvement() -> None:
    outcome = facts_of("A 70-year-old man was confused. On day 4 he regained full orientation.").outcome
    assert outcome is not None and outcome.kind == "improved"


def test_sex_from_the_one_noun_naming_the_patient() -> None:
    assert (
        facts_of("This is the case of an adolescent girl with chronic cough and weight loss.").patient.sex
        == "female"
    )
    # a relative's noun says nothing of the patient
    assert facts_of("The infant was irritable. The mother noticed a rash.").patient.sex is None


# -- ConText and modifier scope


def test_a_trigger_inside_a_mentions_name_negates_nothing_else() -> None:
    text = "A 60-year-old man collapsed. Marked hypotonia and absent tendon reflexes were noted."
    assert [c.assertion for c in _conds(text, "hypotonia")] == [Assertion.PRESENT]


def test_a_verb_after_and_is_no_coordinated_modifier() -> None:
    text = (
        "A 40-year-old woman had a rash. She had syphilis with HIV infection and got therapy with penicillin."
    )
    assert _conds(text, "hiv")


def test_a_drug_name_with_a_concentration_is_its_measured_level() -> None:
    f = facts_of(
        "A 4-month-old girl had hypoglycemia. Her cortisol was 3.3 ug/dL and insulin 2.5 mU/L. "
        "She then received insulin 2 units."
    )
    assert [(o.text, str(o.value.value)) for o in f.observations if o.value and o.text == "insulin"] == [
        ("insulin", "2.5")
    ]
    assert [str(m.dose.value) for m in f.medications if m.text == "insulin" and m.dose] == ["2"]


def test_value_of_a_vital_sign_finding_is_that_vital_sign() -> None:
    f = facts_of("A 30-year-old man had fever (38.9 °C) and was tachypneic (32 cpm).")
    got = [(o.text, str(o.value.value), o.value.ucum) for o in f.observations if o.value]
    assert got == [("Body temperature", "38.9", "Cel"), ("Respiratory rate", "32", "/min")]
    # the finding stays a condition; the observation quotes only the value
    assert _conds("A 30-year-old man had fever (38.9 °C).", "fever")
    assert all(m.role.value != "head" for o in f.observations for m in o.mentions)


def test_result_findings_shown_on_a_test_are_that_tests() -> None:
    f = facts_of(
        "A 50-year-old man collapsed. His GCS was 7, with normal findings shown on computed tomography."
    )
    assert [(o.text, o.interpretation) for o in f.observations if o.interpretation] == [
        ("computed tomography", "normal")
    ]
    assert [str(o.value.value) for o in f.observations if o.text == "GCS" and o.value] == ["7"]


def test_dose_written_in_words() -> None:
    text = "A 30-year-old woman had septic arthritis. Cefazolin one gram intravenously was commenced."
    assert _dose(text, "cefazolin") == [("1 gram", "intravenously")]
