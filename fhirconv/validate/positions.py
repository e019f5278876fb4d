"""Line and column of validation findings: a strict, position-tracking scan of the JSON text.

Validation runs on the dict ``json.loads`` made (fast); only when a report has findings is the text
scanned once more, here, to map each finding's FHIRPath location (``Bundle.entry[3].resource.status``)
to the line and column where that element's value starts -- what the HL7 validator reports. A location
the text does not hold (a missing required element) takes the position of its nearest present ancestor,
as the HL7 validator does.

The scanner accepts exactly RFC 8259 JSON, like the strict parse before it: no ``NaN``/``Infinity``, no
lone UTF-16 surrogate escapes, no nesting deeper than :data:`MAX_DEPTH`; it raises :class:`JsonSyntaxError`
with the line and column otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .issues import Issue

__all__ = ["MAX_DEPTH", "JsonSyntaxError", "Positions", "json_positions", "locate_issues"]

MAX_DEPTH = 512

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null")
_ESCAPE_U = re.compile(r"\\u([0-9a-fA-F]{4})|\\.")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LOCATION_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


class JsonSyntaxError(ValueError):
    """Not strict JSON; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"invalid JSON at line {line} column {column}: {message}")
        self.line = line
        self.column = column


Positions = Mapping[str, tuple[int, int]]


class _Scanner:
    def __init__(self, text: str, root: str, line_offset: int) -> None:
        self.text = text
        self.root = root
        self.line_offset = line_offset
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.out: dict[str, int] = {}  # location -> offset of its value

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line + self.line_offset, offset - self.starts[line - 1] + 1

    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        line, col = self.where(offset)
        return JsonSyntaxError(message, line, col)

    def skip(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def string(self, pos: int) -> tuple[str, int]:
        m = _STRING.match(self.text, pos)
        if m is None:
            raise self.fail("malformed string (unescaped control character or bad escape)", pos)
        raw = m.group(1)
        if "\\" in raw:
            raw = self._unescape(raw, pos)
        return raw, m.end()

    def _unescape(self, raw: str, pos: int) -> str:
        parts: list[str] = []
        last = 0
        pending_high: int | None = None
        for m in _ESCAPE_U.finditer(raw):
            if m.start() != last and pending_high is not None:
                raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
            parts.append(raw[last : m.start()])
            last = m.end()
            if m.group(1) is None:
                if pending_high is not None:
                    raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
                parts.append(_SIMPLE_ESCAPES[m.group(0)[1]])
                continue
            unit = int(m.group(1), 16)
            if 0xD800 <= unit <= 0xDBFF:
                if pending_high is not None:
                    raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
                pending_high = unit
            elif 0xDC00 <= unit <= 0xDFFF:
                if pending_high is None:
                    raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
                parts.append(chr(0x10000 + ((pending_high - 0xD800) << 10) + (unit - 0xDC00)))
                pending_high = None
            else:
                if pending_high is not None:
                    raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
                parts.append(chr(unit))
        if pending_high is not None:
            raise self.fail("lone UTF-16 surrogate in a \\u escape", pos)
        parts.append(raw[last:])
        return "".join(parts)

    def value(self, pos: int, loc: str, depth: int) -> int:
        """Scan one value at ``pos`` (whitespace skipped), record it under ``loc``; return the end."""
        pos = self.skip(pos)
        self.out[loc] = pos
        text = self.text
        ch = text[pos : pos + 1]
        if ch == "{":
            if depth >= MAX_DEPTH:
                raise self.fail(f"nested deeper than {MAX_DEPTH} levels", pos)
            pos = self.skip(pos + 1)
            if text[pos : pos + 1] == "}":
                return pos + 1
            keys: set[str] = set()
            while True:
                if text[pos : pos + 1] != '"':
                    raise self.fail("expected a property name in double quotes", pos)
                key, pos = self.string(pos)
                if key in keys:
                    raise self.fail(f"duplicate JSON property '{key}'", pos)
                keys.add(key)
                pos = self.skip(pos)
                if text[pos : pos + 1] != ":":
                    raise self.fail("expected ':'", pos)
                pos = self.skip(self.value(pos + 1, f"{loc}.{key}", depth + 1))
                ch = text[pos : pos + 1]
                if ch == "}":
                    return pos + 1
                if ch != ",":
                    raise self.fail("expected ',' or '}'", pos)
                pos = self.skip(pos + 1)
        if ch == "[":
            if depth >= MAX_DEPTH:
                raise self.fail(f"nested deeper than {MAX_DEPTH} levels", pos)
            pos = self.skip(pos + 1)
            if text[pos : pos + 1] == "]":
                return pos + 1
            i = 0
            while True:
                pos = self.skip(self.value(pos, f"{loc}[{i}]", depth + 1))
                i += 1
                ch = text[pos : pos + 1]
                if ch == "]":
                    return pos + 1
                if ch != ",":
                    raise self.fail("expected ',' or ']'", pos)
                pos += 1
        if ch == '"':
            return self.string(pos)[1]
        m = _NUMBER.match(text, pos) or _LITERAL.match(text, pos)
        if m is None or m.end() == pos:
            word = re.match(r"[A-Za-z+\-]*", text[pos : pos + 12])
            what = f"'{word.group(0)}'" if word and word.group(0) else "unexpected character"
            raise self.fail(f"{what} is not a JSON value (NaN and Infinity are not allowed)", pos)
        return m.end()


def json_positions(text: str | bytes, root: str, *, line_offset: int = 0) -> dict[str, tuple[int, int]]:
    """``location -> (line, column)`` of every value in ``text`` whose top object is at ``root``
    (the resource type); raises :class:`JsonSyntaxError` for anything but strict JSON."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    scanner = _Scanner(text, root, line_offset)
    end = scanner.skip(scanner.value(0, root, 0))
    if end != len(text):
        raise scanner.fail("extra data after the JSON value", end)
    return {loc: scanner.where(offset) for loc, offset in scanner.out.items()}


def position_of(location: str, positions: Positions) -> tuple[int, int] | None:
    """The position of ``location``, else of its nearest ancestor the text holds."""
    hit = positions.get(location)
    if hit is not None:
        return hit
    cut = location
    while True:
        steps = list(_LOCATION_STEP.finditer(cut))
        if not steps:
            return positions.get(cut) if cut != location else None
        cut = cut[: steps[-1].start()]
        hit = positions.get(cut)
        if hit is not None:
            return hit


def locate_issues(issues: Iterable[Issue], positions: Positions) -> list[Issue]:
    """The issues with ``line``/``column`` filled in where the text tells."""
    out: list[Issue] = []
    root = next(iter(positions), None)
    for issue in issues:
        if issue.line is not None:
            out.append(issue)
            continue
        loc = issue.location
        hit = positions.get(root) if loc == "$" and root is not None else position_of(loc, positions)
        out.append(replace(issue, line=hit[0], column=hit[1]) if hit else issue)
    return out
