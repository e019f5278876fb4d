"""Where the phrases of several word-list patterns start, in one scan of a sentence.

A component that asks several ``phrase_pattern`` patterns (``(?<!\\w)(?:<words>)(?!\\w)``) of the same
sentence -- the result words of each kind, "not performed" -- scans the sentence once per pattern, and
most of each scan finds nothing. :func:`phrase_starts` compiles one pattern that finds every position
where any of them matches (a zero-width lookahead of their union: overlapping positions too), and
:func:`phrases` then tries each pattern only there. Exact: a ``finditer`` match is the pattern's match
at the first position, from where the previous match ended, where it matches at all, and every such
position is one :func:`phrase_starts` found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["phrase_starts", "phrases"]


def phrase_starts(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    r"""Every position where one of the word-list ``patterns`` (``phrase_pattern``: ``(?<!\w)(?:...)(?!\w)``)
    matches, in one scan: a zero-width lookahead of their union finds each such position, overlapping
    ones too. None when a pattern is not written so (its own scan is then used)."""
    head, tail = r"(?<!\w)(?:", r")(?!\w)"
    bodies = []
    for p in patterns:
        if not (p.pattern.startswith(head) and p.pattern.endswith(tail)) or p.flags != re.UNICODE:
            return None
        bodies.append(f"(?:{p.pattern[len(head) : -len(tail)]})")
    return re.compile(rf"(?<!\w)(?=(?:{'|'.join(bodies)})(?!\w))")


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
