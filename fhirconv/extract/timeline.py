"""Timeline: one model of the episode, and a time for every fact the text dates.

Day 0 is the presentation. Each patient sentence is read in order for time expressions (anchors):
absolute days ("on the sixth day", "hospital day 3"), days relative to a named anchor ("postoperative
day 3", "on the third day of IVIg", "two weeks after admission") or to the running anchor of the
narrative ("two days later", "the next day", "after 3 months"), past times ("22 years earlier", "at the
age of 30") and stretches ("within eight weeks", "during the next two weeks"). Forward anchors move the
running anchor; past times and stretches date only their own sentence. The step runs after the link
step because "the third day of IVIg" is counted from the day the drug was started.

A fact takes the nearest dated anchor of its sentence, else the running anchor; a condition takes only
an anchor of its own sentence (a symptom named at presentation began before it), and never the running
anchor. When the text says nothing, the fact gets no time: precision first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import (
    Extraction,
    MedicationFact,
    MentionRole,
    RelativeTime,
    TimeAnchor,
)
from ..normalize.dates import DAYS_PER_YEAR, inclusive_end
from ..text import fold
from .fastcopy import replaced as replace
from .prefilter import AnyOf
from .quantities import Quantities
from .rules import OutcomeRules
from .text import Sentence
from .timeline_rules import TimelineRules
from .timeline_util import (
    State,
    When,
    age_years,
    any_within,
    calendar_date,
    condition_time,
    drug_starts,
    home_medication,
    resolution_time,
    sentence_finder,
    subject_of,
    timed,
)

__all__ = ["Timeline"]

_MOVING = frozenset({"presentation", "day", "relative", "next", "same", "follow-up", "drug-day"})


class Timeline:
    def __init__(
        self,
        rules: TimelineRules,
        quantities: Quantities,
        outcome_rules: OutcomeRules,
        taper: re.Pattern[str],
        stopping: tuple[re.Pattern[str], ...] = (),
    ) -> None:
        self.rules = rules
        self.taper = taper
        # words of a later sentence that only stops a home medication or blames it for a reaction
        self.stopping = stopping
        # (made after 48 questions, two or three reports: before the literal gates' first settling even
        # when the first documents are short, so that its gate is measured and kept -- made later, it
        # went ungated in every process; a single report of 48 sentences or more pays its compile)
        self._any_time = AnyOf(rules.time_gate, warm_up=48)
        self.q = quantities
        self.outcome_rules = outcome_rules
        self.eager_surgery = False  # (the tests' way: every dated sentence searched for an operation)
        self.year_check = True  # False: every sentence is searched for calendar dates (the tests' way)

    # ------------------------------------------------------------------ table columns
    def column_time(self, header: str, zero_words: re.Pattern[str]) -> RelativeTime | None:
        """The time a table column header names ("Day 3", "Hospital day 2", "On admission", "2 weeks
        later"), counted as the narrative counts it from the presentation; None when the header names no
        time or a time the table alone cannot place (a discharge, a day after an operation)."""
        folded = fold(header)
        words = folded.split()
        if not words or len(words) > 8:
            return None
        phrase = " ".join(header.split())
        probe = "on " + " ".join(words)
        for kind, pat in self.rules.patterns:
            m = pat.search(probe)
            if m is None:
                continue
            a = self._resolve(kind, m, 0.0, State(), [], None)
            if a is not None and a[1] is not None and a[0] not in ("past", "age"):
                return RelativeTime(phrase, a[1], a[2], None)
            return None
        if zero_words.search(folded) or self.rules.presentation.search(probe):
            return RelativeTime(phrase, 0.0, None, None)
        return None

    # ------------------------------------------------------------------ anchors
    def anchors(
        self, text: str, folded: str, sentences: Sequence[Sentence], facts: Extraction
    ) -> tuple[list[TimeAnchor], list[TimeAnchor | None], RelativeTime | None]:
        """Anchors in reading order, the running day at the start of each sentence, and the discharge."""
        starts = drug_starts(facts.medications)
        # a surgical procedure the text names dates "the operation" of "postoperative day 3"
        surgical = sorted(
            p.mentions[0].start
            for p in facts.procedures
            if p.category == "surgical" and p.status != "not-done"
        )
        age_now = age_years(facts)
        surgery = self.rules.surgery

        def operated_in(start: int, end: int) -> bool:
            return any_within(surgical, start, end) or surgery.search(folded, start, end) is not None

        st = State(operated_in=operated_in, eager=self.eager_surgery)
        # where a year may start: a sentence without one holds no calendar date (``year_check``)
        st.years = [m.start() for m in self.rules.year_starts.finditer(folded)] if self.year_check else None
        out: list[TimeAnchor] = []
        running_at: list[TimeAnchor | None] = []
        years, any_time = st.years, self._any_time.search
        for index, sent in enumerate(sentences):
            running_at.append(st.running)
            # (a year is four characters inside the sentence) most sentences hold no calendar date and
            # no time expression: one question, no call to read the sentence, nothing found; asked in the
            # order ``_sentence`` asks, each once (the union counts its questions, see AnyOf)
            if years is None or any_within(years, sent.start, sent.end - 3):
                found = self._sentence(text, folded, index, sent, st, starts, age_now, calendar=True)
            elif any_time(folded, sent.start, sent.end):
                found = self._sentence(text, folded, index, sent, st, starts, age_now, calendar=False)
            else:
                found = []
            moving = [a for a in found if a.kind in _MOVING and a.day is not None] if found else []
            if not moving and st.running is None:
                # day 0: the presentation, or else the sentence that introduces the patient with an age
                pm = self.rules.presentation.search(folded, sent.start, sent.end)
                intro = facts.patient.age_mention
                if pm is not None:
                    found.append(
                        TimeAnchor(
                            pm.start(), pm.end(), text[pm.start() : pm.end()], "presentation", index, 0.0
                        )
                    )
                    moving = found[-1:]
                elif intro is not None and sent.start <= intro.start < sent.end:
                    found.append(TimeAnchor(intro.start, intro.end, intro.text, "presentation", index, 0.0))
                    moving = found[-1:]
            if found and not moving and any(a.kind == "follow-up" and a.day is None for a in found):
                st.running = None  # "at follow-up" with no interval: later sentences are undated
            elif moving:
                st.running = moving[-1]
            here = moving[-1] if moving else st.running
            day_here = here.day if here is not None else None
            if day_here is not None:  # (an undated sentence dates neither surgery nor discharge)
                # (the operation: a surgical procedure's first mention in the sentence, found by a binary
                # search, or the surgery words; looked for when the surgery day is first asked)
                st.dated(sent.start, sent.end, day_here)
                dm = self.rules.discharge.search(folded, sent.start, sent.end)
                if dm:
                    st.discharge = RelativeTime(text[dm.start() : dm.end()], day_here, None)
            out.extend(found)
        return out, running_at, st.discharge

    def _sentence(
        self,
        text: str,
        folded: str,
        index: int,
        sent: Sentence,
        st: State,
        drug_starts: list[tuple[int, int, float]],
        age_now: float | None,
        *,
        calendar: bool,
    ) -> list[TimeAnchor]:
        """The anchors of one sentence. ``calendar``: a year may stand in it (the calendar dates are
        looked for, then the time expressions are asked of the union); else the union said yes."""
        spans: list[tuple[int, int, str, re.Match[str]]] = []
        if calendar:
            for m in self.rules.calendar.finditer(folded, sent.start, sent.end):
                spans.append((m.start(), m.end(), "calendar", m))
            if not spans and not self._any_time.search(folded, sent.start, sent.end):
                return []  # one scan instead of one per pattern
        for kind, pat in self.rules.patterns:
            for m in pat.finditer(folded, sent.start, sent.end):
                if not any(s < m.end() and m.start() < e for s, e, _, _ in spans):
                    spans.append((m.start(), m.end(), kind, m))
        spans.sort(key=lambda x: x[0])
        out: list[TimeAnchor] = []
        running = st.running.day if st.running is not None else None
        for s, e, kind, m in spans:
            if kind == "calendar":
                iso = calendar_date(m, self.rules.months)
                if iso is not None:  # a real date: it dates its sentence, never moves the running day
                    out.append(TimeAnchor(s, e, text[s:e], "calendar", index, calendar=iso))
                continue
            a = self._resolve(kind, m, running, st, drug_starts, age_now)
            if a is None:
                continue
            akind, day, end_day, age = a
            anchor = TimeAnchor(s, e, text[s:e], akind, index, day, end_day, age)
            out.append(anchor)
            if akind in _MOVING and day is not None:
                running = day
        return out

    def _resolve(
        self,
        kind: str,
        m: re.Match[str],
        running: float | None,
        st: State,
        drug_starts: list[tuple[int, int, float]],
        age_now: float | None,
    ) -> tuple[str, float | None, float | None, float | None] | None:
        g = m.groupdict()
        amount = self.q.days(g["n"], g["u"]) if g.get("n") and g.get("u") else None
        if kind == "postop":
            return ("relative", st.surgery + int(g["num"]), None, None) if st.surgery is not None else None
        if kind == "hospital-day":
            return ("day", float(int(g["num"]) - 1), None, None)
        if kind in ("day", "of-day"):
            n = self.q.rules.ordinal_words[g["ord"]] if g.get("ord") else int(g["ordn"])
            offset = float(n - 1) * {"day": 1, "week": 7, "month": 30}[g["du"]]
            if kind == "day":
                return ("day", offset, None, None)
            ref = " ".join(g["ref"].split())
            noun = self.rules.nouns.get(ref)
            if noun == "presentation":
                return ("day", offset, None, None)
            if noun == "surgery" and st.surgery is not None:
                return ("relative", st.surgery + offset, None, None)
            start = next((d for s, e, d in drug_starts if s < m.end("ref") and m.start("ref") < e), None)
            return ("drug-day", start + offset, None, None) if start is not None else None
        if kind == "day-n":
            return ("day", float(int(g["num"])), None, None)
        if amount is None and kind not in ("follow-up", "age", "next", "same"):
            return None
        if kind in ("after-noun", "before-noun"):
            base = self._noun_day(g["noun"], st)
            if base is None or amount is None:
                return None
            return (
                ("relative", base + amount, None, None)
                if kind == "after-noun"
                else ("past", base - amount, None, None)
            )
        if kind in ("later", "after", "follow-up-n"):
            if running is None or amount is None:
                return None
            return ("follow-up" if kind == "follow-up-n" else "relative", running + amount, None, None)
        if kind == "earlier":
            base = running if running is not None else 0.0
            return ("past", base - amount, None, None) if amount is not None else None
        if kind == "following":
            if running is None or amount is None:
                return None
            return ("following", running + 1, inclusive_end(running + 1, amount), None)
        if kind == "within":
            if running is None or amount is None:
                return None
            return ("within", running, running + amount, None)
        if kind == "follow-up":
            return ("follow-up", None, None, None)
        if kind == "age":
            age = float(g["age"])
            day = round((age - age_now) * DAYS_PER_YEAR) if age_now is not None and age <= age_now else None
            return ("age", float(day) if day is not None else None, None, age)
        if kind == "next":
            return ("next", running + 1, None, None) if running is not None else None
        if kind == "same":
            return ("same", running, None, None) if running is not None else None
        return None

    def _noun_day(self, noun: str, st: State) -> float | None:
        kind = self.rules.nouns.get(" ".join(noun.split()))
        if kind == "presentation":
            return 0.0
        if kind == "surgery":
            return st.surgery
        if kind == "discharge" and st.discharge is not None:
            return st.discharge.start_day
        return None

    # ------------------------------------------------------------------ dating the facts
    def date(self, text: str, folded: str, sentences: Sequence[Sentence], facts: Extraction) -> Extraction:
        """The facts with the times the narrative gives them, and the timeline itself."""
        anchors, running_at, discharge = self.anchors(text, folded, sentences, facts)
        by_sentence: dict[int, list[TimeAnchor]] = {}
        for a in anchors:
            by_sentence.setdefault(a.sentence, []).append(a)

        sentence_of = sentence_finder(sentences)
        when = When(sentence_of, by_sentence, running_at)

        observations = tuple(timed(o, when) for o in facts.observations)
        procedures = tuple(timed(p, when) for p in facts.procedures)
        heads = sorted(
            (x.start, x.end) for m in facts.medications for x in m.mentions if x.role is MentionRole.HEAD
        )
        medications = tuple(
            self._medication(folded, m, when, by_sentence, sentence_of, heads, sentences)
            for m in facts.medications
        )
        conditions = tuple(condition_time(c, when) for c in facts.conditions)
        outcome = facts.outcome
        if outcome is not None:
            outcome = replace(
                outcome,
                time=outcome.time or when(outcome.mentions[0]),
                stated_time=outcome.stated_time or when(outcome.mentions[0], running=False),
            )
        abatement = resolution_time(
            folded, sentences, by_sentence, self.outcome_rules, self.rules.resolution_kinds
        )
        if abatement is None and outcome is not None and outcome.kind in self.rules.resolution_kinds:
            abatement = when(outcome.mentions[0], running=False)
        if abatement is not None:
            conditions = tuple(
                replace(c, abatement_time=abatement)
                if c.clinical_status in ("resolved", "remission") and c.abatement_time is None
                else c
                for c in conditions
            )
        # an adverse event happened when its sentence says, else when the reaction began
        onsets = {c.key: c.onset for c in conditions}
        adverse = tuple(
            replace(a, time=a.time or when(a.mentions[0], running=False) or onsets.get(a.condition_key))
            for a in facts.adverse_events
        )
        return replace(
            facts,
            adverse_events=adverse,
            observations=observations,
            procedures=procedures,
            medications=medications,
            conditions=conditions,
            outcome=outcome,
            timeline=tuple(anchors),
            discharge=discharge,
        )

    def _medication(
        self,
        folded: str,
        m: MedicationFact,
        when: object,
        by_sentence: dict[int, list[TimeAnchor]],
        sentence_of: object,
        heads: list[tuple[int, int]],
        sentences: Sequence[Sentence],
    ) -> MedicationFact:
        history = m.status != "not-done" and home_medication(
            folded,
            m,
            sentence_of,  # type: ignore[arg-type]
            sentences,
            self.rules.history_medication,
            self.stopping,
        )
        timing = m.timing
        if timing is not None and timing.start_day is not None and m.duration_days:
            # the medication component counts the end exclusively; R4 Period.end is inclusive
            timing = replace(timing, end_day=inclusive_end(timing.start_day, m.duration_days))
        elif timing is None and history:
            # a home medication takes no episode day, but a date the text gives ("since March 2015") is real
            own = when(m.mentions[0], running=False)  # type: ignore[operator]
            timing = own if own is not None and own.calendar is not None else None
        elif timing is None and m.status != "not-done" and not history:
            # a drug not given has no time of giving; a home medication not the episode's time
            timing = when(m.mentions[0])  # type: ignore[operator]
            if timing is not None and timing.start_day is not None:
                end = inclusive_end(timing.start_day, m.duration_days) if m.duration_days else None
                timing = replace(timing, end_day=end)
                # "three weeks earlier she had been started on allopurinol": begun before the episode
                history = timing.start_day < 0
        taper = None
        for mention in m.mentions:
            # "<drug> ... tapered in the following five days": a taper word between the drug and the stretch
            i = sentence_of(mention.start)  # type: ignore[operator]
            follow = [a for a in by_sentence.get(i, []) if a.kind == "following" and a.start > mention.start]
            tm = self.taper.search(folded, mention.end, follow[0].start) if follow else None
            if tm and mention.role is MentionRole.HEAD and subject_of(folded, mention, tm.start(), heads):
                a = follow[0]
                taper = RelativeTime(a.text, a.day, a.end_day)
                break
        if (
            taper is not None
            and timing is not None
            and timing.start_day is not None
            and timing.end_day is None
        ):
            timing = replace(timing, end_day=taper.end_day)
        return replace(m, timing=timing, taper=taper, tapered=m.tapered or taper is not None, history=history)
