"""Filters over one sentence's lexicon matches (kept apart from ``mentions.py`` to keep modules small).

Each drops or replaces a match whose surrounding words say it is not the mention it looks like.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

import ahocorasick

from ..text import norm_phrase
from .lexicon import Lexicon, Match
from .match_rules import MatchRules
from .prefilter import LiteralWindows

__all__ = [
    "NearDrugs",
    "SuffixGates",
    "attributive",
    "condition_mention",
    "given_analyte",
    "measured_levels",
    "near_drugs",
    "other_sense",
]

# a number right after an analyte's name ("iron 30", "calcium was 9.1"): a measurement, not a drug
_MEASURED_AFTER = re.compile(
    r"\s*(?:\(\s*[a-z0-9]{1,8}\s*\)\s*)?(?:level\s+|levels\s+)?(?:was|were|of|at|:|=)?\s*\d"
)
# "insulin 2.5 mU/L", "digoxin was 3.1 nmol/L": an amount per volume right after a drug's name is a
# concentration measured in the patient, never a dose given
_CONCENTRATION_AFTER = re.compile(
    r"\s*(?:\(\s*[a-z0-9]{1,8}\s*\)\s*)?(?:(?:was|were|of|at|:|=)\s*)?\d[\d.,]*\s*"
    r"(?:[a-zµμ]{1,4}|\[iu\])\s*/\s*(?:d?l|ml)(?![a-z0-9/])"
)
# between two items of one list of things given: a comma or a conjunction, never a bare space (a salt:
# "oseltamivir phosphate", "ibandronate sodium")
_ITEM_GLUE = re.compile(
    r"\s*(?:\([^()]{0,60}\)\s*)?(?:,\s*(?:(?:and|or)\s+)?|(?:and|or|and/or|as well as)\s+)"
)
_PREV_WORD = re.compile(r"([a-z]+)\s+$")
_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_LONG_WORD = re.compile(r"(?<![\w-])[a-z]{8,}(?![\w-])")
# every run of 8 or more letters: each long word is one (its neighbours are no letters, so it is a whole
# run, found whole from its first letter), and found twice as fast (the engine jumps to a letter
# instead of asking the lookbehind at every character); the runs that are no long word are asked too
_LETTER_RUN = re.compile(r"[a-z]{8,}")
_ATTRIBUTIVE_SPAN = 80  # characters at most between adjective and noun, so the gap test stays short


def measured_levels(
    lexicon: Lexicon, rules: MatchRules, text: str, folded: str, e: int, matches: list[Match]
) -> list[Match]:
    """A condition that holds a test name and is followed by a number gives way to that test.

    "elevated serum creatinine of 160 umol/l" is the creatinine test with its value (and its
    elevated interpretation); "elevated serum creatinine" with no number stays the finding.
    """
    out: list[Match] = []
    for m in matches:
        if m.concept.domain == "conditions" and rules.measured_after.match(folded, m.end, e):
            # from the second word: the level word before a test name makes the lexicon read
            # the finding again ("elevated" + "creatinine")
            gap = folded.find(" ", m.start, m.end)
            inner = (
                [t for t in lexicon.match(text, folded, gap + 1, m.end) if t.concept.domain == "tests"]
                if gap >= 0
                else []
            )
            if inner:
                out += inner
                continue
        out.append(m)
    return out


def attributive(rules: MatchRules, folded: str, matches: list[Match]) -> list[Match]:
    """Drop a one-word condition of adjective form that describes the finding noun after it.

    "painful erythematous swelling", "a diabetic ulcer", "perforated and ulcerated lesions": the
    finding is the noun, already a mention of its own; the adjective is how it looks, not a second
    condition. "hypotensive, tachycardic and pale" keeps every word: no finding noun follows.
    """
    ends = rules.adjective_endings

    def adjective(m: Match) -> bool:
        words = folded[m.start : m.end]
        return " " not in words.strip() and words.endswith(ends)

    out: list[Match] = []
    for i, m in enumerate(matches):
        if m.concept.domain == "conditions" and adjective(m):
            # the first condition after it that is no adjective itself ("painful erythematous swelling")
            nxt = next(
                (
                    n
                    for n in matches[i + 1 :]
                    if n.concept.domain == "conditions"
                    and not folded[n.start : n.end].split()[-1].endswith(ends)
                ),
                None,
            )
            if (
                nxt is not None
                and nxt.start - m.end <= _ATTRIBUTIVE_SPAN
                and rules.attributive_gap.fullmatch(folded, m.end, nxt.start) is not None
            ):
                continue
        out.append(m)
    return out


def given_analyte(rules: MatchRules, folded: str, s: int, e: int, m: Match, given_end: int) -> bool:
    """An analyte's name that names what was given ("intravenous iron", "calcium tablets", "saline and
    albumin"), never one with a measured value after it ("iron 30 ug/dL")."""
    if _MEASURED_AFTER.match(folded, m.end, e):
        return False
    if rules.analyte_given_before.search(folded, max(s, m.start - 30), m.start):
        return True
    if rules.analyte_given_after.match(folded, m.end, e):
        return True
    return given_end >= 0 and _ITEM_GLUE.fullmatch(folded, given_end, m.start) is not None


def near_drugs(
    lexicon: Lexicon, rules: MatchRules, folded: str, s: int, e: int, known: list[Match]
) -> list[Match]:
    """Long words no lexicon knows that misspell one drug by one letter ("remifentanyl")."""
    out: list[Match] = []
    for w in _LONG_WORD.finditer(folded, s, e):
        if w.group(0).endswith(rules.not_drug_endings) or any(
            k.start < w.end() and w.start() < k.end for k in known
        ):
            continue
        concept = lexicon.near_drug(w.group(0))
        if concept is not None:
            out.append(Match(w.start(), w.end(), concept))
    return out


_WORDISH = re.compile(r"[\w-]")


class NearDrugs:
    """``near_drugs`` of each sentence, from one scan of the document: its long words that misspell a
    drug (most documents have none) are found once, and a sentence takes those inside it. A sentence
    that ends inside a word (where the scan of the sentence alone would see the word end) is read alone.
    Which long words are misspelt drugs is remembered across documents (the same words recur)."""

    __slots__ = ("_drugs", "_folded", "_found", "_others", "_starts", "lexicon", "rules")

    def __init__(self, lexicon: Lexicon, rules: MatchRules) -> None:
        self.lexicon, self.rules = lexicon, rules
        self._folded: str | None = None
        self._found: list[Match] = []
        self._starts: list[int] = []
        self._drugs: set[str] = set()  # long words that are misspelt drugs
        self._others: set[str] = set()  # long words that are not

    def find(self, folded: str, s: int, e: int, known: list[Match]) -> list[Match]:
        if e < len(folded) and _WORDISH.match(folded, e):
            return near_drugs(self.lexicon, self.rules, folded, s, e, known)
        if self._folded is not folded:
            self._read(folded)
        if not self._found:
            return []
        a = bisect_left(self._starts, s)
        return [
            m
            for m in self._found[a : bisect_left(self._starts, e, a)]
            if m.end <= e and not any(k.start < m.end and m.start < k.end for k in known)
        ]

    def _read(self, folded: str) -> None:
        # (a superset of the long words: which of them are misspelt drugs is a question of the word
        # alone, and whether the document has one decides only whether ``near_drugs`` reads it)
        words = set(_LETTER_RUN.findall(folded))
        if len(self._others) + len(words) > 100_000:  # bounded, whatever the input
            self._others.clear()
            self._drugs.clear()
        for w in words - self._others - self._drugs:
            if w.endswith(self.rules.not_drug_endings) or self.lexicon.near_drug(w) is None:
                self._others.add(w)
            else:
                self._drugs.add(w)
        # (the words decided, the document's matches are exactly those of ``near_drugs`` over it)
        self._found = (
            near_drugs(self.lexicon, self.rules, folded, 0, len(folded), []) if words & self._drugs else []
        )
        self._starts = [m.start for m in self._found]
        self._folded = folded


def measured_drug(folded: str, m: Match, e: int) -> bool:
    """A drug name followed by a concentration is the drug's (or hormone's) measured level."""
    return _CONCENTRATION_AFTER.match(folded, m.end, e) is not None


def other_sense(rules: MatchRules, folded: str, s: int, e: int, m: Match) -> bool:
    """The word right before or after a condition term gives it another, non-disease sense: "good bone
    consolidation" is a healed fracture, "cervical dilatation" a stage of labour, "obtained by
    aspiration" and "aspiration drainage" a procedure."""
    term = norm_phrase(folded[m.start : m.end])
    before_words, after_words = rules.other_senses.get(term), rules.other_senses_after.get(term)
    if before_words is not None:
        before = _PREV_WORD.search(folded, max(s, m.start - 30), m.start)
        if before is not None and before.group(1) in before_words:
            return True
    if after_words is not None:
        after = _NEXT_WORD.match(folded, m.end, e)
        return after is not None and after.group(1) in after_words
    return False


# "M. tuberculosis": a condition word right after a genus initial is the species of an organism
_GENUS_INITIAL = re.compile(r"(?<![a-z0-9])[a-z]\.\s*$")


def condition_mention(
    rules: MatchRules,
    folded: str,
    s: int,
    e: int,
    m: Match,
    outcome_spans: list[tuple[int, int]],
    name_before: LiteralWindows | None = None,
) -> bool:
    """Whether a condition match of sentence ``[s, e)`` is a condition mention: not a stop term, not a
    word of an outcome phrase ("complete resolution") unless the word is itself a finding of the patient
    ("remained asymptomatic", "no recurrence"), not part of a test's name or result, not another sense,
    not the species of an organism ("M. tuberculosis"). ``name_before``, the literal windows of
    ``rules.name_before``, spares its search where the document's words say it finds nothing."""
    words = norm_phrase(folded[m.start : m.end])
    lo = max(s, m.start - 60)
    return (
        words not in rules.condition_stop
        and (
            words in rules.outcome_findings
            or not any(os_ <= m.start and m.end <= oe for os_, oe in outcome_spans)
        )
        and not rules.modifier_head.match(folded, m.end, e)
        and not rules.modifier_head_far.match(folded, m.end, e)
        and not rules.result_after.match(folded, m.end, e)
        and not (
            (name_before is None or name_before.maybe(folded, lo, m.start))
            and rules.name_before.search(folded, lo, m.start)
        )
        and not rules.stop_phrases.match(folded, m.start, e)
        and not other_sense(rules, folded, s, e, m)
        and not _GENUS_INITIAL.search(folded, max(s, m.start - 4), m.start)
    )


_WORD_CHAR = re.compile(r"\w")


class _Everything:
    """The answer "every domain may be there"."""

    def __contains__(self, item: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


_EVERYTHING = _Everything()
_MAX_KNOWN = 64  # known matches of a sentence beyond which SuffixGates.domains does not ask them
_NOTHING: frozenset[str] = frozenset()


class SuffixGates:
    """Whether a sentence may hold a word of each suffix domain, from one scan of the document.

    Every suffix word ends with one of its domain's endings, right before a non-word character. Searched
    in every sentence, that gate cost more than the suffix words it let through. Instead one automaton
    of all the endings lists, once per document, where each domain's endings occur so (every position:
    found overlapping). An ending that occurs so inside a sentence, ``[c, d)``, occurs so at ``c`` in the
    document too, unless ``d`` is the sentence's end and a word character follows it there: so a
    sentence with no such position and no word character right after it has no suffix word, as its own
    search would have said."""

    __slots__ = ("_any", "_automaton", "_folded", "_starts")

    def __init__(self, endings: dict[str, tuple[str, ...]]) -> None:
        domains: dict[str, list[str]] = {}  # ending -> its domains
        for domain, words in endings.items():
            for x in words:
                if x:
                    domains.setdefault(x, []).append(domain)
        automaton: Any = ahocorasick.Automaton()
        for x, ds in domains.items():
            automaton.add_word(x, (len(x), tuple(ds)))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton if len(automaton) else None
        self._folded: str | None = None
        self._starts: dict[str, list[int]] = {}
        self._any: list[int] = []  # every domain's starts together, sorted

    def maybe(self, domain: str, folded: str, s: int, e: int) -> bool:
        """False only when no word of the domain's suffixes can be in ``folded[s:e]``."""
        if e < len(folded) and _WORD_CHAR.match(folded, e):
            return True  # (the sentence's own search sees no word character after it)
        if self._folded is not folded:
            self._read(folded)
        starts = self._starts.get(domain)
        if not starts:
            return False
        i = bisect_left(starts, s)
        return i < len(starts) and starts[i] < e

    def domains(
        self, folded: str, s: int, e: int, known: Sequence[Match] = ()
    ) -> frozenset[str] | _Everything:
        """The domains for which ``maybe`` says True (all at once: one call a sentence), less those
        whose every ending in the range lies inside one of the ``known`` matches.

        A suffix word that overlaps a known match is no suffix word of the sentence (see
        ``MentionFinder._suffix_matches``), and most endings are inside a word the lexicon knows
        ("gastritis"). A suffix word holds its ending, which starts after the word's start and before
        its end: so an ending inside a known match puts the whole word across that match. Where each of
        a domain's endings in the range is so, every word of the domain the search would find is
        dropped, and the search is not made (the endings are those of the document's scan: the
        exceptions above, a word character after the range, answer every domain)."""
        if e < len(folded) and _WORD_CHAR.match(folded, e):
            return _EVERYTHING
        if self._folded is not folded:
            self._read(folded)
        # most sentences hold no ending of any domain: one bisection of all the starts says so
        every = self._any
        i = bisect_left(every, s)
        if i == len(every) or every[i] >= e:
            return _NOTHING
        if len(known) > _MAX_KNOWN:
            known = ()  # (each ending asked of every known match: bounded, whatever the input)
        out = _NOTHING
        for domain, starts in self._starts.items():
            n = len(starts)
            i = bisect_left(starts, s)
            while i < n and (d := starts[i]) < e:
                if not any(k.start <= d < k.end for k in known):
                    out = out | {domain}
                    break
                i += 1
        return out

    def _read(self, folded: str) -> None:
        found: dict[str, set[int]] = {}
        if self._automaton is not None:
            n = len(folded)
            for last, (length, domains) in self._automaton.iter(folded):
                # not before a non-word character (``\w`` is a character ``isalnum`` or "_")
                if last + 1 < n and ((c := folded[last + 1]).isalnum() or c == "_"):
                    continue
                for d in domains:
                    found.setdefault(d, set()).add(last + 1 - length)
        self._starts = {d: sorted(v) for d, v in found.items()}
        self._any = sorted({x for v in found.values() for x in v})
        self._folded = folded
