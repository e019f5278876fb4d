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

from .errors import MalformedInputError

__all__ = ["MAX_DEPTH", "loads"]

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


def loads(text: str | bytes, source: str, *, decimals: bool = False) -> Any:
    """Parse FHIR JSON strictly; MalformedInputError (with line and column when known) otherwise.

    ``decimals``: numbers with a fraction or exponent become :class:`decimal.Decimal` with the digits
    written (``2.40`` stays 2.40), for a bundle that is sent on (upload) rather than checked.
    """
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
