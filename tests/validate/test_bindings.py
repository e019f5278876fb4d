"""Terminology bindings and local value-set expansion against the real installed R4 definitions.

Expected verdicts come from the R4 value sets themselves (e.g. administrative-gender = male | female |
other | unknown), not from the checker's output.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from support import require_shared

from fhirconv.mapping import codes_from_mapping_tables
from fhirconv.validate.bindings import BindingChecker
from fhirconv.validate.issues import Issue, Severity
from fhirconv.validate.protocols import Context
from fhirconv.validate.terminology import LocalTerminology

SNOMED = "http://snomed.info/sct"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
GENDER_VS = "http://hl7.org/fhir/ValueSet/administrative-gender"


@pytest.fixture(scope="module")
def terminology(definitions: Any) -> LocalTerminology:
    return LocalTerminology(definitions)


@pytest.fixture(scope="module")
def checker(definitions: Any, terminology: LocalTerminology) -> BindingChecker:
    return BindingChecker(definitions, terminology)


def check(checker: BindingChecker, definitions: Any, terminology: Any, res: dict[str, Any]) -> list[Issue]:
    ctx = Context(definitions, terminology, res)
    out = list(checker.check_resource(res, res["resourceType"], ctx))
    for i, entry in enumerate(res.get("entry") or []):
        out.extend(checker.check_resource(entry["resource"], f"Bundle.entry[{i}].resource", ctx))
    out.extend(checker.check_root(res, ctx))
    return out


def found(issues: list[Issue], severity: Severity | None = None) -> set[tuple[str | None, str]]:
    return {(i.rule, i.location) for i in issues if severity is None or i.severity is severity}


# -- terminology provider --------------------------------------------------------------------------


def test_whole_code_system_include(terminology: LocalTerminology) -> None:
    gender = "http://hl7.org/fhir/administrative-gender"
    for code in ("male", "female", "other", "unknown"):
        assert terminology.validate_code(GENDER_VS, gender, code) is True
        assert terminology.validate_code(GENDER_VS, None, code) is True
    assert terminology.validate_code(GENDER_VS, gender, "male1") is False
    assert terminology.validate_code(GENDER_VS, None, "Male") is False  # codes are case-sensitive
    assert terminology.validate_code(GENDER_VS, SNOMED, "248153007") is False  # wrong system entirely


def test_is_a_filter_over_a_local_hierarchy(terminology: LocalTerminology) -> None:
    vs = "http://terminology.hl7.org/ValueSet/v3-ActEncounterCode"  # ActCode is-a _ActEncounterCode
    assert terminology.validate_code(vs, ACT_CODE, "AMB") is True
    assert terminology.validate_code(vs, ACT_CODE, "IMP") is True
    assert terminology.validate_code(vs, ACT_CODE, "OPTIN") is False  # an ActCode, not an encounter code


def test_descendent_of_and_is_not_a_filters(terminology: LocalTerminology) -> None:
    mood = "http://terminology.hl7.org/CodeSystem/v3-ActMood"
    inactive = "http://hl7.org/fhir/ValueSet/inactive"  # ActMood descendent-of _ActMoodPredicate
    assert terminology.validate_code(inactive, mood, "GOL") is True
    assert terminology.validate_code(inactive, mood, "RSK.CRT") is True  # a grandchild
    assert terminology.validate_code(inactive, mood, "_ActMoodPredicate") is False  # not itself
    assert terminology.validate_code(inactive, mood, "EVN") is False
    v2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131"
    contact = "http://hl7.org/fhir/ValueSet/patient-contactrelationship"  # v2-0131 is-not-a O
    assert terminology.validate_code(contact, v2_0131, "C") is True
    assert terminology.validate_code(contact, v2_0131, "O") is False


def test_external_systems_are_cannot_tell(terminology: LocalTerminology) -> None:
    vs = "http://hl7.org/fhir/ValueSet/clinical-findings"  # all of SNOMED CT (is-a filter)
    assert terminology.validate_code(vs, SNOMED, "386661006") is None
    assert terminology.knows_system(SNOMED) is False
    assert terminology.knows_system("http://hl7.org/fhir/administrative-gender") is True
    assert terminology.validate_code("http://example.org/no-such-vs", None, "x") is None


def test_local_table_vouches_for_external_codes(definitions: Any) -> None:
    term = LocalTerminology(definitions, local_codes={SNOMED: {"26643006"}})
    vs = "http://hl7.org/fhir/ValueSet/route-codes"
    assert term.validate_code(vs, SNOMED, "26643006") is True
    assert term.validate_code(vs, SNOMED, "12345") is None  # unknown to the table: still cannot tell
    assert term.knows_code(SNOMED, "26643006") is True


def test_codes_from_mapping_tables_reads_the_shipped_route_table() -> None:
    codes = codes_from_mapping_tables()
    assert "26643006" in codes.get(SNOMED, set())  # "oral" in mappings/codes/routes.json


# -- binding checker -------------------------------------------------------------------------------


def test_patient_gender_bad_code(checker: BindingChecker, definitions: Any, terminology: Any) -> None:
    pat: dict[str, Any] = {"resourceType": "Patient", "gender": "male1"}
    issues = check(checker, definitions, terminology, pat)
    assert found(issues, Severity.ERROR) == {("binding", "Patient.gender")}
    assert GENDER_VS in next(i.message for i in issues if i.rule == "binding")
    pat["gender"] = "male"
    assert check(checker, definitions, terminology, pat) == []


def test_required_binding_inside_datatypes(
    checker: BindingChecker, definitions: Any, terminology: Any
) -> None:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Hb"},
        "valueQuantity": {"value": 1, "comparator": "<<"},
    }
    pat: dict[str, Any] = {"resourceType": "Patient", "name": [{"use": "offical", "family": "Lee"}]}
    assert found(check(checker, definitions, terminology, obs), Severity.ERROR) == {
        ("binding", "Observation.valueQuantity.comparator")
    }
    assert found(check(checker, definitions, terminology, pat), Severity.ERROR) == {
        ("binding", "Patient.name[0].use")
    }
    obs["valueQuantity"]["comparator"] = "<="
    obs["status"] = "finalized"
    assert found(check(checker, definitions, terminology, obs), Severity.ERROR) == {
        ("binding", "Observation.status")
    }


def test_required_codeable_concept(checker: BindingChecker, definitions: Any, terminology: Any) -> None:
    system = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
    allergy: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "patient": {"reference": "Patient/1"},
        "clinicalStatus": {"coding": [{"system": system, "code": "active"}]},
    }
    assert found(check(checker, definitions, terminology, allergy), Severity.ERROR) == set()
    allergy["clinicalStatus"] = {"coding": [{"system": "http://example.org/status", "code": "active"}]}
    assert found(check(checker, definitions, terminology, allergy), Severity.ERROR) == {
        ("binding", "AllergyIntolerance.clinicalStatus")
    }
    allergy["clinicalStatus"] = {"text": "active"}  # required: text alone does not do
    assert found(check(checker, definitions, terminology, allergy), Severity.ERROR) == {
        ("binding", "AllergyIntolerance.clinicalStatus")
    }


def test_extensible_is_a_warning(checker: BindingChecker, definitions: Any, terminology: Any) -> None:
    enc: dict[str, Any] = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": ACT_CODE, "code": "OPTIN"},
    }
    issues = check(checker, definitions, terminology, enc)
    assert found(issues, Severity.ERROR) == set()
    assert found(issues, Severity.WARNING) == {("binding", "Encounter.class")}
    enc["class"]["code"] = "AMB"
    assert check(checker, definitions, terminology, enc) == []


def test_unknown_code_in_a_local_code_system(
    checker: BindingChecker, definitions: Any, terminology: Any
) -> None:
    interp = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Hb"},
        "interpretation": [{"coding": [{"system": interp, "code": "H"}, {"system": interp, "code": "ZZZ"}]}],
    }
    assert found(check(checker, definitions, terminology, obs), Severity.ERROR) == {
        ("terminology.unknown-code", "Observation.interpretation[0].coding[1]")
    }


def test_external_codes_get_one_information_issue(
    checker: BindingChecker, definitions: Any, terminology: Any
) -> None:
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "code": {"coding": [{"system": SNOMED, "code": "386661006"}], "text": "fever"},
        "bodySite": [{"coding": [{"system": SNOMED, "code": "368209003"}]}],
        "evidence": [{"code": [{"coding": [{"system": "http://loinc.org", "code": "8310-5"}]}]}],
    }
    issues = check(checker, definitions, terminology, cond)
    unchecked = [i for i in issues if i.rule == "terminology.unchecked"]
    assert len(unchecked) == 1
    assert unchecked[0].severity is Severity.INFORMATION and unchecked[0].location == "Condition"
    assert (
        "http://snomed.info/sct (2)" in unchecked[0].message
        and "http://loinc.org (1)" in unchecked[0].message
    )
    assert not [i for i in issues if i.is_error]
    vouched = LocalTerminology(definitions, local_codes={SNOMED: {"386661006", "368209003"}})
    issues = check(BindingChecker(definitions, vouched), definitions, vouched, cond)
    assert [i.message for i in issues if i.rule == "terminology.unchecked"] == [
        unchecked[0].message.replace(
            "http://loinc.org (1), http://snomed.info/sct (2)", "http://loinc.org (1)"
        )
    ]


def test_unexpandable_required_value_set_is_said(
    checker: BindingChecker, definitions: Any, terminology: Any
) -> None:
    doc: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "status": "current",
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": "aGk="}}],
    }
    issues = check(checker, definitions, terminology, doc)
    assert [(i.severity, i.rule, i.location) for i in issues] == [
        (Severity.INFORMATION, "binding.unchecked", "DocumentReference.content[0].attachment.contentType")
    ]


def test_bundle_entries_are_located(checker: BindingChecker, definitions: Any, terminology: Any) -> None:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collectionx",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "gender": "female"}},
            {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Patient", "gender": "f"}},
        ],
    }
    assert found(check(checker, definitions, terminology, bundle), Severity.ERROR) == {
        ("binding", "Bundle.type"),
        ("binding", "Bundle.entry[1].resource.gender"),
    }


@pytest.mark.shared
def test_official_examples_have_no_binding_errors(
    checker: BindingChecker, definitions: Any, terminology: Any
) -> None:
    folder = require_shared("fhir-r4", "examples")
    paths = sorted(folder.glob("*.json"))
    assert len(paths) == 527
    bad: list[tuple[str, str | None, str, str]] = []
    for path in paths:
        res = json.loads(path.read_text(encoding="utf-8"))
        ctx = Context(definitions, terminology, res)
        stack = [(res, res["resourceType"])]
        while stack:
            r, loc = stack.pop()
            bad.extend(
                (path.name, i.rule, i.location, i.message)
                for i in checker.check_resource(r, loc, ctx)
                if i.is_error
            )
            stack.extend((c, f"{loc}.contained[{k}]") for k, c in enumerate(r.get("contained") or []))
            stack.extend(
                (e["resource"], f"{loc}.entry[{k}].resource")
                for k, e in enumerate(r.get("entry") or [])
                if isinstance(e.get("resource"), dict)
            )
        bad.extend(
            (path.name, i.rule, i.location, i.message) for i in checker.check_root(res, ctx) if i.is_error
        )
    assert bad == []


def test_checker_without_explicit_terminology_uses_local(definitions: Any) -> None:
    pat: dict[str, Any] = {"resourceType": "Patient", "gender": "nope"}
    ctx = Context(definitions, None, pat)  # type: ignore[arg-type]
    issues = list(BindingChecker().check_resource(copy.deepcopy(pat), "Patient", ctx))
    assert [(i.rule, i.location) for i in issues] == [("binding", "Patient.gender")]


def _expansion_of(exp: Any) -> Any:
    return None if exp is None else (frozenset(exp.codes), frozenset(exp.open_systems), exp.complete)


def test_expansions_do_not_depend_on_the_order_they_are_asked_in(definitions: Any) -> None:
    """Every value set of the package expands the same computed first in a fresh provider, after all
    the others, and in a shuffled order (what lets the validator store expansions)."""
    import random

    urls = list(definitions.value_set_urls())
    assert len(urls) > 1000
    first = {url: _expansion_of(LocalTerminology(definitions).expand(url)) for url in urls}
    after_all = LocalTerminology(definitions)
    for url in urls:
        after_all.expand(url)
    assert {url: _expansion_of(after_all.expand(url)) for url in urls} == first
    shuffled = urls[:]
    random.Random(15).shuffle(shuffled)
    in_turn = LocalTerminology(definitions)
    assert {url: _expansion_of(in_turn.expand(url)) for url in shuffled} == first
    assert sum(1 for e in first.values() if e is not None and e[0]) > 1000


class _CycleDefinitions:
    """A gender code system and value sets A -> B -> A (a cycle), C -> A, D -> gender."""

    def __init__(self, real: Any) -> None:
        self._real = real
        gender = "http://hl7.org/fhir/ValueSet/administrative-gender"

        def vs(*names: str, system: str | None = None) -> dict[str, Any]:
            include: dict[str, Any] = {"valueSet": [f"urn:vs:{n}" for n in names]}
            if system:
                include["system"] = system
            return {"resourceType": "ValueSet", "compose": {"include": [include]}}

        self._sets = {
            "urn:vs:A": vs("B"),
            "urn:vs:B": vs("A"),
            "urn:vs:C": {"compose": {"include": [{"valueSet": ["urn:vs:A"]}, {"valueSet": [gender]}]}},
            "urn:vs:D": {"compose": {"include": [{"valueSet": [gender]}]}},
        }

    def value_set(self, url: str) -> dict[str, Any] | None:
        return self._sets.get(url.split("|")[0]) or self._real.value_set(url)

    def code_system(self, url: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self._real.code_system(url)
        return found


def test_a_cycle_of_value_sets_cannot_be_expanded_from_any_entry_point(definitions: Any) -> None:
    """A value set including itself through another has no expansion, whichever is asked first; one
    naming it gets that part as incomplete, the same in every order. (The old cycle guard expanded the
    first one asked, in part: its answer depended on the order.)"""
    import itertools

    defs = _CycleDefinitions(definitions)
    urls = ["urn:vs:A", "urn:vs:B", "urn:vs:C", "urn:vs:D"]
    results = set()
    for order in itertools.permutations(urls):
        term = LocalTerminology(defs)  # type: ignore[arg-type]
        results.add(tuple(sorted((u, _expansion_of(term.expand(u))) for u in order)))
    assert len(results) == 1
    got = dict(results.pop())
    assert got["urn:vs:A"] is None and got["urn:vs:B"] is None
    codes, _open, complete = got["urn:vs:C"]
    assert not complete and ("http://hl7.org/fhir/administrative-gender", "female") in codes
    assert got["urn:vs:D"][2] and got["urn:vs:D"][0] == codes
    term = LocalTerminology(defs)  # type: ignore[arg-type]
    assert term.validate_code("urn:vs:A", "http://hl7.org/fhir/administrative-gender", "female") is None
    assert term.validate_code("urn:vs:C", "http://hl7.org/fhir/administrative-gender", "nobody") is None
