"""The per-sentence shortcuts of the mention finder and the engine give what the general way gives.

``MentionFinder.shortcuts`` (on by default) lets a sentence without a condition match skip the
condition filter's set-up (the outcome phrases it would look for), lets the engine keep a
sentence's mentions without checking them against test spans where the sentence names no test, and
lets it make no ConText targets where no trigger of the sentence puts anything in its scope (every
mention present, none past), and skips each step of the mention finding that changes only matches of
domains the sentence lacks (drug contexts, procedures before a test, one long name, adjectives). With
``shortcuts = False`` every sentence takes the general way. Proven per sentence -- its mentions, their
assertions and past flags, its tests and their assertions -- over both dev corpora, the samples and
hostile text of our own, and over generated text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO, SHARED, converter, require_shared, sentence_contexts

from fhirconv.extract.engine import Extractor
from fhirconv.model import Document

_OWN = [
    # sentences with and without conditions, tests, outcome phrases and drugs
    "The fever resolved. Serum creatinine was 160 umol/L. No rash. Aspirin was given.",
    "Complete remission was achieved; the tumour was resected and chemotherapy was stopped.",
    "Evaluation of fatigue showed anaemia. Blood cultures were negative and the pain improved.",
    # a step skipped where the sentence has none of its domains changes something where it has them:
    # a procedure glued to a test, an analyte given or measured, a drug level, one long name, adjectives
    "Post-embolization angiography showed no leak. Fasting blood sugar was 120 mg/dL.",
    "Intravenous iron and calcium tablets were given; serum digoxin level was 3.1 nmol/L.",
    "Cerebral autosomal dominant arteriopathy with subcortical infarcts and leukoencephalopathy (CADASIL).",
    "She had a painful erythematous swelling and a diabetic ulcer; the resected duodenum was sent.",
    # hostile: no sentence ends, runs of punctuation, glued words, a long unbroken line
    "fever" * 40 + " remission, " * 30 + "creatinine 3;" * 30 + " resolved " * 10,
    ". . . ; ; ;" * 30 + "complete resolution of the rash after the biopsy (CT) of the liver",
    "x" * 3000 + " complete remission of hepatitis with normal liver function",
    "(" * 200 + "fever)" * 50 + " recovered " + "]" * 100,
]
_WORDS = [
    "fever",
    "embolization",
    "angiography",
    "iron",
    "given",
    "rash",
    "remission",
    "complete",
    "resolved",
    "recovered",
    "died",
    "creatinine",
    "serum",
    "level",
    "of",
    "was",
    "no",
    "aspirin",
    "biopsy",
    "CT",
    "evaluation",
    "anaemia",
    "160",
    "mg",
    "(",
    ")",
    ",",
    ".",
    ";",
    "-",
    "\n",
]


def _inputs() -> list[tuple[str, bytes]]:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    assert len(files) > 150  # both corpora and the samples are there: the proof covers them
    out = [(p.name, p.read_bytes()) for p in files]
    out += [(f"own{i}.txt", t.encode("utf-8")) for i, t in enumerate(_OWN)]
    return out


@contextmanager
def _shortcuts(ex: Extractor, on: bool) -> Iterator[None]:
    old = ex.mentions.shortcuts
    ex.mentions.shortcuts = on
    try:
        yield
    finally:
        ex.mentions.shortcuts = old


def _contexts(ex: Extractor, doc: Document) -> list[tuple[Any, ...]]:
    """Each patient sentence's context (as ``Extractor.extract`` builds it), by value."""

    def by_value(sent: Any, ctx: Any) -> tuple[Any, ...]:
        return (
            sent.start,
            sent.end,
            list(ctx.mentions),
            list(ctx.assertions),
            list(ctx.past),
            [repr(t) for t in ctx.tests],
            list(ctx.test_assertions),
        )

    return sentence_contexts(ex, doc, by_value)


def _same(ex: Extractor, doc: Document) -> int:
    with _shortcuts(ex, True):
        fast = _contexts(ex, doc)
    with _shortcuts(ex, False):
        slow = _contexts(ex, doc)
    assert fast == slow, doc.text[:80]
    return len(fast)


def test_every_sentence_of_every_input_is_the_same_with_and_without_shortcuts() -> None:
    conv = converter()
    ex = conv.extractor
    sentences = with_conditions = 0
    for name, data in _inputs():
        try:
            doc = conv.read_bytes(data, name)
        except Exception:  # a file no reader takes is no extraction input (fhirconv says so elsewhere)
            continue
        sentences += _same(ex, doc)
        with_conditions += sum(
            any(m.concept.domain == "conditions" for m in c[2]) for c in _contexts(ex, doc)
        )
    # both kinds of sentence were compared: the shortcut taken and not taken
    assert sentences > 3000 and 0 < with_conditions < sentences


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=60))
def test_generated_text_is_the_same_with_and_without_shortcuts(words: list[str]) -> None:
    conv = converter()
    # (a leading word: text of whitespace alone is no input)
    doc = conv.read_bytes(("She had " + " ".join(words)).encode("utf-8"), "generated.txt")
    _same(conv.extractor, doc)
