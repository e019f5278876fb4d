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
from .fastcopy import maker

__all__ = ["Sentence", "fold", "iter_paragraphs", "split_sentences", "tokens"]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


# one per sentence of every paragraph read: the same object at about half the price (fastcopy.maker)
_sentence = maker(Sentence)

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
# Starts only at the first of a run of stops and never backtracks into a run, so a long run of stops,
# quotes or spaces is scanned once: linear on any input. The stop is matched before the look back at
# the character ahead of it (``(?<![.!?].)`` after one stop is ``(?<![.!?])`` before it), so ``re``
# jumps from stop to stop instead of trying a lookbehind at every character: the same matches as the
# pattern first written with the lookbehind in front, 6x faster (``tests/extract/test_match_speed.py``).
_SENT_END = re.compile(r"[.!?](?<![.!?].)[.!?]*+[\"')\]]*+(?=\s++[\"'(\[]?[A-Z0-9])")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
# No real sentence is this long: a longer run (a flattened table, a pasted log, hostile input) is cut at
# whitespace so every per-sentence step stays bounded and conversion time linear in the document.
MAX_SENTENCE_CHARS = 2000
# Mentions kept per fact: enough to show where it is said, bounded so a term repeated thousands of
# times costs linear time and a bundle of reasonable size.
MAX_MENTIONS = 50


def iter_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraphs of ``text[start:end]``: blank-line separated blocks, or lines when there are no blank
    lines (one-sentence-per-line corpora, text dumps)."""
    # (searched within the bounds, not in a copy of the section: the patterns look neither behind nor
    # ahead, so the matches are the same)
    sep = _BLANK_LINES if _BLANK_LINE.search(text, start, end) else _LINE_BREAKS
    pos = start
    for m in sep.finditer(text, start, end):
        if not _blank(text, pos, m.start()):
            yield _trim(text, pos, m.start())
        pos = m.end()
    if not _blank(text, pos, end):
        yield _trim(text, pos, end)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_LINE_BREAKS = re.compile(r"\n+")
_NOT_SPACE = re.compile(r"\S")


def _blank(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whitespace or nothing (``not text[start:end].strip()``)."""
    return _NOT_SPACE.search(text, start, end) is None


def space_before(text: str, end: int) -> int:
    """How many whitespace characters end ``text[:end]`` (``len(t) - len(t.rstrip())`` without copying
    the text before ``end``: once per abbreviation, that copy made long reports quadratic)."""
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return end - i


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
            prev = text[max(s, m.start() - 12) : m.start()].split()
            last = prev[-1].lower().rstrip(".") if prev else ""
            if (
                last in _ABBREV
                or (len(last) == 1 and last.isalpha())
                or _dotted_word(text, s, m.start() + 1).count(".") > 1
            ):
                continue
            _emit(out, text, s, cut, paragraph)
            s = cut
        _emit(out, text, s, le, paragraph)
    return out


def _dotted_word(text: str, start: int, end: int) -> str:
    """The run of letters and dots ending at ``end`` (not before ``start``): "e.g." in "see e.g."."""
    i = end
    while i > start and text[i - 1] in _WORD_CHARS:
        i -= 1
    return text[i:end]


def _emit(out: list[Sentence], text: str, s: int, e: int, paragraph: int) -> None:
    """Append ``text[s:e]`` trimmed, in pieces of at most MAX_SENTENCE_CHARS cut at whitespace."""
    a, b = _trim(text, s, e)
    while b - a > MAX_SENTENCE_CHARS:
        limit = a + MAX_SENTENCE_CHARS
        cut = limit
        while cut > a + MAX_SENTENCE_CHARS // 2 and not text[cut].isspace():
            cut -= 1
        if not text[cut].isspace():
            cut = limit  # one "word" longer than half the cap: not prose, cut anywhere
        x, y = _trim(text, a, cut)
        if y > x:
            out.append(_sentence(x, y, paragraph))
        a, b = _trim(text, cut, b)
    if b > a:
        out.append(_sentence(a, b, paragraph))


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
