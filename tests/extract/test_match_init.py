"""Mention finding made cheaper, the same answers: ``Match`` built through its slot descriptors is the
match the dataclass's own ``__init__`` builds, and the misspelt-drug scan's letter runs hold every long
word, so a document's misspelt drugs per sentence are still those of a sentence scan (dev corpora,
samples and hostile text)."""

from __future__ import annotations

import dataclasses
import pickle
import random
from pathlib import Path

import pytest
from support import SAMPLES, converter, require_shared

from fhirconv.extract.lexicon import Concept, Match
from fhirconv.extract.match_filters import _LETTER_RUN, _LONG_WORD, NearDrugs, near_drugs
from fhirconv.text import fold


@dataclasses.dataclass(frozen=True, slots=True)
class _Plain:
    """``Match`` as the dataclass writes it (its generated ``__init__``)."""

    start: int
    end: int
    concept: Concept
    expansion: str | None = None


def _fields(obj: object) -> tuple[object, ...]:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))  # type: ignore[arg-type]


def test_match_is_the_dataclass_match() -> None:
    rng = random.Random(11)
    concepts = [Concept("tests", f"c{i}", f"d{i}", "lab", (("s", str(i), "x"),)) for i in range(5)]
    for _ in range(500):
        a, b = sorted(rng.sample(range(1000), 2))
        c = rng.choice(concepts)
        x = rng.choice([None, "long form"])
        args = (a, b, c) if x is None and rng.random() < 0.5 else (a, b, c, x)
        m, ref = Match(*args), _Plain(*args)
        assert _fields(m) == _fields(ref)
        assert m == Match(*args) and hash(m) == hash(Match(*args))
        assert m != Match(a, b + 1, c, x) and m != Match(a, b, c, "other")
        assert repr(m) == repr(ref).replace("_Plain(", "Match(", 1)
        kw = Match(start=a, end=b, concept=c, expansion=x)
        assert _fields(kw) == _fields(_Plain(start=a, end=b, concept=c, expansion=x))
    m = Match(1, 2, concepts[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Match(1, 2)  # type: ignore[call-arg]
    assert dataclasses.replace(m, end=7) == Match(1, 7, concepts[0])
    assert pickle.loads(pickle.dumps(m)) == m
    assert not hasattr(m, "__dict__")


HOSTILE = (
    "5remifentanyl_sevofluorane-acenocumarol remifentanyl2 x-slidenafil slidenafil- caféinecitrate "
    "ÉTOMIDATEXX etomidatee\nsevofluoranex sevofluorane"
)


def _texts() -> list[str]:
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(require_shared("corpora", "e3c-en-layer1", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")
    return [Path(f).read_text(encoding="utf-8", errors="replace") for f in files] + [HOSTILE]


def test_letter_runs_hold_every_long_word() -> None:
    more = 0
    for text in _texts():
        folded = fold(text)
        words, runs = set(_LONG_WORD.findall(folded)), set(_LETTER_RUN.findall(folded))
        assert words <= runs, words - runs
        more += len(runs - words)
    assert more  # (the hostile text has runs that are no long words)


def test_misspelt_drugs_per_sentence_over_the_corpora() -> None:
    x = converter().extractor
    lexicon, rules = x.lexicon, x.mentions.rules
    finder = NearDrugs(lexicon, rules)
    found = 0
    for text in _texts():
        doc = converter().read_bytes(text.encode(), "x.txt")
        folded = fold(doc.text)
        bounds = [(s.start, s.end) for s in x.attributor.patient_sentences(doc, folded)]
        for s, e in bounds:
            want = near_drugs(lexicon, rules, folded, s, e, [])
            got = finder.find(folded, s, e, [])
            assert [(m.start, m.end, m.concept.id) for m in got] == [
                (m.start, m.end, m.concept.id) for m in want
            ]
            found += len(want)
    assert found
