"""Medications: drugs given to the patient, with dose, route, frequency, start, duration and status.

The dosage words are read in the drug's own window (up to the next drug of the sentence); a drug
named with a "not given" phrase is recorded as not done, a stopped drug as stopped.
"""

from __future__ import annotations

import re

from ..mapping import MappingStore
from ..model import Assertion, MedicationFact, Mention, MentionRole, Quantity, RelativeTime
from ..text import norm_phrase, phrase_pattern
from .fastcopy import maker
from .fastcopy import replaced as replace
from .lexicon import Match
from .mentions import PAREN_ABBR, CodingsMemo, surface
from .quantities import Quantities, decimal_of, fmt_number
from .rules import MedicationRules
from .sentence import Found, SentenceContext
from .text import MAX_MENTIONS

__all__ = ["Medications"]

# made per drug mention and fact: the same objects as the classes make, at about half the price
_mention, _medication = maker(Mention), maker(MedicationFact)

_NOT_PATIENT = frozenset({Assertion.HYPOTHETICAL, Assertion.FAMILY, Assertion.OTHER})
# between a route word and the drug name: nothing, or "of" ("an infusion of insulin")
_ROUTE_GAP = re.compile(r"\s*(?:of\s+)?")


# compiled once: as a string given to ``re.fullmatch`` it was compiled again whenever the re module's
# cache had dropped it (a document's abbreviation patterns fill that cache)
_DOSE_GAP = re.compile(r"\s*(?:\([^()]{0,30}\)\s*)?[,:]?\s*(?:at\s+(?:a\s+)?(?:dose\s+of\s+)?)?\(?\s*")
# the same for the dose window's other small patterns, each applied to the same slice as before
_OF_NOUN = re.compile(r"\s+of\s+[a-z]")
_TWO_LETTERS = re.compile(r"[a-z]{2}")
_OF_THIS = re.compile(r"\)?\s*of\s+(?:[a-z.]+\s+){0,2}")
_FEW_WORDS = re.compile(r"\)?\s*(?:of\s+)?(?:[a-z.]+\s+){0,2}")
_PER_DAY_UNIT = re.compile(r"\s*(?:/\s*(?:day|d|24\s*h)|per\s+day|daily)$", re.IGNORECASE)


def _right_after(folded: str, drug: Match, pos: int) -> bool:
    """Whether the quantity at ``pos`` follows ``drug`` with nothing but a bracket, comma or "at" between
    ("prednisolone 60 mg", "aspirin (ASA), 100 mg", "heparin at 5000 IU"): that drug's dose. (The
    pattern has no lookaround or anchor: matched in place it answers as on the slice, without the copy.)"""
    return drug.end <= pos and _DOSE_GAP.fullmatch(folded, drug.end, pos) is not None


class Medications:
    # what ``run`` reads: with no such drug mention in a sentence it adds nothing (the engine skips it)
    needs = frozenset(("drugs", a) for a in Assertion if a not in _NOT_PATIENT)

    def __init__(self, rules: MedicationRules, quantities: Quantities, store: MappingStore) -> None:
        self.rules = rules
        self.q = quantities
        self._codings_of = CodingsMemo()
        routes = store.load("codes/routes")["rows"]
        freqs = store.load("codes/frequencies")["rows"]
        self.route_re = phrase_pattern(k for k in routes if k != "__default__")
        # "injected", "injection" name no route of their own: a coded route word after them says which
        self.uncoded_routes = frozenset(
            norm_phrase(k) for k, v in routes.items() if not (v or {}).get("code")
        )
        self.freq_re = phrase_pattern(k for k in freqs if k != "__default__")
        numbers = quantities.numbers
        # a later clause ("heparin was started after 800 mL ... was drained") owns its own quantities
        self.clause_break = phrase_pattern(numbers.dose_clause_breaks)
        self.divided = phrase_pattern(numbers.divided_words)
        self.word_dose = re.compile(
            rf"\s*,?\s*(?P<num>{quantities.number_words_re})\s+"
            r"(?P<unit>(?:milli|micro)?gram(?:me)?s?)(?!\w)"
        )

    def run(self, ctx: SentenceContext, found: Found) -> None:
        # Every drug mention bounds the dosage window of the one before it. A drug in the scope of a
        # negation ("no vaccination", "without any G-CSF") was not given: a not-done fact of its own, so
        # it never turns a given drug into a withheld one. A drug only hypothesised, or taken by a
        # relative, is no fact at all. The drug's own phrases ("was not given", "stopped") set the status.
        drugs = [m for m in ctx.mentions if m.concept.domain == "drugs"]
        assertion = {id(m): a for m, a in zip(ctx.mentions, ctx.assertions, strict=True)}
        for i, m in enumerate(drugs):
            a = assertion[id(m)]
            if a in _NOT_PATIENT:
                continue
            nxt = drugs[i + 1].start if i + 1 < len(drugs) else ctx.end
            self._add(ctx, found, m, nxt, drugs, negated=a is Assertion.NEGATED)

    def _add(
        self,
        ctx: SentenceContext,
        found: Found,
        m: Match,
        window_end: int,
        drugs: list[Match],
        *,
        negated: bool,
    ) -> None:
        store = found.medications
        text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
        c = m.concept
        head = _mention(m.start, m.end, text[m.start : m.end], MentionRole.HEAD)
        extra: list[Mention] = []
        dose: Quantity | None = None
        per_day = False
        route: str | None = None
        freq: str | None = None
        divided = False
        # skip an abbreviation in parentheses right after the name
        w_start = m.end
        pm = PAREN_ABBR.match(text, m.end)
        if pm and pm.end() <= window_end:
            w_start = pm.end()
        qm = None
        for cand in self.q.value_re.finditer(folded, w_start, window_end):
            if cand.start() - w_start > 40 or self.clause_break.search(folded, w_start, cand.start()):
                break
            # "800 mL of pleural fluid": a quantity followed by "of <noun>" measures that noun
            if _OF_NOUN.match(folded[cand.end() : e]):  # also "2 mg of <the next drug>"
                continue
            # "bupivacaine combined with 20 ug fentanyl": words part the quantity from this drug and
            # nothing parts it from the next one, so it is the next drug's dose written before its name
            if (
                window_end < e
                and not folded[cand.end() : window_end].strip()
                and _TWO_LETTERS.search(folded[w_start : cand.start()])
            ):
                break
            if not self.q.is_duration_unit(cand.group("unit")):
                qm = cand
                break
        if qm is None:
            # the dose written before the name: "60 mg prednisolone", "40 mg of intravenous furosemide"
            for cand in self.q.value_re.finditer(folded, max(s, m.start - 40), m.start):
                between = folded[cand.end() : m.start]
                if self.q.is_duration_unit(cand.group("unit")):
                    continue
                # a quantity right after another drug ("prednisolone 60 mg furosemide") is that drug's,
                # unless it says "<dose> of <this drug>"; "(13.5 g) intravenous calcium" is this one's
                of_this = _OF_THIS.fullmatch(between) is not None
                if _FEW_WORDS.fullmatch(between) and (
                    of_this or not any(_right_after(folded, d, cand.start()) for d in drugs if d is not m)
                ):
                    qm = cand
        dosage_bits: list[str] = []
        if qm is not None:
            unit = text[qm.start("unit") : qm.end("unit")]
            pd = _PER_DAY_UNIT.search(unit)
            if pd:
                unit = unit[: pd.start()]
                per_day = True
            else:
                per_day = False
            if qm.group("perkg"):
                unit = unit + "/kg"
            per_day = per_day or bool(qm.group("perday"))
            dose = Quantity(decimal_of(qm.group("num")), unit)
            extra.append(_mention(qm.start(), qm.end(), text[qm.start() : qm.end()], MentionRole.DOSE))
            dosage_bits.append(text[qm.start() : qm.end()])
            if qm.group("route"):
                route = qm.group("route")
                extra.append(
                    _mention(
                        qm.start("route"),
                        qm.end("route"),
                        text[qm.start("route") : qm.end("route")],
                        MentionRole.ROUTE,
                    )
                )
        if qm is None:
            # "ceftriaxone one gram intravenously": a mass written in words
            wm = self.word_dose.match(folded, w_start, window_end)
            value = self.q.number(wm.group("num")) if wm else None
            if wm is not None and value is not None:
                dose = Quantity(fmt_number(value), text[wm.start("unit") : wm.end("unit")])
                words = text[wm.start("num") : wm.end()]
                extra.append(_mention(wm.start("num"), wm.end(), words, MentionRole.DOSE))
                dosage_bits.append(words)
        rm = self.route_re.search(folded, m.start, m.end) or self.route_re.search(folded, w_start, window_end)
        if rm is not None and norm_phrase(rm.group(0)) in self.uncoded_routes:
            coded = [
                r
                for r in self.route_re.finditer(folded, rm.end(), window_end)
                if norm_phrase(r.group(0)) not in self.uncoded_routes
            ]
            rm = coded[0] if coded else rm
        if route is None and rm is None:
            # a route word written right before the name: "oral prednisolone", "an infusion of insulin"
            for back in self.route_re.finditer(folded, max(s, m.start - 24), m.start):
                if _ROUTE_GAP.fullmatch(folded, back.end(), m.start):
                    rm = back
            if rm is not None and norm_phrase(rm.group(0)) in self.uncoded_routes:
                # "intramuscular injection of X": the coded word before "injection" says which route
                for back in self.route_re.finditer(folded, max(s, rm.start() - 24), rm.start()):
                    if folded[back.end() : rm.start()].isspace() and norm_phrase(back.group(0)) not in (
                        self.uncoded_routes
                    ):
                        rm = back
        if route is None and rm is not None:
            route = rm.group(0)
            if not (m.start <= rm.start() < m.end):
                extra.append(
                    _mention(
                        rm.start(),
                        rm.end(),
                        text[rm.start() : rm.end()],
                        MentionRole.ROUTE,
                    )
                )
        fm = self.freq_re.search(folded, w_start, window_end)
        if fm:
            freq = fm.group(0)
            if qm is not None and per_day and self.divided.search(folded, qm.end(), fm.start()):
                # "0.6 mg/kg/d divided every 12 hours": the daily total and how it is split, as written
                dosage_bits[0] = text[qm.start() : fm.end()]
                divided = True
            elif qm is None or not (qm.start() <= fm.start() < qm.end()):
                dosage_bits.append(text[fm.start() : fm.end()])
            extra.append(
                _mention(
                    fm.start(),
                    fm.end(),
                    text[fm.start() : fm.end()],
                    MentionRole.FREQUENCY,
                )
            )
        duration = None
        dm = self.q.duration_re.search(folded, w_start, window_end)
        if dm:
            duration = self.q.days(dm.group("n"), dm.group("u"))
            dosage_bits.append(text[dm.start() : dm.end()])
            extra.append(_mention(dm.start(), dm.end(), text[dm.start() : dm.end()], MentionRole.DURATION))
        timing = None
        # the start phrase may follow the whole drug clause ("IVIg (...) was added on the sixth day")
        clause_end = e if m is drugs[-1] else window_end
        sm = self.q.start_re.search(folded, w_start, clause_end)
        if sm:
            day = self.q.start_day(sm)
            timing = RelativeTime(text[sm.start() : sm.end()], day, day + duration if duration else None)
            extra.append(_mention(sm.start(), sm.end(), text[sm.start() : sm.end()], MentionRole.START))
        # "for <condition>": the link step turns these offsets into the condition they name
        reasons = tuple(r.end() for r in self.rules.reason.finditer(folded, w_start, clause_end))
        status = "completed"
        if negated or self.rules.negation.search(folded, max(s, m.start - 30), clause_end):
            status = "not-done"
        tapered = bool(self.rules.taper.search(folded, m.end, clause_end))
        if self.rules.stop.search(folded, m.end, clause_end) and status != "not-done":
            status = "stopped" if not tapered else "completed"
        key = f"{c.id}|not-done" if negated else c.id
        if key in store:
            old = store[key]
            if tapered and old.timing is not None and old.timing.end_day is None:
                # "tapered over the following 2 weeks": the words support the regimen's timing
                fw = self.q.following_re.search(folded, m.end, e)
                if fw:
                    extra.append(
                        _mention(fw.start(), fw.end(), text[fw.start() : fw.end()], MentionRole.DURATION)
                    )
            store[key] = replace(
                old,
                mentions=(*old.mentions, head, *extra)[:MAX_MENTIONS],
                dose=old.dose or dose,
                dose_per_day=old.dose_per_day or (per_day and old.dose is None),
                divided=old.divided or (divided and old.dose is None),
                route=old.route or route,
                frequency=old.frequency or freq,
                timing=old.timing or timing,
                duration_days=old.duration_days or duration,
                tapered=old.tapered or tapered,
                status=status if status != "completed" else old.status,
                dosage_text=old.dosage_text or ("; ".join(dosage_bits) or None),
            )
            found.reason_offsets[key].append(reasons)
            return
        found.reason_offsets[key] = [reasons]
        store[key] = _medication(
            key=key,
            text=surface(text, m),
            codings=self._codings_of(c),
            mentions=(head, *extra),
            dose=dose,
            dose_per_day=per_day,
            divided=divided,
            route=route,
            frequency=freq,
            timing=timing,
            duration_days=duration,
            status=status,
            tapered=tapered,
            dosage_text="; ".join(dosage_bits) or None,
        )
