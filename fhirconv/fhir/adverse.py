"""AdverseEvent: a reaction the text attributes to a drug the patient was given (docs/resources.md).

``event`` carries the reaction's own codes (those of its Condition, which ``resultingCondition`` points
at); ``suspectEntity.instance`` is the drug's MedicationAdministration or MedicationStatement, with the
attributing words in ``causality.productRelatedness`` and an assessment only when the text hedges
("probably", "possibly"); ``seriousness`` only when the sentence states it. Codes are the FHIR R4 4.0.1
ones (adverse-event-seriousness, adverse-event-causality-assess): HL7 Terminology later renamed some,
but R4 validators and servers know these.
"""

from __future__ import annotations

from typing import Any

from ..model import AdverseEventFact, Coding, Mention, MentionRole
from .datatypes import clean_text, codeable_concept
from .timing import time_elements

__all__ = ["adverse_event"]

_SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
_CAUSALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess"
SERIOUSNESS: dict[str, Coding] = {
    "death": Coding(_SERIOUSNESS_SYSTEM, "SeriousResultsInDeath", "Results in death"),
    "life-threatening": Coding(_SERIOUSNESS_SYSTEM, "SeriousIsLifeThreatening", "Is Life-threatening"),
    "hospitalisation": Coding(
        _SERIOUSNESS_SYSTEM,
        "SeriousResultsInHospitalization",
        "Requires or prolongs inpatient hospitalization",
    ),
}
ASSESSMENT: dict[str, Coding] = {
    "probable": Coding(_CAUSALITY_SYSTEM, "Probably-Likely", "Probably/Likely"),
    "possible": Coding(_CAUSALITY_SYSTEM, "Possible", "Possible"),
}


def _words(mentions: tuple[Mention, ...], role: MentionRole) -> str | None:
    return next((m.text for m in mentions if m.role is role), None)


def adverse_event(
    a: AdverseEventFact,
    event: dict[str, Any],
    norm: Any,
    patient: dict[str, Any],
    encounter: dict[str, Any],
    suspect: dict[str, Any],
    condition: dict[str, Any] | None,
) -> dict[str, Any]:
    """The resource for ``a``; ``event`` is the reaction's CodeableConcept, the others references."""
    res: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "actuality": "actual",
        "event": event,
        "subject": patient,
        "encounter": encounter,
    }
    when = time_elements(norm, a.time, "date", age=False)
    if "dateDateTime" in when:
        res["date"] = when["dateDateTime"]
    elif "datePeriod" in when:  # a stretch ("within two weeks"): the event happened by its start
        res["date"] = when["datePeriod"]["start"]
    if condition is not None:
        res["resultingCondition"] = [condition]
    if a.seriousness in SERIOUSNESS:
        res["seriousness"] = codeable_concept(
            _words(a.mentions, MentionRole.SERIOUSNESS), [SERIOUSNESS[a.seriousness]]
        )
    causality: dict[str, Any] = {}
    if a.hedge in ASSESSMENT:
        causality["assessment"] = codeable_concept(None, [ASSESSMENT[a.hedge]])
    cue = _words(a.mentions, MentionRole.CAUSALITY)  # "attributed to allopurinol", as written
    if cue:
        causality["productRelatedness"] = clean_text(cue, 500)
    entity: dict[str, Any] = {"instance": suspect}
    if causality:
        entity["causality"] = [causality]
    res["suspectEntity"] = [entity]
    return res
