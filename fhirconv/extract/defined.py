"""An abbreviation the document defines ("plasma exchange (PE)") against the lexicon's reading of it.

Kept apart from ``mentions.py`` to keep modules small.
"""

from __future__ import annotations

from collections.abc import Iterable

from .lexicon import Match

__all__ = ["defined_wins"]

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
