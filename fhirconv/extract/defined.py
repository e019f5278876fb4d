"""An abbreviation the document defines ("plasma exchange (PE)") against the lexicon's reading of it.

Kept apart from ``mentions.py`` to keep modules small.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

import ahocorasick

from ..text import fold
from .lexicon import Concept, Match

__all__ = [
    "DEFINED_ABBR",
    "AliasIndex",
    "abbreviations_defined",
    "concept_words",
    "defined_wins",
    "initials",
    "one_name",
    "spelled_out",
]

# a hormone or an electrolyte is measured and given alike: its letters read as the drug or the test by
# the words around them, not by which of the two the definition happened to match first
_SHARED = frozenset({"drugs", "tests"})


def defined_wins(lexical: Iterable[Match], defined: list[Match]) -> list[Match]:
    """``lexical`` without the readings of letters the document defines as something else.

    "Plasma exchange (PE)" makes every "PE" of the document the procedure and "pre-eclampsia (PE)"
    the pregnancy disorder, never the lexicon's pulmonary embolism; letters defined for words the
    lexicon does not know at all (an alias of no domain) likewise drop the lexicon's reading. A
    drug/test pair stays with the lexicon, whose context rules tell a dose given from a level measured.
    """
    concepts = {(m.start, m.end): m.concept for m in defined}
    out: list[Match] = []
    for m in lexical:
        other = concepts.get((m.start, m.end))
        if other is not None and other.id != m.concept.id and not {other.domain, m.concept.domain} <= _SHARED:
            continue
        out.append(m)
    return out


# "(EMB)": a bracketed capitalised token right after words, as a text defines an abbreviation
# (written to start with its first character, a space or "(", the word before it asked after it: the
# regex engine then jumps between those characters instead of trying every one; same matches as
# (?<=\w)\s*\(\s*(?P<abbr>...)\s*\), tests/extract/test_wordstart.py)
DEFINED_ABBR = re.compile(r"[\s(](?<=\w[\s(])(?:(?<=\()|\s*\()\s*(?P<abbr>[A-Za-z][A-Za-z0-9]{1,7})\s*\)")


def abbreviations_defined(text: str, pos: int, endpos: int) -> list[re.Match[str]]:
    """``list(DEFINED_ABBR.finditer(text, pos, endpos))``, tried only where a bracket opens.

    The pattern begins with a lookbehind, so ``finditer`` tries it at every character of the text (a
    sixth of a millisecond per report, more than all its matches cost). A match holds exactly one
    "(", and the whitespace before that bracket is all its ``\\s*`` can take: so the only place a
    match can start, for a given bracket, is the start of the whitespace run right before it (a later
    place has whitespace, no word character, before it). Trying the pattern there, bracket after
    bracket, and going on after each match's end, finds the same matches in the same order
    (``tests/extract/test_match_speed.py`` compares both on the dev texts and on hostile text).
    Linear: each character is stepped back over at most once, for the bracket right after it.
    """
    out: list[re.Match[str]] = []
    floor = pos  # where the scan stands: no match starts before it
    i = text.find("(", pos, endpos)
    while i >= 0:
        start = i
        while start > floor and text[start - 1].isspace():
            start -= 1
        m = DEFINED_ABBR.match(text, start, endpos)
        if m is None:
            i = text.find("(", i + 1, endpos)
            continue
        out.append(m)
        floor = m.end()
        i = text.find("(", floor, endpos)
    return out


def one_name(text: str, s: int, e: int, matches: list[Match]) -> list[Match]:
    """Several conditions inside the long form of an abbreviation the text defines are parts of one
    name ("cerebral autosomal dominant arteriopathy with subcortical infarcts and leukoencephalopathy
    (CADASIL)"): only the last, the head of that name, stays a mention."""
    out = matches
    if text.find("(", s, e) < 0:
        return out  # (the pattern needs a bracket: most sentences have none)
    for pm in abbreviations_defined(text, s, e):
        long_form = spelled_out(pm.group("abbr"), text[max(s, pm.start() - 120) : pm.start()])
        if long_form is None or " " not in long_form:
            continue
        le = pm.start()  # the pattern starts right after the last word of the long form
        ls = le - len(long_form)
        inside = [m for m in out if m.concept.domain == "conditions" and ls <= m.start and m.end <= le]
        if len(inside) > 1 and not any(m.start == ls and m.end == le for m in inside):
            drop = {id(m) for m in inside[:-1]}
            out = [m for m in out if id(m) not in drop]
    return out


def concept_words(c: Concept) -> set[str]:
    """The words of a concept's display and of its codes' displays ("HIV infection", "Human
    immunodeficiency virus [HIV] disease"), to tell whether a spelled-out long form names it."""
    names = " ".join((c.display, *(d for _, _, d in c.codings)))
    return set(re.findall(r"[a-z]{3,}", fold(names)))


def initials(abbr: str, long_form: str) -> bool:
    """Whether the abbreviation is exactly the initials of its long form ("heat shock protein" ->
    HSP), so the long form certainly is what the text means by those letters."""
    words = [w for w in re.split(r"[\s\-/]+", fold(long_form)) if w and w not in ("and", "of", "the")]
    letters = "".join(ch for ch in fold(abbr) if ch.isalpha())
    return bool(words) and "".join(w[0] for w in words) == letters


def spelled_out(abbr: str, before: str) -> str | None:
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


class AliasIndex(dict[str, tuple[Concept, str]]):
    """Abbreviations a document defines ("syndrome (OMS)"), matched with one automaton built once per
    document instead of one regex per abbreviation per sentence (which cost aliases x sentences)."""

    _automaton: Any = None
    # the matches of the whole of the first text asked about (the document), with their starts
    _text: str | None = None
    _all: tuple[list[Match], list[int]] = ([], [])

    @classmethod
    def of(cls, aliases: dict[str, tuple[Concept, str]]) -> AliasIndex:
        return aliases if isinstance(aliases, AliasIndex) else cls(aliases)

    def _build(self) -> Any:
        automaton = ahocorasick.Automaton()
        for abbr in self:
            # a space inside an abbreviation is optional ("IG G" is also written "IGG")
            parts = abbr.split(" ")
            forms = [
                "".join(p + j for p, j in zip(parts, (*joins, ""), strict=True))
                for joins in itertools.product((" ", ""), repeat=len(parts) - 1)
            ]
            for form in forms:
                if form and form not in automaton:
                    automaton.add_word(form, (len(form), abbr))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def match(self, text: str, start: int, end: int) -> list[Match]:
        """Every whole-token occurrence of a defined abbreviation in ``text[start:end]``."""
        if not self:
            return []
        if self._automaton is None:
            self._automaton = self._build()
        out: list[Match] = []
        for last, (length, abbr) in self._automaton.iter(text[start:end]):
            s, e = start + last - length + 1, start + last + 1
            if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_-"):
                continue
            if e < len(text) and (text[e].isalnum() or text[e] in "_-"):
                continue
            concept, long_form = self[abbr]
            out.append(Match(s, e, concept, long_form))
        out.sort(key=lambda m: m.start)
        return out

    def match_in(self, text: str, start: int, end: int) -> list[Match]:
        """``match``, answered from one scan of the whole document: what makes an occurrence a match
        (whole token: the characters either side, read in the whole text) does not depend on the range,
        so the range's matches are the document's that lie inside it, in the same order. A text other
        than the first one asked about is scanned range by range."""
        if not self:
            return []
        if self._text is None:
            found = self.match(text, 0, len(text))
            self._text, self._all = text, (found, [m.start for m in found])
        if text is not self._text:
            return self.match(text, start, end)
        found, starts = self._all
        i = bisect_left(starts, start)
        out: list[Match] = []
        while i < len(found) and starts[i] < end:
            if found[i].end <= end:
                out.append(found[i])
            i += 1
        return out
