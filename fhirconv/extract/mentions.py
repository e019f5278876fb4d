"""Lexicon matches -> mentions: document-defined abbreviations, word-form matches, drug-name contexts.

A dictionary match is only a candidate: a drug name inside "serum digoxin level" names a test, a
condition word inside an outcome phrase ("complete remission") or before a modifier head is not a
condition of its own. What survives here is what the components read.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Coding, Document
from ..text import fold, norm_phrase
from .compose import attributive_procedures
from .defined import defined_wins
from .lexicon import AliasIndex, Concept, Lexicon, Match
from .match_filters import attributive, given_analyte, measured_drug, measured_levels, near_drugs, other_sense
from .match_rules import MatchRules
from .prefilter import AnyOf, ending_gate
from .rules import OutcomeRules

__all__ = ["PAREN_ABBR", "Aliases", "MentionFinder", "codings_of", "surface"]

PAREN_ABBR = re.compile(r"\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9\-/ ]{0,9}?)\s*\)")

_OPEN_PAREN = re.compile(r"\s*\(\s*")
_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_PREV_WORD = re.compile(r"([a-z]+)\s+$")
# what may stand between the items of one list of drugs
_LIST_GLUE = re.compile(r"\s*(?:\([^()]{0,60}\)\s*)?(?:,\s*)?(?:(?:and|or|and/or|as well as)\s+)?")


# abbreviation -> (its pattern, the concept, the long form the text gave it); concept None: the text
# defines the abbreviation for words the lexicon does not know ("endomyocardial biopsy (EMB)"), so the
# lexicon's own reading of those letters (ethambutol) is wrong in this document
Aliases = dict[str, tuple[re.Pattern[str], Concept | None, str]]


class MentionFinder:
    def __init__(self, lexicon: Lexicon, rules: MatchRules, outcomes: OutcomeRules) -> None:
        self.lexicon = lexicon
        self.rules = rules
        self.outcomes = outcomes
        self.any_outcome = AnyOf([pat for _, pat in outcomes.phrases])
        self._suffix_gates = {d: ending_gate(p) for d, p in rules.suffix_words.items()}

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
                # an abbreviation is written mostly in capitals: "(figure 1A)" is a reference, no alias
                letters = [ch for ch in abbr if ch.isalpha()]
                if 2 * sum(ch.isupper() for ch in letters) < len(letters):
                    continue
                if abbr[0].lower() != text[m.start].lower():
                    # "tazobactam/piperacillin (TAZ/PIPC)", "intravenous cyclophosphamide (IVCY)": a drug's
                    # letters may start before its name, when the words before it spell them (a test or a
                    # finding so named is a longer concept than the term: "endomyocardial biopsy (EMB)")
                    lf = _long_form(abbr, text[max(sec.start, m.start - 40) : m.end])
                    if m.concept.domain != "drugs" or lf is None or not lf.endswith(text[m.start : m.end]):
                        continue
                if fold(abbr) == fold(text[m.start : m.end]):
                    continue
                if abbr not in out:
                    out[abbr] = (_abbr_pattern(abbr), m.concept, " ".join(text[m.start : m.end].split()))
            for pm in _DEFINED_ABBR.finditer(text, sec.start, sec.end):
                abbr = pm.group("abbr")
                if abbr in out or not any(ch.isupper() for ch in abbr):
                    continue
                long_form = _long_form(abbr, text[max(sec.start, pm.start() - 80) : pm.start()])
                if long_form is None:
                    continue
                # the lexicon reads the letters as one kind of thing, the words they stand for are another
                lf_start = (
                    pm.start() - len(long_form) - (len(text[: pm.start()]) - len(text[: pm.start()].rstrip()))
                )
                spelled_matches = list(self.lexicon.match(text, folded, max(sec.start, lf_start), pm.start()))
                read = list(self.lexicon.match(text, folded, pm.start("abbr"), pm.end("abbr")))
                words = set(re.findall(r"[a-z]{3,}", fold(long_form)))
                same = any(words & _concept_words(m.concept) for m in read)
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
                    and (other_kind or _initials(abbr, long_form))
                ):
                    out[abbr] = (_abbr_pattern(abbr), None, long_form)
        return out

    def find(self, text: str, folded: str, s: int, e: int, aliases: Aliases) -> list[Match]:
        """The mentions of sentence ``[s, e)``, in text order, without overlaps."""
        # an abbreviation the text defines means what the text says, not the lexicon's reading
        defined = _alias_matches(text, aliases, s, e)
        lexical = measured_levels(
            self.lexicon,
            self.rules,
            text,
            folded,
            e,
            defined_wins(self.lexicon.match(text, folded, s, e), defined),
        )
        matches = lexical + [m for m in defined if m.concept.domain != _FOREIGN]
        matches = _dedupe(matches + self._suffix_matches(text, folded, s, e, matches))
        matches = _dedupe(matches + near_drugs(self.lexicon, self.rules, folded, s, e, matches))
        matches = self._drug_context(folded, s, e, matches)
        matches = attributive_procedures(folded, self.rules.composer.compose(text, folded, s, e, matches))
        matches = self._whole_names(folded, s, e, matches)
        matches = _one_name(text, s, e, matches)
        phrases = self.outcomes.phrases if self.any_outcome.search(folded, s, e) else ()
        outcome_spans = [(om.start(), om.end()) for _, pat in phrases for om in pat.finditer(folded, s, e)]
        kept = [
            m
            for m in matches
            if m.concept.domain != "conditions"
            or (
                norm_phrase(folded[m.start : m.end]) not in self.rules.condition_stop
                and not any(os_ <= m.start and m.end <= oe for os_, oe in outcome_spans)
                and not self.rules.modifier_head.match(folded, m.end, e)
                and not self.rules.modifier_head_far.match(folded, m.end, e)
                and not self.rules.result_after.match(folded, m.end, e)
                and not self.rules.name_before.search(folded, max(s, m.start - 60), m.start)
                and not self.rules.stop_phrases.match(folded, m.start, e)
                and not other_sense(self.rules, folded, s, e, m)
            )
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
        out: list[Match] = []
        prev: Match | None = None
        for m in matches:
            heads = r.name_heads.get(m.concept.domain)
            words = norm_phrase(folded[m.start : m.end])
            after = _NEXT_WORD.match(folded, m.end, e)
            nxt = after.group(1) if after else ""
            before = _PREV_WORD.search(folded, max(s, m.start - 30), m.start)
            last = before.group(1) if before else ""
            glued = prev is not None and not folded[prev.end : m.start].strip()
            salt = m.concept.domain == "tests" and (
                (
                    words in r.salt_cations
                    and (
                        nxt in r.salt_anions
                        or (glued and prev is not None and prev.concept.domain == "drugs")
                    )
                )
                or (
                    words in r.salt_anions
                    and (
                        last in r.salt_cations
                        or (glued and prev is not None and prev.concept.domain == "drugs")
                    )
                )
            )
            institution = r.name_openers.search(folded, max(s, m.start - 40), m.start) is not None
            device = (
                m.concept.domain == "procedures"
                and not words.endswith(r.act_noun_endings)
                and r.device_heads.match(folded, m.end, e) is not None
            )
            participle = m.concept.domain == "procedures" and self._not_an_act(
                folded, s, e, m, prev, last, nxt
            )
            if not (
                salt
                or institution
                or device
                or participle
                or (heads is not None and heads.match(folded, m.end, e))
            ):
                out.append(m)
            prev = m
        return out

    def _not_an_act(
        self, folded: str, s: int, e: int, m: Match, prev: Match | None, last: str, nxt: str
    ) -> bool:
        """A procedure verb form that tells no act of its own: "the resected duodenum" (a specimen),
        "paracentesis removed 2 L" (what the procedure before it did), "the drain was removed"."""
        words = folded[m.start : m.end]
        if " " in words.strip() or not words.endswith("ed"):
            return False
        r = self.rules
        if last in r.participle_determiners and nxt and nxt not in r.attributive_breaks:
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
        for domain, pat in self.rules.suffix_words.items():
            if (gate := self._suffix_gates.get(domain)) is not None and gate.search(folded, s, e) is None:
                continue  # no word of the sentence has one of the endings
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
_FOREIGN_CONCEPT = Concept(_FOREIGN, _FOREIGN, "", "", ())
# "(EMB)": a bracketed capitalised token right after words, as a text defines an abbreviation
_DEFINED_ABBR = re.compile(r"(?<=\w)\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9]{1,7})\s*\)")


def _one_name(text: str, s: int, e: int, matches: list[Match]) -> list[Match]:
    """Several conditions inside the long form of an abbreviation the text defines are parts of one
    name ("cerebral autosomal dominant arteriopathy with subcortical infarcts and leukoencephalopathy
    (CADASIL)"): only the last, the head of that name, stays a mention."""
    out = matches
    for pm in _DEFINED_ABBR.finditer(text, s, e):
        long_form = _long_form(pm.group("abbr"), text[max(s, pm.start() - 120) : pm.start()])
        if long_form is None or " " not in long_form:
            continue
        le = pm.start()  # the pattern starts right after the last word of the long form
        ls = le - len(long_form)
        inside = [m for m in out if m.concept.domain == "conditions" and ls <= m.start and m.end <= le]
        if len(inside) > 1 and not any(m.start == ls and m.end == le for m in inside):
            drop = {id(m) for m in inside[:-1]}
            out = [m for m in out if id(m) not in drop]
    return out


def _concept_words(c: Concept) -> set[str]:
    """The words of a concept's display and of its codes' displays ("HIV infection", "Human
    immunodeficiency virus [HIV] disease"), to tell whether a spelled-out long form names it."""
    names = " ".join((c.display, *(d for _, _, d in c.codings)))
    return set(re.findall(r"[a-z]{3,}", fold(names)))


def _initials(abbr: str, long_form: str) -> bool:
    """Whether the abbreviation is exactly the initials of its long form ("heat shock protein" ->
    HSP), so the long form certainly is what the text means by those letters."""
    words = [w for w in re.split(r"[\s\-/]+", fold(long_form)) if w and w not in ("and", "of", "the")]
    letters = "".join(ch for ch in fold(abbr) if ch.isalpha())
    return bool(words) and "".join(w[0] for w in words) == letters


def _abbr_pattern(abbr: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(abbr).replace(r"\ ", r"\s?") + r"(?![\w-])")


def _long_form(abbr: str, before: str) -> str | None:
    """The words an abbreviation stands for (Schwartz and Hearst, 2003): its letters in order, right to
    left, the first one starting a word; None when the words before it do not spell it."""
    letters = [c.lower() for c in abbr if c.isalnum()]
    if len(letters) < 2:
        return None
    words = before.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    lf = " ".join(words)
    li = len(lf) - 1
    for si in range(len(letters) - 1, -1, -1):
        c = letters[si]
        while li >= 0 and (lf[li].lower() != c or (si == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    return lf[lf.rfind(" ", 0, li + 1) + 1 :]


_INDEX: list[Any] = [None, None]  # the aliases of the document being read, and their automaton


def _alias_matches(text: str, aliases: Aliases, s: int, e: int) -> list[Match]:
    """Every defined abbreviation in ``text[s:e]``, found with one automaton per document (built on
    first use) instead of one regex per abbreviation per sentence, which cost aliases x sentences."""
    if not aliases:
        return []
    if _INDEX[0] is not aliases:
        index = AliasIndex({abbr: (c or _FOREIGN_CONCEPT, lf) for abbr, (_, c, lf) in aliases.items()})
        _INDEX[:] = [aliases, index]
    found: list[Match] = _INDEX[1].match(text, s, e)
    return found


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
