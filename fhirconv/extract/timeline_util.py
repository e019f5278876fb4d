"""Helpers of the timeline step: which drugs a taper verb governs, drug start days, the patient's age,
calendar dates."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..model import (
    Assertion,
    ConditionFact,
    Extraction,
    MedicationFact,
    Mention,
    MentionRole,
    ObservationFact,
    ProcedureFact,
    RelativeTime,
    TimeAnchor,
)
from .fastcopy import maker
from .fastcopy import replaced as replace
from .rules import OutcomeRules
from .text import Sentence

__all__ = [
    "State",
    "When",
    "age_years",
    "any_within",
    "calendar_date",
    "drug_starts",
    "home_medication",
    "resolution_time",
    "sentence_finder",
    "subject_of",
    "timed",
]


def home_medication(
    folded: str,
    m: MedicationFact,
    sentence_of: Callable[[int], int | None],
    sentences: Sequence[Sentence],
    history: re.Pattern[str],
    stopping: tuple[re.Pattern[str], ...],
) -> bool:
    """Taken or prescribed outside the episode: every sentence naming the drug says so ("she was taking
    warfarin", "home medications included ...") or dates it before day 0 -- or the first one says so and
    the later ones only stop it or blame it for a reaction ("the angioedema was attributed to lisinopril,
    which was discontinued"): a home medication stopped, not one given."""
    if m.timing is not None and m.timing.start_day is not None and m.timing.start_day < 0:
        return True
    heads = [x for x in m.mentions if x.role is MentionRole.HEAD]
    for n, x in enumerate(heads):
        i = sentence_of(x.start)
        if i is None:
            return False
        s, e = sentences[i].start, sentences[i].end
        if history.search(folded, s, e):
            continue
        if n > 0 and any(p.search(folded, s, e) for p in stopping):
            continue
        return False
    return bool(heads)


def calendar_date(m: re.Match[str], months: dict[str, int]) -> str | None:
    """ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` of a calendar phrase; None for an impossible date."""
    g = m.groupdict()
    year = int(g["y1"] or g["y3"])
    month_word = g["m1"] or g["m3"]
    day_text = g["d1"] or g["d2"] or g["d3"]
    if month_word is None:
        return f"{year:04d}"
    month = months[month_word]
    if day_text is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, int(day_text)).isoformat()
    except ValueError:
        return None


def subject_of(folded: str, mention: Mention, at: int, heads: list[tuple[int, int]]) -> bool:
    """Whether the drug ``mention`` is (one of a list of drugs) right before the verb at ``at``:
    "prednisolone and clonazepam were tapered", not "IVIg was added and clonazepam was tapered"."""
    chain = [(s, e) for s, e in heads if mention.start <= s and e <= at]
    if not chain or chain[0][0] != mention.start:
        return False
    for (_, e1), (s2, _) in itertools.pairwise(chain):
        if not _CONJ.fullmatch(folded, e1, s2):
            return False
    return _VERB_GAP.fullmatch(folded, chain[-1][1], at) is not None


_CONJ = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)")
_VERB_GAP = re.compile(
    r"\s*(?:(?:was|were|is|are|been|being|then|also|both|gradually|slowly|subsequently)\s+){0,3}"
)


def drug_starts(medications: Sequence[MedicationFact]) -> list[tuple[int, int, float]]:
    """(start, end, start day) of every mention of a drug whose start day the text gives."""
    out: list[tuple[int, int, float]] = []
    for m in medications:
        if m.timing is None or m.timing.start_day is None:
            continue
        out.extend((x.start, x.end, m.timing.start_day) for x in m.mentions)
    return out


def age_years(facts: Extraction) -> float | None:
    age = facts.patient.age
    if age is None or age.comparator or age.ucum != "a":
        return None
    try:
        return float(age.value)
    except ValueError:
        return None


def sentence_finder(sentences: Sequence[Sentence]) -> Callable[[int], int | None]:
    """``offset -> index of the sentence holding it`` (or None): a binary search over sentences in text
    order (a scan per fact was quadratic in long reports); a plain scan if they were ever out of order."""
    starts = [s.start for s in sentences]
    ordered = all(a.end <= b.start for a, b in itertools.pairwise(sentences))

    def sentence_of(offset: int) -> int | None:
        if ordered:
            i = bisect.bisect_right(starts, offset) - 1
            return i if i >= 0 and offset < sentences[i].end else None
        for i, s in enumerate(sentences):
            if s.start <= offset < s.end:
                return i
        return None

    return sentence_of


def resolution_time(
    folded: str,
    sentences: Sequence[Sentence],
    by_sentence: dict[int, list[TimeAnchor]],
    outcome_rules: OutcomeRules,
    kinds: frozenset[str],
) -> RelativeTime | None:
    """When the conditions abated: the first sentence saying so ("symptom free within eight weeks") with
    a time of its own."""
    for i, sent in enumerate(sentences):
        own = [a for a in by_sentence.get(i, []) if a.day is not None or a.age_years is not None]
        if not own:
            continue
        for kind, pat in outcome_rules.phrases:
            if kind not in kinds:
                continue
            for m in pat.finditer(folded, sent.start, sent.end):
                if outcome_rules.negated.search(folded[max(sent.start, m.start() - 25) : m.start()]):
                    continue
                a = min(own, key=lambda a: abs(a.start - m.start()))
                return RelativeTime(a.text, a.day, a.end_day, a.age_years)
    return None


_Timed = TypeVar("_Timed", ObservationFact, ProcedureFact)
# a time per dated fact (dozens a report): the same object at about half the price (fastcopy.maker)
_relative = maker(RelativeTime)


def timed(fact: _Timed, when: Callable[..., RelativeTime | None]) -> _Timed:
    """The fact with the time of its first mention, unless it has one; a fact that has its time or gets
    none is kept as it is (a copy of a frozen fact would be the same fact, at a price)."""
    if fact.time is not None:
        return fact
    t = when(fact.mentions[0])
    return fact if t is None else replace(fact, time=t)


def condition_time(c: ConditionFact, when: Callable[..., RelativeTime | None]) -> ConditionFact:
    """A negated finding is noted when it is said; a present, possible or past condition takes an onset
    only from its own sentence (``running=False``)."""
    if c.assertion is Assertion.NEGATED:  # "no fever": the absence is observed when it is said
        return replace(c, noted=when(c.mentions[0]))
    if c.onset is not None or c.assertion not in (
        Assertion.PRESENT,
        Assertion.UNCERTAIN,
        Assertion.HISTORICAL,
    ):
        return c
    t = when(c.mentions[0], running=False)
    return replace(c, onset=t) if t is not None else c


def any_within(ascending: list[int], start: int, end: int) -> bool:
    """Whether one of the ``ascending`` offsets lies in ``[start, end)``."""
    i = bisect.bisect_left(ascending, start)
    return i < len(ascending) and ascending[i] < end


class When:
    """``when(mention)``: the time of a fact's mention -- the nearest dated anchor of its sentence, else
    the running anchor; ``running=False`` (conditions): only a time of the mention's own sentence, and
    not the presentation itself (a symptom named at presentation began before it).

    What depends on the sentence alone (its dated anchors, the time the running anchor gives it) is
    worked out once per sentence and remembered, not once per fact (``remember=False``: every call
    works it out afresh, the way the tests compare against)."""

    __slots__ = ("_by_sentence", "_own", "_remember", "_running", "_running_at", "_sentence_of")

    def __init__(
        self,
        sentence_of: Callable[[int], int | None],
        by_sentence: dict[int, list[TimeAnchor]],
        running_at: list[TimeAnchor | None],
        *,
        remember: bool = True,
    ) -> None:
        self._sentence_of, self._by_sentence, self._running_at = sentence_of, by_sentence, running_at
        self._remember = remember
        self._own: dict[tuple[int, bool], list[TimeAnchor]] = {}
        self._running: dict[int, RelativeTime | None] = {}

    def __call__(self, mention: Mention, *, running: bool = True) -> RelativeTime | None:
        i = self._sentence_of(mention.start)
        if i is None:
            return None
        own = self._own.get((i, running))
        if own is None:
            own = [
                a
                for a in self._by_sentence.get(i, [])
                if (a.day is not None or a.age_years is not None or a.calendar is not None)
                and (running or a.kind != "presentation")
            ]
            if self._remember:
                self._own[i, running] = own
        if own:
            a = min(own, key=lambda a: min(abs(a.start - mention.end), abs(mention.start - a.end)))
            return _relative(a.text, a.day, a.end_day, a.age_years, a.calendar)
        if not running:
            return None
        if i in self._running:
            return self._running[i]
        run = self._running_at[i]
        # the running anchor: the last dated point of the narrative before this sentence (an undated
        # "at follow-up" in the sentence leaves it undated)
        t = (
            None
            if run is None
            or any(a.kind == "follow-up" and a.day is None for a in self._by_sentence.get(i, []))
            else _relative(run.text, run.day, None, run.age_years)
        )
        if self._remember:
            self._running[i] = t
        return t


@dataclass
class State:
    """Where the reading of a report's time anchors stands: the running anchor, the discharge, the
    surgery day."""

    running: TimeAnchor | None = None
    discharge: RelativeTime | None = None
    # The day of the operation: the day of the last dated sentence so far that names one. Few reports
    # ever ask ("postoperative day 3", "two days after surgery"), so the dated sentences are noted as
    # they come and searched, newest first, only when it is asked (``eager``: at once, for the tests).
    operated_in: Callable[[int, int], bool] | None = None
    eager: bool = False
    years: list[int] | None = None  # where a year may start in the text (None: not looked for)
    _surgery: float | None = None
    _dated: list[tuple[int, int, float]] = field(default_factory=list)

    def dated(self, start: int, end: int, day: float) -> None:
        """Sentence ``[start, end)`` is dated ``day``: if it names an operation, that is the surgery day."""
        self._dated.append((start, end, day))
        if self.eager:
            self.surgery  # noqa: B018 (asked now: the way every sentence was searched before)

    @property
    def surgery(self) -> float | None:
        if self._dated:
            for start, end, day in reversed(self._dated):
                if self.operated_in is not None and self.operated_in(start, end):
                    self._surgery = day
                    break
            self._dated.clear()
        return self._surgery
