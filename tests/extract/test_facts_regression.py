"""Team regression set for issue 8: facts a clinician would sign.

One short narrative, one assertion. Every sentence is written by the team for this file (none is taken
from a corpus or a real report). The sections follow the nine error classes of issue 8; a test that
still fails carries ``xfail(strict=True)`` naming its class, and the marker goes when the class is
fixed (a strict xfail that starts passing fails the run, so a fix cannot go unnoticed).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from support import bundle_of, facts_of, resources

from fhirconv.model import Assertion

# Counts per microlitre: two quantities are the same measurement when their counts per microlitre
# agree, whatever UCUM unit each was written in ("312,000/mm3" = "312 10*3/uL" = "0.312 10*6/uL").
_PER_VOLUME = {"uL": Decimal(1), "mm3": Decimal(1), "mL": Decimal("0.001"), "L": Decimal(10) ** -6}
_COUNT_UNIT = re.compile(r"(?:10\*(?P<exp>\d{1,2}))?/(?P<vol>uL|mm3|mL|L)")


def conditions(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


def present(text: str, word: str) -> list[Any]:
    """Conditions naming ``word`` asserted as the patient's current problem."""
    return [c for c in conditions(text, word) if c.assertion is Assertion.PRESENT]


def cond(text: str, word: str) -> Any:
    hits = conditions(text, word)
    assert hits, f"no condition mentioning {word!r}"
    return hits[0]


def obs(text: str, word: str) -> Any:
    hits = [o for o in facts_of(text).observations if word in o.text.lower()]
    assert hits, f"no observation mentioning {word!r} in {[o.text for o in facts_of(text).observations]}"
    return hits[0]


def meds(text: str, word: str) -> list[Any]:
    return [m for m in facts_of(text).medications if word in m.text.lower()]


def given(text: str, word: str) -> list[Any]:
    """Medications naming ``word`` recorded as actually given."""
    return [m for m in meds(text, word) if m.status == "completed"]


def procs(text: str, word: str) -> list[Any]:
    return [p for p in facts_of(text).procedures if word in p.text.lower()]


def obs_resource(text: str, word: str) -> dict[str, Any]:
    hits = [r for r in resources(bundle_of(text), "Observation") if word in r["code"].get("text", "").lower()]
    assert hits, f"no Observation resource mentioning {word!r}"
    hit: dict[str, Any] = hits[0]
    return hit


def per_ul(text: str, word: str) -> Decimal | None:
    """The value of the Observation naming ``word`` as a count per microlitre (None: not a count)."""
    q = obs_resource(text, word).get("valueQuantity")
    m = _COUNT_UNIT.fullmatch((q.get("code") or q.get("unit") or "") if q else "")
    if q is None or m is None:
        return None
    scale = Decimal(10) ** int(m.group("exp") or 0)
    return Decimal(str(q["value"])) * scale * _PER_VOLUME[m.group("vol")]


def admin(text: str, word: str) -> dict[str, Any]:
    hits = [
        r
        for r in resources(bundle_of(text), "MedicationAdministration")
        if word in r["medicationCodeableConcept"].get("text", "").lower()
    ]
    assert hits, f"no MedicationAdministration mentioning {word!r}"
    hit: dict[str, Any] = hits[0]
    return hit


# ================================================================ class 1: negation scope
# A trigger covers every item of a coordinated list, slash pair or neither/nor; a negated drug,
# vaccine or procedure is never recorded as given or done.


def test_slash_pair_under_one_negation() -> None:
    assert not present(
        "A 50-year-old woman had no abdominal pain/tenderness, hepatomegaly or rash.", "tender"
    )


def test_list_item_after_slash_pair_is_negated() -> None:
    assert not present(
        "A 50-year-old woman had no abdominal pain/tenderness, hepatomegaly or rash.", "hepatomeg"
    )


def test_neither_nor_negates_the_second_item() -> None:
    assert cond("A 30-year-old man had neither fever nor cough.", "cough").assertion is Assertion.NEGATED


def test_slash_between_two_findings() -> None:
    assert cond("A 5-year-old boy had no rash/itching.", "itching").assertion is Assertion.NEGATED


def test_last_item_of_long_negated_list() -> None:
    text = "A 60-year-old man had no cough, dyspnea, or chest pain on admission."
    assert cond(text, "chest pain").assertion is Assertion.NEGATED


def test_no_history_of_vaccination_is_not_a_vaccination() -> None:
    assert not given("A 4-year-old girl had no history of recent viral illness or vaccination.", "vaccin")


def test_never_received_a_vaccine() -> None:
    assert not given("A 3-year-old girl had fever. She had never received any vaccination.", "vaccin")


def test_no_drug_was_administered() -> None:
    assert not given("A 45-year-old woman had fever. No aspirin was administered.", "aspirin")


def test_neither_drug_nor_drug_first() -> None:
    assert not given("A 40-year-old woman had fever. She received neither heparin nor warfarin.", "heparin")


def test_neither_drug_nor_drug_second() -> None:
    assert not given("A 40-year-old woman had fever. She received neither heparin nor warfarin.", "warfarin")


def test_not_treated_with_list_of_drugs() -> None:
    text = "A 40-year-old woman had fever. She was not treated with corticosteroids or immunoglobulin."
    assert not given(text, "immunoglobulin")


def test_withheld_drug_is_not_given() -> None:
    assert not given("A 70-year-old man had melena. Heparin was withheld because of the bleeding.", "heparin")


def test_procedure_not_performed_is_not_done() -> None:
    text = "A 45-year-old woman had appendicitis. Appendectomy was not performed because she refused."
    assert [p.status for p in procs(text, "appendectomy")] == ["not-done"]


def test_did_not_undergo_procedure() -> None:
    assert [
        p.status for p in procs("A 30-year-old man had pain. He did not undergo colectomy.", "colectomy")
    ] == ["not-done"]


# ================================================================ class 2: hypothetical, conditional, risk, purpose


def test_would_have_caused_is_not_a_finding() -> None:
    text = "A 62-year-old man took metformin. Metformin was stopped because it would have caused lactic acidosis."
    assert not present(text, "lactic acidosis")


def test_may_cause_is_not_a_finding() -> None:
    assert not present("A 62-year-old man took amiodarone, which may cause hypothyroidism.", "hypothyroid")


def test_rule_out_is_not_a_finding() -> None:
    text = "A 20-year-old man had abdominal pain. A CT scan was done to rule out appendicitis."
    assert not present(text, "appendicitis")


def test_at_risk_of_is_not_a_finding() -> None:
    assert not present(
        "A 70-year-old woman with a hip fracture was at risk of pulmonary embolism.", "embolism"
    )


def test_prevention_target_is_not_a_finding() -> None:
    text = "A 70-year-old woman was given enoxaparin to prevent deep vein thrombosis."
    assert not present(text, "thrombosis")


def test_in_case_of_is_not_a_finding() -> None:
    text = "A 9-year-old boy had fever. Diazepam was prescribed in case of seizures."
    assert not present(text, "seizure")


# ================================================================ class 3: state change, resolution, back-reference


def test_became_afebrile_is_not_a_new_finding() -> None:
    assert not present("A 9-year-old boy had fever. He became afebrile on the third day.", "afebrile")


def test_subsided_resolves_the_condition() -> None:
    c = cond("A 40-year-old man had fever. The fever subsided after two days.", "fever")
    assert c.clinical_status == "resolved"


def test_disappeared_resolves_the_condition() -> None:
    c = cond("A 40-year-old woman had a rash. The rash disappeared within a week.", "rash")
    assert c.clinical_status == "resolved"


def test_demonstrative_back_reference_is_not_negation() -> None:
    text = "A 50-year-old man had haematemesis. Endoscopy was done after this episode of haematemesis."
    assert cond(text, "haematemesis").assertion is Assertion.PRESENT


def test_demonstrative_with_treatment_is_not_negation() -> None:
    text = "A 50-year-old man had haematemesis. This episode of haematemesis was treated with omeprazole."
    assert cond(text, "haematemesis").assertion is Assertion.PRESENT


def test_no_further_episodes_is_not_present() -> None:
    text = "A 50-year-old man was admitted. No further episodes of haematemesis occurred after this one."
    assert not present(text, "haematemesis")


# ================================================================ class 4: history versus current


def test_years_earlier_is_not_current() -> None:
    text = "A 66-year-old man had chest pain. He had a myocardial infarction 15 years earlier."
    assert not present(text, "myocardial infarction")


def test_years_ago_is_not_current() -> None:
    assert not present("A 66-year-old man had pancreatitis five years ago.", "pancreatitis")


def test_history_keeps_its_onset() -> None:
    c = cond(
        "A 66-year-old man had chest pain. He had a myocardial infarction 15 years earlier.", "infarction"
    )
    assert c.onset is not None and c.onset.start_day is not None and c.onset.start_day <= -14 * 365


def test_previous_is_historical() -> None:
    assert cond("A 66-year-old woman had a previous stroke.", "stroke").assertion is Assertion.HISTORICAL


def test_history_of_is_historical() -> None:
    text = "A 58-year-old man had dyspnea. He had a history of pulmonary tuberculosis."
    assert cond(text, "tuberculosis").assertion is Assertion.HISTORICAL


# ================================================================ class 5: interpretation from its own clause, reference ranges


def test_normal_in_next_clause_does_not_mark_valued_test_first() -> None:
    o = obs("A 50-year-old man had jaundice. AST 81 U/L, ALT 64 U/L, normal coagulation.", "ast")
    assert o.interpretation != "normal"


def test_normal_in_next_clause_does_not_mark_valued_test_second() -> None:
    o = obs("A 50-year-old man had jaundice. AST 81 U/L, ALT 64 U/L, normal coagulation.", "alt")
    assert o.interpretation != "normal"


def test_normal_of_other_test_does_not_reach_back() -> None:
    text = "A 50-year-old man had chest pain. The ECG showed ischemic changes, and the chest radiograph was normal."
    assert obs(text, "ecg").interpretation != "normal"


def test_other_clause_normal_keeps_its_own_test() -> None:
    text = "A 50-year-old man had chest pain. The ECG showed ischemic changes, and the chest radiograph was normal."
    assert obs(text, "radiograph").interpretation == "normal"


def test_trend_word_of_other_test_does_not_reach() -> None:
    text = "A 50-year-old woman was weak. Troponin was elevated, while creatinine was 0.9 mg/dL."
    assert obs(text, "creatinine").interpretation is None


def test_reference_range_low_bound() -> None:
    r = obs_resource(
        "A 50-year-old woman was pale. Hemoglobin was 9.1 g/dL (reference range 12-16 g/dL).", "hemoglobin"
    )
    assert r["referenceRange"][0]["low"]["value"] == Decimal("12")


def test_reference_range_high_bound_with_unit() -> None:
    r = obs_resource(
        "A 50-year-old woman was pale. Hemoglobin was 9.1 g/dL (reference range 12-16 g/dL).", "hemoglobin"
    )
    assert (r["referenceRange"][0]["high"]["value"], r["referenceRange"][0]["high"]["code"]) == (
        Decimal("16"),
        "g/dL",
    )


def test_value_below_range_is_low() -> None:
    text = "A 50-year-old woman was pale. Hemoglobin was 9.1 g/dL (reference range 12-16 g/dL)."
    assert obs(text, "hemoglobin").interpretation == "low"


def test_value_above_normal_range_is_high() -> None:
    text = "A 50-year-old woman was weak. Potassium was 5.9 mmol/L (normal 3.5-5.0 mmol/L)."
    assert obs(text, "potassium").interpretation == "high"


def test_decimal_range_after_normal_comma() -> None:
    text = "A 40-year-old woman had fever. The hemoglobin level was 7.0 g/dL (normal, 12.0-15.5 g/dL)."
    assert obs(text, "hemoglobin").interpretation == "low"


def test_upper_limit_reference_gives_high() -> None:
    text = "A 40-year-old woman had fever. Her CRP was 85 mg/L (reference < 5 mg/L)."
    assert obs(text, "crp").interpretation == "high"


def test_explicit_interpretation_beats_range() -> None:
    text = "A 40-year-old woman had fever. Her CRP was markedly elevated at 85 mg/L."
    assert obs(text, "crp").interpretation == "high"


def test_elided_subject_keeps_its_own_result() -> None:
    text = "A 30-year-old man had dysuria. Ultrasound showed a distended bladder but was otherwise normal."
    assert obs(text, "ultrasound").interpretation == "normal"


def test_normal_range_is_not_a_normal_result() -> None:
    text = "A 50-year-old woman had flushing. Chromogranin A was measured (normal range: 0-100 ng/mL)."
    assert obs(text, "chromogranin").interpretation is None


def test_thousands_separator_with_per_cubic_millimetre() -> None:
    text = "A 50-year-old woman was weak. The platelet count was 312,000/mm3."
    assert per_ul(text, "platelet") == Decimal(312000)


def test_thousands_separator_without_unit_is_not_multiplied() -> None:
    text = "A 50-year-old woman was weak. Platelets 312,000, hemoglobin 11.2 g/dL."
    assert per_ul(text, "platelet") in (None, Decimal(312000))


def test_thousands_separator_per_microlitre() -> None:
    text = "A 50-year-old woman was weak. White blood cell count was 15,600/µL."
    assert per_ul(text, "white blood cell") == Decimal(15600)


def test_power_of_ten_per_cubic_millimetre() -> None:
    text = "A 50-year-old woman was weak. The white blood cell count was 2.3x10^4/mm3."
    assert per_ul(text, "white blood cell") == Decimal(23000)


def test_ten_to_the_ninth_per_litre() -> None:
    text = "A 50-year-old woman was weak. The white blood cell count was 12.5 x 10^9/L."
    assert per_ul(text, "white blood cell") == Decimal(12500)


def test_superscript_ten_to_the_ninth() -> None:
    text = "A 40-year-old woman had fever. The white cell count was 4.5 × 10⁹/L."
    assert per_ul(text, "white cell") == Decimal(4500)


def test_french_giga_per_litre_is_a_count() -> None:
    text = "A 50-year-old woman was weak. Leukocytes were 8.2 G/l."
    assert per_ul(text, "leukocytes") == Decimal(8200)


def test_french_giga_per_litre_upper_case() -> None:
    text = "A 40-year-old woman had fever. The neutrophil count was 0.8 G/L."
    assert obs_resource(text, "neutrophil")["valueQuantity"]["code"] == "10*9/L"


def test_elements_per_millilitre() -> None:
    text = "A 50-year-old woman had meningitis. The cerebrospinal fluid cell count was 150 elm/ml."
    q = obs_resource(text, "cell count").get("valueQuantity") or {}
    assert (q.get("value"), q.get("code")) == (Decimal(150), "/mL")


def test_trailing_zero_is_kept_in_the_fact() -> None:
    v = obs("A 50-year-old woman was weak. Potassium was 2.40 mmol/L.", "potassium").value.value
    assert isinstance(v, Decimal) and str(v) == "2.40"


def test_trailing_zero_is_kept_in_the_bundle() -> None:
    v = obs_resource("A 50-year-old woman was weak. Potassium was 2.40 mmol/L.", "potassium")[
        "valueQuantity"
    ]["value"]
    assert isinstance(v, Decimal) and str(v) == "2.40"


def test_trailing_zero_of_a_vital_sign() -> None:
    v = obs_resource("A 40-year-old woman had a fever. Her temperature was 38.50 °C.", "temperature")[
        "valueQuantity"
    ]
    assert str(v["value"]) == "38.50"


def test_drained_volume_is_not_a_dose() -> None:
    text = "A 50-year-old woman had pleural effusion. Heparin was started after 800 mL of pleural fluid was drained."
    assert [m.dose for m in meds(text, "heparin")] == [None]


def test_duration_is_not_a_dose() -> None:
    assert [
        m.dose for m in meds("A 4-year-old boy had fever. Vancomycin was given for 10 days.", "vancomycin")
    ] == [None]


def test_divided_daily_total_is_not_the_single_dose() -> None:
    text = "A 4-year-old boy had seizures. Phenobarbital 0.6 mg/kg/d divided every 12 hours was started."
    dose = admin(text, "phenobarbital").get("dosage", {}).get("dose")
    assert dose is None or dose["value"] == Decimal("0.3")


def test_divided_daily_total_in_the_request() -> None:
    text = "A 40-year-old woman had fever. Amoxicillin 90 mg/kg/day divided every 8 hours was given."
    doses = [
        dr.get("doseQuantity", {}).get("value")
        for r in resources(bundle_of(text), "MedicationRequest")
        for d in r.get("dosageInstruction", [])
        for dr in d.get("doseAndRate", [])
    ]
    assert Decimal(90) not in [Decimal(str(v)) for v in doses if v is not None]


def test_daily_total_without_divided_is_per_day() -> None:
    m = meds("A 40-year-old woman had fever. Ceftriaxone 2 g/day was given.", "ceftriaxone")[0]
    assert m.dose_per_day


def test_height_unit_is_not_a_weight() -> None:
    text = "A 40-year-old woman had a fever. Her weight was 165 cm."
    assert obs(text, "weight").value is None


def test_weight_and_height_each_keep_their_own_value() -> None:
    text = "A 40-year-old woman had a fever. Her weight was 62 kg and her height 165 cm."
    assert obs(text, "height").value.unit == "cm"


def test_thousands_grouped_by_spaces_before_a_count_unit() -> None:
    text = "A 50-year-old woman had meningitis. The cerebrospinal fluid cell count was 1 500 elm/ml."
    q = obs_resource(text, "cell count")["valueQuantity"]
    assert (q["value"], q["code"]) == (Decimal(1500), "/mL")


def test_comparator_is_part_of_the_value() -> None:
    q = obs_resource("A 50-year-old woman had fever. Her CRP was <5 mg/L.", "crp")["valueQuantity"]
    assert (q["comparator"], q["value"]) == ("<", Decimal(5))


def test_point_grouping_thousands_in_a_raw_count() -> None:
    text = "A 50-year-old woman had fever. The white blood cell count was 8.500/mm3."
    assert per_ul(text, "white blood cell") == Decimal(8500)


def test_negative_value_keeps_its_sign() -> None:
    v = obs("A 60-year-old man had sepsis. The base excess was -5.5 mmol/L.", "base excess").value.value
    assert v == Decimal("-5.5")


def test_spelled_out_unit_fits_its_analyte() -> None:
    text = "A 60-year-old man was pale. His hemoglobin was 9.4 grams per deciliter."
    assert obs_resource(text, "hemoglobin")["valueQuantity"]["code"] == "g/dL"


# ================================================================ class 7: words inside longer names


def test_sodium_channel_blocker_is_not_a_sodium_test() -> None:
    facts = facts_of("A 50-year-old woman had palpitations. She was treated with a sodium channel blocker.")
    assert not [o for o in facts.observations if "sodium" in o.text.lower()]


def test_salt_name_is_not_an_electrolyte_test() -> None:
    facts = facts_of("A 50-year-old woman had constipation. A sodium phosphate enema was given.")
    assert not [o for o in facts.observations if "phosphate" in o.text.lower()]


def test_magnesium_salt_is_a_drug_not_a_test() -> None:
    facts = facts_of("A 30-year-old woman had eclampsia. Magnesium sulfate was infused.")
    assert not [o for o in facts.observations if "magnesium" in o.text.lower()]


def test_department_name_is_not_a_surgery() -> None:
    text = "A 50-year-old woman had a mass. She was referred to the department of cardiac surgery."
    assert not procs(text, "surgery")


def test_figure_caption_is_not_a_test() -> None:
    facts = facts_of("A 50-year-old woman had a mass. Figure 2. Abdominal CT scan of the patient.")
    assert not facts.observations


def test_sodium_channel_in_kinetics_is_not_a_test() -> None:
    text = "A 60-year-old man started flecainide. Recovery from sodium channel block is slow with this drug."
    assert not [o for o in facts_of(text).observations if "sodium" in o.text.lower()]


def test_serum_level_of_a_drug_is_not_given() -> None:
    assert not meds("A 50-year-old man was admitted. His serum lithium level was 2.1 mmol/L.", "lithium")


# ================================================================ class 8: outcome and death


def test_death_after_drug_start_is_death() -> None:
    text = (
        "A 60-year-old man started flecainide. Two days later, the patient died suddenly. "
        "Recovery from sodium channel block is slow with this drug."
    )
    assert facts_of(text).outcome.kind == "died"


def test_death_after_drug_start_sets_deceased() -> None:
    text = (
        "A 60-year-old man started flecainide. Two days later, the patient died suddenly. "
        "Recovery from sodium channel block is slow with this drug."
    )
    patient = resources(bundle_of(text), "Patient")[0]
    assert patient.get("deceasedBoolean") is True or "deceasedDateTime" in patient


def test_sudden_cardiac_death_is_death() -> None:
    assert facts_of(
        "A 60-year-old man had angina. He suffered sudden cardiac death at home."
    ).patient.deceased


def test_passed_away_is_death() -> None:
    assert facts_of("A 60-year-old man had cancer. He passed away three weeks later.").patient.deceased


def test_succumbed_is_death() -> None:
    assert facts_of("A 60-year-old man had sepsis. He succumbed to multiorgan failure.").patient.deceased


def test_death_wins_over_earlier_improvement() -> None:
    assert facts_of(
        "A 60-year-old man had sepsis. He improved initially but expired on day 10."
    ).patient.deceased


def test_relatives_death_is_not_the_patients() -> None:
    text = (
        "A 6-year-old girl had measles. She made a full recovery; her brother had died of the same disease."
    )
    assert not facts_of(text).patient.deceased


# ================================================================ class 9: head-noun truncation and wrong type


def test_drain_is_a_device_not_a_procedure() -> None:
    text = "A 60-year-old man had hydronephrosis. A nephrostomy drain was left in place."
    assert not [p for p in facts_of(text).procedures if p.text.lower() == "nephrostomy"]


def test_autosplenectomy_is_not_a_surgery() -> None:
    assert not procs(
        "A 30-year-old man had sickle cell disease. Imaging showed autosplenectomy.", "splenectomy"
    )


def test_tube_in_place_is_not_a_procedure() -> None:
    text = "A 60-year-old man had dysphagia. A gastrostomy tube was in place."
    assert not [p for p in facts_of(text).procedures if p.text.lower() == "gastrostomy"]


def test_removed_is_not_a_procedure() -> None:
    text = (
        "A 40-year-old woman had ascites. Paracentesis removed 2 L of fluid, and furosemide 40 mg was given."
    )
    assert not procs(text, "removed")


def test_modifier_stays_with_procedure() -> None:
    assert [
        p.text for p in facts_of("A 50-year-old woman underwent laparoscopic appendectomy.").procedures
    ] == ["laparoscopic appendectomy"]


def test_participle_before_its_noun_is_a_specimen_not_a_procedure() -> None:
    text = "A 60-year-old man had a gastric tumour. The resected stomach showed a carcinoma."
    assert not procs(text, "resected")


def test_passive_participle_is_the_procedure() -> None:
    assert procs("A 60-year-old man had a gastric tumour. The tumour was resected.", "resected")


def test_removing_a_drain_is_no_procedure() -> None:
    assert not procs("A 60-year-old man had a colectomy. The drainage tube was removed on day 3.", "removed")


def test_removing_an_organ_is_a_procedure() -> None:
    assert procs("A 60-year-old man had gallstones. The gallbladder was removed on day 3.", "removed")
