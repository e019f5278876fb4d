"""The compiled definitions, and the JSON Schema generated from them against the reference R4 schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import require_shared

from fhirconv.definitions import load_definitions


@pytest.fixture(scope="module")
def defs() -> Any:
    return load_definitions()


def test_provider_answers_from_the_official_package(defs: Any) -> None:
    types = defs.resource_types()
    assert len(types) == 146
    assert {"Patient", "Observation", "Bundle", "Parameters"} <= types
    assert "DomainResource" not in types  # abstract
    obs = defs.structure_definition("Observation")
    assert obs["url"] == "http://hl7.org/fhir/StructureDefinition/Observation"
    status = next(e for e in obs["snapshot"]["element"] if e["path"] == "Observation.status")
    assert status["min"] == 1 and status["binding"]["strength"] == "required"
    assert any(c["key"] == "obs-6" for e in obs["snapshot"]["element"] for c in e.get("constraint", []))
    assert defs.structure_definition("http://hl7.org/fhir/StructureDefinition/vitalsigns")["derivation"] == (
        "constraint"
    )
    assert defs.value_set("http://hl7.org/fhir/ValueSet/observation-status|4.0.1") is not None
    assert defs.code_system("http://hl7.org/fhir/observation-status")["content"] == "complete"
    assert defs.simple_expansion("http://hl7.org/fhir/ValueSet/administrative-gender") == [
        "male",
        "female",
        "other",
        "unknown",
    ]


def test_lazy_parts_answer_like_dicts(defs: Any) -> None:
    """Definitions, value sets, code systems and FHIRPath trees are unpickled one by one on first use."""
    assert defs.structure_definition("http://example.org/none") is None
    assert defs.structure_definition("NoSuchType") is None
    assert defs.value_set("http://example.org/none") is None
    assert "http://hl7.org/fhir/StructureDefinition/Patient" in defs.structures
    assert len(defs.structures) == 655
    assert defs.structure_definition("Patient") is defs.structure_definition(
        "http://hl7.org/fhir/StructureDefinition/Patient"
    )  # unpickled once
    from fhirpathpy.parser import parse

    per1 = "start.hasValue().not() or end.hasValue().not() or (start <= end)"
    assert defs.fhirpath_tree(per1) == parse(per1)  # what the parser gives, without its ~10 ms
    assert defs.fhirpath_tree("not a constraint of the package") is None


def test_fast_schema_loads_validators_on_demand(defs: Any) -> None:
    fast = defs.fast_schema()
    if fast is None:
        pytest.skip("fastjsonschema is not installed")
    assert len(fast) > 600  # a validator per resource, datatype and backbone element
    validate = fast.get("validate___definitions_patient")
    assert validate is not None
    validate({"resourceType": "Patient", "active": True, "name": [{"family": "Chalmers"}]})
    with pytest.raises(ValueError, match="boolean"):  # fastjsonschema's JsonSchemaValueException
        validate({"resourceType": "Patient", "active": "yes"})
    with pytest.raises(ValueError, match="family must be string"):  # HumanName's validator, loaded with
        validate({"resourceType": "Patient", "name": [{"family": 7}]})  # Patient's
    assert fast.get("validate___definitions_nosuchtype") is None


def _norm(node: Any) -> Any:
    """Validation content only: descriptions are documentation, ``required`` is a set, and the ``(?a)``
    flag we prefix to patterns only makes Python's classes ASCII, as FHIR's (Java/JS) regexes are."""
    if isinstance(node, dict):
        return {
            k: sorted(v)
            if k == "required"
            else v.removeprefix("(?a)")
            if k == "pattern" and isinstance(v, str)
            else _norm(v)
            for k, v in node.items()
            if k != "description"
        }
    if isinstance(node, list):
        return [_norm(v) for v in node]
    return node


def _is_code(prop: dict[str, Any]) -> bool:
    return prop.get("$ref", prop.get("items", {}).get("$ref")) == "#/definitions/code"


def _is_enum(prop: dict[str, Any]) -> bool:
    return "enum" in prop or "enum" in prop.get("items", {})


def test_generated_schema_is_equivalent_to_the_reference(defs: Any) -> None:
    ref = json.loads(require_shared("fhir-r4", "fhir.schema.json").read_text(encoding="utf-8"))
    gen = defs.json_schema()
    assert {k: v for k, v in gen.items() if k != "definitions"} == {
        k: v for k, v in ref.items() if k != "definitions"
    }
    assert list(gen["definitions"]) == list(ref["definitions"]) or set(gen["definitions"]) == set(
        ref["definitions"]
    )
    assert len(gen["definitions"]) == 680
    differences: dict[str, list[str]] = {"stricter-enum": [], "other": []}
    for name, rdef in ref["definitions"].items():
        g, r = _norm(gen["definitions"][name]), _norm(rdef)
        if g == r:
            continue
        assert g.get("required") == r.get("required"), name
        assert set(g.get("properties", {})) | {"_instantiatesCanonical"} >= set(r.get("properties", {})), name
        for prop in set(g.get("properties", {})) | set(r.get("properties", {})):
            gp, rp = g.get("properties", {}).get(prop), r.get("properties", {}).get(prop)
            if gp == rp:
                continue
            if gp and rp and _is_enum(gp) and _is_code(rp):
                differences["stricter-enum"].append(f"{name}.{prop}")  # a required binding, enumerated
            else:
                differences["other"].append(f"{name}.{prop}")
    # Everything agrees except: required bindings the publisher left as plain `code` but we enumerate
    # (the binding checker enforces exactly those codes anyway), and the three cases listed in docs/validation.md.
    assert sorted(differences["other"]) == [
        "Expression.language",
        "MedicationRequest._instantiatesCanonical",
        "RequestGroup._instantiatesCanonical",
    ], differences["other"]
    assert 80 <= len(differences["stricter-enum"]) <= 100


def test_reference_copy_examples_pass_the_generated_schema(defs: Any) -> None:
    import jsonschema

    schema = defs.json_schema()
    examples = require_shared("fhir-r4", "examples")
    validator = jsonschema.Draft6Validator(
        {**schema, "oneOf": None, "discriminator": None} | {"$ref": "#/definitions/Patient"}
    )
    patient = json.loads((examples / "Patient-example.json").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(patient))
    patient["gender"] = "robot"
    assert [e.message for e in validator.iter_errors(patient)]
