"""Issue 10: therapeutic procedures a lexicon row cannot list one by one.

Composition ("<disease> therapy", "<modifier> treatment"), the surgical act told by its passive verb,
the treatments a recipient's donor does not take away, and a procedure word that only names a test.
Every sentence is written by the team.
"""

from __future__ import annotations

from typing import Any

from support import facts_of


def _procs(sentence: str) -> dict[str, Any]:
    return {p.text.lower(): p for p in facts_of(sentence).procedures}


def _conditions(sentence: str) -> set[str]:
    return {c.text.lower() for c in facts_of(sentence).conditions}


# ---------------------------------------------------------------- a disease and a head of treatment
def test_disease_followed_by_therapy_is_one_procedure() -> None:
    sentence = "A 70-year-old man was admitted. His tuberculosis therapy was continued for nine months."
    procs = _procs(sentence)
    assert list(procs) == ["tuberculosis therapy"]
    assert procs["tuberculosis therapy"].category == "therapeutic"
    assert "tuberculosis" not in _conditions(sentence)


def test_defect_with_its_abbreviation_before_closure_is_surgery() -> None:
    procs = _procs("A 9-year-old girl underwent ventricular septal defect (VSD) closure at the age of two.")
    assert [(t, p.category) for t, p in procs.items()] == [
        ("ventricular septal defect (vsd) closure", "surgical")
    ]


def test_a_symptom_before_treatment_is_no_procedure() -> None:
    # the treatment of a sign is the drug given for it ("pain treatment with tramadol")
    assert not _procs("A 40-year-old woman was admitted. Pain treatment with tramadol was started.")


# ---------------------------------------------------------------- a modifier and a head of treatment
def test_modifier_and_treatment_is_a_procedure() -> None:
    procs = _procs(
        "A 66-year-old man was admitted. He received palliative treatment and, later, intensive care "
        "management in the intensive care unit."
    )
    assert set(procs) == {"palliative treatment", "intensive care management"}


def test_no_additional_therapy_is_not_done() -> None:
    procs = _procs(
        "A 66-year-old man had a resection of the tumour. He did not receive any adjuvant therapy."
    )
    assert procs["adjuvant therapy"].status == "not-done"


def test_a_drug_regimen_stays_a_drug() -> None:
    facts = facts_of(
        "A 66-year-old woman was admitted. Rituximab-based immunosuppressive therapy was given for six months."
    )
    assert not [p for p in facts.procedures if "immunosuppressive" in p.text.lower()]
    assert [m for m in facts.medications if m.text.lower() == "rituximab"]


def test_immunosuppressive_therapy_alone_is_a_procedure() -> None:
    procs = _procs("A 66-year-old woman with lupus nephritis was given immunosuppressive therapy.")
    assert "immunosuppressive therapy" in procs


# ---------------------------------------------------------------- the act told by its verb
def test_incision_closed_is_a_surgical_act() -> None:
    procs = _procs(
        "A 58-year-old man underwent a laparotomy. The fascia was then closed with a running suture."
    )
    assert "closed" in procs and procs["closed"].category == "surgical"


def test_pericardium_opened_is_a_surgical_act() -> None:
    assert "opened" in _procs("A 58-year-old man had a sternotomy, and the pericardium was opened.")


# ---------------------------------------------------------------- whose procedure
def test_living_donor_transplant_is_the_patients_procedure() -> None:
    procs = _procs("A 45-year-old woman underwent living-donor liver transplantation in 2010.")
    assert "liver transplantation" in procs


def test_the_donors_disease_is_still_the_donors() -> None:
    assert "hypertension" not in _conditions(
        "A 45-year-old woman received a kidney. The kidney came from a deceased donor with hypertension."
    )


# ---------------------------------------------------------------- a procedure word naming a test
def test_procedure_word_before_a_test_names_the_test() -> None:
    facts = facts_of(
        "A 52-year-old man had a hepatic artery embolization. Post-embolization angiography showed slow flow."
    )
    mentions = [m.text.lower() for p in facts.procedures for m in p.mentions]
    assert mentions.count("embolization") == 1  # the first sentence's act, not the test's modifier


def test_fasting_before_a_test_is_the_tests_condition() -> None:
    facts = facts_of("A 52-year-old man had polyuria. His fasting plasma glucose was 9.1 mmol/L.")
    assert not facts.procedures


def test_fasting_as_a_treatment() -> None:
    assert "fasting" in _procs("A 52-year-old man with pancreatitis was managed with fasting and fluids.")


def test_new_lexicon_rows() -> None:
    procs = _procs(
        "A 34-year-old man underwent tooth extraction, and bleeding was controlled by ligation; later, "
        "pleurocentesis and cryotherapy were performed."
    )
    assert {"tooth extraction", "ligation", "pleurocentesis", "cryotherapy"} <= set(procs)
