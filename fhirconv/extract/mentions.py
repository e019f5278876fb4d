"""Lexicon matches -> mentions: document-defined abbreviations, word-form matches, drug-name contexts.

A dictionary match is only a candidate: a drug name inside "serum digoxin level" names a test, a
condition word inside an outcome phrase ("complete remission") or before a modifier head is not a
condition of its own. What survives here is what the components read.
"""

from __future__ import annotations

import re
from operator import attrgetter

from ..model import Coding, Document
from ..text import fold, norm_phrase
from .compose import attributive_procedures
from .defined import (
    AliasIndex,
    abbreviations_defined,
    concept_words,
    defined_wins,
    initials,
    one_name,
    spelled_out,
)
from .lexicon import Concept, Lexicon, Match
from .match_filters import (
    NearDrugs,
    SuffixGates,
    attributive,
    condition_mention,
    given_analyte,
    measured_drug,
    measured_levels,
)
from .match_rules import MatchRules
from .prefilter import AnyOf, LiteralWindows
from .rules import OutcomeRules
from .text import space_before

__all__ = ["PAREN_ABBR", "Aliases", "MentionFinder", "codings_of", "surface"]

PAREN_ABBR = re.compile(r"\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9\-/ ]{0,9}?)\s*\)")

_OPEN_PAREN = re.compile(r"\s*\(\s*")
_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_PREV_WORD = re.compile(r"([a-z]+)\s+$")
# what may stand between the items of one list of drugs
_LIST_GLUE = re.compile(r"\s*(?:\([^()]{0,60}\)\s*)?(?:,\s*)?(?:(?:and|or|and/or|as well as)\s+)?")


# abbreviation -> (the concept, the long form the text gave it), matched with one automaton per document
# (no regex per abbreviation: compiling those cost more than matching them); the concept is
# ``_FOREIGN_CONCEPT`` when the text defines the abbreviation for words the lexicon does not know
# ("endomyocardial biopsy (EMB)"), so the lexicon's own reading of those letters (ethambutol) is wrong
# in this document
Aliases = AliasIndex


class MentionFinder:
    def __init__(self, lexicon: Lexicon, rules: MatchRules, outcomes: OutcomeRules) -> None:
        self.lexicon = lexicon
        self.rules = rules
        self.outcomes = outcomes
        self.any_outcome = AnyOf([pat for _, pat in outcomes.phrases])
        self._suffix_gates = SuffixGates(rules.suffix_endings)
        self._near = NearDrugs(lexicon, rules)
        # the words before a mention are searched for an institution's or a test's name only where the
        # document holds one of their words (most windows hold none)
        self._openers = LiteralWindows(rules.name_openers)
        self._name_before = LiteralWindows(rules.name_before)
        # ``False`` takes the general way where a shortcut would do (tests/extract/test_sentence_shortcuts.py)
        self.shortcuts = True

    def aliases(self, doc: Document, folded: str) -> Aliases:
        """Abbreviations the text defines right after a matched term: "syndrome (OMS)"."""
        text = doc.text
        out = AliasIndex()
        for sec in doc.sections:
            if sec.excluded:
                continue
            for m in self.lexicon.match(text, folded, sec.start, sec.end):
                # (PAREN_ABBR starts with spaces or its bracket: most matches have neither after them)
                if (c := text[m.end : m.end + 1]) != "(" and not c.isspace():
                    continue
                pm = PAREN_ABBR.match(text, m.end)
                if not pm:
                    continue
                abbr = pm.group("abbr").strip()
                if not any(ch.isupper() for ch in abbr) or len(abbr) < 2:
                    continue
                # an abbreviation is written mostly in capitals: "(figure 1A)" is a reference, no alias
                letters = [ch for ch in abbr if ch.isalpha()]
                if 2 * sum(ch.isupper() for ch in letters) < len(letters):
                    continue
                if abbr[0].lower() != text[m.start].lower():
                    # "tazobactam/piperacillin (TAZ/PIPC)", "intravenous cyclophosphamide (IVCY)": a drug's
                    # letters may start before its name, when the words before it spell them (a test or a
                    # finding so named is a longer concept than the term: "endomyocardial biopsy (EMB)")
                    lf = spelled_out(abbr, text[max(sec.start, m.start - 40) : m.end])
                    if m.concept.domain != "drugs" or lf is None or not lf.endswith(text[m.start : m.end]):
                        continue
                if fold(abbr) == fold(text[m.start : m.end]):
                    continue
                if abbr not in out:
                    out[abbr] = (m.concept, " ".join(text[m.start : m.end].split()))
            for pm in abbreviations_defined(text, sec.start, sec.end):
                abbr = pm.group("abbr")
                if abbr in out or not any(ch.isupper() for ch in abbr):
                    continue
                long_form = spelled_out(abbr, text[max(sec.start, pm.start() - 80) : pm.start()])
                if long_form is None:
                    continue
                # the lexicon reads the letters as one kind of thing, the words they stand for are another
                lf_start = pm.start() - len(long_form) - space_before(text, pm.start())
                spelled_matches = list(self.lexicon.match(text, folded, max(sec.start, lf_start), pm.start()))
                read = list(self.lexicon.match(text, folded, pm.start("abbr"), pm.end("abbr")))
                words = set(re.findall(r"[a-z]{3,}", fold(long_form)))
                same = any(words & concept_words(m.concept) for m in read)
                # the words the text spells out, which the lexicon knows, name another thing than its
                # reading of the letters ("heat shock protein (HSP)" is no Henoch-Schoenlein purpura):
                # unless one of those words is that very concept, the reading is wrong in this document
                known = {m.concept.id for m in spelled_matches} & {m.concept.id for m in read}
                other_kind = {m.concept.domain for m in spelled_matches}.isdisjoint(
                    {m.concept.domain for m in read}
                )
                if (
                    spelled_matches
                    and read
                    and not same
                    and not known
                    and (other_kind or initials(abbr, long_form))
                ):
                    out[abbr] = (_FOREIGN_CONCEPT, long_form)
        return out

    def find(self, text: str, folded: str, s: int, e: int, aliases: Aliases) -> list[Match]:
        """The mentions of sentence ``[s, e)``, in text order, without overlaps."""
        # an abbreviation the text defines means what the text says, not the lexicon's reading
        defined = _alias_matches(text, aliases, s, e)
        read = self.lexicon.match(text, folded, s, e)
        # (no abbreviation the document defines in the sentence, most sentences: nothing to set aside
        # and nothing to add, and the lexicon's matches are a list made for this call)
        if defined or not self.shortcuts:
            read = defined_wins(read, defined)
        lexical = measured_levels(self.lexicon, self.rules, text, folded, e, read)
        # (the lexicon's matches are in text order without overlaps: sorted again only when others join)
        extra = [m for m in defined if m.concept.domain != _FOREIGN] if defined else []
        matches = lexical + extra if extra else lexical
        if (suffixed := self._suffix_matches(text, folded, s, e, matches)) or extra:
            matches = _dedupe(matches + suffixed)
        if near := self._near.find(folded, s, e, matches):
            matches = _dedupe(matches + near)
        # each step below changes only matches of some domains (and adds none but procedures): one the
        # sentence lacks is skipped, as it would hand back what it was given
        kinds = set(map(_DOMAIN, matches)) if self.shortcuts else _ALL_DOMAINS
        if "drugs" in kinds or "tests" in kinds:
            matches = self._drug_context(folded, s, e, matches)
        composed = self.rules.composer.compose(text, folded, s, e, matches)
        if composed is not matches or "procedures" in kinds:
            composed = attributive_procedures(folded, composed)
        matches = self._whole_names(folded, s, e, composed)
        if "conditions" not in kinds:
            return matches  # (no condition: one name, the outcome phrases and adjectives matter to none)
        matches = one_name(text, s, e, matches)
        if self.shortcuts and not any(m.concept.domain == "conditions" for m in matches):
            return attributive(self.rules, folded, matches)  # (the outcome phrases matter to conditions only)
        phrases = self.outcomes.phrases if self.any_outcome.search(folded, s, e) else ()
        outcome_spans = [(om.start(), om.end()) for _, pat in phrases for om in pat.finditer(folded, s, e)]
        kept = [
            m
            for m in matches
            if m.concept.domain != "conditions"
            or condition_mention(self.rules, folded, s, e, m, outcome_spans, self._name_before)
        ]
        return attributive(self.rules, folded, kept)

    def _drug_context(self, folded: str, s: int, e: int, matches: list[Match]) -> list[Match]:
        """A drug name is not always a drug given: "serum digoxin level" is a test, "anti-insulin
        antibodies" and "insulin-dependent" are neither, and "medications" names no drug."""
        r = self.rules
        out: list[Match] = []
        dropped_end = -1  # end of the last drug left out, to carry the reason over a list
        measured_end = -1  # end of the last drug name read as a measured level
        given_end = -1  # end of the last drug given, to carry "given" over a list ("saline and albumin")
        for m in matches:
            if m.concept.domain == "tests" and m.concept.cls == "lab" and m.concept.unit:
                if given_analyte(self.rules, folded, s, e, m, given_end):
                    c = m.concept
                    drug = Concept("drugs", f"given:{c.id}", c.display, "", ())
                    out.append(Match(m.start, m.end, drug, m.expansion))
                    given_end = m.end
                else:
                    out.append(m)
                continue
            if m.concept.domain != "drugs":
                out.append(m)
                continue
            if norm_phrase(folded[m.start : m.end]) in r.drug_stop:
                continue
            before = folded[max(s, m.start - 25) : m.start]
            if (
                r.drug_not_given_before.search(before)
                or r.drug_examples.search(before)
                or r.drug_not_given_after.match(folded, m.end, e)
            ):
                dropped_end = m.end
                continue
            # "resistant to clindamycin, linezolid (MIC 2) and oxacillin": the list shares the phrase
            if dropped_end >= 0 and _LIST_GLUE.fullmatch(folded, dropped_end, m.start):
                dropped_end = m.end
                continue
            # "total immunoglobulin (Ig) G": the abbreviation in brackets is the measured name again
            if measured_end >= 0 and _OPEN_PAREN.fullmatch(folded, measured_end, m.start):
                continue
            if (
                r.drug_level_after.match(folded, m.end, e)
                or r.drug_level_before.search(before)
                or measured_drug(folded, m, e)
            ):
                c = m.concept
                test = Concept(
                    "tests", f"level:{c.id}", f"{c.display} level", "lab", c.codings, None, "laboratory"
                )
                out.append(Match(m.start, m.end, test, m.expansion))
                measured_end = m.end
                continue
            out.append(m)
            given_end = m.end
        return out

    def _whole_names(self, folded: str, s: int, e: int, matches: list[Match]) -> list[Match]:
        """A term inside a longer name is not a fact: "sodium channel blocker" and "sodium phosphate"
        are no sodium results, "warfarin potassium" no potassium, "surgery department" and
        "nephrostomy drain" no procedures."""
        r = self.rules
        openers = self._openers
        out: list[Match] = []
        prev: Match | None = None
        for m in matches:
            domain = m.concept.domain
            # the cheap questions first, and each word looked up only by the reason that needs it
            heads = r.name_heads.get(domain)
            lo = max(s, m.start - 40)
            if (heads is not None and heads.match(folded, m.end, e)) or (
                openers.maybe(folded, lo, m.start) and r.name_openers.search(folded, lo, m.start) is not None
            ):  # "department of <surgery>": an institution
                prev = m
                continue
            if domain == "tests":
                words = norm_phrase(folded[m.start : m.end])
                cation, anion = words in r.salt_cations, words in r.salt_anions
                if cation or anion:
                    glued = (
                        prev is not None
                        and prev.concept.domain == "drugs"
                        and not folded[prev.end : m.start].strip()
                    )
                    if cation and (glued or _next_word(folded, m.end, e) in r.salt_anions):
                        prev = m
                        continue
                    if anion and (glued or _last_word(folded, s, m.start) in r.salt_cations):
                        prev = m
                        continue
            elif domain == "procedures":
                words = norm_phrase(folded[m.start : m.end])
                if (
                    not words.endswith(r.act_noun_endings)
                    and r.device_heads.match(folded, m.end, e) is not None
                ) or self._not_an_act(folded, s, e, m, prev):
                    prev = m
                    continue
            out.append(m)
            prev = m
        return out

    def _not_an_act(self, folded: str, s: int, e: int, m: Match, prev: Match | None) -> bool:
        """A procedure verb form that tells no act of its own: "the resected duodenum" (a specimen),
        "paracentesis removed 2 L" (what the procedure before it did), "the drain was removed"."""
        words = folded[m.start : m.end]
        if " " in words.strip() or not words.endswith("ed"):
            return False
        r = self.rules
        nxt = _next_word(folded, m.end, e)
        if (
            _last_word(folded, s, m.start) in r.participle_determiners
            and nxt
            and nxt not in r.attributive_breaks
        ):
            return True
        if (
            prev is not None
            and prev.concept.domain == "procedures"
            and not folded[prev.end : m.start].strip()
        ):
            return True
        return r.removed_objects.search(folded, max(s, m.start - 60), m.start) is not None

    def _suffix_matches(self, text: str, folded: str, s: int, e: int, known: list[Match]) -> list[Match]:
        """Words the lexicons lack but whose form says what they are: "-ectomy" is surgery,
        "-graphy"/"-scopy" a test ("hemicolectomy", "cholangiopancreatography"), "-itis"/"-algia" a
        finding ("tenosynovitis", "epigastralgia"), uncoded."""
        out: list[Match] = []
        maybe = self._suffix_gates.domains(folded, s, e, known if self.shortcuts else ())
        if not maybe:
            return out  # no word of the sentence has one of the endings outside the known matches
        for domain, pat in self.rules.suffix_words.items():
            if domain not in maybe:
                continue
            for m in pat.finditer(folded, s, e):
                head = folded[m.start() : m.end()].split()[-1]
                if head.startswith(self.rules.suffix_stop_prefixes):
                    continue  # "autosplenectomy" is what a disease did, not a surgery
                if head in self.rules.suffix_stop or any(
                    k.start < m.end() and m.start() < k.end for k in known
                ):
                    continue
                if domain == "conditions" and "-" in text[m.start() - 1 : m.end() + 1]:
                    continue  # part of a compound ("lymphoepithelioma-like"): not the finding's name
                words = " ".join(folded[m.start() : m.end()].split())
                cls = _SUFFIX_CLASS[domain]
                concept = Concept(domain, f"sfx:{words}", text[m.start() : m.end()], cls, ())
                out.append(Match(m.start(), m.end(), concept))
        return out


# what a word known only by its ending is: "-ectomy" surgery, "-scopy" a test, "-itis" a finding
_SUFFIX_CLASS = {"procedures": "surgical", "tests": "diagnostic", "conditions": "sign"}
_FOREIGN = "__foreign__"
_DOMAIN = attrgetter("concept.domain")
_ALL_DOMAINS = frozenset({"conditions", "drugs", "procedures", "tests"})
_FOREIGN_CONCEPT = Concept(_FOREIGN, _FOREIGN, "", "", ())


def _next_word(folded: str, end: int, e: int) -> str:
    """The word right after ``end`` (within the sentence ending at ``e``), or ""."""
    after = _NEXT_WORD.match(folded, end, e)
    return after.group(1) if after else ""


def _last_word(folded: str, s: int, start: int) -> str:
    """The word right before ``start`` (at most 30 characters back, not before ``s``), or ""."""
    before = _PREV_WORD.search(folded, max(s, start - 30), start)
    return before.group(1) if before else ""


def _alias_matches(text: str, aliases: Aliases, s: int, e: int) -> list[Match]:
    """Every defined abbreviation in ``text[s:e]``, from the document's one automaton scan (see
    :meth:`AliasIndex.match_in`) instead of one regex per abbreviation per sentence."""
    return aliases.match_in(text, s, e) if aliases else []


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


class CodingsMemo:
    """``codings_of(c)``, remembered by the codings it is made of: a ``Coding`` never changes, so one
    tuple serves every fact of a concept, and the same few concepts are named sentence after sentence,
    report after report. One per component (bounded, whatever the lexicon)."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[tuple[tuple[str, str, str], ...], tuple[Coding, ...]] = {}

    def __call__(self, c: Concept) -> tuple[Coding, ...]:
        got = self._made.get(c.codings)
        if got is None:
            if len(self._made) >= 4096:
                self._made.clear()
            got = self._made[c.codings] = codings_of(c)
        return got


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
