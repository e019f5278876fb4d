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

from ..wordstart import original, word_start

__all__ = ["phrase_starts", "phrases", "starts_of"]


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
    return re.compile(word_start(rf"(?<!\w)(?:{'|'.join(bodies)})(?!\w)"))


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
