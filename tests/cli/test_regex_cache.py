"""The on-disk cache of compiled patterns (fhirconv.regexcache): same patterns back, nothing but what was
recorded written, and a damaged or foreign file ignored."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fhirconv.regexcache import Recorder, cache_file, warm

# patterns no other code compiles, so they are not in re's cache already
SET_UP = [
    (r"(?P<dose>\d+(?:\.\d+)?)\s*(?:mg|mcg)\b(?# regexcache-test-1)", re.IGNORECASE),
    (r"(?<!\w)(?:chest\s+pain|dyspn(?:o|)ea)(?!\w)(?# regexcache-test-2)", 0),
]
DOCUMENT = r"a pattern made from a document's words(?# regexcache-test-3)"


def _record(path: Path) -> Recorder:
    re.purge()
    rec = Recorder(path).warm()
    with rec:
        for pattern, flags in SET_UP:
            re.compile(pattern, flags)
    re.compile(DOCUMENT)  # outside the recorded blocks: must never be written
    return rec


def test_recorded_patterns_come_back_identical(tmp_path: Path) -> None:
    path = tmp_path / "re.bin"
    assert _record(path).save() is True
    fresh = {(p, f): re.compile(p, f) for p, f in SET_UP}
    re.purge()
    loaded = warm(path)
    assert {(k[1], k[2]) for k in loaded} == set(fresh)
    for (pattern, flags), expected in fresh.items():
        got = re.compile(pattern, flags)
        assert got == expected  # patterns compare by their compiled program
        assert got.groupindex == expected.groupindex
        m = got.search("took 12.5 MG daily" if "dose" in pattern else "new chest  pain")
        assert m is not None
    assert DOCUMENT.encode() not in path.read_bytes()


def test_bytes_patterns_come_back_as_bytes_patterns(tmp_path: Path) -> None:
    path = tmp_path / "re.bin"
    source, flags = rb"^(?:<\?xml[^>]*>\s*)?<(?P<tag>\w+)(?# regexcache-test-4)", re.IGNORECASE
    re.purge()
    rec = Recorder(path).warm()
    with rec:
        re.compile(source, flags)
        re.compile(source.decode(), flags)  # the same text as str: another pattern
    assert rec.save() is True
    expected = re.compile(source, flags)
    re.purge()
    loaded = warm(path)
    assert {(k[0], k[1]) for k in loaded} == {(bytes, source), (str, source.decode())}
    got = re.compile(source, flags)
    assert got == expected and got.groupindex == expected.groupindex
    m = got.search(b"<?xml version='1.0'?><HTML>")
    assert m is not None and m["tag"] == b"HTML"
    s = re.compile(source.decode(), flags).search("<body>")
    assert s is not None and s["tag"] == "body"


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "re.bin"
    assert _record(path).save() is True
    before = path.read_bytes()
    rec = Recorder(path).warm()  # re's cache still holds the patterns: nothing loaded, nothing compiled
    with rec:
        for pattern, flags in SET_UP:
            re.compile(pattern, flags)
    assert rec.save() is False
    assert path.read_bytes() == before


def test_damaged_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "re.bin"
    assert _record(path).save() is True
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF  # one flipped byte: the checksum no longer holds
    path.write_bytes(bytes(blob))
    re.purge()
    assert warm(path) == {}
    path.write_bytes(b"not a cache at all")
    assert warm(path) == {}
    assert warm(tmp_path / "absent.bin") == {}
    # and the patterns still compile as usual
    assert re.compile(*SET_UP[0]).search("5 mg") is not None


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rec = _record(blocker / "sub" / "re.bin")  # a folder that cannot be made
    assert rec.save() is False
    assert not list(tmp_path.glob("**/*.tmp"))


def test_cache_file_names_the_interpreter(tmp_path: Path) -> None:
    name = cache_file(tmp_path).name
    assert name.startswith(__import__("sys").implementation.cache_tag)
    assert cache_file(tmp_path).parent == tmp_path


def test_a_purpose_has_a_file_of_its_own(tmp_path: Path) -> None:
    own = cache_file(tmp_path, purpose="validate")
    assert own.parent == tmp_path and own != cache_file(tmp_path)
    assert own.name == cache_file(tmp_path).name.replace(".bin", "-validate.bin")


def test_warm_without_texts_reads_no_texts_file(tmp_path: Path, monkeypatch: Any) -> None:
    from fhirconv import regexcache

    def refuse() -> bytes:
        raise AssertionError("the texts file was asked for")

    monkeypatch.setattr(regexcache, "_texts_magic", refuse)
    rec = Recorder(tmp_path / "re.bin").warm(texts=False)
    assert rec.loaded == {} and rec.loaded_texts == 0


def test_recorded_pattern_texts_come_back_and_only_those(tmp_path: Path, monkeypatch: Any) -> None:
    from fhirconv import regexcache, text

    monkeypatch.setattr(regexcache, "_TEXTS", {})
    path = tmp_path / "re.bin"
    phrases = ["chest pain", "chest tightness", "regexcache test phrase"]
    rec = Recorder(path).warm()
    with rec:
        built = text.trie_alternation(phrases)
    outside = text.trie_alternation(["a document's own words"])  # never written
    assert built == text._trie(phrases, None) and outside
    rec.save()
    magic = regexcache._texts_magic()
    assert magic is not None
    texts = regexcache._texts_file(path, magic)
    assert texts.is_file() and texts.parent == tmp_path
    monkeypatch.setattr(regexcache, "_TEXTS", {})
    Recorder(path).warm()
    keys = set(regexcache._TEXTS)
    assert ("trie", tuple(phrases), None) in keys
    assert all("a document's own words" not in k[1] for k in keys)
    calls = []
    got = regexcache.remembered(("trie", tuple(phrases), None), lambda: calls.append(1) or "")
    assert got == built and not calls  # served from the file
    # another version of the code that writes the texts: the file is not used, and that version's own
    # file goes beside it (checkouts of two versions sharing a cache do not overwrite each other)
    monkeypatch.setattr(regexcache, "_TEXTS", {})
    monkeypatch.setattr(regexcache, "_texts_magic", lambda: b"fhirconv-texts 1 other\n")
    Recorder(path).warm()
    assert regexcache._TEXTS == {}
    other = Recorder(path).warm()
    with other:
        text.trie_alternation(phrases)
    other.save()
    assert regexcache._texts_file(path, b"fhirconv-texts 1 other\n").is_file() and texts.is_file()
    # the same code's file is written under the same name whatever is held in the other one
    assert texts == regexcache._texts_file(path, magic)
    # a damaged file is ignored
    monkeypatch.undo()
    monkeypatch.setattr(regexcache, "_TEXTS", {})
    blob = texts.read_bytes()
    texts.write_bytes(blob[:-5] + b"xxxxx")
    Recorder(path).warm()
    assert regexcache._TEXTS == {}


def test_alternation_text_and_cache_key_do_not_depend_on_the_order(monkeypatch: Any) -> None:
    """``alternation`` sorts its phrases: the text is the same in any order (and the same as the flat
    list's order-free trie), and so is the key the texts cache is asked under, whatever the hash seed
    made of a set's order. Every word list of the shipped mappings, each in three orders."""
    import random

    from fhirconv import regexcache, text
    from fhirconv.mapping import MappingStore

    asked: list[Any] = []

    def remembered(key: tuple[Any, ...], make: Any) -> str:
        asked.append(key)
        return str(make())

    monkeypatch.setattr(regexcache, "remembered", remembered)
    monkeypatch.setattr(text, "remembered", regexcache.remembered)
    store = MappingStore()
    lists = [
        list(value)
        for name in store.names("rules")
        for value in store.load(name).values()
        if isinstance(value, list) and len(value) > 1 and all(isinstance(w, str) for w in value)
    ]
    assert len(lists) > 20
    rng = random.Random(15)
    for words in lists:
        texts, keys = set(), set()
        for _ in range(3):
            shuffled = rng.sample(words, len(words))
            asked.clear()
            texts.add(text.alternation(shuffled))
            keys.add(repr(asked))
        assert len(texts) == 1 and len(keys) == 1, words[:5]
        folded = {text.norm_phrase(w) for w in words}
        # a key in a set's order would match within one process yet differ in the next (hash seed)
        assert asked == [("trie", tuple(sorted(folded)), None)]
        assert texts == {text._trie(list(folded), None)}  # the trie in the set's own order: same text


def test_programs_are_kept_as_the_bytes_of_re_s_own_code_words(tmp_path: Path) -> None:
    """A program is stored as its code words' bytes (one copy to read), the words re itself built."""
    from array import array

    from fhirconv import regexcache

    path = tmp_path / "re.bin"
    assert _record(path).save() is True
    rows = regexcache._read(path)
    assert rows is not None and len(rows) == len(SET_UP)
    for row in rows:
        plain = regexcache._program(row[0], row[1])
        assert type(row[3]) is bytes and array(regexcache._code_type(), row[3]).tolist() == plain[3]
        assert row[:3] == plain[:3] and row[4:] == plain[4:]
    # a file of the first format (code as lists of ints) is another file, and under this magic ignored
    assert cache_file(tmp_path).name.endswith("-f2.bin")
    first = [(*r[:3], array(regexcache._code_type(), r[3]).tolist(), *r[4:]) for r in rows]
    regexcache._write(path, b"fhirconv-regex-cache 1\n", first)
    re.purge()
    assert warm(path) == {}
