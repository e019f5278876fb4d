"""FamilyMemberHistory: a relative's condition, never the patient's (docs/resources.md)."""

from __future__ import annotations

from typing import Any

from ..model import Coding, FamilyFact
from .datatypes import codeable_concept

__all__ = ["family_member_history"]

_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


def family_member_history(f: FamilyFact, patient: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "FamilyMemberHistory",
        "status": "completed",
        "patient": patient,
        "relationship": codeable_concept(
            f.relationship_display, [Coding(_ROLE_CODE, f.relationship, f.relationship_display)]
        ),
        "condition": [{"code": codeable_concept(f.text, f.codings)}],
    }
