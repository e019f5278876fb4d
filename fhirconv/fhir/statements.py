"""MedicationStatement: a drug the patient was taking or was prescribed outside the episode.

What was given in the episode is a MedicationAdministration; a home or past medication ("she was taking
warfarin") is a MedicationStatement, as IPS and most FHIR consumers expect (docs/resources.md). The
dose of one administration goes in ``dosage.doseAndRate.doseQuantity`` and a daily total in
``doseAndRate.rateRatio`` per day only as the numbers component decided; timing only when a frequency
is stated. The status is ``unknown``: a case report rarely says whether the drug is still taken,
``stopped`` when it says it was stopped.
"""

from __future__ import annotations

from typing import Any

from ..model import MedicationFact
from ..normalize import Normalizer
from .datatypes import clean_text, codeable_concept
from .timing import time_elements

__all__ = ["medication_statement"]


def medication_statement(
    m: MedicationFact,
    norm: Normalizer,
    subject: dict[str, Any],
    dose: dict[str, Any] | None,
    rate: dict[str, Any] | None,
    route: dict[str, Any] | None,
    reasons: list[dict[str, Any]],
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "stopped" if m.status == "stopped" else "unknown",
        "medicationCodeableConcept": codeable_concept(m.text, m.codings),
        "subject": subject,
    }
    res.update(time_elements(norm, m.timing, "effective", age=False))
    if reasons:
        res["reasonReference"] = reasons
    dosage: dict[str, Any] = {}
    if m.dosage_text:
        dosage["text"] = clean_text(m.dosage_text)
    if m.frequency:
        row = norm.frequency(m.frequency)
        repeat = {
            k: row[k]
            for k in ("frequency", "frequencyMax", "period", "periodUnit", "when", "dayOfWeek", "timeOfDay")
            if row.get(k) is not None
        }
        timing: dict[str, Any] = {}
        if repeat:
            timing["repeat"] = repeat
        if row.get("code") and row.get("system"):
            from ..model import Coding

            timing["code"] = codeable_concept(
                m.frequency, [Coding(row["system"], row["code"], row.get("display") or "")]
            )
        if timing:
            dosage["timing"] = timing
        if row.get("asNeeded"):
            dosage["asNeededBoolean"] = True
    if route:
        dosage["route"] = route
    dose_and_rate: dict[str, Any] = {}
    if dose:
        dose_and_rate["doseQuantity"] = dict(dose)
    if rate:
        dose_and_rate["rateRatio"] = rate
    if dose_and_rate:
        dosage["doseAndRate"] = [dose_and_rate]
    if dosage:
        res["dosage"] = [dosage]
    return res
