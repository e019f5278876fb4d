"""User-cache files (fhirconv.diskcache): written whole, marked when read, and only the few most recently
used of a kind kept, so a cache keyed by content does not grow with every edit of the mappings."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from fhirconv.diskcache import prune, read_used, stamped_digest, write_whole


def _aged(folder: Path, names: list[str]) -> list[Path]:
    """Files written oldest first (modification times one minute apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(names):
        f = folder / name
        f.write_bytes(name.encode())
        os.utime(f, ns=(1_700_000_000_000_000_000 + i * 60 * 10**9,) * 2)
        out.append(f)
    return out


def test_writer_keeps_the_most_recently_used(tmp_path: Path) -> None:
    a = _aged(tmp_path, ["a.pickle", "b.pickle", "c.pickle"])[0]
    other = tmp_path / "notes.txt"
    other.write_text("not a cache file of this kind")
    read_used(a)  # the oldest, used now: it stays
    write_whole(tmp_path / "d.pickle", b"new", keep=3)
    assert sorted(p.name for p in tmp_path.glob("*.pickle")) == ["a.pickle", "c.pickle", "d.pickle"]
    assert (tmp_path / "d.pickle").read_bytes() == b"new"
    assert other.exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_prune_to_zero_and_of_an_empty_folder(tmp_path: Path) -> None:
    _aged(tmp_path, ["x.bin", "y.bin"])
    prune(tmp_path, ".bin", keep=1)
    assert [p.name for p in tmp_path.glob("*.bin")] == ["y.bin"]
    prune(tmp_path / "absent", ".bin")  # nothing there: nothing to do, no error


def test_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "t.pickle"
    target.mkdir()  # a folder where the file should go: the rename fails
    try:
        write_whole(target, b"data")
    except OSError:
        pass
    else:
        raise AssertionError("writing over a folder should fail")
    assert not list(tmp_path.glob("*.tmp"))


# ------------------------------------------------------------------ stamped_digest
def _plain(parts: list[bytes | Path]) -> str:
    """The digest read the plain way: every part's bytes, hashed one after another."""
    import hashlib

    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.read_bytes())
    return h.hexdigest()


def _settled(folder: Path, names: list[str]) -> list[Path]:
    """Files older than the racy window (their modification time set an hour back)."""
    out = _aged(folder, names)
    for f in out:
        os.utime(f, ns=(1_600_000_000_000_000_000,) * 2)
    return out


def test_stamped_digest_is_the_plain_digest_and_remembered(tmp_path: Path, monkeypatch: Any) -> None:
    import fhirconv.diskcache as dc

    monkeypatch.setattr(dc, "_RACY_NS", 0)  # (the files were changed a moment ago: their change time)
    a, b = _settled(tmp_path / "src", ["a.json", "b.json"])
    parts: list[bytes | Path] = [a, b"\0between\0", b]
    cache = tmp_path / "cache"
    want = _plain(parts)
    assert stamped_digest(parts, cache) == want
    assert (cache / "stamps.digests").is_file()
    reads: list[Path] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    assert stamped_digest(parts, cache) == want
    assert not {a, b} & set(reads)  # remembered: the sources were not read
    # the same size, another content: the stamp differs (written, and its time set otherwise)
    b.write_bytes(b.read_bytes().upper())
    os.utime(b, ns=(1_600_000_000_000_000_001,) * 2)
    assert stamped_digest(parts, cache) == _plain(parts) != want
    # other parts (another order) are another entry
    assert stamped_digest([b, a], cache) == _plain([b, a])


def test_stamped_digest_survives_a_damaged_or_unwritable_memo(tmp_path: Path, monkeypatch: Any) -> None:
    import fhirconv.diskcache as dc

    monkeypatch.setattr(dc, "_RACY_NS", 0)
    (a,) = _settled(tmp_path / "src", ["a.json"])
    cache = tmp_path / "cache"
    cache.mkdir()
    for junk in (b"", b"\xff\xfe not marshal", b"i\x01\x00\x00\x00"):  # nothing, garbage, an int
        (cache / "stamps.digests").write_bytes(junk)
        assert stamped_digest([a, b"x"], cache) == _plain([a, b"x"])
    # a wrong remembered digest under a stale stamp is never served
    import marshal

    key = (("file", str(a)), b"x")
    (cache / "stamps.digests").write_bytes(marshal.dumps({key: (((0, 0, 0, 0, 0),), "f" * 64)}))
    assert stamped_digest([a, b"x"], cache) == _plain([a, b"x"])
    # a cache folder that is a file: computed, nothing written
    assert stamped_digest([a], tmp_path / "src" / "a.json") == _plain([a])


def test_a_fresh_file_is_not_remembered(tmp_path: Path) -> None:
    """Changed within the racy window: a second write in the same timestamp tick would keep its stamp."""
    a = tmp_path / "a.json"
    a.write_bytes(b"fresh")
    cache = tmp_path / "cache"
    assert stamped_digest([a], cache) == _plain([a])
    assert not (cache / "stamps.digests").exists()


def test_parts_that_are_not_files_on_disk_are_read_each_time(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "pkg.zip", "w") as z:
        z.writestr("m/a.json", b"zipped")
    member = zipfile.Path(tmp_path / "pkg.zip", "m/a.json")
    assert stamped_digest([member, b"y"], tmp_path / "cache") == _plain([b"zipped", b"y"])
    assert not (tmp_path / "cache" / "stamps.digests").exists()


def test_the_lexicon_key_is_the_digest_of_its_files() -> None:
    """On the real lexicon files: the parts the lexicon's cache key names, stamped or read plainly."""
    from fhirconv.mapping import MappingStore

    store = MappingStore()
    files = [store.source(name) for name in store.names("lexicons")]
    assert len(files) >= 4 and all(isinstance(f, Path) for f in files)
    parts: list[bytes | Path] = [p for f in files if isinstance(f, Path) for p in (b"n\0", f)]
    with tempfile.TemporaryDirectory() as tmp:
        assert stamped_digest(parts, Path(tmp)) == _plain(parts)
        assert stamped_digest(parts, Path(tmp)) == _plain(parts)


def test_a_folder_s_stamp_follows_its_entries(tmp_path: Path, monkeypatch: Any) -> None:
    """stamped() over a folder: the remembered value holds while its entries stay, and is computed
    again once one is added (the definitions' fingerprint counts a package's files so)."""
    import fhirconv.diskcache as dc

    monkeypatch.setattr(dc, "_RACY_NS", 0)
    folder = tmp_path / "pkg"
    _settled(folder, ["a.json", "b.json"])
    os.utime(folder, ns=(1_600_000_000_000_000_000,) * 2)
    calls: list[int] = []

    def count() -> str:
        calls.append(1)
        return str(len(os.listdir(folder)))

    memo = tmp_path / "memo"
    assert [dc.stamped(memo, "n", [folder], count) for _ in range(3)] == ["2"] * 3
    assert len(calls) == 1
    (folder / "c.json").write_bytes(b"new")
    assert dc.stamped(memo, "n", [folder], count) == "3" and len(calls) == 2
    assert dc.stamped(memo, "n", [tmp_path / "absent"], lambda: "computed") == "computed"


def test_the_definitions_fingerprint_is_the_plain_one(tmp_path: Path) -> None:
    """On the installed R4 package: remembered or not, the fingerprint its compiled cache was stamped with."""
    from fhirconv.definitions import find_installed
    from fhirconv.definitions.compiled import _fingerprint

    pkg = find_installed()
    if pkg is None:
        import pytest

        pytest.skip("no R4 definitions installed")
    folder = pkg.path / "package"
    plain = _fingerprint(folder)
    memo = tmp_path / "stamps.digests"
    assert _fingerprint(folder, memo) == plain == _fingerprint(folder, memo)
    assert memo.is_file()  # (the installed package is older than the racy window)
