"""Findings named after their test: "<exam> revealed <finding>", "cultures grew <organism>".

Kept apart from ``observations.py`` (module size): the finding runs from the verb to the clause end or
the next test, is the test's result text, and is shared by tests coordinated before the verb.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..text import fold, norm_phrase
from .mentions import codings_of

if TYPE_CHECKING:
    from ..units import UnitTable
    from .lexicon import Concept, Lexicon
    from .obs import Obs

__all__ = ["exam_findings", "finding_vitals", "substrate", "vital_concepts"]


# "cultures of blood and ascitic fluid grew": tests joined by a comma, "and" or "or"
_COORDINATED = re.compile(r"\s*,?\s*(?:and|or)?\s*")
# a culture that grew (or yielded) something is positive; the verb is the words of that result
_GREW = re.compile(r"\s*(?:\([^)]*\)\s*)?(?P<verb>grew|yielded)\s")
_NOTHING = frozenset({"no", "nothing"})


def exam_findings(
    finding: re.Pattern[str], text: str, folded: str, e: int, tests: list[Obs], stop: frozenset[str]
) -> None:
    """Give each test without a result the finding its verb introduces (in place)."""
    for t in tests:
        if t.value or t.interpretation or t.not_performed or t.components:
            continue
        fm = finding.match(folded, t.end, e)
        if not fm:
            continue
        fs, fe = fm.start("f"), fm.end("f")
        # the finding stops where the next test of the sentence begins ("revealed a troponin of ...")
        fe = min([fe, *(o.start for o in tests if fs <= o.start < fe)])
        cut = re.search(r"(?:,\s*|\s+)(?:and|but|which|while|with)?\s*$", folded[fs:fe])
        if cut:
            fe = fs + cut.start()
        words = [w for w in folded[fs:fe].split() if w not in stop]
        if not words or len("".join(words)) < 3:
            continue
        # "cultures of blood and ascitic fluid grew E. coli": the coordinated tests share it
        shared = [t]
        for o in reversed(tests[: tests.index(t)]):
            if o.value or o.interpretation or not _COORDINATED.fullmatch(folded, o.end, shared[-1].start):
                break
            shared.append(o)
        gm = _GREW.match(folded, t.end, fs)
        grew = gm is not None and folded[fs:fe].split()[0] not in _NOTHING
        for o in shared:
            o.value_text = text[fs:fe].strip()
            o.value_span = (fs, fe)
            if grew and gm is not None:
                o.interpretation = "positive"
                o.interp_span = (gm.start("verb"), gm.end("verb"))


def vital_concepts(lexicon: Lexicon, words: dict[str, str]) -> dict[str, Concept]:
    """Finding word -> the lexicon's test concept for its vital sign (words whose test is unknown drop)."""
    out: dict[str, Concept] = {}
    for word, name in words.items():
        tests = [
            m.concept
            for m in lexicon.match(name, fold(name), 0, len(name))
            if m.concept.domain == "tests" and m.start == 0 and m.end == len(name)
        ]
        if tests:
            out[word] = tests[0]
    return out


def finding_vitals(vitals: dict[str, Concept], units: UnitTable, tests: list[Obs]) -> None:
    """ "fever (39.5 C)", "polypneic (26 cpm)": a value whose only name is a vital-sign finding is an
    observation of that vital sign when its unit fits (in place). The finding stays a condition and the
    observation still quotes only the value: the words before it name the finding, not the test."""
    for t in tests:
        if t.named or t.codings or t.value is None:
            continue
        c = vitals.get(norm_phrase(fold(t.text)))
        if c is None or not units.fits(t.value.ucum, c.unit):
            continue
        t.text, t.codings, t.concept_id = c.display, codings_of(c), c.id
        t.category = c.category or "vital-signs"


def substrate(t: Obs) -> bool:
    """An analyte named with no result of its own (in a sentence about a micro-organism's test)."""
    return t.unit is not None and not (
        t.value or t.value_text or t.interpretation or t.components or t.not_performed
    )
