"""Course statements: "the postoperative course was uneventful", "renal function markedly improved",
"platelet count dropped". The subject is what was observed (a test, or a course word such as "course",
"condition", "function") and the course word is its result -- an Observation, never an outcome of its own
(outcome.py leaves words a test has taken alone).

A statement is read only when the course word follows its subject directly (with at most a few
auxiliaries and adverbs between) and ends its phrase: "dropped to 8 g/dL" is a value the value reader
takes, and "a condition was suspected" states no course.
"""

from __future__ import annotations

import re

from ..text import alternation, norm_phrase
from ..wordstart import compile_word_start
from .obs import Obs
from .phrase_scan import note_words
from .rules import RuleData

__all__ = ["CourseRules", "CourseStatements"]

# after the course word: a number or a compound ("stable-appearing") makes it something else (read in
# the original text: folding turns the hyphen into a space)
_NOT_END = re.compile(r"\s*(?:[-\u2010\u2011]\w|(?:to|from|at|by)\s+[<>~]?\s*\d)")
_WORD = re.compile(r"[a-z][a-z'-]*")
# words that end a subject when walking left over its modifiers
_SUBJECT_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "our",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "but",
        "with",
        "was",
        "were",
        "is",
        "are",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "for",
        "after",
        "before",
        "while",
        "when",
        "since",
        "then",
        "which",
        "no",
        "not",
        "all",
        "other",
    ]
)


class CourseRules:
    """The course vocabulary of extraction.json, compiled once."""

    def __init__(self, data: RuleData) -> None:
        subjects = data.table("course_subjects", str)
        self.category = {norm_phrase(k): v for k, v in subjects.items()}
        words = alternation(data.words("course_words"))
        adverbs = alternation(data.words("course_adverbs"))
        # the auxiliaries and adverbs between subject and word; "not" may stand among them
        self.statement = re.compile(
            rf"(?<!\w)(?:(?:{adverbs}|not|never)\s+){{0,4}}?(?P<v>(?:(?:{adverbs}|not)\s+)?(?:{words}))(?!\w)"
        )
        # (every statement holds a course word, and every nominal phrase a course noun: the literal
        # gate is told their whole words, not the pieces of the trie -- phrase_scan.note_words)
        note_words(self.statement, words)
        self.subject = re.compile(rf"(?<!\w)(?P<h>{alternation(tuple(self.category))})\s+$")
        self.adverbs = frozenset(norm_phrase(w) for w in data.words("course_adverbs"))
        self.states = frozenset(norm_phrase(w) for w in data.words("course_patient_states"))
        # "an improvement in renal function", "a sudden drop in blood pressure": the noun before the test
        nouns = alternation(data.words("course_nouns"))
        self.nominal = re.compile(
            rf"(?<!\w)(?P<v>(?:(?:no|further|gradually|significant|marked|slight|mild|gradual|sudden|rapid|dramatic|"
            rf"progressive|partial|complete)\s+){{0,2}}(?:{nouns}))\s+(?:in|of)\s+(?:(?:the|his|her|their)\s+)?"
        )
        note_words(self.nominal, nouns)
        # "haemodynamically stable": the word before the course word names what was observed
        fronts = data.table("course_adverb_subjects", str)
        self.category.update({norm_phrase(k): v for k, v in fronts.items()})
        self.front = compile_word_start(
            rf"(?<!\w)(?P<h>{alternation(tuple(fronts))})\s+(?P<v>{words})(?![\w-])"
        )


class CourseStatements:
    def __init__(self, rules: CourseRules) -> None:
        self.rules = rules

    def read(self, text: str, folded: str, s: int, e: int, tests: list[Obs]) -> None:
        """Give each course statement of the sentence its subject: the test written right before it (when
        it has no result yet), or a new test named by the course subject and its modifiers."""
        r = self.rules
        self.read_fronted(text, folded, s, e, tests)
        if tests:  # (read_nominal gives a result to a test: nothing to do without one)
            self.read_nominal(text, folded, s, e, tests)
        for m in r.statement.finditer(folded, s, e):
            if folded[m.start() - 1 : m.start()] not in (" ", "") or _NOT_END.match(text, m.end(), e):
                continue
            vs, ve = m.span("v")
            first = folded[vs:ve].split()[0]
            if first in ("was", "were", "is", "are", "has", "had", "have", "been", "remained", "became"):
                vs = vs + len(first) + 1  # an auxiliary is no part of the result
            before = m.start() - 1
            test = next((t for t in tests if t.end == before or t.start <= before < t.end), None)
            if test is not None:
                if test.end == before and not _has_result(test):
                    test.value_text, test.value_span = text[vs:ve], (vs, ve)
                continue
            hm = r.subject.search(folded, max(s, m.start() - 30), m.start())
            if hm is None or any(t.start < m.start() and hm.start() < t.end for t in tests):
                continue
            start = self._modifiers(folded, s, hm.start("h"))
            end = hm.end("h")
            phrase = " ".join(folded[start:end].split())
            cat = r.category[norm_phrase(hm.group("h"))]
            tests.append(
                Obs(
                    start,
                    end,
                    text[start:end],
                    (),
                    cat,
                    f"np:{phrase}",
                    value_text=text[vs:ve],
                    value_span=(vs, ve),
                    state=phrase in r.states,
                )
            )

    def read_fronted(self, text: str, folded: str, s: int, e: int, tests: list[Obs]) -> None:
        """ "haemodynamically stable", "hemodynamic instability" stays a condition: only the course word."""
        for m in self.rules.front.finditer(folded, s, e):
            hs, he = m.span("h")
            if any(t.start < m.end() and hs < t.end for t in tests):
                continue
            vs, ve = m.span("v")
            cat = self.rules.category[norm_phrase(m.group("h"))]
            key = f"np:{norm_phrase(m.group('h'))}"
            tests.append(Obs(hs, he, text[hs:he], (), cat, key, value_text=text[vs:ve], value_span=(vs, ve)))

    def read_nominal(self, text: str, folded: str, s: int, e: int, tests: list[Obs]) -> None:
        """ "a further worsening of the left ventricular function": the test that follows takes the noun."""
        if not tests:
            return
        # a phrase ends with "in"/"of" (and perhaps "the", "his", ...) and its white space: with no test
        # written right after one of those words, no phrase can end where a test starts, and the
        # sentence is not scanned (most sentences with a test)
        if not any(_after_nominal_tail(folded, s, t.start) for t in tests):
            return
        at = {t.start: t for t in tests}
        for m in self.rules.nominal.finditer(folded, s, e):
            t = at.get(m.end())
            if t is not None and not _has_result(t):
                vs, ve = m.span("v")
                t.value_text, t.value_span = text[vs:ve], (vs, ve)

    def _modifiers(self, folded: str, s: int, start: int) -> int:
        """ "the postoperative clinical course", "her respiratory condition": up to two modifier words
        before the head, never a determiner, a possessive or an adverb of the course statement."""
        base = max(s, start - 40)
        words = list(_WORD.finditer(folded, base, start))
        for w in reversed(words[-2:]):
            word = w.group(0)
            if (
                folded[w.end() : start].strip()
                or word in _SUBJECT_STOP
                or word in self.rules.adverbs
                or word.endswith(("'s", "ly"))
            ):
                break
            start = w.start()
        return start


# the words the nominal phrase's tail may end with, right before its white space (CourseRules.nominal)
_NOMINAL_TAIL_WORDS = ("in", "of", "the", "his", "her", "their")


def _after_nominal_tail(folded: str, s: int, start: int) -> bool:
    """Whether white space (``\\s``: ``str.isspace``) stands before ``start`` inside the sentence from
    ``s``, and right before it one of the words a nominal phrase ends with: where no test starts so, no
    match of ``CourseRules.nominal`` ends at a test."""
    j = start
    while j > s and folded[j - 1].isspace():
        j -= 1
    return j < start and folded[max(s, j - 5) : j].endswith(_NOMINAL_TAIL_WORDS)


def _has_result(t: Obs) -> bool:
    return bool(t.value or t.value_text or t.interpretation or t.not_performed or t.components)
