"""``ParsedPositions`` (the lazy map ``Report.locate`` uses) answers every location exactly as the full
scan (``json_positions``) does, for strict JSON of any layout: compact, indented by json or orjson,
HAPI's ``"key" : value`` layout, random whitespace, escapes, a BOM-less text with a line offset (NDJSON).

For each text, every location of the full map, locations below and beside them that the text lacks, and
locations that keys holding ``.``, ``[`` or ``]`` make ambiguous must give the full map's answer, asked
in text order and in reverse (the map reads containers incrementally and keeps what it read).
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from support import shared_json_files

from fhirconv.strictjson import loads as strict_loads
from fhirconv.validate.positions import (
    JsonSyntaxError,
    LineIndex,
    ParsedPositions,
    json_positions,
    locate_issues,
    position_of,
)


def _asked(full: dict[str, tuple[int, int]]) -> list[str]:
    out: list[str] = []
    for loc in full:
        out += [loc, loc + ".zz", loc + "[0]", loc + "[99]", loc + ".", loc + "[", loc + "[01]", loc[:-1]]
        out.append(re.sub(r"\[(\d+)\]$", lambda m: f"[{int(m.group(1)) + 1}]", loc))
        out.append(re.sub(r"\[(\d+)\]$", r"[+\1]", loc))
    return out


def _agree(text: str, root: str = "R", line_offset: int = 0, *, reverse: bool = False) -> bool:
    """Assert the lazy map equals the full one on every location asked; False when the scan refuses."""
    try:
        full = json_positions(text, root, line_offset=line_offset)
    except JsonSyntaxError:
        return False
    value = json.loads(text)
    body = text[1:] if text.startswith("\ufeff") else text
    scans: list[int] = []

    def scan() -> dict[str, tuple[int, int]]:
        scans.append(1)
        return full

    lazy = ParsedPositions(body, value, root, line_offset, scan)
    asked = _asked(full)
    for loc in reversed(asked) if reverse else asked:
        assert lazy.get(loc) == full.get(loc), loc
        assert position_of(loc, lazy) == position_of(loc, full), loc
    assert next(iter(lazy)) == next(iter(full))
    assert not scans  # answered by the walk itself: the full scan is only a safety net
    return True


_KEYS = st.sampled_from(
    ["a", "b", "a.b", "a[0]", "[0]", "0", "", ".", "]", "a]", "é", "k\n", 'q"', "resourceType", "x\\"]
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.sampled_from(['{"a": [1, ","]}', "}],[{", '\\"', "\u2028"]),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_KEYS, kids, max_size=4),
    max_leaves=25,
)


def _layout(value: Any, how: int, seed: int) -> str:
    if how == 0:
        return orjson.dumps(value).decode("utf-8")
    if how == 1:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    if how == 2:
        return json.dumps(value, indent=1, separators=(",", " : "))  # HAPI-like spacing, \\u escapes
    if how == 3:
        return json.dumps(value, indent="\t", ensure_ascii=False)
    # every token separated by random JSON whitespace
    rng = random.Random(seed)
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', json.dumps(value))
    return "".join(rng.choice(["", " ", "\n", "\r\n", "\t ", "\n\n  "]) + t for t in tokens) + "\n"


@settings(max_examples=600, deadline=None)
@given(
    st.dictionaries(_KEYS, _VALUES, max_size=5),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=2**16),
    st.integers(min_value=0, max_value=3),
    st.booleans(),
)
def test_parsed_map_is_the_full_map(value: Any, how: int, seed: int, line_offset: int, reverse: bool) -> None:
    text = _layout(value, how, seed)
    assert _agree(text, "R", line_offset, reverse=reverse)


def test_ambiguous_locations_take_the_later_value() -> None:
    value = {"a": {"b": [1, {"c": 2}]}, "a.b": [3, 4], "a.b[1]": {"c": 5}, "x": {"": {"": 6}}}
    for how in range(5):
        text = _layout(value, how, 7)
        assert _agree(text)
        full = json_positions(text, "R")
        lazy = ParsedPositions(text, json.loads(text), "R", 0, dict)
        assert lazy.get("R.a.b[1].c") == full["R.a.b[1].c"]
        line, column = full["R.a.b[1].c"]
        assert text.splitlines()[line - 1][column - 1] == "5"  # the later one


def test_line_index_is_the_scanners_where() -> None:
    text = "ab\n\ncé\r\nd\n\n" * 20
    scanner_lines = [0] + [m.end() for m in re.finditer("\n", text)]
    rng = random.Random(3)
    for data in (text, text.encode("utf-8")):
        index = LineIndex(data, 5)
        offsets = list(range(len(data) + 1))
        rng.shuffle(offsets)
        for offset in offsets:
            if isinstance(data, bytes):
                if (data[offset : offset + 1] or b"\0")[0] & 0xC0 == 0x80:
                    continue  # inside a UTF-8 sequence: no character starts there
                chars = len(data[:offset].decode("utf-8"))
            else:
                chars = offset
            line = sum(1 for s in scanner_lines if s <= chars)
            assert index.where(offset) == (line + 5, chars - scanner_lines[line - 1] + 1), offset


def test_a_value_that_disagrees_with_the_text_falls_back_to_the_scan() -> None:
    text = '{"a": {"b": 1}, "c": [1, 2]}'
    full = json_positions(text, "R")
    lazy = ParsedPositions(text, {"a": {"b": 1, "z": 2}, "c": [1, 2, 3]}, "R", 0, lambda: full)
    assert lazy.get("R.a.z") is None and lazy.get("R.c[2]") is None  # the scan's answer: not there
    assert lazy.get("R.c[1]") == full["R.c[1]"]


def test_locate_issues_same_as_before() -> None:
    from fhirconv.validate.issues import Issue, Severity

    text = '{\n "resourceType": "Patient",\n "name": [{"given": ["a"]}]\n}'
    full = json_positions(text, "Patient")
    lazy = ParsedPositions(text, json.loads(text), "Patient", 0, lambda: full)
    issues = [
        Issue(Severity.ERROR, "structure", loc, "m", "r")
        for loc in ("$", "Patient.name[0].given[0]", "Patient.name[0].family", "Patient.x[3]", "Other")
    ] + [Issue(Severity.WARNING, "value", "Patient", "m", None, line=9, column=9)]
    located = locate_issues(issues, lazy)
    assert located == locate_issues(issues, full)
    assert [(i.line, i.column) for i in located] == [(1, 1), (3, 22), (3, 11), (1, 1), (None, None), (9, 9)]


def test_parsed_map_on_shared_json() -> None:
    files = shared_json_files()
    taken = 0
    for p in files:
        data = p.read_bytes()
        if len(data) > 300_000:
            continue
        try:
            strict_loads(data, p.name)
            text = data.decode("utf-8")
            value = json.loads(text)
        except Exception:  # not strict JSON, or not UTF-8: the map is never built for it
            continue
        if isinstance(value, dict):
            taken += _agree(text, str(value.get("resourceType", "R")), reverse=taken % 2 == 1)
    assert taken > 500
