"""The Python shortcuts of costly invariants (``invariants._SHORTCUTS``) and the native dom-3 walk must
decide exactly as fhirpathpy does on the R4 expression: over every Observation with components in the
official examples and the HL7 validator test cases (roots, contained, Bundle entries), over mutations of
them that share, alter or break codings, and over hypothesis-generated hostile shapes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import require_shared
from test_invariants import _resources, check

from fhirconv.validate import invariants as inv
from fhirconv.validate.invariants import InvariantChecker


def _rule_issues(
    definitions: Any, res: dict[str, Any], monkeypatch: pytest.MonkeyPatch, slow: bool, rule: str
) -> Any:
    with monkeypatch.context() as m:
        if slow:
            m.setattr(inv, "_SHORTCUT_KEYS", frozenset())
        issues = check(InvariantChecker(definitions), definitions, res)
    return sorted((i.location, i.severity.value, i.message) for i in issues if i.rule == rule)


def _obs7_issues(definitions: Any, res: dict[str, Any], monkeypatch: pytest.MonkeyPatch, slow: bool) -> Any:
    return _rule_issues(definitions, res, monkeypatch, slow, "obs-7")


def _observations(res: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        r for r, _loc in _resources(res, "") if r.get("resourceType") == "Observation" and "component" in r
    ]


def _mutations(obs: dict[str, Any]) -> list[dict[str, Any]]:
    """The Observation, and variants: a value added, a component given the Observation's own code (as
    is, with another display, key order reversed, a primitive extension, a typed-differently code), the
    Observation contained in another one (``%resource`` is then the contained one)."""
    out = [obs]
    base = copy.deepcopy(obs)
    base.setdefault("valueString", "x")
    out.append(base)
    code = obs.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    if isinstance(codings, list) and codings and isinstance(codings[0], dict):
        first = codings[0]
        for changed in (
            copy.deepcopy(first),
            {**first, "display": "another display"},
            dict(reversed(list(first.items()))),
            {**first, "_code": {"extension": [{"url": "http://example.org/e", "valueString": "x"}]}},
            {**first, "code": 1} if "code" in first else {**first, "system": 1},
            {**first, "userSelected": True},
        ):
            v = copy.deepcopy(base)
            comps = v["component"]
            if isinstance(comps, list) and comps and isinstance(comps[0], dict):
                comps[0]["code"] = {"coding": [{"system": "urn:other", "code": "z"}, changed]}
                out.append(v)
    holder = {
        "resourceType": "Observation",
        "status": "final",
        "code": copy.deepcopy(code) if code is not None else {"text": "x"},
        "valueString": "y",
        "component": [{"code": copy.deepcopy(code)}] if code is not None else [],
        "contained": [copy.deepcopy(base)],
        "hasMember": [{"reference": "#" + str(base.get("id"))}],
    }
    out.append(holder)
    return out


@pytest.mark.shared
def test_obs7_shortcut_agrees_with_the_engine_on_examples_and_test_cases(
    definitions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources: list[dict[str, Any]] = []
    for path in sorted(require_shared("fhir-r4", "examples").glob("*.json")):
        sources.append(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(require_shared("fhir-test-cases").rglob("*.json")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if '"component"' not in text or '"Observation"' not in text:
            continue
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("resourceType"), str):
            sources.append(doc)
    observations = [o for s in sources for o in _observations(s)]
    assert len(observations) >= 20
    fired = 0
    for obs in observations:
        for variant in _mutations(obs):
            fast = _obs7_issues(definitions, variant, monkeypatch, slow=False)
            slow = _obs7_issues(definitions, variant, monkeypatch, slow=True)
            assert fast == slow, (obs.get("id"), variant)
            fired += bool(fast)
    assert fired > 0  # the mutations do break obs-7, so both ways were compared on failures too


# Small pools, so generated components often share a coding with the Observation (equal, equal in
# another key order, or nearly equal), next to hostile shapes (scalars, nulls, lists where objects go,
# primitive extensions).
_CODING = st.sampled_from(
    [
        {"system": "s", "code": "a"},
        {"code": "a", "system": "s"},
        {"system": "s", "code": "a", "display": "A"},
        {"system": "s", "code": "b"},
        {"system": "s", "code": 1},
        {"system": "s", "code": 1.0},
        {"system": "s", "code": True},
        {"system": "s", "code": "a", "_code": {"id": "x"}},
        {},
        "a",
        None,
    ]
)
_CODINGS = st.one_of(st.lists(_CODING, max_size=3), _CODING)
_CONCEPT = st.one_of(
    st.fixed_dictionaries({"coding": _CODINGS}),
    st.fixed_dictionaries({"coding": _CODINGS, "_coding": st.just([{"id": "x"}])}),
    st.just({"text": "t"}),
    st.just(None),
    st.just("code"),
    st.lists(st.fixed_dictionaries({"coding": _CODINGS}), max_size=2),
)
_COMPONENT = st.one_of(
    st.fixed_dictionaries({"code": _CONCEPT}),
    st.fixed_dictionaries({"code": _CONCEPT, "_code": st.just({"id": "x"})}),
    st.just({}),
    st.just("c"),
    st.just(None),
)
_VALUE = st.sampled_from(
    [
        {},
        {"valueString": "x"},
        {"valueString": ""},
        {"valueString": None},
        {"_valueString": {"extension": [{"url": "http://example.org/e", "valueString": "x"}]}},
        {"valueQuantity": {"value": 1}},
        {"valueBoolean": False},
        {"valueFoo": 1},
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=_CONCEPT,
    components=st.one_of(st.lists(_COMPONENT, max_size=3), _COMPONENT),
    value=_VALUE,
    contained=st.booleans(),
)
def test_obs7_shortcut_agrees_with_the_engine_on_generated_shapes(
    definitions: Any, code: Any, components: Any, value: dict[str, Any], contained: bool
) -> None:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": "o",
        "status": "final",
        "component": components,
    }
    if code is not None:
        obs["code"] = code
    obs.update(value)
    res = obs
    if contained:
        res = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "s", "code": "a"}]},
            "valueString": "v",
            "contained": [obs],
            "hasMember": [{"reference": "#o"}],
        }
    with pytest.MonkeyPatch.context() as mp:
        fast = _obs7_issues(definitions, res, mp, slow=False)
        slow = _obs7_issues(definitions, res, mp, slow=True)
    assert fast == slow


_MATCH = {"system": "s", "code": "a"}
_CODES = [
    {"coding": [dict(_MATCH)]},
    {"coding": [{"code": "a", "system": "s"}, {"system": "s", "code": "b"}]},
    {"coding": [{**_MATCH, "display": "A"}]},
    {"coding": dict(_MATCH)},
    {"coding": [dict(_MATCH)], "_coding": [{"id": "x"}]},
    {"coding": [dict(_MATCH), None]},
    {"coding": None},
    [{"coding": [dict(_MATCH)]}],
    {"text": "t"},
    "a",
    None,
]


@pytest.mark.parametrize("own", range(len(_CODES)))
def test_obs7_shortcut_agrees_with_the_engine_exhaustively(definitions: Any, own: int) -> None:
    """Every pairing of the Observation's code and a component's code among plain and hostile shapes,
    with and without a value, as the root and as a contained resource."""
    for comp_code in _CODES:
        for components in (
            [{"code": comp_code}],
            [{"code": {"text": "t"}}, {"code": comp_code}],
            [{"code": comp_code, "_code": {"id": "x"}}],
            {"code": comp_code},
            [None, {"code": comp_code}],
        ):
            for value in ({"valueString": "x"}, {"_valueString": {"id": "x"}}, {}):
                obs: dict[str, Any] = {"resourceType": "Observation", "id": "o", "status": "final"}
                if _CODES[own] is not None:
                    obs["code"] = copy.deepcopy(_CODES[own])
                obs["component"] = copy.deepcopy(components)
                obs.update(value)
                for res in (
                    obs,
                    {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"coding": [{"system": "s", "code": "z"}]},
                        "contained": [obs],
                        "hasMember": [{"reference": "#o"}],
                    },
                ):
                    with pytest.MonkeyPatch.context() as mp:
                        fast = _obs7_issues(definitions, res, mp, slow=False)
                        slow = _obs7_issues(definitions, res, mp, slow=True)
                    assert fast == slow, (comp_code, components, value, res is obs)


# ---------------------------------------------------------------------------------------------------
# que-2 (descendants().linkId.isDistinct()) and csd-1 (concept codes distinct)


def _official(types: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    folders = [require_shared("fhir-r4", "examples"), require_shared("fhir-test-cases")]
    for folder in folders:
        for path in sorted(folder.rglob("*.json")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if not any(f'"{t}"' in text for t in types):
                continue
            try:
                doc = json.loads(text)
            except ValueError:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("resourceType"), str):
                out += [r for r, _l in _resources(doc, "") if r.get("resourceType") in types]
    return out


def _tree_mutations(res: dict[str, Any], member: str, holder: str) -> list[dict[str, Any]]:
    """The resource and variants: a duplicate ``member`` deep down, in a contained resource, in a
    primitive extension object, typed as a number, null, with a primitive extension of its own, a list
    inside a list, a non-string resourceType below the root."""
    out = [res]
    dup: dict[str, Any] = {member: "dup"}
    for where in ("deep", "contained", "ext", "int", "null", "_member", "listlist", "rtype", "own"):
        v = copy.deepcopy(res)
        first = {member: "dup"}
        if where == "deep":
            v.setdefault(holder, []).append({**first, holder: [{holder: [dict(dup)]}]})
        elif where == "contained":
            v.setdefault(holder, []).append(first)
            v["contained"] = [{"resourceType": "Basic", "id": "b", "x": [{holder: [dict(dup)]}]}]
        elif where == "ext":
            v.setdefault(holder, []).append(first)
            v["_status"] = {"extension": [], holder: [dict(dup)]}
        elif where == "int":
            v.setdefault(holder, []).extend([{member: 1}, {member: 1}])
        elif where == "null":
            v.setdefault(holder, []).append({member: None})
        elif where == "_member":
            v.setdefault(holder, []).append({"_" + member: {"id": "x"}})
        elif where == "listlist":
            v["x"] = [[{member: "dup"}]]
        elif where == "rtype":
            v.setdefault(holder, []).append({"y": {"resourceType": 1}})
        elif where == "own":
            v[member] = "dup"
            v.setdefault(holder, []).append(first)
        out.append(v)
    return out


@pytest.mark.shared
@pytest.mark.parametrize(
    ("rtype", "rule", "member", "holder"),
    [("Questionnaire", "que-2", "linkId", "item"), ("CodeSystem", "csd-1", "code", "concept")],
)
def test_distinct_shortcuts_agree_with_the_engine_on_official_resources(
    definitions: Any, monkeypatch: pytest.MonkeyPatch, rtype: str, rule: str, member: str, holder: str
) -> None:
    resources = _official((rtype,))
    assert len(resources) >= 10
    fired = 0
    for res in resources:
        for variant in _tree_mutations(res, member, holder):
            fast = _rule_issues(definitions, variant, monkeypatch, False, rule)
            slow = _rule_issues(definitions, variant, monkeypatch, True, rule)
            assert fast == slow, (res.get("id"), variant)
            fired += bool(fast)
    assert fired > 0


_LEAF = st.sampled_from(["a", "b", 1, None, True])
_TREE = st.recursive(
    _LEAF,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.dictionaries(
            st.sampled_from(["linkId", "_linkId", "item", "code", "_code", "concept", "resourceType", "x"]),
            kids,
            max_size=3,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=st.dictionaries(st.sampled_from(["item", "concept", "contained", "x", "_status"]), _TREE, max_size=3)
)
def test_distinct_shortcuts_agree_with_the_engine_on_generated_trees(
    definitions: Any, tree: dict[str, Any]
) -> None:
    for rtype, rule in (("Questionnaire", "que-2"), ("CodeSystem", "csd-1")):
        res = {"resourceType": rtype, "status": "draft", **tree}
        with pytest.MonkeyPatch.context() as mp:
            fast = _rule_issues(definitions, res, mp, False, rule)
            slow = _rule_issues(definitions, res, mp, True, rule)
        assert fast == slow


# ---------------------------------------------------------------------------------------------------
# dom-3: the level-by-level search for '#id' references against collecting every string


_JSON = st.recursive(
    st.one_of(st.sampled_from(["#a", "#b", "#c", "a", ""]), st.integers(), st.booleans(), st.none()),
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(["r", "s", "#a", "t"]), kids, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(value=_JSON, wanted=st.sets(st.sampled_from(["#a", "#b", "#c", "a", ""]), max_size=3))
def test_all_present_is_subset_of_all_strings(value: Any, wanted: set[str]) -> None:
    assert inv._all_present(value, wanted) == (wanted <= inv._strings(value))


@pytest.mark.shared
def test_all_present_on_official_resources_with_contained() -> None:
    checked = 0
    for path in sorted(require_shared("fhir-r4", "examples").glob("*.json")):
        for res, _loc in _resources(json.loads(path.read_text(encoding="utf-8")), ""):
            contained = res.get("contained")
            if not isinstance(contained, list) or not contained:
                continue
            ids = {f"#{c.get('id')}" for c in contained if isinstance(c, dict)}
            strings = inv._strings(res)
            for wanted in (ids, ids | {"#not-there"}, {next(iter(strings))}, set()):
                assert inv._all_present(res, wanted) == (wanted <= strings), path.name
            checked += 1
    assert checked >= 50
