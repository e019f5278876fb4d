"""Test names: lexicon test names and noun phrases ending in a test word, each with its "of <target>"
tail. Kept apart from the component that reads their results (observations.py) so that each stays one
concern: where a test is named, and what the sentence says of it."""

from __future__ import annotations

import re

from .abbreviations import merge_abbreviations
from .lexicon import Match
from .mentions import CodingsMemo
from .obs import Obs
from .rules import ObservationRules

__all__ = ["TestNames"]


class TestNames:
    def __init__(self, rules: ObservationRules) -> None:
        self.rules = rules
        self._codings_of = CodingsMemo()
        self.verb = re.compile(rf"(?:{rules.finding_verbs})")
        # "MRI of the brain demonstrated ...": the target ends where the predicate begins
        # "done for HIV", "for SARS-CoV-2": a verb of doing before, a short number at the end
        self.tail = re.compile(
            r"\s+(?:(?:done|performed|sent)\s+)?(?:for|of)\s+(?:the\s+)?(?:(?!(?:and|or|was|were|is|are|came)\b)[a-z]+\s+){0,2}"
            r"(?!(?:and|or|was|were|is|are|came)\b)[a-z]+(?:\s+\d{1,2})?(?![a-z0-9])"
            r"(?=\s*(?:[,;:.)]|and\b|or\b|was\b|were\b|is\b|are\b|came\b|returned\b|could\b|couldn't\b|after\b|in\b|at\b|"
            rf"on\b|during\b|since\b|(?:{rules.finding_verbs})\b|$))"
        )
        # "<test> revealed <finding>": the finding runs to the clause end (a decimal point is not an end).
        # (the plain characters are taken a run at a time, ``[^.;,]+``: the group is the pattern's last
        # element, so the greedy repeat ends where the one-character form ended, with one step per run
        # instead of three alternatives tried per character -- 2.4x faster on the dev reports' tests)
        self.finding = re.compile(
            r"\s*(?:\([^)]*\)\s*)?(?:(?:was|were)\s+(?:performed|done|obtained|repeated),?\s+(?:which|that)\s+)?"
            rf"(?:(?:{rules.finding_adverbs})\s+)?"
            rf"(?:{rules.finding_verbs})\s+" + FINDING_TAIL
        )

    def find(self, text: str, folded: str, s: int, e: int, lex_tests: list[Match]) -> list[Obs]:
        """Test mentions: lexicon names and generic noun phrases ending in a test word ("serological
        tests for infections", "oncological bands work-up"), each with an "of/for <target>" tail."""
        out: list[Obs] = []
        # generic words ("tests", "work-up") are heads of a longer name, not names of their own
        heads: dict[tuple[int, int], Match] = {}
        if lex_tests:  # (most sentences name no test the lexicon knows)
            head_words = self.rules.head_words
            heads = {
                (m.start, m.end): m
                for m in lex_tests
                if " ".join(folded[m.start : m.end].split()) in head_words
            }
            if heads:
                lex_tests = [m for m in lex_tests if (m.start, m.end) not in heads]
        for m in lex_tests:
            end = self._test_tail(folded, m.end, e)
            c = m.concept
            out.append(
                Obs(
                    m.start,
                    end,
                    text[m.start : end],
                    self._codings_of(c),
                    c.category or self.category(folded, m.start, end, c.cls),
                    c.id,
                    unit=c.unit,
                )
            )
            # the head word after the name, looked for only when "and" stands right before it
            self._shared_head(text, folded, s, m.start, m.end, out, None, e, end)
        for hm in self.rules.test_heads.finditer(folded, s, e):
            hs, he = hm.start(), hm.end()
            if any(o.start <= hs < o.end for o in out):
                continue
            # walk left over modifiers
            base = max(s, hs - 60)
            start, count = hs, 0
            for w in reversed(list(_WORD.finditer(folded[base:hs]))):
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
            cat = cat or self.category(folded, start, end, "")
            key = (
                lex.concept.id
                if lex is not None and count == 0
                else "np:" + " ".join(folded[start:end].split())
            )
            out.append(Obs(start, end, text[start:end], (), cat, key))
            self._shared_head(text, folded, s, start, he, out, hm)
        if not out:
            return out
        out.sort(key=lambda o: (o.start, -(o.end - o.start)))
        # a name inside a longer test phrase is the same test ("assays for paraneoplastic antibodies")
        out = _outermost(out)
        out = merge_abbreviations(text, folded, e, out, self._test_tail)
        # an umbrella term followed by a parenthesised list of tests: the list carries the results
        for i, o in enumerate(out):
            if i + 1 < len(out) and out[i + 1].start <= o.end + 3 and _OPENS_LIST.match(folded, o.end, e):
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
        e: int = 0,
        tail_end: int | None = None,
    ) -> None:
        """ "urine and cerebrospinal fluid examination": the coordinated modifier shares the head word.
        With ``tail_end`` (a lexicon name, its tail ending there), ``head`` is the test head word matched
        right after the tail in ``[tail_end, e)`` when a space follows it, looked for here only once the
        cheap test for "and" before the name has passed (most names have none): the same answers."""
        # "urine and ...": a word of its own, never the tail of a unit ("8 g/dL and ... levels")
        before = folded[max(s, start - 30) : start]
        kept = before.rstrip()
        if len(kept) == len(before) or not kept.endswith("and"):
            return  # (what the pattern below needs: "and" and a space right before the name)
        if tail_end is not None and folded[tail_end : tail_end + 1].isspace():
            head = self.rules.test_heads.match(folded, tail_end, e)
        if head is None and not self.rules.test_heads.search(folded, max(s, end - 15), end):
            return
        co = _CO_MODIFIER.search(before)
        if not co or co.group(1) in self.rules.test_stop:
            return
        cs = max(s, start - 30) + co.start(1)
        ce = cs + len(co.group(1))
        if any(o.start <= cs < o.end for o in out):
            return
        word = text[head.start() : head.end()] if head else folded[max(s, end - 15) : end].split()[-1]
        cat = self.category(folded, cs, ce, "")
        out.append(Obs(cs, ce, f"{text[cs:ce]} {word}", (), cat, f"np:{co.group(1)} {word.lower()}"))

    def category(self, folded: str, s: int, e: int, cls: str) -> str:
        """Observation category from the lexicon class, else from the words of the test name."""
        if cls == "vital":
            return "vital-signs"
        for cat, key in (("imaging", "imaging"), ("exam", "exam"), ("procedure", "diagnostic")):
            if cls == key or self.rules.category_words[cat].search(folded, s, e):
                return cat
        return "laboratory"


def _outermost(out: list[Obs]) -> list[Obs]:
    """The names of ``out`` (sorted by start, longer first) that no strictly longer name of it contains.

    Every container of a name stands before it in that order (it starts no later, and at the same start
    it is longer), and a name ending no earlier that stands before it contains it, strictly longer
    unless it has the very same span: so one sweep with the furthest end of the spans before a name's
    own span (equal spans stand together) answers for each name what a comparison with every other
    name answered (tests/extract/test_scan_equivalence.py)."""
    kept: list[Obs] = []
    furthest = -1  # the furthest end of the spans before the current one
    group_end = -1  # the furthest end including the current span
    prev: tuple[int, int] | None = None
    for o in out:
        span = (o.start, o.end)
        if span != prev:
            furthest, prev = group_end, span
        if furthest < o.end:
            kept.append(o)
        if o.end > group_end:
            group_end = o.end
    return kept


# what a finding after its verb takes: everything to the clause end (a decimal point or a comma that
# opens no new clause is not an end)
FINDING_TAIL = r"(?P<f>(?:[^.;,]+|\.(?=\d)|,(?!\s*(?:and|but|which|while|whereas)\b))+)"
_WORD = re.compile(r"[a-z][a-z0-9']*")
_OPENS_LIST = re.compile(r"\s*\(")  # "blood tests (sodium ..., potassium ...)": an umbrella's list
_CO_MODIFIER = re.compile(r"(?<![\w/.])([a-z]+)\s+and\s+$")  # "urine and " before a test name
_PREV_WORD = re.compile(r"(\S+)\s*$")
_ON_EXAM = re.compile(r"(?<!\w)(?:on|at)\s+$")
