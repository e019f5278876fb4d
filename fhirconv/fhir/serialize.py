"""Bundle output formats: FHIR JSON, FHIR XML (through the R4B models, which keep element order) and
NDJSON (one resource per line, the bulk-data form).

FHIR ``decimal`` keeps its precision: "2.40" is not "2.4" and "58" is not "58.0" (a lab result's digits
are part of the result). Python's ``json`` only writes floats, and fhir.resources writes every decimal
through ``float`` in XML (fhir.resources#203), so decimals travel as :class:`decimal.Decimal` and are
written here with the digits they were given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from ..errors import BuildError

__all__ = [
    "FORMATS",
    "check_models",
    "check_models_each",
    "decimal_text",
    "dumps",
    "dumps_json",
    "loads_json",
]

FORMATS = ("json", "xml", "ndjson")


def check_models(bundle: dict[str, Any]) -> Any:
    """Parse with the fhir.resources R4B models: types, cardinalities and choice rules. Returns the model."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        return Bundle.model_validate(bundle)
    except ValidationError as exc:
        raise BuildError(f"bundle fails the FHIR model checks: {exc}") from exc


def check_models_each(bundle: dict[str, Any]) -> None:
    """The same checks as :func:`check_models`, one entry at a time, so peak memory holds one
    resource's model instead of the whole bundle's (a 20 MB report gives tens of thousands)."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    entries = bundle.get("entry") or []
    try:
        Bundle.model_validate({**bundle, "entry": entries[:1]})
        for i in range(1, len(entries)):
            Bundle.model_validate(
                {"resourceType": "Bundle", "type": bundle.get("type"), "entry": [entries[i]]}
            )
    except ValidationError as exc:
        raise BuildError(f"bundle fails the FHIR model checks: {exc}") from exc


def decimal_text(value: Decimal) -> str:
    """The JSON/XML text of a FHIR decimal: the digits as given (``2.40``, ``0.010``, ``58``).

    A value written with a positive exponent (``1e3``) keeps exponent form (``1E+3``, one significant
    digit); everything else is written positionally, so ``0.0000001`` does not turn into ``1E-7``.
    """
    if not value.is_finite():
        raise BuildError(f"{value} is not a FHIR decimal")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return format(value, "f") if exponent <= 0 else str(value)


def _encode(obj: Any, out: list[str], indent: int | None, level: int, sort_keys: bool) -> None:
    if isinstance(obj, str):
        out.append(json.dumps(obj, ensure_ascii=False))
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif obj is None:
        out.append("null")
    elif isinstance(obj, Decimal):
        out.append(decimal_text(obj))
    elif isinstance(obj, int):
        out.append(int.__repr__(obj))
    elif isinstance(obj, float):
        out.append(json.dumps(obj, allow_nan=False))
    elif isinstance(obj, Mapping):
        if not obj:
            out.append("{}")
            return
        items = sorted(obj.items()) if sort_keys else obj.items()
        inner = "\n" + " " * (indent * (level + 1)) if indent is not None else ""
        out.append("{")
        first = True
        for key, value in items:
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            out.append(inner if first else "," + inner)
            first = False
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(": " if indent is not None else ":")
            _encode(value, out, indent, level + 1, sort_keys)
        out.append("\n" + " " * (indent * level) + "}" if indent is not None else "}")
    elif isinstance(obj, list | tuple):
        if not obj:
            out.append("[]")
            return
        inner = "\n" + " " * (indent * (level + 1)) if indent is not None else ""
        out.append("[")
        for i, value in enumerate(obj):
            out.append(inner if i == 0 else "," + inner)
            _encode(value, out, indent, level + 1, sort_keys)
        out.append("\n" + " " * (indent * level) + "]" if indent is not None else "]")
    else:
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")


_MARK = re.compile(r'"\\u0000(\d+)\\u0000"')


def dumps_json(obj: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """JSON text like ``json.dumps(obj, ensure_ascii=False, indent=...)``, with Decimals written exactly
    (``indent=None`` gives the compact NDJSON form).

    orjson writes everything (ten times faster than the standard encoder, whose pretty form is pure
    Python, with the same layout); each Decimal goes out as a marker string (a NUL, its number, a NUL,
    which JSON escapes and no FHIR string may contain) that is then replaced by its digits. The standard
    encoder takes over for what orjson refuses or lays out differently (indents other than 2, integers
    beyond 64 bits, non-string keys, lone surrogates); should a string ever hold a marker, the exact
    writer below is used. Floats never come from the converter or :func:`loads_json` (decimals travel as
    Decimal); one passed in is written in its shortest form.
    """
    return _dumps_json(obj, indent, sort_keys, newline=False)


def _dumps_json(obj: Any, indent: int | None, sort_keys: bool, *, newline: bool) -> str:
    """:func:`dumps_json`, followed by a line break when ``newline`` (orjson writes it: a long bundle's
    text is not copied again to add one)."""
    end = "\n" if newline else ""
    texts: list[str] = []

    def default(o: Any) -> str:
        if isinstance(o, Decimal):
            texts.append(decimal_text(o))
            return f"\x00{len(texts) - 1}\x00"
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    data = _orjson(obj, indent, sort_keys, _native_default(default), newline) if indent in (None, 2) else None
    if data is not None:
        if not texts:
            return data.decode("utf-8")
        fast = _put_decimals(data, texts)
        if fast is not None:
            return fast
        out = data.decode("utf-8")
    else:
        texts.clear()
        out = json.dumps(
            obj,
            ensure_ascii=False,
            indent=indent,
            separators=(",", ":") if indent is None else (",", ": "),
            sort_keys=sort_keys,
            default=default,
            allow_nan=False,
        )
        out += end
        if not texts:
            return out
    marks = _MARK.findall(out)
    if marks != [str(i) for i in range(len(texts))]:
        parts: list[str] = []
        _encode(obj, parts, indent, 0, sort_keys)
        return "".join(parts) + end
    return _MARK.sub(lambda m: texts[int(m.group(1))], out)


def _native_default(marker: Any) -> Any:
    """orjson's ``default`` for Decimals: the int or float orjson writes with exactly the digits of
    :func:`decimal_text` (``58``, ``0.5``, ``120.25``), else ``marker``'s marker string (``2.40``,
    ``1E+3``, ``-0``, ``0.0000001``: digits a float or int would change). Most bundles then have no
    marker to put back, and the text orjson wrote is the answer. Each native value is proved by
    writing it: the float's shortest form must be the Decimal's own digits."""
    if _lib() is None:  # pragma: no cover - a declared dependency; the standard encoder decides
        return marker

    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            key = o.as_tuple()  # (equal Decimals with other digits, 2.4 and 2.40, have other keys)
            native = _NATIVE.get(key, marker)
            if native is marker:
                native = _native(o, key)
                if len(_NATIVE) < _NATIVE_LIMIT:
                    _NATIVE[key] = native
            if native is not None:
                return native
        return marker(o)

    return default


def _native(o: Decimal, key: Any) -> int | float | None:
    """The int or float orjson writes as ``decimal_text(o)``, None when there is none."""
    orjson = _lib()
    sign, digits, exponent = key
    if isinstance(exponent, int) and len(digits) <= 15:  # (not NaN or infinity; within a double)
        if exponent == 0 and not (sign and not o):
            return int(o)  # (-0 keeps its sign only as a marker)
        if exponent < 0:
            f = float(o)
            if orjson.dumps(f) == decimal_text(o).encode("ascii"):
                return f
    return None


# a Decimal's (sign, digits, exponent) -> what orjson writes for it natively (None: a marker); a bundle's
# values recur (doses, days, the denominator 1), so each is proved once
_NATIVE: dict[Any, int | float | None] = {}
_NATIVE_LIMIT = 8192


_OPEN = b'"\\u0000'  # how a marker string starts in the JSON text: its quote and the escaped NUL


def _put_decimals(data: bytes, texts: list[str]) -> str | None:
    """orjson's UTF-8 ``data`` with its i-th marker string replaced by ``texts[i]``, as text: one split
    of the bytes at the markers' opening instead of two regular-expression passes over the decoded
    text; None (the passes decide) unless the bytes split into exactly the markers, in order (a string
    starting with a NUL splits there too). Decimal digits are ASCII, which never occurs inside a UTF-8
    sequence, so the split cannot cut a character."""
    pieces = data.split(_OPEN)
    if len(pieces) != len(texts) + 1:
        return None
    for i in range(1, len(pieces)):
        piece = pieces[i]
        head = b'%d\\u0000"' % (i - 1)
        if not piece.startswith(head):
            return None
        pieces[i] = texts[i - 1].encode("ascii") + piece[len(head) :]
    return b"".join(pieces).decode("utf-8")


def _orjson(
    obj: Any, indent: int | None, sort_keys: bool, default: Any, newline: bool = False
) -> bytes | None:
    """orjson's UTF-8 text of ``obj``, or None where the standard encoder must decide (it raises the
    same errors as before for what cannot be written at all, and writes what orjson refuses but JSON
    allows). A non-finite float is refused as the standard encoder refuses it (``allow_nan=False``)."""
    orjson = _lib()
    if orjson is None:  # pragma: no cover - a declared dependency; the standard encoder still works
        return None
    option = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS  # refused, as before
    option |= (orjson.OPT_INDENT_2 if indent == 2 else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    option |= orjson.OPT_APPEND_NEWLINE if newline else 0
    try:
        data: bytes = orjson.dumps(obj, default=default, option=option)
    except TypeError:  # orjson.JSONEncodeError: big integers, non-string keys, surrogates, unknown types
        return None
    # (searched in the bytes: a search of the decoded text, often not one byte per character, is slower)
    if b"null" in data and _has_nonfinite(obj):
        return None  # orjson writes NaN/Infinity as null; the standard encoder refuses them
    return data


@cache
def _lib() -> Any:
    """The orjson module, None without it: imported at the first write (not at start-up) and kept, so
    a write does not pay for an ``import`` statement (a look-up in ``sys.modules`` and a check of the
    module's spec, some microseconds: an NDJSON bundle or a streamed report makes one write per
    resource or window)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return orjson


def _has_nonfinite(obj: Any) -> bool:
    """Whether a float NaN or infinity hides in ``obj`` (only looked for when the text has a null)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, float):
            if o != o or o in (float("inf"), float("-inf")):
                return True
        elif isinstance(o, dict):
            stack.extend(o.values())
        elif isinstance(o, list | tuple):
            stack.extend(o)
    return False


def loads_json(data: str | bytes) -> Any:
    """Parse JSON keeping decimals exact (``parse_float=Decimal``), the inverse of :func:`dumps_json`."""
    return json.loads(data, parse_float=Decimal)


def _restore_decimals(element: Any, node: Any) -> None:
    """Give the XML ``value`` attributes of decimals the digits of the JSON they came from.

    The FHIR XML and JSON forms name the same elements in the same order, so the JSON ``node`` is walked
    beside the XML ``element``: the i-th child named ``x`` is the i-th item of the JSON ``x``.
    """
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments
        name = child.tag.rsplit("}", 1)[-1]
        if not isinstance(node, Mapping):
            return
        if name not in node:
            # a contained or bundled resource: <resource><Observation>...</Observation></resource>
            if node.get("resourceType") == name:
                _restore_decimals(child, node)
            continue
        value = node[name]
        n = seen.get(name, 0)
        seen[name] = n + 1
        if isinstance(value, list):
            value = value[n] if n < len(value) else None
        if isinstance(value, Decimal):
            child.set("value", decimal_text(value))
        elif isinstance(value, Mapping):
            if name in ("resource", "contained", "outcome", "return") and "resourceType" in value:
                for inner in child:
                    if isinstance(inner.tag, str):
                        _restore_decimals(inner, value)
            else:
                _restore_decimals(child, value)


def _xml(bundle: dict[str, Any]) -> str:
    from lxml import etree

    raw = check_models(bundle).model_dump_xml(pretty_print=False)
    root = etree.fromstring(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    _restore_decimals(root, bundle)
    etree.indent(root, space="  ")
    text = etree.tostring(root, encoding="unicode")
    return "<?xml version='1.0' encoding='utf-8'?>\n" + text + "\n"


def dumps(bundle: dict[str, Any], fmt: str = "json", *, pretty: bool = True) -> str:
    """One bundle as text: ``json`` (FHIR JSON; indented unless ``pretty=False``, the compact form for
    batches: 40 % smaller), ``xml`` (FHIR XML) or ``ndjson`` (its resources, one per line, in the Bulk
    Data form: ``id`` set, references ``Type/id``; see :mod:`fhirconv.fhir.bulk`)."""
    if fmt == "json":
        return _dumps_json(bundle, 2 if pretty else None, False, newline=True)
    if fmt == "ndjson":
        from .bulk import bulk_resources

        return "".join(dumps_json(r, indent=None) + "\n" for r in bulk_resources(bundle))
    if fmt == "xml":
        return _xml(bundle)
    raise BuildError(f"unknown output format {fmt!r} (use one of {', '.join(FORMATS)})")
