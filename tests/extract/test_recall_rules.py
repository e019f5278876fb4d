"""Recall rules for observations, procedures and medications (issue 10): one sentence per rule.

Every sentence here is written by the team; none is taken from a corpus.
"""

from __future__ import annotations

from typing import Any

from support import facts_of


def _obs(facts: Any, word: str) -> list[Any]:
    return [o for o in facts.observations if word in o.text.lower()]


# ---------------------------------------------------------------- attribution: no skipping for a word
def test_reference_range_in_brackets_is_no_citation() -> None:
    facts = facts_of("A 45-year-old woman presented with fatigue. Ferritin was 4 ng/mL (10-120).")
    hits = _obs(facts, "ferritin")
    assert hits and hits[0].value is not None and str(hits[0].value.value) == "4"


def test_imaging_studies_are_patient_text() -> None:
    facts = facts_of(
        "A 45-year-old woman presented with flank pain. Imaging studies of the abdomen revealed a renal "
        "mass, and urine studies were normal."
    )
    assert [o for o in facts.observations if o.value_text and "renal mass" in o.value_text.lower()]


def test_background_statement_with_citation_is_still_skipped() -> None:
    facts = facts_of(
        "A 45-year-old woman presented with flank pain. She was admitted, and she had a fever. Renal "
        "infarction has been reported in previous studies [4]."
    )
    assert not [c for c in facts.conditions if "infarction" in c.text.lower()]
    assert [c for c in facts.conditions if "flank pain" in c.text.lower()]


def test_method_citation_does_not_hide_the_patients_result() -> None:
    facts = facts_of(
        "A 45-year-old woman presented with flank pain. Urine culture grew Escherichia coli, identified by "
        "the standard method [7]."
    )
    assert _obs(facts, "urine culture")


def test_descending_bracketed_pair_is_no_citation() -> None:
    # a paragraph with no patient anchor: the bracket once counted as a citation and dropped it all
    facts = facts_of(
        "A 60-year-old man was admitted with vomiting.\n\nMetabolic acidosis was noted, and the sodium "
        "minus chloride difference (141-112) was 29 mmol/L; arterial pH was 7.21."
    )
    assert [c for c in facts.conditions if "acidosis" in c.text.lower()]
    ph = _obs(facts, "ph")
    assert ph and ph[0].value is not None and str(ph[0].value.value) == "7.21"


def test_narrated_paragraph_with_one_citation_is_kept() -> None:
    facts = facts_of(
        "A 60-year-old man was admitted with fever.\n\nBlood cultures were drawn as described [5], and "
        "the surgical wound was closed in layers. Serum lactate was 4.1 mmol/L."
    )
    lactate = _obs(facts, "lactate")
    assert lactate and lactate[0].value is not None and str(lactate[0].value.value) == "4.1"


def test_narrated_paragraph_with_one_general_phrase_is_kept() -> None:
    facts = facts_of(
        "A 35-year-old woman presented with headache.\n\nBecause a first field test can be unreliable, "
        "perimetry was repeated 3 weeks later and showed a bitemporal hemianopia."
    )
    assert [c for c in facts.conditions if "hemianopia" in c.text.lower()]


def test_present_tense_paragraph_with_citation_is_still_general() -> None:
    facts = facts_of(
        "A 41-year-old woman presented with vertigo. She was given meclizine.\n\nWeekly high-dose "
        "erlotinib is tolerable up to 1500 mg [4]."
    )
    assert [m for m in facts.medications if "meclizine" in m.text.lower()]
    assert not [m for m in facts.medications if "erlotinib" in m.text.lower()]


def test_patient_sentence_citing_studies_is_kept() -> None:
    facts = facts_of(
        "A 30-year-old man presented with fever and jaundice.\n\nWe started oral doxycycline based on "
        "previous studies showing a benefit in leptospirosis [11]."
    )
    assert [m for m in facts.medications if "doxycycline" in m.text.lower()]


def test_presenting_the_case_is_about_the_patient() -> None:
    facts = facts_of(
        "A 50-year-old man presented with jaundice.\n\nWe present a case of pancreatic lymphoma without a "
        "history of alcohol use."
    )
    assert [c for c in facts.conditions if "lymphoma" in c.text.lower()]


def test_discussion_sentence_about_the_patient_is_case_text() -> None:
    text = (
        "CASE PRESENTATION\n\nA 58-year-old man presented with chest pain. He was treated with aspirin."
        "\n\nDISCUSSION\n\nPulmonary embolism is a common cause of sudden death [3]. Hypotension and "
        "cyanosis are typical signs of massive embolism [4].\n\nOur patient had an episode of ventricular "
        "fibrillation that required defibrillation. Stroke has been reported in up to 5% of cases [5]."
    )
    facts = facts_of(text)
    conditions = " ".join(c.text.lower() for c in facts.conditions)
    assert "ventricular fibrillation" in conditions
    assert [p for p in facts.procedures if "defibrillation" in p.text.lower()]
    for general in ("embolism", "hypotension", "cyanosis", "stroke"):
        assert general not in conditions, general


def test_defined_abbreviation_wins_over_the_lexicon_reading() -> None:
    facts = facts_of(
        "A 45-year-old woman was admitted with dyspnoea. Plasma exchange (PE) was started, and PE was "
        "repeated twice."
    )
    assert not facts.conditions or not [c for c in facts.conditions if "embolism" in c.text.lower()]
    assert [p for p in facts.procedures if "plasma exchange" in p.text.lower()]


# ---------------------------------------------------------------- values whose test the lexicons lack
def _values(facts: Any) -> list[tuple[str, str]]:
    return [(str(o.value.value), o.value.unit) for o in facts.observations if o.value is not None]


def test_measured_value_without_a_known_test_name() -> None:
    facts = facts_of(
        "A 52-year-old man was admitted with diarrhoea. His xylose absorption index was 12 mg/dL."
    )
    hits = [o for o in facts.observations if o.value is not None and str(o.value.value) == "12"]
    assert hits and "xylose" in hits[0].text.lower()
    # a name ending in a measurement noun ("index", "gradient", "pressure") names the measurement
    assert [m.role.value for m in hits[0].mentions] == ["head", "value"]
    # other words before a value may name a finding: the value is the mention, the words only the text
    other = facts_of("A 52-year-old man was admitted with palpitations. He had a tachycardia of 150/min.")
    beat = [o for o in other.observations if o.value is not None and str(o.value.value) == "150"]
    assert beat and [m.role.value for m in beat[0].mentions] == ["value"]


def test_range_bounds_and_solutions_are_no_values() -> None:
    facts = facts_of(
        "A 52-year-old man was admitted with weakness. His plasma quinolinate was 40 umol/L (normal "
        "10-25 umol/L), and he was given a 10% glucose infusion; the lesion grew (Fig. 2C)."
    )
    assert ("40", "umol/L") in _values(facts)
    values = {v for v, _ in _values(facts)}
    assert not values & {"25", "10", "2"}


# ---------------------------------------------------------------- a test name and its abbreviation
def test_value_after_bracketed_abbreviation() -> None:
    facts = facts_of("A 33-year-old man was admitted. Lactate dehydrogenase (LDH) was 412 U/L.")
    hits = [o for o in facts.observations if o.value is not None]
    assert hits and str(hits[0].value.value) == "412"
    heads = [m.text for m in hits[0].mentions if m.role.value == "head"]
    assert "LDH" in heads and any("dehydrogenase" in h.lower() for h in heads)


def test_name_and_abbreviation_are_one_observation() -> None:
    facts = facts_of("A 33-year-old man was admitted. Computed tomography (CT) showed a splenic cyst.")
    imaging = [o for o in facts.observations if "tomography" in o.text.lower() or o.text == "CT"]
    assert len(imaging) == 1 and imaging[0].value_text and "cyst" in imaging[0].value_text


# ---------------------------------------------------------------- coordinated tests and values
def test_respectively_pairs_values_with_tests_in_order() -> None:
    facts = facts_of(
        "A 61-year-old man was admitted. On admission, sodium, potassium and chloride were 128 mmol/L, "
        "5.9 mmol/L and 92 mmol/L, respectively."
    )
    got = {o.text.lower(): str(o.value.value) for o in facts.observations if o.value is not None}
    assert got.get("sodium") == "128" and got.get("potassium") == "5.9" and got.get("chloride") == "92"


def test_coordinated_values_pair_up_to_the_sentence_end() -> None:
    facts = facts_of("A 61-year-old man was admitted. His sodium and potassium were 128 and 3.1 mmol/L.")
    got = {o.text.lower(): str(o.value.value) for o in facts.observations if o.value is not None}
    assert got.get("sodium") == "128" and got.get("potassium") == "3.1"


def test_trend_word_is_cited_apart_from_the_value() -> None:
    facts = facts_of("A 61-year-old man was admitted. His serum ferritin decreased to 12 ng/mL.")
    hits = [o for o in facts.observations if o.value is not None]
    assert hits and hits[0].interpretation == "low"
    roles = {m.role.value: m.text for m in hits[0].mentions}
    assert roles.get("value") == "12 ng/mL" and roles.get("interpretation") == "decreased"


# ---------------------------------------------------------------- analytes given as drugs
def _meds(facts: Any) -> list[str]:
    return [m.text.lower() for m in facts.medications]


def test_analyte_named_after_an_administration_word_is_a_drug() -> None:
    facts = facts_of(
        "A 70-year-old woman with anaemia was admitted. She received intravenous iron, and her potassium "
        "was replaced with potassium chloride. Magnesium supplementation was started."
    )
    meds = _meds(facts)
    assert "iron" in meds and "magnesium" in meds


def test_analyte_in_a_list_of_drugs_given_is_a_drug() -> None:
    facts = facts_of("A 70-year-old woman was admitted. She was resuscitated with saline and albumin.")
    assert "albumin" in _meds(facts)


def test_measured_analyte_and_salt_stay_what_they_are() -> None:
    facts = facts_of(
        "A 70-year-old woman was admitted. Intravenous iron 30 ug/dL was low. She took oseltamivir "
        "phosphate, and serum albumin was 2.1 g/dL."
    )
    meds = _meds(facts)
    assert "iron" not in meds and "phosphate" not in meds and "albumin" not in meds


# ---------------------------------------------------------------- drug names misspelt by one letter
def test_drug_name_misspelt_by_one_letter_is_that_drug() -> None:
    facts = facts_of(
        "A 30-year-old woman underwent surgery. Anaesthesia was maintained with sevofluorane, and she was "
        "later given levetiracetan."
    )
    meds = _meds(facts)
    assert "sevofluorane" in meds and "levetiracetan" in meds


def test_ordinary_words_near_a_drug_name_are_not_drugs() -> None:
    facts = facts_of(
        "A 30-year-old woman was admitted. Each episode was preceded by a headache, and there was no "
        "biologic sign of haemolysis or vitamin E deficiency."
    )
    meds = _meds(facts)
    assert "preceded" not in meds and "biologic" not in meds and not [m for m in meds if "vitamin" in m]


def test_abbreviation_whose_letters_start_before_the_term() -> None:
    facts = facts_of(
        "A 58-year-old man was admitted with pneumonia. Intravenous vancomycin (IVVC) was started, and "
        "IVVC was stopped on day 5."
    )
    texts = [m.text for med in facts.medications for m in med.mentions]
    assert sum("IVVC" in t for t in texts) >= 2


# ---------------------------------------------------------------- qualitative culture results
def test_culture_grew_an_organism() -> None:
    facts = facts_of("A 60-year-old man had fever. On day 2, blood cultures grew gram-negative rods.")
    hits = [o for o in facts.observations if "blood cultures" in o.text.lower()]
    assert hits and hits[0].value_text == "gram-negative rods" and hits[0].interpretation is None


def test_organism_isolated_from_a_culture() -> None:
    facts = facts_of(
        "A 60-year-old man had fever. Klebsiella oxytoca was isolated from a urine culture, and he improved."
    )
    hits = [o for o in facts.observations if "urine culture" in o.text.lower()]
    assert hits and hits[0].value_text == "Klebsiella oxytoca"


def test_organism_detected_in_a_culture_is_its_result_not_a_test() -> None:
    # "<organism> was detected in <culture>": one reading -- the culture's result, never also a test
    # called "Proteus mirabilis" found positive
    facts = facts_of("A 60-year-old man had fever. Proteus mirabilis was detected in the wound culture.")
    assert [(o.text, o.value_text) for o in facts.observations] == [("wound culture", "Proteus mirabilis")]


def test_culture_verbs_after_and_before_in_one_sentence() -> None:
    facts = facts_of(
        "A 60-year-old man had fever. Enterococcus faecalis was recovered from the bile culture, and the "
        "sputum culture grew Candida albicans."
    )
    got = {o.text.lower(): o.value_text for o in facts.observations}
    assert got == {"bile culture": "Enterococcus faecalis", "sputum culture": "Candida albicans"}


# ---------------------------------------------------------------- shares written before their cells
def test_share_written_before_the_cell_name_is_that_cells() -> None:
    facts = facts_of(
        "A 60-year-old man had fever. The smear showed a leukocyte count of 9000/uL with 81% neutrophils, "
        "12% lymphocytes and 7% monocytes."
    )
    got = {o.text.lower(): str(o.value.value) for o in facts.observations if o.value is not None}
    assert got.get("neutrophils") == "81" and got.get("lymphocytes") == "12" and got.get("monocytes") == "7"


def test_value_after_a_name_stays_with_that_name() -> None:
    facts = facts_of("A 60-year-old man had fever. Neutrophils 81% lymphocytes 12%.")
    got = {o.text.lower(): str(o.value.value) for o in facts.observations if o.value is not None}
    assert got.get("neutrophils") == "81" and got.get("lymphocytes") == "12"


def test_bare_biopsy_is_a_test() -> None:
    facts = facts_of("A 52-year-old woman had a breast lump. A biopsy showed invasive ductal carcinoma.")
    hits = [o for o in facts.observations if o.text.lower().startswith("biopsy")]
    assert hits and hits[0].value_text and "carcinoma" in hits[0].value_text


# ---------------------------------------------------------------- drug lexicon build and anaesthesia
def test_neuraxial_anaesthesia_is_a_procedure_and_its_drug_a_medication() -> None:
    facts = facts_of(
        "A 64-year-old man underwent a knee replacement under spinal anaesthesia with 3 ml of hyperbaric "
        "bupivacaine. His daughter later had a hernia repair under caudal analgesia."
    )
    procedures = " ".join(p.text.lower() for p in facts.procedures)
    assert "spinal anaesthesia" in procedures
    assert [m for m in facts.medications if "bupivacaine" in m.text.lower()]
    assert not [m for m in facts.medications if "anaesthesia" in m.text.lower()]
    epidural = facts_of("A 35-year-old woman had a myomectomy; ropivacaine epidural anesthesia was used.")
    assert [p for p in epidural.procedures if "epidural" in p.text.lower()]
    assert [m for m in epidural.medications if "ropivacaine" in m.text.lower()]


def test_drug_names_the_build_now_takes() -> None:
    # a MedlinePlus name without a DrugBank id, an ingredient of a listed combination, a MeSH family's
    # substance, the -mycin spelling of a -micin antibiotic
    facts = facts_of(
        "A 71-year-old man with Parkinson disease took carbidopa daily. Before surgery he was given "
        "glycopyrrolate 0.4 mg, then 500 ml of hydroxyethyl starch, and netilmycin for a wound infection."
    )
    given = " ".join(m.text.lower() for m in facts.medications)
    for name in ("carbidopa", "glycopyrrolate", "hydroxyethyl starch", "netilmycin"):
        assert name in given, name


def test_coded_route_before_an_injection_word() -> None:
    facts = facts_of(
        "A 40-year-old woman was admitted. Intramuscular injection of ketorolac 30 mg was given."
    )
    hits = [m for m in facts.medications if "ketorolac" in m.text.lower()]
    assert hits and hits[0].route == "intramuscular"
