"""Lexicon matches -> mentions: document-defined abbreviations, word-form matches, drug-name contexts.

A dictionary match is only a candidate: a drug name inside "serum digoxin level" names a test, a
condition word inside an outcome phrase ("complete remission") or before a modifier head is not a
condition of its own. What survives here is what the components read.
"""

from __future__ import annotations

import re

from ..model import Coding, Document
from ..text import fold, norm_phrase
from .lexicon import Concept, Lexicon, Match
from .rules import MatchRules, OutcomeRules

__all__ = ["PAREN_ABBR", "Aliases", "MentionFinder", "codings_of", "surface"]

PAREN_ABBR = re.compile(r"\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9\- ]{0,9}?)\s*\)")

# abbreviation -> (its pattern, the concept, the long form the text gave it)
Aliases = dict[str, tuple[re.Pattern[str], Concept, str]]


class MentionFinder:
    def __init__(self, lexicon: Lexicon, rules: MatchRules, outcomes: OutcomeRules) -> None:
        self.lexicon = lexicon
        self.rules = rules
        self.outcomes = outcomes

    def aliases(self, doc: Document, folded: str) -> Aliases:
        """Abbreviations the text defines right after a matched term: "syndrome (OMS)"."""
        text = doc.text
        out: Aliases = {}
        for sec in doc.sections:
            if sec.excluded:
                continue
            for m in self.lexicon.match(text, folded, sec.start, sec.end):
                pm = PAREN_ABBR.match(text, m.end)
                if not pm:
                    continue
                abbr = pm.group("abbr").strip()
                if not any(ch.isupper() for ch in abbr) or len(abbr) < 2:
                    continue
                if abbr[0].lower() != text[m.start].lower():
                    continue
                if fold(abbr) == fold(text[m.start : m.end]):
                    continue
                if abbr not in out:
                    pat = re.compile(r"(?<![\w-])" + re.escape(abbr).replace(r"\ ", r"\s?") + r"(?![\w-])")
                    out[abbr] = (pat, m.concept, " ".join(text[m.start : m.end].split()))
        return out

    def find(self, text: str, folded: str, s: int, e: int, aliases: Aliases) -> list[Match]:
        """The mentions of sentence ``[s, e)``, in text order, without overlaps."""
        matches = self.lexicon.match(text, folded, s, e) + _alias_matches(text, aliases, s, e)
        matches = _dedupe(matches + self._suffix_matches(text, folded, s, e, matches))
        matches = self._drug_context(folded, s, e, matches)
        outcome_spans = [
            (om.start(), om.end()) for _, pat in self.outcomes.phrases for om in pat.finditer(folded, s, e)
        ]
        return [
            m
            for m in matches
            if m.concept.domain != "conditions"
            or (
                norm_phrase(folded[m.start : m.end]) not in self.rules.condition_stop
                and not any(os_ <= m.start and m.end <= oe for os_, oe in outcome_spans)
                and not self.rules.modifier_head.match(folded, m.end, e)
            )
        ]

    def _drug_context(self, folded: str, s: int, e: int, matches: list[Match]) -> list[Match]:
        """A drug name is not always a drug given: "serum digoxin level" is a test, "anti-insulin
        antibodies" and "insulin-dependent" are neither, and "medications" names no drug."""
        r = self.rules
        out: list[Match] = []
        for m in matches:
            if m.concept.domain != "drugs":
                out.append(m)
                continue
            if norm_phrase(folded[m.start : m.end]) in r.drug_stop:
                continue
            before = folded[max(s, m.start - 25) : m.start]
            if r.drug_not_given_before.search(before) or r.drug_not_given_after.match(folded, m.end, e):
                continue
            if r.drug_level_after.match(folded, m.end, e) or r.drug_level_before.search(before):
                c = m.concept
                test = Concept(
                    "tests", f"level:{c.id}", f"{c.display} level", "lab", c.codings, None, "laboratory"
                )
                out.append(Match(m.start, m.end, test, m.expansion))
                continue
            out.append(m)
        return out

    def _suffix_matches(self, text: str, folded: str, s: int, e: int, known: list[Match]) -> list[Match]:
        """Words the lexicons lack but whose form says what they are: "-ectomy" is surgery,
        "-graphy"/"-scopy" a test ("hemicolectomy", "cholangiopancreatography")."""
        out: list[Match] = []
        for domain, pat in self.rules.suffix_words.items():
            for m in pat.finditer(folded, s, e):
                head = folded[m.start() : m.end()].split()[-1]
                if head in self.rules.suffix_stop or any(
                    k.start < m.end() and m.start() < k.end for k in known
                ):
                    continue
                words = " ".join(folded[m.start() : m.end()].split())
                if domain == "procedures":
                    concept = Concept("procedures", f"sfx:{words}", text[m.start() : m.end()], "surgical", ())
                else:
                    concept = Concept(
                        "tests", f"sfx:{words}", text[m.start() : m.end()], "diagnostic", (), None, None
                    )
                out.append(Match(m.start(), m.end(), concept))
        return out


def _alias_matches(text: str, aliases: Aliases, s: int, e: int) -> list[Match]:
    out = []
    for pat, concept, long_form in aliases.values():
        for m in pat.finditer(text, s, e):
            out.append(Match(m.start(), m.end(), concept, long_form))
    return out


def _dedupe(matches: list[Match]) -> list[Match]:
    matches = sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Match] = []
    for m in matches:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def codings_of(c: Concept) -> tuple[Coding, ...]:
    return tuple(Coding(s, k, d) for s, k, d in c.codings)


def surface(text: str, m: Match) -> str:
    """The words as written; an abbreviation gets its long form so the resource reads on its own."""
    words = " ".join(text[m.start : m.end].split())
    expansion = m.expansion
    if (
        expansion is None
        and len(words) <= 8
        and words.upper() == words
        and fold(words) != fold(m.concept.display)
    ):
        expansion = m.concept.display
    return f"{words} ({expansion})" if expansion else words
