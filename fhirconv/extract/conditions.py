"""Conditions: signs and diseases the patient has, had or does not have, with an onset when stated.

Besides the lexicon mention and its ConText assertion, a condition's own words decide:
- an absence word ("afebrile") is the refuted condition it denies ("fever"), and after a state change
  ("became afebrile") it closes that condition instead of creating a new one;
- a resolution ("the rash resolved", "resolution of the rash") closes the condition it names;
- a dated past ("myocardial infarction 15 years earlier") is past history: inactive, with its onset,
  and normalisation gives it its history code, never the acute one (``Normalizer.condition_codings``).
"""

from __future__ import annotations

import re

from ..model import Assertion, ConditionFact, Mention, MentionRole, RelativeTime
from ..text import fold, norm_phrase
from .fastcopy import maker
from .fastcopy import replaced as replace
from .finding_phrase import Composer
from .lexicon import Concept, Lexicon, Match
from .mentions import CodingsMemo, surface
from .quantities import Quantities
from .rules import ConditionRules
from .sentence import NOT_PATIENT_FACTS, Found, SentenceContext
from .text import MAX_MENTIONS

# made per mention: the same objects as the classes make, at about half the price (fastcopy.maker)
_mention, _match, _condition = maker(Mention), maker(Match), maker(ConditionFact)

__all__ = ["Conditions"]

_CLAUSE_BOUNDARY = re.compile(r"[;:(),]|\b(?:and|but|while|whereas|which|when|after|before)\b")
_OPEN = (Assertion.PRESENT, Assertion.UNCERTAIN)
# (asked of every mention: an enum member read off its class costs a call, a module name does not)
_PRESENT, _NEGATED, _HISTORICAL = Assertion.PRESENT, Assertion.NEGATED, Assertion.HISTORICAL
_LIST_GLUE = re.compile(r"\s*,?\s*(?:(?:and|or)\s+)?(?:(?:the|her|his|their)\s+)?")
_ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
# how far from a negated mention a ruled-out cue may stand (characters before, after)
_RULED_OUT_BEFORE, _RULED_OUT_AFTER = 80, 60


class Conditions:
    # ``run`` changes nothing in a sentence without a condition mention of one of these (domain,
    # assertion) pairs: every fact comes from such a mention, and the onset rule only dates facts with a
    # mention in the sentence (the engine skips the other sentences: tests/extract/test_component_skip.py)
    needs = frozenset(("conditions", a) for a in Assertion if a not in NOT_PATIENT_FACTS)

    def __init__(
        self, rules: ConditionRules, quantities: Quantities, lexicon: Lexicon, composer: Composer
    ) -> None:
        self.rules = rules
        self.composer = composer
        self.q = quantities
        self._codings_of = CodingsMemo()
        # False: ``_onsets`` walks every stored fact (the way tests/extract/test_onset_reach.py compares)
        self.reach_shortcut = True
        self.history = re.compile(
            rf"(?<!\w)(?P<n>{quantities.qty_words})\s+(?P<u>{quantities.time_unit_words})\s+"
            rf"(?:{rules.history_words})(?!\w)"
        )
        # what every match of ``history`` holds ("ago", "earlier", ...): most sentences have none, and
        # this finds that faster than the number-first ``history`` scan (tests/extract/test_first_told.py)
        self.history_gate = re.compile(rf"(?:{rules.history_words})(?!\w)")
        # the condition each absence word denies, as the lexicon knows it
        self.absent: dict[str, Concept] = {}
        for word, target in rules.absence_terms.items():
            found = [
                m
                for m in lexicon.match(target, fold(target), 0, len(target))
                if m.concept.domain == "conditions" and m.start == 0 and m.end == len(target)
            ]
            if found:
                self.absent[word] = found[0].concept

    def run(self, ctx: SentenceContext, found: Found) -> None:
        store = found.conditions
        # (read once: the loop below asks them of every mention)
        text, folded, s, e, rules = ctx.text, ctx.folded, ctx.start, ctx.end, self.rules
        dated = self._dated_history(ctx)
        asserted = ctx.asserted("conditions")  # (a new list)
        touched: list[tuple[str, Assertion]] = []  # the keys of the facts this sentence tells
        told = touched.append
        for i, (m, a) in enumerate(asserted):
            words = norm_phrase(folded[m.start : m.end])
            before = folded[max(s, m.start - 40) : m.start]
            absence = words in rules.absence_terms
            if not absence:
                # the finding with its modifiers and site ("multiple cavitating nodules in the lungs")
                cs, ce = self.composer.compose(folded, s, e, m, ctx.mentions)
                mention = _mention(cs, ce, text[cs:ce], MentionRole.HEAD)
                m_words = _match(cs, ce, m.concept, m.expansion)
            else:
                # (the mention is made only where it is kept: building one costs a microsecond)
                mention = _mention(m.start, m.end, text[m.start : m.end], MentionRole.HEAD)
                m_words = m
            if absence:
                target = self.absent.get(words)
                if target is None or a is not _PRESENT:
                    continue  # "not afebrile", or a denied condition the lexicon lacks: say nothing
                if rules.state_change.search(before):
                    told(self._close(ctx, store, target, mention, words))
                    continue
                told(self._add(store, _match(m.start, m.end, target), _NEGATED, mention, target.display))
                continue
            if a is _PRESENT and rules.absence_after.match(folded, m.end, e):
                # "angina-free", "remained seizure free": the condition is absent (closed after a change)
                if rules.state_change.search(before):
                    told(self._close(ctx, store, m.concept, mention, None, m))
                else:
                    told(self._add(store, m, _NEGATED, mention, m, text))
                continue
            # "fever and rash resolved": the resolution follows the list the condition opens
            list_end = m.end
            for later, _ in asserted[i + 1 :]:
                if not _LIST_GLUE.fullmatch(folded, list_end, later.start):
                    break
                list_end = later.end
            resolved = a in _OPEN and (
                rules.resolution_after.match(folded, list_end, e) is not None
                or rules.resolution_before.search(before) is not None
            )
            if resolved:
                told(self._close(ctx, store, m.concept, mention, None, m_words))
                continue
            if a is _PRESENT and self._comorbidity(ctx, m):
                told(self._add(store, m, _HISTORICAL, mention, m_words, text))
                continue
            history = dated.get(m.start) if a is _PRESENT else None
            if history is not None:
                phrase, days = history
                onset = RelativeTime(phrase, -days, None)
                told(self._add(store, m, _HISTORICAL, mention, m_words, text, onset=onset, status="inactive"))
                continue
            if a is _NEGATED and self._negated_cause(ctx, m):
                continue
            past = a is _NEGATED and ctx.is_past(m)
            excluded = a is _NEGATED and self._ruled_out(ctx, m)
            told(self._add(store, m, a, mention, m_words, text, past=past, ruled_out=excluded))
        self._onsets(ctx, store, touched, found)

    def _add(
        self,
        store: dict[tuple[str, Assertion], ConditionFact],
        m: Match,
        a: Assertion,
        mention: Mention,
        named: str | Match,
        source: str = "",
        *,
        onset: RelativeTime | None = None,
        status: str | None = None,
        past: bool = False,
        ruled_out: bool = False,
    ) -> tuple[str, Assertion]:
        """A new fact of ``m``'s concept, or one more mention of the one already told (its key is
        returned). Its text is ``named`` itself, or the surface of the match ``named`` in ``source``:
        made only for a new fact (a repeated condition keeps the text it was first told with)."""
        key = (m.concept.id, a)
        old = store.get(key)
        if old is not None:
            # past history only while every mention says so: a denied symptom today stays a finding;
            # excluded once is a diagnosis that was considered
            store[key] = replace(
                old,
                mentions=(*old.mentions, mention)[:MAX_MENTIONS],
                past=old.past and past,
                ruled_out=old.ruled_out or ruled_out,
            )
            return key
        store[key] = _condition(
            key=f"{m.concept.id}|{a.value}",
            text=named if isinstance(named, str) else surface(source, named),
            codings=self._codings_of(m.concept),
            cls=m.concept.cls or "sign",
            assertion=a,
            mentions=(mention,),
            onset=onset,
            clinical_status=status,
            past=past,
            ruled_out=ruled_out,
        )
        return key

    def _close(
        self,
        ctx: SentenceContext,
        store: dict[tuple[str, Assertion], ConditionFact],
        concept: Concept,
        mention: Mention,
        absence_word: str | None,
        m: Match | None = None,
    ) -> tuple[str, Assertion]:
        """The condition is over: the open fact of that concept is resolved (a new one when none); its
        key is returned."""
        abatement = ctx.text[ctx.start : ctx.end].strip()
        for a in _OPEN:
            old = store.get((concept.id, a))
            if old is not None:
                store[(concept.id, a)] = replace(
                    old,
                    mentions=(*old.mentions, mention)[:MAX_MENTIONS],
                    clinical_status="resolved",
                    abatement=abatement,
                )
                return (concept.id, a)
        self._add(
            store,
            m or _match(mention.start, mention.end, concept),
            Assertion.PRESENT,
            mention,
            m if m is not None else concept.display,
            ctx.text,
            status="resolved",
        )
        fact = store[(concept.id, Assertion.PRESENT)]
        store[(concept.id, Assertion.PRESENT)] = replace(fact, abatement=fact.abatement or abatement)
        del absence_word
        return (concept.id, Assertion.PRESENT)

    def _comorbidity(self, ctx: SentenceContext, m: Match) -> bool:
        """A disease named with the patient before the presenting verb: "a woman with diabetes
        presented with ...", "a diabetic man complained of ...". Signs stay: "a woman with dysphagia
        presented" names the complaint (a sign without an ICD-10-CM code outside chapter R)."""
        if m.concept.cls != "disease" and not any(
            system == _ICD10CM and not code.startswith("R") for system, code, _ in m.concept.codings
        ):
            return False
        r = self.rules
        after = r.presenting.search(ctx.folded, m.end, ctx.end)
        if after is None:
            return False
        if r.comorbidity_noun.match(ctx.folded, m.end, ctx.end) and not r.presenting.search(
            ctx.folded, ctx.start, m.start
        ):
            return True
        opener = None
        for om in r.comorbidity_with.finditer(ctx.folded, ctx.start, m.start):
            opener = om
        return opener is not None and r.presenting.search(ctx.folded, opener.end(), m.start) is None

    def _negated_cause(self, ctx: SentenceContext, m: Match) -> bool:
        """A negated mention named as the effect: "no cause of the fever was found", "other causes of
        anaemia were excluded", "no symptoms of hypercalcaemia". What is denied is the cause or the
        symptoms; the condition itself is neither refuted nor asserted here, so nothing is said."""
        s = max(ctx.start, m.start - _RULED_OUT_BEFORE)
        return self.rules.effect_before.search(ctx.folded, s, m.start) is not None

    def _ruled_out(self, ctx: SentenceContext, m: Match) -> bool:
        """A ruled-out cue near the mention in its sentence: "meningitis was excluded"."""
        s, e = max(ctx.start, m.start - _RULED_OUT_BEFORE), min(ctx.end, m.end + _RULED_OUT_AFTER)
        return self.rules.ruled_out.search(ctx.folded, s, e) is not None

    def _dated_history(self, ctx: SentenceContext) -> dict[int, tuple[str, float]]:
        """Mention starts in a clause dated at least ``history_min_days`` back: "15 years earlier".

        A clause that says the condition began then ("3 years ago she noticed a lump") dates an onset
        of what is still there, not a past condition: it is left to the onset rule.
        """
        out: dict[int, tuple[str, float]] = {}
        if self.history_gate.search(ctx.folded, ctx.start, ctx.end) is None:
            return out
        for hm in self.history.finditer(ctx.folded, ctx.start, ctx.end):
            days = self.q.days(hm.group("n"), hm.group("u"))
            if days is None or days < self.rules.history_min_days:
                continue
            cs = ctx.start
            for b in _CLAUSE_BOUNDARY.finditer(ctx.folded, ctx.start, hm.start()):
                cs = b.end()
            nb = _CLAUSE_BOUNDARY.search(ctx.folded, hm.end(), ctx.end)
            ce = nb.start() if nb else ctx.end
            if self.rules.onset_verbs.search(ctx.folded, cs, ce):
                continue
            phrase = ctx.text[hm.start() : hm.end()]
            for m in ctx.mentions:
                if m.concept.domain == "conditions" and cs <= m.start and m.end <= ce:
                    out.setdefault(m.start, (phrase, days))
        return out

    def _onsets(
        self,
        ctx: SentenceContext,
        store: dict[tuple[str, Assertion], ConditionFact],
        touched: list[tuple[str, Assertion]],
        found: Found,
    ) -> None:
        """ "presented with vertigo for ten days": onset ten days before day 0 for the sentence's findings.

        Only a fact whose last mention starts in the sentence or later can take the onset. Before this
        sentence no stored fact's last mention started after ``found.condition_reach``; a fact this
        sentence did not tell still has that last mention. So where the reach lies before the sentence,
        the facts this sentence told are the only ones to look at: the same facts as the whole store,
        without a walk over every fact of the report for every dated sentence (quadratic in a long
        report). Elsewhere (``reach_shortcut`` off: the way the tests compare), the whole store.
        """
        s = ctx.start
        reach = last = found.condition_reach
        for key in touched:  # (a loop: one or two keys a sentence, no generator made)
            at = store[key].mentions[-1].start
            if at > last:
                last = at
        found.condition_reach = last
        dm = self.q.duration_re.search(ctx.folded, s, ctx.end)
        if not dm:
            return
        days = self.q.days(dm.group("n"), dm.group("u"))
        if days is None:
            return
        keys = dict.fromkeys(touched) if reach < s and self.reach_shortcut else [k for k in store]
        for key in keys:
            c = store[key]
            # mentions are added in reading order: one whose last mention is before this sentence has
            # none in it (without scanning up to MAX_MENTIONS of them for every fact, every sentence)
            if c.assertion is not Assertion.PRESENT or c.onset is not None or c.mentions[-1].start < s:
                continue
            if self.rules.reached_states.search(fold(c.text)):
                continue  # "asymptomatic for two years": reached after the illness, not before day 0
            if any(s <= mm.start < dm.start() for mm in c.mentions):
                store[key] = replace(c, onset=RelativeTime(ctx.text[dm.start() : dm.end()], -days, None))
