"""One document's lexicon matches, worked out once per section and handed to each sentence as a slice.

A report asks the lexicon for the matches of every section (to find the abbreviations it defines) and
then of every sentence inside it. Decoding the automaton's hits and resolving their overlaps per
sentence repeated, for every sentence, what the section's reading had already done. Here a section is
scanned, decoded and resolved once; a sentence gets the section's matches inside it whenever that is
provably what reading the sentence alone would give, and is resolved on its own otherwise.

Reading a sentence alone differs from the section's reading in two ways only:

- a candidate that starts before the sentence or ends after it is no candidate of the sentence, so
  whatever it overlaps may win in the sentence and lose in the section;
- the words that make a descriptor-only key a match ("abnormal" before "reflexes") are looked for
  in at most 25 characters before the key, but never before the start of the range read.

So a sentence takes the section's slice when no candidate crosses either of its ends and no
descriptor-only key starts within 25 characters after its start; otherwise its candidates are taken
from the section's decoded hits (those two cases recomputed) and resolved as a fresh read would.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lexicon import Match

__all__ = ["DESCRIBED_REACH", "Candidate", "Reading", "SectionReading"]

# how far before a descriptor-only key its descriptor may start
DESCRIBED_REACH = 25

Candidate = tuple[int, int, int]  # (start, end, concept index)
# (text, folded, range start, key start, key end, packed value) -> the candidate, or None
Decode = Callable[[str, str, int, int, int, int], Candidate | None]
Resolve = Callable[[list[Candidate], int, int], list[Candidate]]


class SectionReading:
    """A section's hits (in automaton order: by end), their candidates as read from the section's start,
    the section's resolved matches, and where candidates cover a character other than their first."""

    __slots__ = (
        "cands",
        "described",
        "end",
        "ends",
        "inside",
        "kept",
        "kept_starts",
        "raw_starts",
        "start",
        "values",
    )

    def __init__(
        self,
        start: int,
        end: int,
        hits: tuple[array[int], array[int]],
        decoded: tuple[list[int], list[Candidate | None], list[int]],
        resolve: Resolve,
        make_all: Callable[[list[Candidate]], list[Match]],
    ) -> None:
        self.start, self.end = start, end
        self.ends, self.values = hits
        self.raw_starts, self.cands, described = decoded
        self.described = sorted(described)
        inside = bytearray(end - start + 1)
        for c in self.cands:
            if c is not None and c[1] - c[0] > 1:
                inside[c[0] + 1 - start : c[1] - start] = b"\x01" * (c[1] - c[0] - 1)
        self.inside = inside
        kept = resolve([c for c in self.cands if c is not None], start, end)
        self.kept = make_all(kept)
        self.kept_starts = [c[0] for c in kept]

    def match(
        self, text: str, folded: str, start: int, end: int, decode: Decode, resolve: Resolve
    ) -> tuple[list[Match] | None, list[Candidate]]:
        """The matches of ``[start, end)`` (inside this section) as the section's slice, or (None, the
        candidates a fresh read of the range has) when the slice might differ."""
        base = self.start
        if start == base and end == self.end:
            return list(self.kept), []
        lo = bisect_left(self.described, start)
        fragile = start > base and lo < len(self.described) and self.described[lo] < start + DESCRIBED_REACH
        if not fragile and not self.inside[start - base] and not self.inside[end - base]:
            a = bisect_left(self.kept_starts, start)
            b = bisect_left(self.kept_starts, end, a)
            return self.kept[a:b], []
        a, b = bisect_right(self.ends, start), bisect_right(self.ends, end)
        cands: list[Candidate] = []
        raw, found = self.raw_starts, self.cands
        for i in range(a, b):
            s = raw[i]
            if s < start:
                continue  # a key that starts before the range
            c = found[i]
            if fragile and s - DESCRIBED_REACH < start:
                c = decode(text, folded, start, s, self.ends[i], self.values[i])
            if c is not None:
                cands.append(c)
        return None, cands


class Reading:
    """One document's sections, each read on first need."""

    __slots__ = ("ends", "folded", "sections", "starts")

    def __init__(self, folded: str, starts: list[int], ends: list[int]) -> None:
        self.folded, self.starts, self.ends = folded, starts, ends
        self.sections: list[SectionReading | None] = [None] * len(starts)

    def section_of(self, start: int, end: int) -> int:
        """The index of the section holding ``[start, end)``, or -1."""
        i = bisect_right(self.starts, start) - 1
        return i if i >= 0 and end <= self.ends[i] else -1
