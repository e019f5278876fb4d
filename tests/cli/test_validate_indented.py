"""``fhirconv validate``'s JSON and SARIF text: orjson writes it only when it is json's text exactly.

``_indented(value)`` must equal ``json.dumps(value, indent=2, ensure_ascii=False)`` for every value, and
raise what json raises where json raises (floats, non-string keys, big integers, lone surrogates, control
characters, tuples, str/int subclasses, empty and nested containers drawn).
"""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.cli.validate import _indented


class _Colour(StrEnum):
    RED = "red"


class _Size(IntEnum):
    BIG = 7


def _json_way(value: Any) -> tuple[str | None, str | None]:
    try:
        return json.dumps(value, indent=2, ensure_ascii=False), None
    except (TypeError, ValueError) as exc:
        return None, type(exc).__name__


def _our_way(value: Any) -> tuple[str | None, str | None]:
    try:
        return _indented(value), None
    except (TypeError, ValueError) as exc:
        return None, type(exc).__name__


_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=6) | st.sampled_from(
    ["\x00\x1f\x7f", "\b\f\n\r\t", '"\\/', "\u2028\u2029", "\ud800", "\U0001f600", "é"]
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    _TEXT,
    st.sampled_from([_Colour.RED, _Size.BIG, 1e16, 0.1, -0.0, 1.5]),
)
_KEYS = _TEXT | st.sampled_from([1, 2.5, None, True])
_VALUES = st.recursive(
    _LEAVES,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.lists(kids, max_size=3).map(tuple)
        | st.dictionaries(_KEYS, kids, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=1500, deadline=None)
@given(_VALUES)
def test_indented_is_jsons_text(value: Any) -> None:
    assert _our_way(value) == _json_way(value)


@pytest.mark.parametrize(
    "value",
    [
        {"a": [], "b": {}, "c": [[], {}, [1, {"d": None}]]},
        {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "line": 3}]},
        {"x": 1.0},
        {"x": float("nan")},
        {1: "a"},
        {"x": 2**64},
        {"x": "\ud800"},
        {"x": object()},
        [_Colour.RED, _Size.BIG],
    ],
)
def test_written_cases(value: Any) -> None:
    assert _our_way(value) == _json_way(value)


def test_orjson_escapes_every_code_point_as_json() -> None:
    """The ``plain`` fast path's premise, for every character: orjson writes json's text
    (``ensure_ascii=False``) or refuses (lone surrogates only)."""
    import orjson

    refused = []
    for cp in range(0x110000):
        c = chr(cp)
        try:
            ours = orjson.dumps(c)
        except orjson.JSONEncodeError:
            refused.append(cp)
            continue
        assert ours == json.dumps(c, ensure_ascii=False).encode("utf-8"), hex(cp)
    assert refused == list(range(0xD800, 0xE000))


_PLAIN_LEAVES = st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70), _TEXT)
_PLAIN_VALUES = st.recursive(
    _PLAIN_LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_TEXT, kids, max_size=4),
    max_leaves=25,
)


@settings(max_examples=1500, deadline=None)
@given(_PLAIN_VALUES)
def test_plain_indented_is_jsons_text(value: Any) -> None:
    try:
        expected: tuple[str | None, str | None] = (json.dumps(value, indent=2, ensure_ascii=False), None)
    except (TypeError, ValueError) as exc:
        expected = (None, type(exc).__name__)
    try:
        ours: tuple[str | None, str | None] = (_indented(value, plain=True), None)
    except (TypeError, ValueError) as exc:
        ours = (None, type(exc).__name__)
    assert ours == expected


_FIELDS = st.one_of(_TEXT, st.sampled_from([1.5, _Colour.RED, 3, True, None, float("nan")]))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(_TEXT, _FIELDS, _FIELDS, st.one_of(st.none(), _TEXT, _FIELDS)),
        max_size=4,
    ),
    st.one_of(st.none(), st.integers(min_value=-(2**66), max_value=2**66), st.sampled_from([2.0, True])),
    st.sampled_from(["json", "sarif"]),
    st.booleans(),
)
def test_rendered_reports_are_jsons_text(
    fields: list[tuple[Any, Any, Any, Any]], line: Any, fmt: str, two: bool
) -> None:
    """``render`` trusts orjson only when ``_plain`` holds: any issue field that is no exact str/int/None
    (floats, enums, bools) makes it compare, and the text is json's in every case."""
    from fhirconv.cli import validate as cli
    from fhirconv.validate.issues import Issue, Report, Severity

    issues = [
        Issue(Severity.ERROR, code, loc, message, rule, line=line, column=line)
        for loc, code, message, rule in fields
    ]
    reports = [Report("a.json", issues), *([Report("b\ud800.json", issues[:1])] if two else [])]
    try:
        ours: str | None = cli.render(reports, fmt)
    except (TypeError, ValueError):
        ours = None
    cli_indented = cli._indented
    try:
        cli._indented = lambda value, plain=False: json.dumps(value, indent=2, ensure_ascii=False)  # type: ignore[assignment]
        expected: str | None = cli.render(reports, fmt)
    except (TypeError, ValueError):
        expected = None
    finally:
        cli._indented = cli_indented  # type: ignore[method-assign]
    assert ours == expected
