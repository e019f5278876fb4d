"""Procedures: surgery and therapy named in the text, done or reported as not done."""

from __future__ import annotations

import re

from ..model import Assertion, Coding, Mention, MentionRole, ProcedureFact
from .fastcopy import maker
from .fastcopy import replaced as replace
from .rules import ProcedureRules
from .sentence import NOT_PATIENT_FACTS, Found, ProcedureCandidate, SentenceContext
from .text import MAX_MENTIONS

__all__ = ["Procedures"]

# made per procedure mention and fact: the same objects as the classes make, at about half the price
_mention, _procedure = maker(Mention), maker(ProcedureFact)

_CLAUSE_END = re.compile(r"[;,.()]")
_MAX_REASON = 120  # characters of the reason phrase at most


class Procedures:
    # what ``run`` reads: with no such mention in a sentence it adds nothing (the engine skips it)
    needs = frozenset(("procedures", a) for a in Assertion if a not in NOT_PATIENT_FACTS)

    def __init__(self, rules: ProcedureRules) -> None:
        self.rules = rules

    def run(self, ctx: SentenceContext, found: Found) -> None:
        for i, (m, a) in enumerate(ctx.asserted("procedures")):
            done = a is not Assertion.NEGATED and not self.rules.not_performed.search(
                ctx.folded, m.end, ctx.end
            )
            status = "completed" if done else "not-done"
            reason = None if done else self._reason(ctx, m.end)
            found.procedures.append(
                ProcedureCandidate((ctx.index, 1, i), m.start, m.end, m, None, status, reason)
            )

    def _reason(self, ctx: SentenceContext, after: int) -> str | None:
        """Why it was not done, when the sentence says so after the procedure: "because of
        thrombocytopenia", "as the patient declined". The words from the cue to the end of its clause;
        None when the text gives no reason (a reason before the mention may belong to another act)."""
        cue = self.rules.not_done_reason.search(ctx.folded, after, ctx.end)
        if cue is None:
            return None
        end = _CLAUSE_END.search(ctx.folded, cue.end(), ctx.end)
        stop = min(end.start() if end else ctx.end, cue.start() + _MAX_REASON)
        words = " ".join(ctx.text[cue.start() : stop].split())
        return words or None

    @staticmethod
    def merge(text: str, candidates: list[ProcedureCandidate]) -> list[ProcedureFact]:
        """One fact per (concept, status), mentions in reading order."""
        store: dict[tuple[str, str], ProcedureFact] = {}
        for c in sorted(candidates, key=lambda c: c.order):
            if c.match is not None:
                concept_id = c.match.concept.id
            else:
                assert c.test is not None
                concept_id = c.test.concept_id
            key = (concept_id, c.status)
            mention = _mention(c.start, c.end, text[c.start : c.end], MentionRole.HEAD)
            if key in store:
                old = store[key]
                store[key] = replace(
                    old,
                    mentions=(*old.mentions, mention)[:MAX_MENTIONS],
                    status_reason=old.status_reason or c.reason,
                )
                continue
            # (the codings and category only for a new fact: a repeated mention keeps the first's)
            if c.match is not None:
                concept = c.match.concept
                codings = tuple(Coding(s, k, d) for s, k, d in concept.codings)
                category = "surgical" if concept.cls == "surgical" else "therapeutic"
            else:
                assert c.test is not None
                codings, category = c.test.codings, "diagnostic"
            store[key] = _procedure(
                f"{concept_id}|{c.status}",
                text[c.start : c.end],
                codings,
                category,
                (mention,),
                c.status,
                status_reason=c.reason,
            )
        return list(store.values())
