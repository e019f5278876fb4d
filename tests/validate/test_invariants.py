"""FHIRPath invariants of the R4 definitions: one small resource per rule family, each with a valid twin.

Runs against the real installed definitions (``fhirconv definitions install``); every expected location
and rule below was worked out from the R4 constraint text, not copied from the checker's output.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from support import require_shared

from fhirconv.validate import invariants as inv
from fhirconv.validate.invariants import InvariantChecker, html_checks
from fhirconv.validate.issues import Issue, Severity
from fhirconv.validate.protocols import Context


@pytest.fixture(scope="module")
def checker(definitions: Any) -> InvariantChecker:
    return InvariantChecker(definitions)


def _resources(res: dict[str, Any], loc: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Root, contained and Bundle entries, as the chain hands them to checkers."""
    yield res, loc
    contained = res.get("contained")
    for i, c in enumerate(contained if isinstance(contained, list) else []):
        if isinstance(c, dict):
            yield from _resources(c, f"{loc}.contained[{i}]")
    entries = res.get("entry")
    for i, e in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(e, dict) and isinstance(e.get("resource"), dict):
            yield from _resources(e["resource"], f"{loc}.entry[{i}].resource")


def check(checker: InvariantChecker, definitions: Any, res: dict[str, Any]) -> list[Issue]:
    ctx = Context(definitions, None, res)  # type: ignore[arg-type]  # invariants need no terminology
    out: list[Issue] = []
    for r, loc in _resources(res, res["resourceType"]):
        out.extend(checker.check_resource(r, loc, ctx))
    return out


def errors(issues: list[Issue]) -> set[tuple[str | None, str]]:
    return {(i.rule, i.location) for i in issues if i.is_error}


def by_rule(issues: list[Issue], rule: str) -> list[Issue]:
    return [i for i in issues if i.rule == rule]


OBS: dict[str, Any] = {
    "resourceType": "Observation",
    "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">Hb 12 g/dL</div>'},
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}], "text": "Hemoglobin"},
    "valueQuantity": {"value": 12, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"},
}


def test_valid_observation_has_no_issues(checker: InvariantChecker, definitions: Any) -> None:
    assert check(checker, definitions, OBS) == []


def test_obs6_data_absent_reason_with_value(checker: InvariantChecker, definitions: Any) -> None:
    res = copy.deepcopy(OBS)
    res["dataAbsentReason"] = {"text": "not performed"}
    issues = check(checker, definitions, res)
    assert errors(issues) == {("obs-6", "Observation")}
    del res["valueQuantity"]
    assert errors(check(checker, definitions, res)) == set()


def test_obs7_component_code_same_as_observation_code(checker: InvariantChecker, definitions: Any) -> None:
    res = copy.deepcopy(OBS)
    res["component"] = [{"code": copy.deepcopy(OBS["code"]), "valueString": "x"}]
    assert errors(check(checker, definitions, res)) == {("obs-7", "Observation")}
    res["component"][0]["code"] = {"coding": [{"system": "http://loinc.org", "code": "789-8"}]}
    assert errors(check(checker, definitions, res)) == set()


def test_obs3_reference_range_inside_a_bundle_entry(checker: InvariantChecker, definitions: Any) -> None:
    bad = copy.deepcopy(OBS)
    bad["referenceRange"] = [{"low": {"value": 12}}, {"type": {"text": "normal"}}]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:0b5c5a1e-0000-4000-8000-000000000001", "resource": copy.deepcopy(OBS)},
            {"fullUrl": "urn:uuid:0b5c5a1e-0000-4000-8000-000000000002", "resource": copy.deepcopy(OBS)},
            {"fullUrl": "urn:uuid:0b5c5a1e-0000-4000-8000-000000000003", "resource": bad},
        ],
    }
    assert errors(check(checker, definitions, bundle)) == {
        ("obs-3", "Bundle.entry[2].resource.referenceRange[1]")
    }


def test_ele1_empty_elements_at_their_location(checker: InvariantChecker, definitions: Any) -> None:
    res = copy.deepcopy(OBS)
    res["component"] = [
        {"code": {"text": "systolic"}, "valueQuantity": {"value": 120}},
        {"code": {"text": "diastolic"}, "valueQuantity": {}},
    ]
    res["_status"] = {"id": "s1"}  # an element with only an id has neither value nor children
    found = errors(check(checker, definitions, res))
    assert ("ele-1", "Observation.component[1].valueQuantity") in found
    assert ("ele-1", "Observation.component[0].valueQuantity") not in found
    res2 = copy.deepcopy(OBS)
    res2["identifier"] = [{"value": "a"}]
    res2["_effectiveDateTime"] = {"id": "x"}
    assert ("ele-1", "Observation.effectiveDateTime") in errors(check(checker, definitions, res2))


def test_ele1_primitive_array_null_without_extension(checker: InvariantChecker, definitions: Any) -> None:
    pat: dict[str, Any] = {"resourceType": "Patient", "name": [{"given": ["Ann", None]}]}
    assert ("ele-1", "Patient.name[0].given[1]") in errors(check(checker, definitions, pat))
    pat["name"][0]["_given"] = [None, {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}]
    assert errors(check(checker, definitions, pat)) == set()


def test_ext1_value_and_extensions_together(checker: InvariantChecker, definitions: Any) -> None:
    pat: dict[str, Any] = {
        "resourceType": "Patient",
        "extension": [
            {"url": "http://example.org/ok", "valueString": "fine"},
            {
                "url": "http://example.org/bad",
                "valueString": "x",
                "extension": [{"url": "part", "valueCode": "y"}],
            },
        ],
    }
    assert errors(check(checker, definitions, pat)) == {("ext-1", "Patient.extension[1]")}
    pat["extension"][1] = {"url": "http://example.org/none"}
    assert errors(check(checker, definitions, pat)) == {("ext-1", "Patient.extension[1]")}


def test_bdl7_duplicate_full_urls(checker: InvariantChecker, definitions: Any) -> None:
    url = "urn:uuid:6b7c6f0e-0000-4000-8000-00000000000a"
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": url, "resource": {"resourceType": "Patient", "active": True}},
            {"fullUrl": url, "resource": {"resourceType": "Patient", "active": False}},
        ],
    }
    assert errors(check(checker, definitions, bundle)) == {("bdl-7", "Bundle")}
    bundle["entry"][1]["fullUrl"] = url[:-1] + "b"
    assert errors(check(checker, definitions, bundle)) == set()


def test_bdl3_transaction_entry_without_request(checker: InvariantChecker, definitions: Any) -> None:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:6b7c6f0e-0000-4000-8000-00000000000c",
                "resource": {"resourceType": "Patient", "active": True},
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": "urn:uuid:6b7c6f0e-0000-4000-8000-00000000000d",
                "resource": {"resourceType": "Patient", "active": True},
            },
        ],
    }
    assert errors(check(checker, definitions, bundle)) == {("bdl-3", "Bundle")}
    bundle["entry"][1]["request"] = {"method": "POST", "url": "Patient"}
    assert errors(check(checker, definitions, bundle)) == set()


def test_dom3_unreferenced_contained_and_dom2(checker: InvariantChecker, definitions: Any) -> None:
    res = copy.deepcopy(OBS)
    res["contained"] = [{"resourceType": "Patient", "id": "p1", "active": True}]
    issues = check(checker, definitions, res)
    assert errors(issues) == {("dom-3", "Observation")}
    assert "p1" in by_rule(issues, "dom-3")[0].message
    res["subject"] = {"reference": "#p1"}
    assert errors(check(checker, definitions, res)) == set()
    res["contained"][0]["contained"] = [{"resourceType": "Organization", "id": "o1", "name": "x"}]
    res["contained"][0]["managingOrganization"] = {"reference": "#o1"}
    assert ("dom-2", "Observation") in errors(check(checker, definitions, res))


def test_ref1_contained_reference_resolves_against_the_container(
    checker: InvariantChecker, definitions: Any
) -> None:
    res: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "#p1"},
        "contained": [
            {"resourceType": "Patient", "id": "p1", "active": True},
            {
                "resourceType": "Goal",
                "id": "g1",
                "lifecycleStatus": "active",
                "description": {"text": "walk"},
                "subject": {"reference": "#p1"},
            },
        ],
        "goal": [{"reference": "#g1"}],
    }
    assert errors(check(checker, definitions, res)) == set()
    res["contained"][1]["subject"] = {"reference": "#nobody"}
    assert errors(check(checker, definitions, res)) == {("ref-1", "CarePlan.contained[1].subject")}


def test_con4_and_con5(checker: InvariantChecker, definitions: Any) -> None:
    clinical = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": clinical, "code": "active"}]},
        "code": {"text": "fever"},
        "subject": {"reference": "Patient/1"},
        "abatementString": "gone",
    }
    assert errors(check(checker, definitions, cond)) == {("con-4", "Condition")}
    cond["clinicalStatus"]["coding"][0]["code"] = "resolved"
    assert errors(check(checker, definitions, cond)) == set()
    cond["verificationStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "entered-in-error",
            }
        ]
    }
    assert errors(check(checker, definitions, cond)) == {("con-5", "Condition")}


def test_mad1_dosage_without_dose_or_rate(checker: InvariantChecker, definitions: Any) -> None:
    mad: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": {"text": "aspirin"},
        "subject": {"reference": "Patient/1"},
        "effectiveDateTime": "2020-01-01",
        "dosage": {"route": {"text": "oral"}},
    }
    assert errors(check(checker, definitions, mad)) == {("mad-1", "MedicationAdministration.dosage")}
    mad["dosage"]["dose"] = {"value": 100, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
    assert errors(check(checker, definitions, mad)) == set()


def test_datatype_invariants_per1_qty3_rng2(checker: InvariantChecker, definitions: Any) -> None:
    enc: dict[str, Any] = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "period": {"start": "2020-01-05", "end": "2020-01-02"},
    }
    assert errors(check(checker, definitions, enc)) == {("per-1", "Encounter.period")}
    enc["period"]["end"] = "2020-01-09"
    assert errors(check(checker, definitions, enc)) == set()

    res = copy.deepcopy(OBS)
    res["valueQuantity"] = {"value": 1, "code": "mg"}  # a code needs its system
    assert errors(check(checker, definitions, res)) == {("qty-3", "Observation.valueQuantity")}

    res = copy.deepcopy(OBS)
    del res["valueQuantity"]
    res["valueRange"] = {"low": {"value": 5, "unit": "mg"}, "high": {"value": 2, "unit": "mg"}}
    assert errors(check(checker, definitions, res)) == {("rng-2", "Observation.valueRange")}
    res["valueRange"]["high"]["value"] = 7
    assert errors(check(checker, definitions, res)) == set()


def test_per1_compares_dates_by_fhirpath_precision(checker: InvariantChecker, definitions: Any) -> None:
    """FHIRPath compares date/dateTime field by field, not as strings; differing precision is unknown
    (empty), which does not satisfy the constraint (the HL7 validator reports per-1 for the official test
    case ``encounter-period``: start 2023-06-21, end 2023-06-21T06:20:00Z)."""
    enc: dict[str, Any] = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "period": {"start": "2023-06-21", "end": "2023-06-21T06:20:00Z"},
    }
    assert errors(check(checker, definitions, enc)) == {("per-1", "Encounter.period")}
    # as strings '2023-06-21T10:00:00+05:00' > '2023-06-21T06:20:00Z', as instants 05:00Z < 06:20Z
    enc["period"] = {"start": "2023-06-21T10:00:00+05:00", "end": "2023-06-21T06:20:00Z"}
    assert errors(check(checker, definitions, enc)) == set()
    enc["period"] = {"start": "2023-06-21T07:00:00Z", "end": "2023-06-21T06:20:00Z"}
    assert errors(check(checker, definitions, enc)) == {("per-1", "Encounter.period")}
    enc["period"] = {"start": "2023-06-20", "end": "2023-06-21T06:20:00Z"}  # decided at day precision
    assert errors(check(checker, definitions, enc)) == set()
    enc["period"] = {"start": "2023-06", "end": "2023-06-21"}  # unknown again
    assert errors(check(checker, definitions, enc)) == {("per-1", "Encounter.period")}


def test_que12_counts_from_two_enable_when(checker: InvariantChecker, definitions: Any) -> None:
    """R4 publishes ``enableWhen.count() > 2``; its text and R4B/R5 say more than one, as the HL7 validator
    evaluates it."""
    when = {"question": "1", "operator": "exists", "answerBoolean": True}
    q: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "status": "draft",
        "item": [
            {"linkId": "1", "type": "boolean", "text": "a?"},
            {"linkId": "2", "type": "boolean", "text": "b?", "enableWhen": [when, dict(when)]},
        ],
    }
    assert errors(check(checker, definitions, q)) == {("que-12", "Questionnaire.item[1]")}
    q["item"][1]["enableBehavior"] = "any"
    assert errors(check(checker, definitions, q)) == set()
    del q["item"][1]["enableBehavior"]
    q["item"][1]["enableWhen"] = [when]
    assert errors(check(checker, definitions, q)) == set()
    # que-7: 'exists' takes a boolean answer (a FHIR boolean counts, a string does not)
    q["item"][1]["enableWhen"] = [{"question": "1", "operator": "exists", "answerString": "yes"}]
    assert errors(check(checker, definitions, q)) == {("que-7", "Questionnaire.item[1].enableWhen[0]")}


def test_ctm1_resolve_inside_the_bundle(checker: InvariantChecker, definitions: Any) -> None:
    team: dict[str, Any] = {
        "resourceType": "CareTeam",
        "participant": [
            {"member": {"reference": "urn:uuid:aa"}, "onBehalfOf": {"reference": "urn:uuid:bb"}},
        ],
    }
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:cc", "resource": team},
            {"fullUrl": "urn:uuid:aa", "resource": {"resourceType": "Patient", "active": True}},
            {"fullUrl": "urn:uuid:bb", "resource": {"resourceType": "Organization", "name": "x"}},
        ],
    }
    assert errors(check(checker, definitions, bundle)) == {
        ("ctm-1", "Bundle.entry[0].resource.participant[0]")
    }
    bundle["entry"][1]["resource"] = {"resourceType": "Practitioner", "active": True}
    assert errors(check(checker, definitions, bundle)) == set()


def test_narrative_txt1_txt2(checker: InvariantChecker, definitions: Any) -> None:
    pat: dict[str, Any] = {
        "resourceType": "Patient",
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>x</div>',
        },
    }
    assert errors(check(checker, definitions, pat)) == {("txt-1", "Patient.text.div")}
    pat["text"]["div"] = '<div xmlns="http://www.w3.org/1999/xhtml">  </div>'
    assert errors(check(checker, definitions, pat)) == {("txt-2", "Patient.text.div")}
    pat["text"]["div"] = '<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">Ann</p></div>'
    assert errors(check(checker, definitions, pat)) == {("txt-1", "Patient.text.div")}
    pat["text"]["div"] = '<div xmlns="http://www.w3.org/1999/xhtml"><p class="a">Ann <b>Lee</b></p></div>'
    assert errors(check(checker, definitions, pat)) == set()
    assert html_checks("<div>no namespace</div>")[0] is not None


def test_dom6_warning_not_error(checker: InvariantChecker, definitions: Any) -> None:
    issues = check(checker, definitions, {"resourceType": "Patient", "active": True})
    assert [(i.severity, i.rule, i.location) for i in issues] == [(Severity.WARNING, "dom-6", "Patient")]


class _WithExtraConstraint:
    """The real definitions, with one constraint added to Patient (as a profile or a later release might)."""

    def __init__(self, base: Any, expression: str) -> None:
        self.base = base
        self.expression = expression

    def structure_definition(self, url_or_type: str) -> dict[str, Any] | None:
        sd = self.base.structure_definition(url_or_type)
        if sd is not None and sd.get("type") == "Patient" and sd.get("derivation") == "specialization":
            sd = copy.deepcopy(sd)
            sd["snapshot"]["element"][0].setdefault("constraint", []).append(
                {"key": "tst-1", "severity": "error", "human": "test", "expression": self.expression}
            )
        return sd  # type: ignore[no-any-return]

    def value_set(self, url: str) -> dict[str, Any] | None:
        return self.base.value_set(url)  # type: ignore[no-any-return]

    def code_system(self, url: str) -> dict[str, Any] | None:
        return self.base.code_system(url)  # type: ignore[no-any-return]

    def resource_types(self) -> frozenset[str]:
        return self.base.resource_types()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "expression",
    [
        "gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')",  # not in fhirpathpy
        "conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')",  # not in fhirpathpy
        "name.given.first() <= birthDate.foo(",  # cannot parse
    ],
)
def test_unevaluable_constraint_is_information_not_silence(definitions: Any, expression: str) -> None:
    extra = _WithExtraConstraint(definitions, expression)
    pat: dict[str, Any] = {"resourceType": "Patient", "gender": "male", "text": copy.deepcopy(OBS["text"])}
    issues = check(InvariantChecker(extra), extra, pat)
    tst = by_rule(issues, "tst-1")
    assert len(tst) == 1
    assert tst[0].severity is Severity.INFORMATION and tst[0].location == "Patient"
    assert "not checked" in tst[0].message


def test_evaluable_added_constraint_fires(definitions: Any) -> None:
    extra = _WithExtraConstraint(definitions, "gender.exists()")
    pat: dict[str, Any] = {"resourceType": "Patient", "active": True, "text": copy.deepcopy(OBS["text"])}
    assert errors(check(InvariantChecker(extra), extra, pat)) == {("tst-1", "Patient")}


def test_no_printing_from_trace(
    checker: InvariantChecker, definitions: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    res = copy.deepcopy(OBS)
    res["contained"] = [{"resourceType": "Patient", "id": "p1", "active": True}]
    res["subject"] = {"reference": "#p1"}
    check(checker, definitions, res)
    assert capsys.readouterr().out == ""


def _examples() -> list[tuple[str, dict[str, Any]]]:
    folder = require_shared("fhir-r4", "examples")
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


@pytest.mark.shared
def test_official_examples_have_no_invariant_errors(checker: InvariantChecker, definitions: Any) -> None:
    examples = _examples()
    assert len(examples) == 527
    found = [
        (name, i.rule, i.location, i.message)
        for name, res in examples
        for i in check(checker, definitions, res)
        if i.is_error or i.severity is Severity.INFORMATION
    ]
    assert found == []


@pytest.mark.shared
def test_absent_name_shortcut_agrees_with_full_evaluation(
    definitions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reusing results (on absent members, memoised by primitive values or by presence) changes no verdict."""
    examples = _examples()[::2]
    # Provoke failures too: the same resources with a few invariants broken.
    for _name, res in examples:
        if res.get("resourceType") == "Observation":
            res["dataAbsentReason"] = {"text": "x"}
        if res.get("resourceType") == "Bundle":
            res["total"] = 1
            if res.get("entry"):
                res["entry"][-1] = {"fullUrl": "urn:uuid:0f0e0d0c-0000-4000-8000-000000000001"}  # bdl-5
    fast = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in examples]
    inv._compile.cache_clear()
    original = inv._compile.__wrapped__

    def no_shortcut(expression: str) -> inv._Compiled:
        compiled = original(expression)
        compiled.focus_free = False
        return compiled

    monkeypatch.setattr(inv, "_compile", no_shortcut)
    slow = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in examples]
    assert fast == slow
    assert any(issues for _n, issues in fast if any(i.is_error for i in issues))


def test_constraint_on_a_primitive_element_eld3(checker: InvariantChecker, definitions: Any) -> None:
    sd: dict[str, Any] = {
        "resourceType": "StructureDefinition",
        "text": copy.deepcopy(OBS["text"]),
        "url": "http://example.org/StructureDefinition/x",
        "name": "X",
        "status": "draft",
        "kind": "resource",
        "abstract": False,
        "type": "Patient",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
        "derivation": "constraint",
        "differential": {
            "element": [{"path": "Patient.name", "max": "1"}, {"path": "Patient.gender", "max": "-1"}]
        },
    }
    assert ("eld-3", "StructureDefinition.differential.element[1].max") in errors(
        check(checker, definitions, sd)
    )
    sd["differential"]["element"][1]["max"] = "*"
    assert "eld-3" not in {rule for rule, _ in errors(check(checker, definitions, sd))}


def _contract_bundle() -> dict[str, Any]:
    """A transaction bundle shaped like `fhirconv convert` output (see the pipeline contract)."""
    doc_id, pat_id, obs_id, prov_id = (
        f"urn:uuid:7d9f0c2e-0000-5000-8000-00000000000{i}" for i in range(1, 5)
    )
    ident: dict[str, Any] = {"system": "urn:ietf:rfc:3986"}

    def derivation(path: str, offset: int, length: int) -> dict[str, Any]:
        return {
            "url": "http://hl7.org/fhir/StructureDefinition/derivation-reference",
            "extension": [
                {"url": "reference", "valueReference": {"reference": doc_id}},
                {"url": "path", "valueString": path},
                {"url": "offset", "valueInteger": offset},
                {"url": "length", "valueInteger": length},
            ],
        }

    def entry(full: str, res: dict[str, Any]) -> dict[str, Any]:
        return {
            "fullUrl": full,
            "resource": res,
            "request": {
                "method": "POST",
                "url": res["resourceType"],
                "ifNoneExist": f"identifier=urn:ietf:rfc:3986|{full}",
            },
        }

    div = '<div xmlns="http://www.w3.org/1999/xhtml">generated</div>'
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(
                doc_id,
                {
                    "resourceType": "DocumentReference",
                    "identifier": [{**ident, "value": doc_id}],
                    "status": "current",
                    "text": {"status": "generated", "div": div},
                    "content": [
                        {"attachment": {"contentType": "text/plain; charset=utf-8", "data": "QSA0NS15ZWFy"}}
                    ],
                },
            ),
            entry(
                pat_id,
                {
                    "resourceType": "Patient",
                    "identifier": [{**ident, "value": pat_id}],
                    "text": {"status": "generated", "div": div},
                    "gender": "male",
                    "extension": [derivation("Patient.gender", 9, 3)],
                },
            ),
            entry(
                obs_id,
                {
                    "resourceType": "Observation",
                    "identifier": [{**ident, "value": obs_id}],
                    "text": {"status": "generated", "div": div},
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0"}], "text": "Age"},
                    "subject": {"reference": pat_id},
                    "valueQuantity": {
                        "value": 45,
                        "unit": "a",
                        "system": "http://unitsofmeasure.org",
                        "code": "a",
                    },
                    "extension": [derivation("Observation.value[x]", 2, 7)],
                },
            ),
            {
                "fullUrl": prov_id,
                "resource": {
                    "resourceType": "Provenance",
                    "meta": {"tag": [{"system": "urn:fhirconv:id", "code": prov_id[9:]}]},
                    "text": {"status": "generated", "div": div},
                    "target": [{"reference": pat_id}, {"reference": obs_id}],
                    "recorded": "2020-01-01T00:00:00Z",
                    "agent": [{"who": {"display": "fhirconv"}}],
                },
                "request": {
                    "method": "POST",
                    "url": "Provenance",
                    "ifNoneExist": f"_tag=urn:fhirconv:id|{prov_id[9:]}",
                },
            },
        ],
    }


def test_convert_contract_bundle_passes_invariants_and_bindings(
    checker: InvariantChecker, definitions: Any
) -> None:
    from fhirconv.validate.bindings import BindingChecker
    from fhirconv.validate.terminology import LocalTerminology

    bundle = _contract_bundle()
    assert [i for i in check(checker, definitions, bundle) if i.severity is not Severity.INFORMATION] == []
    term = LocalTerminology(definitions)
    binder = BindingChecker(definitions, term)
    ctx = Context(definitions, term, bundle)
    issues = [i for r, loc in _resources(bundle, "Bundle") for i in binder.check_resource(r, loc, ctx)]
    assert [i for i in issues if i.is_error] == []
    # the same bundle with one entry's request dropped breaks bdl-3 at the bundle
    del bundle["entry"][2]["request"]
    assert errors(check(checker, definitions, bundle)) == {("bdl-3", "Bundle")}


def _mutate(node: Any, rng: Any) -> Any:
    """Replace a few values with values of the wrong JSON type, keeping resourceType."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k != "resourceType" and rng.random() < 0.08:
                out[k] = rng.choice(
                    [None, 7, "text", [], {}, [None], [{"x": 1}], {"extension": 3}, True, 1.5]
                )
            else:
                out[k] = _mutate(v, rng)
        return out
    if isinstance(node, list):
        return [_mutate(v, rng) for v in node]
    return node


@pytest.mark.shared
def test_wrongly_typed_input_never_crashes_the_checker(checker: InvariantChecker, definitions: Any) -> None:
    """Garbage in must give findings (or none), never an exception that would hide the rest of a report."""
    import random

    rng = random.Random(20261125)
    examples = _examples()[::9]
    for name, res in examples:
        for _ in range(3):
            mutated = _mutate(res, rng)
            for r, loc in _resources(mutated, mutated["resourceType"]):
                if not isinstance(r, dict) or not isinstance(r.get("resourceType"), str):
                    continue
                issues = list(checker.check_resource(r, loc, Context(definitions, None, mutated)))  # type: ignore[arg-type]
                assert all(i.location.startswith(loc) for i in issues), name


@pytest.mark.parametrize(
    ("bundle", "expected"),
    [
        (
            {
                "resourceType": "Bundle",
                "type": "document",
                "identifier": {"system": "urn:x", "value": "1"},
                "timestamp": "2020-01-01T00:00:00Z",
                "entry": [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "active": True}}],
            },
            {("bdl-11", "Bundle")},
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "document",
                "entry": [
                    {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Composition", "status": "final"}}
                ],
            },
            {("bdl-9", "Bundle"), ("bdl-10", "Bundle")},
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "message",
                "entry": [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "active": True}}],
            },
            {("bdl-12", "Bundle")},
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "total": 1,
                "entry": [
                    {
                        "fullUrl": "http://x.org/Patient/1/_history/2",
                        "resource": {"resourceType": "Patient", "active": True},
                    }
                ],
            },
            {("bdl-1", "Bundle"), ("bdl-8", "Bundle.entry[0]")},
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "document",
                "identifier": {"system": "urn:x", "value": "1"},
                "timestamp": "2020-01-01T00:00:00Z",
                "entry": [
                    {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Composition", "status": "final"}}
                ],
            },
            set(),
        ),
    ],
)
def test_bundle_type_rules(
    checker: InvariantChecker, definitions: Any, bundle: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    ctx = Context(definitions, None, bundle)  # type: ignore[arg-type]
    assert errors(list(checker.check_resource(bundle, "Bundle", ctx))) == expected


def test_nested_items_through_content_reference(checker: InvariantChecker, definitions: Any) -> None:
    """Questionnaire.item.item is defined by contentReference to Questionnaire.item: same rules inside."""
    q: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "text": copy.deepcopy(OBS["text"]),
        "status": "draft",
        "item": [
            {
                "linkId": "1",
                "type": "group",
                "item": [
                    {"linkId": "1.1", "type": "group"},  # que-1: a group needs nested items
                    {"linkId": "1.2", "type": "display", "text": "x", "required": True},  # que-6
                ],
            },
        ],
    }
    assert errors(check(checker, definitions, q)) == {
        ("que-1", "Questionnaire.item[0].item[0]"),
        ("que-6", "Questionnaire.item[0].item[1]"),
    }
    q["item"][0]["item"] = [{"linkId": "1.1", "type": "string", "text": "name?"}]
    assert errors(check(checker, definitions, q)) == set()


def test_dom4_dom5_meta_of_contained_resources(checker: InvariantChecker, definitions: Any) -> None:
    res = copy.deepcopy(OBS)
    res["subject"] = {"reference": "#p1"}
    res["contained"] = [{"resourceType": "Patient", "id": "p1", "active": True, "meta": {"versionId": "3"}}]
    assert errors(check(checker, definitions, res)) == {("dom-4", "Observation")}
    res["contained"][0]["meta"] = {"security": [{"system": "http://example.org/s", "code": "R"}]}
    assert errors(check(checker, definitions, res)) == {("dom-5", "Observation")}
    res["contained"][0]["meta"] = {"tag": [{"system": "http://example.org/t", "code": "x"}]}  # tags are fine
    assert errors(check(checker, definitions, res)) == set()


@pytest.mark.shared
def test_python_rules_agree_with_the_official_expressions(
    definitions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ref-1 and dom-2/4/5/6 run in Python for speed; fhirpathpy on their R4 expressions must agree."""
    examples = _examples()[::3]
    for k, (_name, res) in enumerate(examples):
        if k % 2:
            res["contained"] = [
                *res.get("contained", []),
                {
                    "resourceType": "Patient",
                    "id": "zz1",
                    "active": True,
                    "meta": {"versionId": "1"},
                    "contained": [{"resourceType": "Organization", "id": "o", "name": "x"}],
                },
                {
                    "resourceType": "Patient",
                    "id": "zz2",
                    "active": True,
                    "meta": {"security": [{"system": "urn:s", "code": "R"}]},
                },
            ]
            res["extension"] = [
                *res.get("extension", []),
                {"url": "http://example.org/a", "valueReference": {"reference": "#zz1"}},
                {"url": "http://example.org/b", "valueReference": {"reference": "#nope"}},
            ]
        if k % 3 == 0:
            res.pop("text", None)
    python = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in examples]
    monkeypatch.setattr(inv, "_NATIVE", inv._NATIVE - {"ref-1", "dom-2", "dom-4", "dom-5", "dom-6"})
    engine = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in examples]

    def verdicts(runs: list[tuple[str, list[Issue]]]) -> list[tuple[str, str | None, str, Severity]]:
        return sorted((n, i.rule, i.location, i.severity) for n, issues in runs for i in issues)

    assert verdicts(python) == verdicts(engine)
    rules = {rule for _n, rule, _loc, _sev in verdicts(python)}
    assert {"ref-1", "dom-2", "dom-4", "dom-5", "dom-6"} <= rules


def _shortcut_inputs() -> list[tuple[str, dict[str, Any]]]:
    """Official Bundles, Observations and Period holders, plus variants that break bdl-3/4/7, obs-7, per-1."""
    chosen = [
        (n, r)
        for n, r in _examples()
        if r["resourceType"] in ("Bundle", "Observation", "RiskAssessment") or '"start"' in json.dumps(r)
    ]
    variants: list[tuple[str, dict[str, Any]]] = []
    for n, r in chosen:
        if r["resourceType"] == "Bundle" and r.get("entry"):
            for btype in (
                "transaction",
                "batch-response",
                "history",
                "collection",
                "document",
                "message",
                None,
            ):
                v = copy.deepcopy(r)
                if btype is None:
                    v.pop("type", None)
                else:
                    v["type"] = btype
                v["entry"].append(copy.deepcopy(v["entry"][0]))  # duplicate fullUrl (bdl-7)
                variants.append((f"{n}+{btype}", v))
        if r["resourceType"] == "Observation" and "component" in r:
            v = copy.deepcopy(r)
            v["valueString"] = "x"
            v["component"][0]["code"] = copy.deepcopy(v["code"])  # obs-7
            variants.append((f"{n}+obs7", v))
    ucum = "http://unitsofmeasure.org"
    for low, high in [  # ras-1: a probability range in percent
        ({"value": 10, "code": "%", "system": ucum}, {"value": 20, "code": "%", "system": ucum}),
        ({"value": 10, "code": "%", "system": ucum}, None),
        (None, {"value": 0.2, "code": "1", "system": ucum}),
        ({"value": 10, "code": "%", "system": "http://example.org"}, None),
        ({"value": 10, "code": "%"}, None),
        ({"value": 10, "system": ucum}, {"value": 20, "code": "%", "system": ucum}),
        ({"value": 10, "unit": "percent"}, None),
        ({"value": 10, "code": "%", "system": ucum, "_code": {"extension": []}}, None),
    ]:
        prediction: dict[str, Any] = {"probabilityRange": {}}
        if low is not None:
            prediction["probabilityRange"]["low"] = low
        if high is not None:
            prediction["probabilityRange"]["high"] = high
        variants.append(
            (
                f"range {low}..{high}",
                {
                    "resourceType": "RiskAssessment",
                    "status": "final",
                    "subject": {"reference": "Patient/p"},
                    "prediction": [prediction, {"probabilityDecimal": 0.5}],
                },
            )
        )
    for start, end in [
        ("2023-06-21", "2023-06-21T06:20:00Z"),
        ("2023-06-22", "2023-06-21T06:20:00Z"),
        ("2023-06-21T07:00:00+02:00", "2023-06-21T06:20:00Z"),
        ("2023", "2023-01"),
        ("2024", "2023-01"),
        ("2023-06-21T06:20:00.5Z", "2023-06-21T06:20:00Z"),
        ("2023-06-21T08:20:00+02:00", "2023-06-21T07:20:00+02:00"),
        ("2023-06-21T08:20:00+02:00", "2023-06-21T07:20:00+01:00"),
        ("2023-06-21T08:20:00-02:00", "2023-06-21T07:20:00Z"),
        ("2023-06-21T06:20:00Z", "2023-06-21T06:20:00Z"),
        ("2023-07", "2023-06"),
        ("2023-06-21", "2023-06-20"),
        ("2023-02-30", "2023-02-20"),
        ("2023-06-21T25:20:00Z", "2023-06-21T07:20:00Z"),
        ("not a date", "2023"),
    ]:
        variants.append(
            (
                f"period {start}..{end}",
                {"resourceType": "Encounter", "status": "finished", "period": {"start": start, "end": end}},
            )
        )
    return chosen + variants


@pytest.mark.shared
def test_shortcuts_agree_with_the_engine(definitions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """per-1, bdl-3/4/7/11/12, obs-7 and ras-1 are decided in Python where plain; fhirpathpy must agree
    everywhere."""
    inputs = _shortcut_inputs()
    fast = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in inputs]
    monkeypatch.setattr(inv, "_SHORTCUT_KEYS", frozenset())
    slow = [(n, check(InvariantChecker(definitions), definitions, r)) for n, r in inputs]

    def verdicts(runs: list[tuple[str, list[Issue]]]) -> list[tuple[str, str | None, str, Severity]]:
        return sorted((n, i.rule, i.location, i.severity) for n, issues in runs for i in issues)

    assert verdicts(fast) == verdicts(slow)
    rules = {rule for _n, rule, _loc, _sev in verdicts(fast)}
    assert {"per-1", "bdl-3", "bdl-4", "bdl-7", "bdl-11", "bdl-12", "obs-7", "ras-1"} <= rules


def test_name_constraints_match_the_whole_name(checker: InvariantChecker, definitions: Any) -> None:
    """vsd-0 and its siblings ask for a machine-usable name: the HL7 validator anchors the published
    regex, so 'Example Value Set' fails (a warning), and an absent name passes."""
    vs: dict[str, Any] = {
        "resourceType": "ValueSet",
        "text": copy.deepcopy(OBS["text"]),
        "status": "draft",
        "name": "Example Value Set",
    }
    found = {(i.rule, i.location, i.severity) for i in check(checker, definitions, vs)}
    assert found == {("vsd-0", "ValueSet", Severity.WARNING)}
    vs["name"] = "ExampleValueSet"
    assert check(checker, definitions, vs) == []
    del vs["name"]
    assert check(checker, definitions, vs) == []
