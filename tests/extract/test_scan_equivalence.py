"""The faster scans of the observation readers find exactly what the scans they replace found: the
result phrases tried only where one starts (phrase_scan.py), the words before a finding read backwards
(finding_phrase.py), and the value pattern's number written to start with its first character
(quantities.NUM_LEADING) -- the same spans and groups, within any bounds."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import converter

from fhirconv.extract.finding_phrase import _words_before
from fhirconv.extract.phrase_scan import phrase_starts, phrases, starts_of
from fhirconv.extract.quantities import NUM, NUM_LEADING
from fhirconv.text import phrase_pattern

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

# phrases of two kinds that share words, contain one another and overlap ("not elevated" / "elevated")
KINDS = [
    phrase_pattern(["normal", "within normal limits", "not elevated"]),
    phrase_pattern(["elevated", "high", "normal limits"]),
    phrase_pattern(["not done", "not"]),
]
_WORDS = [
    "normal",
    "within",
    "limits",
    "not",
    "elevated",
    "high",
    "done",
    "abnormal",
    "xhigh",
    " ",
    "  ",
    ",",
]


def _spans(ms: object) -> list[tuple[int, int]]:
    return [m.span() for m in ms]  # type: ignore[attr-defined]


@_SETTINGS
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.integers(0, 60), st.integers(0, 90))
@example(["within", "normal", "limits", "not", "elevated", "high"], 0, 90)  # phrases inside phrases
@example(["not", "done", "high"], 4, 13)  # bounds that cut a phrase
def test_phrases_tried_where_one_starts_are_each_patterns_own_matches(
    words: list[str], s: int, e: int
) -> None:
    text = " ".join(words)
    starts = phrase_starts(KINDS)
    assert starts is not None
    at = starts_of(starts, text, s, e)
    assert at == sorted(set(at))
    for pat in KINDS:
        assert _spans(phrases(pat, text, s, e, at)) == _spans(pat.finditer(text, s, e))


def test_phrase_starts_needs_phrase_patterns() -> None:
    """A pattern not written as a word list gets no shared scan (each pattern then scans itself)."""
    assert phrase_starts([*KINDS, re.compile(r"\d+")]) is None
    pat = KINDS[0]
    assert _spans(phrases(pat, "a normal b", 0, 10, None)) == [(2, 8)]


_OLD_WORDS_BEFORE = re.compile(r"(?:([a-z]+)\s+)?([a-z]+)\s+$")


@_SETTINGS
@given(st.text(alphabet="ab \n\t/.(-1\u2009", max_size=16), st.integers(0, 16), st.integers(0, 16))
def test_words_before_read_backwards_as_the_pattern_searched_forwards(text: str, lo: int, end: int) -> None:
    lo, end = min(lo, len(text)), min(end, len(text))
    if lo > end:
        lo, end = end, lo
    m = _OLD_WORDS_BEFORE.search(text, lo, end)
    expected = None if m is None else (m.group(1), m.start(1) if m.group(1) else -1, m.group(2), m.start(2))
    assert _words_before(text, lo, end) == expected


def _value_pattern(number: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<num>{number})(?:\s*(?:-|to)\s*(?P<num2>{NUM}))?\s*(?P<unit>mg|mg/dl|%|x10\^9/l|l)(?![a-z0-9])"
    )


def _found(p: re.Pattern[str], text: str, pos: int) -> list[object]:
    return [(m.span(), m.groupdict()) for m in p.finditer(text, pos)] + [
        None if (m := p.match(text, i)) is None else (m.span(), m.groupdict()) for i in range(pos, len(text))
    ]


@_SETTINGS
@given(st.text(alphabet="0123456789.,- mgdl%/x^9to\u0663", max_size=18), st.integers(0, 18))
def test_number_written_from_its_first_character_matches_the_same(text: str, pos: int) -> None:
    assert _found(_value_pattern(NUM_LEADING), text, pos) == _found(_value_pattern(NUM), text, pos)


def test_value_pattern_of_the_extractor_reads_the_same_values() -> None:
    """The real pattern (every unit of the table) against itself with the plain number, on values written
    every way the readers meet them."""
    q = converter().extractor.observations.q
    new = getattr(q.value_re, "raw", q.value_re)
    assert f"(?P<num>{NUM_LEADING})" in new.pattern
    old = re.compile(new.pattern.replace(f"(?P<num>{NUM_LEADING})", f"(?P<num>{NUM})", 1))
    text = (
        "hemoglobin 12.5 g/dl, platelets 312,000/mm3 and wbc 4.5 x 10^9/l; crp .8 mg/l (normal <5), "
        "sodium 131-135 mmol/l, 25%-30% and a 2 cm mass on day 3; base excess -5.5 mmol/l; 1,23 mg; 1.2.3 mg"
    )
    assert _found(new, text, 0) == _found(old, text, 0)
    assert sum(1 for _ in new.finditer(text)) >= 8
