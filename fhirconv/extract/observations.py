"""Observations: test mentions, their values, qualitative results and findings.

A test is a lexicon test name or a noun phrase ending in a test word ("serological tests for
infections"); its result is the value + unit, the result word ("negative", "elevated") or the finding
("revealed a mass") of its own clause.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import (
    Assertion,
    Mention,
    MentionRole,
    ObservationFact,
)
from .coordinated import coordinated_values
from .course import CourseStatements
from .fastcopy import maker
from .findings import RESULT_ON, drop_substrates, finding_vitals
from .lexicon import Concept, Match
from .listed import for_lists, list_spans, listed_results, subject_tail
from .obs import Obs
from .organisms import CultureResults
from .phrase_scan import phrase_starts, phrases, starts_of
from .quantities import ANY_DIGIT, Quantities
from .rules import FINDING_CATEGORIES, ObservationRules
from .series import more_values
from .test_names import TestNames
from .unnamed import UnnamedValues
from .values import ValueReader

if TYPE_CHECKING:
    from .sentence import Found, SentenceContext

__all__ = ["Obs", "Observations"]

# made per test fact and its mentions: the same objects as the classes make, at about half the price
_observation, _make_mention = maker(ObservationFact), maker(Mention)
# (the assertions asked of every test, looked up once: an enum member read off its class costs a call)
_PRESENT, _NEGATED = Assertion.PRESENT, Assertion.NEGATED
_NOT_KEPT = frozenset({Assertion.FAMILY, Assertion.OTHER, Assertion.HYPOTHETICAL})


class Observations:
    def __init__(
        self, rules: ObservationRules, quantities: Quantities, course: CourseStatements | None = None
    ) -> None:
        self.rules = rules
        self.q = quantities
        # a test that grew something has its own predicate as much as one that showed something
        verbs = f"{rules.finding_verbs}|{rules.culture_after}"
        self.values = ValueReader(quantities, rules.value_lead, rules.trend, verbs)
        self.unnamed = UnnamedValues(rules, quantities, self.values)
        self.vitals: dict[str, Concept] = {}
        self.cultures = CultureResults(rules)
        self.names = TestNames(rules)
        # "... and subsequently increased to 63 mmol/l": a trend between two values of a series (series.py)
        self.step = re.compile(
            rf"(?:(?:{rules.finding_adverbs}|further|gradually)\s+)?(?P<tw>{rules.trend.pattern})\s+(?:up\s+|down\s+)?to\s+"
        )
        self.course = course  # "renal function improved" (course.py)
        self.finding = self.names.finding
        self.subject_tail = subject_tail(rules)
        self.result_starts = phrase_starts([pat for _, pat in rules.results] + [rules.not_performed])

    def run(self, ctx: SentenceContext, found: Found) -> None:
        """Results for the sentence's tests; every test not about a relative is kept."""
        text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
        tests = ctx.tests
        # every value reader needs a digit: a sentence without one skips them all (their answer is nothing)
        digits = ANY_DIGIT.search(folded, s, e) is not None
        lists = for_lists(folded, s, e)
        if tests:
            # (the readers of a test's own result: each answers nothing, and changes nothing, for a
            # sentence that names no test -- coordinated_values needs two names, _results_for one,
            # more_values a test's value, the culture reader a test -- so half the sentences skip them)
            listed = (
                coordinated_values(self.q, text, folded, s, e, tests, ctx.test_assertions)
                if digits
                else set()
            )
            self._results_for(text, folded, s, e, tests, listed, digits, lists)
            for i, t in enumerate(list(tests)):
                if t.earlier is not None:  # "from 12.1 to 7.8 g/dL": the earlier value is a result of its own
                    (q, span), t.earlier = t.earlier, None
                    tests.append(
                        replace(t, value=q, value_span=span, cell=span, interpretation=None, interp_span=None)
                    )
                    ctx.test_assertions.append(ctx.test_assertions[i])
            if digits:
                # "139 and 152 mg/dL at ..."
                for i, cell in more_values(self.q, text, folded, e, tests, self.step):
                    tests.append(cell)
                    ctx.test_assertions.append(ctx.test_assertions[i])
                for t in tests:
                    if t.value is not None:  # (the reader leaves a test without a value as it is)
                        self.values.listed_blood_pressure(t, folded)
            organisms = self.cultures.read(text, folded, s, e, tests)
        else:
            organisms = []
        n_tests = len(tests)
        listed_results(
            self.rules, text, folded, s, e, tests, ctx.mentions, organisms, lists, self.subject_tail
        )
        if digits:
            self.unnamed.find(text, folded, s, e, tests, ctx.mentions)
        absorbed = self._findings(text, folded, e, tests) if tests else set()
        if self.course is not None:
            self.course.read(text, folded, s, e, tests)
        if not tests:
            ctx.test_assertions = list(ctx.test_assertions)  # (a fresh list, as below)
            return  # no test: nothing below has anything to do
        finding_vitals(self.vitals, self.q.units, tests)
        assertions = ctx.test_assertions + [_PRESENT] * (len(tests) - n_tests)
        if self.rules.organism_test.search(folded, s, e):
            assertions = drop_substrates(tests, assertions)
        # "an infiltrate rich in neutrophils": a cell seen, not a count measured, when nothing is said of it
        absorbed.update(id(t) for t in tests if t.concept_id in self.rules.cells and _bare(t))
        if absorbed:  # "ST elevation in the inferior leads": the leads are words of the ECG's finding
            kept = [(t, a) for t, a in zip(tests, assertions, strict=True) if id(t) not in absorbed]
            tests[:] = [t for t, _ in kept]
            assertions = [a for _, a in kept]
        ctx.test_assertions = assertions
        for t, a in zip(tests, assertions, strict=True):
            if a is _NEGATED and t.interpretation is None and not t.not_performed:
                t.not_performed = bool(self.rules.not_performed.search(folded, t.end, e))
            if a not in _NOT_KEPT:
                t.sentence = ctx.index
                found.observations.append(t)

    def find_tests(self, text: str, folded: str, s: int, e: int, lex_tests: list[Match]) -> list[Obs]:
        """Test mentions of a sentence (test_names.py)."""
        return self.names.find(text, folded, s, e, lex_tests)

    def _results_for(
        self,
        text: str,
        folded: str,
        s: int,
        e: int,
        tests: list[Obs],
        listed: set[int],
        digits: bool = True,
        lists: list[re.Match[str]] | None = None,
    ) -> None:
        """Values, qualitative results and "not performed", distributed over coordinated tests; the
        tests in ``listed`` had their values read with their list (coordinated.py). Without ``digits``
        in the sentence no value is read (every value holds one); ``lists`` are its "positive for"
        lists (listed.py)."""
        if not tests:
            return
        # "2% neutrophils, 94% lymphocytes": a share or count written right before a test name is its own
        before = self.unnamed.values_before_names(text, folded, s, tests) if digits else set()
        for i, t in enumerate(tests if digits else ()):
            if t.value is not None or id(t) in listed:
                continue  # read with its list (coordinated.py)
            nxt = tests[i + 1].start if i + 1 < len(tests) else e
            later = tests[i + 1].value_span if i + 1 < len(tests) else None
            if later is not None and later[0] < nxt:
                nxt = later[0]
            if id(t) in before:
                continue
            window = folded[t.end : nxt]
            if ANY_DIGIT.search(window) is None:
                continue  # no number after the name: neither reader finds a value there
            if self.values.blood_pressure(t, folded, window, nxt):
                continue
            self.values.read(t, text, folded, nxt)
        # qualitative results: a result phrase applies to every test before it in its clause
        # (one scan finds where any result phrase starts; each kind's pattern is then tried there only,
        # which finds what its own scan of the sentence finds: phrase_scan.py)
        if self.result_starts is None:
            at: list[int] | None = None
        else:
            at = starts_of(self.result_starts, folded, s, e)
            if not at:
                return  # no result phrase: nothing below has anything to give
        pending: list[Obs] = []
        order = sorted(tests, key=lambda o: o.start)
        cursor = 0
        events: list[tuple[int, int, str]] = []
        # words inside a test name or a stated reference range ("(normal 3.5-5.0)") are no result
        busy = [(o.start, o.end) for o in order] + [o.range_span for o in order if o.range_span]
        for kind, pat in self.rules.results:
            for m in phrases(pat, folded, s, e, at):
                if text[m.start() - 1] in "-\u2010\u2011" or _COMPOUND.match(text, m.end()):
                    continue  # "gram-positive cocci", "low-dose", "high power field": part of another word
                if any(a <= m.start() < b for a, b in busy) or self.values.in_range_statement(
                    text, m.start(), e
                ):
                    continue
                events.append((m.start(), m.end(), kind))
        for m in phrases(self.rules.not_performed, folded, s, e, at):
            events.append((m.start(), m.end(), "not-performed"))
        events = _longest(events)
        starts = [o.start for o in order]
        # tests listed after "positive for" take their result from the list (_listed_results)
        spans = list_spans(folded, s, e, lists)
        in_list = {id(o) for o in order if any(a <= o.start < b for a, b in spans)}
        for es, ee, kind in events:
            while cursor < len(order) and order[cursor].start < es:
                pending.append(order[cursor])
                cursor += 1
            # "elevated transaminase levels": a result word written onto a test name is that test's
            adjacent = (
                cursor < len(order)
                and 0 <= order[cursor].start - ee <= 2
                and " " not in folded[es:ee].strip()
                and kind != "not-performed"
            )
            if not adjacent and _ARTICLE.search(folded, max(s, es - 4), es):
                pending = []
                continue  # "revealed an elevated lesion": the word describes the lesion, not the test
            targets = [
                o
                for o in ([] if adjacent else pending)
                if o.value is None
                and not o.components
                and o.interpretation is None
                and not o.not_performed
                and not self.values.in_other_clause(folded, o.end, es, starts)
                and id(o) not in in_list
            ]
            # results right before a test ("normal EEG", "elevated CRP") belong to the next test
            # and "normal findings shown on computed tomography": so do results "on" the next test
            if (
                (adjacent or not targets)
                and cursor < len(order)
                and (
                    0 <= order[cursor].start - ee <= 2 or RESULT_ON.fullmatch(folded, ee, order[cursor].start)
                )
            ):
                targets = [order[cursor]]
            for o in targets:
                if o.category in FINDING_CATEGORIES and folded[es:ee] in self.rules.analyte_results:
                    continue  # "rales were detected" on examination: a finding's verb, not a result
                if kind == "not-performed":
                    o.not_performed = True
                else:
                    o.interpretation = kind
                    o.interp_span = (es, ee)
            pending = []

    def _findings(self, text: str, folded: str, e: int, tests: list[Obs]) -> set[int]:
        """Exam-style findings, read last so that measured results named inside them ("revealed a peak
        gradient of 70 mmHg") are results of their own and end the finding. A test that is part of a
        finding ("in the inferior leads", rules.finding_parts) never ends it: it is returned (by id) to be
        dropped, its words quoted in the finding."""
        absorbed: set[int] = set()
        for t in tests:
            if t.value or t.value_text or t.interpretation or t.not_performed or t.components:
                continue
            fm = self.finding.match(folded, t.end, e)
            if not fm:
                continue
            fs, fe = fm.start("f"), fm.end("f")
            # the finding stops where the next test of the sentence begins ("revealed a troponin of ...")
            inner = [o for o in tests if fs <= o.start < fe]
            parts = [o for o in inner if o.concept_id in self.rules.finding_parts and not _has_result(o)]
            nxt = min([fe, *(o.start for o in inner if o not in parts)])
            if nxt < fe and not _ITEM_END.search(folded, fs, nxt):
                continue  # "revealed elevated CRP", "a decrease in hemoglobin": words about the next test
            fe = nxt
            cut = _FINDING_TAIL.search(folded[fs:fe])
            if cut:
                fe = fs + cut.start()
            words = [w for w in folded[fs:fe].split() if w not in self.rules.test_stop]
            if len(words) >= 1 and len("".join(words)) >= 3:
                t.value_text = text[fs:fe].strip()
                t.value_span = (fs, fe)
                absorbed.update(id(o) for o in parts if o.start < fe)
        return absorbed

    def facts(self, text: str, obs: list[Obs]) -> list[ObservationFact]:
        out: dict[str, ObservationFact] = {}
        for o in obs:
            if o.umbrella and o.value is None and not o.components:
                continue
            if not o.named:
                mentions = []
            elif o.heads:
                mentions = [_mention(text, h, MentionRole.HEAD) for h in o.heads]
            else:  # (most names: the one span of the name)
                mentions = [_make_mention(o.start, o.end, text[o.start : o.end], MentionRole.HEAD)]
            if o.value_span:
                mentions.append(_mention(text, o.value_span, MentionRole.VALUE))
            if o.restated:
                mentions.append(_mention(text, o.restated, MentionRole.VALUE))
            if o.interp_span:
                mentions.append(_mention(text, o.interp_span, MentionRole.INTERPRETATION))
            if o.range_span and o.reference_range:
                mentions.append(_mention(text, o.range_span, MentionRole.REFERENCE_RANGE))
            key = f"{o.concept_id}@{o.start if o.cell is None else o.cell[0]}"  # a cell: its own fact
            out[key] = _observation(
                key=key,
                text=o.text,
                codings=o.codings,
                category=o.category,
                mentions=tuple(mentions),
                value=o.value,
                value_text=o.value_text,
                interpretation=o.interpretation,
                components=tuple(o.components),
                not_performed=o.not_performed,
                reference_range=o.reference_range,
                time=o.time,
            )
        return list(out.values())

    # ------------------------------------------------------------------ procedures


_ARTICLE = re.compile(r"(?<!\w)an?\s+$")
# the link words a finding's words end with before the next item ("a mass and the ..."): cut off
_FINDING_TAIL = re.compile(
    r"(?:,\s*|\s+)(?:(?:and|but|which|while|with)(?:\s+|$))?(?:(?:a|an|the|his|her|their)(?:\s+|$))?$"
)
_COMPOUND = re.compile(r"[-\u2010\u2011]\w|\s+power\s+field")
# how a finding ends before the next test's own words begin: "a mass and a haemoglobin of ..."
_ITEM_END = re.compile(r"(?:[,;]|\b(?:and|but|which|while|with))(?:\s+(?:a|an|the|his|her|their))?\s*$")


def _bare(o: Obs) -> bool:
    """A cell name with no result and no word of counting ("neutrophils", never "neutrophil count")."""
    return not _has_result(o) and "count" not in o.text.lower()


def _has_result(o: Obs) -> bool:
    return bool(o.value or o.value_text or o.interpretation or o.not_performed or o.components)


def _longest(events: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    events.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str]] = []
    for ev in events:
        if out and ev[0] < out[-1][1]:
            continue
        out.append(ev)
    return out


def _mention(text: str, span: tuple[int, int], role: MentionRole) -> Mention:
    return _make_mention(span[0], span[1], text[span[0] : span[1]], role)
