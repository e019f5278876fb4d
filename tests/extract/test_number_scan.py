r"""Issue 15: the value pattern is searched so that a run of digits is tried once (quantities.NumberScan),
and the search finds exactly what the plain pattern's search found -- the same spans and groups, from
any start and within any bounds: on random text, on text written to cut numbers at the bounds, and on
every dev report from every position where the scan does something the plain search does not. And the
time patterns of ``Quantities`` (durations, "in the following days", start days), written to start with a
letter, find what they found written to start with ``(?<!\w)``."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import converter, require_shared

from fhirconv.extract.quantities import NumberScan
from fhirconv.text import fold

_SETTINGS = settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])


def _scan() -> NumberScan:
    scan = converter().extractor.observations.q.value_re
    assert isinstance(scan, NumberScan)
    return scan


def _found(p: NumberScan | re.Pattern[str], text: str, pos: int, endpos: int) -> list[object]:
    return [(m.span(), m.groupdict()) for m in p.finditer(text, pos, endpos)]


@_SETTINGS
@given(
    st.text(alphabet="0123456789.,- mgdlk%/x^to\u0663\u00d7", max_size=24),
    st.integers(-2, 26),
    st.integers(0, 26),
)
@example("5 mm3.5 mg", 0, 10)  # a match that ends with a digit, and a number right after it
@example("12,345 /mm3", 1, 11)  # a window cut inside a number
@example("1,000,00 mg", 0, 11)  # a group too short: the number starts after the comma
@example("12.5mg7mg", 2, 9)
@example("5 mm3,000,000 mg", 0, 16)  # groups after a match that ends with a digit
@example("1,000,000 mg", 1, 12)  # a search that starts at a comma
@example("1,000,000 mg", 2, 12)  # a search that starts right after a comma
def test_scan_finds_what_the_plain_pattern_finds(text: str, pos: int, endpos: int) -> None:
    scan = _scan()
    assert _found(scan, text, pos, endpos) == _found(scan.raw, text, pos, endpos)


@_SETTINGS
@given(
    st.lists(
        st.sampled_from(["1", "0", "000", "00", ",", ".", " ", "mg", "mm3", "10^9/l", "-", "x"]), max_size=16
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_scan_finds_what_the_plain_pattern_finds_among_groups(
    parts: list[str], pos: int, endpos: int
) -> None:
    """Text made of thousands groups, commas, points and units (the shapes the group rule is about)."""
    scan = _scan()
    text = "".join(parts)
    assert _found(scan, text, pos, endpos) == _found(scan.raw, text, pos, endpos)


def test_cut_windows_read_the_number_from_the_cut() -> None:
    """A window that starts inside a number reads from there, as the plain search did."""
    scan = _scan()
    text = "wbc 12,345 /mm3 and 5 mm3.5 mg"
    got = [m.group(0) for m in scan.finditer(text, 5)]
    assert got == ["2,345 /mm3", "5 mm3", ".5 mg"]
    assert got == [m.group(0) for m in scan.raw.finditer(text, 5)]


def test_a_run_of_digits_is_tried_from_its_first_character_only() -> None:
    """The property that makes a long run linear: the plain pattern matches from every digit of
    "7777... mg", the search pattern only from the first (a try inside the run is never made)."""
    scan = _scan()
    text = "x " + "7" * 40 + " mg"
    inside = range(3, 42)
    assert all(scan.raw.match(text, i) is not None for i in inside)
    assert all(scan.from_run_start.match(text, i) is None for i in inside)
    assert scan.from_run_start.match(text, 2) is not None
    assert [m.span() for m in scan.finditer(text)] == [(2, len(text))]


def test_thousands_groups_are_tried_from_the_first_digit_only() -> None:
    """ "1,000,000,...": the plain pattern is tried at the first digit of every group, each try reading
    to the end of the chain; the search pattern tries the chain once, and the last group (which no comma
    follows, so a number read from it may end where a unit starts)."""
    scan = _scan()
    assert scan.from_run_start.pattern.startswith(r"(?P<num>[\d.](?<!\d[\d.])(?!(?<=\d,\d)\d{2},)")
    text = "x 1" + ",000" * 20 + " mg"
    groups = [i for i in range(len(text)) if text[i - 1] == ","]
    assert all(scan.raw.match(text, i) is not None for i in groups)
    assert [i for i in groups if scan.from_run_start.match(text, i) is not None] == [groups[-1]]
    assert [m.span() for m in scan.finditer(text)] == [(2, len(text))]


def test_scan_matches_the_plain_pattern_on_the_dev_reports() -> None:
    """Every dev report: the whole text, and every start right after a digit or at a line or sentence
    start (where a window may begin), with a window's end 200 characters on."""
    dev = require_shared("corpora", "maccrobat2020", "dev")
    scan = _scan()
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 100
    starts = 0
    for path in files:
        folded = fold(path.read_text(encoding="utf-8"))
        n = len(folded)
        assert _found(scan, folded, 0, n) == _found(scan.raw, folded, 0, n)
        for i in range(1, n):
            if folded[i - 1].isdecimal() or folded[i - 1] in ",. \n":
                assert _found(scan, folded, i, i + 200) == _found(scan.raw, folded, i, i + 200), (
                    path.name,
                    i,
                )
                starts += 1
    assert starts > 10_000


def _assertions_first(scan: NumberScan) -> re.Pattern[str]:
    """The search pattern as it was first written: the run-start and group rules before the pattern."""
    return re.compile(r"(?<!\d)(?!(?<=\d,)\d{3},)(?:" + scan.pattern + ")")


@_SETTINGS
@given(
    st.lists(
        st.sampled_from(["1", "0", "000", "00", ",", ".", " ", "mg", "mm3", "10^9/l", "-", "x", "\u0663"]),
        max_size=16,
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
@example(["1", ",", "000", ",", "000", " ", "mg"], 2, 40)  # a search that starts inside the groups
@example([".", ".", "1", " ", "mg"], 0, 40)  # points before a number
def test_rules_written_after_the_first_character_search_the_same(
    parts: list[str], pos: int, endpos: int
) -> None:
    """The search pattern with its two rules written after the number's first character (so the regex
    engine jumps from digit to digit) finds what it found with the rules written before the pattern."""
    scan = _scan()
    old = _assertions_first(scan)
    text = "".join(parts)
    for i in range(min(pos, len(text)) + 1):
        got, expected = scan.from_run_start.search(text, i, endpos), old.search(text, i, endpos)
        assert (got and (got.span(), got.groupdict())) == (
            expected and (expected.span(), expected.groupdict())
        )


def test_rules_written_after_the_first_character_search_the_same_on_the_dev_reports() -> None:
    """Every dev report, searched from every position: the same next match."""
    dev = require_shared("corpora", "maccrobat2020", "dev")
    scan = _scan()
    old = _assertions_first(scan)
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 100
    found = 0
    for path in files:
        folded = fold(path.read_text(encoding="utf-8"))
        expected = [(m.span(), m.groupdict()) for m in old.finditer(folded)]
        assert [(m.span(), m.groupdict()) for m in scan.from_run_start.finditer(folded)] == expected
        found += len(expected)
        # from every position after a digit, a comma or a point (where the rules look back)
        for i in range(1, len(folded)):
            if folded[i - 1] in ",." or folded[i - 1].isdigit():
                a, b = scan.from_run_start.search(folded, i, i + 60), old.search(folded, i, i + 60)
                assert (a and a.span()) == (b and b.span())
    assert found > 1000


def _word_start_first(pattern: str) -> re.Pattern[str]:
    """A pattern of ``Quantities`` as first written: ``(?<!\\w)`` before the word instead of after its
    first letter (``f(?<!\\wf)or``)."""
    plain = re.sub(r"([a-z])\(\?<!\\w\1\)", r"(?<!\\w)\1", pattern)
    assert plain != pattern
    assert not re.search(r"\(\?<!\\w[^)]", plain)  # every such assertion written back
    return re.compile(plain)


_TIME_PATTERNS = ("duration_re", "following_re", "start_re")
_TIME_WORDS = [
    "for",
    "on",
    "in",
    "over",
    "during",
    "the",
    "next",
    "following",
    "past",
    "day",
    "days",
    "3",
    "two",
]


@_SETTINGS
@given(
    st.lists(
        st.sampled_from([*_TIME_WORDS, "3rd", "week", "x", "afor", "_on", "\u00e9on", " ", "  "]), max_size=12
    ),
    st.integers(0, 40),
    st.integers(0, 60),
)
@example(["for", "two", "days"], 0, 60)
@example(["afor", "two", "days", "on", "day", "3"], 1, 60)  # "for" inside a word; a search from inside it
@example(["_on", "the", "3rd", "day"], 0, 60)  # "_" is a word character
def test_time_patterns_with_the_word_start_after_the_first_letter_find_the_same(
    words: list[str], pos: int, endpos: int
) -> None:
    q = converter().extractor.observations.q
    text = " ".join(words)
    for name in _TIME_PATTERNS:
        new = getattr(q, name)
        new = getattr(new, "raw", new)  # (a literal gate may stand in front of it)
        old = _word_start_first(new.pattern)
        got = [(m.span(), m.groupdict()) for m in new.finditer(text, pos, endpos)]
        assert got == [(m.span(), m.groupdict()) for m in old.finditer(text, pos, endpos)]


def test_time_patterns_find_the_same_on_the_dev_reports() -> None:
    dev = require_shared("corpora", "maccrobat2020", "dev")
    q = converter().extractor.observations.q
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 100
    found = 0
    for name in _TIME_PATTERNS:
        new = getattr(q, name)
        new = getattr(new, "raw", new)
        old = _word_start_first(new.pattern)
        for path in files:
            folded = fold(path.read_text(encoding="utf-8"))
            expected = [(m.span(), m.groupdict()) for m in old.finditer(folded)]
            assert [(m.span(), m.groupdict()) for m in new.finditer(folded)] == expected
            found += len(expected)
    assert found > 50
