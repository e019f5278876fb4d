"""One sentence, one assertion, per rule family (medspaCy's habit). Sentences are written by the team."""

from __future__ import annotations

from typing import Any

import pytest
from support import facts_of

from fhirconv.model import Assertion


def cond(text: str, word: str) -> Any:
    facts = facts_of(text)
    hits = [c for c in facts.conditions if word in c.text.lower()]
    assert hits, f"no condition mentioning {word!r} in {[c.text for c in facts.conditions]}"
    return hits[0]


def obs(text: str, word: str) -> Any:
    facts = facts_of(text)
    hits = [o for o in facts.observations if word in o.text.lower()]
    assert hits, f"no observation mentioning {word!r} in {[o.text for o in facts.observations]}"
    return hits[0]


def med(text: str, word: str) -> Any:
    facts = facts_of(text)
    hits = [m for m in facts.medications if word in m.text.lower()]
    assert hits, f"no medication mentioning {word!r} in {[m.text for m in facts.medications]}"
    return hits[0]


# ---------------------------------------------------------------- negation and assertion
@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("There was no history of fever.", "fever", Assertion.NEGATED),
        ("The patient denied chest pain.", "chest pain", Assertion.NEGATED),
        ("She presented without headache.", "headache", Assertion.NEGATED),
        ("Tuberculosis was excluded.", "tuberculosis", Assertion.NEGATED),
        ("Pneumonia was ruled out.", "pneumonia", Assertion.NEGATED),
        ("The patient was negative for hepatitis.", "hepatitis", Assertion.NEGATED),
        ("He had no fever, cough or vomiting.", "vomiting", Assertion.NEGATED),
        ("He had fever but no cough.", "fever", Assertion.PRESENT),
        ("He had fever but no cough.", "cough", Assertion.NEGATED),
        ("Suspected pneumonia was treated.", "pneumonia", Assertion.UNCERTAIN),
        ("Possible migraine was considered.", "migraine", Assertion.UNCERTAIN),
        ("She has a history of hypertension.", "hypertension", Assertion.HISTORICAL),
        ("The patient had a fever for three days.", "fever", Assertion.PRESENT),
        ("There was no change in his seizures.", "seizure", Assertion.PRESENT),
    ],
)
def test_assertion(sentence: str, word: str, expected: Assertion) -> None:
    assert cond(sentence, word).assertion is expected


def test_family_history_is_not_the_patients() -> None:
    facts = facts_of("A 30-year-old man had cough. His mother had breast cancer.")
    assert not [c for c in facts.conditions if "breast" in c.text.lower()]


def test_lack_of_effect_does_not_negate_the_drug() -> None:
    m = med(
        "Because of the lack of any beneficial effect, intravenous immunoglobulin was added.",
        "immunoglobulin",
    )
    assert m.status == "completed"


def test_drug_not_given_is_not_done() -> None:
    assert med("A 50-year-old man with pain. Ibuprofen was not given.", "ibuprofen").status == "not-done"


# ---------------------------------------------------------------- distribution over coordinated lists
def test_result_distributes_over_parenthesised_list() -> None:
    facts = facts_of(
        "A 40-year-old woman was admitted. Laboratory examination (routine hematological tests, serological tests "
        "and electroencephalography) revealed no abnormality."
    )
    interp = {o.text.lower(): o.interpretation for o in facts.observations}
    assert interp.get("routine hematological tests") == "normal"
    assert interp.get("serological tests") == "normal"
    assert interp.get("electroencephalography") == "normal"


def test_shared_head_is_distributed_to_coordinated_modifier() -> None:
    o = obs(
        "A 40-year-old woman was admitted. Urine and cerebrospinal fluid examination were normal.", "urine"
    )
    assert o.interpretation == "normal"


def test_not_performed() -> None:
    o = obs(
        "A 40-year-old woman was admitted. Assays for antiganglioside antibodies could not be performed.",
        "assays",
    )
    assert o.not_performed


def test_numeric_lab_value_with_unit() -> None:
    o = obs("A 60-year-old man was admitted. His creatinine was 2.4 mg/dL.", "creatinine")
    assert o.value is not None and (str(o.value.value), o.value.unit) == ("2.4", "mg/dL")


def test_blood_pressure_is_one_panel_with_two_components() -> None:
    o = obs("A 60-year-old man was admitted. His blood pressure was 150/95 mmHg.", "blood pressure")
    assert [str(q.value) for _, _, q in o.components] == ["150", "95"]


# ---------------------------------------------------------------- dosage and frequency
def test_dose_per_kg_with_route_suffix() -> None:
    m = med("A 41-year-old woman was treated. Prednisolone (1 mg/kg/orally) was given.", "prednisolone")
    assert (str(m.dose.value), m.dose.unit, m.route) == ("1", "mg/kg", "orally")


def test_per_day_dose() -> None:
    m = med("A 41-year-old woman was treated. Clonazepam (4 mg/day) was given.", "clonazepam")
    assert (str(m.dose.value), m.dose.unit, m.dose_per_day) == ("4", "mg", True)


def test_route_inside_drug_name() -> None:
    m = med(
        "A 41-year-old woman was treated. Intravenous immunoglobulin 0.4 g/kg/day was added.",
        "immunoglobulin",
    )
    assert m.route is not None and "intravenous" in m.route.lower()


def test_frequency_twice_daily() -> None:
    m = med(
        "A 30-year-old man was treated. Mycophenolate mofetil 1 g twice daily was started.", "mycophenolate"
    )
    assert m.frequency == "twice daily"


def test_frequency_every_8_hours() -> None:
    m = med(
        "A 70-year-old man was treated. Piperacillin 4.5 g intravenously every 8 hours was given.",
        "piperacillin",
    )
    assert m.frequency == "every 8 hours"


# ---------------------------------------------------------------- timing
def test_duration_and_start_day() -> None:
    m = med(
        "A 41-year-old woman was treated. Intravenous immunoglobulin (0.4 g/kg/day for five days) was added on the sixth day.",
        "immunoglobulin",
    )
    assert m.duration_days == 5
    assert m.timing is not None and (m.timing.start_day, m.timing.end_day) == (
        5,
        9,
    )  # R4 Period.end is inclusive: day 5 + 5 days ends on day 9


def test_symptom_onset_before_presentation() -> None:
    c = cond("A 41-year-old woman presented with severe vertigo for ten days.", "vertigo")
    assert c.onset is not None and c.onset.start_day == -10


def test_tapering_is_recorded() -> None:
    m = med(
        "A 41-year-old woman was treated with prednisolone 60 mg daily. Prednisolone was tapered over eight weeks.",
        "prednisolone",
    )
    assert m.tapered


# ---------------------------------------------------------------- outcome
def test_symptom_free_resolves_conditions() -> None:
    facts = facts_of("A 41-year-old woman presented with vertigo. She was symptom free within eight weeks.")
    assert facts.outcome is not None and facts.outcome.kind == "resolved"
    assert all(c.clinical_status == "resolved" for c in facts.conditions if c.assertion is Assertion.PRESENT)


def test_death_marks_patient_deceased() -> None:
    facts = facts_of("A 76-year-old man was admitted with pneumonia. He died on the third day.")
    assert facts.patient.deceased


def test_risk_of_death_is_not_death() -> None:
    facts = facts_of(
        "A 76-year-old man was admitted with pneumonia, which carries a high risk of death. He recovered."
    )
    assert not facts.patient.deceased


# ---------------------------------------------------------------- age and sex
@pytest.mark.parametrize(
    ("sentence", "age", "sex"),
    [
        ("A 41-year-old woman presented with vertigo.", ("41", "a"), "female"),
        ("A 7-month-old girl was admitted with fever.", ("7", "mo"), "female"),
        ("A 3-week-old boy presented with jaundice.", ("3", "wk"), "male"),
        ("The patient, aged 65 years, was a man with cough.", ("65", "a"), "male"),
        ("A forty-two-year-old man presented with cough.", ("42", "a"), "male"),
    ],
)
def test_age_and_sex(sentence: str, age: tuple[str, str], sex: str) -> None:
    p = facts_of(sentence).patient
    assert p.age is not None and (str(p.age.value), p.age.ucum) == age
    assert p.sex == sex


# ---------------------------------------------------------------- background attribution
def test_background_paragraph_is_not_the_patient() -> None:
    facts = facts_of(
        "Opsoclonus-myoclonus syndrome is a rare disorder. In 20% of cases it is paraneoplastic, and breast cancer "
        "and lung cancer are the most common tumours.\n\nA 41-year-old woman presented with vertigo."
    )
    texts = " ".join(c.text.lower() for c in facts.conditions)
    assert "vertigo" in texts
    assert "breast" not in texts and "lung cancer" not in texts


def test_discussion_with_citations_is_not_the_patient() -> None:
    facts = facts_of(
        "A 41-year-old woman presented with vertigo.\n\nStroke has been reported as a cause in several studies [3]."
    )
    assert not [c for c in facts.conditions if "stroke" in c.text.lower()]


# ---------------------------------------------------------------- rules added with the lexicons
def test_drug_level_is_a_test_not_an_administration() -> None:
    facts = facts_of("A 50-year-old man was admitted. His serum digoxin level was 3.1 ng/mL.")
    assert not [m for m in facts.medications if "digoxin" in m.text.lower()]
    assert [o for o in facts.observations if "digoxin" in o.text.lower()]


def test_antibody_named_after_a_drug_is_not_a_drug() -> None:
    facts = facts_of("A 20-year-old woman was admitted. Anti-insulin antibodies were negative.")
    assert not [m for m in facts.medications if "insulin" in m.text.lower()]


def test_listed_results_after_positive_for() -> None:
    facts = facts_of("A 60-year-old man had a mass. The tumour cells were positive for vimentin and desmin.")
    interp = {o.text.lower(): o.interpretation for o in facts.observations}
    assert interp.get("vimentin") == "positive" and interp.get("desmin") == "positive"


def test_hyphenated_result() -> None:
    o = obs("A 60-year-old man had fever. The organism was catalase-negative.", "catalase")
    assert o.interpretation == "negative"


def test_clause_subject_with_result() -> None:
    o = obs("A 60-year-old man had fever. Surgical margins were negative.", "margins")
    assert o.interpretation == "negative"


def test_trend_word_sets_interpretation() -> None:
    o = obs("A 60-year-old man had dyspnoea. Oxygen saturation decreased to 90%.", "oxygen saturation")
    assert o.value is not None and str(o.value.value) == "90" and o.interpretation == "low"


def test_surgical_suffix_is_a_procedure() -> None:
    facts = facts_of("A 50-year-old woman underwent laparoscopic cholecystectomy.")
    assert [p.text for p in facts.procedures] == ["laparoscopic cholecystectomy"]


def test_coordinated_compound_term_gives_two_findings() -> None:
    facts = facts_of("A 50-year-old woman presented with nausea and vomiting.")
    texts = {c.text.lower() for c in facts.conditions}
    assert {"nausea", "vomiting"} <= texts


def test_condition_noun_used_as_modifier_is_not_a_condition() -> None:
    facts = facts_of("A 50-year-old woman had a lung mass. The tumor cells were large.")
    assert not [c for c in facts.conditions if c.text.lower() == "tumor"]


def test_descriptor_makes_a_finding() -> None:
    c = cond("A 41-year-old woman had coarse eye movements.", "eye movements")
    assert c.text.lower() == "coarse eye movements"


def test_inverted_nominalisation() -> None:
    assert (
        cond("A 41-year-old woman presented with gait unsteadiness.", "unsteadiness").assertion
        is Assertion.PRESENT
    )


def test_abbreviation_defined_in_text_is_expanded() -> None:
    facts = facts_of(
        "Opsoclonus-myoclonus syndrome (OMS) is a rare disorder.\n\nA 41-year-old woman was considered a case of OMS."
    )
    oms = [c for c in facts.conditions if c.text.startswith("OMS")]
    assert oms and "opsoclonus" in oms[0].text.lower()
