"""The amount-led time patterns tried only where their amount stands find what their own scans found.

``timeline_util.time_matches`` finds the places where an amount ("two weeks", "3 days") stands once per
sentence and tries the four amount-led patterns ("two weeks later", "3 days after admission") there
only, instead of four scans of the sentence (issue 15). Compared with each pattern's own ``finditer``:
on every sentence-like span and every paragraph of both dev corpora and the samples, on written text at
any bounds (inside words too), and through the whole extraction of both dev corpora. Thinning the
places found makes the comparison fail, so it can.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract.phrase_scan import phrases
from fhirconv.extract.timeline_rules import TimelineRules
from fhirconv.extract.timeline_util import match_starts, time_matches
from fhirconv.text import fold

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
_SPAN = re.compile(r"[^.;\n]+[.;]?|[^\n]+")  # sentence-like spans, and below whole paragraphs


def _rules() -> TimelineRules:
    rules: TimelineRules = converter().extractor.timeline.rules
    assert rules.amount_lead is not None and len(rules.amount_led) == 4
    return rules


def _seen(rules: TimelineRules, folded: str, s: int, e: int, fast: bool) -> list[tuple[Any, ...]]:
    return [
        (kind, m.span(), m.groupdict()) for kind, m in time_matches(rules, folded, s, e, amount_starts=fast)
    ]


def _folded_texts() -> list[str]:
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(require_shared("corpora", "e3c-en-layer1", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix == ".txt")
    conv = converter()
    return [fold(conv.read_bytes(f.read_bytes(), f.name).text) for f in files]


def _spans(folded: str) -> list[tuple[int, int]]:
    out = [m.span() for m in _SPAN.finditer(folded)]
    out += [m.span() for m in re.finditer(r"[^\n]+", folded)]
    return [*out, (0, len(folded))]


def test_every_span_of_the_dev_reports_gives_the_same_matches() -> None:
    rules, led = _rules(), 0
    for folded in _folded_texts():
        for s, e in _spans(folded):
            seen = _seen(rules, folded, s, e, True)
            assert seen == _seen(rules, folded, s, e, False), folded[s:e]
            led += sum(kind in rules.amount_led for kind, _, _ in seen)
    assert led > 100  # amount-led matches were found, the fast way and the plain way


def test_the_comparison_fails_when_places_are_missing() -> None:
    rules, differ = _rules(), 0
    lead = rules.amount_lead
    assert lead is not None
    for folded in _folded_texts():
        for s, e in _spans(folded):
            at = match_starts(lead, folded, s, e)[1:]  # the first place dropped
            for kind, pat in rules.patterns:
                if kind in rules.amount_led:
                    thin = [m.span() for m in phrases(pat, folded, s, e, at)]
                    differ += thin != [m.span() for m in pat.finditer(folded, s, e)]
    assert differ > 10


def test_match_starts_are_every_place_a_bounded_match_starts() -> None:
    pattern = re.compile(r"(?<!\w)(?:ab|a|b)(?!\w)")
    text = "ab a b,ab  a"
    for s in range(len(text) + 1):
        for e in range(s, len(text) + 1):
            want = [q for q in range(s, e) if pattern.match(text, q, e)]
            assert match_starts(pattern, text, s, e) == want


_PIECES = [" ", "  ", ",", ".", "-", "\n", "two", "weeks", "3", "days", "1,000", ".5", "a", "few", "an"]
_PIECES += ["later", "earlier", "after", "before", "prior", "to", "the", "admission", "surgery", "ago"]
_PIECES += ["following", "post", "months", "year", "hours", "x", "12", "on", "day", "of", "third"]


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(0, 120), st.integers(0, 200))
@example(["two", " ", "weeks", " ", "later"], 0, 200)
@example(["3", " ", "days", " ", "after", " ", "the", " ", "surgery"], 1, 200)
@example(["a", " ", "few", " ", "days", " ", "earlier"], 0, 14)  # the bound inside the word
def test_written_text_at_any_bounds_gives_the_same_matches(parts: list[str], s: int, e: int) -> None:
    rules = _rules()
    folded = fold("".join(parts))
    s, e = min(s, len(folded)), min(max(s, e), len(folded))
    assert _seen(rules, folded, s, e, True) == _seen(rules, folded, s, e, False)


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_the_dev_reports_are_dated_the_same(corpus: str) -> None:
    files = sorted(require_shared("corpora", corpus, "dev").glob("*.txt"))
    conv = converter()
    timeline = conv.extractor.timeline
    out = []
    for fast in (True, False):
        timeline.amount_starts = fast
        try:
            out.append([conv.extractor.extract(conv.read_bytes(f.read_bytes(), f.name)) for f in files])
        finally:
            timeline.amount_starts = True
    assert out[0] == out[1]
