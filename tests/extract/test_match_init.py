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


def test_literal_windows_say_no_only_where_the_pattern_finds_nothing() -> None:
    """Over the windows before every lexicon match of the corpora (where the mention filters search)
    and random windows: ``maybe`` False means the pattern's search finds nothing there."""
    from fhirconv.extract.prefilter import LiteralWindows

    x = converter().extractor
    rules = x.mentions.rules
    patterns = [getattr(rules.name_openers, "raw", rules.name_openers)]
    patterns.append(getattr(rules.name_before, "raw", rules.name_before))
    rng = random.Random(5)
    said_no = found = 0
    for pattern in patterns:
        windows = LiteralWindows(pattern, warm_up=0)
        for text in [*_texts(), "Department of surgery unit of  care; tested for x, y test for hiv"]:
            folded = fold(text)
            lexed = x.lexicon.match(text, folded, 0, len(text))
            ranges = [(max(0, m.start - reach), m.start) for m in lexed for reach in (40, 60)]
            ranges += [tuple(sorted(rng.sample(range(len(folded) + 1), 2))) for _ in range(50)]
            for pos, endpos in ranges:
                hit = pattern.search(folded, pos, endpos) is not None
                maybe = windows.maybe(folded, pos, endpos)
                assert maybe or not hit, (pattern.pattern[:40], folded[pos:endpos])
                said_no += not maybe
                found += hit
    assert said_no > 1000 and found > 5


def test_mentions_with_and_without_literal_windows() -> None:
    """Every sentence's mentions are the same whether the windows answer or the patterns always run."""
    from fhirconv.extract.mentions import MentionFinder
    from fhirconv.extract.prefilter import LiteralWindows

    x = converter().extractor
    m = x.mentions
    gated = MentionFinder(m.lexicon, m.rules, m.outcomes)
    plain = MentionFinder(m.lexicon, m.rules, m.outcomes)
    for finder, warm_up in ((gated, 0), (plain, 1 << 62)):
        finder._openers = LiteralWindows(m.rules.name_openers, warm_up=warm_up)
        finder._name_before = LiteralWindows(m.rules.name_before, warm_up=warm_up)
    dropped = 0
    for text in _texts():
        doc = converter().read_bytes(text.encode(), "x.txt")
        folded = fold(doc.text)
        sentences = x.attributor.patient_sentences(doc, folded)
        with x.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            want_aliases, got_aliases = plain.aliases(doc, folded), gated.aliases(doc, folded)
            for s in sentences:
                want = plain.find(doc.text, folded, s.start, s.end, want_aliases)
                got = gated.find(doc.text, folded, s.start, s.end, got_aliases)
                assert got == want
                dropped += len(x.lexicon.match(doc.text, folded, s.start, s.end)) - len(want)
    assert dropped > 0
