"""Readers: bytes in, one :class:`~fhirconv.model.Document` out.

Every reader types its sections with the same rules (``mappings/sections.json``) so extraction can
skip references, menus and footers whatever the input format. XML readers never expand entities,
load DTDs or touch the network.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import InputError, InputTooLargeError
from ..model import Document, DocumentFormat
from ._rules import SectionRules, load_rules
from .sniff import sniff_format

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Reader",
    "SectionRules",
    "get_reader",
    "load_rules",
    "parse_xml",
    "read_bytes",
    "read_path",
    "sniff_format",
]


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The readers' hardened XML parser (:func:`fhirconv.readers._xml.parse_xml`), imported on first
    use: a plain-text report never needs lxml (~0.01 s of a cold start)."""
    from ._xml import parse_xml as parse

    return parse(data, name)


DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Inputs above this are refused; override per call or with ``FHIRCONV_MAX_INPUT_BYTES``."""


@runtime_checkable
class Reader(Protocol):
    """Reads one format. Implementations raise only ``fhirconv.errors.InputError`` subclasses."""

    format: DocumentFormat

    def read(self, data: bytes, name: str) -> Document: ...


def get_reader(format: DocumentFormat, rules: SectionRules | None = None) -> Reader:
    """The reader for ``format``, typing sections with ``rules`` (the shipped rules when None)."""
    # Imported lazily so reading text never pays for lxml.
    if format is DocumentFormat.TEXT:
        from .text import TextReader

        return TextReader(rules)
    if format is DocumentFormat.HTML:
        from .html import HtmlReader

        return HtmlReader(rules)
    if format is DocumentFormat.JATS:
        from .jats import JatsReader

        return JatsReader(rules)
    if format is DocumentFormat.BIOC:
        from .bioc import BiocReader

        return BiocReader(rules)
    raise InputError(f"no reader for format {format!r}")  # pragma: no cover - enum is closed


def _limit(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    env = os.environ.get("FHIRCONV_MAX_INPUT_BYTES")
    if env:
        try:
            return int(env)
        except ValueError as exc:
            raise InputError(f"FHIRCONV_MAX_INPUT_BYTES must be an integer, not {env!r}") from exc
    return DEFAULT_MAX_BYTES


def _too_large(size: int, limit: int, name: str) -> InputTooLargeError:
    return InputTooLargeError(
        f"input is {size} bytes, over the limit of {limit} bytes (raise it with FHIRCONV_MAX_INPUT_BYTES)",
        source=name,
        detail={"size": size, "limit": limit},
    )


def read_bytes(
    data: bytes,
    name: str,
    *,
    format: DocumentFormat | None = None,
    max_bytes: int | None = None,
    rules: SectionRules | None = None,
) -> Document:
    """Read ``data`` (named ``name`` for messages and sniffing) into a Document.

    ``rules`` are the section rules of the caller's mappings (``load_rules(store)``); None reads with
    the shipped ones.
    """
    limit = _limit(max_bytes)
    if len(data) > limit:
        raise _too_large(len(data), limit, name)
    if not data.strip():
        raise InputError("input is empty (no text to read)", source=name)
    try:
        fmt = format if format is not None else sniff_format(data, name)
    except InputError as exc:
        exc.source = exc.source or name
        raise
    return get_reader(fmt, rules).read(data, name)


def read_path(
    path: Path,
    *,
    format: DocumentFormat | None = None,
    max_bytes: int | None = None,
    rules: SectionRules | None = None,
) -> Document:
    """Read a file; the size limit is checked before any byte is read."""
    path = Path(path)
    name = str(path)
    limit = _limit(max_bytes)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("not a regular file", source=name)
        if size > limit:
            raise _too_large(size, limit, name)
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise InputError("file not found", source=name) from exc
    except PermissionError as exc:
        raise InputError("permission denied", source=name) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", source=name) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=name) from exc
    return read_bytes(data, name, format=format, max_bytes=limit, rules=rules)
