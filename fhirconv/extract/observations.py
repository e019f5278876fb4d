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
from .abbreviations import merge_abbreviations
from .coordinated import coordinated_values
from .findings import RESULT_ON, drop_substrates, finding_vitals
from .lexicon import Concept, Match
from .listed import list_spans, listed_results
from .mentions import codings_of
from .obs import Obs
from .organisms import CultureResults
from .quantities import Quantities
from .rules import ObservationRules
from .unnamed import UnnamedValues
from .values import ValueReader

if TYPE_CHECKING:
    from .sentence import Found, SentenceContext

__all__ = ["Obs", "Observations"]


class Observations:
    def __init__(self, rules: ObservationRules, quantities: Quantities) -> None:
        self.rules = rules
        self.q = quantities
        # a test that grew something has its own predicate as much as one that showed something
        verbs = f"{rules.finding_verbs}|{rules.culture_after}"
        self.values = ValueReader(quantities, rules.value_lead, rules.trend, verbs)
        self.unnamed = UnnamedValues(rules, quantities, self.values)
        self.vitals: dict[str, Concept] = {}
        self.cultures = CultureResults(rules)
        self.verb = re.compile(rf"(?:{rules.finding_verbs})")
        # "MRI of the brain demonstrated ...": the target ends where the predicate begins
        # "done for HIV", "for SARS-CoV-2": a verb of doing before, a short number at the end
        self.tail = re.compile(
            r"\s+(?:(?:done|performed|sent)\s+)?(?:for|of)\s+(?:the\s+)?(?:(?!(?:and|or|was|were|is|are|came)\b)[a-z]+\s+){0,2}"
            r"(?!(?:and|or|was|were|is|are|came)\b)[a-z]+(?:\s+\d{1,2})?(?![a-z0-9])"
            r"(?=\s*(?:[,;:.)]|and\b|or\b|was\b|were\b|is\b|are\b|came\b|returned\b|could\b|couldn't\b|after\b|in\b|at\b|"
            rf"on\b|during\b|since\b|(?:{rules.finding_verbs})\b|$))"
        )
        # "<test> revealed <finding>": the finding runs to the clause end (a decimal point is not an end)
        self.finding = re.compile(
            r"\s*(?:\([^)]*\)\s*)?(?:(?:was|were)\s+(?:performed|done|obtained|repeated),?\s+(?:which|that)\s+)?"
            rf"(?:(?:{rules.finding_adverbs})\s+)?"
            rf"(?:{rules.finding_verbs})\s+"
            r"(?P<f>(?:[^.;,]|\.(?=\d)|,(?!\s*(?:and|but|which|while|whereas)\b))+)"
        )

    def run(self, ctx: SentenceContext, found: Found) -> None:
        """Results for the sentence's tests; every test not about a relative is kept."""
        text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
        tests = ctx.tests
        listed = coordinated_values(self.q, text, folded, s, e, tests, ctx.test_assertions)
        self._results_for(text, folded, s, e, tests, listed)
        for i, t in enumerate(list(tests)):
            if t.earlier is not None:  # "from 12.1 to 7.8 g/dL": the earlier value is a result of its own
                (q, span), t.earlier = t.earlier, None
                tests.append(
                    replace(t, value=q, value_span=span, cell=span, interpretation=None, interp_span=None)
                )
                ctx.test_assertions.append(ctx.test_assertions[i])
        for t in tests:
            self.values.listed_blood_pressure(t, folded)
        organisms = self.cultures.read(text, folded, s, e, tests)
        n_tests = len(tests)
        listed_results(self.rules, text, folded, s, e, tests, ctx.mentions, organisms)
        self.unnamed.find(text, folded, s, e, tests, ctx.mentions)
        self._findings(text, folded, e, tests)
        finding_vitals(self.vitals, self.q.units, tests)
        assertions = ctx.test_assertions + [Assertion.PRESENT] * (len(tests) - n_tests)
        if self.rules.organism_test.search(folded, s, e):
            assertions = drop_substrates(tests, assertions)
        ctx.test_assertions = assertions
        for t, a in zip(tests, assertions, strict=True):
            if a is Assertion.NEGATED and t.interpretation is None and not t.not_performed:
                t.not_performed = bool(self.rules.not_performed.search(folded, t.end, e))
            if a not in (Assertion.FAMILY, Assertion.OTHER, Assertion.HYPOTHETICAL):
                t.sentence = ctx.index
                found.observations.append(t)

    def find_tests(self, text: str, folded: str, s: int, e: int, lex_tests: list[Match]) -> list[Obs]:
        """Test mentions: lexicon names and generic noun phrases ending in a test word ("serological
        tests for infections", "oncological bands work-up"), each with an "of/for <target>" tail."""
        out: list[Obs] = []
        # generic words ("tests", "work-up") are heads of a longer name, not names of their own
        heads = {
            (m.start, m.end): m
            for m in lex_tests
            if " ".join(folded[m.start : m.end].split()) in self.rules.head_words
        }
        lex_tests = [m for m in lex_tests if (m.start, m.end) not in heads]
        for m in lex_tests:
            end = self._test_tail(folded, m.end, e)
            hm = (
                self.rules.test_heads.match(folded, end, e)
                if re.match(r"\s", folded[end : end + 1])
                else None
            )
            c = m.concept
            out.append(
                Obs(
                    m.start,
                    end,
                    text[m.start : end],
                    codings_of(c),
                    c.category or self._category(folded, m.start, end, c.cls),
                    c.id,
                    unit=c.unit,
                )
            )
            self._shared_head(text, folded, s, m.start, m.end, out, hm)
        for hm in self.rules.test_heads.finditer(folded, s, e):
            hs, he = hm.start(), hm.end()
            if any(o.start <= hs < o.end for o in out):
                continue
            # walk left over modifiers
            base = max(s, hs - 60)
            start, count = hs, 0
            for w in reversed(list(re.finditer(r"[a-z][a-z0-9']*", folded[base:hs]))):
                ws = base + w.start()
                if (
                    folded[ws + len(w.group(0)) : start].strip()
                    or w.group(0) in self.rules.test_stop
                    or w.group(0) in self.rules.result_kind  # "elevated transaminase levels": a result
                    or self.verb.fullmatch(w.group(0))  # "revealed adequate function": the predicate
                    or count >= 3
                ):
                    break
                if any(o.start <= ws < o.end for o in out):
                    break
                start, count = ws, count + 1
            end = self._test_tail(folded, he, e)
            lex = heads.get((hs, he))
            if (
                count == 0
                and end == he
                and (lex is None or lex.concept.cls not in ("diagnostic", "imaging"))
                and not self._examined(folded, s, hs, he, e)
            ):
                continue  # a bare generic word ("tests") names nothing; a bare "biopsy" is a test
            cat = "exam" if count == 0 and folded[hs:he] in ("examination", "exam") else ""
            cat = cat or self._category(folded, start, end, "")
            key = (
                lex.concept.id
                if lex is not None and count == 0
                else "np:" + " ".join(folded[start:end].split())
            )
            out.append(Obs(start, end, text[start:end], (), cat, key))
            self._shared_head(text, folded, s, start, he, out, hm)
        out.sort(key=lambda o: (o.start, -(o.end - o.start)))
        # a name inside a longer test phrase is the same test ("assays for paraneoplastic antibodies")
        out = [
            o
            for o in out
            if not any(
                p is not o and p.start <= o.start and o.end <= p.end and (p.end - p.start) > (o.end - o.start)
                for p in out
            )
        ]
        out = merge_abbreviations(text, folded, e, out, self._test_tail)
        # an umbrella term followed by a parenthesised list of tests: the list carries the results
        for i, o in enumerate(out):
            if re.match(r"\s*\(", folded[o.end : e]) and i + 1 < len(out) and out[i + 1].start <= o.end + 3:
                o.umbrella = True
        return out

    def _examined(self, folded: str, s: int, hs: int, he: int, e: int) -> bool:
        """ "On examination, ...", "his examination showed ...": the bare word names the physical
        examination the sentence reports."""
        if folded[hs:he] not in ("examination", "exam"):
            return False
        if _ON_EXAM.search(folded, max(s, hs - 4), hs):
            return True
        # "Examination revealed", "his examination showed"; never "CT scan examination" (the scan's own)
        prev = _PREV_WORD.search(folded, max(s, hs - 30), hs)
        opens = prev is None or prev.group(1) in self.rules.test_stop
        return opens and self.finding.match(folded, he, e) is not None

    def _test_tail(self, folded: str, end: int, e: int) -> int:
        """Extend a test name over its "of the brain" / "for infections" target."""
        tail = self.tail.match(folded, end, e)
        return tail.end() if tail else end

    def _shared_head(
        self,
        text: str,
        folded: str,
        s: int,
        start: int,
        end: int,
        out: list[Obs],
        head: re.Match[str] | None,
    ) -> None:
        """ "urine and cerebrospinal fluid examination": the coordinated modifier shares the head word."""
        if head is None and not self.rules.test_heads.search(folded, max(s, end - 15), end):
            return
        # "urine and ...": a word of its own, never the tail of a unit ("8 g/dL and ... levels")
        co = re.search(r"(?<![\w/.])([a-z]+)\s+and\s+$", folded[max(s, start - 30) : start])
        if not co or co.group(1) in self.rules.test_stop:
            return
        cs = max(s, start - 30) + co.start(1)
        ce = cs + len(co.group(1))
        if any(o.start <= cs < o.end for o in out):
            return
        word = text[head.start() : head.end()] if head else folded[max(s, end - 15) : end].split()[-1]
        cat = self._category(folded, cs, ce, "")
        out.append(Obs(cs, ce, f"{text[cs:ce]} {word}", (), cat, f"np:{co.group(1)} {word.lower()}"))

    def _results_for(
        self, text: str, folded: str, s: int, e: int, tests: list[Obs], listed: set[int]
    ) -> None:
        """Values, qualitative results and "not performed", distributed over coordinated tests; the
        tests in ``listed`` had their values read with their list (coordinated.py)."""
        if not tests:
            return
        # "2% neutrophils, 94% lymphocytes": a share or count written right before a test name is its own
        before = self.unnamed.values_before_names(text, folded, s, tests)
        for i, t in enumerate(tests):
            if t.value is not None or id(t) in listed:
                continue  # read with its list (coordinated.py)
            nxt = tests[i + 1].start if i + 1 < len(tests) else e
            later = tests[i + 1].value_span if i + 1 < len(tests) else None
            if later is not None and later[0] < nxt:
                nxt = later[0]
            if id(t) in before:
                continue
            window = folded[t.end : nxt]
            if self.values.blood_pressure(t, folded, window, nxt):
                continue
            self.values.read(t, text, folded, nxt)
        # qualitative results: a result phrase applies to every test before it in its clause
        pending: list[Obs] = []
        order = sorted(tests, key=lambda o: o.start)
        cursor = 0
        events: list[tuple[int, int, str]] = []
        # words inside a test name or a stated reference range ("(normal 3.5-5.0)") are no result
        busy = [(o.start, o.end) for o in order] + [o.range_span for o in order if o.range_span]
        for kind, pat in self.rules.results:
            for m in pat.finditer(folded, s, e):
                if text[m.start() - 1] in "-\u2010\u2011" or _COMPOUND.match(text, m.end()):
                    continue  # "gram-positive cocci", "low-dose", "high power field": part of another word
                if any(a <= m.start() < b for a, b in busy) or self.values.in_range_statement(
                    text, m.start(), e
                ):
                    continue
                events.append((m.start(), m.end(), kind))
        for m in self.rules.not_performed.finditer(folded, s, e):
            events.append((m.start(), m.end(), "not-performed"))
        events = _longest(events)
        starts = [o.start for o in order]
        # tests listed after "positive for" take their result from the list (_listed_results)
        lists = list_spans(folded, s, e)
        in_list = {id(o) for o in order if any(a <= o.start < b for a, b in lists)}
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
                if kind == "not-performed":
                    o.not_performed = True
                else:
                    o.interpretation = kind
                    o.interp_span = (es, ee)
            pending = []

    def _findings(self, text: str, folded: str, e: int, tests: list[Obs]) -> None:
        """Exam-style findings, read last so that measured results named inside them ("revealed a peak
        gradient of 70 mmHg") are results of their own and end the finding."""
        for t in tests:
            if t.value or t.value_text or t.interpretation or t.not_performed or t.components:
                continue
            fm = self.finding.match(folded, t.end, e)
            if not fm:
                continue
            fs, fe = fm.start("f"), fm.end("f")
            # the finding stops where the next test of the sentence begins ("revealed a troponin of ...")
            nxt = min([fe, *(o.start for o in tests if fs <= o.start < fe)])
            if nxt < fe and not _ITEM_END.search(folded, fs, nxt):
                continue  # "revealed elevated CRP", "a decrease in hemoglobin": words about the next test
            fe = nxt
            cut = re.search(
                r"(?:,\s*|\s+)(?:(?:and|but|which|while|with)(?:\s+|$))?(?:(?:a|an|the|his|her|their)(?:\s+|$))?$",
                folded[fs:fe],
            )
            if cut:
                fe = fs + cut.start()
            words = [w for w in folded[fs:fe].split() if w not in self.rules.test_stop]
            if len(words) >= 1 and len("".join(words)) >= 3:
                t.value_text = text[fs:fe].strip()
                t.value_span = (fs, fe)

    def facts(self, text: str, obs: list[Obs]) -> list[ObservationFact]:
        out: dict[str, ObservationFact] = {}
        for o in obs:
            if o.umbrella and o.value is None and not o.components:
                continue
            heads = o.heads or ((o.start, o.end),)
            mentions = [_mention(text, h, MentionRole.HEAD) for h in heads] if o.named else []
            if o.value_span:
                mentions.append(_mention(text, o.value_span, MentionRole.VALUE))
            if o.interp_span:
                mentions.append(_mention(text, o.interp_span, MentionRole.INTERPRETATION))
            if o.range_span and o.reference_range:
                mentions.append(_mention(text, o.range_span, MentionRole.REFERENCE_RANGE))
            key = f"{o.concept_id}@{o.start if o.cell is None else o.cell[0]}"  # a cell: its own fact
            out[key] = ObservationFact(
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

    def _category(self, folded: str, s: int, e: int, cls: str) -> str:
        """Observation category from the lexicon class, else from the words of the test name."""
        if cls == "vital":
            return "vital-signs"
        for cat, key in (("imaging", "imaging"), ("exam", "exam"), ("procedure", "diagnostic")):
            if cls == key or self.rules.category_words[cat].search(folded, s, e):
                return cat
        return "laboratory"

    # ------------------------------------------------------------------ procedures


_ARTICLE = re.compile(r"(?<!\w)an?\s+$")
_PREV_WORD = re.compile(r"(\S+)\s*$")
_ON_EXAM = re.compile(r"(?<!\w)(?:on|at)\s+$")
_COMPOUND = re.compile(r"[-\u2010\u2011]\w|\s+power\s+field")
# how a finding ends before the next test's own words begin: "a mass and a haemoglobin of ..."
_ITEM_END = re.compile(r"(?:[,;]|\b(?:and|but|which|while|with))(?:\s+(?:a|an|the|his|her|their))?\s*$")


def _longest(events: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    events.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str]] = []
    for ev in events:
        if out and ev[0] < out[-1][1]:
            continue
        out.append(ev)
    return out


def _mention(text: str, span: tuple[int, int], role: MentionRole) -> Mention:
    return Mention(span[0], span[1], text[span[0] : span[1]], role)
