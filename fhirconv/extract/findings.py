"""Observations read off findings: the value a vital-sign finding carries ("fever (39.5 C)") and the
analytes a test of a micro-organism names as substrates. Kept apart from ``observations.py`` (module size).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..text import fold, norm_phrase
from .mentions import codings_of

if TYPE_CHECKING:
    from ..model import Assertion
    from ..units import UnitTable
    from .lexicon import Concept, Lexicon
    from .obs import Obs

__all__ = ["RESULT_ON", "drop_substrates", "finding_vitals", "substrate", "vital_concepts"]

# "normal findings shown on computed tomography": a result word followed by this names the next test's
RESULT_ON = re.compile(
    r"\s+(?:findings?|results?)\s+(?:(?:shown|seen|noted|demonstrated|observed)\s+)?(?:on|in)\s+(?:(?:the|a|an)\s+)?"
)


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


def drop_substrates(tests: list[Obs], assertions: list[Assertion]) -> list[Assertion]:
    """Remove (in place) the substrates of a sentence about an organism's test; their assertions."""
    kept = [(t, a) for t, a in zip(tests, assertions, strict=True) if not substrate(t)]
    tests[:] = [t for t, _ in kept]
    return [a for _, a in kept]
