"""The cached lexicon's compact shapes (fhirconv/extract/lexicon_cache.py) answer exactly what the list of
rows and the dict of misspelt-drug deletions answered, and refuse data that does not fit together."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from fhirconv.extract.lexicon import Lexicon
from fhirconv.extract.lexicon_cache import PackedRows, SortedIntMap
from fhirconv.mapping import MappingStore

ROWS = [
    (
        "drugs",
        "rx:1",
        "Aspirin",
        "drug",
        (("http://www.nlm.nih.gov/research/umls/rxnorm", "1191", "aspirin"),),
        None,
        None,
    ),
    ("tests", "t:2", "Sodium", "lab", (), "mmol/L", "laboratory"),
    ("conditions", "c:3", "Fièvre ∂", "", (), None, None),
]


def test_packed_rows_are_the_rows() -> None:
    rows = PackedRows(*PackedRows.pack(ROWS))
    assert len(rows) == 3
    assert [rows[i] for i in range(3)] == ROWS and list(rows) == ROWS
    assert rows[-1] == ROWS[-1] and rows[0:2] == ROWS[0:2] and rows[::-1] == ROWS[::-1]
    with pytest.raises(IndexError):
        rows[3]
    assert len(PackedRows(*PackedRows.pack([]))) == 0


def test_packed_rows_refuse_offsets_that_do_not_fit() -> None:
    blob, offsets = PackedRows.pack(ROWS)
    with pytest.raises(ValueError):
        PackedRows(blob[:-1], offsets)
    with pytest.raises(ValueError):
        PackedRows(blob, array("q", [1, *offsets[1:]]))


def test_sorted_map_is_the_dict() -> None:
    d = {"sevoflurane": 4, "sevoflurne": -1, "": 7, "zz": 0, "ábc": 2}
    packed = SortedIntMap.pack(d)
    assert packed is not None
    m = SortedIntMap(*packed)
    assert m == d and len(m) == len(d) and sorted(m) == sorted(d)
    for key in [*d, "sevo", "sevoflurane ", "a", "zzz", "\uffff"]:
        assert m.get(key, -2) == d.get(key, -2) and (key in m) == (key in d)
    assert m.get("absent") is None
    with pytest.raises(KeyError):
        m["absent"]
    assert SortedIntMap(*(SortedIntMap.pack({}) or ("", array("q")))) == {}
    assert SortedIntMap.pack({"a\0b": 1}) is None  # the separator cannot be a key's letter


def test_sorted_map_refuses_counts_that_differ() -> None:
    with pytest.raises(ValueError):
        SortedIntMap("a\0b", array("q", [1]))
    with pytest.raises(TypeError):
        SortedIntMap(["a"], array("q", [1]))  # type: ignore[arg-type]


def test_cached_deletions_answer_like_the_built_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    built = Lexicon.load(MappingStore())
    cached = Lexicon.load(MappingStore())
    assert isinstance(cached.near_deletions, SortedIntMap) and isinstance(built.near_deletions, dict)
    assert len(built.near_deletions) > 10_000
    for key, value in built.near_deletions.items():
        assert cached.near_deletions.get(key, -2) == value
    for word in ("sevofluorane", "acenocumarol", "slidenafil", "paracetamoll", "hypertension", "xyzzyxyzzy"):
        assert cached.near_drug(word) == built.near_drug(word)
