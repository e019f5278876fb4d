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
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from json import JSONDecoder
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string decoder json uses
from json.scanner import make_scanner
from typing import Any

import orjson

from .issues import Issue

__all__ = [
    "MAX_DEPTH",
    "DumpedPositions",
    "JsonSyntaxError",
    "LineIndex",
    "ParsedPositions",
    "Positions",
    "json_positions",
    "locate_issues",
]

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


_ISSUE_FIELDS = ("severity", "code", "location", "message", "rule", "line", "column")
assert Issue.__slots__ == _ISSUE_FIELDS  # the setters below write every field
_set_severity, _set_code, _set_location, _set_message, _set_rule, _set_line, _set_column = (
    getattr(Issue, name).__set__ for name in _ISSUE_FIELDS
)
_new_object = object.__new__


def located(issue: Issue, line: int, column: int) -> Issue:
    """``Issue(issue.severity, issue.code, issue.location, issue.message, issue.rule, line=line,
    column=column)``: the same frozen value, its fields written through their slot descriptors. The
    frozen dataclass's generated ``__init__`` sets each field with ``object.__setattr__`` (a global, an
    attribute and a generic set per field), about twice the time; ``--format json`` makes one per
    finding (2,691 over the 527 R4 examples). Issues are never changed after this."""
    new = _new_object(Issue)
    _set_severity(new, issue.severity)
    _set_code(new, issue.code)
    _set_location(new, issue.location)
    _set_message(new, issue.message)
    _set_rule(new, issue.rule)
    _set_line(new, line)
    _set_column(new, column)
    return new


def locate_issues(issues: Iterable[Issue], positions: Positions) -> list[Issue]:
    """The issues with ``line``/``column`` filled in where the text tells."""
    out: list[Issue] = []
    root: str | None = None
    rooted = False
    get = positions.get
    for issue in issues:
        if issue.line is not None:
            out.append(issue)
            continue
        loc = issue.location
        if loc == "$":
            if not rooted:  # the first key of the map, asked only when needed (a lazy map scans for it)
                root, rooted = next(iter(positions), None), True
            hit = get(root) if root is not None else position_of(loc, positions)
        else:
            hit = get(loc)  # position_of's own first question, asked here (most locations are held)
            if hit is None:
                hit = position_of(loc, positions)
        out.append(located(issue, hit[0], hit[1]) if hit else issue)
    return out


class LineIndex:
    """``_Scanner.where`` for offsets asked one at a time: newlines are counted from the nearest offset
    already answered (not from the start of the text each time, which costs a large text's length per
    finding). Works on ``str`` (columns in characters) and on UTF-8 ``bytes`` (columns decoded)."""

    def __init__(self, text: str | bytes, line_offset: int) -> None:
        self._text = text
        self._newline: str | bytes = b"\n" if isinstance(text, bytes) else "\n"
        self._line_offset = line_offset
        self._offsets = [0]
        self._known = [(1, 0)]  # (line, offset of the line's start) at each offset in _offsets

    def where(self, offset: int) -> tuple[int, int]:
        offsets = self._offsets
        i = bisect_right(offsets, offset) - 1
        base = offsets[i]
        line, start = self._known[i]
        text = self._text
        newline: Any = self._newline
        crossed = text.count(newline, base, offset)
        if crossed:
            line += crossed
            start = text.rfind(newline, base, offset) + 1
        if base != offset:
            offsets.insert(i + 1, offset)
            self._known.insert(i + 1, (line, start))
        head = text[start:offset]
        column = len(head) if isinstance(head, str) or head.isascii() else len(head.decode("utf-8"))
        return line + self._line_offset, column + 1


class _Miss(Exception):
    """The parsed value and the text disagree (never for the value parsed from that text)."""


_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(JSONDecoder())  # type: ignore[arg-type]
"""json's C value decoder: ``_scan(text, offset)`` is ``(value, end)``; here it skips values."""
_MEMBER = re.compile(r'[ \t\n\r]*"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
"""An object member's head, from just after ``{`` or ``,`` to where its value starts (linear: each
alternative of the key's body starts with a different character)."""
_AFTER = re.compile(r"[ \t\n\r]*(,?)[ \t\n\r]*")
"""What follows a member's value: a ``,`` (then spaces) when another member follows."""


_INDEX = re.compile(r"\[(0|[1-9][0-9]*)\]")
"""An array step as ``_Scanner`` writes it (``f"[{i}]"``: no sign, no leading zero)."""
_NAME = re.compile(r"[^.\[]*")
"""A key step's name when no key of the object holds ``.``, ``[`` or ``]``: up to the next step mark."""


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


class ParsedPositions(Mapping[str, tuple[int, int]]):
    """:func:`json_positions`' map of a strict JSON text of any layout, each location worked out when
    asked, from the value parsed from that same text.

    The full scan tokenises the whole text in Python (~35 ms for a 230 KB bundle), while a report names
    a few locations. Here the parsed value turns a location string into its path (the same
    ``_paths``, which picks the later path when keys holding ``.``, ``[`` or ``]`` make
    two print alike), and the text is walked along that path only: at each container, its members up to
    the one wanted are read (the keys with the C ``scanstring``) and the values before it skipped with
    the C decoder (``raw_decode``), every member's start kept for later questions. The text passed the
    strict parse, so it is strict JSON and the scan would not refuse it; if the walk ever disagreed with
    the value, the full map answers. Iteration and length fall back to the full map.
    """

    def __init__(
        self,
        text: str,
        value: Any,
        root: str,
        line_offset: int,
        full: Callable[[], dict[str, tuple[int, int]]],
    ) -> None:
        self._text = text
        self._value = value
        self._root = root
        self._full_scan = full
        self._full: dict[str, tuple[int, int]] | None = None
        self._asked: dict[str, tuple[int, int] | None] = {}
        self._lines = LineIndex(text, line_offset)
        m = _WS.match(text, 0)
        self._starts: dict[tuple[str | int, ...], int] = {(): m.end() if m else 0}
        # container path -> start of its last member read (whose value is not skipped yet), or -1 once
        # its closing bracket was reached; and, for arrays, how many elements were read
        self._pending: dict[tuple[str | int, ...], int] = {}
        self._count: dict[tuple[str | int, ...], int] = {}

    def _everything(self) -> dict[str, tuple[int, int]]:
        if self._full is None:
            self._full = self._full_scan()
        return self._full

    def get(self, key: str, default: Any = None) -> Any:
        if not isinstance(key, str):
            return default
        hit = self._asked.get(key, self)
        if hit is self:
            hit = self._full.get(key) if self._full is not None else self._find(key)
            self._asked[key] = hit
        return default if hit is None else hit

    def _find(self, key: str) -> tuple[int, int] | None:
        if not key.startswith(self._root):
            return None
        found: list[list[str | int]] = []
        _paths(self._value, key, len(self._root), [], found)
        if not found:
            return None
        try:
            offset = self._offset(found[-1])
        except (_Miss, StopIteration, ValueError, IndexError, RecursionError):
            return self._everything().get(key)
        return self._lines.where(offset)

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
        starts = self._starts
        path: tuple[str | int, ...] = ()
        for step in steps:
            child = (*path, step)
            if child not in starts:
                self._read_to(path, child)
            path = child
        return starts[path]

    def _read_to(self, path: tuple[str | int, ...], child: tuple[str | int, ...]) -> None:
        """Read the members of the container at ``path`` (recording their starts) up to ``child``:
        per member one match for its head (``"key" :`` and the spaces around), the value skipped by the
        C decoder, one match for what follows it."""
        text, starts = self._text, self._starts
        pending = self._pending.get(path)
        opening = starts[path]
        is_object = text[opening] == "{"
        if pending is None:  # first visit: just after the opening bracket
            if not is_object and text[opening] != "[":
                raise _Miss
            pos = opening + 1
        elif pending < 0:
            raise _Miss
        else:
            after = _AFTER.match(text, _scan(text, pending)[1])
            if not after.group(1):  # type: ignore[union-attr]
                self._pending[path] = -1
                raise _Miss
            pos = after.end()  # type: ignore[union-attr]
        count = self._count.get(path, 0)
        member_head, space, after_value = _MEMBER.match, _WS.match, _AFTER.match
        while True:
            if is_object:
                head = member_head(text, pos)
                if head is None:  # "}": an empty object
                    self._pending[path] = -1
                    raise _Miss
                name = head.group(1)
                if "\\" in name:
                    name = scanstring(text, head.start(1))[0]
                pos = head.end()
                member: tuple[str | int, ...] = (*path, name)
            else:
                pos = space(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == "]":  # an empty array
                    self._pending[path] = -1
                    raise _Miss
                member = (*path, count)
                count += 1
                self._count[path] = count
            starts[member] = pos
            if member == child:
                self._pending[path] = pos
                return
            after = after_value(text, _scan(text, pos)[1])
            if not after.group(1):  # type: ignore[union-attr]
                self._pending[path] = -1
                raise _Miss
            pos = after.end()  # type: ignore[union-attr]


_ELEMENT_LINE: dict[tuple[int, type], re.Pattern[Any]] = {}
"""Per indentation and text type: a line of an array's element in the dump (see ``DumpedPositions``)."""


def _element_line(indent: int, kind: type) -> re.Pattern[Any]:
    """``\\n``, exactly ``indent`` spaces, then a character that is no space and no closing bracket (a
    pure memo: at most one pattern per nesting level the strict parse lets through, per text type)."""
    key = (indent, kind)
    pattern = _ELEMENT_LINE.get(key)
    if pattern is None:
        source = "\n" + " " * indent + r"[^ \]}]"
        pattern = _ELEMENT_LINE[key] = re.compile(source.encode() if kind is bytes else source)
    return pattern


class DumpedPositions(ParsedPositions):
    """:class:`ParsedPositions` for a text that is ``orjson.dumps(value, option=OPT_INDENT_2)`` itself
    (plus trailing whitespace), as ``strictjson.loads_laid_out`` found it: the walk along a location's
    path jumps from container to member with one ``find`` each, decoding nothing.

    In that layout the value starts at offset 0 and no raw newline stands inside a string (orjson writes
    ``\\n``), so every newline is layout: a member of a container at depth ``d`` starts a line indented
    by ``2(d+1)`` spaces -- an object's member with its key exactly as orjson writes it (``orjson.dumps``
    of the key), then ``": "`` and the value; an array's element with a character that is no space and
    no closing bracket (the element's own closing bracket is the only other line at that indentation
    inside the array). What is nested deeper is indented further, and the container's own closing
    bracket less, so after the container's start the first line ``\\n<indent>"key": `` is that member
    when the value holds the key (keys are distinct), and the ``i``-th element line is element ``i``
    when the array holds it. The value decides which path a location names, as in the parent class
    (whose ``_paths`` walk answers when an object on the way has a key holding ``.``, ``[`` or ``]``);
    the line is counted along the walk and the column follows from the layout (bytes or str).
    """

    def __init__(
        self,
        text: str | bytes,
        value: Any,
        root: str,
        line_offset: int,
        full: Callable[[], dict[str, tuple[int, int]]],
    ) -> None:
        self._text = text  # type: ignore[assignment]  # str or UTF-8 bytes: only find, count and regexes
        self._value = value
        self._root = root
        self._full_scan = full
        self._full = None
        self._asked = {}
        self._lines = LineIndex(text, line_offset)
        self._starts = {(): 0}
        self._elements: dict[int, list[tuple[int, int]]] = {}  # an array's start -> its elements'
        # starts, and lines below the array's
        self._plain: dict[int, bool] = {}  # id of an object of the value -> no key holds . [ or ]
        self._heads: dict[tuple[int, str], tuple[Any, int]] = {}  # (indent, key) -> head, value column
        self._members: dict[tuple[int, str], tuple[int, int, int]] = {}  # (object start, key) -> its
        # value's start, line and column
        self._line_offset = line_offset

    def _find(self, key: str) -> tuple[int, int] | None:
        """The parent's ``_paths``, ``_offset`` and ``LineIndex.where`` in one pass, for locations whose
        objects have no key holding ``.``, ``[`` or ``]`` (then a location names one path at most: each
        step is the one key up to the next step mark, or one index); the general walk otherwise.

        The line is counted along the walk (the newlines between a container's start and its member,
        plus the member line's own), so no more text is read than ``find`` reads; the column follows
        from the layout: a member's value starts after its indentation, its key as written and
        ``": "``, an element right after its indentation. Each container's members found are kept
        (``_members``, ``_elements``), so a later location through them reads nothing again."""
        root = self._root
        if not key.startswith(root):
            return None
        text: Any = self._text
        newline: Any = b"\n" if type(text) is bytes else "\n"
        node = self._value
        plain, heads, members, elements = self._plain, self._heads, self._members, self._elements
        at, size = len(root), len(key)
        pos = indent = 0
        line = column = 1
        while at < size:
            mark = key[at]
            indent += 2
            if mark == "." and type(node) is dict:
                ok = plain.get(id(node))
                if ok is None:
                    names = "\x00".join(node)
                    ok = plain[id(node)] = not ("." in names or "[" in names or "]" in names)
                if not ok:
                    return super()._find(key)
                end = _NAME.match(key, at + 1).end()  # type: ignore[union-attr]  # matches ""
                name = key[at + 1 : end]
                if name not in node:
                    return None
                node = node[name]
                got = members.get((pos, name))
                if got is None:
                    head = heads.get((indent, name))
                    if head is None:
                        token = orjson.dumps(name)
                        width = len(token.decode("utf-8")) if not token.isascii() else len(token)
                        written = b"\n" + b" " * indent + token + b": "
                        head = heads[indent, name] = (
                            written if type(text) is bytes else written.decode("utf-8"),
                            indent + width + 3,
                        )
                    hit = text.find(head[0], pos)
                    if hit < 0:
                        return self._everything().get(key)
                    got = members[pos, name] = (
                        hit + len(head[0]),
                        line + text.count(newline, pos, hit) + 1,
                        head[1],
                    )
                pos, line, column = got
                at = end
            elif mark == "[" and type(node) is list:
                m = _INDEX.match(key, at)
                if m is None:
                    return None
                index = int(m.group(1))
                if index >= len(node):
                    return None
                found = elements.get(pos)  # the array's elements found so far (``_element``'s)
                if found is not None and index < len(found):
                    pos, below = found[index]
                else:
                    try:
                        pos, below = self._element(pos, indent, index)
                    except _Miss:
                        return self._everything().get(key)
                line += below
                column = indent + 1
                node = node[index]
                at = m.end()
            else:
                return None
        return line + self._line_offset, column

    def _offset(self, steps: list[str | int]) -> int:
        text: Any = self._text
        starts = self._starts
        is_bytes = isinstance(text, bytes)
        path: tuple[str | int, ...] = ()
        pos = 0
        indent = 0
        for step in steps:
            indent += 2
            child = (*path, step)
            hit = starts.get(child)
            if hit is None:
                if type(step) is str:
                    key = orjson.dumps(step)
                    head: Any = b"\n" + b" " * indent + key + b": "
                    if not is_bytes:
                        head = head.decode("utf-8")
                    at = text.find(head, pos)
                    if at < 0:
                        raise _Miss
                    hit = at + len(head)
                else:
                    hit = self._element(pos, indent, int(step))[0]
                starts[child] = hit
            path, pos = child, hit
        return pos

    def _element(self, pos: int, indent: int, index: int) -> tuple[int, int]:
        """The start of element ``index`` of the array starting at ``pos`` (its elements indented by
        ``indent``), and how many lines below the array's start it is: the element lines are found in
        turn, each once."""
        found = self._elements.get(pos)
        if found is None:
            # the array's ``[`` ends its line; its first element starts the next one, after the
            # indentation (where the element line pattern would find it, without the search)
            found = self._elements[pos] = [(pos + 2 + indent, 1)]
        if index < len(found):
            return found[index]
        text: Any = self._text
        newline: Any = b"\n" if type(text) is bytes else "\n"
        at, below = found[-1]
        for m in _element_line(indent, type(text)).finditer(text, at):
            below += text.count(newline, at, m.start()) + 1
            at = m.end() - 1
            found.append((at, below))
            if len(found) > index:
                return found[index]
        raise _Miss


_NUMBER_LINE = re.compile(rb'( *(?:"(?:[^"\\]|\\.)*": )?)-?[0-9][0-9.eE+-]*(,?)')
"""A line of the dump whose value is a number: its head (indent, key) and whether a comma follows."""
_JSON_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_JSON_SPACE = b" \t\n\r"


def dump_of_same_layout(text: str | bytes, value: Any) -> bytes | None:
    """``orjson.dumps(value, option=OPT_INDENT_2)`` when every value of ``text`` (strict JSON whose
    value is ``value``) starts at the line and column where it starts in that dump, else None: the text
    is the dump line for line (``\\r\\n`` line ends and trailing JSON whitespace allowed) except that a
    number may be written otherwise (``0.40`` for ``0.4``) on its own line, after the same head. The
    tokens of the two texts then correspond one to one, each starting at the same place, so
    :class:`DumpedPositions` over the dump answers for the text. One pass over the lines; a text with
    another number of lines is declined after counting them."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        dump = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except (UnicodeEncodeError, orjson.JSONEncodeError):
        return None
    body = data.rstrip(_JSON_SPACE)
    if body.count(b"\n") != dump.count(b"\n"):
        return None  # another layout (HAPI's, compact, ...), declined before any split
    ours = body.split(b"\n")
    theirs = dump.split(b"\n")
    if b"\r" in body:
        ours = [line[:-1] if line.endswith(b"\r") else line for line in ours]
    for mine, line in zip(ours, theirs, strict=True):
        if mine == line:
            continue
        m = _NUMBER_LINE.fullmatch(line)
        if m is None:
            return None
        head, comma = m.group(1), m.group(2)
        if not (mine.startswith(head) and mine.endswith(comma)):
            return None
        if _JSON_NUMBER.fullmatch(mine, len(head), len(mine) - len(comma)) is None:
            return None
    return dump
