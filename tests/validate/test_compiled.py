"""The compiled validator gives the chain's issues exactly (differential tests), compiles FHIRPath
faithfully, reports what it leaves to fhirpathpy, and keeps its cache safe.

The default run takes samples of the slow corpora; ``scripts/validator-differential`` runs all of them.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from differential import (
    chains,
    compare_json,
    compare_text,
    converted_bundles,
    explained,
    mutate_bundle,
    official_examples,
    validator_case_files,
)
from support import SHARED, require_shared
from test_mutations import _valid_examples, mutations

from fhirconv.validate import build_chain, validate_json
from fhirconv.validate.compiled import CompiledChecker, fallback_listing
from fhirconv.validate.fpcompile import Fallback, compile_expression


def _compiled(chain: Any) -> CompiledChecker:
    found = [c for c in chain.checkers if isinstance(c, CompiledChecker)]
    assert found, "the default chain has no compiled validator"
    return found[0]


def test_default_chain_uses_the_compiled_validator_and_the_reference_chain_does_not() -> None:
    old, new = chains()
    assert not any(isinstance(c, CompiledChecker) for c in old.checkers)
    assert _compiled(new).fallback, "the compiled validator keeps the original checkers for unclean input"


def test_official_examples_give_the_same_issues() -> None:
    require_shared("fhir-r4", "examples")
    examples = official_examples(SHARED)
    assert len(examples) == 527
    new = _compiled(chains()[1])
    fast_before = new.fast
    diffs = [d for name, data in examples for d in compare_json(data, name)]
    assert not diffs, diffs[:10]
    assert new.fast - fast_before > 1000, "the generated walk decided too few resources itself"


@pytest.mark.slow
def test_mutation_suite_gives_the_same_issues() -> None:
    require_shared("fhir-r4", "examples")
    n = 0
    diffs: list[str] = []
    for res in _valid_examples():
        for name, mutated, _where in mutations(res):
            n += 1
            diffs += compare_json(mutated, f"{name} {res['resourceType']}/{res.get('id')}")
    assert n > 900
    assert not diffs, diffs[:10]


def test_validator_test_cases_give_the_same_issues() -> None:
    require_shared("fhir-test-cases")
    files = validator_case_files(SHARED)
    assert len(files) > 100
    sample = files if os.environ.get("FHIRCONV_DIFF_ALL") else files[::3]
    diffs = [d for f in sample for d in compare_text(f.read_bytes(), f.name)]
    assert not diffs, diffs[:10]


def test_converted_bundles_and_their_mutations_give_the_same_issues() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    bundles = list(converted_bundles(SHARED, limit=6))
    assert len(bundles) >= 5
    diffs: list[str] = []
    n = 0
    for name, bundle in bundles:
        diffs += compare_json(bundle, name)
        for label, mutated in mutate_bundle(bundle):
            n += 1
            diffs += compare_json(mutated, f"{name} {label}")
    assert n > 100
    assert not diffs, diffs[:10]


def test_the_one_explained_difference_is_the_short_circuit_of_an_engine_failure() -> None:
    """``tim-9`` with two ``when`` codes and no offset: the chain's engine fails on the ``in`` it need not
    evaluate and says "not checked"; the compiled predicate decides (true), as the HL7 validator does."""
    timing = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": "aspirin"},
        "subject": {"reference": "Patient/p"},
        "dosageInstruction": [{"timing": {"repeat": {"when": ["MORN", "EVE"]}}}],
    }
    old, new = chains()
    a = validate_json(copy.deepcopy(timing), chain=old).issues
    b = validate_json(copy.deepcopy(timing), chain=new).issues
    only_old = [i for i in a if i not in b]
    assert [i.rule for i in only_old] == ["tim-9"], only_old
    key = (only_old[0].severity.value, only_old[0].code, only_old[0].location, "tim-9", only_old[0].message)
    assert explained(key)
    assert [i for i in b if i not in a] == []


def test_an_error_is_reported_exactly_as_the_chain_reports_it() -> None:
    """The generated walk hands a resource with an error to the original checkers."""
    folder = require_shared("fhir-r4", "examples")
    obs = json.loads((folder / "Observation-example.json").read_text(encoding="utf-8"))
    obs["dataAbsentReason"] = {"text": "not asked"}  # obs-6 with a value present
    obs["status"] = 5
    old, new = chains()
    a = validate_json(copy.deepcopy(obs), chain=old).issues
    b = validate_json(copy.deepcopy(obs), chain=new).issues
    assert any(i.rule == "obs-6" for i in b) and any(i.rule == "type" for i in b)
    assert sorted(map(str, a)) == sorted(map(str, b))


# -- the FHIRPath compiler --------------------------------------------------------------------------


def _defs() -> Any:
    return chains()[1].definitions


def _fn(expression: str, base: str) -> Any:
    from fhirpathpy.parser import parse

    src = compile_expression(parse(expression), _defs(), base, base.split(".")[0])
    from fhirconv.validate.fpcompile import RUNTIME

    return eval(src, dict(RUNTIME))


@pytest.mark.parametrize(
    ("expression", "base", "value", "expected"),
    [
        ("code.empty() or system.exists()", "Quantity", {"code": "mg"}, False),
        ("code.empty() or system.exists()", "Quantity", {"code": "mg", "system": "x"}, True),
        ("comparator.empty()", "Quantity", {}, True),
        ("duration.exists() implies duration >= 0", "Timing.repeat", {}, True),
        ("duration.exists() implies duration >= 0", "Timing.repeat", {"duration": -1}, False),
        ("(answer.exists() and item.exists()).not()", "QuestionnaireResponse.item", {}, True),
        (
            "(answer.exists() and item.exists()).not()",
            "QuestionnaireResponse.item",
            {"answer": [{}], "item": [{}]},
            False,
        ),
        ("type = 'document' implies timestamp.exists()", "Bundle", {"type": "document"}, False),
        ("type = 'document' implies timestamp.exists()", "Bundle", {"type": "batch"}, True),
        (
            "kind != 'root' or uniqueId.all(type != 'uuid')",
            "NamingSystem",
            {"kind": "root", "uniqueId": [{"type": "uuid"}]},
            False,
        ),
    ],
)
def test_compiled_expressions(expression: str, base: str, value: dict[str, Any], expected: Any) -> None:
    fn = _fn(expression, base)
    assert fn(value) is expected


def test_compiled_and_interpreted_agree_on_every_constraint_site_of_the_examples() -> None:
    """Each compiled predicate, at each site it runs on in the official examples and converted bundles,
    against fhirpathpy's verdict through the invariant checker (the reference)."""
    from fhirconv.validate import compiled as mod
    from fhirconv.validate.invariants import _compile

    require_shared("fhir-r4", "examples")
    checked = 0
    wrong: list[str] = []
    original = mod._Run.own_constraints

    def own_constraints(self: Any, code: Any, items: Any, value: dict[str, Any], at: str) -> None:
        nonlocal checked
        for c, fn, base in items:
            if fn is None or getattr(fn, "__name__", "") != "<lambda>":
                continue
            try:
                got = fn(value) is True
            except Fallback:
                continue
            interpreted = _compile(c.expression)
            if interpreted.fn is None:
                continue
            walk = self._walk()
            ok = walk.run(interpreted, c, value, base, at)
            checked += 1
            if ok is not None and ok != got:
                wrong.append(f"{c.key} at {at}: compiled {got}, fhirpathpy {ok}")
        original(self, code, items, value, at)

    new = build_chain()
    mod._Run.own_constraints = own_constraints  # type: ignore[method-assign]
    try:
        for name, data in official_examples(SHARED):
            validate_json(data, name, chain=new)
        for name, bundle in converted_bundles(SHARED, limit=4):
            validate_json(bundle, name, chain=new)
    finally:
        mod._Run.own_constraints = original  # type: ignore[method-assign]
    assert checked > 1000
    assert not wrong, wrong[:10]


def test_fallbacks_are_listed_with_a_reason() -> None:
    listing = fallback_listing(_compiled(chains()[1]))
    assert listing, "some R4 constraints need fhirpathpy (select(), resolve(), matches() ...)"
    assert all(key and expression and why for key, expression, why in listing)
    keys = {k for k, _e, _w in listing}
    assert "que-2" in keys  # descendants(): left to fhirpathpy, and listed
    assert _compiled(chains()[1]).program.compiled_count > 300


# -- the cache ----------------------------------------------------------------------------------------


def test_cache_is_private_rebuilt_when_corrupt_and_refused_when_others_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fhirconv.validate import compiled as mod

    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    defs = _defs()
    target = mod._cache_file(defs)
    assert target is not None and str(target).startswith(str(tmp_path))
    chain = build_chain(defs)
    assert validate_json({"resourceType": "Patient", "gender": "female"}, chain=chain).ok
    assert target.is_file()
    assert not target.parent.stat().st_mode & 0o022
    target.write_bytes(b"\x00garbage")
    chain = build_chain(defs)
    assert validate_json({"resourceType": "Patient", "gender": "female"}, chain=chain).ok
    assert target.read_bytes()[:8] != b"\x00garbage"
    # a world-writable folder is never read from, nor written to
    os.chmod(target.parent, 0o777)
    before = target.read_bytes()
    program = mod._Program(defs, _compiled(chain).invariants.plans)
    assert not mod._private_dir(target.parent)
    program.load()
    assert program.units and target.read_bytes() == before


# -- the narrative shortcut ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Condition: chest pain (Confirmed)",
        "a &amp; b &lt;5&gt; &quot;q&quot; &apos;",
        "  \t\n",
        "",
        "a ]]> b",
        "a ] b",
        "a & b",
        "a &nbsp; b",
        "a <b>bold</b>",
        "x\x01y",
        "x\ufffey",
        "&#65;",
        "caf\u00e9 \U0001f600 \u2028",
        "\u00a0",
        "&amp;",
    ],
)
def test_plain_narratives_are_judged_as_the_parser_judges_them(body: str) -> None:
    """The shortcut for text-only divs says "clean" only where the parse-based checks say so too."""
    from fhirconv.validate.compiled import _narrative_ok, _plain_narrative
    from fhirconv.validate.invariants import html_checks
    from fhirconv.validate.structure import _xhtml_problem

    for text in (
        f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>',
        f"<div xmlns='http://www.w3.org/1999/xhtml'>{body}</div>",
        f"<div>{body}</div>",
    ):
        parsed_ok = _xhtml_problem(text) is None and html_checks(text) == (None, None)
        if _plain_narrative(text):
            assert parsed_ok, text
            # the generated walk asks ``_plain_narrative(x) or _narrative_ok(x)``: the same verdict
            assert _narrative_ok(text), text
        assert _narrative_ok(text) is parsed_ok, text
    assert _plain_narrative(f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>') is (
        body in ("Condition: chest pain (Confirmed)", "a &amp; b &lt;5&gt; &quot;q&quot; &apos;")
        or body in ("caf\u00e9 \U0001f600 \u2028", "&amp;")
    )


_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"clinicalStatus": {"text": "active"}},
        {"category": [{"text": "problem"}]},
        {"category": [{"coding": [{"code": "problem-list-item"}]}]},
        {"category": [{"text": "a"}, {"text": "b"}], "verificationStatus": {"text": "confirmed"}},
        {
            "category": [{"text": "a"}],
            "verificationStatus": {"coding": [{"system": _VER, "code": "entered-in-error"}]},
        },
        {
            "category": [{"text": "a"}],
            "verificationStatus": {"coding": [{"system": _VER, "code": "refuted"}]},
        },
        {"category": [{"text": "a"}], "verificationStatus": {"coding": [{"code": "entered-in-error"}]}},
        {"verificationStatus": {"coding": [{"system": _VER, "code": "confirmed"}]}},
    ],
)
def test_con3_shortcut_gives_the_engines_verdict(extra: dict[str, Any]) -> None:
    """con-3 decided in Python where the data are plain JSON, against fhirpathpy through the chain."""
    from fhirconv.validate.compiled import _n_con3

    condition = {"resourceType": "Condition", "subject": {"reference": "Patient/p"}, **extra}
    old, _new = chains()
    warned = any(i.rule == "con-3" for i in validate_json(copy.deepcopy(condition), chain=old).issues)
    assert _n_con3(condition) is (not warned)
    assert compare_json(condition, "con-3 case") == []


def test_the_unchecked_systems_summary_counts_every_coding_once_whoever_walks_it() -> None:
    """The compiled walks collect the Coding-shaped pairs for the binding summary; a resource handed over
    to the original checkers contributes its own pairs, not those of the resources nested in it."""

    def obs(code: str, **extra: Any) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://example.org/cs", "code": code}]},
            **extra,
        }

    contained = {
        "contained": [{"resourceType": "Medication", "code": {"coding": [{"system": "urn:x", "code": "m"}]}}]
    }
    for bad_root, bad_entry in ((False, False), (True, False), (False, True), (True, True)):
        entries: list[dict[str, Any]] = [
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-00000000000{i}",
                "resource": obs(str(i), **contained),
            }
            for i in range(3)
        ]
        if bad_entry:
            entries[1]["resource"]["status"] = 7  # handed over, with its contained Medication
        bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "entry": entries}
        if bad_root:
            bundle["total"] = "x"  # the Bundle itself handed over
        assert compare_json(bundle, f"summary {bad_root} {bad_entry}") == []
        summary = [
            i.message
            for i in validate_json(copy.deepcopy(bundle)).issues
            if i.rule == "terminology.unchecked"
        ]
        assert summary and "http://example.org/cs (3)" in summary[0] and "urn:x (3)" in summary[0]


def test_the_base64_shortcut_matches_exactly_what_the_r4_regex_matches() -> None:
    """Every string over base64 characters, whitespace and a few others, up to 4 characters, plus long
    runs: the shortcut and the published regex agree."""
    import itertools

    from fhirconv.validate.compiled import _B64_PATTERN, _Base64
    from fhirconv.validate.structure import _regex

    pattern = _regex(_defs(), "base64Binary")
    assert pattern is not None and pattern.pattern == _B64_PATTERN
    fast = _Base64(pattern)
    alphabet = "Az9+/= \t\n\x0b-\u00e9"
    samples = ["".join(t) for n in range(5) for t in itertools.product(alphabet, repeat=n)]
    samples += ["QUJD" * 500, "QUJD" * 500 + "Q", "QUJD " * 100, " QUJD\nRA==\n", "QU JD"]
    for text in samples:
        assert (fast.fullmatch(text) is not None) is (pattern.fullmatch(text) is not None), repr(text)


_XHTML_DIV_OPEN = '<div xmlns="http://www.w3.org/1999/xhtml">'


@pytest.mark.parametrize(
    "body",
    [
        "<p>fine <b>bold</b> and <a href='http://example.org/x'>a link</a></p>",
        "<table border='1'><tr><td colspan='2'>cell</td></tr></table>",
        "<p xml:lang='en' xml:space='preserve'>kept</p>",
        "<p>a <!-- comment --> b</p>",
        "<img src='http://example.org/i.png' alt='x'/>",
        "<img src='data:image/png;base64,AAAA'/>",
        "<p> </p>",
        "<p><?pi data?>text</p>",
        "<script>alert(1)</script>",
        "<p onclick='x()'>text</p>",
        "<a href=' JavaScript:alert(1)'>x</a>",
        "<img src='javascript:alert(1)'/>",
        "<p xmlns:o='urn:other' o:title='t'>text</p>",
        "<o:p xmlns:o='urn:other'>text</o:p>",
        "<p xmlns='urn:other'>text</p>",
        "<p>unclosed",
        "<p>&nbsp;</p>",
        "<p>&#160;</p>",
        "<p title='t' x:title='u' xmlns:x='http://www.w3.org/1999/xhtml'>text</p>",
    ],
)
def test_markup_narratives_are_judged_as_the_element_walk_judges_them(body: str) -> None:
    """The one-pass markup check agrees with the structure check and txt-1/txt-2 (parse, root, allowed
    elements and attributes, javascript: links, some content), so a clean verdict is never wrong."""
    from fhirconv.validate.compiled import _markup_ok
    from fhirconv.validate.invariants import html_checks
    from fhirconv.validate.structure import _xhtml_problem

    for text in (
        f"{_XHTML_DIV_OPEN}{body}</div>",
        f"<div>{body}</div>",
        f"<?x y?>{_XHTML_DIV_OPEN}{body}</div>",
    ):
        parsed_ok = _xhtml_problem(text) is None and html_checks(text) == (None, None)
        assert _markup_ok(text) is parsed_ok, text


def _collect_divs(node: Any, divs: list[str]) -> None:
    """Append every narrative ``div`` string found in ``node`` to ``divs``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "div" and isinstance(value, str):
                divs.append(value)
            else:
                _collect_divs(value, divs)
    elif isinstance(node, list):
        for value in node:
            _collect_divs(value, divs)


def test_markup_check_agrees_on_every_official_narrative() -> None:
    from fhirconv.validate.compiled import _markup_ok, _plain_narrative
    from fhirconv.validate.invariants import html_checks
    from fhirconv.validate.structure import _xhtml_problem

    folder = require_shared("fhir-r4", "examples")
    divs: list[str] = []

    def collect(node: Any) -> None:
        _collect_divs(node, divs)

    for path in sorted(folder.glob("*.json")):
        collect(json.loads(path.read_text(encoding="utf-8")))
    assert len(divs) > 500
    assert sum(not _plain_narrative(d) for d in divs) > 500, "the examples' narratives have markup"
    wrong = [
        d[:120]
        for d in divs
        if _markup_ok(d) is not (_xhtml_problem(d) is None and html_checks(d) == (None, None))
    ]
    assert not wrong, wrong[:5]


_DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"


def _derived_condition(reference: Any, path: Any, offset: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "extension": [
            {
                "url": _DERIVATION,
                "extension": [
                    {"url": "reference", "valueReference": {"reference": reference}},
                    {"url": "path", "valueString": path},
                    {"url": "offset", "valueInteger": offset},
                    {"url": "length", "valueInteger": 4},
                ],
            }
        ],
        "code": {"text": "chest pain"},
        "subject": {"reference": "Patient/p1"},
    }


@pytest.mark.parametrize(
    ("reference", "path", "offset"),
    [
        ("DocumentReference/d1", "Condition.code", 12),
        ("#missing", "Condition.code", 12),
        ("DocumentReference/d1", " ", 12),
        ("DocumentReference/d1", "a\x0bb", 12),
        ("DocumentReference/d1", "Condition.code", 2**31),
        ("DocumentReference/d1", "Condition.code", True),
        ("DocumentReference/d1", "Condition.code", 1.0),
        ("", "Condition.code", 12),
        (7, "Condition.code", 12),
    ],
)
def test_extension_walks_memoised_by_shape_give_the_chains_issues(
    reference: Any, path: Any, offset: Any
) -> None:
    """The same extension shape with good and bad leaf values, each after a clean one has filled the
    memo: every report is the checker-by-checker chain's."""
    new = chains()[1]
    clean = _derived_condition("DocumentReference/d0", "Condition.code", 3)
    checker = _compiled(new)
    assert not compare_json(clean, "clean")
    assert checker.ext_tree_memo, "a clean derivation extension should be memoised"
    hits = dict(checker.ext_tree_memo)
    data = _derived_condition(reference, path, offset)
    assert not compare_json(data, "varied"), (reference, path, offset)
    assert not compare_json(copy.deepcopy(clean), "again")
    assert hits.keys() <= checker.ext_tree_memo.keys()


def test_remembered_extension_issues_are_placed_where_each_extension_is() -> None:
    """A remembered extension verdict's issues, relocated once per place and then reused: bundles that
    put the same extension shape at the same and at other places, validated one after another with one
    checker, each get the chain's report (the unknown-extension warning at their own locations)."""
    new = chains()[1]
    checker = _compiled(new)

    def bundle(n: int, skip: int) -> dict[str, Any]:
        entries = [{"resource": {"resourceType": "Basic", "code": {"text": "x"}}}] * skip
        entries += [
            {"resource": _derived_condition("DocumentReference/d1", "Condition.code", i)} for i in range(n)
        ]
        return {"resourceType": "Bundle", "type": "collection", "entry": entries}

    seen = 0
    for n, skip in [(3, 0), (3, 0), (2, 1), (4, 0), (1, 3)]:
        data = bundle(n, skip)
        assert not compare_json(data, f"{n}-{skip}"), (n, skip)
        report = validate_json(copy.deepcopy(data), "x", chain=new)
        places = sorted(i.location for i in report.issues if i.rule == "extension.unknown")
        assert places == [f"Bundle.entry[{skip + i}].resource.extension[0].url" for i in range(n)], places
        seen = max(seen, max(len(v.moved) for v in checker.ext_tree_memo.values()))
    assert seen >= 4, "the verdict should remember the places it was relocated to"


# ---- fast forms of the generated code, each against the slow way it replaces ----------------------

_NAV_VALUES: list[Any] = [None, "", "x", 0, False, 1.5, [], ["a"], ["a", None], [{"k": 1}], {"k": 1}]


@pytest.mark.parametrize("value", _NAV_VALUES)
@pytest.mark.parametrize("underscore", [False, True])
@pytest.mark.parametrize("present", [False, True])
def test_navigation_from_the_focus_equals_navigation_from_a_list_of_one(
    value: Any, underscore: bool, present: bool
) -> None:
    """``_nav1(d, n)`` / ``_navc1(d, keys)`` (what a member of the focus compiles to) give what
    ``_nav([d], n)`` / ``_navc([d], keys)`` give, or raise Fallback exactly when those do."""
    from fhirconv.validate.fpcompile import _nav, _nav1, _navc, _navc1

    d: dict[str, Any] = {"other": 1}
    if present:
        d["name"] = value
        d["valueString"] = value
    if underscore:
        d["_name"] = {"extension": []}
        d["_valueBoolean"] = {"id": "x"}

    def outcome(fn: Any, *args: Any) -> Any:
        try:
            return ("ok", fn(*args))
        except Fallback:
            return ("fallback", None)

    assert outcome(_nav1, d, "name") == outcome(_nav, [d], "name")
    keys = ("valueBoolean", "valueString")
    assert outcome(_navc1, d, keys) == outcome(_navc, [d], keys)
    if present and type(value) is list and None not in value and not underscore:
        assert _nav1(d, "name") is not value, "a copy, as _nav gives: callers may not change the data"


def _three_valued(op: str, a: Any, b: Any) -> Any:
    """FHIRPath's truth tables (specification, "Boolean logic")."""
    if op == "and":
        return False if False in (a, b) else None if None in (a, b) else True
    if op == "or":
        return True if True in (a, b) else None if None in (a, b) else False
    return True if a is False else b if a is True else (True if b is True else None)


@pytest.mark.parametrize("op", ["and", "or", "implies"])
def test_inline_and_or_implies_follow_the_truth_tables(op: str) -> None:
    """``and``/``or``/``implies`` are compiled inline (no lambda per evaluation): every combination of
    true, false and empty operands gives FHIRPath's value; an operand that does not decide is not
    evaluated (a Fallback there is never raised)."""
    fn = _fn(f"active {op} (gender = 'male')", "Patient")
    for a in (True, False, None):
        for b in (True, False, None):
            value: dict[str, Any] = {}
            if a is not None:
                value["active"] = a
            if b is not None:
                value["gender"] = "male" if b else "female"
            assert fn(value) is _three_valued(op, a, b), (op, a, b)
    # the second operand made to need the engine (a number where a string is compared)
    decided = {"and": False, "or": True, "implies": False}[op]
    assert fn({"active": decided, "gender": 7}) is (decided if op != "implies" else True)
    with pytest.raises(Fallback):
        fn({"active": not decided, "gender": 7})


_HOSTILE: list[Any] = [
    "",
    " \t",
    "a\x0bb",
    "a\x0cb",
    "x" * 40,
    "has space",
    "2020-13-01",
    "2020-02-30",
    "2020-02-03",
    7,
    -1,
    0,
    2**31,
    True,
    False,
    1.5,
    None,
    [],
    ["x"],
    {},
    {"a": "b"},
]


def _small_objects() -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}],
            "text": "pulse",
        },
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": "urn:uuid:1"}],
        "subject": {"reference": "Patient/p1", "display": "the patient"},
        "effectivePeriod": {"start": "2020-01-01", "end": "2020-01-02"},
        "valueQuantity": {"value": 72, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
    }


def _leaf_sites() -> list[tuple[str, ...]]:
    return [
        ("code", "coding", "0", "system"),
        ("code", "coding", "0", "code"),
        ("code", "coding", "0", "display"),
        ("code", "coding", "0", "version"),
        ("code", "coding", "0", "userSelected"),
        ("code", "coding", "0", "id"),
        ("code", "coding", "0", "unknownKey"),
        ("code", "coding", "0", "_code"),
        ("code", "text"),
        ("identifier", "0", "value"),
        ("identifier", "0", "system"),
        ("identifier", "0", "use"),
        ("subject", "reference"),
        ("subject", "display"),
        ("subject", "type"),
        ("effectivePeriod", "start"),
        ("effectivePeriod", "end"),
        ("valueQuantity", "value"),
        ("valueQuantity", "comparator"),
        ("valueQuantity", "unit"),
    ]


@pytest.mark.parametrize("site", _leaf_sites(), ids="/".join)
def test_small_objects_checked_key_by_key_give_the_chains_issues(site: tuple[str, ...]) -> None:
    """The objects with few elements (Coding, Identifier, Reference, Period, Quantity ...) compare each
    key with their elements in turn instead of looking it up in a table: every value of every type at
    each of their elements (and an unknown key) is reported as the checker-by-checker chain reports it."""
    for value in _HOSTILE:
        data = _small_objects()
        node: Any = data
        for step in site[:-1]:
            node = node[int(step)] if isinstance(node, list) else node[step]
        node[site[-1]] = value
        assert not compare_json(data, f"{'/'.join(site)}={value!r}")
    # and the clean object itself is decided by the generated walk, not handed over
    checker = _compiled(chains()[1])
    fast = checker.fast
    assert not compare_json(_small_objects(), "clean")
    assert checker.fast > fast


# ---- the extension memo's key and the relocated issues, each against the slow way -----------------


def _all_extensions(value: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("extension", "modifierExtension") and isinstance(v, list):
                out.extend(e for e in v if isinstance(e, dict))
            _all_extensions(v, out)
    elif isinstance(value, list):
        for v in value:
            _all_extensions(v, out)


_LEAF_VALUES: list[Any] = [
    "x",
    " ",
    "",
    "a\x0bb",
    "a\x0cb",
    "#a",
    "#",
    "Patient/1",
    " \t\r\n",
    "\u00a0",
    0,
    1,
    -1,
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    True,
    False,
    1.0,
    None,
    [],
    {},
    {"reference": "Patient/1"},
    {"reference": "#x"},
    {"reference": " "},
    {"reference": 3},
    {"display": "x"},
    {"reference": "Patient/1", "display": "x"},
    ["x"],
]


def _fast_key_agrees(ext: dict[str, Any]) -> bool:
    """``_ext_fast_key``'s flat key, when there is one, names exactly ``_ext_shape_generic``'s key (the
    generic key is rebuilt from it alone, so equal flat keys mean equal shapes), and starts with the None
    no generic key starts with. True when the flat key was given."""
    from fhirconv.validate.compiled import _ext_fast_key, _ext_shape_generic

    fast = _ext_fast_key(ext, [None])
    if fast is None:
        return False
    assert fast[0] is None and len(fast) % 2 == 0, fast
    subs = tuple((("url", fast[i]), fast[i + 1]) for i in range(2, len(fast), 2))
    assert _ext_shape_generic(ext) == (("url", fast[1]), ("extension", subs)), ext
    return True


def test_extension_shape_key_equals_the_generic_key() -> None:
    """``_ext_shape`` (the derivation-reference sub-extensions keyed in line) gives exactly
    ``_ext_shape_generic``'s key (or None) on every extension of the official examples and the
    converted bundles, and on sub-extensions with every leaf key, good and hostile leaf values, key
    orders and extra keys: equal keys, equal memo entries."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fhirconv.validate.compiled import _ext_shape, _ext_shape_generic

    require_shared("fhir-r4", "examples")
    found: list[dict[str, Any]] = []
    for _name, data in official_examples(SHARED):
        _all_extensions(data, found)
    for _name, bundle in converted_bundles(SHARED, limit=20):
        _all_extensions(bundle, found)
    assert len(found) > 1000, "too few extensions to compare"
    fast_subs = 0
    flat = 0
    for ext in found:
        assert _ext_shape(ext) == _ext_shape_generic(ext), ext
        fast_subs += _ext_shape(ext) is not None and "extension" in ext
        flat += _fast_key_agrees(ext)
    assert fast_subs > 100, "the converted bundles' derivation extensions should be keyed"
    assert flat > 100, "the converted bundles' derivation extensions should get the flat key"

    leaf_keys = ["valueString", "valueInteger", "valueReference", "valueCode", "url", "extension", "id"]
    sub = st.one_of(
        st.fixed_dictionaries(
            {"url": st.one_of(st.sampled_from(["reference", "path"]), st.integers(), st.none())},
        ).flatmap(
            lambda d: st.tuples(st.sampled_from(leaf_keys), st.sampled_from(_LEAF_VALUES), st.booleans()).map(
                lambda kv: {kv[0]: kv[1], **d} if kv[2] else {**d, kv[0]: kv[1]}
            )
        ),
        st.dictionaries(st.sampled_from(leaf_keys), st.sampled_from(_LEAF_VALUES), max_size=3),
        st.sampled_from(_LEAF_VALUES),
    )
    ext = st.builds(
        lambda url, subs, extra, swap: (
            {"extension": subs, "url": url, **extra} if swap else {"url": url, "extension": subs, **extra}
        ),
        st.sampled_from([_DERIVATION, 3, "valueString", None]),
        st.one_of(st.lists(sub, max_size=5), st.sampled_from(_LEAF_VALUES)),
        st.one_of(
            st.just({}),
            st.dictionaries(
                st.sampled_from([*leaf_keys[:4], "id"]), st.sampled_from(_LEAF_VALUES), max_size=2
            ),
        ),
        st.booleans(),
    )

    @settings(max_examples=3000, deadline=None, database=None)
    @given(ext)
    def check(value: dict[str, Any]) -> None:
        assert _ext_shape(value) == _ext_shape_generic(value), value
        _fast_key_agrees(value)

    check()


def test_relocated_issues_equal_issues_built_the_usual_way() -> None:
    """``_moved`` (fields set through the slots) gives the issues the dataclass constructor gives."""
    from fhirconv.validate.compiled import _moved
    from fhirconv.validate.issues import Issue, Severity

    issues = [
        Issue(Severity.WARNING, "structure", ".extension[0]", "unknown extension", "extension.unknown"),
        Issue(Severity.INFORMATION, "code-invalid", "", "m", None, 3, 9),
    ]
    moved = _moved(issues, "Bundle.entry[2].resource")
    want = [
        Issue(
            i.severity, i.code, "Bundle.entry[2].resource" + i.location, i.message, i.rule, i.line, i.column
        )
        for i in issues
    ]
    assert moved == want
    assert [hash(i) for i in moved] == [hash(i) for i in want]
    assert [repr(i) for i in moved] == [repr(i) for i in want]


# ---- the expat markup check: whenever it decides, lxml's element walk says the same ----------------

_MK_TAGS = ["p", "b", "div", "img", "br", "table", "td", "a", "span", "script", "o:p", "P", "divx"]
_MK_ATTRS = [
    "title",
    "href",
    "src",
    "class",
    "onclick",
    "xml:lang",
    "xml:space",
    "xml:base",
    "xmlns",
    "xmlns:o",
    "o:title",
    "HREF",
    "alt",
]
_MK_VALUES = [
    "",
    "x",
    "http://example.org/x",
    "javascript:x",
    " JavaScript:x",
    "\tjavascript:x",
    "&#106;avascript:x",
    "java&#x73;cript:x",
    "java script:x",
    "&#10;javascript:x",
    "a>b",
    "a&amp;b",
    "&#160;",
    "&lt;",
    "http://www.w3.org/1999/xhtml",
    "urn:other",
    "\u00e9",
    "&nbsp;",
    "<",
    '"',
]
_MK_TEXT = [
    "",
    " ",
    "x",
    "text",
    "&#160;",
    "&#xa0;",
    "&nbsp;",
    "&amp;",
    "\u00a0",
    "\u2003",
    "&#32;",
    "&#x20;",
    "]]>",
    "\ufffe",
    "\x01",
    "&#0;",
    "&#xD800;",
    "&#x1F600;",
    "\U0001f600",
    "<",
    ">",
    "<!-- c -->",
    "<![CDATA[x]]>",
    "<?pi x?>",
    "\r\n",
    "xmlns",
    "&",
    "&#;",
    "&#x;",
]


def _markup_cases(
    tags: list[str], attrs: list[str], texts: list[str], values: list[str] = _MK_VALUES, roots: int = 8
) -> Any:
    from hypothesis import strategies as st

    attr = st.tuples(st.sampled_from(attrs), st.sampled_from(values), st.sampled_from(['"', "'"])).map(
        lambda a: f" {a[0]}={a[2]}{a[1]}{a[2]}" if a[1] != a[2] else f" {a[0]}='{a[1]}'"
    )

    def element(children: Any) -> Any:
        return st.builds(
            lambda tag, attrs, kids, empty: (
                f"<{tag}{''.join(attrs)}/>" if empty else f"<{tag}{''.join(attrs)}>{''.join(kids)}</{tag}>"
            ),
            st.sampled_from(tags),
            st.lists(attr, max_size=3),
            st.lists(children, max_size=4),
            st.booleans(),
        )

    body = st.recursive(st.sampled_from(texts), element, max_leaves=25)
    root = st.sampled_from(
        [
            '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>',
            "<div xmlns='http://www.w3.org/1999/xhtml' title='t'>{}</div>",
            '<div title="a>b" xmlns="http://www.w3.org/1999/xhtml" >{}</div >\n',
            "<div>{}</div>",
            '<div xmlns="urn:other">{}</div>',
            '<p xmlns="http://www.w3.org/1999/xhtml">{}</p>',
            '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>x',
            '<div xmlns="http://www.w3.org/1999/xhtml">{}</div><!-- c -->',
        ][:roots]
    )
    return st.builds(lambda r, b: r.format("".join(b)), root, st.lists(body, max_size=4))


def _deep(depth: int, wide: int) -> str:
    return (
        '<div xmlns="http://www.w3.org/1999/xhtml">'
        + "<br/>" * wide
        + "<b>" * depth
        + "x"
        + "</b>" * depth
        + "</div>"
    )


def test_expat_markup_check_decides_only_what_the_lxml_walk_decides_the_same() -> None:
    """``_markup_ok`` (expat first, lxml when expat cannot decide) equals ``_markup_lxml`` on every
    narrative of the official examples, the validator test cases and converted bundles, on nesting at
    and around libxml2's depth limit, and on generated markup with allowed and forbidden elements and
    attributes, javascript: links hidden by case, whitespace and character references, entity and
    character references, comments, CDATA, processing instructions and characters XML forbids. The
    expat check must decide most of the examples' markup itself (else it would prove nothing)."""
    from hypothesis import given, settings

    from fhirconv.validate.compiled import _markup_lxml, _markup_ok, _markup_surely_ok, _plain_narrative

    require_shared("fhir-r4", "examples")
    divs: list[str] = []

    def collect(node: Any) -> None:
        _collect_divs(node, divs)

    for _name, data in official_examples(SHARED):
        collect(data)
    for path in validator_case_files(SHARED):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            collect(json.loads(path.read_bytes()))
    for _name, bundle in converted_bundles(SHARED, limit=10):
        collect(bundle)
    markup = [d for d in divs if not _plain_narrative(d)]
    assert len(markup) > 700
    decided = sum(_markup_surely_ok(d.encode("utf-8"), d) for d in markup)
    assert decided > 600, decided
    wrong = [d[:120] for d in markup if _markup_ok(d) is not _markup_lxml(d.encode("utf-8"))]
    assert not wrong, wrong[:5]

    for depth in (1, 150, 199, 200, 201, 254, 255, 256, 257, 300):
        for wide in (0, 400):
            text = _deep(depth, wide)
            assert _markup_ok(text) is _markup_lxml(text.encode("utf-8")), (depth, wide)

    for body in (
        "<a href='javascript:x'>t</a>",
        '<img src=" JavaScript:x"/>t',
        "<a href='&#106;avascript:x'>t</a>",
        "<a href='&#10;javascript:x'>t</a>",
        "<a href='\tjavascript:x'>t</a>",
        "<a href='java script:x'>t</a>",
        "<a href='http://example.org/javascript:x'>t</a>",
    ):
        text = f"{_XHTML_DIV_OPEN}{body}</div>"
        assert _markup_ok(text) is _markup_lxml(text.encode("utf-8")), text

    @settings(max_examples=3000, deadline=None, database=None)
    @given(_markup_cases(_MK_TAGS, _MK_ATTRS, _MK_TEXT))
    def check(text: str) -> None:
        assert _markup_ok(text) is _markup_lxml(text.encode("utf-8")), text

    check()
    # mostly allowed elements and attributes, so that many generated texts get past the first objection
    clean = 0

    @settings(max_examples=3000, deadline=None, database=None)
    @given(
        _markup_cases(
            ["p", "b", "a", "img", "br", "td"],
            ["title", "href", "src", "xml:lang"],
            ["x", " ", "text", "&#160;", "&amp;", "\u00a0", "&#32;", "\r\n"],
            _MK_VALUES[:16],
            roots=3,
        )
    )
    def check_clean(text: str) -> None:
        nonlocal clean
        clean += _markup_surely_ok(text.encode("utf-8"), text)
        assert _markup_ok(text) is _markup_lxml(text.encode("utf-8")), text

    check_clean()
    assert clean > 150, clean


# the fast markup check's own edges: tags and attributes it reads as text, names next to allowed ones,
# links it must leave alone, the first text, nesting around its bound, namespaces and broken markup
_FAST_BODIES = [
    "x",
    "<p>x</p>",
    "<p title='a>b'>x</p>",
    "<p title=\"a='b' href='javascript:x'\">x</p>",
    "<p title='x\" href=\"javascript:y'>x</p>",
    "<a href='javascript:x'>t</a>",
    "x<a href='javascript:x'>t</a>",
    "x<a href='JavaScript:x'>t</a>",
    "x<img src='&#106;avascript:x'/>",
    "x<p onclick='y'>t</p>",
    "x<p ONCLICK='y'>t</p>",
    "x<script>y</script>",
    "x<o:p xmlns:o='urn:o'>t</o:p>",
    "<a href = 'javascript:x' >t</a>",
    "<a href='JAVASCRIPT:x'>t</a>",
    "<a href='jav&#x61;script:x'>t</a>",
    "<a href='&#x20;javascript:x'>t</a>",
    "<a href='java\nscript:x'>t</a>",
    "<a href='http://e.org/?a=1&amp;b=2'>t</a>",
    "<a href='http://e.org/scripts'>t</a>",
    "<a hreflang='en' href='x'>t</a>",
    "<a hrefx='x'>t</a>",
    "<img srcx='x'/>t",
    "<img src='x'/>",
    "<img src='x'/>t",
    "<p xml:lang='en' xml:space='preserve'>t</p>",
    "<p xml:base='x'>t</p>",
    "<p XML:lang='en'>t</p>",
    "<p lang='en' xml:lang='en'>t</p>",
    "<p title='a' title='b'>t</p>",
    "<p title=a>t</p>",
    "<p title>t</p>",
    "<p =x>t</p>",
    "<P>t</P>",
    "<Div>t</Div>",
    "<pre>t</pre>",
    "<pr>t</pr>",
    "<xml:p>t</xml:p>",
    "<x:p xmlns:x='http://www.w3.org/1999/xhtml'>t</x:p>",
    "<p>t</b>",
    "<p>t",
    "t</p>",
    "<p>t</p >",
    "<p\n>t</p\n>",
    "<p\u00a0title='x'>t</p>",
    "<p title='x'\u00a0>t</p>",
    "<p><!-- c -->t</p>",
    "<p><![CDATA[t]]></p>",
    "<?pi x?><p>t</p>",
    "<p>t<?pi?></p>",
    "<!DOCTYPE x><p>t</p>",
    "&#32;",
    "&#160;",
    "&#x20;<p>x</p>",
    "&amp;",
    "&lt;p&gt;",
    "&nbsp;",
    "&#0;",
    "\u00a0",
    "\u2003x",
    "\x85",
    "\x01",
    "\ufffe",
    "]]>",
    "] ]>",
    "\U0001f600",
    "   ",
    "<br/>",
    "<br/> <p> </p> x",
    "<p> </p>",
    "<p/>",
]


def test_fast_markup_check_says_yes_only_where_expat_and_lxml_do() -> None:
    """``_markup_fast`` (regexes over the tags, expat without a handler) is True only where
    ``_markup_surely_ok`` (expat with a call per element) and ``_markup_lxml`` are True: on every
    narrative with markup of the official examples, the validator test cases and converted bundles;
    on its own edges (quotes and '>' in values, names next to allowed ones, javascript: links spelled
    every way, the first text a reference or Unicode space, comments/CDATA/PI/DOCTYPE, namespaces,
    broken markup), with each of the usual openings; on nesting around the depth bound with empty
    elements at the bottom; on generated markup. It must decide nearly all of the examples' markup
    (else it would prove nothing), and ``_markup_ok`` (the memo, then the three checks) must equal the
    lxml walk everywhere, asked twice."""
    from hypothesis import given, settings

    from fhirconv.validate.compiled import (
        _EXPAT_MAX_DEPTH,
        _markup_fast,
        _markup_lxml,
        _markup_ok,
        _markup_surely_ok,
        _markup_verdict,
        _plain_narrative,
    )

    def agree(text: str) -> bool:
        data = text.encode("utf-8")
        fast, lxml_ok = _markup_fast(data, text), _markup_lxml(data)
        assert not fast or (_markup_surely_ok(data, text) and lxml_ok), text[:300]
        assert _markup_verdict(text) is lxml_ok, text[:300]
        assert _markup_ok(text) is lxml_ok and _markup_ok(text) is lxml_ok, text[:300]
        return fast

    require_shared("fhir-r4", "examples")
    divs: list[str] = []
    for _name, data in official_examples(SHARED):
        _collect_divs(data, divs)
    examples = [d for d in divs if not _plain_narrative(d)]
    for path in validator_case_files(SHARED):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            _collect_divs(json.loads(path.read_bytes()), divs)
    for _name, bundle in converted_bundles(SHARED, limit=10):
        _collect_divs(bundle, divs)
    markup = [d for d in divs if not _plain_narrative(d)]
    assert len(examples) > 700
    decided = sum(agree(d) for d in examples)
    assert decided > 0.95 * len(examples), (decided, len(examples))
    for d in markup[len(examples) :]:
        agree(d)

    opens = [
        '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>',
        "<div xmlns='http://www.w3.org/1999/xhtml'>{}</div>",
        '<div xmlns="http://www.w3.org/1999/xhtml" class="c" >{}</div>',
        '<div xmlns="http://www.w3.org/1999/xhtml"\n\txml:lang="en">{}</div\n>',
        '<div xmlns="http://www.w3.org/1999/xhtml2">{}</div>',
        '<div xmlns="http://www.w3.org/1999/xhtml" xmlns:x="urn:x">{}</div>',
        '<div  xmlns="http://www.w3.org/1999/xhtml">{}</div>',
        '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>x',
        '<div xmlns="http://www.w3.org/1999/xhtml">{}</div><p/>',
        '<div xmlns="http://www.w3.org/1999/xhtml"/>{}',
    ]
    fast = 0
    for body in _FAST_BODIES:
        for root in opens:
            fast += agree(root.format(body))
    assert fast > 20, fast

    # nesting: the running sum counts an empty element at the bottom as one level more
    limit = _EXPAT_MAX_DEPTH
    for depth in (limit - 2, limit - 1, limit, limit + 1, 255, 256, 257):
        for bottom in ("x", "<br/>x", "x<br/>", "<br/>"):
            for wide in (0, 2 * limit):
                text = (
                    '<div xmlns="http://www.w3.org/1999/xhtml">'
                    + "<br/>" * wide
                    + "<b>" * (depth - 1)
                    + bottom
                    + "</b>" * (depth - 1)
                    + "</div>"
                )
                agree(text)
    # the deepest a long text may go in the fast check, the bound reached by the empty element at the
    # bottom, with other elements or many empty ones beside (the second count) before

    def nested(levels: int, beside: str) -> str:
        return (
            '<div xmlns="http://www.w3.org/1999/xhtml">'
            + beside * limit
            + "<b>" * levels
            + "<br/>x"
            + "</b>" * levels
            + "</div>"
        )

    assert agree(nested(limit - 2, "<p>y</p>"))
    assert not agree(nested(limit - 1, "<p>y</p>"))
    assert agree(nested(limit - 2, "<br/>"))
    assert not agree(nested(limit - 1, "<br/>"))
    assert _markup_lxml(nested(limit - 1, "<p>y</p>").encode()) and _markup_lxml(
        nested(limit // 2, "<br/>").encode()
    )

    @settings(max_examples=3000, deadline=None, database=None)
    @given(
        _markup_cases(
            [*_MK_TAGS, "pre", "pr", "xml:p", "td"],
            [*_MK_ATTRS, "hreflang", "srcx", "lang", "XML:lang"],
            [*_MK_TEXT, "\x85", "<br/>", "&lt;", "&#x20;x"],
            [*_MK_VALUES, "http://e.org/?a=1&amp;b=2", "sCrIpT", "a>b' c='d", "javas&#99;ript:x"],
        )
    )
    def check(text: str) -> None:
        agree(text)

    check()
    clean = 0

    @settings(max_examples=3000, deadline=None, database=None)
    @given(
        _markup_cases(
            ["p", "b", "a", "img", "br", "td", "span"],
            ["title", "href", "src", "xml:lang", "class"],
            ["x", " ", "text", "&#160;", "&amp;", "\u00a0", "&#32;", "\r\n", "a>b", "]"],
            _MK_VALUES[:16],
            roots=3,
        )
    )
    def check_clean(text: str) -> None:
        nonlocal clean
        clean += agree(text)

    check_clean()
    assert clean > 150, clean


# ---- direct decisions and guards (dom-2/3/4/5/6, ref-1, per-1, the shortcuts, bdl-5/bdl-8) ---------


def _direct_cases() -> list[Any]:
    """Own resources and bundles with the shapes the direct decisions decide or leave (contained
    resources referred to or not, nested ones, versioned or labelled ones, '#x' references, periods,
    narratives, bundle entries)."""
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "weight"},
        "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">w</div>'},
    }
    pat = {"resourceType": "Patient", "id": "p1"}
    org = {"resourceType": "Organization", "id": "o1", "name": "x"}
    cases: list[Any] = []
    for contained in (
        [],
        [pat],
        [pat, org],
        [{**pat, "contained": [org]}],
        [{**pat, "meta": {"versionId": "1"}}],
        [{**pat, "meta": {"lastUpdated": "2020-01-01T00:00:00Z"}}],
        [{**pat, "meta": {"security": [{"system": "s", "code": "c"}]}}],
        [{**pat, "id": 3}],
        ["x"],
    ):
        for ref in ("#p1", "#o1", "#nope", "#", "Patient/1", None):
            res = copy.deepcopy(obs)
            if contained:
                res["contained"] = copy.deepcopy(contained)
            if ref is not None:
                res["subject"] = {"reference": ref}
                res["performer"] = [{"reference": ref}]
            cases.append(res)
    for text in (
        None,
        {"status": "generated"},
        {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml"><a href="#p1">p</a></div>'},
    ):
        res = copy.deepcopy(obs)
        res["contained"] = [copy.deepcopy(pat)]
        res["subject"] = {"reference": "#p1"}
        if text is None:
            del res["text"]
        else:
            res["text"] = text
        cases.append(res)
    for start, end in (
        ("2020-01-01", "2020-01-02"),
        ("2020-01-02", "2020-01-01"),
        ("2020", "2020-01-01"),
        ("2020-01-01T10:00:00Z", "2020-01-01T09:00:00+01:00"),
        ("2020-02-30", "2020-03-01"),
        ("2020-01-01", None),
        (None, "2020-01-01"),
        (3, "2020"),
    ):
        res = copy.deepcopy(obs)
        res["effectivePeriod"] = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
        cases.append(res)
    entries: list[Any] = [
        {"fullUrl": "urn:uuid:00000000-0000-0000-0000-000000000001", "resource": copy.deepcopy(pat)},
        {"fullUrl": "http://x.org/fhir/Patient/p1/_history/2", "resource": copy.deepcopy(pat)},
        {"fullUrl": "http://x.org/fhir/Patient/p1", "request": {"method": "DELETE", "url": "Patient/p1"}},
        {"request": {"method": "GET", "url": "Patient"}},
        {"fullUrl": "http://x.org/fhir/Patient/p1", "resource": copy.deepcopy(pat)},
        {"response": {"status": "200"}},
    ]
    for btype in ("collection", "transaction", "batch-response", "history", "document"):
        for i in range(len(entries)):
            cases.append(
                {"resourceType": "Bundle", "type": btype, "entry": copy.deepcopy(entries[i : i + 3])}
            )
    return cases


def _slow_everywhere(chain: Any) -> None:
    """Every direct decision of ``chain``'s generated walk replaced by "ask the checker"."""
    from fhirconv.validate import compiled as mod

    def undecided(*_args: Any) -> bool:
        raise Fallback

    ns = _compiled(chain).program.ns
    for name in mod._WITH_RUN:
        ns[name] = undecided


def test_direct_decisions_give_the_issues_of_the_checkers_own_code() -> None:
    """The generated walk's direct calls (``_x_*``) give the report the walk gives when each
    constraint goes through the invariant checker (``X.slow``), on own shapes and the official
    examples with contained resources or bundles."""
    fast_chain, slow_chain = build_chain(), build_chain()
    validate_json({"resourceType": "Patient"}, chain=slow_chain)  # (the program, before patching it)
    _slow_everywhere(slow_chain)
    inputs = [(f"case {i}", c) for i, c in enumerate(_direct_cases())]
    folder = SHARED / "fhir-r4" / "examples"
    if folder.is_dir():
        inputs += [
            (name, data)
            for name, data in official_examples(SHARED)
            if isinstance(data, dict)
            and ("contained" in json.dumps(data) or data.get("resourceType") == "Bundle")
        ]
    assert len(inputs) > 100
    wrong = []
    for name, data in inputs:
        a = validate_json(copy.deepcopy(data), name, chain=fast_chain).issues
        b = validate_json(copy.deepcopy(data), name, chain=slow_chain).issues
        if a != b:
            wrong.append(name)
    assert not wrong, wrong[:10]
    # and the same as the checker-by-checker chain
    assert not [d for i, c in enumerate(_direct_cases()) for d in compare_json(c, f"case {i}")]


_ENTRY_VALUES: list[Any] = [
    None,
    "x",
    "",
    "a/_history/1",
    "/_history/",
    3,
    {},
    [],
    {"resourceType": "Patient"},
    ["x"],
]


@pytest.mark.parametrize("key", ["resource", "fullUrl", "request", "response", "_fullUrl", "_resource"])
def test_entry_guards_hold_only_where_the_compiled_predicate_holds(key: str) -> None:
    """bdl-5's and bdl-8's guards (``compiled._GUARDS``) are true only on entries where the compiled
    predicate (itself tested against fhirpathpy above) is true."""
    from fhirconv.validate.compiled import _GUARDS
    from fhirconv.validate.fpcompile import RUNTIME

    checked = 0
    for (rule, expression), guard in _GUARDS.items():
        predicate = _fn(expression, "Bundle.entry")
        test = eval(f"lambda _f: {guard}", dict(RUNTIME))
        for a in _ENTRY_VALUES:
            for b in _ENTRY_VALUES:
                entry = {
                    k: v
                    for k, v in ((key, a), ("resource" if key != "resource" else "fullUrl", b))
                    if v is not None
                }
                if not test(entry):
                    continue
                checked += 1
                try:
                    verdict = predicate(entry)
                except Fallback:
                    verdict = None
                assert verdict is True, (rule, entry)
    assert checked > 10


_NATIVE_VALUES: list[Any] = [None, "x", "", "#", "#a", "a#", 3, {}, [], {"div": "x"}, {"status": "x"}, ["#a"]]


@pytest.mark.parametrize("key", ["contained", "text", "reference", "display"])
def test_native_guards_hold_only_where_the_direct_decision_holds(key: str) -> None:
    """The in-line tests in front of the direct decisions (``compiled._NATIVE_GUARDS``) are true only
    where the decision itself returns True (so skipping the call changes nothing)."""
    from types import SimpleNamespace

    from fhirconv.validate.compiled import _NATIVE_FAST, _NATIVE_GUARDS, _NATIVE_NS

    checked = 0
    for rule, guard in _NATIVE_GUARDS.items():
        decide = _NATIVE_NS[_NATIVE_FAST[rule]]
        test = eval(f"lambda _f: {guard}", {})
        for a in _NATIVE_VALUES:
            for other in ({}, {"contained": [{"resourceType": "Patient", "id": "a"}]}):
                value = {**other, key: a} if a is not None else dict(other)
                if not test(value):
                    continue
                checked += 1
                run = SimpleNamespace(impure=0, root={}, resource=value, _walk=lambda: None)
                try:
                    verdict = decide(value, run)
                except Fallback:
                    verdict = None
                assert verdict is True, (rule, value)
    assert checked > 2


# ---- Codings remembered clean by their items, against the walk -------------------------------------


def _codings_in(value: Any, out: list[dict[str, Any]]) -> None:
    """Every dict with a ``code`` or ``system`` string (the Coding-shaped objects) inside ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("code"), str) or isinstance(value.get("system"), str):
            out.append(value)
        for v in value.values():
            _codings_in(v, out)
    elif isinstance(value, list):
        for v in value:
            _codings_in(v, out)


def test_remembered_codings_give_the_walks_reports() -> None:
    """A Coding of plain strings remembered clean (``_CODINGS``) skips its walk: the reports of the
    examples, of converted bundles and of their codings made hostile (bad codes, other types, keys
    no Coding has), each validated with the memo full of every clean Coding seen, equal those of a
    chain that never remembers one (its memo switched off), issue for issue."""
    require_shared("fhir-r4", "examples")
    require_shared("corpora", "maccrobat2020", "dev")

    class _Never(dict):  # type: ignore[type-arg]
        def __getitem__(self, key: Any) -> Any:
            raise KeyError(key)

    plain, remembering = build_chain(), build_chain()
    program = _compiled(plain).program
    program.ns["_CODINGS"] = _Never()
    program.ns["_coding_clean"] = lambda y: None
    inputs = [(name, data) for name, data in official_examples(SHARED)[::4]]
    inputs += list(converted_bundles(SHARED, limit=4))
    hostile: list[tuple[str, Any]] = []
    name, bundle = inputs[-1]
    count: list[dict[str, Any]] = []
    _codings_in(bundle, count)
    for j in range(0, min(len(count), 30), 3):
        for key in ("code", "system", "display", "userSelected", "value"):
            for bad in ("has space", " ", 7, True, None, ["x"]):
                if (j + len(key) + len(hostile)) % 3:
                    hostile.append(("", None))  # (a sample of the variants is validated)
                    continue
                copy_ = copy.deepcopy(bundle)
                target: list[dict[str, Any]] = []
                _codings_in(copy_, target)
                target[j][key] = bad
                hostile.append((f"{name} coding {j} {key}={bad!r}", copy_))
    for name, data in inputs:
        validate_json(data, name, chain=remembering)  # every clean Coding remembered
    remembered = _compiled(remembering).program.ns["_CODINGS"]
    assert len(remembered) > 50
    hits = 0
    for name, data in inputs + [h for h in hostile if h[1] is not None]:
        found = []
        _codings_in(data, found)
        hits += sum(1 for c in found if _hashable_items(c) in remembered)
        assert (
            validate_json(data, name, chain=remembering).issues
            == validate_json(data, name, chain=plain).issues
        ), name
    assert hits > 500, "the test walked too few remembered Codings"
    assert not any(any(type(v) is not str for _k, v in key) for key in remembered), (
        "only Codings of plain strings are remembered"
    )


def _hashable_items(value: dict[str, Any]) -> Any:
    items = tuple(value.items())
    try:
        hash(items)
    except TypeError:
        return None
    return items


def _value_at(data: Any, location: str) -> Any:
    """The value a location such as ``Bundle.entry[3].resource.code.coding[1]`` names in ``data``."""
    value = data
    for part in location.split(".")[1:]:
        name, _, rest = part.partition("[")
        value = value[name]
        for index in rest.replace("]", "").split("[") if rest else ():
            value = value[int(index)]
    return value


def test_every_recorded_site_names_the_place_of_its_value() -> None:
    """The walk builds a Coding's location in a list only where it uses it (a walk, an issue, a site):
    every site it records (Codings of systems lint has not found good among them) names the very
    object it holds, on converted bundles (validated twice: the second time every Coding is
    remembered) and on official examples. A location built for the wrong item, or left over from
    the item before, fails it."""
    require_shared("fhir-r4", "examples")
    require_shared("corpora", "maccrobat2020", "dev")
    from fhirconv.validate.lint import LintChecker

    chain = build_chain()
    lint = next(c for c in chain.checkers if isinstance(c, LintChecker))
    inputs = list(converted_bundles(SHARED, limit=6)) + official_examples(SHARED)[::5]
    for name, bundle in inputs[:6]:
        # Codings without a system (sites lint always reads), remembered clean after their first walk
        copy_ = copy.deepcopy(bundle)
        found: list[dict[str, Any]] = []
        _codings_in(copy_, found)
        for coding in found[::2]:
            coding.pop("system", None)
        inputs.append((f"{name} without systems", copy_))
    codings = checked = 0
    for name, data in inputs + inputs[-6:]:
        validate_json(data, name, chain=chain)
        for sites in lint.cache.sites.values():
            for site in sites:
                assert _value_at(data, site.location) is site.value, (name, site.location)
                checked += 1
                codings += site.type == "Coding" and site.location.endswith("]")
    assert checked > 1000
    assert codings > 50, "the test saw too few Codings of a list"


def test_one_call_string_equality_and_absent_choices_decide_as_the_general_path() -> None:
    """``_eq1s`` (a member compared with a string literal) and ``_navc1`` given the keys with their
    '_' partners (a choice left out) give what the general runtime gives, Fallback included, on
    plain, hostile and absent values."""
    from fhirconv.validate.fpcompile import _eq, _eq1s, _nav1, _navc1

    class Sub(str):
        pass

    values: list[Any] = ["x", "y", "", Sub("x"), 1, 1.0, True, None, ["x"], ["x", "y"], [], [None], {"a": 1}]

    def outcome(fn: Any, *args: Any) -> Any:
        try:
            return ("value", fn(*args))
        except Fallback:
            return ("fallback",)

    seen = 0
    for value in values:
        for extra in ({}, {"_code": {"id": "1"}}, {"other": "x"}):
            d: dict[str, Any] = dict(extra)
            if value is not None:
                d["code"] = value
            for lit in ("x", "y"):
                general = outcome(lambda d, lit: _eq(_nav1(d, "code"), [lit]), d, lit)
                assert outcome(_eq1s, d, "code", lit) == general, (d, lit)
                seen += 1
            keys = ("codeString", "code", "codeInteger")
            both = keys + tuple("_" + k for k in keys)
            assert outcome(_navc1, d, keys, both) == outcome(_navc1, d, keys), d
    assert seen == len(values) * 6


def _bound_concepts(value: Any, out: list[dict[str, Any]]) -> None:
    """Every dict with a ``coding`` list inside ``value`` (the CodeableConcept-shaped objects)."""
    if isinstance(value, dict):
        if isinstance(value.get("coding"), list):
            out.append(value)
        for v in value.values():
            _bound_concepts(v, out)
    elif isinstance(value, list):
        for v in value:
            _bound_concepts(v, out)


def test_bound_concepts_skipped_by_the_memo_key_give_the_walks_reports() -> None:
    """A bound CodeableConcept of one Coding of exact strings asks the binding memo in line with the key
    ``_Run.bcoded`` builds, ``(binding, has_text, (system, code))``, and skips the call on an empty
    verdict: the reports of the examples, of converted bundles and of their concepts made to differ
    (text dropped or added, an unknown code, another system, a second coding) equal those of a chain
    whose binding memo never answers (every bcoded call made), issue for issue."""
    require_shared("fhir-r4", "examples")
    require_shared("corpora", "maccrobat2020", "dev")

    class _NeverAnswers(dict):  # type: ignore[type-arg]
        def get(self, key: Any, default: Any = None) -> Any:
            return default

    plain, remembering = build_chain(), build_chain()
    _compiled(plain).binding_memo = _NeverAnswers()
    inputs = [(name, data) for name, data in official_examples(SHARED)[::4]]
    inputs += list(converted_bundles(SHARED, limit=4))
    name, bundle = inputs[-1]
    found: list[dict[str, Any]] = []
    _bound_concepts(bundle, found)
    variants: list[tuple[str, Any]] = []
    for j in range(0, len(found), max(1, len(found) // 12)):
        for change in ("no text", "text", "unknown code", "other system", "two codings"):
            copy_ = copy.deepcopy(bundle)
            target: list[dict[str, Any]] = []
            _bound_concepts(copy_, target)
            concept = target[j]
            first = concept["coding"][0]
            if change == "no text":
                concept.pop("text", None)
            elif change == "text":
                concept["text"] = "some text"
            elif change == "unknown code":
                first["code"] = "no-such-code"
            elif change == "other system":
                first["system"] = "http://example.org/other"
            else:
                concept["coding"].append(dict(first, code="second"))
            variants.append((f"{name} concept {j} {change}", copy_))
    for name, data in inputs + variants:
        validate_json(data, name, chain=remembering)  # every verdict remembered
    assert len(_compiled(remembering).binding_memo) > 20
    for name, data in inputs + variants:
        assert (
            validate_json(data, name, chain=remembering).issues
            == validate_json(data, name, chain=plain).issues
        ), name


def test_plain_references_are_skipped_only_where_the_reference_walk_is_clean() -> None:
    """The handler's in-line test of ``{'reference': <plain string>}`` (``string_only_guard``) holds only
    where the walk of the Reference type adds nothing and does not hand the resource over: checked on
    every Reference-shaped object of the examples and converted bundles and on hostile strings."""
    require_shared("fhir-r4", "examples")
    require_shared("corpora", "maccrobat2020", "dev")
    from fhirconv.validate.compiled import Bail, _Generator, _Run

    checker = _compiled(build_chain())
    program = checker.program
    guard = _Generator(checker.defs, checker.invariants.plans).string_only_guard("Reference")
    assert guard is not None
    walk = program.entry("Reference")
    assert walk is not None
    objects: list[Any] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if "reference" in value:
                objects.append(value)
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for _name, data in official_examples(SHARED)[::3] + list(converted_bundles(SHARED, limit=4)):
        collect(data)
    hostile = ["", " ", "\t\r\n", "a\x0bb", "a\x0cb", "x" * 1048577, " x ", "#local", "é"]
    objects += [{"reference": h} for h in hostile]
    objects += [{"reference": 7}, {"reference": None}, {"reference": "x", "display": "y"}]

    class _Str(str):
        pass

    objects.append({"reference": _Str("a subclass")})
    held = 0
    for obj in objects:
        if not eval(guard, {}, {"y": obj}):  # (the generator's own test)
            continue
        held += 1
        run = _Run(checker, {"resourceType": "Basic"}, {"resourceType": "Basic"}, None)
        try:
            walk(obj, "Basic.x", ("Basic.x", "Basic.x", "Reference", "Reference", "@complex"), run)
        except Bail:
            pytest.fail(f"the guard holds on {obj!r}, which the walk refuses")
        assert not (run.struct or run.inv or run.bind or run.sites or run.impure), obj
    assert held > 500, "the test checked too few plain references"
    for h in hostile[:6]:
        assert not eval(guard, {}, {"y": {"reference": h}}), h


def test_fhirpath_fallbacks_see_the_root_set_only_when_asked() -> None:
    """The compiled walk sets invariants._CURRENT_ROOT (fhirpathpy's resolve() reads it) only when it
    asks for the invariant checker's walk, not per resource: every constraint that walk evaluates sees
    ``(the input's root, the resource's container)`` as check_resource computed it before, and the
    variable is unset again after every resource (official examples, contained resources among them).
    Fails when the walk is created without setting it, or when the reset is dropped."""
    from fhirconv.validate import compiled as c
    from fhirconv.validate import invariants as inv

    require_shared("fhir-r4", "examples")
    chain = build_chain()
    seen: list[tuple[Any, Any]] = []
    original, slow = inv._Walk.constraint, c._Run.slow
    check = CompiledChecker.check_resource
    in_walk = [False]  # (the original checkers a resource is handed over to set the variable themselves)

    def constraint(self: Any, con: Any, value: dict[str, Any], base: str, loc: str) -> None:
        if in_walk[0]:
            seen.append(inv._CURRENT_ROOT.get())
        original(self, con, value, base, loc)

    def slowly(self: Any, item: Any, value: dict[str, Any], at: str) -> None:
        in_walk[0] = True
        try:
            slow(self, item, value, at)
        finally:
            in_walk[0] = False

    expected: list[tuple[Any, Any]] = []
    wrong: list[str] = []

    def checked(self: CompiledChecker, resource: dict[str, Any], location: str, ctx: Any) -> Any:
        root = ctx.root if ctx.root is not None else resource
        container = (inv._container(ctx.root, location) if ".contained[" in location else None) or resource
        expected.append((root, container))
        before = len(seen)
        out = check(self, resource, location, ctx)
        # (an assertion here would be a checker failure the chain reports as an issue: noted instead)
        if inv._CURRENT_ROOT.get() is not None:
            wrong.append(f"left set after {location}")
        for got in seen[before:]:
            if got is None or got[0] is not root or got[1] is not container:
                wrong.append(f"{location}: {got!r:.80}")
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(inv._Walk, "constraint", constraint)
        mp.setattr(c._Run, "slow", slowly)
        mp.setattr(c.CompiledChecker, "check_resource", checked)
        for _name, data in official_examples(SHARED):
            validate_json(data, chain=chain)
    assert not wrong, wrong[:5]
    assert len(seen) > 10, "too few constraints through the compiled walk's fallback"
    assert any(root is not container for root, container in expected), "no contained resource checked"
