"""Where the words behind each part of a fact land: (resource type, mention role) -> element path.

Extraction speaks of neutral roles (``MentionRole``); this table alone knows FHIR element paths. The
derivation-reference extension of every resource names the element its words support, and
``role_of_path`` reads that path back to a role for the evaluator.
"""

from __future__ import annotations

from ..model import MentionRole

__all__ = ["ELEMENT_PATHS", "element_path", "role_of_path"]

R = MentionRole
ELEMENT_PATHS: dict[str, dict[MentionRole, str]] = {
    "Patient": {R.SEX: "Patient.gender", R.DECEASED: "Patient.deceased[x]"},
    "Condition": {R.HEAD: "Condition.code"},
    "Observation": {
        R.HEAD: "Observation.code",
        R.VALUE: "Observation.value[x]",
        R.INTERPRETATION: "Observation.interpretation",
        R.REFERENCE_RANGE: "Observation.referenceRange",
    },
    "MedicationAdministration": {
        R.HEAD: "MedicationAdministration.medication[x]",
        R.DOSE: "MedicationAdministration.dosage.dose",
        R.ROUTE: "MedicationAdministration.dosage.route",
        # MedicationAdministration.dosage has no timing: rate[x] carries "daily"
        R.FREQUENCY: "MedicationAdministration.dosage.rate[x]",
        R.START: "MedicationAdministration.effective[x]",
        R.DURATION: "MedicationAdministration.effective[x]",
    },
    "MedicationRequest": {
        R.HEAD: "MedicationRequest.medication[x]",
        R.DOSE: "MedicationRequest.dosageInstruction.doseAndRate.dose[x]",
        R.ROUTE: "MedicationRequest.dosageInstruction.route",
        R.FREQUENCY: "MedicationRequest.dosageInstruction.timing",
        R.START: "MedicationRequest.dosageInstruction.timing.repeat.bounds[x]",
        R.DURATION: "MedicationRequest.dosageInstruction.timing.repeat.bounds[x]",
    },
    "MedicationStatement": {
        R.HEAD: "MedicationStatement.medication[x]",
        R.DOSE: "MedicationStatement.dosage.doseAndRate.dose[x]",
        R.ROUTE: "MedicationStatement.dosage.route",
        R.FREQUENCY: "MedicationStatement.dosage.timing",
        R.START: "MedicationStatement.effective[x]",
        R.DURATION: "MedicationStatement.effective[x]",
    },
    "FamilyMemberHistory": {
        R.HEAD: "FamilyMemberHistory.condition.code",
        R.RELATIONSHIP: "FamilyMemberHistory.relationship",
    },
    "Procedure": {R.HEAD: "Procedure.code"},
    "ClinicalImpression": {R.OUTCOME: "ClinicalImpression.summary"},
    "AdverseEvent": {
        R.HEAD: "AdverseEvent.event",
        R.SUSPECT: "AdverseEvent.suspectEntity.instance",
        R.CAUSALITY: "AdverseEvent.suspectEntity.causality",
        R.SERIOUSNESS: "AdverseEvent.seriousness",
    },
}
# A role a resource has no element for still cites its words, on the resource's nearest element.
_FALLBACK = {"MedicationRequest": "MedicationRequest.dosageInstruction"}

# Path -> role, for reading bundles back; START and DURATION share a path and read as DURATION.
_ROLES: dict[str, MentionRole] = {}
for _paths in ELEMENT_PATHS.values():
    for _role, _path in _paths.items():
        _ROLES.setdefault(_path.lower(), R.DURATION if _role is R.START else _role)


def element_path(resource_type: str, role: MentionRole) -> str:
    paths = ELEMENT_PATHS.get(resource_type, {})
    if role in paths:
        return paths[role]
    if resource_type in _FALLBACK:
        return _FALLBACK[resource_type]
    raise KeyError(f"no element of {resource_type} for a {role.value} mention")


def role_of_path(path: str) -> MentionRole | None:
    """The role of the words a derivation path names; None for an element the table does not know."""
    return _ROLES.get(path.lower())
