"""Hardened XML parsing shared by the JATS and BioC readers.

PMC and BioC files legitimately start with a DOCTYPE naming a public DTD; we accept that but never load
it. An internal subset that declares entities (billion laughs, external entities such as
``file:///etc/passwd``) is refused before parsing, and checked again on the parsed tree in case the
bytes were in an encoding the byte scan cannot see.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import HostileInputError, MalformedInputError

__all__ = ["all_text", "local", "parse_xml", "text_of"]

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, name: str) -> etree._Element:
    m = _DOCTYPE_SUBSET.search(data, 0, 65536)
    if m is not None:
        end = data.find(b"]>", m.end())
        subset = data[m.end() : end if end >= 0 else len(data)]
        if _ENTITY_DECL.search(subset):
            raise HostileInputError(
                "XML declares entities in its DOCTYPE (entity expansion / external entity attack); refused",
                source=name,
            )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise MalformedInputError(
            f"malformed XML at line {line}, column {column}: {exc.msg}",
            source=name,
            detail={"line": line, "column": column},
        ) from exc
    except ValueError as exc:  # e.g. unsupported encoding declaration
        raise MalformedInputError(f"unreadable XML: {exc}", source=name) from exc
    if root is None:
        raise MalformedInputError("XML has no root element", source=name)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in getattr(dtd, "iterentities", list)()):
        raise HostileInputError("XML declares entities in its DOCTYPE; refused", source=name)
    return root


def local(el: etree._Element) -> str:
    """Tag name without namespace ('' for comments and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def all_text(el: etree._Element) -> str:
    """All text inside ``el``, as is."""
    return "".join(t if isinstance(t, str) else t.decode("utf-8", "replace") for t in el.itertext())


def text_of(el: etree._Element) -> str:
    """All text inside ``el`` with whitespace collapsed."""
    return " ".join(all_text(el).split())
