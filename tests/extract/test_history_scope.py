"""Past history and list scope (issue 8 classes 1 and 4): one sentence of our own per rule.

"no history of X" is negated and about the past at once; long lists under one trigger keep every item,
also after an item that is no lexicon term; history phrases that are not "history of" file what they
introduce as past history.
"""

from __future__ import annotations

from typing import Any

from support import bundle_of, facts_of, resources

from fhirconv.fhir.bundle import HISTORY_NOTE
from fhirconv.model import Assertion


def _conds(text: str, word: str) -> list[Any]:
    return [c for c in facts_of(text).conditions if word in c.text.lower()]


def _notes(res: dict[str, Any]) -> list[str]:
    return [n["text"] for n in res.get("note", [])]


def test_no_history_of_is_negated_past_history() -> None:
    (seizure,) = _conds("A 9-year-old girl had a headache. She had no history of seizures.", "seizure")
    assert seizure.assertion is Assertion.NEGATED and seizure.past


def test_denied_past_sign_is_a_refuted_past_condition_not_an_absent_finding() -> None:
    bundle = bundle_of("A 9-year-old girl had a headache. There was no history of fever.")
    fever = [r for r in resources(bundle, "Condition") if "fever" in r["code"]["text"].lower()]
    assert len(fever) == 1
    assert fever[0]["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert HISTORY_NOTE in _notes(fever[0])
    assert not [r for r in resources(bundle, "Observation") if "fever" in r["code"].get("text", "").lower()]


def test_denied_sign_today_stays_an_absent_finding() -> None:
    bundle = bundle_of("A 9-year-old girl had a headache. On examination she had no fever.")
    assert not [r for r in resources(bundle, "Condition") if "fever" in r["code"]["text"].lower()]


def test_negation_runs_over_a_list_item_the_lexicon_lacks() -> None:
    text = "A 40-year-old man had back pain. He reported no trauma, pus discharge, fever or weight loss."
    for word in ("fever", "weight loss"):
        (c,) = _conds(text, word)
        assert c.assertion is Assertion.NEGATED, word


def test_a_clause_after_the_comma_ends_the_negation() -> None:
    text = "A 40-year-old man was admitted. There was no rash, and his cough worsened."
    (cough,) = _conds(text, "cough")
    assert cough.assertion is Assertion.PRESENT


def test_a_long_clause_after_the_comma_ends_the_negation() -> None:
    text = "A 40-year-old man was admitted. No rash was seen, repeated bouts of vomiting followed."
    (vomit,) = _conds(text, "vomiting")
    assert vomit.assertion is Assertion.PRESENT


def test_history_included_is_past_history() -> None:
    text = "A 66-year-old woman had dyspnoea. Her medical history included asthma and gout."
    for word in ("asthma", "gout"):
        (c,) = _conds(text, word)
        assert c.assertion is Assertion.HISTORICAL, word


def test_history_remarkable_for_is_past_history() -> None:
    (c,) = _conds("A 66-year-old woman had dyspnoea. Her history was remarkable for gout.", "gout")
    assert c.assertion is Assertion.HISTORICAL


def test_in_the_past_is_past_history() -> None:
    (c,) = _conds("A 66-year-old woman had dyspnoea. She was treated for malaria in the past.", "malaria")
    assert c.assertion is Assertion.HISTORICAL


def test_in_childhood_is_past_history() -> None:
    (c,) = _conds("A 66-year-old woman had dyspnoea. She had asthma in childhood.", "asthma")
    assert c.assertion is Assertion.HISTORICAL


def test_present_asthma_is_not_history() -> None:
    (c,) = _conds("A 66-year-old woman had dyspnoea. She had asthma.", "asthma")
    assert c.assertion is Assertion.PRESENT


def test_trailing_history_word_is_past_history() -> None:
    text = "A 66-year-old woman had dyspnoea. She had no relevant trauma history."
    (c,) = _conds(text, "trauma")
    assert c.assertion is Assertion.NEGATED and c.past


# -- a ruled-out diagnosis is decided in extraction (a flag); fhir/ only maps it


def test_ruled_out_sign_is_flagged_in_extraction() -> None:
    (c,) = _conds("A 50-year-old man had dyspnoea. Ascites was ruled out by ultrasound.", "ascites")
    assert c.assertion is Assertion.NEGATED and c.ruled_out and c.cls == "sign"


def test_ruled_out_sign_is_a_refuted_condition() -> None:
    bundle = bundle_of("A 50-year-old man had dyspnoea. Ascites was ruled out by ultrasound.")
    found = [r for r in resources(bundle, "Condition") if "ascites" in r["code"]["text"].lower()]
    assert [r["verificationStatus"]["coding"][0]["code"] for r in found] == ["refuted"]


def test_absent_sign_without_a_ruled_out_cue_is_not_flagged() -> None:
    (c,) = _conds("A 50-year-old man had dyspnoea. There was no ascites.", "ascites")
    assert c.assertion is Assertion.NEGATED and not c.ruled_out
