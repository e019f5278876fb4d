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
    assert ("Observation.valueQuantity.code", "lint.invalid-ucum", "error") in rules
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
    # an undefined extension outside the example domains is refused, as by the HL7 validator
    pat["extension"][0] = {"url": "https://registry.invalid/fhir/ext/undefined", "valueString": "x"}
    assert ("Patient.extension[0].url", "extension.unknown") in _errors(pat)
    # one in HL7's space may come from a package not loaded (the extensions pack): a warning
    pat["extension"][0] = {
        "url": "http://hl7.org/fhir/StructureDefinition/undefined-here",
        "valueString": "x",
    }
    assert ("Patient.extension[0].url", "extension.unknown") in _warnings(pat)


def test_primitive_formats_and_calendar() -> None:
    pat = {"resourceType": "Patient", "birthDate": "2021-02-30"}
    assert ("Patient.birthDate", "format") in _errors(pat)
    pat["birthDate"] = "2021-02-28"
    assert not _errors(pat)
    assert ("Patient.active", "type") in _errors({"resourceType": "Patient", "active": "true"})
    assert ("Patient.name", "structure") in _errors({"resourceType": "Patient", "name": {"family": "X"}})
    assert ("Patient.id", "format") in _errors({"resourceType": "Patient", "id": "has space"})


def test_quantity_code_in_a_case_sensitive_local_system() -> None:
    """A code of a complete local, case-sensitive system must match in its exact case (HL7 validator)."""
    form = "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm"
    med = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": "an ointment"},
        "subject": {"reference": "Patient/p1"},
        "dispenseRequest": {"quantity": {"value": 30, "system": form, "code": "Cap"}},
    }
    report = validate_json(med)
    found = [i for i in report.errors if i.rule == "terminology.unknown-code"]
    assert [i.location for i in found] == ["MedicationRequest.dispenseRequest.quantity.code"]
    assert "'CAP'" in found[0].message  # the code meant, named
    med["dispenseRequest"]["quantity"]["code"] = "CAP"
    assert not {e for e in _errors(med) if e[1] == "terminology.unknown-code"}
    med["dispenseRequest"]["quantity"]["code"] = "NOT-A-FORM"
    assert ("MedicationRequest.dispenseRequest.quantity.code", "terminology.unknown-code") in _errors(med)


def test_restful_full_url_must_end_with_the_resource_id() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "http://example.org/fhir/Patient/a",
                "resource": {"resourceType": "Patient", "id": "b"},
            }
        ],
    }
    assert ("Bundle.entry[0].fullUrl", "bundle.fullurl-match") in _errors(bundle)
    bundle["entry"][0]["resource"]["id"] = "a"
    assert not _errors(bundle)


def test_canonical_must_be_absolute_or_a_fragment() -> None:
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": "Questionnaire/q1"}
    assert ("QuestionnaireResponse.questionnaire", "reference.canonical-relative") in _errors(qr)
    for ok in ("http://example.org/Questionnaire/q1", "http://example.org/Questionnaire/q1|2.0", "#q1"):
        qr["questionnaire"] = ok
        assert not {e for e in _errors(qr) if e[1] == "reference.canonical-relative"}, ok
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/p1"},
        "instantiatesCanonical": ["http://example.org/PlanDefinition/a", "PlanDefinition/b"],
    }
    assert _errors(plan) == {("CarePlan.instantiatesCanonical[1]", "reference.canonical-relative")}


def test_concept_map_codes_exist_in_their_systems() -> None:
    cm = {
        "resourceType": "ConceptMap",
        "status": "draft",
        "group": [
            {
                "source": "http://hl7.org/fhir/administrative-gender",
                "target": "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender",
                "element": [
                    {"code": "female", "target": [{"code": "F", "equivalence": "equal"}]},
                    {"code": "femme", "target": [{"code": "W", "equivalence": "equal"}]},
                ],
            }
        ],
    }
    assert _errors(cm) == {
        ("ConceptMap.group[0].element[1].code", "terminology.unknown-code"),
        ("ConceptMap.group[0].element[1].target[0].code", "terminology.unknown-code"),
    }


def test_attachment_hash_is_the_sha1_of_the_data() -> None:
    import base64
    import hashlib

    data = b"a short report"
    good = base64.b64encode(hashlib.sha1(data).digest()).decode()
    doc = {
        "resourceType": "DocumentReference",
        "status": "current",
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain",
                    "data": base64.b64encode(data).decode(),
                    "hash": good,
                    "size": len(data),
                }
            }
        ],
    }
    assert not _errors(doc)
    doc["content"][0]["attachment"]["hash"] = hashlib.sha1(data).hexdigest()  # hex, not base64
    assert _errors(doc) == {("DocumentReference.content[0].attachment.hash", "attachment")}


def test_uri_identifier_value_needs_a_scheme() -> None:
    org = {
        "resourceType": "Organization",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": "1.2.3.4"}],
    }
    assert _errors(org) == {("Organization.identifier[0].value", "identifier.uri-value")}
    org["identifier"][0]["value"] = "urn:oid:1.2.3.4"
    assert not _errors(org)


MOTHERS_FAMILY = "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family"
NATIONALITY = "http://hl7.org/fhir/StructureDefinition/patient-nationality"


def test_extension_context() -> None:
    """R4 defines mothers-family for HumanName.family: on the family name, not on the HumanName."""
    ext = {"url": MOTHERS_FAMILY, "valueString": "Garcia"}
    on_family = {"resourceType": "Patient", "name": [{"family": "Lopez", "_family": {"extension": [ext]}}]}
    assert not _errors(on_family)
    on_name = {"resourceType": "Patient", "name": [{"family": "Lopez", "extension": [ext]}]}
    report = validate_json(on_name)
    (issue,) = report.errors
    assert (issue.location, issue.rule) == ("Patient.name[0].extension[0].url", "extension.context")
    assert "HumanName.family" in issue.message


def test_extension_urls_and_sub_extensions() -> None:
    relative = {"resourceType": "Patient", "extension": [{"url": "eye-colour", "valueString": "green"}]}
    assert _errors(relative) == {("Patient.extension[0].url", "extension.url")}
    code = {"coding": [{"system": "urn:iso:std:iso:3166", "code": "FR"}]}
    nationality = {"url": NATIONALITY, "extension": [{"url": "code", "valueCodeableConcept": code}]}
    patient = {"resourceType": "Patient", "extension": [nationality]}
    assert not _errors(patient)
    nationality["extension"] = [{"url": "country", "valueCodeableConcept": code}]
    assert _errors(patient) == {("Patient.extension[0].extension[0].url", "extension.sub-unknown")}
    nationality["extension"] = [{"url": "code", "valueString": "FR"}]
    assert _errors(patient) == {("Patient.extension[0].extension[0].valueString", "extension.type")}


def test_questionnaire_response_against_its_questionnaire() -> None:
    """linkIds must exist at their level; a disabled item carries no answers (enableWhen)."""
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": "q",
        "status": "active",
        "item": [
            {"linkId": "smoker", "text": "Do you smoke?", "type": "boolean"},
            {
                "linkId": "packs",
                "text": "Packs per day",
                "type": "integer",
                "enableWhen": [{"question": "smoker", "operator": "=", "answerBoolean": True}],
            },
        ],
    }
    qr = {
        "resourceType": "QuestionnaireResponse",
        "contained": [questionnaire],
        "questionnaire": "#q",
        "status": "completed",
        "item": [
            {"linkId": "smoker", "answer": [{"valueBoolean": True}]},
            {"linkId": "packs", "answer": [{"valueInteger": 2}]},
        ],
    }
    assert not _errors(qr)
    qr["item"][0]["answer"] = [{"valueBoolean": False}]
    assert _errors(qr) == {("QuestionnaireResponse.item[1].answer", "questionnaire.enable-when")}
    qr["item"][0] = {"linkId": "smokes", "answer": [{"valueBoolean": True}]}
    assert ("QuestionnaireResponse.item[0].linkId", "questionnaire.linkid") in _errors(qr)


def test_document_references_resolve_inside_the_document() -> None:
    composition = {
        "resourceType": "Composition",
        "status": "final",
        "type": {"text": "summary"},
        "date": "2024-01-01",
        "title": "Summary",
        "author": [{"reference": "Practitioner/dr"}],
    }
    doctor = {"resourceType": "Practitioner", "id": "dr"}
    bundle = {
        "resourceType": "Bundle",
        "type": "document",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:8c0ff0a3-3b1c-4a8d-9a53-2c5e0d9e4a10",
        },
        "timestamp": "2024-01-01T00:00:00Z",
        "entry": [
            {"fullUrl": "http://example.org/fhir/Composition/c", "resource": {**composition, "id": "c"}},
            {"fullUrl": "urn:uuid:6f1e4a52-8d5b-4c1e-9c0e-3b7a2f9d1e11", "resource": doctor},
        ],
    }
    found = {e for e in _errors(bundle) if e[1] == "reference.resolve"}
    assert found == {("Bundle.entry[0].resource.author[0].reference", "reference.resolve")}
    bundle["entry"][1]["fullUrl"] = "http://example.org/fhir/Practitioner/dr"
    assert not {e for e in _errors(bundle) if e[1] == "reference.resolve"}


def test_questionnaire_item_not_enabled_by_its_own_child() -> None:
    q = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [
            {
                "linkId": "meds",
                "type": "group",
                "enableWhen": [{"question": "takes-meds", "operator": "exists", "answerBoolean": True}],
                "item": [{"linkId": "takes-meds", "type": "boolean"}],
            }
        ],
    }
    assert _errors(q) == {("Questionnaire.item[0].enableWhen[0].question", "questionnaire.enable-when")}
    q["item"][0]["item"][0]["linkId"] = "dose"
    q["item"].insert(0, {"linkId": "takes-meds", "type": "boolean"})
    assert not _errors(q)


def test_restful_full_url_needs_the_resource_id() -> None:
    """A fullUrl like a server URL names a resource id; the resource must carry it (a POST need not)."""
    entry: dict[str, Any] = {
        "fullUrl": "http://example.org/fhir/Patient/a",
        "resource": {"resourceType": "Patient"},
    }
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "entry": [entry]}
    assert ("Bundle.entry[0].fullUrl", "bundle.fullurl-match") in _errors(bundle)
    bundle["type"] = "transaction"
    entry["request"] = {"method": "POST", "url": "Patient"}
    assert ("Bundle.entry[0].fullUrl", "bundle.fullurl-match") not in _errors(bundle)


def test_entries_need_a_full_url_except_in_transactions_and_batches() -> None:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "id": "a"}}],
    }
    assert ("Bundle.entry[0]", "bundle.fullurl-missing") in _errors(bundle)
    bundle["type"] = "batch-response"
    bundle["entry"][0]["response"] = {"status": "200"}
    assert ("Bundle.entry[0]", "bundle.fullurl-missing") not in _errors(bundle)
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "processing"}]}
    search = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": outcome, "search": {"mode": "outcome"}}],
    }
    assert not [e for e in _errors(search) if e[1] == "bundle.fullurl-missing"]


def test_contained_resource_referred_to_by_the_narrative_only() -> None:
    """dom-3: an image contained for the narrative (``<img src="#pic">``) is referenced."""
    div = '<div xmlns="http://www.w3.org/1999/xhtml"><img src="#pic" alt="x"/></div>'
    comp = {
        "resourceType": "Composition",
        "contained": [{"resourceType": "Binary", "id": "pic", "contentType": "image/png"}],
        "status": "final",
        "type": {"text": "x"},
        "date": "2021-02-01",
        "author": [{"display": "y"}],
        "title": "z",
        "section": [{"text": {"status": "additional", "div": div}}],
    }
    assert ("Composition", "dom-3") not in _errors(comp)
    comp["section"][0]["text"]["div"] = div.replace("#pic", "#other")
    assert ("Composition", "dom-3") in _errors(comp)


def test_narrative_links_land_on_an_anchor_or_a_contained_resource() -> None:
    def patient(links: str) -> dict[str, Any]:
        div = f'<div xmlns="http://www.w3.org/1999/xhtml"><a name="top"> </a>{links}</div>'
        return {
            "resourceType": "Patient",
            "text": {"status": "generated", "div": div},
            "contained": [{"resourceType": "Practitioner", "id": "gp"}],
            "generalPractitioner": [{"reference": "#gp"}],
        }

    assert not [
        e for e in _errors(patient('<a href="#top">up</a><a href="#gp">GP</a>')) if e[1] == "txt-link"
    ]
    assert ("Patient.text.div", "txt-link") in _errors(patient('<a href="#gp/elsewhere">GP</a>'))


def _urn_bundle(subject: dict[str, Any]) -> dict[str, Any]:
    patient, obs = (
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        "urn:uuid:00000000-0000-4000-8000-000000000002",
    )
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": patient,
                "resource": {"resourceType": "Patient", "gender": "female"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": obs,
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "heart rate"},
                    "subject": subject,
                },
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }


def test_urn_uuid_references_resolve_to_an_allowed_entry() -> None:
    """The commonest reference of a converted bundle (a urn:uuid naming an entry) is judged like any
    other: clean when it names an allowed entry, an error when the entry is of a type the element does
    not allow, when Reference.type disagrees, or when no entry has that fullUrl."""
    patient = "urn:uuid:00000000-0000-4000-8000-000000000001"
    itself = "urn:uuid:00000000-0000-4000-8000-000000000002"
    subject = "Bundle.entry[1].resource.subject"
    assert not _errors(_urn_bundle({"reference": patient}))
    assert (f"{subject}.reference", "reference.target-type") in _errors(_urn_bundle({"reference": itself}))
    assert (f"{subject}.type", "reference.type") in _errors(
        _urn_bundle({"reference": patient, "type": "Group"})
    )
    missing = "urn:uuid:00000000-0000-4000-8000-000000000009"
    assert (f"{subject}.reference", "reference.resolve") in _errors(_urn_bundle({"reference": missing}))


def test_lint_judges_each_coding_system_every_time() -> None:
    """A system seen good before does not vouch for a blank or relative one seen after it."""
    good = {"system": "http://loinc.org", "code": "8867-4"}

    def obs(*codings: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": list(codings), "text": "x"},
        }

    assert not _errors(obs(good, good))
    rules = _warnings(obs(good, {"system": "loinc", "code": "8867-4"}))
    assert ("Observation.code.coding[1].system", "lint.non-uri-system") in rules
