"""The engine skips a component on a sentence without the mentions it reads: exactly the same facts.

Each component that declares ``needs`` (the (domain, assertion) pairs of the mentions its ``run`` reads)
claims that on a sentence without such a mention it changes nothing. Proven two ways over every input the
bundle snapshot reads (both dev corpora, the samples, the real documents, the seeds) and hostile text of
our own: per sentence, running the skipped component anyway leaves what was found untouched; per
document, extraction with and without skipping gives equal facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from support import REPO, SHARED, converter, require_shared

from fhirconv.extract import engine as engine_module
from fhirconv.extract.sentence import Found
from fhirconv.model import Document

_OWN = [
    # every component's mentions in one sentence, and each kind alone
    "A 54-year-old woman with diabetes presented with fever and rash after amoxicillin was started; "
    "her mother had breast cancer, no history of seizures, and a cholecystectomy was not performed. "
    "Amoxicillin-induced rash resolved two days later. Her brother had no asthma. She died on day 3.",
    "Aspirin 100 mg daily was given. She was admitted. An appendectomy was performed on the next day.",
    "No fever. No aspirin. If pain recurs, ibuprofen may be given. His father had hypertension.",
    # hostile: no sentence ends, runs of punctuation, words glued to numbers, a long unbroken line
    "fever" * 50 + " rash, " * 40 + "aspirin;" * 30 + " family history of diabetes " * 5,
    ". . . ; ; ;" * 30 + "post-operative day 3 she developed a rash 3 days after penicillin",
    "she had fever\n\n\nrash\n" + "x" * 3000 + " aspirin-induced urticaria resolved",
    "",
]


def _inputs() -> list[tuple[str, bytes]]:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    for d in (SHARED / "real-docs", SHARED / "seeds"):
        if d.is_dir():
            files += sorted(p for p in d.rglob("*") if p.is_file() and p.name != "README.md")
    assert len(files) > 200  # both corpora and the samples are there: the proof covers them
    out = [(p.name, p.read_bytes()) for p in files]
    out += [(f"own{i}.txt", t.encode("utf-8")) for i, t in enumerate(_OWN)]
    return out


def _documents() -> list[Document]:
    conv = converter()
    docs = []
    for name, data in _inputs():
        try:
            docs.append(conv.read_bytes(data, name))
        except Exception:  # a file no reader takes is no extraction input (fhirconv says so elsewhere)
            continue
    return docs


@contextmanager
def _skipping(on: bool) -> Iterator[Any]:
    ex = converter().extractor
    old = ex.skip
    ex.skip = on
    try:
        yield ex
    finally:
        ex.skip = old


def _state(found: Found) -> tuple[Any, ...]:
    """Everything a component can change in ``found`` (the containers' contents, by value)."""
    return (
        dict(found.conditions),
        list(found.observations),
        list(found.procedures),
        dict(found.medications),
        {k: list(v) for k, v in found.reason_offsets.items()},
        found.outcome,
        found.inpatient,
        list(found.family),
        list(found.adverse),
        dict(found.head_names),
    )


def test_a_skipped_component_would_have_changed_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every component runs on every sentence; where the engine would skip one, what was found is the
    same before and after it ran."""
    ex = converter().extractor
    skipped = checked = 0

    def plan_all_checked() -> tuple[Any, ...]:
        def checked_run(run: Any, needs: frozenset[Any] | None) -> Any:
            def call(ctx: Any, found: Found) -> None:
                nonlocal skipped, checked
                have = {(m.concept.domain, a) for m, a in zip(ctx.mentions, ctx.assertions, strict=True)}
                if needs is None or not needs.isdisjoint(have):
                    run(ctx, found)
                    return
                before = _state(found)
                run(ctx, found)
                assert _state(found) == before, (run, ctx.text[ctx.start : ctx.end])
                skipped += 1

            return call

        return tuple((checked_run(run, needs), None) for run, needs in ex._plan)

    monkeypatch.setattr(ex, "_plan_all", plan_all_checked())
    with _skipping(False):
        for doc in _documents():
            ex.extract(doc)
            checked += 1
    assert checked > 200
    assert skipped > 1000  # the skipping is real: most sentences lack most components' mentions


def test_extraction_is_the_same_with_and_without_skipping() -> None:
    docs = _documents()
    with _skipping(True) as ex:
        fast = [ex.extract(d) for d in docs]
    with _skipping(False) as ex:
        slow = [ex.extract(d) for d in docs]
    assert len(fast) > 200
    for doc, a, b in zip(docs, fast, slow, strict=True):
        assert a == b, doc.source_name


def test_sentences_out_of_order_are_never_skipped() -> None:
    """The onset rule relies on sentences in reading order; out of order, every component runs."""
    s = engine_module.Sentence
    assert engine_module._in_order([s(0, 5, 0), s(6, 9, 0), s(9, 12, 1)])
    assert not engine_module._in_order([s(0, 5, 0), s(3, 9, 0)])
    assert not engine_module._in_order([s(6, 9, 0), s(0, 5, 0)])
    assert engine_module._in_order([])


def test_the_declared_needs_name_known_domains() -> None:
    ex = converter().extractor
    declared = [needs for _, needs in ex._plan if needs is not None]
    assert len(declared) >= 5
    domains = {d for needs in declared for d, _ in needs}
    assert domains <= {"conditions", "drugs", "procedures"}


def test_the_steps_remembered_per_set_of_mentions_are_the_ones_the_needs_choose() -> None:
    """The engine chooses a sentence's components once per set of (domain, assertion) pairs: after every
    input, each remembered choice is the plan's components whose needs meet the set, in plan order."""
    ex = converter().extractor
    with _skipping(True):
        for doc in _documents():
            ex.extract(doc)
    assert ex._steps_for is ex._plan
    assert len(ex._steps) > 10  # many sets were met, with different choices
    assert len(set(ex._steps.values())) > 3
    for have, steps in ex._steps.items():
        chosen = [run for run, needs in ex._plan if needs is None or any(p in have for p in needs)]
        assert list(steps) == chosen, have
