"""Where the phrases of several word-list patterns start, in one scan of a sentence.

A component that asks several ``phrase_pattern`` patterns (``(?<!\\w)(?:<words>)(?!\\w)``) of the same
sentence -- the result words of each kind, "not performed" -- scans the sentence once per pattern, and
most of each scan finds nothing. :func:`phrase_starts` compiles their union, :func:`starts_of` finds
with one scan of it every position where any of them can match (overlapping ones too), and
:func:`phrases` then tries each pattern only there. Exact: a ``finditer`` match is the pattern's match
at the first position, from where the previous match ended, where it matches at all, and every such
position is one :func:`starts_of` finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..wordstart import original, word_start
from .literals import _C, note_union
from .literals import _MIN_LENGTH as _MIN_WORD  # a shorter literal is no gate
from .literals import _P as _PARSER  # the parser behind re.compile, as literals.py reads pattern trees

__all__ = ["note_words", "phrase_literals", "phrase_starts", "phrases", "starts_of"]


def phrase_starts(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    r"""The union of the word-list ``patterns`` (``phrase_pattern``: ``(?<!\w)(?:...)(?!\w)``), for
    :func:`starts_of`. None when a pattern is not written so (each pattern then scans for itself)."""
    head, tail = r"(?<!\w)(?:", r")(?!\w)"
    bodies = []
    for p in patterns:
        src = original(p.pattern)  # as phrase_pattern wrote it, before word_start
        if not (src.startswith(head) and src.endswith(tail)) or p.flags != re.UNICODE:
            return None
        bodies.append(f"(?:{src[len(head) : -len(tail)]})")
    body = "|".join(bodies)
    union = re.compile(word_start(rf"(?<!\w)(?:{body})(?!\w)"))
    note_words(union, body)
    return union


def note_words(pattern: re.Pattern[str], body: str) -> None:
    """Tell the literal gate (triggers.py) that every match of ``pattern`` holds a match of the word-list
    alternation ``body``, and so one of :func:`phrase_literals` of it: a whole word per phrase. Read
    off the trie's parse tree instead, the requirement is cut where the trie branches ("w(?:as|ere)"
    gives "ere", "no(?:rmal|...)" gives "rmal"), which half the sentences hold ("were", "there",
    "abnormal"); whole words let the gate skip the scans that find nothing. Nothing is noted when a
    phrase has no word of three characters (the requirement read off the tree then stands)."""
    lits = phrase_literals(body)
    if lits is None:
        return
    parts = [re.compile(re.escape(w)) for w in sorted(lits)]
    note_union(pattern, parts)
    first = original(pattern.pattern)
    if first != pattern.pattern:  # (as first written too: word_start's rewrite keeps the requirement)
        note_union(re.compile(first, pattern.flags), parts)


_SEP = "\0"  # where ``\s+`` stands between two words of a phrase
_MAX_PHRASES = 5000


def phrase_literals(body: str) -> frozenset[str] | None:
    r"""One string per phrase that word-list alternation ``body`` (as ``alternation`` or
    ``flat_alternation`` write it: letters, ``\s+`` between words, groups, branches, optional parts,
    assertions) can match, which every match of the phrase holds: a word of it that is a phrase of its
    own, else its longest word (the last of equal ones). None when ``body`` holds anything else, spells
    more than a few thousand phrases, or a phrase has no word of three characters."""
    if _PARSER is None:  # pragma: no cover
        return None
    try:
        tree = _PARSER.parse(body)
    except re.error:
        return None
    phrases = _spell(list(tree))
    if phrases is None:
        return None
    # a word that is a phrase of its own is required anyway: a longer phrase holding it takes it too
    # ("low" for "were low", "normal" for "revealed normal")
    alone = {p for p in phrases if _SEP not in p}
    out: set[str] = set()
    for phrase in phrases:
        words = phrase.split(_SEP)
        word = next((w for w in words if w in alone), None) or max(reversed(words), key=len)
        if len(word) < _MIN_WORD:
            return None
        out.add(word)
    return frozenset(out)


def _spell(items: list[Any]) -> set[str] | None:
    r"""Every string the sequence ``items`` (a parse tree) matches, ``\s+`` written as ``_SEP`` (an
    assertion consumes nothing: the strings of the matches are among them)."""
    out = {""}
    for op, av in items:
        part = _spell_node(op, av)
        if part is None or len(out) * len(part) > _MAX_PHRASES:
            return None
        out = {a + b for a in out for b in part}
    return out


def _spell_node(op: Any, av: Any) -> set[str] | None:
    if op is _C.LITERAL:
        ch = chr(av)
        return {ch} if ch != _SEP and not ch.isspace() else None
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {""}  # consumes nothing
    if op is _C.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return _spell(list(sub)) if not (add_flags or del_flags) else None
    if op is _C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            part = _spell(list(alt))
            if part is None:
                return None
            out |= part
        return out if len(out) <= _MAX_PHRASES else None
    if op is _C.MAX_REPEAT or op is _C.MIN_REPEAT:
        lo, hi, sub = av
        items = list(sub)
        if (lo, hi) == (1, _C.MAXREPEAT) and items == [(_C.IN, [(_C.CATEGORY, _C.CATEGORY_SPACE)])]:
            return {_SEP}  # "\s+" between two words
        if (lo, hi) == (0, 1):
            once = _spell(items)
            return None if once is None else {""} | once
    return None


def starts_of(union: re.Pattern[str], folded: str, s: int, e: int) -> list[int]:
    """Every position in ``[s, e)`` where one of the union's patterns can match, ascending: where a match
    of the union starts, and where a word may start inside one ("normal" inside "within normal limits":
    another pattern's phrase may start there). A position where no match of the union starts and that
    lies inside none is no pattern's either: scanning from before it, the union would have matched there.
    The union is a plain pattern, so the extractor's literal gate (triggers.py) can stand in front of it."""
    at: list[int] = []
    for m in union.finditer(folded, s, e):
        at.append(m.start())
        at.extend(w.start() for w in _WORD_START.finditer(folded, m.start() + 1, m.end() - 1))
    return at


_WORD_START = re.compile(r"(?<!\w)")  # where a phrase may start: no word character before


def phrases(
    pat: re.Pattern[str], folded: str, s: int, e: int, at: list[int] | None
) -> Iterator[re.Match[str]]:
    """``pat.finditer(folded, s, e)``, tried only at the positions ``at`` (ascending) where some phrase
    starts: a finditer match is the pattern's match at the first position from where the previous one
    ended, and every position where it can match is in ``at``."""
    if at is None:
        yield from pat.finditer(folded, s, e)
        return
    cursor = s
    for p in at:
        if p < cursor:
            continue
        m = pat.match(folded, p, e)
        if m is not None:
            yield m
            cursor = max(m.end(), p + 1)
