"""Strict JSON for FHIR input (``validate``, ``upload``): what FHIR JSON allows and nothing more.

Python's ``json`` accepts ``NaN``/``Infinity``, turns ``1e309`` into infinity, keeps lone surrogates
from ``"\\ud800"`` escapes and recurses once per nesting level. Each of those either passed invalid data as
valid or ended in a traceback; here each is a :class:`~fhirconv.errors.MalformedInputError` with one
clear line (exit 3).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import orjson

from .errors import MalformedInputError

__all__ = ["MAX_DEPTH", "loads", "loads_laid_out"]

MAX_DEPTH = 100
"""Deepest nesting of objects and arrays accepted. Real FHIR resources stay far below it (a Bundle
entry with a nested extension is about ten levels); anything deeper is refused, not recursed into."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class _Reject(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Reject(f"duplicate JSON property '{key}'")
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _Reject(f"{name} is not a JSON number (FHIR decimals are finite)")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Reject(f"number {text[:40]} is too large for a decimal")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 30:
        raise _Reject(f"integer {text[:40]}... has {len(text)} digits")
    return int(text)


def _check(value: Any) -> None:
    """Depth and lone surrogates, iteratively (no recursion on input-controlled depth)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise _Reject("a string holds a lone surrogate (invalid Unicode)")
            continue
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise _Reject(f"JSON nested deeper than {MAX_DEPTH} levels")
            if isinstance(node, dict):
                for k, v in node.items():
                    if _SURROGATE.search(k):
                        raise _Reject("a property name holds a lone surrogate (invalid Unicode)")
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in node)


# Where a lone surrogate can come from: a \uD800-\uDFFF escape, UTF-8 bytes that encode one (json.loads
# decodes bytes with "surrogatepass"; their lead byte is 0xED), or one already in a str.
_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def _surrogates_possible(text: str | bytes) -> bool:
    """False only when the parsed value cannot hold a lone surrogate (then :func:`_check_depth`, which
    skips every string, decides alone); True when it might (or the bytes are not UTF-8)."""
    if isinstance(text, bytes):
        if b"\xed" in text or _ESCAPE_BYTES.search(text) is not None:
            return True
        return json.detect_encoding(text) != "utf-8"
    return _SURROGATE.search(text) is not None or _ESCAPE.search(text) is not None


def _check_depth(value: Any) -> None:
    """:func:`_check` for a value without lone surrogates: only the objects and arrays are visited."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _Reject(f"JSON nested deeper than {MAX_DEPTH} levels")
        deeper = depth + 1
        for v in node.values() if isinstance(node, dict) else node:
            if isinstance(v, dict | list):
                stack.append((v, deeper))


def _decimal(text: str) -> Decimal:
    if len(text) > 100:
        raise _Reject(f"number {text[:40]}... has {len(text)} characters")
    return Decimal(text)


# The fast path: orjson parses in C; three C-speed checks then prove its value is the strict parser's.
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
"""Maps every digit to ``0`` and every other byte to a space, so a run of digits is a run of ``0``."""
_LONG_DIGIT_RUN = b"0" * 19
"""An integer literal orjson cannot hold (beyond 64 bits, it would give a float) has at least 19 digits."""
_NESTED_TOO_DEEP = b"\n" + b" " * (2 * MAX_DEPTH)
"""A line indented this far in ``orjson.dumps(value, option=OPT_INDENT_2)`` is a member of a container
at depth MAX_DEPTH; without one, nothing is nested deeper than MAX_DEPTH."""
_INDENT = orjson.OPT_INDENT_2
_COLON_ESCAPE = re.compile(rb"\\u003")
"""Where an escape may stand for ``:`` (``\\u003a``); a pattern finds it faster than ``in`` (it looks for the
backslash first, where ``in`` stops at every digit 3)."""


def _fast(text: str | bytes) -> Any:
    """:func:`_fast_laid_out`'s value alone."""
    return _fast_laid_out(text)[0]


def _fast_laid_out(text: str | bytes) -> tuple[Any, bool]:
    """The strict value of ``text`` parsed by orjson, or ``_UNDECIDED`` when this cannot prove that it is
    exactly what :func:`loads`' hooked ``json.loads`` returns (which then runs and says what is wrong).

    orjson refuses NaN/Infinity, numbers overflowing a double, lone surrogates (as escapes or as bytes),
    bytes that are not UTF-8, a byte-order mark and whatever else is not JSON; its floats are the
    correctly rounded ones ``float()`` gives. Depth: see ``_NESTED_TOO_DEEP`` (orjson.dumps itself stops
    past 254 levels: undecided). What else it does not refuse is proven absent one of two ways.

    The common case, one memcmp: the text is ``orjson.dumps(value, option=OPT_INDENT_2)`` itself (plus
    the trailing whitespace a file ends with; anything else after it orjson would have refused), as
    every indented file written by orjson, ``json.dumps(indent=2, ensure_ascii=False)``, HAPI or the
    FHIR build is. Then the hooked parser reads exactly what orjson wrote: no duplicate key (a dict's
    keys are distinct strings, so are their JSON forms), every integer one orjson held (at most 20
    digits, within ``_int``'s 30), every float in its shortest round-trip form (``float()`` gives it
    back) and every string escaped as ``json`` decodes it.

    The second item says whether that was the case (the text is the dump): then the place of every value
    in the text follows from the value alone (``validate.positions.DumpedPositions``).

    Otherwise, three C-speed checks:

    - integers beyond 64 bits (orjson makes them floats): any run of 19 digits in the text, undecided;
    - duplicate keys (orjson keeps the last): the text has one ``:`` per member plus those inside
      strings; ``orjson.dumps`` of the value writes one per member it kept plus those inside the strings
      it kept, so the counts are equal exactly when no member was dropped -- provided every ``:`` in a
      string was written as ``:`` (no ``\\u003a`` escape in the text, else undecided).
    """
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return _UNDECIDED, False
    else:
        data = text
    try:
        value = orjson.loads(data)
        again = orjson.dumps(value, option=_INDENT)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _UNDECIDED, False
    if _NESTED_TOO_DEEP in again:
        return _UNDECIDED, False
    if data.startswith(again):
        return value, True
    if (
        _COLON_ESCAPE.search(data) is not None
        or _LONG_DIGIT_RUN in data.translate(_DIGITS_ONLY)
        or again.count(b":") != data.count(b":")
    ):
        return _UNDECIDED, False
    return value, False


_UNDECIDED: Any = object()


def loads_laid_out(text: str | bytes, source: str) -> tuple[Any, bool]:
    """:func:`loads`, and whether ``text`` is ``orjson.dumps(value, option=OPT_INDENT_2)`` itself plus
    trailing whitespace (how orjson, ``json.dumps(indent=2)``, HAPI and the FHIR build write JSON):
    ``validate`` then finds its findings' lines by the layout (``positions.DumpedPositions``)."""
    value, dumped = _fast_laid_out(text)
    if value is _UNDECIDED:
        return _hooked(text, source, decimals=False), False
    return value, dumped


def loads(text: str | bytes, source: str, *, decimals: bool = False) -> Any:
    """Parse FHIR JSON strictly; MalformedInputError (with line and column when known) otherwise.

    ``decimals``: numbers with a fraction or exponent become :class:`decimal.Decimal` with the digits
    written (``2.40`` stays 2.40), for a bundle that is sent on (upload) rather than checked.
    """
    if not decimals:
        value = _fast(text)
        if value is not _UNDECIDED:
            return value
    return _hooked(text, source, decimals=decimals)


def _hooked(text: str | bytes, source: str, *, decimals: bool) -> Any:
    """The strict parse itself: ``json.loads`` with hooks, then the depth and surrogate checks."""
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_constant,
            parse_float=_decimal if decimals else _float,
            parse_int=_int,
        )
        if _surrogates_possible(text):
            _check(value)
        else:
            _check_depth(value)
        return value
    except _Reject as exc:
        raise MalformedInputError(str(exc), source=source) from exc
    except json.JSONDecodeError as exc:
        raise MalformedInputError(
            f"not JSON: invalid at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from exc
    except UnicodeDecodeError as exc:
        raise MalformedInputError(f"not UTF-8 at byte {exc.start}", source=source) from exc
    except RecursionError as exc:
        raise MalformedInputError(f"JSON nested deeper than {MAX_DEPTH} levels", source=source) from exc
    except ValueError as exc:  # e.g. Python's limit on digits in an integer
        raise MalformedInputError(f"invalid JSON: {exc}", source=source) from exc
