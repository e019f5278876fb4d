"""While a document is read, the lexicon scans each section once and answers every match inside it from
that scan: the answers are exactly those of a fresh scan of the range, for ranges inside a section,
ranges across sections, ranges outside every section and other strings."""

from __future__ import annotations

import random

from support import converter

from fhirconv.text import fold

TEXT = (
    "A 54-year-old man with type 2 diabetes mellitus and chronic kidney disease presented with fever. "
    "A chest CT showed a pulmonary embolism; heparin and warfarin were started.\n\n"
    "Serum creatinine was 2.3 mg/dL. Blood cultures grew Staphylococcus aureus. "
    "He underwent appendectomy and an echocardiogram, and aspirin was stopped. No rash, no cough."
)


def _spans(lex: object, text: str, folded: str, s: int, e: int) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.concept.id) for m in lex.match(text, folded, s, e)]  # type: ignore[attr-defined]


def test_matches_while_reading_are_those_of_a_fresh_scan() -> None:
    lex = converter().extractor.lexicon
    folded = fold(TEXT)
    cut = TEXT.index("\n\n")
    sections = [(0, cut), (cut + 2, len(TEXT) - 10)]  # the last words are in no section
    rng = random.Random(7)
    ranges = [(0, len(TEXT)), (0, cut), (cut + 2, len(TEXT)), (len(TEXT) - 10, len(TEXT))]
    ranges += [tuple(sorted(rng.sample(range(len(TEXT) + 1), 2))) for _ in range(300)]
    expected = [_spans(lex, TEXT, folded, s, e) for s, e in ranges]
    assert any(expected) and any(len(x) > 3 for x in expected)
    with lex.reading(folded, sections):
        got = [_spans(lex, TEXT, folded, s, e) for s, e in ranges]
        # another string (a table cell, a rule's own words) is scanned on its own
        other = "aspirin and heparin"
        assert _spans(lex, other, fold(other), 0, len(other)) == _spans(lex, other, other, 0, len(other))
    assert got == expected
    assert lex._reading is None
