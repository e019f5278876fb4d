"""The faster paths of the observation components find what the plain ones found (issue 15).

Each fast path is set against the code it replaced, kept here as the reference: the test names of every
sentence of both dev corpora, of the samples and of hostile text are found both ways and compared field
by field.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract import test_names
from fhirconv.extract.listed import _FOR_LIST, for_lists
from fhirconv.extract.obs import Obs
from fhirconv.extract.test_names import TestNames as Names
from fhirconv.extract.test_names import _outermost
from fhirconv.readers import read_bytes

_SETTINGS = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])


def _old_outermost(out: list[Obs]) -> list[Obs]:
    """The filter as first written: every name against every other."""
    return [
        o
        for o in out
        if not any(
            p is not o and p.start <= o.start and o.end <= p.end and (p.end - p.start) > (o.end - o.start)
            for p in out
        )
    ]


class _OldNames(Names):
    """``Names`` with the head word after a lexicon name matched before the test for "and" (as it
    was), and the containment filter of every name against every other."""

    def _shared_head(
        self,
        text: str,
        folded: str,
        s: int,
        start: int,
        end: int,
        out: list[Obs],
        head: re.Match[str] | None,
        e: int = 0,
        tail_end: int | None = None,
    ) -> None:
        if tail_end is not None:
            space = folded[tail_end : tail_end + 1].isspace()
            head = self.rules.test_heads.match(folded, tail_end, e) if space else None
        if head is None and not self.rules.test_heads.search(folded, max(s, end - 15), end):
            return
        before = folded[max(s, start - 30) : start]
        kept = before.rstrip()
        if len(kept) == len(before) or not kept.endswith("and"):
            return
        co = test_names._CO_MODIFIER.search(before)
        if not co or co.group(1) in self.rules.test_stop:
            return
        cs = max(s, start - 30) + co.start(1)
        ce = cs + len(co.group(1))
        if any(o.start <= cs < o.end for o in out):
            return
        word = text[head.start() : head.end()] if head else folded[max(s, end - 15) : end].split()[-1]
        cat = self.category(folded, cs, ce, "")
        out.append(Obs(cs, ce, f"{text[cs:ce]} {word}", (), cat, f"np:{co.group(1)} {word.lower()}"))


@contextmanager
def _calls() -> Iterator[list[tuple[Any, ...]]]:
    """The arguments of every test-name search while documents are extracted."""
    names = converter().extractor.observations.names
    seen: list[tuple[Any, ...]] = []

    def record(text: str, folded: str, s: int, e: int, lex: list[Any]) -> list[Obs]:
        seen.append((text, folded, s, e, list(lex)))
        return Names.find(names, text, folded, s, e, lex)

    names.find = record
    try:
        yield seen
    finally:
        del names.find


def _fields(obs: list[Obs]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(o) for o in obs]


def _same_names(calls: list[tuple[Any, ...]]) -> int:
    """Each recorded sentence searched by the fast and the reference code: the same names. Returns how
    many names were found."""
    names = converter().extractor.observations.names
    old = _OldNames.__new__(_OldNames)
    old.__dict__.update({k: v for k, v in vars(names).items() if k != "find"})  # (not the recorder)
    found = 0
    saved = test_names._outermost
    for text, folded, s, e, lex in calls:
        got = Names.find(names, text, folded, s, e, list(lex))
        test_names._outermost = _old_outermost  # type: ignore[assignment]
        try:
            expected = old.find(text, folded, s, e, list(lex))
        finally:
            test_names._outermost = saved  # type: ignore[assignment]
        assert _fields(got) == _fields(expected), folded[s:e]
        found += len(got)
    return found


def _extract_all(paths: list[Any]) -> list[tuple[Any, ...]]:
    conv = converter()
    with _calls() as seen:
        for path in paths:
            conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
    return seen


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_test_names_of_every_dev_sentence_are_found_the_same(corpus: str) -> None:
    dev = require_shared("corpora", corpus, "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 50
    calls = _extract_all(files)
    assert len(calls) > 900
    assert _same_names(calls) > 500
    assert _same_lists(calls) > 10


def _same_lists(calls: list[tuple[Any, ...]]) -> int:
    """The "positive for" lists of each sentence, found behind the word test as by the pattern alone;
    returns how many."""
    found = 0
    for _, folded, s, e, _ in calls:
        expected = [m.span() for m in _FOR_LIST.finditer(folded, s, e)]
        assert [m.span() for m in for_lists(folded, s, e)] == expected
        found += len(expected)
    return found


def test_test_names_of_the_samples_are_found_the_same() -> None:
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    assert len(files) >= 5
    calls = _extract_all(files)
    assert _same_names(calls) > 10


_WORDS = [
    "and",
    "urine",
    "blood",
    "serum",
    "cerebrospinal",
    "fluid",
    "examination",
    "tests",
    "test",
    "culture",
    "cultures",
    "levels",
    "hemoglobin",
    "crp",
    "ct",
    "scan",
    "of",
    "the",
    "for",
    "brain",
    "biopsy",
    "revealed",
    "normal",
    "(",
    ")",
    ",",
    "8 g/dl",
    "mri",
]


@_SETTINGS
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=24))
@example(["urine", "and", "cerebrospinal", "fluid", "examination", "revealed", "normal"])
@example(["serum", "and", "urine", "crp", "levels", "and", "blood", "cultures"])
@example(["8 g/dl", "and", "hemoglobin", "levels"])
@example(["blood", "and", "crp", "levels", ",", "urine", "and", "hemoglobin", "tests"])  # a head after
@example(["and"] * 12 + ["ct", "scan", "of", "the", "brain", "and", "mri"])
def test_test_names_of_written_sentences_are_found_the_same(words: list[str]) -> None:
    """Sentences made of test names, heads, "and" and modifiers (the shapes the head word and the
    containment filter are about), and hostile runs of "and"."""
    text = "The patient had " + " ".join(words) + "."
    conv = converter()
    with _calls() as seen:
        conv.extractor.extract(read_bytes(text.encode("utf-8"), "sentence.txt"))
    assert seen
    _same_names(seen)


_LIST_TEXT = ["positive", "negative", "reactive", "positivity", "no", "staining", "expression", "for", "to"]


@_SETTINGS
@given(st.lists(st.sampled_from([*_LIST_TEXT, "cd34", "s100", "and", ",", "strongly", "immunoreactivity"])))
@example(["no", "expression", "of", "ck7"])
@example(["strongly", "positivity", "for", "cd34"])
def test_lists_are_found_behind_their_words_as_by_the_pattern(words: list[str]) -> None:
    folded = " ".join(words)
    got = [m.span() for m in for_lists(folded, 0, len(folded))]
    assert got == [m.span() for m in _FOR_LIST.finditer(folded, 0, len(folded))]


@_SETTINGS
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 6)), max_size=12))
@example([(0, 5), (0, 5), (1, 3), (0, 2), (2, 3)])  # equal spans, a container and names inside it
def test_outermost_names_are_those_no_longer_name_contains(spans: list[tuple[int, int]]) -> None:
    out = [Obs(a, a + n, "x", (), "laboratory", "np:x") for a, n in spans]
    out.sort(key=lambda o: (o.start, -(o.end - o.start)))
    got = _outermost(out)
    expected = _old_outermost(out)
    assert [id(o) for o in got] == [id(o) for o in expected]
