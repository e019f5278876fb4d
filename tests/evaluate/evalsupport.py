"""Build bundles the way the convert contract says they look, so evaluation is tested without the pipeline.

Spans are found with ``str.index`` on the document text (``nth`` picks a later occurrence), so every test
states its expected words, never raw offsets.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fhirconv.fhir.bundle import HISTORY_NOTE

DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def find(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, len(phrase)


class BundleBuilder:
    def __init__(self, text: str, name: str = "doc") -> None:
        self.text = text
        self.entries: list[dict[str, Any]] = []
        self.doc_uuid = str(uuid.uuid5(NS, f"{name}/DocumentReference"))
        self._n = 0
        self._add(
            "DocumentReference",
            {
                "status": "current",
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain; charset=utf-8",
                            "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
                        }
                    }
                ],
            },
            self.doc_uuid,
        )

    def _add(self, rtype: str, body: dict[str, Any], uid: str | None = None) -> dict[str, Any]:
        self._n += 1
        uid = uid or str(uuid.uuid5(NS, f"{rtype}/{self._n}"))
        res = {
            "resourceType": rtype,
            "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uid}"}],
        }
        res.update(body)
        self.entries.append(
            {
                "fullUrl": f"urn:uuid:{uid}",
                "resource": res,
                "request": {
                    "method": "POST",
                    "url": rtype,
                    "ifNoneExist": f"identifier=urn:ietf:rfc:3986|urn:uuid:{uid}",
                },
            }
        )
        return res

    def ext(self, path: str, phrase: str, nth: int = 0) -> dict[str, Any]:
        offset, length = find(self.text, phrase, nth)
        return {
            "url": DERIVATION,
            "extension": [
                {"url": "reference", "valueReference": {"reference": f"urn:uuid:{self.doc_uuid}"}},
                {"url": "path", "valueString": path},
                {"url": "offset", "valueInteger": offset},
                {"url": "length", "valueInteger": length},
            ],
        }

    def patient(self, gender: str | None = None, phrase: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if gender:
            body["gender"] = gender
        if phrase:
            body["extension"] = [self.ext("Patient.gender", phrase)]
        return self._add("Patient", body)

    def condition(
        self,
        phrase: str,
        *,
        negated: bool = False,
        nth: int = 0,
        more: tuple[str, ...] = (),
        historical: bool = False,
    ) -> None:
        exts = [self.ext("Condition.code", phrase, nth)] + [self.ext("Condition.code", p) for p in more]
        status = "refuted" if negated else "confirmed"
        notes = {"note": [{"text": HISTORY_NOTE}]} if historical else {}
        self._add(
            "Condition",
            {
                **notes,
                "extension": exts,
                "verificationStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": status,
                        }
                    ]
                },
                "code": {"text": phrase},
            },
        )

    def observation(self, test: str, value: str | None = None, interpretation: str | None = None) -> None:
        exts = [self.ext("Observation.code", test)]
        if value:
            exts.append(self.ext("Observation.value[x]", value))
        if interpretation:
            exts.append(self.ext("Observation.interpretation", interpretation))
        self._add("Observation", {"status": "final", "code": {"text": test}, "extension": exts})

    def age(self, phrase: str, value: float, unit: str) -> None:
        self._add(
            "Observation",
            {
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0"}]},
                "valueQuantity": {
                    "value": value,
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                    "code": unit,
                },
                "extension": [self.ext("Observation.value[x]", phrase)],
            },
        )

    def medication(
        self, drug: str, *, dose: str | None = None, route: str | None = None, frequency: str | None = None
    ) -> None:
        exts = [self.ext("MedicationAdministration.medication[x]", drug)]
        if dose:
            exts.append(self.ext("MedicationAdministration.dosage.dose", dose))
        if route:
            exts.append(self.ext("MedicationAdministration.dosage.route", route))
        if frequency:
            exts.append(self.ext("MedicationAdministration.dosage.rate[x]", frequency))
        self._add("MedicationAdministration", {"status": "completed", "extension": exts})

    def procedure(self, phrase: str, *, not_done: bool = False, diagnostic: bool = False) -> None:
        body: dict[str, Any] = {
            "status": "not-done" if not_done else "completed",
            "code": {"text": phrase},
            "extension": [self.ext("Procedure.code", phrase)],
        }
        if diagnostic:
            body["category"] = {"coding": [{"system": "http://snomed.info/sct", "code": "103693007"}]}
        self._add("Procedure", body)

    def outcome(self, phrase: str) -> None:
        self._add(
            "ClinicalImpression",
            {"status": "completed", "extension": [self.ext("ClinicalImpression.summary", phrase)]},
        )

    def build(self, bundle_type: str = "transaction") -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": bundle_type, "entry": self.entries}
