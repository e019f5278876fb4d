"""Procedures named by composition: a head noun of treatment after the thing it treats or a modifier.

No lexicon lists every treatment by what it treats: "heart failure therapy", "atrial septal defect (ASD)
closure" and "tuberculosis treatment" are a condition followed by a procedure head, and "adjuvant
therapy", "medical management" and "intensive care treatment" a modifier followed by one. Each is one
procedure mention spanning both; the condition inside it is no condition of its own (the modifier-head
filter of ``MentionFinder`` already drops a condition so followed). The heads and modifiers are closed
lists in ``rules/extraction.json`` (``procedure_heads``, ``procedure_modifiers``): a drug before a head
("bosentan therapy") stays a drug, since no drug name is a modifier.

Two more readings of operative prose live here because they, too, decide which words are a procedure:
a passive participle of ``procedure_passives`` tells the surgical act ("the fascia was closed", "the
pericardium was opened": the narrative of an operation names its steps by their verbs), and a procedure
word glued to a test only says which test ("post-embolization angiography", "fasting blood sugar").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import MappingError
from ..text import alternation, norm_phrase
from ..wordstart import compile_word_start
from .lexicon import Concept, Match
from .rules import RuleData

__all__ = ["ProcedureComposer", "attributive_procedures"]

# "atrial septal defect (ASD) closure": the abbreviation the text gives the condition may stand between
_ABBR = r"(?:\s*\(\s*[A-Za-z][A-Za-z0-9-]{0,9}\s*\))?"
_DRUG_BASED = re.compile(r"\s*(?:based|containing)\s+")


@dataclass(frozen=True, slots=True)
class ProcedureComposer:
    after_condition: re.Pattern[str]  # a head right after a condition mention
    modified: re.Pattern[str]  # one or two modifiers and a head of treatment
    surgical: frozenset[str]  # heads that make the procedure surgical, not therapeutic
    # "the thoracotomy was closed in layers", "the pericardium was opened": the act told by its verb
    passive: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> ProcedureComposer:
        heads = data.groups("procedure_heads")
        if set(heads) != {"surgical", "therapeutic"}:
            raise MappingError(
                "rules/extraction.json: procedure_heads must have the groups surgical and therapeutic"
            )
        every = alternation((*heads["surgical"], *heads["therapeutic"]))
        mods = alternation(data.words("procedure_modifiers"))
        return cls(
            after_condition=re.compile(_ABBR + rf"\s+(?P<head>{every})(?!\w)", re.IGNORECASE),
            modified=re.compile(
                rf"(?<!\w)(?:(?:{mods})\s+){{1,2}}(?P<head>{alternation(heads['therapeutic'])})(?!\w)"
            ),
            surgical=frozenset(norm_phrase(w) for w in heads["surgical"]),
            passive=compile_word_start(
                r"(?<!\w)(?:was|were|been)\s+(?:(?:then|subsequently|also|carefully|primarily|surgically|"
                rf"successfully|completely|partially)\s+)?(?P<verb>{alternation(data.words('procedure_passives'))})(?!\w)"
            ),
        )

    def compose(self, text: str, folded: str, s: int, e: int, matches: list[Match]) -> list[Match]:
        """``matches`` plus the composed procedures; a match inside a composed one gives way to it."""
        found: list[Match] = []
        for m in matches:
            if m.concept.domain != "conditions":
                continue
            hm = self.after_condition.match(text, m.end, e)
            if hm is None:
                continue
            # "pain treatment": the treatment of a sign is a drug given for it; "mass excision" is surgery
            if m.concept.cls == "disease" or norm_phrase(hm.group("head")) in self.surgical:
                found.append(self._procedure(text, folded, m.start, hm.end(), hm.group("head")))
        for pm in self.passive.finditer(folded, s, e):
            vs, ve = pm.span("verb")
            found.append(
                Match(vs, ve, Concept("procedures", f"act:{folded[vs:ve]}", text[vs:ve], "surgical", ()))
            )
        drug_ends = [m.end for m in matches if m.concept.domain == "drugs"]
        for cm in self.modified.finditer(folded, s, e):
            if any(f.start <= cm.start() < f.end for f in found):
                continue
            # "cyclophosphamide-based immunosuppressive therapy": a regimen of the drug named before it
            if any(_DRUG_BASED.fullmatch(folded, d, cm.start()) for d in drug_ends if d <= cm.start()):
                continue
            found.append(self._procedure(text, folded, cm.start(), cm.end(), cm.group("head")))
        # a lexicon procedure that covers the words already names them ("conservative management")
        found = [
            f
            for f in found
            if not any(
                m.concept.domain == "procedures" and m.start <= f.start and f.end <= m.end for m in matches
            )
        ]
        if not found:
            return matches
        kept = [m for m in matches if not any(f.start <= m.start and m.end <= f.end for f in found)]
        # a mention reaching across the edge of a composed one was read first: it stays, whole
        found = [f for f in found if not any(k.start < f.end and f.start < k.end for k in kept)]
        return sorted([*kept, *found], key=lambda x: (x.start, -(x.end - x.start)))

    def _procedure(self, text: str, folded: str, start: int, end: int, head: str) -> Match:
        words = norm_phrase(folded[start:end])
        cls = "surgical" if norm_phrase(head) in self.surgical else "therapeutic"
        return Match(
            start, end, Concept("procedures", f"comp:{words}", " ".join(text[start:end].split()), cls, ())
        )


_GLUED = re.compile(r"[\s-]{1,3}")


def attributive_procedures(folded: str, matches: list[Match]) -> list[Match]:
    """A procedure right before a test names which test it is ("post-embolization angiography",
    "fasting blood sugar"), not a procedure of its own."""
    out: list[Match] = []
    for i, m in enumerate(matches):
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        if (
            m.concept.domain == "procedures"
            and nxt is not None
            and nxt.concept.domain == "tests"
            and _GLUED.fullmatch(folded, m.end, nxt.start)
        ):
            continue
        out.append(m)
    return out
