"""Validator rules the HL7 validator applies and fhirconv added for issue 14's agreement figure, each on
instances and definitions written by the team: narrative language/source controls, mustHaveValue and
valueAlternatives, additional bindings, minLength, versioned profile canonicals, profile discriminators
on primitives, memberOf(), unknown or other-release profile claims, MeasureReport against its Measure,
CQL criteria against a library's ELM, QuestionnaireResponse scoping/required items/enableWhen
expressions, modifier extensions, complex sub-extension cardinality and StructureDefinition inputs.
Structure rules run through the compiled walk and the checker-by-checker chain alike."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from fhirconv.definitions import load_definitions
from fhirconv.definitions.packages import LayeredDefinitions, PackageDefinitions
from fhirconv.definitions.registry import InstalledPackage
from fhirconv.validate import build_chain, validate_text
from fhirconv.validate.issues import Severity

BASE = "http://example.org/fhir/agree"
SD = "http://hl7.org/fhir/StructureDefinition/"
X5 = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition."
POP = "http://terminology.hl7.org/CodeSystem/measure-population"


def _profile(name: str, rtype: str, elements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": f"{BASE}/StructureDefinition/{name}",
        "name": name,
        "status": "draft",
        "kind": "resource" if rtype[0].isupper() and rtype not in ("Extension", "Coding") else "complex-type",
        "abstract": False,
        "type": rtype,
        "baseDefinition": SD + rtype,
        "derivation": "constraint",
        "differential": {"element": [{"id": rtype, "path": rtype}, *elements]},
        **extra,
    }


def _ext(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def _narrative(name: str, ext: dict[str, Any]) -> dict[str, Any]:
    return _profile(name, "Patient", [{"id": "Patient.text", "path": "Patient.text", "extension": [ext]}])


LANG = SD + "narrative-language-control"
SOURCE = SD + "narrative-source-control"
TEAM_VS = f"{BASE}/ValueSet/colours"
RESOURCES: list[dict[str, Any]] = [
    _narrative("NoLanguages", _ext(LANG, valueCode="_no")),
    _narrative("Languages", _ext(LANG, valueCode="_yes")),
    _narrative("ResourceLanguage", _ext(LANG, valueCode="_resource")),
    _narrative("Attributed", _ext(SOURCE, valueCode="warning")),
    _profile(
        "ActiveOrAbsent",
        "Patient",
        [
            {
                "id": "Patient.active",
                "path": "Patient.active",
                "extension": [_ext(X5 + "valueAlternatives", valueCanonical=SD + "data-absent-reason")],
            },
            {
                "id": "Patient.gender",
                "path": "Patient.gender",
                "extension": [_ext(X5 + "mustHaveValue", valueBoolean=True)],
            },
        ],
    ),
    _profile(
        "ColourCode",
        "Observation",
        [
            {
                "id": "Observation.code",
                "path": "Observation.code",
                "binding": {
                    "strength": "example",
                    "valueSet": "http://hl7.org/fhir/ValueSet/observation-codes",
                    "extension": [
                        _ext(
                            X5 + "binding.additional",
                            extension=[
                                _ext("purpose", valueCode="required"),
                                _ext("valueSet", valueCanonical=TEAM_VS),
                            ],
                        )
                    ],
                },
            }
        ],
    ),
    _profile(
        "LongId",
        "Patient",
        [{"id": "Patient.id", "path": "Patient.id", "extension": [_ext(SD + "minLength", valueInteger=6)]}],
    ),
    _profile(
        "Versioned", "Patient", [{"id": "Patient.name", "path": "Patient.name", "max": "1"}], version="1.0.0"
    ),
    _profile(
        "Versioned", "Patient", [{"id": "Patient.name", "path": "Patient.name", "max": "0"}], version="2.1.0"
    ),
    {
        **_profile("RedText", "string", []),
        "kind": "primitive-type",
        "differential": {"element": [{"id": "string", "path": "string", "fixedString": "red"}]},
    },
    _profile(
        "RedCategory",
        "Observation",
        [
            {
                "id": "Observation.category",
                "path": "Observation.category",
                "slicing": {"discriminator": [{"type": "profile", "path": "text"}], "rules": "open"},
            },
            {"id": "Observation.category:red", "path": "Observation.category", "sliceName": "red", "min": 1},
            {
                "id": "Observation.category:red.text",
                "path": "Observation.category.text",
                "min": 1,
                "type": [{"code": "string", "profile": [f"{BASE}/StructureDefinition/RedText"]}],
            },
        ],
    ),
    _profile(
        "ColourMember",
        "Observation",
        [
            {
                "id": "Observation.code",
                "path": "Observation.code",
                "constraint": [
                    {
                        "key": "agree-1",
                        "severity": "error",
                        "human": "the code is a colour",
                        "expression": f"memberOf('{TEAM_VS}')",
                    }
                ],
            }
        ],
    ),
    {
        **_profile(
            "Switch",
            "Extension",
            [
                {"id": "Extension", "path": "Extension", "isModifier": True, "isModifierReason": "negates"},
                {
                    "id": "Extension.url",
                    "path": "Extension.url",
                    "fixedUri": f"{BASE}/StructureDefinition/Switch",
                },
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "boolean"}]},
            ],
        ),
        "context": [{"type": "element", "expression": "Element"}],
        "differential": {
            "element": [
                {"id": "Extension", "path": "Extension", "isModifier": True, "isModifierReason": "negates"},
                {
                    "id": "Extension.url",
                    "path": "Extension.url",
                    "fixedUri": f"{BASE}/StructureDefinition/Switch",
                },
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "boolean"}]},
            ]
        },
    },
    _profile(
        "SectionLibrary",
        "Composition",
        [
            {
                "id": "Composition.section",
                "path": "Composition.section",
                "slicing": {"discriminator": [{"type": "pattern", "path": "code"}], "rules": "open"},
            },
            {"id": "Composition.section:plan", "path": "Composition.section", "sliceName": "plan"},
            {
                "id": "Composition.section:plan.code",
                "path": "Composition.section.code",
                "min": 1,
                "patternCodeableConcept": {
                    "coding": [{"system": "http://example.org/sections", "code": "plan"}]
                },
            },
            {"id": "Composition.section:plan.title", "path": "Composition.section.title", "min": 1},
        ],
    ),
    _profile(
        "PlannedDocument",
        "Composition",
        [
            {
                "id": "Composition.section",
                "path": "Composition.section",
                "slicing": {"discriminator": [{"type": "pattern", "path": "code"}], "rules": "closed"},
            },
            {
                "id": "Composition.section:plan",
                "path": "Composition.section",
                "sliceName": "plan",
                "min": 1,
                "type": [
                    {
                        "code": "BackboneElement",
                        "profile": [f"{BASE}/StructureDefinition/SectionLibrary"],
                        "_profile": [
                            {
                                "extension": [
                                    {
                                        "url": SD + "elementdefinition-profile-element",
                                        "valueString": "Composition.section:plan",
                                    }
                                ]
                            }
                        ],
                    }
                ],
            },
        ],
    ),
    _profile(
        "NoInitials",
        "Patient",
        [
            {
                "id": "Patient.name.given",
                "path": "Patient.name.given",
                "constraint": [
                    {
                        "key": "agree-2",
                        "severity": "error",
                        "human": "no initials",
                        "expression": "$this.length() > 1",
                    }
                ],
            },
            {
                "id": "Patient.birthDate",
                "path": "Patient.birthDate",
                "constraint": [
                    {
                        "key": "agree-3",
                        "severity": "error",
                        "human": "a day",
                        "expression": "($this as date).toString().length() = 10",
                    }
                ],
            },
        ],
    ),
    {
        "resourceType": "ValueSet",
        "url": TEAM_VS,
        "status": "active",
        "compose": {"include": [{"system": "http://example.org/colours", "concept": [{"code": "red"}]}]},
    },
]


@pytest.fixture(scope="module")
def defs(tmp_path_factory: pytest.TempPathFactory) -> LayeredDefinitions:
    root = tmp_path_factory.mktemp("agree")
    folder = root / "example.agree#0.1.0" / "package"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": "example.agree", "version": "0.1.0"}))
    for i, res in enumerate(RESOURCES):
        (folder / f"{res['resourceType']}-{i}.json").write_text(json.dumps(res))
    mp = pytest.MonkeyPatch()
    mp.setenv("FHIRCONV_CACHE_DIR", str(root / "compiled"))
    try:
        pkg = PackageDefinitions(InstalledPackage("example.agree", "0.1.0", root / "example.agree#0.1.0"))
    finally:
        mp.undo()
    return LayeredDefinitions(load_definitions(), [pkg])


def _issues(data: dict[str, Any], defs: Any = None, profile: str | None = None, compiled: bool = True) -> Any:
    profiles = [profile if "/" in profile else f"{BASE}/StructureDefinition/{profile}"] if profile else []
    chain = build_chain(defs, profiles=profiles, compiled=compiled)
    (report,) = validate_text(json.dumps(data, indent=1), "in.json", chain=chain)
    return report.issues


def _errors(data: dict[str, Any], defs: Any = None, profile: str | None = None) -> set[tuple[str, str]]:
    return {(str(i.rule), i.location) for i in _issues(data, defs, profile) if i.is_error}


def _both(data: dict[str, Any], defs: Any = None) -> set[tuple[str, str]]:
    """Errors of the compiled walk, checked equal to the checker-by-checker chain's."""
    compiled = {(str(i.rule), i.location, i.message) for i in _issues(data, defs) if i.is_error}
    reference = {
        (str(i.rule), i.location, i.message) for i in _issues(data, defs, compiled=False) if i.is_error
    }
    assert compiled == reference
    return {(rule, loc) for rule, loc, _m in compiled}


def _patient_text(div: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "text": {"status": "generated", "div": div}, **extra}


SECTIONS = (
    '<div xmlns="http://www.w3.org/1999/xhtml"><div lang="fr">Bonjour</div><div lang="de">Hallo</div></div>'
)
PLAIN = '<div xmlns="http://www.w3.org/1999/xhtml">Hello</div>'


# -- profiles: rules in element extensions -------------------------------------------------------------


def test_narrative_language_control(defs: LayeredDefinitions) -> None:
    where = ("profile.narrative-language", "Patient.text")
    assert where in _errors(_patient_text(SECTIONS), defs, "NoLanguages")
    assert where not in _errors(_patient_text(PLAIN), defs, "NoLanguages")
    assert where in _errors(_patient_text(PLAIN), defs, "Languages")
    assert where not in _errors(_patient_text(SECTIONS), defs, "Languages")
    assert where in _errors(_patient_text(SECTIONS, language="en"), defs, "ResourceLanguage")
    assert where not in _errors(_patient_text(SECTIONS, language="de"), defs, "ResourceLanguage")


def test_narrative_source_control_at_the_declared_level(defs: LayeredDefinitions) -> None:
    div = (
        '<div xmlns="http://www.w3.org/1999/xhtml">Loose words<p class="generated">From the data</p>'
        "<p>More loose words</p></div>"
    )
    found = [
        i for i in _issues(_patient_text(div), defs, "Attributed") if i.rule == "profile.narrative-source"
    ]
    assert len(found) == 2 and all(i.severity == Severity.WARNING for i in found)
    assert {"Loose words", "More loose words"} <= {i.message.split("'")[1] for i in found}
    ok = '<div xmlns="http://www.w3.org/1999/xhtml"><p class="original">All attributed</p></div>'
    assert not [
        i for i in _issues(_patient_text(ok), defs, "Attributed") if i.rule == "profile.narrative-source"
    ]


def test_value_alternatives_and_must_have_value(defs: LayeredDefinitions) -> None:
    nulled = {"extension": [{"url": SD + "iso21090-nullFlavor", "valueCode": "MSK"}]}
    absent = {"extension": [{"url": SD + "data-absent-reason", "valueCode": "unknown"}]}
    rule = "profile.value-alternative"
    assert (rule, "Patient._active") in _errors(
        {"resourceType": "Patient", "_active": nulled}, defs, "ActiveOrAbsent"
    )
    assert (rule, "Patient._active") not in _errors(
        {"resourceType": "Patient", "_active": absent}, defs, "ActiveOrAbsent"
    )
    assert (rule, "Patient._gender") in _errors(
        {"resourceType": "Patient", "_gender": absent}, defs, "ActiveOrAbsent"
    )
    assert not _errors({"resourceType": "Patient", "active": True, "gender": "other"}, defs, "ActiveOrAbsent")


def _observation(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://example.org/colours", "code": code}]},
        **extra,
    }


def test_additional_required_binding(defs: LayeredDefinitions) -> None:
    assert ("profile.binding", "Observation.code") in _errors(_observation("blue"), defs, "ColourCode")
    assert ("profile.binding", "Observation.code") not in _errors(_observation("red"), defs, "ColourCode")


def test_member_of_in_a_profile_constraint(defs: LayeredDefinitions) -> None:
    assert ("agree-1", "Observation.code") in _errors(_observation("blue"), defs, "ColourMember")
    assert ("agree-1", "Observation.code") not in _errors(_observation("red"), defs, "ColourMember")


def test_min_length_survives_package_compilation(defs: LayeredDefinitions) -> None:
    assert ("profile.length", "Patient.id") in _errors(
        {"resourceType": "Patient", "id": "abc"}, defs, "LongId"
    )
    assert not _errors({"resourceType": "Patient", "id": "abcdefg"}, defs, "LongId")


def test_versioned_canonical_picks_that_version(defs: LayeredDefinitions) -> None:
    url = f"{BASE}/StructureDefinition/Versioned"
    one = {"resourceType": "Patient", "name": [{"family": "Doe"}]}
    assert not _errors({**one, "meta": {"profile": [url + "|1.0.0"]}}, defs)
    assert ("profile.cardinality", "Patient.name") in _errors(
        {**one, "meta": {"profile": [url + "|2.1"]}}, defs
    )


def test_profile_discriminator_on_a_primitive(defs: LayeredDefinitions) -> None:
    red = _observation("x", category=[{"text": "blue"}, {"text": "red"}])
    assert not {e for e in _errors(red, defs, "RedCategory") if e[0].startswith("profile")}
    blue = _observation("x", category=[{"text": "blue"}])
    assert ("profile.slice", "Observation.category") in _errors(blue, defs, "RedCategory")


def test_unknown_and_other_release_profile_claims() -> None:
    unknown = {
        "resourceType": "Patient",
        "meta": {"profile": ["http://example.org/nowhere/StructureDefinition/P"]},
    }
    (issue,) = [i for i in _issues(unknown) if i.rule == "profile.unknown"]
    assert issue.severity == Severity.WARNING and "definitions install" in issue.message
    strict = build_chain(unknown_profile="error")
    (report,) = validate_text(json.dumps(unknown, indent=1), "in.json", chain=strict)
    (issue,) = [i for i in report.issues if i.rule == "profile.unknown"]
    assert issue.is_error and issue.location == "Patient.meta.profile[0]"
    with pytest.raises(ValueError):
        build_chain(unknown_profile="fatal")
    r5 = {
        "resourceType": "Patient",
        "meta": {"profile": ["http://hl7.org/fhir/5.0/StructureDefinition/Patient"]},
    }
    (note,) = [i for i in _issues(r5) if i.rule == "profile.version"]
    assert note.severity == Severity.INFORMATION
    assert not [i for i in _issues(r5) if i.is_error]


# -- MeasureReport against its Measure; CQL criteria -------------------------------------------------------


def _cc(code: str, system: str = "http://example.org/groups") -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


MEASURE = {
    "resourceType": "Measure",
    "url": f"{BASE}/Measure/visits",
    "status": "active",
    "scoring": _cc("cohort", "http://terminology.hl7.org/CodeSystem/measure-scoring"),
    "group": [
        {
            "code": _cc("adults"),
            "population": [
                {
                    "code": _cc("initial-population", POP),
                    "criteria": {"language": "text/cql", "expression": "Adults"},
                }
            ],
        },
        {
            "code": _cc("children"),
            "population": [
                {
                    "code": _cc("initial-population", POP),
                    "criteria": {"language": "text/cql", "expression": "Children"},
                }
            ],
        },
    ],
}


def _report(groups: list[dict[str, Any]], kind: str = "summary") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001", "resource": MEASURE},
            {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
                "resource": {
                    "resourceType": "MeasureReport",
                    "status": "complete",
                    "type": kind,
                    "measure": MEASURE["url"],
                    "period": {"start": "2024-01-01", "end": "2024-12-31"},
                    "group": groups,
                },
            },
        ],
    }


def _group(code: str, pop: str = "initial-population", **extra: Any) -> dict[str, Any]:
    return {"code": _cc(code), "population": [{"code": _cc(pop, POP), "count": 3}], **extra}


def _measure_errors(data: dict[str, Any]) -> set[str]:
    return {loc for rule, loc in _errors(data) if rule == "measure.report"}


def test_measure_report_groups_populations_and_score() -> None:
    at = "Bundle.entry[1].resource"
    assert _measure_errors(_report([_group("adults"), _group("children")])) == set()
    assert _measure_errors(_report([_group("adults"), _group("elderly")])) == {f"{at}.group[1]", at}
    assert _measure_errors(_report([_group("adults"), _group("adults")])) == {f"{at}.group[1]", at}
    assert _measure_errors(_report([_group("adults", "numerator"), _group("children")])) == {
        f"{at}.group[0].population[0]",
        f"{at}.group[0]",
    }
    scored = _group("adults", measureScore={"value": 0.5})
    assert _measure_errors(_report([scored, _group("children")])) == {f"{at}.group[0].measureScore"}
    listed = _group("adults")
    listed["population"][0]["subjectResults"] = {"reference": "List/x"}
    assert _measure_errors(_report([listed, _group("children")])) == {f"{at}.group[0].population[0]"}
    # a data-collection report need not report every group
    assert _measure_errors(_report([_group("adults")], "data-collection")) == set()


def test_measure_stratifier_criteria_against_the_library_elm() -> None:
    elm = b'<library xmlns="urn:hl7-org:elm:r1"><statements><def name="AgeBand"/></statements></library>'
    library = {
        "resourceType": "Library",
        "url": f"{BASE}/Library/visits",
        "name": "Visits",
        "status": "active",
        "type": _cc("logic-library", "http://terminology.hl7.org/CodeSystem/library-type"),
        "content": [{"contentType": "application/elm+xml", "data": base64.b64encode(elm).decode()}],
    }

    def measure(expression: str) -> dict[str, Any]:
        group = {
            "population": [
                {
                    "code": _cc("initial-population", POP),
                    "criteria": {"language": "text/cql", "expression": "Adults"},
                }
            ],
            "stratifier": [
                {"code": _cc("band"), "criteria": {"language": "text/cql", "expression": expression}}
            ],
        }
        return {"resourceType": "Measure", "status": "active", "library": [library["url"]], "group": [group]}

    def bundle(m: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": "urn:uuid:00000000-0000-4000-8000-00000000000a", "resource": library},
                {"fullUrl": "urn:uuid:00000000-0000-4000-8000-00000000000b", "resource": m},
            ],
        }

    where = ("measure.criteria", "Bundle.entry[1].resource.group[0].stratifier[0].criteria")
    assert where not in _errors(bundle(measure("Visits.AgeBand")))
    assert where in _errors(bundle(measure("Visits.Sex")))
    assert where in _errors(bundle(measure("Other.AgeBand")))


# -- QuestionnaireResponse ------------------------------------------------------------------------------


QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "url": f"{BASE}/Questionnaire/pets",
    "status": "active",
    "item": [
        {
            "linkId": "pet",
            "type": "group",
            "repeats": True,
            "item": [
                {"linkId": "has-fur", "type": "boolean", "required": True},
                {
                    "linkId": "fur-colour",
                    "type": "string",
                    "required": True,
                    "enableWhen": [{"question": "has-fur", "operator": "=", "answerBoolean": True}],
                },
            ],
        },
        {
            "linkId": "notes",
            "type": "string",
            "extension": [
                {
                    "url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
                    "valueExpression": {
                        "language": "text/fhirpath",
                        "expression": "%resource.item.where(linkId='pet').count() > 1",
                    },
                }
            ],
        },
    ],
}


def _pet(fur: bool, colour: str | None) -> dict[str, Any]:
    items: list[dict[str, Any]] = [{"linkId": "has-fur", "answer": [{"valueBoolean": fur}]}]
    if colour is not None:
        items.append({"linkId": "fur-colour", "answer": [{"valueString": colour}]})
    return {"linkId": "pet", "item": items}


def _response(*items: dict[str, Any], status: str = "completed") -> dict[str, Any]:
    qr = {
        "resourceType": "QuestionnaireResponse",
        "status": status,
        "questionnaire": QUESTIONNAIRE["url"],
        "item": list(items),
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000011", "resource": QUESTIONNAIRE},
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000012", "resource": qr},
        ],
    }


def test_enable_when_is_answered_in_the_same_group_instance() -> None:
    at = "Bundle.entry[1].resource.item"
    assert not _errors(_response(_pet(True, "brown"), _pet(False, None)))
    # the second pet has no fur: its colour answer is out of place although the first pet has fur
    found = _errors(_response(_pet(True, "brown"), _pet(False, "grey")))
    assert ("questionnaire.enable-when", f"{at}[1].item[1].answer") in found
    # the first pet has fur but no colour: a required, enabled item is missing (completed responses)
    assert ("questionnaire.required", f"{at}[0]") in _errors(_response(_pet(True, None)))
    assert not _errors(_response(_pet(True, None), status="in-progress"))


def test_enable_when_expression() -> None:
    notes = {"linkId": "notes", "answer": [{"valueString": "two pets"}]}
    assert not _errors(_response(_pet(False, None), _pet(False, None), notes))
    found = _errors(_response(_pet(False, None), notes))
    assert ("questionnaire.enable-when", "Bundle.entry[1].resource.item[1].answer") in found


def test_questionnaire_canonical_naming_a_value_set() -> None:
    qr = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://hl7.org/fhir/ValueSet/example-extensional",
    }
    assert ("questionnaire.type", "QuestionnaireResponse.questionnaire") in _errors(qr)


# -- extensions: modifiers, sub-extension cardinality (compiled walk and chain agree) --------------------


def test_modifier_extensions_only_in_modifier_extension(defs: LayeredDefinitions) -> None:
    switch = {"url": f"{BASE}/StructureDefinition/Switch", "valueBoolean": True}
    birth = {"url": SD + "patient-birthPlace", "valueAddress": {"city": "Lyon"}}
    assert ("extension.modifier", "Patient.extension[0].url") in _both(
        {"resourceType": "Patient", "extension": [switch]}, defs
    )
    assert not _both({"resourceType": "Patient", "modifierExtension": [switch]}, defs)
    assert ("extension.modifier", "Patient.modifierExtension[0].url") in _both(
        {"resourceType": "Patient", "modifierExtension": [birth]}, defs
    )
    assert not _both({"resourceType": "Patient", "extension": [birth]}, defs)


def test_complex_extension_sub_extension_cardinality() -> None:
    def animal(*subs: tuple[str, str]) -> dict[str, Any]:
        nested = [{"url": u, "valueCodeableConcept": {"text": t}} for u, t in subs]
        return {"resourceType": "Patient", "extension": [{"url": SD + "patient-animal", "extension": nested}]}

    rule = ("extension.sub-cardinality", "Patient.extension[0]")
    assert not _both(animal(("species", "dog")))
    assert rule in _both(animal(("breed", "collie")))
    assert rule in _both(animal(("species", "dog"), ("species", "cat")))


# -- StructureDefinitions as input -------------------------------------------------------------------------


def _sd_errors(sd: dict[str, Any]) -> set[tuple[str, str]]:
    return {e for e in _errors(sd) if e[0] == "structuredefinition"}


def _logical(
    stype: str, paths: list[str], base: str = SD + "Base", derivation: str = "specialization"
) -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": f"{BASE}/StructureDefinition/Shelf",
        "name": "Shelf",
        "status": "draft",
        "kind": "logical",
        "abstract": False,
        "type": stype,
        "baseDefinition": base,
        "derivation": derivation,
        "differential": {"element": [{"id": p, "path": p, "min": 0, "max": "1"} for p in paths]},
    }


def test_structure_definition_types_and_paths() -> None:
    assert not _sd_errors(_logical(f"{BASE}/StructureDefinition/Shelf", ["Shelf", "Shelf.width"]))
    assert ("structuredefinition", "StructureDefinition.type") in _sd_errors(_logical("Shelf", ["Shelf"]))
    wrong = _sd_errors(_logical(f"{BASE}/StructureDefinition/Shelf", ["Shelf", "Rack.width"]))
    assert wrong == {("structuredefinition", "StructureDefinition.differential.element[1]")}
    same = _logical("Patient", ["Patient"], SD + "Patient")
    assert ("structuredefinition", "StructureDefinition") in _sd_errors({**same, "kind": "resource"})


def test_structure_definition_type_profiles_and_differential_paths() -> None:
    def obs(*elements: dict[str, Any]) -> dict[str, Any]:
        return _profile("Weighing", "Observation", list(elements))

    count = {
        "id": "Observation.value[x]",
        "path": "Observation.value[x]",
        "type": [{"code": "Quantity", "profile": [SD + "Count"]}],
    }
    simple = {**count, "type": [{"code": "Quantity", "profile": [SD + "SimpleQuantity"]}]}
    assert (
        "structuredefinition",
        "StructureDefinition.differential.element[1].type[0].profile[0]",
    ) in _sd_errors(obs(count))
    assert not _sd_errors(obs(simple))
    renamed = {"id": "Observation.valueQuantity.unit", "path": "Observation.valueQuantity.unit", "min": 1}
    assert not _sd_errors(
        obs(
            renamed,
            {"id": "Observation.code.coding.system", "path": "Observation.code.coding.system", "min": 1},
        )
    )
    assert ("structuredefinition", "StructureDefinition.differential.element[1]") in _sd_errors(
        obs({"id": "Observation.valueWeight", "path": "Observation.valueWeight", "min": 1})
    )


def test_a_constraint_keeps_the_fixed_values_of_its_base(tmp_path: Path) -> None:
    base = _profile(
        "Fixed", "Patient", [{"id": "Patient.gender", "path": "Patient.gender", "fixedCode": "female"}]
    )
    root = tmp_path / "example.fixed#0.1.0" / "package"
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "example.fixed", "version": "0.1.0"}))
    (root / "StructureDefinition-fixed.json").write_text(json.dumps(base))
    pkg = PackageDefinitions(
        InstalledPackage("example.fixed", "0.1.0", root.parent), folder=tmp_path / "compiled"
    )
    defs = LayeredDefinitions(load_definitions(), [pkg])

    def derived(code: str) -> dict[str, Any]:
        sd = _profile(
            "Derived", "Patient", [{"id": "Patient.gender", "path": "Patient.gender", "fixedCode": code}]
        )
        return {**sd, "baseDefinition": base["url"]}

    at = ("structuredefinition", "StructureDefinition.differential.element[1].fixedCode")
    assert at in _errors(derived("male"), defs)
    assert at not in _errors(derived("female"), defs)


def test_same_type_and_id_under_other_bases_is_not_ambiguous() -> None:
    def bundle(*patient_urls: str) -> dict[str, Any]:
        comp = {
            "resourceType": "Composition",
            "id": "c",
            "status": "final",
            "type": {"text": "note"},
            "date": "2024-01-01",
            "title": "Note",
            "author": [{"reference": "Patient/p"}],
        }
        entries = [{"fullUrl": "http://one.example/fhir/Composition/c", "resource": comp}]
        for url in patient_urls:
            entries.append({"fullUrl": url, "resource": {"resourceType": "Patient", "id": "p"}})
        return {"resourceType": "Bundle", "type": "collection", "entry": entries}

    where = "Bundle.entry[0].resource.author[0].reference"
    # one under the referencing entry's base: that one, whatever other servers hold
    resolved = bundle("http://one.example/fhir/Patient/p", "http://two.example/fhir/Patient/p")
    assert not [i for i in _issues(resolved) if i.location == where]
    # none under it: R4's resolution finds nothing; a warning names the near misses
    elsewhere = bundle("http://two.example/fhir/Patient/p", "http://three.example/fhir/Patient/p")
    (issue,) = [i for i in _issues(elsewhere) if i.location == where]
    assert issue.rule == "reference.ambiguous" and issue.severity == Severity.WARNING


def test_a_slice_typed_by_an_element_of_another_profile(defs: LayeredDefinitions) -> None:
    def composition(*sections: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "Composition",
            "status": "final",
            "type": {"text": "plan"},
            "date": "2024-01-01",
            "author": [{"display": "A. Author"}],
            "title": "Plan",
            "section": list(sections),
        }

    text = {"status": "generated", "div": PLAIN}
    plan = {
        "code": {"coding": [{"system": "http://example.org/sections", "code": "plan"}]},
        "title": "Plan",
        "text": text,
    }
    assert not _errors(composition(plan), defs, "PlannedDocument")
    untitled = {"code": plan["code"], "text": text}
    found = _errors(composition(untitled), defs, "PlannedDocument")
    assert ("profile.cardinality", "Composition.section[0].title") in found
    other = {"code": {"coding": [{"system": "http://example.org/sections", "code": "other"}]}, "text": text}
    found = _errors(composition(other), defs, "PlannedDocument")
    assert ("profile.slice-closed", "Composition.section[0]") in found and (
        "profile.slice",
        "Composition.section",
    ) in found


def test_profile_constraints_on_primitive_elements(defs: LayeredDefinitions) -> None:
    def patient(given: str, born: str) -> dict[str, Any]:
        return {"resourceType": "Patient", "name": [{"given": [given]}], "birthDate": born}

    assert not _errors(patient("Jo", "2001-02-03"), defs, "NoInitials")
    assert ("agree-2", "Patient.name[0].given[0]") in _errors(patient("J", "2001-02-03"), defs, "NoInitials")
    assert ("agree-3", "Patient.birthDate") in _errors(patient("Jo", "2001-02"), defs, "NoInitials")


def test_structure_definition_discriminator_paths() -> None:
    def sliced(path: str) -> dict[str, Any]:
        return _profile(
            "Sliced",
            "Patient",
            [
                {
                    "id": "Patient.extension",
                    "path": "Patient.extension",
                    "slicing": {"discriminator": [{"type": "value", "path": path}], "rules": "open"},
                },
                {
                    "id": "Patient.identifier",
                    "path": "Patient.identifier",
                    "slicing": {"discriminator": [{"type": "value", "path": "system"}], "rules": "open"},
                },
            ],
        )

    assert not _sd_errors(sliced("url"))
    assert not _sd_errors(sliced("value.code"))
    at = "StructureDefinition.differential.element[1].slicing.discriminator[0]"
    assert ("structuredefinition", at) in _sd_errors(sliced("type"))


def test_inherited_obligations_name_obligation_profiles_on_the_same_base(tmp_path: Path) -> None:
    flag = {"url": SD + "obligation-profile", "valueBoolean": True}
    duties = {**_profile("Duties", "Patient", []), "extension": [flag]}
    plain = _profile("Plain", "Patient", [])
    other_base = {**_profile("OtherBase", "Observation", []), "extension": [flag]}
    root = tmp_path / "example.duties#0.1.0" / "package"
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "example.duties", "version": "0.1.0"}))
    for i, res in enumerate((duties, plain, other_base)):
        (root / f"StructureDefinition-{i}.json").write_text(json.dumps(res))
    pkg = PackageDefinitions(
        InstalledPackage("example.duties", "0.1.0", root.parent), folder=tmp_path / "compiled"
    )
    defs = LayeredDefinitions(load_definitions(), [pkg])

    def inheriting(name: str) -> dict[str, Any]:
        ext = {"url": SD + "inherit-obligations", "valueCanonical": f"{BASE}/StructureDefinition/{name}"}
        return {**_profile("Inheriting", "Patient", []), "extension": [ext]}

    at = ("structuredefinition", "StructureDefinition.extension[0]")
    assert at not in _errors(inheriting("Duties"), defs)
    assert at in _errors(inheriting("Plain"), defs)
    assert at in _errors(inheriting("OtherBase"), defs)


def test_date_limits_given_as_durations_from_the_day_of_validation() -> None:
    from datetime import date

    from fhirconv.validate.profile_rules import duration_limit

    today = date(2026, 3, 15)
    century = {"value": 100, "unit": "years", "system": "http://unitsofmeasure.org", "code": "a"}
    assert duration_limit("1900-01-01", century, "min", today)  # more than 100 years back
    assert duration_limit("1930-01-01", century, "min", today) is None
    assert duration_limit("1926", century, "min", today) is None  # the year reaches into the window
    assert duration_limit("1925", century, "min", today)
    weeks = {"value": 2, "code": "wk"}
    assert duration_limit("2026-04-01", weeks, "max", today)
    assert duration_limit("2026-03-20T10:00:00Z", weeks, "max", today) is None
    assert duration_limit("2026-13-01", weeks, "max", today) is None  # no calendar date: not judged here


def test_cli_unknown_profile_policy(tmp_path: Path) -> None:
    """`validate` warns on an unresolvable claim by default and fails on it with --unknown-profile error."""
    from typer.testing import CliRunner

    from fhirconv.cli.app import app

    bundle = tmp_path / "p.json"
    claim = {
        "resourceType": "Patient",
        "meta": {"profile": ["http://example.org/nowhere/StructureDefinition/P"]},
    }
    bundle.write_text(json.dumps(claim), encoding="utf-8")
    runner = CliRunner()
    default = runner.invoke(app, ["validate", str(bundle), "--format", "json"])
    assert default.exit_code == 0, default.output
    assert "profile.unknown" in default.output
    strict = runner.invoke(app, ["validate", str(bundle), "--unknown-profile", "error", "--format", "json"])
    assert strict.exit_code == 1, strict.output
    assert "profile.unknown" in strict.output
    bad = runner.invoke(app, ["validate", str(bundle), "--unknown-profile", "fatal"])
    assert bad.exit_code == 2
