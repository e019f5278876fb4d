"""Head-modifier composition of findings: a finding's modifiers and site make one mention with it
(procedures are composed in ``compose.py``).

"multiple cavitating nodules", "a low-attenuation lesion in the spleen": the lexicon finds the head
("nodules", "lesion"); the words that say what kind of finding it is and where it sits belong to the
same fact, so the Condition's text and its cited words are the whole phrase. Only words the rules name
are taken (size, number, appearance, imaging character, organ adjectives; "in/of the <organ>"), never
a word that is a mention of its own, and never across a clause boundary: an unknown word ends the
phrase. Anchored matches at the mention's edges only, no scan of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import alternation, fold
from .lexicon import Match
from .rules import RuleData

__all__ = ["Composer"]

# the word before a position, and the one before it ("low attenuation" is "low-attenuation" folded):
# ``(?:([a-z]+)\s+)?([a-z]+)\s+$`` searched in the window before the position, read instead backwards
# from the position (one anchored match of the reversed window, not a search from every character)
_WORDS_BEFORE_REVERSED = re.compile(r"\s+([a-z]+)(?:\s+([a-z]+))?")
_MAX_BEFORE = 3  # modifier words taken before a head
_ADJECTIVE_ENDINGS = ("ed", "ic", "ous", "ive", "al", "ar", "ful", "ble", "ile", "ent", "ant", "ing")


def _words_before(folded: str, lo: int, end: int) -> tuple[str | None, int, str, int] | None:
    """The word right before ``end`` (then whitespace) and the word before it, inside ``[lo, end)``:
    (first word or None, its start, second word, its start), or None when no word ends there."""
    m = _WORDS_BEFORE_REVERSED.match(folded[lo:end][::-1])
    if m is None:
        return None
    second, second_start = m.group(1)[::-1], end - m.end(1)
    if m.group(2) is None:
        return None, -1, second, second_start
    return m.group(2)[::-1], end - m.end(2), second, second_start


@dataclass(frozen=True, slots=True)
class Composer:
    modifiers: frozenset[str]  # words that qualify a finding ("multiple", "cavitating", "renal")
    site: re.Pattern[str]  # " in the spleen", " of both lungs": the organ the finding sits in

    @classmethod
    def from_dict(cls, data: RuleData) -> Composer:
        sides = r"(?:(?:left|right|upper|lower|middle|both|bilateral)\s+){0,2}"
        return cls(
            modifiers=frozenset(fold(w) for w in data.words("finding_modifiers")),
            site=re.compile(
                r"\s+(?:in|of|within|involving)\s+(?:(?:the|his|her|its)\s+)?"
                + sides
                + r"(?:"
                + alternation(data.words("finding_sites"))
                + r")(?!\w)"
            ),
        )

    def compose(self, folded: str, s: int, e: int, m: Match, others: list[Match]) -> tuple[int, int]:
        """The span of the finding phrase around condition mention ``m`` in sentence ``[s, e)``."""
        start, end = m.start, m.end
        if folded[start:end].endswith(_ADJECTIVE_ENDINGS):
            return start, end  # "dilated", "necrotic": a finding said of something else has no modifiers
        for _ in range(_MAX_BEFORE):
            wm = _words_before(folded, max(s, start - 40), start)
            if wm is None:
                break
            w1, w1s, w2, w2s = wm
            if w1 and f"{w1} {w2}" in self.modifiers:
                ws = w1s
            elif w2 in self.modifiers:
                ws = w2s
            else:
                break
            if any(o is not m and o.start < start and ws < o.end for o in others):
                break  # a mention of its own ("painful" is a finding) is not this one's modifier
            start = ws
        sm = self.site.match(folded, end, e)
        if sm is not None and not any(o is not m and end <= o.start < sm.end() for o in others):
            end = sm.end()
        return start, end
