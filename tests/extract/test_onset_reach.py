"""The onset rule looks only at the facts a dated sentence told when no earlier fact can reach it.

``Conditions._onsets`` gives a sentence's duration ("for ten days") to the facts whose last mention is
in the sentence. With ``reach_shortcut`` it looks at the facts the sentence itself told wherever
``Found.condition_reach`` (the latest last-mention start of the store) lies before the sentence, instead
of walking every fact of the report for every dated sentence. Proven here: the same facts with and
without the shortcut over every input the component-skip proof reads and a long report made of the dev
reports joined (the same conditions recur in every part), and with the sentences run in reverse order,
where the reach lies after the sentence and the whole store must be walked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from support import SHARED, converter, require_shared, sentence_contexts
from test_component_skip import _documents

from fhirconv.extract.sentence import Found, SentenceContext
from fhirconv.model import Document


@contextmanager
def _shortcut(on: bool) -> Iterator[Any]:
    ex = converter().extractor
    old = ex.conditions.reach_shortcut
    ex.conditions.reach_shortcut = on
    try:
        yield ex
    finally:
        ex.conditions.reach_shortcut = old


def _long_report() -> Document:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    text = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in files[:60])
    doc: Document = converter().read_bytes(text.encode("utf-8"), "joined.txt")
    return doc


def test_extraction_is_the_same_with_and_without_the_reach_shortcut() -> None:
    docs = [*_documents(), _long_report()]
    with _shortcut(True) as ex:
        fast = [ex.extract(d) for d in docs]
    with _shortcut(False) as ex:
        slow = [ex.extract(d) for d in docs]
    dated = 0
    for doc, a, b in zip(docs, fast, slow, strict=True):
        assert a == b, doc.source_name
        dated += sum(1 for c in a.conditions if c.onset is not None)
    assert dated > 20  # the rule gives onsets: the comparison covers it


def _contexts(doc: Document) -> list[SentenceContext]:
    return sentence_contexts(converter().extractor, doc, lambda _sentence, ctx: ctx)


def test_a_sentence_told_before_is_reached_through_the_whole_store() -> None:
    """Each dated sentence of the inputs read twice, as two overlapping pieces: first up to its duration
    (its conditions are told, no onset yet), then whole with no mention of its own (it tells nothing).
    The facts of the first piece lie in the second and take its onset: the reach lies inside the
    sentence, the whole store is walked, and the facts are the same as without the shortcut."""
    conditions = converter().extractor.conditions
    duration = conditions.q.duration_re
    checked = onsets = 0
    for doc in [*_documents(), _long_report()]:
        for ctx in _contexts(doc):
            dm = duration.search(ctx.folded, ctx.start, ctx.end)
            told = [m for m in ctx.mentions if m.end <= (dm.start() if dm else -1)]
            if dm is None or not any(m.concept.domain == "conditions" for m in told):
                continue
            k = len(told)
            first = replace(
                ctx,
                end=dm.start(),
                mentions=told,
                assertions=ctx.assertions[:k],
                past=ctx.past[:k],
                tests=[],
                test_assertions=[],
            )
            second = replace(ctx, mentions=[], assertions=[], past=[])
            stores = []
            for on in (True, False):
                with _shortcut(on):
                    found = Found()
                    conditions.run(first, found)
                    conditions.run(second, found)
                    stores.append(found.conditions)
            assert stores[0] == stores[1], ctx.text[ctx.start : ctx.end]
            onsets += sum(1 for c in stores[0].values() if c.onset is not None)
            checked += 1
    assert checked > 20
    assert onsets > 10  # the second piece dates the first one's facts: a shortcut without the reach fails
