"""The "<subject> was <result>" tail behind the literal gate (issue 15) finds what the plain tail found.

``listed.subject_tail`` tells the literal gate the whole result words its matches hold (``note_words``):
every match of the tail holds one of them, so a sentence without any is answered "no match" without a
scan. Proven here: every match of the tail, from every position where one starts in both dev corpora,
the samples and written text, holds one of the literals; the observations of every dev report are the
same with the gated tail and the plain one; and the check fails for a literal set one word short.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract.listed import _RES_CLOSE, _RES_OPEN, subject_tail
from fhirconv.extract.literals import required_literals
from fhirconv.extract.phrase_scan import phrase_literals
from fhirconv.text import fold

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def _tail() -> re.Pattern[str]:
    tail = subject_tail(converter().extractor.observations.rules)
    assert tail is not None
    return tail


def _literals(tail: re.Pattern[str]) -> frozenset[str]:
    """The whole words the gate was told, read off the result phrase again."""
    body = tail.pattern[tail.pattern.find(_RES_OPEN) + len(_RES_OPEN) : -len(_RES_CLOSE)]
    lits = phrase_literals(body)
    assert lits is not None
    return lits


def _uncovered(tail: re.Pattern[str], lits: frozenset[str], folded: str) -> list[str]:
    """The matches of ``tail`` (from every position where one starts) holding none of ``lits``."""
    out: list[str] = []
    m = tail.search(folded)
    while m is not None:
        if not any(w in m.group(0) for w in lits):
            out.append(m.group(0))
        m = tail.search(folded, m.start() + 1)
    return out


def _texts() -> list[str]:
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(require_shared("corpora", "e3c-en-layer1", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix == ".txt")
    conv = converter()
    return [conv.read_bytes(f.read_bytes(), f.name).text for f in files]


def test_the_gate_is_told_the_result_words() -> None:
    tail = _tail()
    lits = _literals(tail)
    assert "normal" in lits and "negative" in lits
    assert required_literals(tail) == lits  # what note_words recorded for the gate


def test_every_match_in_the_dev_reports_holds_a_result_word() -> None:
    tail, matched = _tail(), 0
    lits = _literals(tail)
    for text in _texts():
        folded = fold(text)
        assert _uncovered(tail, lits, folded) == []
        matched += tail.search(folded) is not None
    assert matched > 50


def test_the_check_fails_for_a_set_one_word_short() -> None:
    tail = _tail()
    short = _literals(tail) - {"normal"}
    found = [m for text in _texts() for m in _uncovered(tail, short, fold(text))]
    assert found  # "... was normal": the proof above can fail


_PIECES = [" ", "  ", "\n", "was", "were", "is", "are", "remained", "became", "appeared", "all", "also"]
_PIECES += ["normal", "abnormal", "non", "reactive", "nonreactive", "negative", "low", "high", "-", "."]
_PIECES += ["x", "CRP", "unremarkable", "normalised", "\u00a0", "within", "ab", "un"]


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=24))
@example(["CRP", " ", "was", " ", "non", "\n", "reactive"])
@example(["x", " ", "were", " ", "also", " ", "low"])
def test_every_match_in_written_text_holds_a_result_word(parts: list[str]) -> None:
    tail = _tail()
    assert _uncovered(tail, _literals(tail), fold("".join(parts))) == []


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_observations_are_the_same_with_the_plain_tail(corpus: str) -> None:
    files = sorted(require_shared("corpora", corpus, "dev").glob("*.txt"))
    conv = converter()
    ob = conv.extractor.observations
    for f in files[:3]:  # (the literal gates are put in front of the patterns after the first documents)
        conv.extractor.extract(conv.read_bytes(f.read_bytes(), f.name))
    gated = ob.subject_tail
    plain = gated.raw  # type: ignore[union-attr]
    assert plain is not gated
    facts = []
    for tail in (gated, plain):
        ob.subject_tail = tail
        try:
            facts.append(
                [conv.extractor.extract(conv.read_bytes(f.read_bytes(), f.name)).observations for f in files]
            )
        finally:
            ob.subject_tail = gated
    assert sum(len(x) for x in facts[0]) > 100
    assert facts[0] == facts[1]
