"""Indexed blob files (fhirconv.diskcache.write_indexed / IndexedBlobs): any one blob read back as
written, without the others; files that are not one, cut short or overlong refused when opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirconv.diskcache import IndexedBlobs, write_indexed

BLOBS = {"http://hl7.org/fhir/ValueSet/a": b"\x80\x05first", "\0meta": b"", "b": b"x" * 70_000, "é": b"\n"}


def _write(path: Path, blobs: dict[str, bytes]) -> Path:
    with path.open("wb") as fh:
        write_indexed(fh, blobs)
    return path


def test_blobs_read_back_one_by_one(tmp_path: Path) -> None:
    got = IndexedBlobs(_write(tmp_path / "f.bin", BLOBS))
    assert len(got) == 4 and list(got) == list(BLOBS)
    for key, value in BLOBS.items():
        assert key in got and got[key] == value and type(got[key]) is bytes
    assert "absent" not in got and got.get("absent") is None
    with pytest.raises(KeyError):
        got["absent"]
    assert dict(got) == BLOBS
    assert dict(IndexedBlobs(_write(tmp_path / "empty.bin", {}))) == {}
    assert dict(IndexedBlobs(_write(tmp_path / "nothing.bin", {"k": b""}))) == {"k": b""}


def test_replaced_file_keeps_serving_the_old_one(tmp_path: Path) -> None:
    path = _write(tmp_path / "f.bin", BLOBS)
    got = IndexedBlobs(path)
    tmp = _write(tmp_path / "new.bin", {"b": b"other"})
    tmp.replace(path)  # how every cache file is replaced: a rename
    assert got["b"] == BLOBS["b"]
    assert IndexedBlobs(path)["b"] == b"other"


@pytest.mark.parametrize("cut", [0, 3, 8, 16, 40, -1])
def test_damaged_files_are_refused(tmp_path: Path, cut: int) -> None:
    data = _write(tmp_path / "f.bin", BLOBS).read_bytes()
    (tmp_path / "f.bin").write_bytes(data[:cut])
    with pytest.raises(ValueError):
        IndexedBlobs(tmp_path / "f.bin")


def test_other_files_are_refused(tmp_path: Path) -> None:
    for junk in (b"\x80\x05not ours", b"FCBLOBS1" + b"\xff" * 8 + b"zz", _MAGIC_EXTRA):
        (tmp_path / "f.bin").write_bytes(junk)
        with pytest.raises(ValueError):
            IndexedBlobs(tmp_path / "f.bin")
    data = _write(tmp_path / "g.bin", BLOBS).read_bytes()
    (tmp_path / "g.bin").write_bytes(data + b"!")  # overlong
    with pytest.raises(ValueError):
        IndexedBlobs(tmp_path / "g.bin")


_MAGIC_EXTRA = b"FCBLOBS1" + (5).to_bytes(8, "little") + b"\x80\x05N."  # a header that is not an index
