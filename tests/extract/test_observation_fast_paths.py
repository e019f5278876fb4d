"""The faster paths of the observation components find what the plain ones found (issue 15).

Each fast path is set against the code it replaced, kept here as the reference: the test names of every
sentence of both dev corpora, of the samples and of hostile text are found both ways and compared field
by field.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract import listed, observations, test_names
from fhirconv.extract.coordinated import respectively
from fhirconv.extract.listed import _FOR_LIST, for_lists
from fhirconv.extract.obs import Obs
from fhirconv.extract.observations import Observations
from fhirconv.extract.sentence import Found, SentenceContext
from fhirconv.extract.test_names import TestNames as Names
from fhirconv.extract.test_names import _outermost
from fhirconv.model import Assertion
from fhirconv.readers import read_bytes
from fhirconv.text import fold

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


# ---------------------------------------------------------------- the readers of a sentence with no test


def _old_run(self: Observations, ctx: SentenceContext, found: Found) -> None:
    """``Observations.run`` as it was: every reader called whether the sentence names a test or not."""
    text, folded, s, e = ctx.text, ctx.folded, ctx.start, ctx.end
    tests = ctx.tests
    # every value reader needs a digit: a sentence without one skips them all (their answer is nothing)
    digits = observations.ANY_DIGIT.search(folded, s, e) is not None
    lists = observations.for_lists(folded, s, e)
    listed = set()
    if digits:
        listed = observations.coordinated_values(self.q, text, folded, s, e, tests, ctx.test_assertions)
    self._results_for(text, folded, s, e, tests, listed, digits, lists)
    for i, t in enumerate(list(tests)):
        if t.earlier is not None:  # "from 12.1 to 7.8 g/dL": the earlier value is a result of its own
            (q, span), t.earlier = t.earlier, None
            tests.append(
                dataclasses.replace(
                    t, value=q, value_span=span, cell=span, interpretation=None, interp_span=None
                )
            )
            ctx.test_assertions.append(ctx.test_assertions[i])
    if digits:
        # "139 and 152 mg/dL at ..."
        for i, cell in observations.more_values(self.q, text, folded, e, tests, self.step):
            tests.append(cell)
            ctx.test_assertions.append(ctx.test_assertions[i])
        for t in tests:
            self.values.listed_blood_pressure(t, folded)
    organisms = self.cultures.read(text, folded, s, e, tests) if tests else []
    n_tests = len(tests)
    observations.listed_results(
        self.rules, text, folded, s, e, tests, ctx.mentions, organisms, lists, self.subject_tail
    )
    # (the reader of unnamed values as it was: the "respectively" word asked first, of every sentence)
    if digits and not respectively(folded, s, e):
        self.unnamed.find(text, folded, s, e, tests, ctx.mentions)
    absorbed = self._findings(text, folded, e, tests) if tests else set()
    if self.course is not None:
        self.course.read(text, folded, s, e, tests)
    if not tests:
        ctx.test_assertions = list(ctx.test_assertions)  # (a fresh list, as below)
        return  # no test: nothing below has anything to do
    observations.finding_vitals(self.vitals, self.q.units, tests)
    assertions = ctx.test_assertions + [Assertion.PRESENT] * (len(tests) - n_tests)
    if self.rules.organism_test.search(folded, s, e):
        assertions = observations.drop_substrates(tests, assertions)
    # "an infiltrate rich in neutrophils": a cell seen, not a count measured, when nothing is said of it
    absorbed.update(id(t) for t in tests if t.concept_id in self.rules.cells and observations._bare(t))
    if absorbed:  # "ST elevation in the inferior leads": the leads are words of the ECG's finding
        kept = [(t, a) for t, a in zip(tests, assertions, strict=True) if id(t) not in absorbed]
        tests[:] = [t for t, _ in kept]
        assertions = [a for _, a in kept]
    ctx.test_assertions = assertions
    for t, a in zip(tests, assertions, strict=True):
        if a is Assertion.NEGATED and t.interpretation is None and not t.not_performed:
            t.not_performed = bool(self.rules.not_performed.search(folded, t.end, e))
        if a not in (Assertion.FAMILY, Assertion.OTHER, Assertion.HYPOTHETICAL):
            t.sentence = ctx.index
            found.observations.append(t)


@contextmanager
def _runs() -> Iterator[list[tuple[Any, ...]]]:
    """The (context, found) of every observation run while documents are extracted, each copied before
    the run (the run fills both in place)."""
    ex = converter().extractor
    obs = ex.observations
    seen: list[tuple[Any, ...]] = []
    plan = ex._plan

    def record(ctx: SentenceContext, found: Found) -> None:
        seen.append(copy.deepcopy((ctx, found)))
        obs.run(ctx, found)

    ex._plan = tuple((record if getattr(r, "__self__", None) is obs else r, n) for r, n in plan)
    try:
        yield seen
    finally:
        ex._plan = plan


def _same_runs(runs: list[tuple[Any, ...]]) -> int:
    """Each recorded sentence run by the new and the reference code: the same tests, assertions and
    observations found. Returns how many of the sentences named no test (those the new code skips)."""
    obs = converter().extractor.observations
    bare = 0
    for ctx, found in runs:
        new_ctx, new_found = copy.deepcopy((ctx, found))
        old_ctx, old_found = copy.deepcopy((ctx, found))
        obs.run(new_ctx, new_found)
        _old_run(obs, old_ctx, old_found)
        assert repr((new_ctx, new_found)) == repr((old_ctx, old_found)), ctx.folded[ctx.start : ctx.end]
        bare += not ctx.tests
    return bare


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_observation_runs_of_every_dev_sentence_are_the_same(corpus: str) -> None:
    dev = require_shared("corpora", corpus, "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 50
    conv = converter()
    with _runs() as runs:
        for path in files:
            conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
    assert len(runs) > 900
    assert _same_runs(runs) > 300  # sentences with no test: the readers of a test's result skipped


@_SETTINGS
@given(
    st.lists(
        st.sampled_from([*_WORDS, "cd34", "catalase-negative", "(+)", "12", "mg/dl", "was", "respectively"]),
        min_size=1,
        max_size=24,
    )
)
@example(["blood", "and", "cultures", "were", "12", "and", "8 g/dl", "respectively"])
@example(["12"] * 30)
# no test: what the readers of untested results (lists, signs, subjects, course words, values) take
@example(["the", "postoperative", "course", "was", "uneventful"])
@example(["haemodynamically", "stable", "and", "afebrile"])
@example(["the", "lesion", "was", "strongly", "positive", "for", "vimentin"])
@example(["the", "mass", "was", "normal"])
@example(["gram", "(+)", "cocci"])
@example(["she", "was", "born", "in", "1980"])  # digits and no value
@example(["an", "anion", "gap", "of", "18", "mmol/l"])  # no test name: the value names its own
def test_observation_runs_of_written_sentences_are_the_same(words: list[str]) -> None:
    text = "The patient had " + " ".join(words) + ". " + " ".join(words[::-1]) + "."
    conv = converter()
    with _runs() as runs:
        conv.extractor.extract(read_bytes(text.encode("utf-8"), "sentence.txt"))
    assert runs
    _same_runs(runs)


# ---------------------------------------------------------------- "catalase-negative": the word after a hyphen

_HYPHEN_TEXT = [
    "catalase",
    "-",
    "‐",
    "negative",
    "NEGATIVE",
    "Positive",
    "poſitive",
    "KL",
    "İ",
    "ı",
    "gram",
    " ",
    "x",
    "7",
    "(",
    ")",
]


def _hyphen_gate_holds(text: str, s: int, e: int) -> bool:
    """Where the pattern matches, the gate said it might (the gate is a necessary condition)."""
    folded = fold(text)
    seg = folded[s:e]
    gate = listed._hyphen_result_possible(text, seg, s) and text.find("-", s, e) >= 0
    return gate or listed._HYPHEN_RESULT.search(text, s, e) is None


@_SETTINGS
@given(st.lists(st.sampled_from(_HYPHEN_TEXT), max_size=20), st.integers(0, 40), st.integers(0, 200))
@example(["catalase", "-", "negative"], 0, 200)
@example(["x", "catalase", "-", "NEGATIVE"], 1, 200)
@example(["catalase", "-", "poſitive"], 0, 200)  # the long s matches "s" case-insensitively
@example(["KL", "-", "Positive"], 0, 200)  # the Kelvin sign folds to an ASCII "k"
def test_hyphen_results_are_never_gated_away(parts: list[str], s: int, e: int) -> None:
    text = "".join(parts)
    assert _hyphen_gate_holds(text, s, min(e, len(text)))


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_hyphen_results_of_every_dev_sentence_are_never_gated_away(corpus: str) -> None:
    dev = require_shared("corpora", corpus, "dev")
    files = sorted(dev.glob("*.txt"))
    conv = converter()
    with _calls() as seen:
        for path in files:
            conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
    assert len(seen) > 900
    matched = 0
    for text, _, s, e, _ in seen:
        assert _hyphen_gate_holds(text, s, e), text[s:e]
        matched += listed._HYPHEN_RESULT.search(text, s, e) is not None
    assert matched >= 1  # sentences where the gate had to let the pattern run


# the finding tail as first written: one character per step, three alternatives tried at each
_OLD_FINDING_TAIL = r"(?P<f>(?:[^.;,]|\.(?=\d)|,(?!\s*(?:and|but|which|while|whereas)\b))+)"


def _finding_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The finding pattern in use, and the same pattern with its tail as first written."""
    fast = converter().extractor.observations.names.finding
    fast = getattr(fast, "raw", fast)  # (the literal gate's wrapper, if it stands in front)
    assert test_names.FINDING_TAIL in fast.pattern
    old = re.compile(fast.pattern.replace(test_names.FINDING_TAIL, _OLD_FINDING_TAIL), fast.flags)
    assert old.pattern != fast.pattern
    return fast, old


def _same_findings(fast: re.Pattern[str], old: re.Pattern[str], folded: str, s: int, e: int) -> int:
    """The finding read from every position of ``[s, e)``, both ways: the same spans and groups."""
    found = 0
    for pos in range(s, e):
        a, b = fast.match(folded, pos, e), old.match(folded, pos, e)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), folded[pos:e]
        found += a is not None
    return found


@pytest.mark.parametrize("corpus", ["maccrobat2020", "e3c-en-layer1"])
def test_findings_are_read_the_same_from_every_position_of_the_dev_reports(corpus: str) -> None:
    dev = require_shared("corpora", corpus, "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 50
    fast, old = _finding_patterns()
    found = 0
    for path in files:
        folded = fold(read_bytes(path.read_bytes(), path.name).text)
        # in windows of a few hundred characters, as a sentence is read (a finding never crosses ".")
        for s in range(0, len(folded), 300):
            found += _same_findings(fast, old, folded, s, min(len(folded), s + 400))
    assert found > 100


_FINDING_TEXT = [
    "revealed",
    "showed",
    " ",
    "  ",
    "a",
    "mass",
    ",",
    ", and",
    ", but",
    ".",
    "5",
    ".5",
    ";",
    "(",
    ")",
    "was",
    "performed",
    "which",
    "also",
    "x",
    "\n",
]


@_SETTINGS
@given(st.lists(st.sampled_from(_FINDING_TEXT), max_size=40), st.integers(0, 200))
@example(["revealed", " ", "a", "mass", ", and", " ", "x"], 200)
@example(["showed", " ", "5", ".5", ".", "x", ",", "a"], 200)
@example(["(", "x", ")", " ", "also", " ", "showed", " ", "a", ",", ",", ".5", ";"], 9)
def test_findings_are_read_the_same_from_written_text(parts: list[str], e: int) -> None:
    text = "".join(parts)
    fast, old = _finding_patterns()
    _same_findings(fast, old, text, 0, min(e, len(text)))


def test_a_long_finding_is_read_in_linear_time() -> None:
    fast, _ = _finding_patterns()
    # a finding that runs on and on, and one that never gets its verb: each one try, no blow-up
    m = fast.match("revealed " + "a mass, with, " * 20000 + "x")
    assert m is not None and m.end() > 200000
    assert fast.match("(" + "revealed a " * 20000) is None
