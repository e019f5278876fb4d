"""Plain-text reader.

``Document.text`` is the decoded file exactly (only a leading BOM goes), so gold offsets of annotated
corpora apply unchanged; page furniture in text dumps is typed as excluded sections, never removed.
"""

from __future__ import annotations

import re

from ..errors import MalformedInputError
from ..model import Document, DocumentFormat, Metadata
from ._common import check_not_empty, decode_text, first_title, sections_from_runs, sha256
from ._layout import Block, classify
from ._rules import SectionRules, shipped_rules
from ._tables import tab_tables

__all__ = ["TextReader", "read_text"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _lines(text: str) -> tuple[list[Block], list[tuple[int, int]]]:
    """Non-blank lines with their [start, end) spans (end excludes the line break and trailing blanks)."""
    if "\r" not in text:
        return _split_lines(text)
    blocks: list[Block] = []
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        line = m.group().rstrip("\r\n")
        content = line.strip()
        if not content:
            continue
        start = m.start() + (len(line) - len(line.lstrip()))
        end = m.start() + len(line.rstrip())
        blocks.append(Block(content))
        spans.append((start, end))
    return blocks, spans


def _split_lines(text: str) -> tuple[list[Block], list[tuple[int, int]]]:
    """:func:`_lines` of a text without a carriage return, where only ``\\n`` ends a line: the pieces of
    ``str.split("\\n")`` are the lines ``_LINE`` matches, less their break, at the same offsets (each
    piece's offset is the previous one's plus its length and the break), and each is kept, stripped
    and spanned as there. A ``str`` split instead of a match object per line (half the time of a
    report's line split)."""
    blocks: list[Block] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        content = line.strip()
        if content:
            blocks.append(Block(content))
            spans.append((pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())))
        pos += len(line) + 1
    return blocks, spans


def read_text(data: bytes, name: str, *, rules: SectionRules | None = None) -> Document:
    text, encoding, warnings = decode_text(data, name)
    check_not_empty(text, name)
    if "\x00" in text:
        raise MalformedInputError("NUL characters in a text file: this looks like a binary file", source=name)
    blocks, spans = _lines(text)
    typed = classify(blocks, rules or shipped_rules(), find_title=True)
    sections = sections_from_runs(spans, typed)
    return Document(
        text=text,
        sections=sections,
        metadata=Metadata(title=first_title(sections, text)),
        format=DocumentFormat.TEXT,
        source_name=name,
        source_sha256=sha256(data),
        encoding=encoding,
        warnings=tuple(warnings),
        tables=tuple(t for s in sections if not s.excluded for t in tab_tables(text, s.start, s.end)),
    )


class TextReader:
    """Reads with the section rules it is given (the shipped ones by default)."""

    def __init__(self, rules: SectionRules | None = None) -> None:
        self.rules = rules

    format = DocumentFormat.TEXT

    def read(self, data: bytes, name: str) -> Document:
        return read_text(data, name, rules=self.rules)
