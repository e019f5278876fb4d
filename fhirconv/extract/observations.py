"""Observations: test mentions, their values, qualitative results and findings.

A test is a lexicon test name or a noun phrase ending in a test word ("serological tests for
infections"); its result is the value + unit, the result word ("negative", "elevated") or the finding
("revealed a mass") of its own clause.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import (
    Assertion,
    Mention,
    MentionRole,
    ObservationFact,
)
from .abbreviations import merge_abbreviations
from .coordinated import coordinated_values
from .findings import exam_findings, finding_vitals, substrate, vital_concepts
from .lexicon import Concept, Lexicon, Match
from .mentions import codings_of
from .obs import Obs
from .organisms import results_named_before
from .quantities import Quantities
from .respectively import assign_respectively
from .rules import ObservationRules
from .unnamed import UnnamedValues
from .values import ValueReader

if TYPE_CHECKING:
    from .sentence import Found, SentenceContext

__all__ = ["Obs", "Observations"]

# "positive for S-100 protein, vimentin and CD68": one result per listed item
_FOR_LIST = re.compile(
    r"(?<!\w)(?:(?:strongly|weakly|focally|diffusely|also|all)\s+)*(?P<kind>positive|negative|reactive)\s+for\s+"
    r"(?P<list>(?:[^.;:]|\.(?=\d))+)"
)
_RESULT_ON = re.compile(
    r"\s+(?:findings?|results?)\s+(?:(?:shown|seen|noted|demonstrated|observed)\s+)?(?:on|in)\s+(?:(?:the|a|an)\s+)?"
)
_CLAUSE_START = re.compile(r"[,;(]|\b(?:and|but|while|whereas)\b")
# "catalase-negative": a result written onto the test name
_HYPHEN_RESULT = re.compile(
    r"(?<![\w-])(?P<name>[A-Za-z0-9]{2,})-(?P<kind>negative|positive)(?!\w)", re.IGNORECASE
)


class Observations:
    def __init__(self, rules: ObservationRules, quantities: Quantities) -> None:
        self.rules = rules
        self.q = quantities
        self.values = ValueReader(quantities, rules.value_lead, rules.trend, rules.finding_verbs)
        self.unnamed = UnnamedValues(rules, quantities, self.values)
        self.vitals: dict[str, Concept] = {}
        # "<test> revealed <finding>": the finding runs to the clause end (a decimal point is not an end)
        self.finding = re.compile(
            rf"\s*(?:\([^)]*\)\s*)?(?:{rules.finding_verbs})\s+"
            r"(?P<f>(?:[^.;,]|\.(?=\d)|(?<=\s[a-z])\.(?=\s[a-z])|,(?!\s*(?:and|but|which|while|whereas)\b))+)"
        )

    def resolve_vitals(self, lexicon: Lexicon) -> None:
        """The test concept each vital-sign finding word measures (``finding_vital_tests``)."""
        self.vitals = vital_concepts(lexicon, self.rules.vital_tests)

    def run(self, ctx: SentenceContext, found: Found) -> None:
        """Results for the sentence's tests; every test not about a relative is kept."""
        text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
        tests = ctx.tests
        coordinated_values(self.q, text, folded, s, e, tests, ctx.test_assertions)
        self._results_for(text, folded, s, e, tests)
        assign_respectively(tests, text, folded, s, e, self.q)
        results_named_before(text, folded, s, e, tests, self.rules.test_stop)
        n_tests = len(tests)
        self._listed_results(text, folded, s, e, tests, ctx.mentions)
        self.unnamed.find(text, folded, s, e, tests, ctx.mentions)
        finding_vitals(self.vitals, self.q.units, tests)
        assertions = ctx.test_assertions + [Assertion.PRESENT] * (len(tests) - n_tests)
        if self.rules.organism_test.search(folded, s, e):
            kept = [(t, a) for t, a in zip(tests, assertions, strict=True) if not substrate(t)]
            tests[:] = [t for t, _ in kept]
            assertions = [a for _, a in kept]
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
                    or count >= 3
                ):
                    break
                if any(o.start <= ws < o.end for o in out):
                    break
                start, count = ws, count + 1
            end = self._test_tail(folded, he, e)
            lex = heads.get((hs, he))
            if count == 0 and end == he and (lex is None or lex.concept.cls not in ("diagnostic", "imaging")):
                continue  # a bare generic word ("tests") names nothing; a bare "biopsy" is a test
            cat = self._category(folded, start, end, "")
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

    # "of the brain", "for SARS-CoV-2", "done for HIV": the target may follow a verb of doing and may
    # end in a number; it starts with a word, never a value
    # words that end the target: the clause goes on ("culture of urine was negative"); a verb is never
    # inside it, a preposition may be ("analysis of mtDNA in leucocytes")
    _TAIL_VERB = r"(?:and|or|was|were|is|are|revealed|came|returned|showed|could|couldn't)\b"
    _TAIL_END = rf"(?:{_TAIL_VERB}|(?:after|in|at|on|during|since)\b)"
    # "of the brain", "for SARS-CoV-2", "done for HIV": the target may follow a verb of doing; it starts
    # with a word, never a value, and may end in a short number ("SARS-CoV-2", "HHV 8")
    _TAIL = re.compile(
        r"\s+(?:(?:done|performed|sent)\s+)?(?:for|of)\s+(?:the\s+)?"
        rf"(?!{_TAIL_VERB})[a-z]+(?:\s+(?!{_TAIL_VERB})[a-z][a-z0-9]*){{0,2}}(?:\s+\d{{1,2}})?"
        rf"(?=\s*(?:[,;:.)]|{_TAIL_END}|$))"
    )

    def _test_tail(self, folded: str, end: int, e: int) -> int:
        """Extend a test name over its "of the brain" / "for infections" target."""
        tail = self._TAIL.match(folded, end, e)
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
        co = re.search(r"(?<!\w)([a-z]+)\s+and\s+$", folded[max(s, start - 30) : start])
        if not co or co.group(1) in self.rules.test_stop:
            return
        cs = max(s, start - 30) + co.start(1)
        ce = cs + len(co.group(1))
        if any(o.start <= cs < o.end for o in out):
            return
        word = text[head.start() : head.end()] if head else folded[max(s, end - 15) : end].split()[-1]
        cat = self._category(folded, cs, ce, "")
        out.append(Obs(cs, ce, f"{text[cs:ce]} {word}", (), cat, f"np:{co.group(1)} {word.lower()}"))

    def _listed_results(
        self, text: str, folded: str, s: int, e: int, tests: list[Obs], taken: list[Match]
    ) -> None:
        """Results named after the word positive/negative: "positive for CD34 and S100 protein",
        "catalase-negative". Items that are conditions stay conditions (ConText negates them)."""
        busy = [(t.start, t.end) for t in tests] + [(m.start, m.end) for m in taken]

        def add(start: int, end: int, kind: str, ks: int, ke: int) -> None:
            if end - start < 2:
                return
            known = [t for t in tests if t.start < end and start < t.end]
            for t in known:  # already a test by name: it gets the result
                if t.interpretation is None and t.value is None and not t.not_performed:
                    t.interpretation, t.interp_span = kind, (ks, ke)
            if known or any(a < end and start < b for a, b in busy):
                return
            name = " ".join(text[start:end].split())
            key = "np:" + " ".join(folded[start:end].split())
            obs = Obs(start, end, name, (), "laboratory", key, interpretation=kind, interp_span=(ks, ke))
            tests.append(obs)
            busy.append((start, end))

        for m in _FOR_LIST.finditer(folded, s, e):
            kind = "negative" if m.group("kind") == "negative" else "positive"
            pos = m.start("list")
            for part in re.finditer(r"[^,]+", folded[pos : m.end("list")]):
                for item in re.split(r"\s+(?:and|or|as well as)\s+", part.group(0)):
                    item_s = pos + part.start() + part.group(0).find(item)
                    item_e = item_s + len(item)
                    paren = folded.find("(", item_s, item_e)
                    if paren >= 0:
                        item_e = paren
                    while item_s < item_e and not folded[item_s].isalnum():
                        item_s += 1
                    while item_e > item_s and not folded[item_e - 1].isalnum():
                        item_e -= 1
                    if 0 < len(folded[item_s:item_e].split()) <= 4:
                        add(item_s, item_e, kind, m.start("kind"), m.end("kind"))
        for m in _HYPHEN_RESULT.finditer(text, s, e):
            add(m.start("name"), m.end("name"), m.group("kind"), m.start("kind"), m.end("kind"))
        # "<something> was/were <result>": the subject of the clause is what was observed
        starts = [s] + [c.end() for c in _CLAUSE_START.finditer(folded, s, e)]
        for pos in starts:
            sm = self.rules.subject_result.match(folded, pos, e)
            if sm is None:
                continue
            words = sm.group("np").split()
            if not words or words[0] in self.rules.test_stop or len(words) > 6:
                continue
            found = self.rules.result_kind.get(sm.group("res"))
            if found:
                add(sm.start("np"), sm.end("np"), found, sm.start("res"), sm.end("res"))

    def _results_for(self, text: str, folded: str, s: int, e: int, tests: list[Obs]) -> None:
        """Values, qualitative results and "not performed", distributed over coordinated tests."""
        if not tests:
            return
        # "2% neutrophils, 94% lymphocytes": a share or count written right before a test name is its own
        before = self.unnamed.values_before_names(text, folded, s, tests)
        for i, t in enumerate(tests):
            if t.value is not None:
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
                if text[m.start() - 1] in "-\u2010\u2011":
                    continue  # "gram-positive cocci", "HIV-negative": the word belongs to its own name
                if any(a <= m.start() < b for a, b in busy) or self.values.in_range_statement(
                    text, m.start(), e
                ):
                    continue
                events.append((m.start(), m.end(), kind))
        for m in self.rules.not_performed.finditer(folded, s, e):
            events.append((m.start(), m.end(), "not-performed"))
        events = _longest(events)
        starts = [o.start for o in order]
        for es, ee, kind in events:
            while cursor < len(order) and order[cursor].start < es:
                pending.append(order[cursor])
                cursor += 1
            targets = [
                o
                for o in pending
                if o.value is None
                and not o.components
                and o.interpretation is None
                and not o.not_performed
                and not self.values.in_other_clause(folded, o.end, es, starts)
            ]
            # results right before a test ("normal EEG", "elevated CRP") belong to the next test
            # and "normal findings shown on computed tomography": so do results "on" the next test
            if (
                not targets
                and cursor < len(order)
                and (
                    0 <= order[cursor].start - ee <= 2
                    or _RESULT_ON.fullmatch(folded, ee, order[cursor].start)
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
        # exam-style findings: "<exam> revealed <finding>" keeps the finding as the value text
        exam_findings(self.finding, text, folded, e, tests, self.rules.test_stop)

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
