"""Condition vocabulary at scale (issue 10): names from ICD-10-CM and HPO's other synonyms, and the
spellings the matcher generates (British, Latin plurals, organ adjective/noun pairs).

Every sentence here is written by the team for this file; none is taken from a corpus or a real report.
"""

from __future__ import annotations

from typing import Any

from support import facts_of

from fhirconv.extract.variants import variants

HPO = "http://human-phenotype-ontology.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def _conditions(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


# ------------------------------------------------------------------------------ generated spellings


def test_british_paenia_is_the_same_finding() -> None:
    found = _conditions(
        "A 60-year-old man was admitted. Blood counts showed thrombocytopaenia.", "thrombocyt"
    )
    assert found and any(c.code == "HP:0001873" for c in found[0].codings)


def test_british_rrhoea_is_the_same_finding() -> None:
    assert _conditions("A 30-year-old woman presented with rhinorrhoea for a week.", "rhinorrhoea")


def test_latin_plural_of_a_finding() -> None:
    assert _conditions("A 70-year-old man was admitted. Echocardiography showed two thrombi.", "thrombi")


def test_organ_noun_for_an_organ_adjective() -> None:
    # the lexicon spells this finding with the adjective ("brain abscess" -> also "cerebral abscess")
    found = _conditions("A 52-year-old man was admitted. MRI showed a cerebral abscess.", "abscess")
    assert found and any(c.code == "HP:0030049" for c in found[0].codings)


def test_organ_swap_keeps_the_head() -> None:
    # only words before the head are swapped: a term is never respelt at its last word
    assert "renal" not in {v.split()[-1] for v in variants("acute kidney")}
    assert "acute renal injury" in variants("acute kidney injury")


# ----------------------------------------------------------------------------- names from ICD-10-CM


def test_icd10cm_description_is_a_coded_condition() -> None:
    found = _conditions("A 48-year-old woman presented with chronic cholecystitis.", "cholecystitis")
    assert found and [(c.system, c.code) for c in found[0].codings] == [(ICD10CM, "K81.1")]


def test_icd10cm_name_without_its_own_code_stays_text_only() -> None:
    found = _conditions(
        "A 75-year-old man presented with volume depletion after diarrhoea.", "volume depletion"
    )
    assert found and found[0].codings == ()


# ------------------------------------------------------------------------------ HPO's other synonyms


def test_related_hpo_synonym_is_found_but_not_coded_as_that_hpo_term() -> None:
    found = _conditions("A 6-month-old boy was referred with west syndrome.", "west syndrome")
    assert found and not any(c.system == HPO for c in found[0].codings)


def test_everyday_word_from_a_vocabulary_is_no_condition() -> None:
    # ICD-10-CM lists "worms" and "activity" among its terms; in prose they are not findings
    assert not _conditions("A 40-year-old man presented after sports activity with worms in a jar.", "worm")


# ------------------------------------------------------------------- everyday phrasing (curated rows)


def test_impaired_consciousness_phrasing_is_reduced_consciousness() -> None:
    found = _conditions("A 70-year-old man was brought in with deterioration of consciousness.", "conscious")
    assert found and any(c.code == "HP:0004372" for c in found[0].codings)


def test_black_stool_is_melena() -> None:
    found = _conditions("A 66-year-old man reported a black stool the day before.", "black stool")
    assert found and any(c.code == "HP:0002249" for c in found[0].codings)


def test_difficulty_in_doing_is_difficulty_doing() -> None:
    assert _conditions("A 58-year-old woman complained of difficulty in swallowing.", "swallowing")


def test_anicteric_denies_jaundice() -> None:
    facts = facts_of("A 45-year-old woman was admitted. On examination she was anicteric.")
    jaundice = [c for c in facts.conditions if c.text.lower() == "jaundice"]
    assert jaundice and jaundice[0].assertion.value == "negated"


# ------------------------------------------------------------------- organ word + generic finding head


def test_organ_word_makes_a_generic_head_a_finding() -> None:
    found = _conditions("A 61-year-old man was admitted. Imaging showed bone involvement.", "involvement")
    assert found and found[0].text.lower() == "bone involvement" and found[0].codings == ()


def test_generic_head_alone_is_still_no_condition() -> None:
    assert not _conditions(
        "A 61-year-old man was admitted. The extent of involvement was unclear.", "involvement"
    )


# ------------------------------------------------------------------------- the reason for a work-up


def test_condition_a_work_up_looks_into_is_the_patients() -> None:
    assert _conditions("A 9-year-old girl was referred for evaluation of fatigue.", "fatigue")


def test_condition_searched_for_by_a_test_is_still_not_asserted() -> None:
    assert not _conditions("A 30-year-old man was admitted. Testing for syphilis was done.", "syphilis")


# ----------------------------------------------------------- prepositions and adjectives around findings


def test_preposition_after_a_finding_ends_its_phrase() -> None:
    # "despite" is no modifier of a name: the finding is not part of "... treatment"
    assert _conditions(
        "A 47-year-old man had paroxysmal dyspnea despite treatment with diuretics.", "dyspnea"
    )


def test_adjective_in_ile_is_no_finding_noun() -> None:
    # "febrile" is an adjective too: "tachypnoeic and febrile" are two findings
    assert _conditions("A 39-year-old woman was admitted. She was tachypnoeic and febrile.", "tachypn")


def test_condition_naming_a_toxin_is_no_condition() -> None:
    text = "A 70-year-old man was admitted. The isolate carried the toxic shock syndrome toxin gene."
    assert not _conditions(text, "toxic shock")


# ---------------------------------------------------------------- words known only by their ending


def test_word_no_lexicon_has_is_a_finding_by_its_ending() -> None:
    found = _conditions("A 52-year-old woman presented with tenosynovitis of the wrist.", "tenosynovitis")
    assert found and found[0].codings == ()


def test_ordinary_word_with_a_finding_ending_is_none() -> None:
    text = "A 52-year-old woman was admitted. The diagnosis was made on the stroma of the biopsy."
    assert not [c for c in facts_of(text).conditions if c.text.lower() in ("diagnosis", "stroma")]


def test_ending_inside_a_hyphenated_compound_is_no_finding() -> None:
    text = "A 52-year-old woman was admitted. A nodule with a chondroma-like pattern was seen."
    assert not _conditions(text, "chondroma")


# ------------------------------------------------------------------------ head-modifier composition


def test_modified_head_is_one_mention() -> None:
    text = "A 45-year-old woman was admitted. CT showed multiple cavitating nodules."
    assert "multiple cavitating nodules" in [c.text.lower() for c in facts_of(text).conditions]


def test_finding_with_its_site_is_one_mention() -> None:
    text = "A 45-year-old woman was admitted. CT showed a low-attenuation lesion in the spleen."
    assert "low-attenuation lesion in the spleen" in [c.text for c in facts_of(text).conditions]


def test_a_finding_word_before_the_head_is_not_taken_as_its_modifier() -> None:
    # "tender" is a finding of its own; the composed phrase never swallows another mention
    texts = [c.text.lower() for c in facts_of("A 45-year-old man had a tender, swollen knee.").conditions]
    assert "tender" in texts
