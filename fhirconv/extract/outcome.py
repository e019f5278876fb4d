"""Outcome: the patient's final state (died, resolved, remission, improved, worsened)."""

from __future__ import annotations

from ..model import Mention, MentionRole, OutcomeFact
from .prefilter import AnyOf
from .rules import OUTCOME_RANK, OutcomeRules
from .sentence import Found, SentenceContext

__all__ = ["Outcomes"]


class Outcomes:
    def __init__(self, rules: OutcomeRules, any_phrase: AnyOf | None = None) -> None:
        self.rules = rules
        # shared with the mention finder, which asks the same of each sentence first
        self._any_phrase = any_phrase or AnyOf([pat for _, pat in rules.phrases])

    def run(self, ctx: SentenceContext, found: Found) -> None:
        new = self._sentence(ctx)
        if new is not None:
            found.outcome = _merge(found.outcome, new)

    def _sentence(self, ctx: SentenceContext) -> OutcomeFact | None:
        """The strongest outcome phrase of the sentence (ties: the longer phrase)."""
        text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
        if not self._any_phrase.search(folded, s, e):
            return None
        best: tuple[int, int, str] | None = None
        # the names of tests and drugs: "recovery of renal function" says how a value went
        names = {t.start for t in ctx.tests} | {m.start for m in ctx.mentions if m.concept.domain == "drugs"}
        # "the postoperative course was uneventful": a test's result (course.py), not an outcome; "his
        # condition worsened" states the patient's overall state, which is the outcome too
        taken = [
            t.value_span for t in ctx.tests if t.value_span is not None and t.value is None and not t.state
        ]
        for kind, pat in self.rules.phrases:
            for m in pat.finditer(folded, s, e):
                before = folded[max(s, m.start() - 25) : m.start()]
                if self.rules.negated.search(before):
                    continue
                if self.rules.other_person.search(folded, max(s, m.start() - 60), m.start()):
                    continue
                of = self.rules.of_what.match(folded, m.end(), e)
                if kind != "died" and of is not None and of.end() in names:
                    continue
                if kind != "died" and any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                if (
                    best is None
                    or OUTCOME_RANK[kind] > OUTCOME_RANK[best[2]]
                    or (
                        OUTCOME_RANK[kind] == OUTCOME_RANK[best[2]]
                        and m.end() - m.start() > best[1] - best[0]
                    )
                ):
                    best = (m.start(), m.end(), kind)
        if best is None:
            return None
        ms, me, kind = best
        return OutcomeFact(kind, text[s:e].strip(), (Mention(ms, me, text[ms:me], MentionRole.OUTCOME),))


def _merge(old: OutcomeFact | None, new: OutcomeFact) -> OutcomeFact:
    """The outcome is the final state: death wins wherever it is said; otherwise the last statement."""
    if old is None:
        return new
    if old.kind == "died" and new.kind != "died":
        return old
    if new.kind == "died" and old.kind == "died":
        return OutcomeFact("died", f"{old.text} {new.text}", (*old.mentions, *new.mentions))
    return new
