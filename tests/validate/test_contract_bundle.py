"""A bundle shaped like the ones `fhirconv convert` writes (the contract in the task brief) passes the chain.

This guards the output gate against false positives before the converter itself exists in full.
"""

from __future__ import annotations

import base64
from typing import Any

from fhirconv.validate import validate_json

DOC = "urn:uuid:6f1c1b0e-0000-5000-8000-000000000001"
PAT = "urn:uuid:6f1c1b0e-0000-5000-8000-000000000002"
IDS = [f"urn:uuid:6f1c1b0e-0000-5000-8000-0000000000{n:02d}" for n in range(3, 12)]
TEXT = "A 4-year-old girl had no fever. She received IVIg 2 g/kg intravenously and recovered."


def derivation(path: str, offset: int, length: int) -> dict[str, Any]:
    return {
        "url": "http://hl7.org/fhir/StructureDefinition/derivation-reference",
        "extension": [
            {"url": "reference", "valueReference": {"reference": DOC}},
            {"url": "path", "valueString": path},
            {"url": "offset", "valueInteger": offset},
            {"url": "length", "valueInteger": length},
        ],
    }


def entry(url: str, resource: dict[str, Any]) -> dict[str, Any]:
    rtype = resource["resourceType"]
    if rtype == "Provenance":
        resource["meta"] = {"tag": [{"system": "urn:fhirconv:id", "code": url[9:]}]}
        if_none = f"_tag=urn:fhirconv:id|{url[9:]}"
    else:
        resource["identifier"] = [{"system": "urn:ietf:rfc:3986", "value": url}]
        if_none = f"identifier=urn:ietf:rfc:3986|{url}"
    return {
        "fullUrl": url,
        "resource": resource,
        "request": {"method": "POST", "url": rtype, "ifNoneExist": if_none},
    }


def contract_bundle() -> dict[str, Any]:
    subject = {"reference": PAT}
    resources = [
        (
            DOC,
            {
                "resourceType": "DocumentReference",
                "status": "current",
                "subject": subject,
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain; charset=utf-8",
                            "data": base64.b64encode(TEXT.encode()).decode(),
                        }
                    }
                ],
            },
        ),
        (
            PAT,
            {
                "resourceType": "Patient",
                "gender": "female",
                "extension": [derivation("Patient.gender", 10, 4)],
            },
        ),
        (
            IDS[0],
            {
                "resourceType": "Encounter",
                "status": "finished",
                "subject": subject,
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "IMP",
                    "display": "inpatient encounter",
                },
            },
        ),
        (
            IDS[1],
            {
                "resourceType": "Condition",
                "subject": subject,
                "code": {"text": "fever"},
                "verificationStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "refuted",
                        }
                    ]
                },
                "extension": [derivation("Condition.code", 29, 5)],
            },
        ),
        (
            IDS[2],
            {
                "resourceType": "Observation",
                "status": "final",
                "subject": subject,
                "code": {
                    "coding": [{"system": "http://loinc.org", "code": "30525-0", "display": "Age"}],
                    "text": "age",
                },
                "valueQuantity": {
                    "value": 4,
                    "unit": "a",
                    "system": "http://unitsofmeasure.org",
                    "code": "a",
                },
                "extension": [derivation("Observation.value[x]", 2, 10)],
            },
        ),
        (IDS[3], {"resourceType": "Medication", "code": {"text": "IVIg"}}),
        (
            IDS[4],
            {
                "resourceType": "MedicationAdministration",
                "status": "completed",
                "medicationReference": {"reference": IDS[3]},
                "subject": subject,
                "effectiveDateTime": "2000-01-01",
                "dosage": {
                    "dose": {
                        "value": 2,
                        "unit": "g/kg",
                        "system": "http://unitsofmeasure.org",
                        "code": "g/kg",
                    },
                    "route": {"text": "intravenously"},
                },
                "extension": [derivation("MedicationAdministration.medication[x]", 45, 4)],
            },
        ),
        (
            IDS[5],
            {
                "resourceType": "ClinicalImpression",
                "status": "completed",
                "subject": subject,
                "summary": "recovered",
                "extension": [derivation("ClinicalImpression.summary", 77, 9)],
            },
        ),
        (
            IDS[6],
            {"resourceType": "Device", "deviceName": [{"name": "fhirconv", "type": "manufacturer-name"}]},
        ),
        (
            IDS[7],
            {
                "resourceType": "Provenance",
                "recorded": "2000-01-01T00:00:00Z",
                "target": [{"reference": PAT}, {"reference": IDS[1]}],
                "agent": [{"who": {"reference": IDS[6]}}],
                "entity": [{"role": "source", "what": {"reference": DOC}}],
            },
        ),
    ]
    return {"resourceType": "Bundle", "type": "transaction", "entry": [entry(u, r) for u, r in resources]}


def test_contract_bundle_has_no_errors() -> None:
    report = validate_json(contract_bundle())
    assert report.resource_count == 11  # the Bundle and its 10 entries
    assert report.ok, [(i.location, i.rule, i.message) for i in report.errors]


def test_contract_bundle_as_collection_has_no_errors() -> None:
    bundle = contract_bundle()
    bundle["type"] = "collection"
    for e in bundle["entry"]:
        del e["request"]
    assert validate_json(bundle).ok
