"""Profiles written by the team (differentials only: the snapshot generator runs): slicing with every
discriminator type, fixed/pattern values, min/max on slices, extensions in and out of context, type
profiles, targetProfile, bindings to an IG value set, unknown profiles -- each finding at the right
location with its line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fhirconv.definitions import load_definitions
from fhirconv.definitions.packages import LayeredDefinitions, PackageDefinitions
from fhirconv.definitions.registry import InstalledPackage
from fhirconv.validate import build_chain, validate_text
from fhirconv.validate.chain import ValidationChain
from fhirconv.validate.profiles import generate_snapshot

BASE = "http://example.org/fhir/team"
SD = "http://hl7.org/fhir/StructureDefinition/"


def _profile(
    name: str, rtype: str, elements: list[dict[str, Any]], base: str | None = None
) -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": f"{BASE}/StructureDefinition/{name}",
        "name": name,
        "status": "draft",
        "kind": "resource" if rtype != "Extension" else "complex-type",
        "abstract": False,
        "type": rtype,
        "baseDefinition": base or SD + rtype,
        "derivation": "constraint",
        **({"context": [{"type": "element", "expression": "Patient"}]} if rtype == "Extension" else {}),
        "differential": {"element": [{"id": rtype, "path": rtype}, *elements]},
    }


EYE = f"{BASE}/StructureDefinition/EyeColour"
MRN = "http://example.org/mrn"
PROFILES = [
    _profile(
        "EyeColour",
        "Extension",
        [
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": EYE},
            {
                "id": "Extension.value[x]",
                "path": "Extension.value[x]",
                "min": 1,
                "type": [{"code": "string"}],
            },
        ],
        SD + "Extension",
    ),
    _profile(
        "TeamOrganization",
        "Organization",
        [{"id": "Organization.name", "path": "Organization.name", "min": 1}],
    ),
    _profile(
        "TeamPatient",
        "Patient",
        [
            {
                "id": "Patient.extension",
                "path": "Patient.extension",
                "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"},
            },
            {
                "id": "Patient.extension:eyeColour",
                "path": "Patient.extension",
                "sliceName": "eyeColour",
                "min": 1,
                "max": "1",
                "type": [{"code": "Extension", "profile": [EYE]}],
            },
            {
                "id": "Patient.identifier",
                "path": "Patient.identifier",
                "slicing": {"discriminator": [{"type": "pattern", "path": "$this"}], "rules": "open"},
            },
            {
                "id": "Patient.identifier:mrn",
                "path": "Patient.identifier",
                "sliceName": "mrn",
                "min": 1,
                "max": "1",
                "patternIdentifier": {"system": MRN},
            },
            {"id": "Patient.identifier:mrn.value", "path": "Patient.identifier.value", "min": 1},
            {"id": "Patient.active", "path": "Patient.active", "fixedBoolean": True},
            {"id": "Patient.name", "path": "Patient.name", "min": 1, "max": "1"},
            {
                "id": "Patient.maritalStatus",
                "path": "Patient.maritalStatus",
                "binding": {"strength": "required", "valueSet": f"{BASE}/ValueSet/married-or-single"},
            },
            {
                "id": "Patient.managingOrganization",
                "path": "Patient.managingOrganization",
                "type": [
                    {"code": "Reference", "targetProfile": [f"{BASE}/StructureDefinition/TeamOrganization"]}
                ],
            },
        ],
    ),
    _profile(
        "TeamObservation",
        "Observation",
        [
            {"id": "Observation.value[x]", "path": "Observation.value[x]", "type": [{"code": "Quantity"}]},
            {
                "id": "Observation.component",
                "path": "Observation.component",
                "slicing": {
                    "discriminator": [{"type": "value", "path": "code.coding.code"}],
                    "ordered": True,
                    "rules": "closed",
                },
            },
            {
                "id": "Observation.component:first",
                "path": "Observation.component",
                "sliceName": "first",
                "min": 1,
                "max": "1",
            },
            {
                "id": "Observation.component:first.code.coding",
                "path": "Observation.component.code.coding",
                "min": 1,
            },
            {
                "id": "Observation.component:first.code.coding.code",
                "path": "Observation.component.code.coding.code",
                "fixedCode": "first",
            },
            {
                "id": "Observation.component:second",
                "path": "Observation.component",
                "sliceName": "second",
                "max": "1",
            },
            {
                "id": "Observation.component:second.code.coding.code",
                "path": "Observation.component.code.coding.code",
                "fixedCode": "second",
            },
            {
                "id": "Observation.note",
                "path": "Observation.note",
                "slicing": {"discriminator": [{"type": "exists", "path": "author[x]"}], "rules": "closed"},
            },
            {"id": "Observation.note:signed", "path": "Observation.note", "sliceName": "signed", "max": "1"},
            {"id": "Observation.note:signed.author[x]", "path": "Observation.note.author[x]", "min": 1},
        ],
    ),
    _profile(
        "TeamBundle",
        "Bundle",
        [
            {
                "id": "Bundle.entry",
                "path": "Bundle.entry",
                "slicing": {"discriminator": [{"type": "type", "path": "resource"}], "rules": "closed"},
            },
            {
                "id": "Bundle.entry:patient",
                "path": "Bundle.entry",
                "sliceName": "patient",
                "min": 1,
                "max": "1",
            },
            {
                "id": "Bundle.entry:patient.resource",
                "path": "Bundle.entry.resource",
                "type": [{"code": "Patient", "profile": [f"{BASE}/StructureDefinition/TeamPatient"]}],
            },
            {"id": "Bundle.entry:org", "path": "Bundle.entry", "sliceName": "org", "max": "*"},
            {
                "id": "Bundle.entry:org.resource",
                "path": "Bundle.entry.resource",
                "type": [{"code": "Organization"}],
            },
        ],
    ),
    _profile(
        "TeamBundleByProfile",
        "Bundle",
        [
            {
                "id": "Bundle.entry",
                "path": "Bundle.entry",
                "slicing": {"discriminator": [{"type": "profile", "path": "resource"}], "rules": "open"},
            },
            {"id": "Bundle.entry:org", "path": "Bundle.entry", "sliceName": "org", "min": 1},
            {
                "id": "Bundle.entry:org.resource",
                "path": "Bundle.entry.resource",
                "type": [
                    {"code": "Organization", "profile": [f"{BASE}/StructureDefinition/TeamOrganization"]}
                ],
            },
        ],
    ),
]
PROFILES += [
    _profile(
        "TeamBundleByThisProfile",
        "Bundle",
        [
            {
                "id": "Bundle.entry",
                "path": "Bundle.entry",
                "slicing": {
                    "discriminator": [{"type": "profile", "path": "$this.resource"}],
                    "rules": "open",
                },
            },
            {"id": "Bundle.entry:org", "path": "Bundle.entry", "sliceName": "org", "min": 1, "max": "1"},
            {
                "id": "Bundle.entry:org.resource",
                "path": "Bundle.entry.resource",
                "type": [
                    {"code": "Organization", "profile": [f"{BASE}/StructureDefinition/TeamOrganization"]}
                ],
            },
        ],
    ),
    _profile(
        "TeamListByResolve",
        "List",
        [
            {
                "id": "List.entry",
                "path": "List.entry",
                "slicing": {"discriminator": [{"type": "type", "path": "item.resolve()"}], "rules": "closed"},
            },
            {"id": "List.entry:patient", "path": "List.entry", "sliceName": "patient", "min": 1, "max": "1"},
            {
                "id": "List.entry:patient.item",
                "path": "List.entry.item",
                "type": [{"code": "Reference", "targetProfile": [SD + "Patient"]}],
            },
        ],
    ),
]
PROFILES += [
    _profile(
        "TeamPractitionerPhones",
        "Practitioner",
        [
            {
                "id": "Practitioner.telecom",
                "path": "Practitioner.telecom",
                "slicing": {"discriminator": [{"type": "value", "path": "use"}], "rules": "open"},
            },
            {
                "id": "Practitioner.telecom:home",
                "path": "Practitioner.telecom",
                "sliceName": "home",
                "min": 1,
                "max": "1",
                "fixedContactPoint": {"use": "home"},
            },
        ],
    ),
    _profile(
        "TeamContextVariables",
        "Patient",
        [
            {
                "id": "Patient.contained",
                "path": "Patient.contained",
                "constraint": [
                    {
                        "key": "team-ctx-1",
                        "severity": "error",
                        "human": "context variables of a contained resource",
                        "expression": "%context.type().name = 'Practitioner' and %resource.type().name = "
                        "'Patient' and %rootResource.type().name = 'Patient'",
                    }
                ],
            },
            {
                "id": "Patient.contained.id",
                "path": "Patient.contained.id",
            },
            {
                "id": "Patient.generalPractitioner",
                "path": "Patient.generalPractitioner",
                "constraint": [
                    {
                        "key": "team-ctx-2",
                        "severity": "error",
                        "human": "context of a complex type",
                        "expression": "%context.type().name = 'Reference' and %resource.type().name = 'Patient'",
                    }
                ],
            },
        ],
    ),
]
PROFILES += [
    _profile(
        "TeamWeight",
        "Observation",
        [
            {
                "id": "Observation.value[x]",
                "path": "Observation.value[x]",
                "minValueQuantity": {"value": 0, "system": "http://unitsofmeasure.org", "code": "kg"},
            }
        ],
    ),
    _profile(
        "TeamExtensibleMarital",
        "Patient",
        [
            {
                "id": "Patient.maritalStatus",
                "path": "Patient.maritalStatus",
                "binding": {"strength": "extensible", "valueSet": f"{BASE}/ValueSet/married-or-single"},
            }
        ],
    ),
    _profile(
        "TeamSubjectExtensible",
        "Observation",
        [
            {
                "id": "Observation.subject",
                "path": "Observation.subject",
                "type": [
                    {
                        "code": "Reference",
                        "targetProfile": [f"{BASE}/StructureDefinition/TeamExtensibleMarital"],
                    }
                ],
            }
        ],
    ),
    _profile(
        "TeamShortFamily",
        "Patient",
        [{"id": "Patient.name.family", "path": "Patient.name.family", "maxLength": 5}],
    ),
]
HOME_ONLY = f"{BASE}/StructureDefinition/HomeOnly"
INACTIVE_ONLY = f"{BASE}/StructureDefinition/InactiveOnly"


def _flag_extension(url: str, **rules: Any) -> dict[str, Any]:
    sd = _profile(
        url.rsplit("/", 1)[1],
        "Extension",
        [
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "boolean"}]},
        ],
        SD + "Extension",
    )
    sd.update(rules)
    return sd


PROFILES += [
    _flag_extension(
        HOME_ONLY, context=[{"type": "fhirpath", "expression": "Patient.address.where(use = 'home')"}]
    ),
    _flag_extension(
        INACTIVE_ONLY,
        context=[{"type": "element", "expression": "Patient"}],
        contextInvariant=["Patient.active.not()"],
    ),
]
VALUE_SET = {
    "resourceType": "ValueSet",
    "url": f"{BASE}/ValueSet/married-or-single",
    "status": "draft",
    "compose": {
        "include": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus",
                "concept": [{"code": "M"}, {"code": "S"}],
            }
        ]
    },
}


@pytest.fixture(scope="module")
def defs(tmp_path_factory: pytest.TempPathFactory) -> LayeredDefinitions:
    root = tmp_path_factory.mktemp("team")
    folder = root / "example.team#0.1.0" / "package"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": "example.team", "version": "0.1.0"}))
    for i, res in enumerate([*PROFILES, VALUE_SET]):
        (folder / f"{res['resourceType']}-{i}.json").write_text(json.dumps(res))
    mp = pytest.MonkeyPatch()
    mp.setenv("FHIRCONV_CACHE_DIR", str(root / "compiled"))
    try:
        pkg = PackageDefinitions(InstalledPackage("example.team", "0.1.0", root / "example.team#0.1.0"))
    finally:
        mp.undo()
    return LayeredDefinitions(load_definitions(), [pkg])


def _chain(defs: LayeredDefinitions, profile: str | None = None) -> ValidationChain:
    return build_chain(defs, profiles=[f"{BASE}/StructureDefinition/{profile}"] if profile else [])


def _found(chain: ValidationChain, data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(rule, location) -> the text at the reported line/column, for every profile/extension finding."""
    text = json.dumps(data, indent=2)
    (report,) = validate_text(text, "in.json", chain=chain)
    report.locate()
    lines = text.splitlines()
    out: dict[tuple[str, str], str] = {}
    for i in report.issues:
        if i.rule and (i.rule.startswith(("profile", "extension")) or i.rule.startswith("team")):
            assert i.line is not None and i.column is not None, i
            out[(i.rule, i.location)] = lines[i.line - 1][i.column - 1 :]
    return out


def _patient(**changes: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "resourceType": "Patient",
        "extension": [{"url": EYE, "valueString": "green"}],
        "identifier": [{"system": "http://example.org/other", "value": "1"}, {"system": MRN, "value": "42"}],
        "active": True,
        "name": [{"family": "Doe"}],
        "maritalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "M"}]
        },
    }
    p.update(changes)
    return {k: v for k, v in p.items() if v is not None}


def test_snapshots_are_generated_from_differentials(defs: LayeredDefinitions) -> None:
    url = f"{BASE}/StructureDefinition/TeamObservation"
    shipped = defs.packages[0].part("structures")[url]
    assert not shipped["snapshot"]["element"]  # the package ships differentials only
    ids = [e["id"] for e in generate_snapshot(shipped, defs)]
    assert ids.index("Observation.component:first") > ids.index("Observation.component.referenceRange")
    assert ids.index("Observation.component:second.code.coding.code") > ids.index(
        "Observation.component:first"
    )
    assert "Observation.component:first.code.coding" in ids and "Observation.status" in ids
    served = defs.structure_definition(url)
    assert served is not None and [e["id"] for e in served["snapshot"]["element"]] == ids


def test_a_conforming_patient_passes(defs: LayeredDefinitions) -> None:
    assert _found(_chain(defs, "TeamPatient"), _patient()) == {}
    claimed = _patient(meta={"profile": [f"{BASE}/StructureDefinition/TeamPatient"]})
    assert _found(_chain(defs), claimed) == {}


def test_fixed_pattern_cardinality_and_binding(defs: LayeredDefinitions) -> None:
    bad = _patient(
        active=False,
        name=[{"family": "Doe"}, {"family": "Roe"}],
        identifier=[{"system": MRN}],
        maritalStatus={
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "W"}]
        },
    )
    found = _found(_chain(defs, "TeamPatient"), bad)
    assert found[("profile.fixed", "Patient.active")].startswith("false")
    assert found[("profile.cardinality", "Patient.name")].startswith("[")
    assert found[("profile.cardinality", "Patient.identifier[0].value")].startswith("{")  # parent object
    assert found[("profile.binding", "Patient.maritalStatus")].startswith("{")
    missing = _found(
        _chain(defs, "TeamPatient"), _patient(identifier=[{"system": "http://x.org", "value": "1"}])
    )
    assert missing[("profile.slice", "Patient.identifier")].startswith("[")


def test_extension_slices_and_contexts(defs: LayeredDefinitions) -> None:
    no_eye = _found(_chain(defs, "TeamPatient"), _patient(extension=None))
    assert no_eye[("profile.slice", "Patient.extension")] == "{"  # absent: the Patient that lacks it
    wrong_type = _found(_chain(defs, "TeamPatient"), _patient(extension=[{"url": EYE, "valueBoolean": True}]))
    assert wrong_type[("extension.type", "Patient.extension[0].valueBoolean")].startswith("true")
    out_of_context = _patient(name=[{"family": "Doe", "extension": [{"url": EYE, "valueString": "x"}]}])
    found = _found(_chain(defs, "TeamPatient"), out_of_context)
    assert found[("extension.context", "Patient.name[0].extension[0].url")].startswith(f'"{EYE}"')


def test_target_profile(defs: LayeredDefinitions) -> None:
    patient = _patient(managingOrganization={"reference": "Organization/o1"})
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {**patient, "id": "p1"}},
            {
                "fullUrl": "http://example.org/fhir/Organization/o1",
                "resource": {"resourceType": "Organization", "id": "o1"},
            },
        ],
    }
    found = _found(_chain(defs, "TeamPatient"), bundle)
    at = "Bundle.entry[0].resource.managingOrganization.reference"
    assert found[("profile.target", at)].startswith('"Organization/o1"')
    bundle["entry"][1]["resource"]["name"] = "Ward 3"
    assert ("profile.target", at) not in _found(_chain(defs, "TeamPatient"), bundle)


def _observation(components: list[str], **changes: Any) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "panel"},
        "component": [
            {"code": {"coding": [{"system": "http://example.org", "code": c}]}} for c in components
        ],
    }
    obs.update(changes)
    return obs


def test_value_discriminator_order_closed_and_type_restriction(defs: LayeredDefinitions) -> None:
    chain = _chain(defs, "TeamObservation")
    assert _found(chain, _observation(["first", "second"])) == {}
    assert _found(chain, _observation(["second", "first"]))[
        ("profile.slice-order", "Observation.component")
    ].startswith("[")
    closed = _found(chain, _observation(["first", "third"]))
    assert closed[("profile.slice-closed", "Observation.component[1]")].startswith("{")
    assert _found(chain, _observation(["second"]))[("profile.slice", "Observation.component")].startswith("[")
    typed = _found(chain, _observation(["first"], valueString="high"))
    assert typed[("profile.type", "Observation.valueString")].startswith('"high"')


def test_exists_discriminator(defs: LayeredDefinitions) -> None:
    chain = _chain(defs, "TeamObservation")
    notes = [{"text": "a", "authorString": "Dr A"}, {"text": "b", "authorString": "Dr B"}]
    found = _found(chain, _observation(["first"], note=notes))
    assert found[("profile.slice", "Observation.note")].startswith("[")  # signed: at most 1
    assert _found(chain, _observation(["first"], note=notes[:1])) == {}
    # a note without author matches no slice of the closed slicing
    found = _found(chain, _observation(["first"], note=[{"text": "c"}]))
    assert found[("profile.slice-closed", "Observation.note[0]")].startswith("{")


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:00000000-0000-4000-8000-00000000000{i}", "resource": r}
            for i, r in enumerate(resources)
        ],
    }


def test_type_and_profile_discriminators_with_type_profiles(defs: LayeredDefinitions) -> None:
    org = {"resourceType": "Organization", "name": "Ward 3"}
    chain = _chain(defs, "TeamBundle")
    assert _found(chain, _bundle(_patient(), org)) == {}
    obs = _observation(["first"])
    found = _found(chain, _bundle(_patient(), obs))
    assert found[("profile.slice-closed", "Bundle.entry[1]")].startswith("{")
    found = _found(chain, _bundle(_patient(active=False), org))  # the slice's type profile applies
    assert found[("profile.fixed", "Bundle.entry[0].resource.active")].startswith("false")
    by_profile = _chain(defs, "TeamBundleByProfile")
    assert _found(by_profile, _bundle(org)) == {}
    found = _found(by_profile, _bundle({"resourceType": "Organization", "alias": ["W3"]}))
    assert found[("profile.slice", "Bundle.entry")].startswith("[")


def test_this_prefix_in_a_discriminator_path(defs: LayeredDefinitions) -> None:
    """``$this.resource`` is the entry's ``resource`` (the HL7 validator's test suite writes it so)."""
    org = {"resourceType": "Organization", "name": "Ward 3"}
    chain = _chain(defs, "TeamBundleByThisProfile")
    assert _found(chain, _bundle(org)) == {}
    found = _found(chain, _bundle(org, dict(org, name="Ward 4")))
    assert found[("profile.slice", "Bundle.entry")].startswith("[")  # slice 'org' allows at most 1
    found = _found(chain, _bundle({"resourceType": "Organization", "alias": ["W3"]}))
    assert ("profile.slice", "Bundle.entry") in found  # no entry meets the slice's profile


def test_resolve_in_a_discriminator_path(defs: LayeredDefinitions) -> None:
    """A type discriminator on ``item.resolve()`` looks at the resource the reference points at."""
    chain = _chain(defs, "TeamListByResolve")

    def listing(target: str) -> dict[str, Any]:
        lst = {
            "resourceType": "List",
            "status": "current",
            "mode": "working",
            "entry": [{"item": {"reference": target}}],
        }
        return _bundle(
            lst, {"resourceType": "Patient", "active": True}, {"resourceType": "Organization", "name": "W"}
        )

    assert _found(chain, listing("urn:uuid:00000000-0000-4000-8000-000000000001")) == {}
    found = _found(chain, listing("urn:uuid:00000000-0000-4000-8000-000000000002"))  # an Organization
    assert ("profile.slice-closed", "Bundle.entry[0].resource.entry[0]") in found
    assert ("profile.slice", "Bundle.entry[0].resource.entry") in found
    # a reference that does not resolve here gives no slice verdict (rather than a wrong one)
    assert _found(chain, listing("Patient/elsewhere")) == {}


def test_unknown_profile_names_the_package(defs: LayeredDefinitions) -> None:
    claimed = _patient(meta={"profile": ["http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips-x"]})
    found = _found(_chain(defs), claimed)
    assert found[("profile.unknown", "Patient.meta.profile[0]")].startswith('"http://hl7.org/fhir/uv/ips')
    text = json.dumps(claimed)
    (report,) = validate_text(text, "p.json", chain=_chain(defs))
    (issue,) = [i for i in report.issues if i.rule == "profile.unknown"]
    assert "fhirconv definitions install hl7.fhir.uv.ips" in issue.message


def test_profile_of_the_wrong_type(defs: LayeredDefinitions, tmp_path: Path) -> None:
    found = _found(_chain(defs, "TeamObservation"), _bundle(_patient()))
    assert found == {}  # a Bundle root: the profile applies to Observation entries only, there are none


def test_value_discriminator_read_from_the_slice_fixed_value(defs: LayeredDefinitions) -> None:
    """A slice fixed as a whole (fixedContactPoint {use: home}) is told apart by ``use`` inside it, and
    then must match it exactly."""
    chain = _chain(defs, "TeamPractitionerPhones")
    ok = {"resourceType": "Practitioner", "telecom": [{"use": "home"}, {"use": "work", "value": "1"}]}
    assert _found(chain, ok) == {}
    extra = {"resourceType": "Practitioner", "telecom": [{"use": "home", "system": "phone", "value": "555"}]}
    assert ("profile.fixed", "Practitioner.telecom[0]") in _found(chain, extra)


def test_context_variables_in_profile_constraints(defs: LayeredDefinitions) -> None:
    """%context is the element (typed), %resource the resource holding it, %rootResource the outermost."""
    chain = _chain(defs, "TeamContextVariables")
    patient = {
        "resourceType": "Patient",
        "contained": [{"resourceType": "Practitioner", "id": "gp"}],
        "generalPractitioner": [{"reference": "#gp"}],
    }
    assert _found(chain, patient) == {}
    patient["contained"] = [{"resourceType": "Organization", "id": "gp"}]
    assert ("team-ctx-1", "Patient.contained[0]") in _found(chain, patient)


def test_max_length_of_a_string(defs: LayeredDefinitions) -> None:
    chain = _chain(defs, "TeamShortFamily")
    assert _found(chain, {"resourceType": "Patient", "name": [{"family": "Doe"}]}) == {}
    found = _found(chain, {"resourceType": "Patient", "name": [{"family": "Doe-Smith"}]})
    assert found[("profile.length", "Patient.name[0].family")].startswith('"Doe-Smith"')


def test_min_value_compared_across_ucum_units(defs: LayeredDefinitions) -> None:
    """-1 g is less than a minimum of 0 kg: UCUM units of one dimension are converted first."""
    chain = _chain(defs, "TeamWeight")

    def weight(value: int, code: str) -> dict[str, Any]:
        q = {"value": value, "unit": code, "system": "http://unitsofmeasure.org", "code": code}
        return {"resourceType": "Observation", "status": "final", "code": {"text": "w"}, "valueQuantity": q}

    assert _found(chain, weight(500, "g")) == {}
    assert ("profile.value", "Observation.valueQuantity") in _found(chain, weight(-1, "g"))
    assert _found(chain, weight(-1, "mm")) == {}  # not a mass: no comparison rather than a wrong one


def test_fhirpath_context_with_where_and_context_invariants(defs: LayeredDefinitions) -> None:
    """An extension whose context is ``Patient.address.where(use = 'home')`` goes on home addresses only;
    one with the context invariant ``Patient.active.not()`` only on a patient who is not active."""
    chain = _chain(defs)
    flag = {"url": HOME_ONLY, "valueBoolean": True}
    home = {"resourceType": "Patient", "address": [{"use": "home", "extension": [flag]}]}
    assert _found(chain, home) == {}
    work = {"resourceType": "Patient", "address": [{"use": "work", "extension": [flag]}]}
    assert ("extension.context", "Patient.address[0].extension[0].url") in _found(chain, work)
    inactive = {
        "resourceType": "Patient",
        "active": False,
        "extension": [{"url": INACTIVE_ONLY, "valueBoolean": True}],
    }
    assert _found(chain, inactive) == {}
    active = dict(inactive, active=True)
    assert ("extension.context", "Patient.extension[0].url") in _found(chain, active)


def test_a_target_with_warnings_only_conforms(defs: LayeredDefinitions) -> None:
    """A reference target conforms to its targetProfile when checking it finds no error: a code outside an
    extensible binding is a warning, not a reason to call the reference wrong."""
    chain = _chain(defs, "TeamSubjectExtensible")
    widowed = {
        "resourceType": "Patient",
        "maritalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "W"}]
        },
    }
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
        "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
    }
    found = _found(chain, _bundle(obs, widowed))
    assert not [k for k in found if k[0] == "profile.target"], found
