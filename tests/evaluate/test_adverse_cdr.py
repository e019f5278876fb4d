"""Adverse events measured against the CDR corpus' chemical-induced-disease relations (real-docs/bioc).

Precision first (issue 9): an AdverseEvent must name a drug and reaction the CDR annotators related. The
floor is not a fitted figure: it fails when the converter starts blaming drugs the annotators did not.
Recall is reported by ``python tests/evaluate/cdr_relations.py`` and in docs/evaluation.md.
"""

from __future__ import annotations

from cdr_relations import corpus, read_cdr, score
from support import require_shared


def test_adverse_events_are_cdr_relations() -> None:
    folder = require_shared("real-docs", "bioc")
    predicted, right, relations, found = corpus(folder)
    assert relations > 0 and predicted > 0
    assert right / predicted >= 0.8, (predicted, right)
    assert found <= relations


def test_score_counts_a_wrong_drug_as_wrong() -> None:
    folder = require_shared("real-docs", "bioc")
    path = sorted(folder.glob("bioc_cdr_*.xml"))[0]
    gold = read_cdr(path)
    text = "x" * 40
    event = {
        "resourceType": "AdverseEvent",
        "event": {"text": "rash"},
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/derivation-reference",
                "extension": [
                    {"url": "path", "valueString": "AdverseEvent.suspectEntity.instance"},
                    {"url": "offset", "valueInteger": 0},
                    {"url": "length", "valueInteger": 4},
                ],
            }
        ],
    }
    import base64

    doc = {
        "resourceType": "DocumentReference",
        "content": [
            {"attachment": {"contentType": "text/plain", "data": base64.b64encode(text.encode()).decode()}}
        ],
    }
    bundle = {"entry": [{"resource": doc}, {"resource": event}]}
    assert score(gold, bundle) == (1, 0, len(gold.relations), 0)
