"""``DumpedPositions`` (the lazy map ``Report.locate`` uses when ``strictjson.loads_laid_out`` found the
text to be orjson's indented dump of its value) answers every location exactly as the full scan
(``json_positions``) does, and ``loads_laid_out`` says "dumped" exactly when the text is that dump.

For each dumped text (as bytes and as str, with and without trailing whitespace), every location of the
full map, locations below and beside them that the text lacks, and locations that keys holding ``.``,
``[`` or ``]`` make ambiguous must give the full map's answer, asked in text order and in reverse,
without the full scan.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import shared_json_files
from test_parsed_positions import _KEYS, _VALUES, _asked

from fhirconv import strictjson
from fhirconv.errors import MalformedInputError
from fhirconv.validate.positions import DumpedPositions, dump_of_same_layout, json_positions, position_of


def _agree(text: str | bytes, root: str = "R", *, reverse: bool = False) -> int:
    """Assert the dumped map equals the full one on every location asked; the number asked."""
    full = json_positions(text, root)
    value, dumped = strictjson.loads_laid_out(text, "t")
    assert dumped
    scans: list[int] = []

    def scan() -> dict[str, tuple[int, int]]:
        scans.append(1)
        return full

    lazy = DumpedPositions(text, value, root, 0, scan)
    asked = _asked(full)
    for loc in reversed(asked) if reverse else asked:
        assert lazy.get(loc) == full.get(loc), loc
        assert position_of(loc, lazy) == position_of(loc, full), loc
    assert next(iter(lazy)) == next(iter(full))
    assert not scans  # answered by the layout itself
    return len(asked)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(_KEYS, _VALUES, max_size=5),
    st.sampled_from(["", "\n", " \r\n\t "]),
    st.booleans(),
    st.booleans(),
)
def test_dumped_map_is_the_full_map(value: Any, tail: str, as_str: bool, reverse: bool) -> None:
    data = orjson.dumps(value, option=orjson.OPT_INDENT_2) + tail.encode()
    assert _agree(data.decode("utf-8") if as_str else data, reverse=reverse)


def test_ambiguous_locations_take_the_later_value() -> None:
    value = {"a": {"b": [1, {"c": 2}]}, "a.b": [3, 4], "a.b[1]": {"c": 5}, "x": {"": {"": 6}}}
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    assert _agree(text)
    lazy = DumpedPositions(text, value, "R", 0, dict)
    line, column = lazy["R.a.b[1].c"]
    assert text.decode().splitlines()[line - 1][column - 1] == "5"  # the later one


def test_a_value_that_disagrees_with_the_text_falls_back_to_the_scan() -> None:
    text = orjson.dumps({"a": {"b": 1}, "c": [1, 2]}, option=orjson.OPT_INDENT_2)
    full = json_positions(text, "R")
    lazy = DumpedPositions(text, {"a": {"b": 1, "z": 2}, "c": [1, 2, 3]}, "R", 0, lambda: full)
    assert lazy.get("R.a.z") is None and lazy.get("R.c[2]") is None  # the scan's answer: not there
    assert lazy.get("R.c[1]") == full["R.c[1]"]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # compact
        '{\n  "a": 1\n}\n',  # the dump
        '{\n  "a" : 1\n}',  # HAPI's spacing
        '{\n    "a": 1\n}',  # four spaces
        '{\n  "a": 1.50\n}',  # a number written otherwise
        '{\r\n  "a": 1\r\n}',  # CRLF
        '\ufeff{\n  "a": 1\n}',  # BOM
        '{\n  "a": "\\u00e9"\n}',  # an escape orjson does not write
        '{\n  "a": 1,\n  "a": 2\n}',  # duplicate key
        '{\n  "a": 1e400\n}',  # overflow: the hooked parser refuses it
    ],
)
def test_loads_laid_out_is_loads_and_says_dumped_only_for_the_dump(text: str) -> None:
    for given_text in (text, text.encode("utf-8")):
        try:
            expected = strictjson.loads(given_text, "t")
        except MalformedInputError as exc:
            with pytest.raises(MalformedInputError) as raised:
                strictjson.loads_laid_out(given_text, "t")
            assert raised.value.message == exc.message
            continue
        value, dumped = strictjson.loads_laid_out(given_text, "t")
        assert orjson.dumps(value) == orjson.dumps(expected)
        raw = given_text.encode("utf-8") if isinstance(given_text, str) else given_text
        assert dumped == raw.startswith(orjson.dumps(expected, option=orjson.OPT_INDENT_2))


def test_dumped_map_on_shared_json() -> None:
    """Every shared example and test case that is a dump, as the validate command reads it."""
    taken = 0
    for p in shared_json_files():
        data = p.read_bytes()
        if len(data) > 300_000:
            continue
        try:
            value, dumped = strictjson.loads_laid_out(data, p.name)
        except MalformedInputError:
            continue
        assert dumped == data.startswith(orjson.dumps(value, option=orjson.OPT_INDENT_2))
        if dumped and isinstance(value, dict):
            root = str(value.get("resourceType", "R"))
            taken += _agree(data, root, reverse=taken % 2 == 1) > 0
            assert json.loads(data) == value
    assert taken > 400


def _agree_same_layout(text: str | bytes, root: str = "R") -> int:
    """Assert the dump's map answers for ``text`` (laid out as the dump) as the full scan of ``text``."""
    value = strictjson.loads(text, "t")
    dump = dump_of_same_layout(text, value)
    assert dump is not None
    full = json_positions(text, root)
    lazy = DumpedPositions(dump, value, root, 0, dict)
    asked = _asked(full)
    for loc in asked:
        assert lazy.get(loc) == full.get(loc), loc
    return len(asked)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _VALUES, max_size=5), st.booleans(), st.integers(min_value=0, max_value=2**16))
def test_numbers_written_otherwise_and_crlf_keep_the_dumps_places(value: Any, crlf: bool, seed: int) -> None:
    rng = random.Random(seed)
    lines = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8").split("\n")
    # a decimal alone on its line written otherwise: 0.5 -> 0.50, 0.5e0, 0.500E+0
    number_line = re.compile(r'( *(?:"(?:[^"\\]|\\.)*": )?)(-?[0-9]+\.[0-9]+)(,?)')
    lines = [
        m.group(1) + m.group(2) + rng.choice(["", "0", "e0", "00E+0"]) + m.group(3)
        if (m := number_line.fullmatch(ln))
        else ln
        for ln in lines
    ]
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    assert _agree_same_layout(text)


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "a": 1\n}',  # the dump itself
        '{\n  "a": 1.50\n}',
        '{\r\n  "a": [\r\n    1.0e2\r\n  ]\r\n}\r\n',
    ],
)
def test_same_layout_accepted(text: str) -> None:
    assert _agree_same_layout(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # compact
        '{\n  "a" : 1\n}',  # HAPI's spacing
        '{\n    "a": 1\n}',  # four spaces
        '{\n  "a": "\\u00e9"\n}',  # an escape orjson does not write
        ' {\n  "a": 1\n}',  # leading space
        '{\n  "a": 1, "b": 2\n}',  # two members on a line
    ],
)
def test_other_layouts_declined(text: str) -> None:
    assert dump_of_same_layout(text, strictjson.loads(text, "t")) is None


def test_same_layout_on_shared_json() -> None:
    """Every shared example and test case laid out as its dump but not the dump itself."""
    taken = 0
    for p in shared_json_files():
        data = p.read_bytes()
        if len(data) > 300_000:
            continue
        try:
            value, dumped = strictjson.loads_laid_out(data, p.name)
        except MalformedInputError:
            continue
        if not dumped and isinstance(value, dict) and dump_of_same_layout(data, value) is not None:
            taken += _agree_same_layout(data, str(value.get("resourceType", "R"))) > 0
    assert taken >= 3
