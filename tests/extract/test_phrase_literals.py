"""The literal gate is told whole words for the word-list patterns of the observation readers
(phrase_scan.note_words): every match holds one of them, or the gate would skip a sentence the pattern
matches (issue 15: the requirement read off a trie's parse tree was a piece such as "ere" or "rmal").
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract.literals import required_literals
from fhirconv.extract.phrase_scan import phrase_literals
from fhirconv.readers import read_bytes
from fhirconv.text import alternation, flat_alternation, fold

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def test_each_phrase_gives_its_own_word_or_its_longest() -> None:
    body = alternation(["was low", "were low", "low", "revealed normal", "normal", "was not performed"])
    assert phrase_literals(body) == {"low", "normal", "performed"}
    assert phrase_literals(alternation(["were high", "elevated"])) == {"high", "elevated"}  # the last of two
    assert phrase_literals(flat_alternation(["was not performed", "unremarkable"])) == {
        "performed",
        "unremarkable",
    }


def test_no_literals_when_a_phrase_has_no_long_word_or_the_body_is_no_word_list() -> None:
    assert phrase_literals(alternation(["no", "normal"])) is None  # "no": no word of three characters
    assert phrase_literals(r"\d+\s*mg") is None
    assert phrase_literals(r"(?i:normal)") is None
    assert phrase_literals(r"normal|(") is None  # not a pattern at all


def _patterns() -> list[re.Pattern[str]]:
    """The patterns whose requirement note_words set, as the extractor holds them (ungated)."""
    obs = converter().extractor.observations
    course = obs.course.rules
    out = [obs.result_starts, course.statement, course.nominal]
    return [getattr(p, "raw", p) for p in out]


def _holds_a_literal(p: re.Pattern[str], text: str) -> int:
    """Every match of ``p`` in ``text`` holds one of the literals the gate has for it; how many matched."""
    lits = required_literals(p)
    assert lits
    n = 0
    for m in p.finditer(text):
        assert any(w in m.group(0) for w in lits), (p.pattern[:60], m.group(0))
        n += 1
    return n


def test_the_extractor_patterns_are_gated_by_whole_words() -> None:
    for p in _patterns():
        lits = required_literals(p)
        assert lits is not None and min(map(len, lits)) >= 3
        assert not {"ere", "rmal", "ell"} & lits


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_every_match_in_the_dev_reports_holds_a_literal(corpus: str) -> None:
    dev = require_shared("corpora", corpus, "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 50
    texts = [fold(read_bytes(f.read_bytes(), f.name).text) for f in files]
    for p in _patterns():
        assert sum(_holds_a_literal(p, t) for t in texts) > 10


def test_every_match_in_the_samples_holds_a_literal() -> None:
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    assert len(files) >= 5
    texts = [fold(read_bytes(f.read_bytes(), f.name).text) for f in files]
    assert sum(_holds_a_literal(p, t) for p in _patterns() for t in texts) > 5


_WORDS = [
    "was",
    "were",
    "not",
    "no",
    "low",
    "normal",
    "abnormal",
    "performed",
    "within",
    "limits",
    "high",
    "improved",
    "stable",
    "further",
    "worsening",
    "in",
    "of",
    "the",
    "renal",
    "function",
    "fell",
]


@_SETTINGS
@given(st.lists(st.sampled_from([*_WORDS, " ", "  ", "\n", ",", "-", "x"]), max_size=40))
@example(["were", " ", "low"])
@example(["was", "\n", "not", " ", "performed"])
@example(["further", " ", "worsening", " ", "of", " ", "the", " ", "renal"])
def test_every_match_of_written_text_holds_a_literal(parts: list[str]) -> None:
    text = " ".join(parts)
    for p in _patterns():
        _holds_a_literal(p, text)


@_SETTINGS
@given(st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4), min_size=1, max_size=8))
def test_phrases_of_any_word_list_hold_their_literal(phrases: list[list[str]]) -> None:
    written = [" ".join(p) for p in phrases]
    trie, flat = alternation(written), flat_alternation(written)
    lits = phrase_literals(trie)
    assert lits == phrase_literals(flat)  # the same phrases, however the list is written
    if lits is None:
        assert any(all(len(w) < 3 for w in p) for p in phrases)
        return
    pattern = re.compile(rf"(?<!\w)(?:{trie})(?!\w)")
    for phrase in written:
        m = pattern.search(phrase.replace(" ", "  "))
        assert m is not None and any(w in m.group(0) for w in lits)
