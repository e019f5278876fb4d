"""A test written with its abbreviation in brackets is one test: "alanine aminotransferase (ALT)".

Both words are the test's name (each a head mention of the one Observation), and the value that follows
the bracket is its result, never lost to a bracketed "umbrella list" reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["merge_abbreviations"]

_OPEN = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*\)")


def merge_abbreviations(
    text: str, folded: str, e: int, tests: list[Obs], tail: Callable[[str, int, int], int] | None = None
) -> list[Obs]:
    """``tests`` (in text order) with each "name (ABBR)" pair merged into one test spanning both, and
    over the target written after the bracket ("polymerase chain reaction (PCR) for influenza", through
    ``tail``)."""
    merged: list[Obs] = []
    for o in tests:
        prev = merged[-1] if merged else None
        if prev is not None and _OPEN.fullmatch(folded, prev.end, o.start):
            close = _CLOSE.match(folded, o.end, e)
            if close is not None:
                keep = prev if prev.codings or not o.codings else o
                keep.heads = ((prev.start, prev.end), (o.start, o.end))
                end = tail(folded, close.end(), e) if tail is not None else close.end()
                keep.text = text[prev.start : end]
                keep.start, keep.end = prev.start, end
                merged[-1] = keep
                continue
        merged.append(o)
    return merged
