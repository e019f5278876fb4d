"""Conditions: signs and diseases the patient has, had or does not have, with an onset when stated."""

from __future__ import annotations

from dataclasses import replace

from ..model import Assertion, ConditionFact, Mention, MentionRole, RelativeTime
from .mentions import codings_of, surface
from .quantities import Quantities
from .sentence import Found, SentenceContext

__all__ = ["Conditions"]


class Conditions:
    def __init__(self, quantities: Quantities) -> None:
        self.q = quantities

    def run(self, ctx: SentenceContext, found: Found) -> None:
        store = found.conditions
        for m, a in ctx.asserted("conditions"):
            key = (m.concept.id, a)
            mention = Mention(m.start, m.end, ctx.text[m.start : m.end], MentionRole.HEAD)
            if key in store:
                old = store[key]
                store[key] = replace(old, mentions=(*old.mentions, mention))
                continue
            store[key] = ConditionFact(
                key=f"{m.concept.id}|{a.value}",
                text=surface(ctx.text, m),
                codings=codings_of(m.concept),
                cls=m.concept.cls or "sign",
                assertion=a,
                mentions=(mention,),
            )
        self._onsets(ctx, store)

    def _onsets(self, ctx: SentenceContext, store: dict[tuple[str, Assertion], ConditionFact]) -> None:
        """ "presented with vertigo for ten days": onset ten days before day 0 for the sentence's findings."""
        s = ctx.start
        dm = self.q.duration_re.search(ctx.folded, s, ctx.end)
        if not dm:
            return
        days = self.q.days(dm.group("n"), dm.group("u"))
        if days is None:
            return
        for key, c in list(store.items()):
            if c.assertion is not Assertion.PRESENT or c.onset is not None:
                continue
            if any(s <= mm.start < dm.start() for mm in c.mentions):
                store[key] = replace(c, onset=RelativeTime(ctx.text[dm.start() : dm.end()], -days, None))
