"""Issue 10: title and abstract facts, structured-abstract labels, and drugs named but not given.

Team-written sentences only.
"""

from __future__ import annotations

from typing import Any

from support import converter, facts_of

from fhirconv.model import Assertion
from fhirconv.readers import read_bytes


def _jats(title: str, abstract: str, case: str) -> Any:
    xml = (
        '<article article-type="case-report"><front><article-meta><title-group><article-title>'
        f"{title}</article-title></title-group><abstract><p>{abstract}</p></abstract></article-meta></front>"
        f"<body><sec><title>Case report</title><p>{case}</p></sec></body></article>"
    )
    return converter().extract(read_bytes(xml.encode(), "case.nxml"))


def _conditions(extraction: Any) -> dict[str, Assertion]:
    return {c.text.lower(): c.assertion for c in extraction.conditions}


def test_condition_only_in_the_title_is_taken() -> None:
    x = _jats(
        "Rhabdomyolysis after a marathon",
        "We describe a runner.",
        "A 30-year-old man had dark urine and muscle pain after a race.",
    )
    conds = _conditions(x)
    assert conds.get("rhabdomyolysis") is Assertion.PRESENT
    assert "myalgia" in conds or "muscle pain" in conds


def test_title_never_overrides_the_case_section() -> None:
    x = _jats(
        "Suspected pulmonary embolism in a traveller",
        "A traveller with chest pain.",
        "A 40-year-old woman had chest pain. There was no pulmonary embolism on angiography.",
    )
    pe = [c for c in x.conditions if "embol" in c.text.lower()]
    assert pe and all(c.assertion is Assertion.NEGATED for c in pe)


def test_title_condition_said_again_in_the_body_is_one_fact() -> None:
    x = _jats(
        "Pancreatitis in a young man",
        "A young man with abdominal pain.",
        "A 25-year-old man was admitted with pancreatitis.",
    )
    assert sum(1 for c in x.conditions if c.text.lower() == "pancreatitis") == 1


def test_structured_abstract_discussion_and_conclusion_are_not_the_case() -> None:
    text = (
        "OBJECTIVE: To report a case of hepatitis during treatment with isoniazid. "
        "CASE SUMMARY: A 50-year-old woman developed jaundice after starting isoniazid. "
        "DISCUSSION: Rifampin and pyrazinamide also cause hepatitis. "
        "CONCLUSIONS: Liver enzymes should be monitored in patients receiving nevirapine."
    )
    doc = read_bytes(
        (
            "<collection><source>t</source><date>d</date><key>k</key><document><id>1</id>"
            '<passage><infon key="type">title</infon><offset>0</offset><text>Isoniazid hepatitis.</text></passage>'
            f'<passage><infon key="type">abstract</infon><offset>21</offset><text>{text}</text></passage>'
            "</document></collection>"
        ).encode(),
        "case.bioc.xml",
    )
    x = converter().extract(doc)
    drugs = {m.text.lower() for m in x.medications}
    assert "isoniazid" in drugs
    assert not drugs & {"rifampin", "pyrazinamide", "nevirapine"}


def test_abstract_background_before_the_patient_is_introduced() -> None:
    x = _jats(
        "Migraine",
        "Migraine is often treated with sumatriptan or propranolol. We present a 33-year-old woman with migraine who received topiramate.",
        "A 33-year-old woman had headaches.",
    )
    drugs = {m.text.lower() for m in x.medications}
    assert "topiramate" in drugs and not drugs & {"sumatriptan", "propranolol"}


def _not_given(sentence: str, drug: str) -> bool:
    meds = [m for m in facts_of(sentence).medications if drug in m.text.lower()]
    return all(m.status == "not-done" for m in meds)


def test_drug_held_or_not_considered_is_not_given() -> None:
    assert _not_given(
        "A 60-year-old man with sepsis. Amikacin was held because of his kidney injury.", "amikacin"
    )
    assert _not_given("A 60-year-old man with sepsis. Cefazolin wasn't given.", "cefazolin")
    assert _not_given(
        "A 60-year-old man with sepsis. Vancomycin was not considered because of his kidney function.",
        "vancomycin",
    )


def test_susceptibility_list_names_no_drug_given() -> None:
    x = facts_of(
        "A 70-year-old man had bacteremia. The isolate showed sensitivity to doxycycline, tigecycline and ciprofloxacin."
    )
    given = {m.text.lower() for m in x.medications if m.status != "not-done"}
    assert not given & {"doxycycline", "tigecycline", "ciprofloxacin"}


def test_provisional_and_presumed_diagnoses_are_uncertain() -> None:
    x = facts_of("A 45-year-old woman was admitted. The provisional diagnosis was cholecystitis.")
    assert _conditions(x).get("cholecystitis") is Assertion.UNCERTAIN
    y = facts_of("A 45-year-old woman was admitted and treated for presumed pyelonephritis.")
    assert _conditions(y).get("pyelonephritis") is Assertion.UNCERTAIN


def test_diagnosed_instead_of_is_not_the_diagnosis() -> None:
    x = facts_of("A 52-year-old man was admitted. He was diagnosed with leptospirosis instead of hepatitis.")
    conds = _conditions(x)
    assert conds.get("leptospirosis") is Assertion.PRESENT
    assert conds.get("hepatitis") is not Assertion.PRESENT
