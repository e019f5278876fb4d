"""Results named after the word positive/negative: "positive for CD34 and S100 protein", "negative to
CK20", "catalase-negative", and "<subject> was <result>" when the subject is no known test.

Split from ``observations.py`` (one component per module): the listed items are tests of their own, each
with the result its list gives, and tests inside such a list take no other result word of the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import Match
from .obs import Obs
from .rules import ObservationRules

__all__ = ["for_lists", "list_spans", "listed_results", "subject_tail"]

# "positive for S-100 protein, vimentin and CD68": one result per listed item
# "strong positive reactivity for CD117", "negative to CK20"; the list ends at "but" or the next result
_FOR_LIST = re.compile(
    r"(?<!\w)(?:(?:strongly|weakly|focally|diffusely|also|all|strong|weak|focal|diffuse)\s+)*"
    r"(?P<kind>positive|negative|reactive|positivity|negativity|no(?=\s+(?:immuno)?(?:reactivity|staining|expression)))\s+"
    r"(?:(?P<noun>(?:immuno)?(?:reactivity|staining|expression|immunostaining))\s+(?:for|to|of)|for|to)\s+"
    r"(?P<list>(?:(?!(?:but|whereas|while|although|however|positive|negative|positivity|negativity)\b)"
    r"[^.;:]|\.(?=\d))+)"
)
# the words one of which every match of _FOR_LIST holds (its result word, or what "no" must precede)
_LIST_WORDS = ("positiv", "negativ", "reactiv", "staining", "expression")
_FOR_TO = re.compile(r"\s+(?:(?:immuno)?(?:reactivity|staining|expression)\s+)?(?:for|to)\b")
_CLAUSE_START = re.compile(r"[,;(]|\b(?:and|but|while|whereas)\b")
# "CD34 (+), S-100 (-)": a marker with its sign in brackets
_SIGN_RESULT = re.compile(
    r"(?<![\w-])(?P<name>[A-Za-z][A-Za-z0-9]*(?:[-\u2013/][A-Za-z0-9]+)*)\s*\((?P<sign>[+\-\u2212])\)"
)
_MARKER = re.compile(r"[0-9]|^[A-Z]{2,}")
# "catalase-negative": a result written onto the test name
_HYPHEN_RESULT = re.compile(
    r"(?<![\w-])(?P<name>[A-Za-z0-9]{2,})-(?P<kind>negative|positive)(?!\w)", re.IGNORECASE
)


def for_lists(folded: str, s: int, e: int) -> list[re.Match[str]]:
    """The "positive for ..." lists of sentence ``[s, e)``, read once and shared by :func:`list_spans`
    and :func:`listed_results`. None without one of the words a list needs (a ``str`` search is far
    cheaper than the pattern's walk of the sentence)."""
    seg = folded[s:e]
    # (the words of _LIST_WORDS, asked without a generator: this runs for every sentence)
    if not (
        "positiv" in seg or "negativ" in seg or "reactiv" in seg or "staining" in seg or "expression" in seg
    ):
        return []
    return list(_FOR_LIST.finditer(folded, s, e))


def _hyphen_result_possible(text: str, seg: str, s: int) -> bool:
    """Whether ``_HYPHEN_RESULT`` may match in the sentence whose folded text ``seg`` starts at ``s``:
    its result word comes right after a hyphen of ``text``. In an ASCII sentence every character the
    pattern's (case-insensitive) "negative"/"positive" matches folds to that word's own lower-case
    letter, so the word stands in ``seg`` with a hyphen of ``text`` right before it; anything else
    (a character that folds to no ASCII letter, the long s for "s") is left to the pattern."""
    if not seg.isascii():
        return True
    for word in ("negative", "positive"):
        i = seg.find(word, 1)
        while i >= 0:
            if text[s + i - 1] == "-":
                return True
            i = seg.find(word, i + 1)
    return False


def list_spans(
    folded: str, s: int, e: int, lists: list[re.Match[str]] | None = None
) -> list[tuple[int, int]]:
    """Where the lists after "positive for" / "negative to" stand: their items take that result only."""
    if lists is None:
        lists = for_lists(folded, s, e)
    return [(m.start("list"), m.end("list")) for m in lists]


def listed_results(
    rules: ObservationRules,
    text: str,
    folded: str,
    s: int,
    e: int,
    tests: list[Obs],
    taken: list[Match],
    organisms: Sequence[tuple[int, int]] = (),
    lists: list[re.Match[str]] | None = None,
    subject_tail: re.Pattern[str] | None = None,
) -> None:
    """Results named after the word positive/negative: "positive for CD34 and S100 protein",
    "catalase-negative". Items that are conditions stay conditions (ConText negates them); an organism
    a culture grew (``organisms``, organisms.py) is that culture's result, no test of its own.

    ``lists`` are the sentence's :func:`for_lists` when the caller has them; ``subject_tail`` is the
    part of ``rules.subject_result`` from the copula on (``subject_tail``): a sentence where it is not
    found has no "<subject> was <result>" clause, and its clause starts are not walked."""
    if lists is None:
        lists = for_lists(folded, s, e)
    seg = folded[s:e]
    # each reading needs a word or sign of its own; most sentences have none of them
    # (the hyphen first: a sentence without one, most of them, is not walked for the result words)
    hyphen = text.find("-", s, e) >= 0 and _hyphen_result_possible(text, seg, s)
    signs = "(+)" in seg or "( )" in seg  # "(-)" and "(" minus sign ")" fold to "( )"
    subject = subject_tail is None or subject_tail.search(folded, s, e) is not None
    if not (lists or hyphen or signs or subject):
        return
    busy = [(t.start, t.end) for t in tests] + [(m.start, m.end) for m in taken] + list(organisms)

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

    for m in lists:
        kind = "negative" if m.group("kind").startswith(("negativ", "no")) else "positive"
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
                    # "no expression of CK7": the result is the whole phrase, not the word "no"
                    ke = m.end("noun") if m.group("kind") == "no" else m.end("kind")
                    add(item_s, item_e, kind, m.start("kind"), ke)
    for m in _HYPHEN_RESULT.finditer(text, s, e) if hyphen else ():
        if m.group("name").lower() in rules.hyphen_not_tests:
            continue  # "gram-negative rods": the stain's description of an organism, no test "gram"
        add(m.start("name"), m.end("name"), m.group("kind"), m.start("kind"), m.end("kind"))
    for m in _SIGN_RESULT.finditer(text, s, e) if signs else ():
        known = any(t.start < m.end("name") and m.start("name") < t.end for t in tests)
        if known or _MARKER.search(m.group("name")):  # a named test, or a marker's name ("CD34", "S-100")
            kind = "positive" if m.group("sign") == "+" else "negative"
            add(m.start("name"), m.end("name"), kind, m.start("sign"), m.end("sign"))
    # "<something> was/were <result>": the subject of the clause is what was observed
    if not subject:
        return
    starts = [s] + [c.end() for c in _CLAUSE_START.finditer(folded, s, e)]
    for pos in starts:
        sm = rules.subject_result.match(folded, pos, e)
        if sm is None:
            continue
        words = sm.group("np").split()
        if not words or words[0] in rules.test_stop or len(words) > 6:
            continue
        if text[sm.end("res") : sm.end("res") + 1] in "-\u2010\u2011":
            continue  # "high-normal", "low-grade": the word is part of a compound
        found = rules.result_kind.get(sm.group("res"))
        # "cells were positive for CD3": the cells are the specimen, the list holds the results;
        # "serology was negative for HIV": a test's own word keeps the result
        specimen = _FOR_TO.match(folded, sm.end("res"), e) and not rules.test_heads.search(
            folded, *sm.span("np")
        )
        if found and not specimen:
            add(sm.start("np"), sm.end("np"), found, sm.start("res"), sm.end("res"))


def subject_tail(rules: ObservationRules) -> re.Pattern[str] | None:
    """``rules.subject_result`` from the copula on ("was normal"): every match of the whole pattern holds
    a match of this one, which a single search of the sentence finds or rules out. None when the pattern
    is not written as expected (the subject reading then runs everywhere, as before)."""
    pattern = rules.subject_result.pattern
    cut = pattern.find("{1,60}?)")
    if cut < 0 or not pattern[cut + len("{1,60}?)") :].startswith(r"\s+"):
        return None
    return re.compile(pattern[cut + len("{1,60}?)") :])
