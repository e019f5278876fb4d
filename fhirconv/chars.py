"""Characters FHIR cannot carry, shared by the readers (which clean text as it is decoded) and the
FHIR builders (which clean anything copied into a resource once more).

FHIR strings travel in XML and XHTML narrative, where C0 control characters other than tab, line feed
and carriage return, the noncharacters U+FFFE/U+FFFF and lone surrogates are not allowed. Each is
replaced by one space, so the text keeps its length and every offset into it stays valid.
"""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN", "fhir_safe", "looks_binary"]

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TABLE = {c: " " for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}
# control characters that appear in binary files and (almost) never in text; form feed and vertical
# tab are excluded because text dumps of PDFs use them as page breaks
_BINARY = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_SAMPLE = 65536


def fhir_safe(text: str) -> str:
    """``text`` with every character FHIR forbids replaced by a space (same length).

    Almost no text has one: a search finds that out at C speed, where the translation table is looked
    up character by character (0.1 s per MB, most of reading a long report)."""
    if FORBIDDEN.search(text) is None:
        return text
    out = text.translate(_TABLE)
    if FORBIDDEN.search(out):  # lone surrogates: rare, only from lenient decoding
        out = FORBIDDEN.sub(" ", out)
    return out


def looks_binary(text: str) -> bool:
    """More than 1 % control characters in the first 64 K characters (and more than 8): not a report.
    A stray control character in a real document (a title pasted from a PDF) stays below this."""
    sample = text[:_SAMPLE]
    n = len(_BINARY.findall(sample))
    return n > 8 and n > len(sample) // 100
