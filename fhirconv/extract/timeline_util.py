"""Helpers of the timeline step: which drugs a taper verb governs, drug start days, the patient's age."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ..model import Extraction, MedicationFact, Mention

__all__ = ["age_years", "drug_starts", "subject_of"]


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
