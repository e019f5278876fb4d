"""Helpers of the timeline step: which drugs a taper verb governs, drug start days, the patient's age."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence

from ..model import Extraction, MedicationFact, Mention
from .text import Sentence

__all__ = ["age_years", "drug_starts", "sentence_finder", "subject_of"]


def subject_of(folded: str, mention: Mention, at: int, heads: list[tuple[int, int]]) -> bool:
    """Whether the drug ``mention`` is (one of a list of drugs) right before the verb at ``at``:
    "prednisolone and clonazepam were tapered", not "IVIg was added and clonazepam was tapered"."""
    chain = [(s, e) for s, e in heads if mention.start <= s and e <= at]
    if not chain or chain[0][0] != mention.start:
        return False
    for (_, e1), (s2, _) in itertools.pairwise(chain):
        if not _CONJ.fullmatch(folded, e1, s2):
            return False
    return _VERB_GAP.fullmatch(folded, chain[-1][1], at) is not None


_CONJ = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)")
_VERB_GAP = re.compile(
    r"\s*(?:(?:was|were|is|are|been|being|then|also|both|gradually|slowly|subsequently)\s+){0,3}"
)


def drug_starts(medications: Sequence[MedicationFact]) -> list[tuple[int, int, float]]:
    """(start, end, start day) of every mention of a drug whose start day the text gives."""
    out: list[tuple[int, int, float]] = []
    for m in medications:
        if m.timing is None or m.timing.start_day is None:
            continue
        out.extend((x.start, x.end, m.timing.start_day) for x in m.mentions)
    return out


def age_years(facts: Extraction) -> float | None:
    age = facts.patient.age
    if age is None or age.comparator or age.ucum != "a":
        return None
    try:
        return float(age.value)
    except ValueError:
        return None


def sentence_finder(sentences: Sequence[Sentence]) -> Callable[[int], int | None]:
    """``offset -> index of the sentence holding it`` (or None): a binary search over sentences in text
    order (a scan per fact was quadratic in long reports); a plain scan if they were ever out of order."""
    starts = [s.start for s in sentences]
    ordered = all(a.end <= b.start for a, b in itertools.pairwise(sentences))

    def sentence_of(offset: int) -> int | None:
        if ordered:
            i = bisect.bisect_right(starts, offset) - 1
            return i if i >= 0 and offset < sentences[i].end else None
        for i, s in enumerate(sentences):
            if s.start <= offset < s.end:
                return i
        return None

    return sentence_of
