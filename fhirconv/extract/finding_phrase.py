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

# the word before a position, and the one before it ("low attenuation" is "low-attenuation" folded)
_WORD_BEFORE = re.compile(r"(?:([a-z]+)\s+)?([a-z]+)\s+$")
_MAX_BEFORE = 3  # modifier words taken before a head
_ADJECTIVE_ENDINGS = ("ed", "ic", "ous", "ive", "al", "ar", "ful", "ble", "ile", "ent", "ant", "ing")


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
            wm = _WORD_BEFORE.search(folded, max(s, start - 40), start)
            if wm is None:
                break
            if wm.group(1) and f"{wm.group(1)} {wm.group(2)}" in self.modifiers:
                ws = wm.start(1)
            elif wm.group(2) in self.modifiers:
                ws = wm.start(2)
            else:
                break
            if any(o is not m and o.start < start and ws < o.end for o in others):
                break  # a mention of its own ("painful" is a finding) is not this one's modifier
            start = ws
        sm = self.site.match(folded, end, e)
        if sm is not None and not any(o is not m and end <= o.start < sm.end() for o in others):
            end = sm.end()
        return start, end
