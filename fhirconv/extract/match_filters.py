"""Filters over one sentence's lexicon matches (kept apart from ``mentions.py`` to keep modules small).

Each drops or replaces a match whose surrounding words say it is not the mention it looks like.
"""

from __future__ import annotations

from .lexicon import Lexicon, Match
from .match_rules import MatchRules

__all__ = ["attributive", "measured_levels"]

_ATTRIBUTIVE_SPAN = 80  # characters at most between adjective and noun, so the gap test stays short


def measured_levels(
    lexicon: Lexicon, rules: MatchRules, text: str, folded: str, e: int, matches: list[Match]
) -> list[Match]:
    """A condition that holds a test name and is followed by a number gives way to that test.

    "elevated serum creatinine of 160 umol/l" is the creatinine test with its value (and its
    elevated interpretation); "elevated serum creatinine" with no number stays the finding.
    """
    out: list[Match] = []
    for m in matches:
        if m.concept.domain == "conditions" and rules.measured_after.match(folded, m.end, e):
            # from the second word: the level word before a test name makes the lexicon read
            # the finding again ("elevated" + "creatinine")
            gap = folded.find(" ", m.start, m.end)
            inner = (
                [t for t in lexicon.match(text, folded, gap + 1, m.end) if t.concept.domain == "tests"]
                if gap >= 0
                else []
            )
            if inner:
                out += inner
                continue
        out.append(m)
    return out


def attributive(rules: MatchRules, folded: str, matches: list[Match]) -> list[Match]:
    """Drop a one-word condition of adjective form that describes the finding noun after it.

    "painful erythematous swelling", "a diabetic ulcer", "perforated and ulcerated lesions": the
    finding is the noun, already a mention of its own; the adjective is how it looks, not a second
    condition. "hypotensive, tachycardic and pale" keeps every word: no finding noun follows.
    """
    ends = rules.adjective_endings

    def adjective(m: Match) -> bool:
        words = folded[m.start : m.end]
        return " " not in words.strip() and words.endswith(ends)

    out: list[Match] = []
    for i, m in enumerate(matches):
        if m.concept.domain == "conditions" and adjective(m):
            # the first condition after it that is no adjective itself ("painful erythematous swelling")
            nxt = next(
                (
                    n
                    for n in matches[i + 1 :]
                    if n.concept.domain == "conditions"
                    and not folded[n.start : n.end].split()[-1].endswith(ends)
                ),
                None,
            )
            if (
                nxt is not None
                and nxt.start - m.end <= _ATTRIBUTIVE_SPAN
                and rules.attributive_gap.fullmatch(folded, m.end, nxt.start) is not None
            ):
                continue
        out.append(m)
    return out
