"""The piecewise automaton (fhirconv/extract/lexicon_cache.py) answers what the whole lexicon automaton
answers: every hit of every text, in the same order, and every membership question the lexicon asks;
a one-document converter writes the same bundles; past its limit, or with the whole automaton's blob
damaged, it still answers the same."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import pytest

from fhirconv.diskcache import IndexedBlobs
from fhirconv.extract import lexicon_cache
from fhirconv.extract.lexicon import Lexicon
from fhirconv.extract.lexicon_cache import PiecewiseAutomaton, read_cache
from fhirconv.mapping import MappingStore
from fhirconv.readers import read_path
from fhirconv.text import fold

Index = tuple[Any, "array[int]", "array[int]", "array[int]", bytes]
REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"


def _texts() -> list[Path]:
    found = sorted((REPO / "samples").glob("*.txt"))
    for corpus in ("maccrobat2020", "e3c-en-layer1"):
        found += sorted((CORPORA / corpus / "dev").glob("*.txt"))
    return found


@pytest.fixture(scope="module")
def whole() -> Lexicon:
    return Lexicon.load(MappingStore())


@pytest.fixture(scope="module")
def index(whole: Lexicon) -> Index:
    return PiecewiseAutomaton.index(whole._automaton)


def test_every_hit_of_every_text_in_order(whole: Lexicon, index: Index) -> None:
    paths = _texts()  # the samples, and the dev corpora where ../shared holds them
    automaton = whole._automaton
    hits = 0
    for path in paths:
        doc = read_path(path)
        folded = fold(doc.text)
        # the lexicon scans each section once, and sometimes a whole text
        pieces = [folded] + [folded[s.start : s.end] for s in doc.sections]
        for piece in pieces:
            small = PiecewiseAutomaton(*index)
            got = list(small.iter(piece))
            assert got == list(automaton.iter(piece)), path.name
            assert small._whole is None  # (the small automata answered, not the whole one)
            hits += len(got)
        # membership: every word, and every word without its last letter (the plural test)
        small = PiecewiseAutomaton(*index)
        for word in set(folded.split()):
            for key in (word, word[:-1], word.strip(".,;:()")):
                assert (key in small) == (key in automaton), key
    assert hits > (10_000 if len(paths) > 50 else 500)


def test_every_key_is_found_and_nothing_else(whole: Lexicon, index: Index) -> None:
    automaton = whole._automaton
    small = PiecewiseAutomaton(*index)
    keys = [k for k, _ in automaton.items()]
    assert len(small) == len(keys) > 50_000
    for key in keys[::7]:
        assert key in small
        assert list(small.iter(key)) == list(automaton.iter(key))
        small._scanned = 0
    for other in ("", "zzqx", "aspirinx", "x" * 40, 5, None):
        assert (other in small) is False


def test_limit_loads_the_whole_automaton(whole: Lexicon, index: Index) -> None:
    loads: list[int] = []

    def load() -> object:
        loads.append(1)
        return whole._automaton

    small = PiecewiseAutomaton(*index, load)
    text = fold((REPO / "samples" / "chest_pain_stemi.txt").read_text(encoding="utf-8"))
    want = list(whole._automaton.iter(text))
    for _ in range(lexicon_cache.PIECEWISE_LIMIT // len(text) + 2):
        assert list(small.iter(text)) == want
    assert loads == [1] and small._whole is whole._automaton
    # a whole automaton that cannot be read: the small automata go on, with the same answers
    broken = PiecewiseAutomaton(*index, lambda: None)
    for _ in range(lexicon_cache.PIECEWISE_LIMIT // len(text) + 2):
        assert list(broken.iter(text)) == want
    assert broken._whole is None


def test_index_that_does_not_fit_is_refused(index: Index) -> None:
    grams, starts, offsets, values, keys = index
    with pytest.raises(ValueError):
        PiecewiseAutomaton(grams, starts, offsets, values, keys[:-1])
    with pytest.raises(ValueError):
        PiecewiseAutomaton(grams, starts[:-1], offsets, values, keys)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "lexicons"


def test_cache_file_read_piecewise(cache: Path) -> None:
    whole = Lexicon.load(MappingStore())  # built, and written to this test's cache
    (file,) = cache.glob("*.pickle")
    cached = read_cache(file, piecewise=True)
    assert cached is not None and isinstance(cached.automaton, PiecewiseAutomaton)
    eager = read_cache(file)
    assert eager is not None and sorted(eager.automaton.items()) == sorted(whole._automaton.items())
    # a damaged whole automaton: read eagerly, the file is refused; piecewise, the same answers
    blobs = IndexedBlobs(file)
    at = blobs._start + blobs._offsets[list(blobs).index("automaton")]
    data = bytearray(file.read_bytes())
    data[at] = 0xFF  # the automaton's pickle no longer starts as one
    del blobs
    file.write_bytes(bytes(data))
    assert read_cache(file) is None
    piecewise = read_cache(file, piecewise=True)
    assert piecewise is not None
    text = fold((REPO / "samples" / "chest_pain_stemi.txt").read_text(encoding="utf-8")) * 20
    assert list(piecewise.automaton.iter(text)) == list(whole._automaton.iter(text))
    for junk in (b"", b"not a cache", bytes(data[:1000])):
        file.write_bytes(junk)
        assert read_cache(file, piecewise=True) is None


def test_one_document_converter_writes_the_same_bundles() -> None:
    from fhirconv.fhir import dumps
    from fhirconv.pipeline import Converter, ConvertOptions, Gate

    paths = (
        sorted((REPO / "samples").glob("*.txt"))[:4]
        + sorted((CORPORA / "maccrobat2020" / "dev").glob("*.txt"))[:3]
    )
    options = ConvertOptions(gate=Gate.MODEL)
    batch = Converter(options)
    for path in paths:
        one = Converter(options, one_document=True)
        assert isinstance(one.extractor.lexicon._automaton, PiecewiseAutomaton)
        assert dumps(one.convert(one.read_path(path))) == dumps(batch.convert(batch.read_path(path))), (
            path.name
        )
