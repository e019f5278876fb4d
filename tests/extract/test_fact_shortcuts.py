"""The fact components' shortcuts (issue 15) find exactly what the plain code found.

Each shortcut is set against the code it replaced, kept here as the reference, over every sentence of
both dev corpora, the samples and hostile text of our own: the facts extracted with the reference in
place equal the facts extracted with the shortcut.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from support import REPO, SHARED, converter, require_shared

from fhirconv.extract.adverse import _AFTER_BREAK, _REACTION_ASSERTIONS, Adverse, _Drug, _words
from fhirconv.extract.course import _has_result
from fhirconv.extract.listed import _hyphen_result_possible
from fhirconv.extract.sentence import Found, SentenceContext
from fhirconv.model import Assertion, Document
from fhirconv.text import fold

_OWN = [
    "A further worsening of the left ventricular function. Improvement in his  renal function; a drop in\n the haemoglobin.",
    # a drug given earlier, its reaction told glued to its name: no drug mention in that sentence
    "Amoxicillin 500 mg was started for otitis. Two days later she developed an amoxicillin-induced rash.",
    "Amoxicillin-induced rash resolved. Rash is a known adverse effect; it can cause urticaria.",
    "She developed a rash after amoxicillin. In patients receiving amoxicillin, rash is common.",
    "The rash was drug-related. Fever and rash (drug-induced) resolved after the drug was stopped.",
    "catalase-negative, oxidase-positive rods; CD34 (+), S-100 (-); gram-negative cocci" * 3,
    "rash " * 200 + "-induced " * 50 + "aspirin-related fever",
]


def _documents() -> list[Document]:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file() and p.suffix == ".txt")
    assert len(files) > 150  # both corpora and the samples are there: the proof covers them
    conv = converter()
    docs = [conv.read_bytes(p.read_bytes(), p.name) for p in files]
    docs += [conv.read_bytes(t.encode("utf-8"), f"own{i}.txt") for i, t in enumerate(_OWN)]
    return docs


class _PlainAdverse(Adverse):
    """``Adverse.run`` as it was: every reaction sentence scanned for general statements first."""

    def run(self, ctx: SentenceContext, found: Found) -> None:
        folded, s, e = ctx.folded, ctx.start, ctx.end
        pairs = list(zip(ctx.mentions, ctx.assertions, strict=True))
        drugs = [
            _Drug(m.start, m.end, m.concept.id)
            for m, a in pairs
            if m.concept.domain == "drugs" and a is Assertion.PRESENT
        ]
        reactions = [m for m, a in pairs if m.concept.domain == "conditions" and a in _REACTION_ASSERTIONS]
        if not reactions or self.rules.general.search(folded, s, e):
            return
        if drugs:
            for cue in self.rules.reaction_cue.finditer(folded, s, e):
                drug = self._drug_after(folded, cue.end(), drugs)
                if drug is not None:
                    for reaction in self._before_cue(folded, cue.start(), reactions):
                        self._add(ctx, found, reaction, drug, cue.start(), cue.end())
            for cue in self.rules.start_cue.finditer(folded, s, e):
                drug = self._drug_after(folded, cue.end(), drugs)
                if drug is None:
                    continue
                after = [
                    r
                    for r in reactions
                    if r.start >= drug.end
                    and not _AFTER_BREAK.search(folded, drug.end, r.start)
                    and not self.rules.indication.search(folded, drug.end, r.start)
                ]
                chosen = after[:1] or self._before_cue(folded, cue.start(), reactions)
                for reaction in chosen:
                    self._add(ctx, found, reaction, drug, cue.start(), cue.end())
        for drug, suffix in self._suffixed(ctx, found, drugs):
            after = [r for r in reactions if r.start >= suffix.end()]
            if after and _words(folded, suffix.end(), after[0].start) <= self.rules.max_gap:
                self._add(ctx, found, after[0], drug, drug.end, suffix.end(), negate_from=drug.start)


@contextmanager
def _component(kind: type, replacement: Any) -> Iterator[None]:
    """The engine with ``replacement`` (an object with ``run``) in place of its component of ``kind``."""
    ex = converter().extractor
    saved = ex._plan, ex._plan_all
    swap = [c.run.__self__ if isinstance(c.run.__self__, kind) else None for c in ex.components]
    try:
        ex._plan = tuple(
            (replacement.run, needs) if s is not None else (run, needs)
            for (run, needs), s in zip(ex._plan, swap, strict=True)
        )
        ex._plan_all = tuple(
            (replacement.run, None) if s is not None else (run, None)
            for (run, _), s in zip(ex._plan_all, swap, strict=True)
        )
        yield
    finally:
        ex._plan, ex._plan_all = saved


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return _documents()


def test_adverse_skips_only_sentences_it_adds_nothing_to(documents: list[Document]) -> None:
    ex = converter().extractor
    adverse = next(c for c in ex.components if isinstance(c, Adverse))
    new = [ex.extract(d) for d in documents]
    with _component(Adverse, _PlainAdverse(adverse.rules)):
        plain = [ex.extract(d) for d in documents]
    assert sum(len(x.adverse_events) for x in plain) > 0  # the inputs attribute reactions at all
    for d, a, b in zip(documents, new, plain, strict=True):
        assert a == b, d.metadata


def test_hyphen_result_shortcut_answers_as_the_plain_order(documents: list[Document]) -> None:
    ex = converter().extractor
    seen = 0
    for d in documents:
        folded = fold(d.text)
        for sent in ex.attributor.patient_sentences(d, folded):
            s, e = sent.start, sent.end
            seg = folded[s:e]
            plain = _hyphen_result_possible(d.text, seg, s) and d.text.find("-", s, e) >= 0
            fast = d.text.find("-", s, e) >= 0 and _hyphen_result_possible(d.text, seg, s)
            assert plain == fast
            seen += plain
    assert seen > 0


def _plain_read_nominal(self: Any, text: str, folded: str, s: int, e: int, tests: list[Any]) -> None:
    """``CourseStatements.read_nominal`` as it was: every sentence with a test scanned."""
    if not tests:
        return
    at = {t.start: t for t in tests}
    for m in self.rules.nominal.finditer(folded, s, e):
        t = at.get(m.end())
        if t is not None and not _has_result(t):
            vs, ve = m.span("v")
            t.value_text, t.value_span = text[vs:ve], (vs, ve)


def test_nominal_course_skips_only_sentences_without_a_phrase_tail_before_a_test(
    documents: list[Document],
) -> None:
    ex = converter().extractor
    course = ex.observations.course
    assert course is not None
    new = [ex.extract(d) for d in documents]
    course.read_nominal = types.MethodType(_plain_read_nominal, course)  # type: ignore[method-assign]
    try:
        plain = [ex.extract(d) for d in documents]
    finally:
        del course.read_nominal
    for d, a, b in zip(documents, new, plain, strict=True):
        assert a == b, d.metadata
