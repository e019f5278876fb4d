"""Small transaction bundles written by hand to the convert contract (README "Contracts between parts").

They stand in for convert's output where a test needs many distinct bundles or must not depend on the
pipeline: Patient, Encounter, Condition (one refuted), Observation (age, a lab value with UCUM unit),
Medication + MedicationAdministration (dose, route), Procedure, ClinicalImpression, DocumentReference,
Device and Provenance, every derived resource with a derivation-reference extension. ``n`` makes each
bundle distinct (its uuids and its values) and deterministic.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

IDENT = "urn:ietf:rfc:3986"
DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
NS = uuid.UUID("0f6f5b4e-2a8e-5c39-9d2e-1c1b7d1c9a10")

TEXT = (
    "A 54-year-old woman presented with fever and cough. There was no rash. "
    "Hemoglobin was 9.5 g/dL. She received amoxicillin 500 mg orally. "
    "A chest radiograph was obtained. She recovered fully."
)


def _uid(n: int, name: str) -> str:
    return str(uuid.uuid5(NS, f"{n}:{name}"))


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, len(phrase)


def derivation(doc_ref: str, path: str, phrase: str) -> dict[str, Any]:
    offset, length = _span(TEXT, phrase)
    return {
        "url": DERIVATION,
        "extension": [
            {"url": "reference", "valueReference": {"reference": doc_ref}},
            {"url": "path", "valueString": path},
            {"url": "offset", "valueInteger": offset},
            {"url": "length", "valueInteger": length},
        ],
    }


def contract_bundle(n: int = 0, *, bundle_type: str = "transaction") -> dict[str, Any]:
    """One deterministic bundle; ``n`` varies the uuids and the lab value."""
    ids = {
        name: _uid(n, name)
        for name in (
            "patient",
            "encounter",
            "docref",
            "device",
            "age",
            "fever",
            "rash",
            "hb",
            "med",
            "medadmin",
            "xray",
            "outcome",
            "provenance",
        )
    }
    ref = {k: f"urn:uuid:{v}" for k, v in ids.items()}
    doc = ref["docref"]
    hb_value = round(9.5 + (n % 40) / 10, 1)

    def ident(name: str) -> list[dict[str, str]]:
        return [{"system": IDENT, "value": ref[name]}]

    resources: dict[str, dict[str, Any]] = {
        "docref": {
            "resourceType": "DocumentReference",
            "identifier": ident("docref"),
            "status": "current",
            "subject": {"reference": ref["patient"]},
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(TEXT.encode("utf-8")).decode("ascii"),
                    }
                }
            ],
        },
        "device": {
            "resourceType": "Device",
            "identifier": ident("device"),
            "deviceName": [{"name": "fhirconv", "type": "manufacturer-name"}],
        },
        "patient": {
            "resourceType": "Patient",
            "identifier": ident("patient"),
            "extension": [derivation(doc, "Patient.gender", "woman")],
            "gender": "female",
        },
        "encounter": {
            "resourceType": "Encounter",
            "identifier": ident("encounter"),
            "extension": [derivation(doc, "Encounter.class", "presented")],
            "status": "finished",
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "AMB",
                "display": "ambulatory",
            },
            "subject": {"reference": ref["patient"]},
        },
        "age": {
            "resourceType": "Observation",
            "identifier": ident("age"),
            "extension": [derivation(doc, "Observation.value[x]", "54-year-old")],
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0", "display": "Age"}]},
            "subject": {"reference": ref["patient"]},
            "valueQuantity": {"value": 54, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"},
        },
        "fever": {
            "resourceType": "Condition",
            "identifier": ident("fever"),
            "extension": [derivation(doc, "Condition.code", "fever")],
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "confirmed",
                    }
                ]
            },
            "code": {
                "coding": [{"system": "http://snomed.info/sct", "code": "386661006", "display": "Fever"}],
                "text": "fever",
            },
            "subject": {"reference": ref["patient"]},
            "encounter": {"reference": ref["encounter"]},
        },
        "rash": {
            "resourceType": "Condition",
            "identifier": ident("rash"),
            "extension": [derivation(doc, "Condition.code", "rash")],
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "refuted",
                    }
                ]
            },
            "code": {
                "coding": [{"system": "http://snomed.info/sct", "code": "271807003", "display": "Rash"}],
                "text": "rash",
            },
            "subject": {"reference": ref["patient"]},
        },
        "hb": {
            "resourceType": "Observation",
            "identifier": ident("hb"),
            "extension": [
                derivation(doc, "Observation.code", "Hemoglobin"),
                derivation(doc, "Observation.value[x]", "9.5 g/dL"),
            ],
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin"}],
                "text": "Hemoglobin",
            },
            "subject": {"reference": ref["patient"]},
            "valueQuantity": {
                "value": hb_value,
                "unit": "g/dL",
                "system": "http://unitsofmeasure.org",
                "code": "g/dL",
            },
        },
        "med": {
            "resourceType": "Medication",
            "identifier": ident("med"),
            "code": {
                "coding": [
                    {
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "723",
                        "display": "amoxicillin",
                    }
                ],
                "text": "amoxicillin",
            },
        },
        "medadmin": {
            "resourceType": "MedicationAdministration",
            "identifier": ident("medadmin"),
            "extension": [
                derivation(doc, "MedicationAdministration.medication[x]", "amoxicillin"),
                derivation(doc, "MedicationAdministration.dosage.dose", "500 mg"),
                derivation(doc, "MedicationAdministration.dosage.route", "orally"),
            ],
            "status": "completed",
            "medicationReference": {"reference": ref["med"]},
            "subject": {"reference": ref["patient"]},
            "effectiveDateTime": "2000-01-01",
            "dosage": {
                "route": {
                    "coding": [
                        {"system": "http://snomed.info/sct", "code": "26643006", "display": "Oral route"}
                    ]
                },
                "dose": {"value": 500, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"},
            },
        },
        "xray": {
            "resourceType": "Procedure",
            "identifier": ident("xray"),
            "extension": [derivation(doc, "Procedure.code", "chest radiograph")],
            "status": "completed",
            "code": {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "399208008", "display": "Chest X-ray"}
                ],
                "text": "chest radiograph",
            },
            "subject": {"reference": ref["patient"]},
        },
        "outcome": {
            "resourceType": "ClinicalImpression",
            "identifier": ident("outcome"),
            "extension": [derivation(doc, "ClinicalImpression.summary", "recovered fully")],
            "status": "completed",
            "subject": {"reference": ref["patient"]},
            "summary": "She recovered fully.",
        },
    }
    derived = [k for k in resources if k not in ("docref", "device")]
    resources["provenance"] = {
        "resourceType": "Provenance",
        "meta": {"tag": [{"system": "urn:fhirconv:id", "code": ids["provenance"]}]},
        "target": [{"reference": ref[k]} for k in derived],
        "recorded": "2000-01-01T00:00:00Z",
        "agent": [{"who": {"reference": ref["device"]}}],
        "entity": [{"role": "source", "what": {"reference": doc}}],
    }
    entries = []
    for name, resource in resources.items():
        entry: dict[str, Any] = {"fullUrl": ref[name], "resource": resource}
        if bundle_type == "transaction":
            rtype = resource["resourceType"]
            cond = (
                f"_tag=urn:fhirconv:id|{ids[name]}"
                if rtype == "Provenance"
                else f"identifier={IDENT}|{ref[name]}"
            )
            entry["request"] = {"method": "POST", "url": rtype, "ifNoneExist": cond}
        entries.append(entry)
    return {"resourceType": "Bundle", "type": bundle_type, "entry": entries}
