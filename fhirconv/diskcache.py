"""Files of the user cache (compiled lexicons): written whole or not at all, marked when used, and
pruned to the few most recently used; and indexed blob files, whose items are read one at a time.

A cache file is keyed by the content it was built from, so every edit of a lexicon (or another
``--mappings`` overlay) writes a new one beside the old: without pruning the folder only grew (31 MB a
lexicon; a gigabyte after a day of editing). A reader touches the file it uses, a writer keeps the
``keep`` most recently used files of its kind and deletes the rest. Deleting a file another process is
about to read only makes that process rebuild it (a missing cache costs time, never correctness); one
being read stays readable until closed.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import struct
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

__all__ = ["KEEP", "IndexedBlobs", "mark_used", "prune", "read_used", "write_indexed", "write_whole"]

KEEP = 8  # files of one kind kept per folder: several checkouts or mapping overlays in use side by side


def read_used(path: Path) -> bytes:
    """The file's bytes; its modification time becomes now (what ``prune`` keeps by)."""
    data = path.read_bytes()
    mark_used(path)
    return data


def mark_used(path: Path) -> None:
    """The file's modification time becomes now (what ``prune`` keeps by), when it can."""
    with contextlib.suppress(OSError):  # a read-only cache is still used, just not marked
        os.utime(path)


def write_whole(path: Path, data: bytes, *, keep: int = KEEP) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (a reader sees the old file or
    the new one, never part of one; concurrent writers each write a whole file), then prune."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    prune(path.parent, path.suffix, keep)


def prune(folder: Path, suffix: str, keep: int = KEEP) -> None:
    """Delete all but the ``keep`` most recently used ``*suffix`` files of ``folder``."""
    dated = []
    for f in folder.glob(f"*{suffix}"):
        with contextlib.suppress(OSError):  # gone meanwhile (another process pruned it)
            dated.append((f.stat().st_mtime_ns, f.name, f))
    for _, _, f in sorted(dated, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            f.unlink()


# An indexed blob file: magic, the header's length, the header (pickled: keys, and offsets into the
# data), then the blobs one after another. Reading one blob reads that blob only.
_MAGIC = b"FCBLOBS1"
_HEAD = struct.Struct("<8sQ")


def write_indexed(fh: IO[bytes], blobs: Mapping[str, bytes]) -> None:
    """Write ``blobs`` so that :class:`IndexedBlobs` can read any one without the others."""
    keys = list(blobs)
    offsets = array("q", [0])
    for k in keys:
        offsets.append(offsets[-1] + len(blobs[k]))
    header = pickle.dumps((keys, offsets), protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEAD.pack(_MAGIC, len(header)))
    fh.write(header)
    for k in keys:
        fh.write(blobs[k])


class IndexedBlobs(Mapping[str, bytes]):
    """A file written by :func:`write_indexed`, as a read-only mapping. Opening reads the header; a blob
    is read (from a memory map of the file) when asked for: a one-file conversion reads a few hundred
    of the 4,000 definitions a 30 MB compiled package holds. The map stays valid if the file is
    replaced meanwhile (files are replaced by rename, never rewritten in place).

    Raises ValueError for a file that is not one, or is cut short, when opened."""

    __slots__ = ("_data", "_index", "_offsets", "_start")

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            head = fh.read(_HEAD.size)
            magic, size = _HEAD.unpack(head) if len(head) == _HEAD.size else (b"", 0)
            length = os.fstat(fh.fileno()).st_size
            if magic != _MAGIC or size > length:
                raise ValueError(f"{path.name}: not an indexed blob file")
            try:
                keys, offsets = pickle.loads(fh.read(size))
            except (pickle.UnpicklingError, EOFError, TypeError, ValueError) as exc:
                raise ValueError(f"{path.name}: unreadable index ({exc})") from None
            if not (
                isinstance(keys, list)
                and isinstance(offsets, array)
                and len(offsets) == len(keys) + 1
                and offsets[0] == 0
            ):
                raise ValueError(f"{path.name}: malformed index")
            start = _HEAD.size + size
            if start + offsets[-1] != length:
                raise ValueError(f"{path.name}: cut short or overlong")
            self._data: mmap.mmap | bytes = (
                mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if length else b""
            )
        self._index = {k: i for i, k in enumerate(keys)}
        self._offsets, self._start = offsets, start

    def __getitem__(self, key: str) -> bytes:
        i = self._index[key]  # KeyError when absent, as a mapping should
        return self._data[self._start + self._offsets[i] : self._start + self._offsets[i + 1]]

    def view(self, key: str) -> memoryview:
        """The blob as a view into the file's map, not a copy (for a large blob read once, such as a
        pickle to load); KeyError when absent."""
        i = self._index[key]
        return memoryview(self._data)[self._start + self._offsets[i] : self._start + self._offsets[i + 1]]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)
