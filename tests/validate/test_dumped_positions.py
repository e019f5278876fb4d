"""``dumped_positions`` answers every location exactly as the full scan (``json_positions``) does.

The lazy map is used only for texts laid out as orjson's indented dump (numbers may be written
otherwise, ``\\r\\n`` line ends and trailing whitespace allowed); for each, every location of the full map,
locations below and beside them that the text does not hold, and locations that a key holding ``.``,
``[`` or ``]`` makes ambiguous must give the full map's answer (``get``), and the map's keys and length
must be the full map's.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import require_shared

from fhirconv.validate.dumped_positions import dumped_positions
from fhirconv.validate.positions import JsonSyntaxError, json_positions, position_of


def _asked(full: dict[str, tuple[int, int]]) -> list[str]:
    """Every location of the map, and beside each: a child, an element, a sibling index the text lacks,
    the location cut inside a step, and forms the scanner never writes (``[01]``, ``[+1]``)."""
    out: list[str] = []
    for loc in full:
        out += [loc, loc + ".zz", loc + "[0]", loc + "[99]", loc + ".", loc + "[", loc + "[01]", loc[:-1]]
        out.append(re.sub(r"\[(\d+)\]$", lambda m: f"[{int(m.group(1)) + 1}]", loc))
        out.append(re.sub(r"\[(\d+)\]$", r"[+\1]", loc))
    return out


def _agree(text: str | bytes, root: str = "R", line_offset: int = 0) -> bool:
    """Assert the lazy map equals the full one on every location asked; False when it declines."""
    lazy = dumped_positions(
        text, root, line_offset, lambda: json_positions(text, root, line_offset=line_offset)
    )
    try:
        full = json_positions(text, root, line_offset=line_offset)
    except JsonSyntaxError:
        assert lazy is None  # the scan refuses it: Report.locate must see that error, not positions
        return False
    if lazy is None:
        return False
    for loc in _asked(full):
        assert lazy.get(loc) == full.get(loc), loc
        assert position_of(loc, lazy) == position_of(loc, full), loc
    assert next(iter(lazy)) == next(iter(full))
    assert list(lazy) == list(full)
    assert len(lazy) == len(full)
    return True


_KEYS = st.sampled_from(
    ["a", "b", "a.b", "a[0]", "[0]", "0", "", ".", "]", "a]", "é", "k\n", 'q"', "resourceType"]
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_KEYS, kids, max_size=4),
    max_leaves=25,
)
_DECIMAL = re.compile(rb"(?<=[: ])(-?[0-9]+\.[0-9]+)(?=,?\n)")


@settings(max_examples=700, deadline=None)
@given(
    st.dictionaries(_KEYS, _VALUES, max_size=5),
    st.sampled_from([b"", b"\n", b" \r\n\t"]),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=0, max_value=3),
)
def test_lazy_map_is_the_full_map(value: Any, tail: bytes, crlf: bool, zeros: bool, line_offset: int) -> None:
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    if zeros:  # decimals written with trailing zeros, as HL7's examples write them
        text = _DECIMAL.sub(rb"\g<1>00", text)
    if crlf:
        text = text.replace(b"\n", b"\r\n")
    text += tail
    taken = b"\n" in text  # a text on one line is left to the scan (NDJSON lines, compact files)
    assert _agree(text, "R", line_offset) == taken
    assert _agree(text.decode("utf-8"), "R", line_offset) == taken


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # compact: not the dump's layout
        '{\n  "a" : 1\n}',
        '{\n  "a": 1\n}\n\x0c',
        ' {\n  "a": 1\n}',
        '{\n  "a": 1,\n  "b": "x"\n}'.replace('"x"', '"\\u0078"'),
        '{\n  "a": 1.0e0,\n  "b": [\n    1, 2\n  ]\n}',
        '{\n  "a": [\n    1,\n    2\n  ]\n}'.replace("1,\n    2", "1,2"),
        '{\n  "a": "x",\n  "b": 1\n}'.replace('"b": 1', '"b": 1 '),
    ],
)
def test_other_layouts_are_declined(text: str) -> None:
    assert not _agree(text)


def test_ambiguous_locations_take_the_later_value() -> None:
    value = {"a": {"b": [1, {"c": 2}]}, "a.b": [3, 4], "a.b[1]": {"c": 5}, "x": {"": {"": 6}}}
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    assert _agree(text)
    lazy = dumped_positions(text, "R", 0, dict)
    full = json_positions(text, "R")
    assert lazy is not None
    assert lazy.get("R.a.b[1].c") == full["R.a.b[1].c"] == (15, 10)  # "c": 5 of "a.b[1]", the later
    assert lazy.get("R.x..") == full["R.x.."]


def test_lazy_map_on_shared_json() -> None:
    files = [
        p
        for folder in (require_shared("fhir-r4"), require_shared("fhir-test-cases"))
        for p in sorted(folder.rglob("*.json"))
    ]
    assert len(files) > 500
    taken = 0
    for p in files:
        data = p.read_bytes()
        try:
            value = json.loads(data)
            json_positions(data, "R")
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict) and len(data) < 300_000:
            taken += _agree(data, str(value.get("resourceType", "R")))
    assert taken > 500  # the lazy map is used (525 of the 527 R4 examples), not only declined
