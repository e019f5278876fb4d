"""The compiled lexicon cached on disk: the same lexicon as a fresh build, rebuilt when its key (lexicon
files, this code) changes or the file is unreadable, and conversion output identical with or without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirconv.extract.lexicon import Lexicon, _ConceptTable
from fhirconv.mapping import MappingStore
from fhirconv.text import fold

SENTENCE = "She had fever, a glimmerfoot rash and hypertension; a chest CT and aspirin followed."


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "lexicons"


def _matches(lex: Lexicon, text: str = SENTENCE) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.concept.id) for m in lex.match(text, fold(text), 0, len(text))]


def test_cached_lexicon_is_the_built_one(cache: Path) -> None:
    built = Lexicon.load(MappingStore())
    (file,) = cache.glob("*.pickle")
    cached = Lexicon.load(MappingStore())
    assert isinstance(cached.concepts, _ConceptTable) and not isinstance(built.concepts, _ConceptTable)
    assert len(cached.concepts) == len(built.concepts) > 1000
    assert list(cached.concepts) == list(built.concepts)
    assert sorted(cached._automaton.items()) == sorted(built._automaton.items())
    assert list(cached._values) == list(built._values)
    assert _matches(cached) == _matches(built) and len(_matches(built)) >= 4
    assert list(cache.glob("*.pickle")) == [file]  # read, not rewritten elsewhere


def test_corrupt_cache_is_rebuilt(cache: Path) -> None:
    want = _matches(Lexicon.load(MappingStore()))
    (file,) = cache.glob("*.pickle")
    for junk in (b"", b"not a pickle", file.read_bytes()[:1000]):
        file.write_bytes(junk)
        lex = Lexicon.load(MappingStore())
        assert _matches(lex) == want
        assert file.stat().st_size > 1_000_000  # rewritten whole
        assert isinstance(Lexicon.load(MappingStore()).concepts, _ConceptTable)


def test_changed_lexicon_files_get_a_new_cache(cache: Path, tmp_path: Path) -> None:
    before = _matches(Lexicon.load(MappingStore()))
    assert not any(cid == "test:glimmerfoot" for _, _, cid in before)
    overlay = tmp_path / "overlay"
    (overlay / "lexicons").mkdir(parents=True)
    extra = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "test-only addition",
        "source": "test",
        "licence": "Apache-2.0",
        "domain": "conditions",
        "concepts": [
            {
                "id": "test:glimmerfoot",
                "display": "Glimmerfoot rash",
                "class": "sign",
                "terms": ["glimmerfoot rash"],
                "codings": [],
            }
        ],
    }
    (overlay / "lexicons" / "zz-test.json").write_text(json.dumps(extra), encoding="utf-8")
    for _ in range(2):  # built, then read back from its own cache file
        after = _matches(Lexicon.load(MappingStore(overlay)))
        assert ("test:glimmerfoot" in {cid for _, _, cid in after}) and len(after) == len(before)
    assert len(list(cache.glob("*.pickle"))) == 2
    assert _matches(Lexicon.load(MappingStore())) == before  # the shipped one is untouched


def test_conversion_is_identical_with_and_without_the_cache(cache: Path) -> None:
    from fhirconv.fhir import dumps
    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.readers import read_bytes

    doc = read_bytes(("A 60-year-old man presented with fever and cough. " + SENTENCE).encode(), "c.txt")
    first = dumps(Converter(ConvertOptions(gate="model")).convert(doc))  # builds and writes the cache
    assert list(cache.glob("*.pickle"))
    second = dumps(Converter(ConvertOptions(gate="model")).convert(doc))  # reads it
    assert first == second and "Hypertension" in first
