"""Adverse drug reactions (issue 9): asserted only when the text attributes a reaction of this patient
to a drug this patient was given. Every sentence is written by the team for this file."""

from __future__ import annotations

from typing import Any

import pytest
from support import bundle_of, facts_of, resources

OPENER = "A 60-year-old man was admitted. "


def events(text: str) -> list[tuple[str, str]]:
    """(reaction words, drug key) of every adverse event of ``text``."""
    f = facts_of(OPENER + text)
    conditions = {c.key: c.text.lower() for c in f.conditions}
    return [(conditions[a.condition_key], a.medication_key.removeprefix("drug:")) for a in f.adverse_events]


@pytest.mark.parametrize(
    ("text", "reaction", "drug"),
    [
        ("He was given amoxicillin. The rash was attributed to amoxicillin.", "rash", "amoxicillin"),
        (
            "He received carbamazepine and developed hyponatremia induced by carbamazepine.",
            "hyponatremia",
            "carbamazepine",
        ),
        (
            "He received vancomycin. The acute kidney injury was secondary to vancomycin.",
            "acute kidney injury",
            "vancomycin",
        ),
        ("He developed a cough after starting lisinopril 10 mg daily.", "cough", "lisinopril"),
        ("After starting metformin, he developed diarrhea.", "diarrhea", "metformin"),
        ("He was treated with heparin and had heparin-induced urticaria.", "urticaria", "heparin"),
        (
            "Amiodarone was started and amiodarone-related hypothyroidism followed.",
            "hypothyroidism",
            "amiodarone",
        ),
        ("After the addition of digoxin (0.125 mg daily), he developed nausea.", "nausea", "digoxin"),
        ("He took phenytoin (PHT) and had a phenytoin (PHT)-induced rash.", "rash", "phenytoin"),
    ],
)
def test_attributed_reaction_is_an_adverse_event(text: str, reaction: str, drug: str) -> None:
    found = events(text)
    assert any(reaction in r and d == drug for r, d in found), found


@pytest.mark.parametrize(
    "text",
    [
        # general knowledge, not this patient's event
        "He was given amoxicillin. Rash is a known side effect of amoxicillin.",
        "He was given amoxicillin. Amoxicillin can cause a rash.",
        "He was given amoxicillin. A rash has been reported in patients receiving amoxicillin.",
        # the text denies the attribution
        "He was given amoxicillin. The rash was not attributed to amoxicillin.",
        "He was given amoxicillin. The rash was unlikely to be related to amoxicillin.",
        # no reaction: the condition is negated or hypothetical
        "He was given amoxicillin. There was no rash attributed to amoxicillin.",
        # the drug was never given
        "Amoxicillin was not given. The rash was attributed to a viral infection.",
        # a drug given for the condition is a treatment, not its cause
        "He received amoxicillin for pneumonia.",
        # the cue names something other than a drug
        "He was given amoxicillin. The rash was attributed to a viral infection.",
    ],
)
def test_no_event_unless_the_text_blames_a_drug_of_the_patient(text: str) -> None:
    assert events(text) == []


def test_the_indication_is_not_the_reaction() -> None:
    text = (
        "He had bradycardia and hypotension two weeks after initiation of amiodarone for atrial fibrillation."
    )
    assert sorted(events(text)) == [("bradycardia", "amiodarone"), ("hypotension", "amiodarone")]


def test_a_clause_with_its_own_negation_does_not_block_the_attribution() -> None:
    text = "He was given amoxicillin. The rash, which was not itchy, was attributed to amoxicillin."
    assert events(text) == [("rash", "amoxicillin")]


def test_hedged_attribution_keeps_its_likelihood() -> None:
    f = facts_of(OPENER + "He was given amoxicillin. The rash was probably induced by amoxicillin.")
    assert [a.hedge for a in f.adverse_events] == ["probable"]


def _event(text: str) -> dict[str, Any]:
    (event,) = resources(bundle_of(OPENER + text), "AdverseEvent")
    return event


def test_adverse_event_resource_links_the_condition_and_the_administration() -> None:
    text = (
        "He was given amoxicillin on the second day. On the third day the rash was attributed to amoxicillin."
    )
    bundle = bundle_of(OPENER + text)
    (event,) = resources(bundle, "AdverseEvent")
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    assert event["actuality"] == "actual"
    assert event["subject"]["reference"] == urls["Patient"]
    assert event["suspectEntity"][0]["instance"]["reference"] == urls["MedicationAdministration"]
    assert event["resultingCondition"][0]["reference"] == urls["Condition"]
    assert event["event"]["text"] == "rash"
    assert event["suspectEntity"][0]["causality"][0]["productRelatedness"] == "attributed to amoxicillin"
    assert event["date"] == "2000-01-03"
    assert "seriousness" not in event and "assessment" not in event["suspectEntity"][0]["causality"][0]


def test_home_medication_is_the_suspect_statement() -> None:
    text = "He had been taking lisinopril 10 mg daily. The angioedema was attributed to lisinopril."
    bundle = bundle_of(OPENER + text)
    (statement,) = resources(bundle, "MedicationStatement")
    (event,) = resources(bundle, "AdverseEvent")
    url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is statement)
    assert event["suspectEntity"][0]["instance"]["reference"] == url


def test_seriousness_only_when_stated() -> None:
    event = _event(
        "He was given amoxicillin. The life-threatening anaphylaxis was attributed to amoxicillin."
    )
    assert event["seriousness"]["coding"][0]["code"] == "SeriousIsLifeThreatening"


def test_death_from_the_reaction_is_serious() -> None:
    event = _event("He was given amoxicillin. He died of anaphylaxis induced by amoxicillin.")
    assert event["seriousness"]["coding"][0]["code"] == "SeriousResultsInDeath"


# ------------------------------------------------------------------ family history (same rule family)


def relatives(text: str) -> list[tuple[str, str]]:
    return [(f.text.lower(), f.relationship) for f in facts_of(OPENER + text).family]


def test_negated_family_history_is_no_family_member_history() -> None:
    assert relatives("There was no family history of diabetes.") == []
    assert relatives("He denied a family history of thyroid disease or asthma.") == []
    assert relatives("His family history was unremarkable for epilepsy.") == []


def test_a_relatives_condition_after_a_clause_break_is_kept() -> None:
    assert relatives("His father had no symptoms but his mother had asthma.") == [("asthma", "MTH")]
    assert relatives("His mother had breast cancer.") == [("breast cancer", "MTH")]
