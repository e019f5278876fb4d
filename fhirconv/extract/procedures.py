"""Procedures: surgery and therapy named in the text, done or reported as not done."""

from __future__ import annotations

from dataclasses import replace

from ..model import Assertion, Coding, Mention, MentionRole, ProcedureFact
from .rules import ProcedureRules
from .sentence import Found, ProcedureCandidate, SentenceContext
from .text import MAX_MENTIONS

__all__ = ["Procedures"]


class Procedures:
    def __init__(self, rules: ProcedureRules) -> None:
        self.rules = rules

    def run(self, ctx: SentenceContext, found: Found) -> None:
        for i, (m, a) in enumerate(ctx.asserted("procedures")):
            done = a is not Assertion.NEGATED and not self.rules.not_performed.search(
                ctx.folded, m.end, ctx.end
            )
            status = "completed" if done else "not-done"
            found.procedures.append(ProcedureCandidate((ctx.index, 1, i), m.start, m.end, m, None, status))

    @staticmethod
    def merge(text: str, candidates: list[ProcedureCandidate]) -> list[ProcedureFact]:
        """One fact per (concept, status), mentions in reading order."""
        store: dict[tuple[str, str], ProcedureFact] = {}
        for c in sorted(candidates, key=lambda c: c.order):
            if c.match is not None:
                concept = c.match.concept
                concept_id = concept.id
                codings = tuple(Coding(s, k, d) for s, k, d in concept.codings)
                category = "surgical" if concept.cls == "surgical" else "therapeutic"
            else:
                assert c.test is not None
                concept_id, codings, category = c.test.concept_id, c.test.codings, "diagnostic"
            key = (concept_id, c.status)
            mention = Mention(c.start, c.end, text[c.start : c.end], MentionRole.HEAD)
            if key in store:
                old = store[key]
                store[key] = replace(old, mentions=(*old.mentions, mention)[:MAX_MENTIONS])
                continue
            store[key] = ProcedureFact(
                f"{concept_id}|{c.status}", text[c.start : c.end], codings, category, (mention,), c.status
            )
        return list(store.values())
