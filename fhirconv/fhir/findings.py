"""Pertinent negatives: "no fever" is an Observation of the finding with the value Absent.

A denied symptom or an absent sign is a fact about the examination, not a problem of the patient, so it
is not a Condition at all: ``Condition?code=fever`` then finds only patients who had fever. A disease
that was ruled out ("meningitis was ruled out") stays a Condition with verificationStatus refuted, the
R4 way of recording a diagnosis that was considered and excluded (docs/resources.md).
"""

from __future__ import annotations

from typing import Any

from ..model import Assertion, Coding, ConditionFact
from ..normalize import Normalizer
from .datatypes import codeable_concept
from .timing import time_elements

__all__ = ["ABSENT", "absent_finding", "pertinent_negative"]

ABSENT = Coding("http://snomed.info/sct", "2667000", "Absent")


def pertinent_negative(c: ConditionFact) -> bool:
    """A negated sign or symptom, not a ruled-out diagnosis nor a denied past illness: recorded as an
    absent finding. Extraction decides both (``ConditionFact.ruled_out``, ``.past``); this only maps."""
    return c.assertion is Assertion.NEGATED and c.cls == "sign" and not c.past and not c.ruled_out


def absent_finding(
    c: ConditionFact, norm: Normalizer, subject: dict[str, Any], encounter: dict[str, Any]
) -> dict[str, Any]:
    res: dict[str, Any] = {"resourceType": "Observation", "status": "final"}
    category = norm.category("exam")
    if category:
        res["category"] = [codeable_concept(None, [category])]
    res["code"] = codeable_concept(c.text, norm.condition_codings(c.codings, historical=False))
    res["subject"] = subject
    res["encounter"] = encounter
    res.update(time_elements(norm, c.noted, "effective", age=False))
    res["valueCodeableConcept"] = codeable_concept(None, [ABSENT])
    return res
