"""Single rules of the chain, one defect each: conformance, bundle references, lint, extensions."""

from __future__ import annotations

from typing import Any

from fhirconv.validate import validate_json


def _errors(data: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(i.location, i.rule) for i in validate_json(data).errors}


def _warnings(data: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(i.location, i.rule) for i in validate_json(data).warnings}


SP = {
    "resourceType": "SearchParameter",
    "url": "http://example.org/SearchParameter/org-name",
    "name": "OrgName",
    "status": "draft",
    "description": "name",
    "code": "name",
    "base": ["Organization"],
    "type": "string",
    "expression": "Organization.name",
    "derivedFrom": "http://hl7.org/fhir/SearchParameter/Organization-name",
}


def test_search_parameter_rules() -> None:
    assert not _errors(SP)
    assert ("SearchParameter.type", "searchparameter.derived") in _errors({**SP, "type": "token"})
    assert ("SearchParameter.base[0]", "searchparameter.derived") in _errors({**SP, "base": ["Patient"]})
    composite = {**SP, "type": "composite", "derivedFrom": None}
    del composite["derivedFrom"]
    assert ("SearchParameter", "searchparameter.composite") in _errors(composite)


def test_capability_statement_search_param_type() -> None:
    cs = {
        "resourceType": "CapabilityStatement",
        "status": "draft",
        "date": "2020-01-01",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "implementation": {"description": "x"},
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {
                        "type": "AllergyIntolerance",
                        "searchParam": [
                            {
                                "name": "clinical-status",
                                "type": "token",
                                "definition": "http://hl7.org/fhir/SearchParameter/AllergyIntolerance-clinical-status",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert not {e for e in _errors(cs) if e[1] == "capabilitystatement.searchparam-type"}
    cs["rest"][0]["resource"][0]["searchParam"][0]["type"] = "date"
    assert (
        "CapabilityStatement.rest[0].resource[0].searchParam[0].type",
        "capabilitystatement.searchparam-type",
    ) in _errors(cs)


def _doc_bundle(refs: list[str]) -> dict[str, Any]:
    def obs(version: str) -> dict[str, Any]:
        return {
            "fullUrl": "http://example.org/Observation/o1",
            "resource": {
                "resourceType": "Observation",
                "id": "o1",
                "meta": {"versionId": version},
                "status": "final",
                "code": {"text": "x"},
            },
        }

    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "http://example.org/List/l1",
                "resource": {
                    "resourceType": "List",
                    "id": "l1",
                    "status": "current",
                    "mode": "working",
                    "entry": [{"item": {"reference": r}} for r in refs],
                },
            },
            obs("1"),
            obs("2"),
        ],
    }


def test_versioned_references_in_bundle() -> None:
    assert not {
        e for e in _errors(_doc_bundle(["Observation/o1/_history/2"])) if e[1].startswith("reference")
    }
    assert ("Bundle.entry[0].resource.entry[0].item.reference", "reference.ambiguous") in _errors(
        _doc_bundle(["Observation/o1"])
    )
    assert ("Bundle.entry[0].resource.entry[0].item.reference", "reference.resolve") in _errors(
        _doc_bundle(["Observation/o1/_history/3"])
    )


def test_full_url_must_be_absolute() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "Patient/1", "resource": {"resourceType": "Patient", "id": "1"}}],
    }
    assert ("Bundle.entry[0].fullUrl", "bundle.fullurl-absolute") in _errors(bundle)


def test_contained_reference_must_resolve() -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
        "subject": {"reference": "#p1"},
    }
    assert ("Observation.subject.reference", "reference.resolve") in _errors(obs)
    obs["contained"] = [{"resourceType": "Patient", "id": "p1"}]
    assert not {e for e in _errors(obs) if e[1] and e[1].startswith("reference")}


def test_lint_rules() -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "SNOMED-CT", "code": "386661006"}]},
        "valueQuantity": {"value": 38.5, "system": "http://unitsofmeasure.org", "code": "degrees"},
    }
    report = validate_json(obs)
    rules = {(i.location, i.rule, i.severity.value) for i in report.issues}
    assert ("Observation.code.coding[0].system", "lint.non-uri-system", "warning") in rules
    assert ("Observation.code", "lint.missing-code-text", "information") in rules
    assert ("Observation.valueQuantity.code", "lint.invalid-ucum", "warning") in rules
    obs["valueQuantity"] = {"value": 38.5, "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"}
    assert not {
        r
        for r in {(i.location, i.rule) for i in validate_json(obs).issues}
        if r[0].startswith("Observation.valueQuantity")
    }
    for quantity in ({"value": 38.5}, {"value": 38.5, "unit": "C"}):
        q = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": "t"},
            "valueQuantity": quantity,
        }
        assert ("Observation.valueQuantity", "lint.quantity-without-unit") in _warnings(q)
    empty = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "", "code": "x"}]},
    }
    assert ("Observation.code.coding[0].system", "lint.empty-system") in _errors(empty)


def test_extension_value_type_from_its_definition() -> None:
    pat = {
        "resourceType": "Patient",
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "valueString": "Paris"}
        ],
    }
    assert ("Patient.extension[0].valueString", "extension.type") in _errors(pat)
    pat["extension"][0] = {
        "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
        "valueAddress": {"city": "Paris"},
    }
    assert not {e for e in _errors(pat) if e[1] and e[1].startswith("extension")}
    pat["extension"][0] = {"url": "http://example.org/ext/undefined", "valueString": "x"}
    assert ("Patient.extension[0].url", "extension.unknown") in _warnings(pat)


def test_primitive_formats_and_calendar() -> None:
    pat = {"resourceType": "Patient", "birthDate": "2021-02-30"}
    assert ("Patient.birthDate", "format") in _errors(pat)
    pat["birthDate"] = "2021-02-28"
    assert not _errors(pat)
    assert ("Patient.active", "type") in _errors({"resourceType": "Patient", "active": "true"})
    assert ("Patient.name", "structure") in _errors({"resourceType": "Patient", "name": {"family": "X"}})
    assert ("Patient.id", "format") in _errors({"resourceType": "Patient", "id": "has space"})
