"""Family history: a condition the text attributes to a relative ("her mother had breast cancer").

ConText marks such mentions ``family`` and the other components leave them out of the patient's facts;
this component records them with the relative named in the same sentence (the nearest one), as
FamilyMemberHistory material. With no relative word in the sentence ("family history of diabetes"),
the relative is an unspecified family member. A negated family history ("no family history of diabetes",
"she denied a family history of ...") is no FamilyMemberHistory at all: ConText ranks ``family`` above
``negated``, so the negation is looked for here, in the words before the condition back to a clause break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import MappingError
from ..model import Assertion, FamilyFact, Mention, MentionRole
from ..text import alternation, phrase_pattern
from ..wordstart import compile_word_start
from .mentions import codings_of, surface
from .rules import RuleData
from .sentence import Found, SentenceContext

__all__ = ["Family", "FamilyRules"]


@dataclass(frozen=True, slots=True)
class FamilyRules:
    relatives: tuple[tuple[str, str, re.Pattern[str]], ...]  # (code, display, pattern)
    negation: re.Pattern[str]
    breaks: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> FamilyRules:
        rows = data.table("relatives", dict)
        out = []
        for name, row in rows.items():
            if not isinstance(row, dict) or not row.get("words") or not row.get("code"):
                raise MappingError(f"{data.name}.json: relatives.{name} needs code, display and words")
            pat = compile_word_start(r"(?<!\w)(?:" + alternation(row["words"]) + r")(?!\w)")
            out.append((str(row["code"]), str(row.get("display") or name), pat))
        return cls(
            tuple(out),
            phrase_pattern(data.words("negation_words")),
            re.compile(r"[;]|(?<!\w)(?:" + alternation(data.words("negation_breaks")) + r")(?!\w)"),
        )


class Family:
    # ``run`` reads only the conditions ConText gives to a relative (the engine skips other sentences)
    needs = frozenset({("conditions", Assertion.FAMILY)})

    def __init__(self, rules: FamilyRules) -> None:
        self.rules = rules

    def _negated(self, ctx: SentenceContext, at: int) -> bool:
        """A negation word between the last clause break before ``at`` and ``at``."""
        lo = ctx.start
        for b in self.rules.breaks.finditer(ctx.folded, ctx.start, at):
            lo = b.end()
        return self.rules.negation.search(ctx.folded, lo, at) is not None

    def run(self, ctx: SentenceContext, found: Found) -> None:
        for m, a in zip(ctx.mentions, ctx.assertions, strict=True):
            if a is not Assertion.FAMILY or m.concept.domain != "conditions":
                continue
            if self._negated(ctx, m.start):
                continue
            best: tuple[int, str, str, Mention] | None = None
            for code, display, pat in self.rules.relatives:
                for r in pat.finditer(ctx.folded, ctx.start, ctx.end):
                    dist = min(abs(r.start() - m.end), abs(m.start - r.end()))
                    if best is None or dist < best[0]:
                        words = ctx.text[r.start() : r.end()]
                        best = (
                            dist,
                            code,
                            display,
                            Mention(r.start(), r.end(), words, MentionRole.RELATIONSHIP),
                        )
            head = Mention(m.start, m.end, ctx.text[m.start : m.end], MentionRole.HEAD)
            code, display, rel_mentions = (
                (best[1], best[2], (best[3],)) if best else ("FAMMEMB", "family member", ())
            )
            found.family.append(
                FamilyFact(
                    key=f"{m.concept.id}|{code}",
                    text=surface(ctx.text, m),
                    codings=codings_of(m.concept),
                    relationship=code,
                    relationship_display=display,
                    mentions=(head, *rel_mentions),
                )
            )
