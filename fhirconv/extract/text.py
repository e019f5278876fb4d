"""Offset-preserving text helpers: paragraphs, sentences, tokens (``fold`` lives in ``fhirconv.text``
and is re-exported here).

Everything here keeps string length, so an index in the folded text is an index in the original:
that is what lets every fact quote its exact words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..text import fold

__all__ = ["Sentence", "fold", "iter_paragraphs", "split_sentences", "tokens"]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


_ABBREV = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "vs",
    "fig",
    "figs",
    "no",
    "al",
    "approx",
    "ca",
    "st",
    "e.g",
    "i.e",
    "etc",
    "resp",
    "ref",
    "vol",
    "pp",
    "mg",
    "ml",
    "dl",
    "mm",
    "cm",
    "kg",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "ltd",
    "co",
    "mt",
    "sr",
    "jr",
    "b.i.d",
    "t.i.d",
    "q.i.d",
}
_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")


def iter_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraphs of ``text[start:end]``: blank-line separated blocks, or lines when there are no blank
    lines (one-sentence-per-line corpora, text dumps)."""
    chunk = text[start:end]
    sep = re.compile(r"\n[ \t]*\n+") if re.search(r"\n[ \t]*\n", chunk) else re.compile(r"\n+")
    pos = 0
    for m in sep.finditer(chunk):
        if chunk[pos : m.start()].strip():
            yield _trim(text, start + pos, start + m.start())
        pos = m.end()
    if chunk[pos:].strip():
        yield _trim(text, start + pos, end)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split_sentences(text: str, start: int, end: int, paragraph: int = 0) -> list[Sentence]:
    """Rule-based splitter: fast, and good enough for case-report prose; line breaks always split."""
    out: list[Sentence] = []
    for ls, le in _lines(text, start, end):
        s = ls
        for m in _SENT_END.finditer(text, ls, le):
            cut = m.end()
            word = re.search(r"([A-Za-z.]+)\.?$", text[s : m.start() + 1])
            prev = text[max(s, m.start() - 12) : m.start()].split()
            last = prev[-1].lower().rstrip(".") if prev else ""
            if (
                last in _ABBREV
                or (len(last) == 1 and last.isalpha())
                or (word and word.group(1).count(".") > 1)
            ):
                continue
            a, b = _trim(text, s, cut)
            if b > a:
                out.append(Sentence(a, b, paragraph))
            s = cut
        a, b = _trim(text, s, le)
        if b > a:
            out.append(Sentence(a, b, paragraph))
    return out


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            nl = end
        if text[pos:nl].strip():
            yield pos, nl
        pos = nl + 1


_TOKEN = re.compile(r"\w+(?:['.]\w+)*|[^\w\s]")


def tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
