"""User-cache files (fhirconv.diskcache): written whole, marked when read, and only the few most recently
used of a kind kept, so a cache keyed by content does not grow with every edit of the mappings."""

from __future__ import annotations

import os
from pathlib import Path

from fhirconv.diskcache import prune, read_used, write_whole


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
