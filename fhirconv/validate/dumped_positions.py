"""Line and column of findings in a text laid out as orjson's indented dump, found without a full scan.

``positions.json_positions`` scans the whole text in Python to map every value's location to its line
and column (~0.5 ms for a 5 KB resource, more than validating it), while a report needs the few locations
its findings name. When the text is exactly ``orjson.dumps(value, option=OPT_INDENT_2)`` plus trailing
JSON whitespace -- how HAPI, the FHIR build, ``json.dumps(indent=2)`` and orjson write indented JSON, and
what ``strictjson`` checks first -- its layout is known:

- the value starts at offset 0; a member of an object at depth ``d`` starts a line with ``2(d+1)``
  spaces and its key as orjson writes it, then ``": "``; an element of an array at depth ``d`` starts a
  line with ``2(d+1)`` spaces and a byte that is no space and no closing bracket (the element's own
  closing bracket is the only other line at that indentation inside the array);
- no raw newline is inside a string (orjson writes ``\\n``), so every such line is structure.

So :class:`DumpedPositions` answers ``get(location)`` by walking the parsed value to the location and
jumping through the text with ``find``: exactly what the full map answers, because it matches every path
whose location string is the one asked (a key holding ``.``, ``[`` or ``]`` can make two paths print
alike; the full map keeps the later one in the text, and so does this). Iteration and length, which
:func:`positions.locate_issues` does not need beyond the root, fall back to the full map.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

import orjson

__all__ = ["DumpedPositions", "dumped_positions"]

_INDEX = re.compile(r"\[(0|[1-9][0-9]*)\]")
"""An array step as ``positions._Scanner`` writes it (``f"[{i}]"``: no sign, no leading zero)."""
_NAME = re.compile(r"[^.\[]*")
"""A key step's name when no key of the object holds ``.``, ``[`` or ``]``: up to the next step mark."""
_JSON_SPACE = b" \t\n\r"
"""What the full scanner skips after the value (orjson and the strict parse accept the same)."""
_ELEMENT: dict[int, re.Pattern[bytes]] = {}


def _element_line(indent: int) -> re.Pattern[bytes]:
    pattern = _ELEMENT.get(indent)
    if pattern is None:
        pattern = _ELEMENT[indent] = re.compile(b"\n" + b" " * indent + rb"[^ \]}]")
    return pattern


def dumped_positions(
    text: str | bytes, root: str, line_offset: int, full: Callable[[], dict[str, tuple[int, int]]]
) -> DumpedPositions | None:
    """The lazy positions of ``text`` when it is laid out as orjson's indented dump of its own value
    (None otherwise: then ``full``, the whole scan, is the answer). ``full`` is called only for
    iteration or length."""
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    else:
        data = text
    if b"\n" not in data:  # an NDJSON line or compact file: not the layout (a one-line dump is tiny)
        return None
    try:
        value = orjson.loads(data)
        dump = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    if data.startswith(dump):
        if data[len(dump) :].strip(_JSON_SPACE):
            return None
        return DumpedPositions(data, value, root, line_offset, full)
    if _same_layout(data, dump):
        return DumpedPositions(dump, value, root, line_offset, full)
    return None


_NUMBER_LINE = re.compile(rb'( *(?:"(?:[^"\\]|\\.)*": )?)-?[0-9][0-9.eE+-]*(,?)')
"""A line of the dump whose value is a number: its head (indent, key) and whether a comma follows."""
_JSON_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _same_layout(data: bytes, dump: bytes) -> bool:
    """Whether every value of ``data`` starts at the line and column where it starts in ``dump``: the
    text is the dump line for line (``\\r\\n`` line ends allowed, trailing JSON whitespace allowed)
    except that a number may be written otherwise (``0.40`` for ``0.4``) on its own line, after the same
    head. Then the tokens of the two texts correspond one to one, each starting at the same place."""
    body = data.rstrip(_JSON_SPACE)
    ours = body.split(b"\n")
    theirs = dump.split(b"\n")
    if len(ours) != len(theirs):
        return False
    if b"\r" in body:
        ours = [line[:-1] if line.endswith(b"\r") else line for line in ours]
    for mine, line in zip(ours, theirs, strict=True):
        if mine == line:
            continue
        m = _NUMBER_LINE.fullmatch(line)
        if m is None:
            return False
        head, comma = m.group(1), m.group(2)
        if not (mine.startswith(head) and mine.endswith(comma)):
            return False
        if _JSON_NUMBER.fullmatch(mine, len(head), len(mine) - len(comma)) is None:
            return False
    return True


def _paths(node: Any, loc: str, at: int, steps: list[str | int], out: list[list[str | int]]) -> None:
    """Append to ``out``, in text order, every path from ``node`` whose location string is ``loc[at:]``."""
    while True:
        if at == len(loc):
            out.append(list(steps))
            return
        mark = loc[at]
        if mark == "." and type(node) is dict:
            start = at + 1
            names = "\x00".join(node)
            if "." in names or "[" in names or "]" in names:
                break  # a key holding a step mark: every key that fits, below
            m = _NAME.match(loc, start)  # the one key that can fit: up to the next step mark
            end = m.end()  # type: ignore[union-attr]  # matches the empty string
            key = loc[start:end]
            if key not in node:
                return
            steps.append(key)
            node, at = node[key], end
        elif mark == "[" and type(node) is list:
            m = _INDEX.match(loc, at)
            if m is None:
                return
            index = int(m.group(1))
            if index >= len(node):
                return
            steps.append(index)
            node, at = node[index], m.end()
        else:
            return
    for key in node:
        end = start + len(key)
        if loc.startswith(key, start) and (end == len(loc) or loc[end] in ".["):
            _paths(node[key], loc, end, [*steps, key], out)


class DumpedPositions(Mapping[str, tuple[int, int]]):
    """``positions.json_positions``' map of a dumped text, each location worked out when asked."""

    def __init__(
        self,
        data: bytes,
        value: Any,
        root: str,
        line_offset: int,
        full: Callable[[], dict[str, tuple[int, int]]],
    ) -> None:
        self._data = data
        self._value = value
        self._root = root
        self._line_offset = line_offset
        self._full_scan = full
        self._full: dict[str, tuple[int, int]] | None = None
        self._asked: dict[str, tuple[int, int] | None] = {}
        self._offsets: dict[tuple[str | int, ...], int] = {(): 0}

    def _everything(self) -> dict[str, tuple[int, int]]:
        if self._full is None:
            self._full = self._full_scan()
        return self._full

    def get(self, key: str, default: Any = None) -> Any:
        if not isinstance(key, str):
            return default
        hit = self._asked.get(key, self)
        if hit is self:
            hit = self._asked[key] = self._find(key)
        return default if hit is None else hit

    def _find(self, key: str) -> tuple[int, int] | None:
        if not key.startswith(self._root):
            return None
        found: list[list[str | int]] = []
        _paths(self._value, key, len(self._root), [], found)
        return self._where(self._offset(found[-1])) if found else None

    def __getitem__(self, key: str) -> tuple[int, int]:
        hit = self.get(key)
        if hit is None:
            raise KeyError(key)
        return hit  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        yield self._root  # the scan records the root first
        yield from islice(self._everything(), 1, None)

    def __len__(self) -> int:
        return len(self._everything())

    def _offset(self, steps: list[str | int]) -> int:
        """Where the value at ``steps`` starts; each path's offsets are kept (a report's findings share
        their resources' paths, and an array element is found by counting the lines before it)."""
        known = self._offsets
        done = len(steps)
        while tuple(steps[:done]) not in known:
            done -= 1
        offset = known[tuple(steps[:done])]
        data = self._data
        for depth in range(done, len(steps)):
            step = steps[depth]
            indent = 2 * depth + 2
            if isinstance(step, str):
                member = b"\n" + b" " * indent + orjson.dumps(step) + b": "
                offset = data.index(member, offset) + len(member)
            else:
                m = next(islice(_element_line(indent).finditer(data, offset), step, None))
                offset = m.end() - 1
            known[tuple(steps[: depth + 1])] = offset
        return offset

    def _where(self, offset: int) -> tuple[int, int]:
        """``_Scanner.where``: 1-based line (plus the line offset) and column in characters."""
        data = self._data
        line_start = data.rfind(b"\n", 0, offset) + 1
        head = data[line_start:offset]
        column = len(head) if head.isascii() else len(head.decode("utf-8"))
        return data.count(b"\n", 0, offset) + 1 + self._line_offset, column + 1
