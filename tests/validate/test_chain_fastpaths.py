"""The validation chain's fast paths give what the long way gives.

- ``chain.resource_list`` (one walk of the input, shared with the checkers) is ``list(iter_resources)``;
- the reference checker's inline cases (a ``urn:uuid`` naming an entry, a ``Type/id`` where nothing can
  resolve it) report what ``_check_ref`` reports when asked about every Reference;
- the lint checker's inline cases (a Coding with a known system, a CodeableConcept with text, an
  Identifier of another system) report what its rule methods report for every site;
- the profile walk's plans (steps skipped where the element cannot say anything, discriminators and
  slicings worked out once per node) report what the walk reports when every step runs for every item.

Inputs: the official examples (those claiming the vital-signs profiles, and mutations of them), bundles
written here to reach every branch, and random nestings (hypothesis).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import broken_reference_copies, minimal_observation, require_shared

from fhirconv.validate import default_chain, references, validate_json
from fhirconv.validate.chain import iter_resources, resource_list
from fhirconv.validate.compiled import CompiledChecker
from fhirconv.validate.lint import LintChecker
from fhirconv.validate.profiles import _UNPLANNED, ProfileChecker, _PNode
from fhirconv.validate.protocols import Context
from fhirconv.validate.references import ReferenceChecker, _relative_canonicals

_CONTAINED = re.compile(r"^(.*)\.contained\[\d+\]$")


def _examples() -> list[tuple[str, dict[str, Any]]]:
    folder: Path = require_shared("fhir-r4", "examples")
    found = [(p.name, json.loads(p.read_bytes())) for p in sorted(folder.glob("*.json"))]
    assert len(found) > 500
    return found


def _checker(kind: type) -> Any:
    found = [c for c in default_chain().checkers if isinstance(c, kind)]
    assert found, kind
    return found[0]


def _ctx(root: dict[str, Any]) -> Context:
    chain = default_chain()
    return Context(chain.definitions, chain.terminology, root, "t", resource_list(root, root["resourceType"]))


# -- resource_list ---------------------------------------------------------------------------------------

_LEAF = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.sampled_from(["Bundle", "Parameters"]))


def _resources() -> st.SearchStrategy[Any]:
    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        entry = st.fixed_dictionaries(
            {},
            optional={
                "resource": inner,
                "response": st.one_of(inner, st.fixed_dictionaries({}, optional={"outcome": inner})),
            },
        )
        param: st.SearchStrategy[Any] = st.fixed_dictionaries(
            {}, optional={"resource": inner, "part": st.lists(st.one_of(inner, _LEAF), max_size=2)}
        )
        return st.fixed_dictionaries(
            {},
            optional={
                "resourceType": st.one_of(st.sampled_from(["Bundle", "Parameters", "Patient"]), _LEAF),
                "contained": st.one_of(st.lists(st.one_of(inner, _LEAF), max_size=3), _LEAF, inner),
                "entry": st.one_of(st.lists(st.one_of(entry, _LEAF), max_size=3), _LEAF),
                "parameter": st.one_of(st.lists(st.one_of(param, _LEAF), max_size=3), _LEAF),
            },
        )

    return st.recursive(st.fixed_dictionaries({}), extend, max_leaves=12)


def _same_walk(resource: dict[str, Any]) -> None:
    fast = resource_list(resource, "R")
    slow = list(iter_resources(resource, "R"))
    assert [loc for _r, loc in fast] == [loc for _r, loc in slow]
    assert all(a is b for (a, _x), (b, _y) in zip(fast, slow, strict=True))


@settings(max_examples=400, deadline=None)
@given(_resources())
def test_resource_list_is_iter_resources_on_random_nestings(resource: dict[str, Any]) -> None:
    _same_walk(resource)


def test_resource_list_is_iter_resources_on_the_examples() -> None:
    nested = 0
    for _name, data in _examples():
        _same_walk(data)
        nested += len(resource_list(data, "R")) > 1
    assert nested > 50  # bundles and contained resources were walked


# -- references ------------------------------------------------------------------------------------------


def _references_the_long_way(checker: ReferenceChecker, root: dict[str, Any], ctx: Context) -> list[Any]:
    """check_root as it was: ``_check_ref`` for every Reference site, the locations walked again."""
    issues: list[Any] = []
    known = ctx.definitions.resource_types()
    by_url: dict[str, Any] = {}
    entry_base: dict[str, str] = {}
    checker._bundle_type = root.get("type") if root.get("resourceType") == "Bundle" else None
    checker._entries = []
    checker._by_type_id = None
    checker._urls_by_type_id = {}
    if root.get("resourceType") == "Bundle":
        issues.extend(_bundle_the_long_way(checker, root, by_url, entry_base, known))
    located = {loc: res for res, loc in iter_resources(root, str(root.get("resourceType")))}
    for location, resource in located.items():
        m = _CONTAINED.match(location)
        container = located.get(m.group(1), resource) if m else resource
        for site in checker.cache.sites.get(location, []):
            if site.type == "canonical":
                issues.extend(_relative_canonicals(site))
            elif site.type == "Reference" and isinstance(site.value, dict):
                issues.extend(
                    checker._check_ref(
                        site.value, site.location, site, container, by_url, entry_base, location, known
                    )
                )
    return issues


def _bundle_the_long_way(checker: ReferenceChecker, root: dict[str, Any], *tables: Any) -> list[Any]:
    """The bundle pass with the entry loop for every bundle (``references._urn_entries`` declining)."""
    saved = references._urn_entries
    references._urn_entries = lambda *_args: False
    try:
        return checker._bundle(root, *tables)
    finally:
        references._urn_entries = saved


def _entry(url: str | None, resource: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**({"fullUrl": url} if url else {}), "resource": resource, **extra}


_U1, _U2 = "urn:uuid:00000000-0000-4000-8000-000000000001", "urn:uuid:00000000-0000-4000-8000-000000000002"

REFERENCE_CASES: list[dict[str, Any]] = [
    # standalone resources: relative references with good, unknown and disallowed types, versioned
    minimal_observation({"reference": "Patient/p1"}),
    minimal_observation({"reference": "Patient/p1/_history/2"}),
    minimal_observation({"reference": "Medication/m1"}),
    minimal_observation({"reference": "Foo/x"}),
    minimal_observation(
        {"reference": "Patient/p1"}, focus=[{"reference": "Foo/x"}, {"reference": "Group/g"}]
    ),
    minimal_observation({"reference": "Patient/p1", "type": "Group"}),
    minimal_observation({"reference": "Patient/p1", "type": "Patient"}),
    minimal_observation({"reference": "patient/p1"}),
    minimal_observation({"reference": "#c1"}, contained=[{"resourceType": "Patient", "id": "c1"}]),
    minimal_observation({"reference": "#nothing"}),
    minimal_observation({"reference": _U1}),
    minimal_observation({"reference": "http://example.org/fhir/Patient/p1"}),
    {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [_entry(None, minimal_observation({"reference": "Patient/p1"}))],
    },
    # documents without fullUrls: a relative reference must resolve inside
    {
        "resourceType": "Bundle",
        "type": "document",
        "entry": [
            _entry(None, minimal_observation({"reference": "Patient/p1"})),
            _entry(None, {"resourceType": "Patient"}),
        ],
    },
    # urn:uuid references: resolved, unresolved, to a disallowed type, with a type, in a transaction
    {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            _entry(_U1, {"resourceType": "Patient"}, request={"method": "POST", "url": "Patient"}),
            _entry(
                _U2, minimal_observation({"reference": _U1}), request={"method": "POST", "url": "Observation"}
            ),
            _entry(
                None,
                minimal_observation({"reference": _U2}),
                request={"method": "POST", "url": "Observation"},
            ),
            _entry(
                None,
                minimal_observation({"reference": _U1, "type": "Patient"}),
                request={"method": "POST", "url": "x"},
            ),
            _entry(
                None,
                minimal_observation({"reference": _U1, "type": "Group"}),
                request={"method": "POST", "url": "x"},
            ),
            _entry(
                None,
                minimal_observation({"reference": "urn:uuid:nowhere"}),
                request={"method": "POST", "url": "x"},
            ),
            _entry(None, minimal_observation({"reference": 7}), request={"method": "POST", "url": "x"}),
            _entry(None, minimal_observation({"reference": [_U1]}), request={"method": "POST", "url": "x"}),
            _entry(
                None,
                minimal_observation({"reference": _U1, "type": None}),
                request={"method": "POST", "url": "x"},
            ),
            _entry(None, minimal_observation(_U1), request={"method": "POST", "url": "x"}),  # (no object)
            _entry(
                None, minimal_observation({"display": "no reference"}), request={"method": "POST", "url": "x"}
            ),
            _entry(
                "urn:uuid:00000000-0000-4000-8000-000000000003",
                {"resourceType": "Foo"},
                request={"method": "POST", "url": "Foo"},
            ),
            _entry(
                None,
                minimal_observation(
                    {"reference": _U1}, focus=[{"reference": "urn:uuid:00000000-0000-4000-8000-000000000003"}]
                ),
                request={"method": "POST", "url": "x"},
            ),
        ],
    },
    # RESTful fullUrls: bases, versions, several entries with one type/id
    {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            _entry("http://a.org/fhir/Patient/p1", {"resourceType": "Patient", "id": "p1"}),
            _entry("http://b.org/fhir/Patient/p1", {"resourceType": "Patient", "id": "p1"}),
            _entry(
                "http://a.org/fhir/Observation/o1",
                {**minimal_observation({"reference": "Patient/p1"}), "id": "o1"},
            ),
            _entry(
                "http://c.org/fhir/Observation/o2",
                {**minimal_observation({"reference": "Patient/p1"}), "id": "o2"},
            ),
            _entry(_U1, minimal_observation({"reference": "Patient/p1/_history/3"})),
            _entry(_U2, minimal_observation({"reference": "http://a.org/fhir/Patient/p1"})),
        ],
    },
]


def _compare_references(data: dict[str, Any]) -> int:
    validate_json(data)  # the walk records the sites
    checker = _checker(ReferenceChecker)
    ctx = _ctx(data)
    fast = list(checker.check_root(data, ctx))
    assert fast == _references_the_long_way(checker, data, ctx)
    return len(fast)


def test_reference_fast_paths_on_written_cases() -> None:
    found = sum(_compare_references(case) for case in REFERENCE_CASES)
    assert found >= 10  # the cases do reach the reference rules


def test_reference_fast_paths_on_the_examples() -> None:
    found = sum(_compare_references(data) for _name, data in _examples())
    assert found > 0


# -- lint ------------------------------------------------------------------------------------------------


def _lint_the_long_way(checker: LintChecker, location: str, ctx: Context) -> list[Any]:
    from fhirconv.validate.structure import QUANTITY_TYPES

    out: list[Any] = []
    for site in checker.cache.sites.get(location, ()):
        if not isinstance(site.value, dict):
            continue
        if site.type == "Coding":
            out.extend(checker._coding(site.value, site.location))
        elif site.type == "CodeableConcept":
            out.extend(checker._concept(site.value, site.location))
        elif site.type in QUANTITY_TYPES:
            out.extend(checker._quantity(site.value, site.location, site.type, ctx))
        elif site.type == "Identifier":
            out.extend(checker._identifier(site.value, site.location))
    return out


LINT_CASES: list[dict[str, Any]] = [
    {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [
            {"system": "urn:ietf:rfc:3986", "value": "no-scheme"},
            {"system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.3"},
            {"system": "http://example.org/ids", "value": "a"},
        ],
        "category": [{"coding": [{"code": "no-system"}]}, {"coding": [{"system": "SNOMED-CT", "code": "1"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "valueQuantity": {"value": 3, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"},
        "component": [
            {"code": {"coding": [{"system": " ", "code": "x"}], "text": "t"}, "valueQuantity": {"value": 1}},
            {"code": {"text": "only text"}, "valueQuantity": {"value": 1, "code": "kg", "system": "urn:x"}},
        ],
    }
]


def test_lint_fast_paths() -> None:
    checker = _checker(LintChecker)
    found = 0
    for data in [*LINT_CASES, *(d for _n, d in _examples())]:
        validate_json(data)
        ctx = _ctx(data)
        for _res, location in resource_list(data, data["resourceType"]):
            fast = list(checker.check_resource(_res, location, ctx))
            assert fast == _lint_the_long_way(checker, location, ctx), location
            found += len(fast)
    assert found > 10


# -- profiles --------------------------------------------------------------------------------------------


class _EveryStep(ProfileChecker):
    """The walk without its plans: every step runs for every item, each discriminator item by item,
    each slicing read again for every element, every live child visited whether present or not."""

    def child_plans(self, node: _PNode) -> list[tuple[_PNode, str | None, str]]:
        return [(child, None, "_" + child.name) for child in self.live_children(node)]

    def item_plan(self, node: _PNode, key: str, core: dict[str, Any] | None) -> tuple[Any, ...]:
        plan = super().item_plan(node, key, core)
        return (*plan[:5], True, True, True, True, True, True, plan[11])

    def value_plan(self, s: _PNode, path: str) -> Any:
        return _UNPLANNED

    def slice_plan(self, node: _PNode) -> Any:
        return _UNPLANNED


def _claims_a_profile(data: dict[str, Any]) -> bool:
    return any(
        isinstance(res.get("meta"), dict) and res["meta"].get("profile")
        for res, _loc in resource_list(data, "R")
    )


def _profile_inputs() -> list[dict[str, Any]]:
    """The examples that claim a profile, and mutations of those that are no Bundle."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_mutations import mutations

    inputs = [d for _n, d in _examples() if _claims_a_profile(d)]
    assert len(inputs) > 10
    for data in list(inputs):
        if data["resourceType"] != "Bundle":
            inputs.extend(m for _name, m, _where in mutations(data))
            for key in ("category", "code", "valueQuantity", "component", "effectiveDateTime"):
                if key in data:
                    wrong = copy.deepcopy(data)
                    del wrong[key]
                    inputs.append(wrong)
            if "effectiveDateTime" in data:  # vs-1: a dateTime at least to the day
                inputs.append({**copy.deepcopy(data), "effectiveDateTime": "2020"})
    return inputs


def test_profile_walk_plans_change_nothing() -> None:
    chain = default_chain()
    planned = _checker(ProfileChecker)
    every = _EveryStep(chain.definitions)
    found = 0
    for data in _profile_inputs():
        ctx = _ctx(data)
        for res, location in ctx.resources or []:
            fast = list(planned.check_resource(res, location, ctx))
            assert fast == list(every.check_resource(res, location, ctx)), location
            found += len(fast)
    assert found > 20  # the mutations broke the profiles


class _Counted(dict[Any, Any]):
    """A memo that counts the look-ups that found something."""

    hits = 0
    with_issues = 0  # of which replayed issues

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, default)
        self.hits += found is not None
        self.with_issues += found is not None and bool(found[2])
        return found


def test_the_profile_item_memo_is_the_walk() -> None:
    """What the walk said of an item value before, replayed under another item's location (``_Walk.item``
    where the value alone decides), is what the walk without plans or memo says: the examples claiming a
    profile and their mutations, twice, and each resource that is no Bundle at two entries of a bundle
    (one of them with its meta.profile claim again, so the same values meet under other locations)."""
    chain = default_chain()
    fresh = ProfileChecker(chain.definitions)
    counted = _Counted()
    fresh.said = counted
    every = _EveryStep(chain.definitions)
    inputs = _profile_inputs()
    for data in [d for d in inputs if d["resourceType"] == "Observation"]:  # items the profile faults
        wrong = copy.deepcopy(data)
        for quantity in [
            wrong.get("valueQuantity"),
            *(c.get("valueQuantity") for c in wrong.get("component", [])),
        ]:
            if isinstance(quantity, dict):
                quantity.update(system="http://unitsofmeasure.org", code="not-a-unit", value="x")
        for coding in wrong.get("code", {}).get("coding", []):
            coding["code"] = "0000-0"
        inputs.append(wrong)
    pairs = [
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}", "resource": copy.deepcopy(d)}
                for n in (1, 2)
            ],
        }
        for d in inputs
        if d["resourceType"] != "Bundle"
    ]
    found = 0
    for data in [*inputs, *pairs, *inputs]:
        ctx = _ctx(data)
        for res, location in ctx.resources or []:
            fast = list(fresh.check_resource(res, location, ctx))
            assert fast == list(every.check_resource(res, location, ctx)), location
            found += len(fast)
    assert found > 40
    assert len(counted) > 30 and counted.hits > 1000 and counted.with_issues > 100


def test_profile_walk_plans_on_ips(tmp_path: Path) -> None:
    """The IPS profiles (slices with resolve(), pattern discriminators, type profiles) when installed."""
    folder = Path.home() / ".fhir" / "packages" / "hl7.fhir.uv.ips#2.0.0" / "package" / "example"
    if not folder.is_dir():
        pytest.skip("needs the IPS package (fhirconv definitions install hl7.fhir.uv.ips#2.0.0)")
    from fhirconv.pipeline import profile_chain

    chain = profile_chain("ips")
    planned = next(c for c in chain.checkers if isinstance(c, ProfileChecker))
    every = _EveryStep(chain.definitions, planned.asked)
    found = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        ctx = Context(
            chain.definitions, chain.terminology, data, "t", resource_list(data, data["resourceType"])
        )
        for res, location in ctx.resources or []:
            fast = list(planned.check_resource(res, location, ctx))
            assert fast == list(every.check_resource(res, location, ctx)), (path.name, location)
            found += len(fast)
    assert found > 0


def test_a_nested_resource_type_that_is_a_list_is_reported_not_a_crash() -> None:
    """The chain looked the checkers of a nested resource up by its resourceType: a JSON list there
    raised TypeError (unhashable) out of the validator ("internal error")."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": _U1, "resource": {"resourceType": ["Patient"]}}],
    }
    report = validate_json(bundle)
    assert any(i.location == "Bundle.entry[0].resource" and i.is_error for i in report.issues)


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["#a", "#b", "a", "<p/>", "#"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["x", "id", "y"]), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.sets(st.sampled_from(["#a", "#b", "#None", "#"]), max_size=3))
def test_dom3_early_exit_is_the_whole_string_set(value: Any, wanted: set[str]) -> None:
    """dom-3 first looks for each contained resource's "#id" with a walk that stops when all are seen."""
    from fhirconv.validate.invariants import _all_present, _strings

    assert _all_present(value, wanted) == (wanted <= _strings(value))


# -- converted bundles: references, lint, the binding summary --------------------------------------------


def _converted() -> list[dict[str, Any]]:
    """The bundles the converter builds from the samples (urn:uuid fullUrls, references to the patient,
    encounter and source document from every entry: the gate's commonest case)."""
    from fhirconv.fhir import BundleOptions, build_bundle
    from fhirconv.pipeline import Converter, ConvertOptions

    conv = Converter(ConvertOptions())
    bundle_type = BundleOptions(conv.options.bundle_type.value)
    samples = sorted(p for p in (Path(__file__).parents[2] / "samples").iterdir() if p.suffix == ".txt")
    assert len(samples) >= 5
    out = []
    for path in samples:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        out.append(build_bundle(doc, conv.extractor.extract(doc), conv.normalizer, bundle_type))
    return out


def test_reference_and_lint_fast_paths_on_converted_bundles() -> None:
    lint = _checker(LintChecker)
    found = 0
    for bundle in _converted():
        for data in [bundle, *broken_reference_copies(bundle)]:
            found += _compare_references(data)
            ctx = _ctx(data)
            for res, location in ctx.resources or []:
                assert list(lint.check_resource(res, location, ctx)) == _lint_the_long_way(
                    lint, location, ctx
                )
    assert found > 20  # the broken copies reach the reference rules


def test_the_binding_summary_is_the_same_for_any_order_and_memo_state() -> None:
    """``unchecked_issues`` (counted once per distinct pair, verdicts remembered across inputs) says what
    asking the terminology about every pair says, with the memo fresh or full."""
    from collections import Counter

    from fhirconv.validate.bindings import BindingChecker, _codings

    chain = default_chain()
    inputs = [d for _n, d in _examples()[:150]] + _converted()
    for data in inputs:
        ctx = _ctx(data)
        pairs = list(_codings(data))
        fresh = BindingChecker(chain.definitions, chain.terminology)
        warm = _checker(CompiledChecker).bindings  # the default chain's, its memo filled by the walks
        assert isinstance(warm, BindingChecker)
        term = chain.terminology
        knows_code = getattr(term, "knows_code", None)
        assert knows_code is not None
        unchecked = Counter(s for s, c in pairs if not (term.knows_system(s) or bool(knows_code(s, c))))
        want = sorted(unchecked.items())
        for checker in (fresh, warm, fresh):
            got = checker.unchecked_issues(iter(pairs), data, ctx)
            if not want:
                assert got == []
            else:
                (issue,) = got
                assert issue.message.endswith(", ".join(f"{s} ({n})" for s, n in want))


# -- profile helpers -------------------------------------------------------------------------------------

_PATHS = st.lists(
    st.one_of(
        st.sampled_from(
            ["a", "b", "value[x]", "valueQuantity", "extension", "coding", "system", "resolve()"]
        ),
        st.sampled_from(["extension('u')", 'extension("v")', "extension(u)"]),
    ),
    min_size=1,
    max_size=3,
).map(".".join)

_VALUES = st.recursive(
    st.one_of(st.none(), st.integers(), st.sampled_from(["u", "v", "x"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                ["a", "b", "valueQuantity", "valueString", "value", "extension", "url", "coding"]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@given(_VALUES, st.one_of(_PATHS, st.sampled_from(["$this", ""])))
def test_values_at_with_parsed_paths_is_the_long_way(item: Any, path: str) -> None:
    from fhirconv.validate.profiles import _values_at, _values_at_long

    assert _values_at(item, path) == _values_at_long(item, path)


def test_profile_code_verdicts_are_the_terminologys() -> None:
    """``ProfileChecker.code_verdict`` remembers ``validate_code``: the same answer, asked once or often."""
    checker = _checker(ProfileChecker)
    term = checker.terminology()
    value_sets = [
        "http://hl7.org/fhir/ValueSet/observation-category",
        "http://hl7.org/fhir/ValueSet/ucum-vitals-common",
        "http://hl7.org/fhir/ValueSet/observation-vitalsignresult",
        "http://hl7.org/fhir/ValueSet/no-such-value-set",
    ]
    codes = [
        ("http://example.org/not-the-system", "vital-signs"),
        (None, "vital-signs"),
        ("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs"),
        ("http://terminology.hl7.org/CodeSystem/observation-category", "nope"),
        ("http://unitsofmeasure.org", "mm[Hg]"),
        ("http://loinc.org", "8867-4"),
        ("http://loinc.org", "0000-0"),
        (None, "8867-4"),
    ]
    verdicts = set()
    for _round in range(2):
        for vs in value_sets:
            for system, code in codes:
                got = checker.code_verdict(vs, system, code)
                assert got == term.validate_code(vs, system, code), (vs, system, code)
                verdicts.add(got)
    assert verdicts == {True, False, None}


# -- the chain asks a checker with check_each once per input; the compiled walk leaves out silent sites ---


def _lint_broken(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Copies of a converted bundle where lint has something to say at sites of each guarded type: every
    CodeableConcept without its text, Codings whose system is a name, blank or absent, and
    ``urn:ietf:rfc:3986`` identifiers whose value has no scheme."""
    out = []
    for change in range(3):
        data = copy.deepcopy(bundle)
        for n, e in enumerate(data["entry"]):
            res = e["resource"]
            code = res.get("code")
            if change == 0:
                for value in (code, *(res.get("category") or [])):
                    if isinstance(value, dict):
                        value.pop("text", None)
            elif change == 1 and isinstance(code, dict) and code.get("coding"):
                system = ("SNOMED-CT", " ", None)[n % 3]
                if system is None:
                    code["coding"][0].pop("system", None)
                else:
                    code["coding"][0]["system"] = system
            elif change == 2 and res.get("identifier"):
                res["identifier"][0]["system"] = "urn:ietf:rfc:3986"
                if n % 2:
                    res["identifier"][0]["value"] = "no-scheme"
                elif n % 8:  # next to the guard's plain URIs: what it must record, or may
                    odd = (
                        "urn:",
                        "urn:uuid:a b",
                        "urn:oid:1\n",
                        "urn:uuid:\u00e9",
                        "URN:x",
                        "urn:\t",
                        "urn:x ",
                    )
                    res["identifier"][0]["value"] = odd[n // 2 % len(odd)]
        out.append(data)
    return out


def _resource_by_resource(chain: Any, data: dict[str, Any]) -> list[Any]:
    """The report's issues as a loop over the resources gives them, each resource asking every checker
    of its type in chain order (``check_resource`` only), then every ``check_root``: the order the chain
    must keep when it asks a checker about all resources at once."""
    from fhirconv.validate.chain import _dedupe

    for state in chain._before_input:
        state.clear()
    resources = resource_list(data, data["resourceType"])
    ctx = Context(chain.definitions, chain.terminology, data, "t", resources, None)
    issues: list[Any] = []
    for resource, location in resources:
        rtype = resource.get("resourceType")
        for checker in chain.checkers:
            types = getattr(checker, "resource_types", None)
            if types is None or (isinstance(rtype, str) and rtype in types):
                issues.extend(checker.check_resource(resource, location, ctx))
    for checker in chain.checkers:
        issues.extend(checker.check_root(data, ctx))
    return _dedupe(issues)


def _chain_inputs() -> list[dict[str, Any]]:
    converted = _converted()
    return [
        *LINT_CASES,
        *(d for _n, d in _examples()[::4]),
        *converted,
        *(b for bundle in converted for b in broken_reference_copies(bundle)),
        *(b for bundle in converted for b in _lint_broken(bundle)),
    ]


def test_check_each_and_the_report_order_are_the_resource_by_resource_loops() -> None:
    """Every ``check_each`` gives what ``check_resource`` gives per resource, and the chain's report (its
    checkers asked checker by checker) lists the issues in the order of a resource-by-resource loop."""
    chain = default_chain()
    both = 0  # resources with issues from more than one checker: where the order could go wrong
    batched = [c for c in chain.checkers if getattr(c, "check_each", None) is not None]
    assert {c.name for c in batched} >= {"well-formed", "lint", "profiles"}
    for data in _chain_inputs():
        got = chain.validate(copy.deepcopy(data), "t").issues
        assert got == _resource_by_resource(chain, copy.deepcopy(data))
        ctx = _ctx(data)
        validate_json(data, chain=chain)  # (the sites lint reads)
        resources = ctx.resources or []
        for checker in batched:
            each = dict(checker.check_each(resources, ctx))
            for i, (res, location) in enumerate(resources):
                assert each.get(i, []) == list(checker.check_resource(res, location, ctx)), location
        by_location: dict[str, set[str | None]] = {}
        for issue in got:
            by_location.setdefault(issue.location.split(".resource.")[0], set()).add(issue.rule)
        both += sum(len(rules) > 1 for rules in by_location.values())
    assert both > 20


def test_lint_on_the_recorded_sites_is_lint_on_every_site() -> None:
    """The compiled walk records no site that ``lint.SITE_GUARDS`` says lint passes over without a word:
    lint on the sites it records says what lint says on every site (the structure walk's, which records
    them all), in the same order, and on converted bundles most sites are left out."""
    from fhirconv.validate import build_chain

    compiled, plain = default_chain(), build_chain(compiled=False)
    lint_c = next(c for c in compiled.checkers if isinstance(c, LintChecker))
    lint_p = next(c for c in plain.checkers if isinstance(c, LintChecker))
    found = left_out = 0
    for data in _chain_inputs():
        validate_json(copy.deepcopy(data), chain=compiled)
        recorded = dict(lint_c.cache.sites)
        validate_json(copy.deepcopy(data), chain=plain)
        every = dict(lint_p.cache.sites)
        ctx = _ctx(data)
        for _res, location in ctx.resources or []:
            fast = lint_c._sites(recorded.get(location, ()), ctx)
            assert fast == lint_p._sites(every.get(location, ()), ctx), location
            found += len(fast)
            left_out += len(every.get(location, ())) - len(recorded.get(location, ()))
    assert found > 100
    assert left_out > 1000


def _entry_variants(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Copies of a converted bundle whose entries the urn:uuid bundle pass must leave to the entry loop
    (each also one that the loop reports on), and some it may take."""
    out = []
    for change in range(9):
        data = copy.deepcopy(bundle)
        entries = data["entry"]
        if change == 0:
            entries[1]["fullUrl"] = entries[0]["fullUrl"]  # used twice (bdl-7)
        elif change == 1:
            del entries[-1]["request"]  # a transaction entry without request (bdl-3)
        elif change == 2:
            entries[0]["fullUrl"] = "http://example.org/fhir/Patient/p1"  # RESTful
        elif change == 3:
            entries[1]["fullUrl"] = ["urn:uuid:1"]  # no string
        elif change == 4:
            entries.append("no object")
        elif change == 5:
            entries[-1]["resource"] = ["no object"]  # (taken: its fullUrl is no key)
        elif change == 6:
            entries[0]["resource"]["resourceType"] = ["Patient"]  # (taken: no R4 type, no set member)
        elif change == 7:
            entries[0]["resource"]["resourceType"] = "Patiente"  # (taken: no R4 type)
        elif change == 8:
            data["type"] = "collection"
            del entries[0]["fullUrl"]  # missing where a collection needs it
        out.append(data)
    return out


def test_the_urn_uuid_bundle_pass_is_the_entry_loop() -> None:
    """``references._urn_entries`` (a bundle of distinct urn:uuid fullUrls, passed in a few C calls) gives
    the issues and the fullUrl tables of the entry loop, on converted bundles and copies changed in every
    way it must decline or may take."""
    checker = _checker(ReferenceChecker)
    known = default_chain().definitions.resource_types()
    taken = declined = 0
    for bundle in _converted():
        for data in [bundle, *_entry_variants(bundle)]:
            fast_tables: tuple[dict[str, Any], dict[str, str], dict[str, str]] = ({}, {}, {})
            long_tables: tuple[dict[str, Any], dict[str, str], dict[str, str]] = ({}, {}, {})
            fast = checker._bundle(data, fast_tables[0], fast_tables[1], known, fast_tables[2])
            slow = _bundle_the_long_way(checker, data, long_tables[0], long_tables[1], known, long_tables[2])
            assert fast == slow
            assert [(u, id(r)) for u, r in fast_tables[0].items()] == [
                (u, id(r)) for u, r in long_tables[0].items()
            ]
            assert fast_tables[1:] == long_tables[1:]
            went = references._urn_entries(data["entry"], data.get("type") == "transaction", known, {}, {})
            taken += went
            declined += not went
            assert not (went and slow)  # taken only where the loop has nothing to say
    assert taken >= 5 * 4 and declined >= 5 * 5


def test_dedupe_is_the_first_of_each_issue() -> None:
    """The chain's dedupe keeps the first issue of each (severity, location, message, rule), in order,
    with or without repeats (the list as it is when there are none)."""
    from fhirconv.validate.chain import _dedupe
    from fhirconv.validate.issues import Issue, Severity

    def plain(issues: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        out = []
        for i in issues:
            key = (i.severity, i.location, i.message, i.rule)
            if key not in seen:
                seen.add(key)
                out.append(i)
        return out

    reports = [validate_json(copy.deepcopy(b)).issues for b in _converted()]
    assert sum(map(len, reports)) > 20
    for issues in reports:
        twice = [*issues, *issues[::2]]
        other_code = [Issue(i.severity, "other", i.location, i.message, i.rule) for i in issues[:3]]
        # at a location already used: another severity, message or rule (kept), the same four (dropped)
        same_place = [
            *(Issue(Severity.FATAL, i.code, i.location, i.message, i.rule) for i in issues[:2]),
            *(Issue(i.severity, i.code, i.location, i.message + "!", i.rule) for i in issues[:2]),
            *(Issue(i.severity, i.code, i.location, i.message, "other-rule") for i in issues[:2]),
        ]
        for case in (
            issues,
            twice,
            [*issues, *other_code],
            [*other_code, *issues],
            [*issues, *same_place],
            [*same_place, *issues, *same_place],
        ):
            assert _dedupe(list(case)) == plain(case)
    again = Issue(Severity.WARNING, "x", "Bundle", "m", None)
    assert _dedupe([again, again]) == [again]


def test_the_chain_changes_no_checkers_list() -> None:
    """A checker's returned list is kept as it is, never extended, when a resource gets a second one."""
    from fhirconv.validate.issues import Issue, Severity

    chain = default_chain()
    data = _converted()[0]
    shared = [Issue(Severity.INFORMATION, "informational", "x", "mine", "test")]

    class Same:
        name = "same"
        resource_types = None

        def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> list[Issue]:
            return shared

        def check_root(self, root: dict[str, Any], ctx: Context) -> list[Issue]:
            return []

    saved = list(chain.checkers)
    chain.checkers[:] = [Same(), *saved, Same()]
    try:
        report = chain.validate(copy.deepcopy(data), "t")
    finally:
        chain.checkers[:] = saved
    assert len(shared) == 1
    assert len(report.issues) >= 1


def test_resource_list_of_plain_entries_is_iter_resources() -> None:
    """A bundle whose entries are plain (``chain._plain_entries``: the converter's) is listed by C calls:
    the same list as ``iter_resources``, and copies with an entry that is not plain take the loop."""
    from fhirconv.validate.chain import _plain_entries

    taken = 0
    for bundle in _converted():
        for change in range(5):
            data = copy.deepcopy(bundle)
            entry = data["entry"][1]
            if change == 1:
                entry["resource"]["contained"] = [{"resourceType": "Patient", "id": "c"}]
            elif change == 2:
                entry["response"] = {"status": "201", "outcome": {"resourceType": "OperationOutcome"}}
            elif change == 3:
                entry["resource"] = {"resourceType": "Bundle", "type": "collection", "entry": [entry.copy()]}
            elif change == 4:
                entry["resource"]["resourceType"] = ["Bundle"]
            assert resource_list(data, "Bundle") == list(iter_resources(data, "Bundle"))
            taken += _plain_entries(data["entry"]) is not None
    assert taken == len(_converted())


def test_memoised_entry_locations_are_the_formatted_ones() -> None:
    """The entry locations from the memo (power-of-two blocks, up to 4,096 entries) are the strings the
    f-string gives, for every count around the block edges and the memo's limit, under two roots."""
    from fhirconv.validate.chain import _MEMO_ENTRIES, _entry_locations

    counts = [*range(0, 70), 127, 128, 129, _MEMO_ENTRIES - 1, _MEMO_ENTRIES, _MEMO_ENTRIES + 1]
    for root in ("Bundle", "Parameters.parameter[0].resource"):
        for n in counts:
            assert list(_entry_locations(root, n)) == [f"{root}.entry[{i}].resource" for i in range(n)]


def test_the_profile_claim_prefilter_is_check_resources_first_test() -> None:
    """``ProfileChecker.check_each`` looks at the resources whose meta is an object with a profile
    (told by C calls): the same reports as asking ``check_resource`` of every resource, on converted
    bundles, the examples, and copies whose metas are absent, no object, or an object without profile."""
    checker = ProfileChecker(default_chain().definitions)
    inputs: list[dict[str, Any]] = [*_converted(), *(d for _n, d in _examples())]
    for bundle in _converted()[:6]:
        data = copy.deepcopy(bundle)
        for n, entry in enumerate(data["entry"]):
            res = entry["resource"]
            if n % 4 == 0:
                res["meta"] = ["not", "an", "object"]
            elif n % 4 == 1:
                res.pop("meta", None)
            elif n % 4 == 2:
                res["meta"] = {"profile": None}
        inputs.append(data)
    looked = 0
    for data in inputs:
        resources = resource_list(data, data["resourceType"])
        ctx = _ctx(data)
        plain = []
        for i, (resource, location) in enumerate(resources):
            found = list(checker.check_resource(resource, location, ctx))
            if found:
                plain.append((i, found))
        assert checker.check_each(resources, ctx) == plain
        looked += sum(
            isinstance(r.get("meta"), dict) and r["meta"].get("profile") is not None for r, _ in resources
        )
    assert looked > 15


def test_the_types_present_are_the_resources_types() -> None:
    """``chain._types_present`` (C calls) is the set of the resources' resourceType values, or False when
    one cannot be in a set: on the examples, converted bundles and a copy with a list resourceType."""
    from fhirconv.validate.chain import _types_present

    odd = copy.deepcopy(_converted()[0])
    odd["entry"][2]["resource"]["resourceType"] = ["Observation"]
    for data in [*(d for _n, d in _examples()), *_converted(), odd]:
        resources = resource_list(data, "Bundle" if data is odd else data["resourceType"])
        try:
            plain: Any = {resource.get("resourceType") for resource, _location in resources}
        except TypeError:
            plain = False
        assert _types_present(resources) == plain
