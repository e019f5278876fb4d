"""The FHIRPath constructs the compiler learned so that a first ``validate`` call needs no fhirpathpy on the
common inputs (dateTime ordering, ``is``/``as`` on a choice, ``is()`` on a nested resource, decimals in
an ordering, the ctm-1 shortcut, compiled predicates for the resources the compiled walk hands over)
decide exactly as fhirpathpy does through the invariant checker, and leave to it every value they cannot
prove: hand-written edge values (precision, timezones, partial and impossible dates, wrong JSON types,
empty, many values) and the official inputs."""

from __future__ import annotations

import copy
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from differential import chains, official_examples, validator_case_files
from support import SHARED, require_shared

from fhirconv.validate import validate_json, validate_text
from fhirconv.validate.compiled import CompiledChecker
from fhirconv.validate.fpcompile import RUNTIME, Fallback, compile_expression
from fhirconv.validate.invariants import (
    _CTM1,
    _CURRENT_ROOT,
    InvariantChecker,
    _Constraint,
    _ctm1,
    _Walk,
)
from fhirconv.validate.issues import Severity

INV1 = "lastModified.exists().not() or authoredOn.exists().not() or lastModified >= authoredOn"
MDD1 = "whenHandedOver.empty() or whenPrepared.empty() or whenHandedOver >= whenPrepared"
RAS2 = "(probability.exists() and (probability is decimal)) implies ((probability as decimal) <= 100)"
QUE7 = "operator = 'exists' implies (answer is boolean)"
BDL11 = "type = 'document' implies entry.first().resource.is(Composition)"
BDL12 = "type = 'message' implies entry.first().resource.is(MessageHeader)"

_TIMES: list[Any] = [
    "2020",
    "2021",
    "2020-05",
    "2020-06",
    "2020-05-01",
    "2020-05-02",
    "2020-05-01T10:00:00Z",
    "2020-05-01T09:00:00Z",
    "2020-05-01T10:00:00+01:00",
    "2020-05-01T11:00:00+01:00",
    "2020-05-01T10:00:00-05:00",
    "2020-05-01T10:00:00.5Z",
    "2020-05-01T10:00:00.7Z",
    "2020-05-01T10:00:00.25Z",
    "2020-05-01T10:00:00.500Z",
    "2020-05-01T10:00:00",
    "2020-05-01T10:00Z",
    "2020-02-29",
    "2021-02-29",
    "2020-13-01",
    "2020-05-01T24:00:00Z",
    "2020-05-01T10:61:00Z",
    "0000-01-01",
    "\u0662\u0660\u0662\u0660-05-01",
    "2020-05-01T10:00:00+15:00",
    "2020-05-01T10:00:00Z ",
    "",
    2020,
    ["2020-05-01"],
]


def _defs() -> Any:
    return chains()[1].definitions


def _compiled_fn(expression: str, base: str) -> Any:
    from fhirpathpy.parser import parse

    src = compile_expression(parse(expression), _defs(), base, base.split(".")[0])
    assert "_fb" not in src, f"{expression} is compiled only in part: {src}"
    return eval(src, dict(RUNTIME))


def _engine(
    expression: str, base: str, value: dict[str, Any], root: dict[str, Any] | None = None, key: str = "t-1"
) -> Any:
    """The invariant checker's verdict (its shortcut for ``key`` if any, else fhirpathpy): True/False,
    None when the engine failed (an information issue)."""
    resource = root if root is not None else value
    issues: list[Any] = []
    walk = _Walk(InvariantChecker(_defs()), _defs(), resource, resource, issues)
    walk.constraint(_Constraint(key, Severity.ERROR, "", expression, ""), value, base, "X")
    if not issues:
        return True
    assert len(issues) == 1
    return None if issues[0].severity is Severity.INFORMATION else False


def _agree(expression: str, base: str, values: list[dict[str, Any]], key: str = "t-1") -> tuple[int, int]:
    """Every value the compiled predicate decides gets fhirpathpy's verdict; (decided, left) counts."""
    fn = _compiled_fn(expression, base)
    decided = left = 0
    for value in values:
        try:
            got = fn(copy.deepcopy(value))
        except Fallback:
            left += 1
            continue
        decided += 1
        want = _engine(expression, base, copy.deepcopy(value), key=key)
        assert want is not None, f"the engine failed where the compiled predicate decided: {value}"
        assert (got is True) == want, f"{expression} on {value}: compiled {got}, fhirpathpy {want}"
    return decided, left


@pytest.mark.parametrize(
    ("expression", "base", "left", "right"),
    [
        (INV1, "Task", "lastModified", "authoredOn"),
        (MDD1, "MedicationDispense", "whenHandedOver", "whenPrepared"),
    ],
)
def test_datetime_ordering_agrees_with_fhirpathpy(expression: str, base: str, left: str, right: str) -> None:
    values: list[dict[str, Any]] = [{}]
    for a, b in itertools.product(_TIMES, repeat=2):
        values.append({left: a, right: b})
    values += [{left: "2020"}, {right: "2020"}, {"_" + left: {"id": "x"}, right: "2020"}]
    decided, left_over = _agree(expression, base, values)
    assert decided >= 40 and left_over > 100


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2020-05-01", "2020-05-01T10:00:00Z"),  # precision mismatch: FHIRPath's empty
        ("2020-05-01T10:00:00Z", "2020-05-01T10:00:00+00:00"),  # same time, other zone text
        ("2020-05-01T10:00:00.5Z", "2020-05-01T10:00:00Z"),  # fraction against none
        ("2020-05-01T10:00:00", "2020-05-01T10:00:00"),  # no timezone
        ("2021-02-29", "2021-02-28"),  # an impossible day
        ("\u0662\u0660\u0662\u0660", "2020"),  # other digits
    ],
)
def test_datetimes_the_text_order_cannot_prove_go_to_the_engine(a: str, b: str) -> None:
    fn = _compiled_fn(INV1, "Task")
    with pytest.raises(Fallback):
        fn({"lastModified": a, "authoredOn": b})


def _predictions() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{}]
    for v in (
        Decimal("50"),
        Decimal("100"),
        Decimal("100.0"),
        Decimal("100.5"),
        150,
        100,
        99.5,
        100.25,
        "50",
    ):
        out.append({"probabilityDecimal": v})
        out.append({"probabilityDecimal": v, "probabilityRange": {"low": {"value": 1}}})
    out += [
        {"probabilityRange": {"low": {"value": 1}}},
        {"probabilityDecimal": True},
        {"probabilityDecimal": [Decimal("50")]},
        {"probabilityDecimal": Decimal("NaN")},
        {"_probabilityDecimal": {"id": "x"}},
        {"probabilityDecimal": Decimal("150"), "_probabilityDecimal": {"id": "x"}},
    ]
    return out


def test_choice_is_and_as_agree_with_fhirpathpy_on_ras2() -> None:
    decided, left = _agree(RAS2, "RiskAssessment.prediction", _predictions())
    assert decided >= 10 and left >= 8


def test_choice_is_agrees_with_fhirpathpy_on_que7_for_every_answer_type() -> None:
    answers: list[tuple[str, Any]] = [
        ("answerBoolean", True),
        ("answerBoolean", False),
        ("answerDecimal", 1.5),
        ("answerInteger", 3),
        ("answerDate", "2020-01-01"),
        ("answerDateTime", "2020-01-01T10:00:00Z"),
        ("answerTime", "10:00:00"),
        ("answerString", "true"),
        ("answerCoding", {"code": "x"}),
        ("answerQuantity", {"value": 1}),
        ("answerReference", {"reference": "Patient/1"}),
    ]
    values: list[dict[str, Any]] = []
    for op in ("exists", "=", "!="):
        values.append({"question": "q", "operator": op})
        for key, v in answers:
            values.append({"question": "q", "operator": op, key: v})
        values.append({"question": "q", "operator": op, "answerBoolean": True, "answerString": "x"})
        values.append({"question": "q", "operator": op, "_answerBoolean": {"id": "x"}})
    decided, left = _agree(QUE7, "Questionnaire.item.enableWhen", values)
    assert decided >= 30 and left >= 2


@pytest.mark.parametrize(
    ("key", "expression", "btype"), [("bdl-11", BDL11, "document"), ("bdl-12", BDL12, "message")]
)
def test_resource_is_agrees_with_the_checker_on_bdl11_and_bdl12(
    key: str, expression: str, btype: str
) -> None:
    """Against the invariant checker's own decision: its shortcut for a Bundle of another type (where
    fhirpathpy, evaluating both sides of ``implies``, may fail on the one that cannot matter), the
    engine for the rest."""
    firsts: list[Any] = [
        {"resourceType": "Composition"},
        {"resourceType": "MessageHeader"},
        {"resourceType": "Patient"},
        {"resourceType": 3},
        {"id": "x"},
        [{"resourceType": "Composition"}],
        "Composition",
    ]
    values: list[dict[str, Any]] = []
    for kind in (btype, "collection"):
        values.append({"resourceType": "Bundle", "type": kind})
        values.append({"resourceType": "Bundle", "type": kind, "entry": [{"fullUrl": "urn:uuid:1"}]})
        for first in firsts:
            entry = {"resource": first}
            values.append({"resourceType": "Bundle", "type": kind, "entry": [entry]})
            values.append({"resourceType": "Bundle", "type": kind, "entry": [entry, {"resource": firsts[2]}]})
    decided, left = _agree(expression, "Bundle", values, key)
    assert decided >= 20 and left >= 4


def _teams() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(participant, the input holding its CareTeam) pairs for ctm-1."""
    members: list[Any] = [
        {"reference": "urn:uuid:prac"},
        {"reference": "urn:uuid:pat"},
        {"reference": "urn:uuid:none"},
        {"reference": "Practitioner/p1"},
        {"reference": "#c1"},
        {"reference": "#c2"},
        {"display": "x"},
        {"reference": 3},
        [{"reference": "urn:uuid:prac"}],
        None,
    ]
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for member, behalf in itertools.product(members, [{"reference": "Organization/o"}, None, "x"]):
        part: dict[str, Any] = {}
        if member is not None:
            part["member"] = member
        if behalf is not None:
            part["onBehalfOf"] = behalf
        team = {
            "resourceType": "CareTeam",
            "contained": [
                {"resourceType": "Practitioner", "id": "c1"},
                {"resourceType": "Patient", "id": "c2"},
            ],
            "participant": [part],
        }
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": "urn:uuid:team", "resource": team},
                {"fullUrl": "urn:uuid:prac", "resource": {"resourceType": "Practitioner", "id": "p1"}},
                {"fullUrl": "urn:uuid:pat", "resource": {"resourceType": "Patient", "id": "x"}},
            ],
        }
        out.append((part, bundle))
    return out


def test_ctm1_shortcut_agrees_with_fhirpathpy() -> None:
    decided = left = 0
    for part, bundle in _teams():
        team = bundle["entry"][0]["resource"]
        token = _CURRENT_ROOT.set((bundle, team))
        try:
            walk = _Walk(InvariantChecker(_defs()), _defs(), team, team, [])
            got = _ctm1(part, walk)
            if got is None:
                left += 1
                continue
            decided += 1
            want = _engine(_CTM1[1], "CareTeam.participant", part, team)  # (t-1: not the shortcut)
        finally:
            _CURRENT_ROOT.reset(token)
        assert want is not None and got == want, f"ctm-1 on {part}: shortcut {got}, fhirpathpy {want}"
    assert decided >= 15 and left >= 3


def _compiled(chain: Any) -> CompiledChecker:
    return next(c for c in chain.checkers if isinstance(c, CompiledChecker))


def test_handed_over_resources_give_the_same_issues_with_and_without_compiled_predicates() -> None:
    """The invariant checker of the compiled validator (the resources its walk hands over) decides with
    the compiled predicates first; switched off, every constraint goes to fhirpathpy: same issues on the
    official examples and the validator test cases (where most resources are handed over)."""
    require_shared("fhir-r4", "examples")
    require_shared("fhir-test-cases")
    new = chains()[1]
    inv = _compiled(new).invariants
    predicates = inv.predicates
    assert predicates is not None
    used = 0

    def counting(expression: str, base: str) -> Any:
        nonlocal used
        fn = predicates(expression, base)
        if fn is not None:
            used += 1
        return fn

    def issues(run: Any) -> list[Any]:
        inv.predicates = counting
        try:
            with_predicates = run()
        finally:
            inv.predicates = None
        try:
            without = run()
        finally:
            inv.predicates = predicates
        return [with_predicates, without]

    diffs: list[str] = []
    for name, data in official_examples(SHARED):
        a, b = issues(
            lambda data=data, name=name: sorted(
                map(repr, validate_json(copy.deepcopy(data), name, chain=new).issues)
            )
        )
        if a != b:
            diffs.append(name)
    for path in validator_case_files(SHARED)[::2]:
        text = path.read_bytes()
        a, b = issues(
            lambda text=text, name=path.name: sorted(
                repr(i) for r in validate_text(text, name, chain=new) for i in r.issues
            )
        )
        if a != b:
            diffs.append(path.name)
    assert used > 300
    assert not diffs, diffs[:10]


def test_first_call_over_the_examples_evaluates_nothing_with_fhirpathpy() -> None:
    """The constructs above are what the official examples sent to fhirpathpy through the compiled
    walk (ras-2, inv-1, mdd-1, bdl-11/12, ctm-1, att-1 on a handed-over resource): none is left."""
    require_shared("fhir-r4", "examples")
    runs: list[str] = []
    original = _Walk.run

    def run(self: Any, compiled: Any, c: Any, *args: Any) -> Any:
        runs.append(c.key)
        return original(self, compiled, c, *args)

    from fhirconv.validate import build_chain

    chain = build_chain()
    _Walk.run = run  # type: ignore[method-assign]
    try:
        for name, data in official_examples(SHARED):
            validate_json(json.loads(json.dumps(data)), name, chain=chain)
    finally:
        _Walk.run = original  # type: ignore[method-assign]
    assert runs == []


def _vital_sign_variants() -> list[tuple[str, Any]]:
    """Official examples claiming the vital-signs profile, and copies whose components break or bend
    vs-3 (no value and no dataAbsentReason, both, a value only as '_valueString', a null value)."""
    out: list[tuple[str, Any]] = []
    for name, data in official_examples(SHARED):
        if "vitalsigns" not in json.dumps(data.get("meta", {})):
            continue
        out.append((name, data))
        for i, comp in enumerate(data.get("component") or []):
            for label, change in (
                ("bare", lambda c: {"code": c.get("code")}),
                ("both", lambda c: {**c, "dataAbsentReason": {"text": "x"}}),
                ("underscore", lambda c: {"code": c.get("code"), "_valueString": {"id": "u"}}),
                ("null", lambda c: {"code": c.get("code"), "valueString": None}),
            ):
                m = copy.deepcopy(data)
                m["component"][i] = change(comp)
                out.append((f"{name} component[{i}] {label}", m))
    return out


def test_profile_existence_constraints_give_the_engines_issues() -> None:
    """vs-3 (and any existence-only profile constraint) decided by its compiled predicate gives the
    issues the engine gives: the profile checker with and without the predicates, same inputs."""
    from fhirconv.validate.profiles import ProfileChecker

    require_shared("fhir-r4", "examples")
    cases = _vital_sign_variants()
    assert len(cases) > 20
    original = ProfileChecker.existence_verdict
    decided = 0

    def counting(self: Any, expression: str, path: str, item: dict[str, Any]) -> bool | None:
        nonlocal decided
        verdict = original(self, expression, path, item)
        decided += verdict is not None
        return verdict

    new = chains()[1]
    diffs: list[str] = []
    try:
        for name, data in cases:
            ProfileChecker.existence_verdict = counting  # type: ignore[method-assign]
            a = sorted(map(repr, validate_json(copy.deepcopy(data), name, chain=new).issues))
            ProfileChecker.existence_verdict = lambda *_a: None  # type: ignore[assignment,method-assign]
            b = sorted(map(repr, validate_json(copy.deepcopy(data), name, chain=new).issues))
            if a != b:
                diffs.append(name)
    finally:
        ProfileChecker.existence_verdict = original  # type: ignore[method-assign]
    assert decided > 20
    assert not diffs, diffs[:10]


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"valueQuantity": {"value": 1}},
        {"dataAbsentReason": {"text": "x"}},
        {"valueString": "x", "dataAbsentReason": {"text": "x"}},
        {"_valueString": {"id": "u"}},
        {"valueString": None},
        {"valueBoolean": False},
        {"valuePeriod": {}},
    ],
)
def test_existence_predicates_agree_with_fhirpathpy(value: dict[str, Any]) -> None:
    from fhirconv.validate.invariants import existence_predicate

    expression = "value.exists() or dataAbsentReason.exists()"
    fn = existence_predicate(expression, "Observation.component", _defs())
    assert fn is not None
    assert existence_predicate("value.first().exists()", "Observation.component", _defs()) is None
    try:
        got = fn(copy.deepcopy(value))
    except Fallback:
        return
    assert (got is True) == _engine(expression, "Observation.component", copy.deepcopy(value))


ELD2 = "min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())"
_MAXES: list[Any] = [
    "*",
    "0",
    "1",
    "3",
    "+3",
    "-1",
    "03",
    "abc",
    "",
    " 3",
    "3\n",
    "\u0663",
    "1.5",
    3,
    True,
    ["1"],
]


def test_iif_and_to_integer_agree_with_fhirpathpy() -> None:
    values: list[dict[str, Any]] = [{}]
    for mx in _MAXES:
        values.append({"max": mx})
        for mn in (0, 1, 2, 4, True, "1"):
            values.append({"min": mn, "max": mx})
    lefts = 0
    for expression in (
        ELD2,
        "max.toInteger() > 0",
        "max = '*' or (max.toInteger() > 0)",
        "iif(max = '*', true, false)",
        "iif(min.exists(), max.exists(), max.empty())",
        "iif(max.exists(), min.exists())",
    ):
        decided, left = _agree(expression, "ElementDefinition", values)
        assert decided >= 20, expression
        lefts += left
    assert lefts >= 30  # the values only the engine reads ('+3', ' 3', '\u0663', 1.5, lists ...)


_PATHS = [
    "Patient",
    "Patient.name",
    "Patient.name.given",
    "Observation.value[x]",
    "Observation.value[x]:valueQuantity",
    "Patient.name ",
    "Patient..name",
    "Patient.Name",
    "Pat'ient",
    'Pat"ient',
    "Pat/ient",
    "Patient.name\\x",
    "1Patient",
    "",
    "a" * 70,
    "a\\\nb",
    "a\nb",
    "a\\nb",
    "a\\b",
]


def test_string_literals_with_escapes_agree_with_fhirpathpy() -> None:
    from fhirconv.validate.compiled import fallback_listing

    listed = {key for key, _e, _why in fallback_listing()}
    assert not listed & {"eld-16", "eld-19", "eld-20", "sdf-19", "eld-2", "md-1", "mea-1", "eld-11"}
    expressions = [
        "path.matches('[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()\\\\[\\\\]{}]{1,64}(\\\\.[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()"
        "\\\\[\\\\]{}]{1,64}(\\\\[x\\\\])?(\\\\:[^\\\\s\\\\.]+)?)*')",
        "path.matches('[A-Za-z][A-Za-z0-9]*(\\\\.[a-z][A-Za-z0-9]*(\\\\[x])?)*')",
        "sliceName.empty() or sliceName.matches('^[a-zA-Z0-9\\\\/\\\\-_\\\\[\\\\]\\\\@]+$')",
        "path = 'Pat\\'ient'",
        "path = 'Pat\\\"ient'",
        "path = 'Patient.name\\\\\\\\x'",
        "path != 'a\\tb'",
        "path = 'a\\\\nb'",  # fhirpathpy reads \n before \\: a backslash, then a newline
        "path = 'a\\nb'",
        "path = 'a\\\\b'",
    ]
    values: list[dict[str, Any]] = [{}]
    for p in _PATHS:
        values.append({"path": p})
        values.append({"path": p, "sliceName": p})
    for expression in expressions:
        decided, _left = _agree(expression, "ElementDefinition", values)
        assert decided >= 25, expression


def test_union_exists_and_boolean_select_agree_with_fhirpathpy() -> None:
    strat: list[dict[str, Any]] = []
    parts: list[tuple[str, Any]] = [
        ("code", {"text": "c"}),
        ("description", "d"),
        ("criteria", {"language": "text/cql", "expression": "x"}),
        ("component", [{"code": {"text": "x"}}]),
    ]
    for n in range(len(parts) + 1):
        for chosen in itertools.combinations(parts, n):
            strat.append(dict(chosen))
    strat.append({"_description": {"id": "x"}})
    mea1 = "group.stratifier.all((code | description | criteria).exists() xor component.exists())"
    measures = [{"group": [{"stratifier": [s]}]} for s in strat] + [{"group": [{"stratifier": strat[:3]}]}]
    decided, left = _agree(mea1, "Measure", measures)
    assert decided >= 16 and left >= 1
    eld11 = (
        "binding.empty() or type.code.empty() or type.select((code = 'code') or (code = 'Coding') or "
        "(code='CodeableConcept') or (code = 'Quantity') or (code = 'string') or (code = 'uri')).exists()"
    )
    types: list[Any] = [[], [{"code": "code"}], [{"code": "Reference"}], [{}], [{"code": "Reference"}, {}]]
    types += [[{"code": "Reference"}, {"code": "uri"}], [{"code": ["code"]}], [{"_code": {"id": "x"}}]]
    values: list[dict[str, Any]] = [{"type": t} for t in types] + [
        {"binding": {"strength": "required"}, "type": t} for t in types
    ]
    decided, left = _agree(eld11, "ElementDefinition", values)
    assert decided >= 12 and left >= 1
    for expression in ("type.select(code = 'code').exists()", "type.select(code = 'code').count() = 1"):
        decided, left = _agree(expression, "ElementDefinition", values)
        assert decided >= 12 and left >= 1
