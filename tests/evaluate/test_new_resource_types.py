"""Evaluation reads issue 9's resource shapes: an absent-finding Observation is a negated condition
mention, a MedicationStatement a drug mention (sentences written by the team)."""

from __future__ import annotations

from support import converter

from fhirconv.evaluate.gold import CONDITION, MEDICATION
from fhirconv.evaluate.spans import predicted_mentions
from fhirconv.readers import read_bytes

TEXT = "A 50-year-old man presented with cough. He denied fever. He had been taking lisinopril 10 mg daily."


def test_absent_finding_and_statement_are_scored() -> None:
    doc = read_bytes(TEXT.encode("utf-8"), "team.txt")
    bundle = converter().convert(doc)
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert "MedicationStatement" in types
    mentions, problems = predicted_mentions(bundle, len(doc.text))
    assert not problems
    fever = [
        m for m in mentions if m.category == CONDITION and doc.text[m.span.start : m.span.end] == "fever"
    ]
    assert fever and fever[0].negated
    assert any(
        m.category == MEDICATION and doc.text[m.span.start : m.span.end].lower() == "lisinopril"
        for m in mentions
    )
