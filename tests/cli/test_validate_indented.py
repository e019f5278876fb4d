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
