"""Files of the user cache (compiled lexicons): written whole or not at all, marked when used, and
pruned to the few most recently used; indexed blob files, whose items are read one at a time; and
content digests of source files, remembered by the files' stamps (:func:`stamped_digest`).

A cache file is keyed by the content it was built from, so every edit of a lexicon (or another
``--mappings`` overlay) writes a new one beside the old: without pruning the folder only grew (31 MB a
lexicon; a gigabyte after a day of editing). A reader touches the file it uses, a writer keeps the
``keep`` most recently used files of its kind and deletes the rest. Deleting a file another process is
about to read only makes that process rebuild it (a missing cache costs time, never correctness); one
being read stays readable until closed.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import pickle
import struct
import time
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

__all__ = [
    "KEEP",
    "IndexedBlobs",
    "mark_used",
    "prune",
    "read_used",
    "stamped",
    "stamped_digest",
    "write_indexed",
    "write_whole",
]

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


# ------------------------------------------------------------------ content digests, by the files' stamps
_DIGESTS = "stamps.digests"  # in the folder of the cache files the digests name
_DIGESTS_MAX = 32  # remembered digests (one per checkout and overlay in use); past this it starts over
_RACY_NS = 2_000_000_000  # a file changed this recently may change again within its stamp's granularity


def _stamp(path: Path) -> tuple[int, ...]:
    """What changes whenever the file's content (a folder's entries) does: its identity, size, and
    modification and change times (the change time is set by the system on every write, and cannot be
    set back)."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def stamped(memo_file: Path, key: Any, paths: Sequence[Path], compute: Callable[[], str]) -> str:
    """``compute()``, a function of nothing but the files ``paths`` (files or folders), remembered in
    ``memo_file`` under ``key`` with each path's stamp (device, inode, size, modification and change
    time, as ``os.stat`` gives them): while no stamp has changed, the remembered value is returned
    without computing. A file written since has another change time (set by the system on every write,
    and never set back), a folder whose entries changed another modification time, so the value is
    computed afresh; a path changed less than two seconds before it is computed is not remembered (a
    second change within the timestamps' granularity would leave its stamp as it was: git's "racy"
    rule). A memo that is absent, damaged or unwritable, or a path that cannot be stat'ed, only means
    the value is computed as before. ``key`` is any marshallable value naming the computation."""
    try:
        stamps = tuple(_stamp(p) for p in paths)
    except OSError:
        return compute()
    memo: dict[Any, Any] = {}
    with contextlib.suppress(Exception):  # absent, damaged, foreign: computed as before
        loaded = marshal.loads(memo_file.read_bytes())
        memo = loaded if isinstance(loaded, dict) else {}
        got = memo.get(key)
        if isinstance(got, tuple) and len(got) == 2 and got[0] == stamps and isinstance(got[1], str):
            return got[1]
    value = compute()
    now = time.time_ns()
    if all(now - s[4] >= _RACY_NS and now - s[3] >= _RACY_NS for s in stamps):
        memo = memo if len(memo) < _DIGESTS_MAX else {}
        memo[key] = (stamps, value)
        with contextlib.suppress(OSError, ValueError):  # a read-only cache: computed again next time
            write_whole(memo_file, marshal.dumps(memo), keep=1)
    return value


def stamped_digest(parts: Sequence[bytes | Traversable], folder: Path) -> str:
    """The SHA-256 (hex) of ``parts`` one after another, a file part (a ``Path`` or another
    ``Traversable``) standing for its bytes: a cache key of what a cache file was built from.

    Keying a cache by content reads and hashes every source on every start (the lexicons' 7 MB: a
    thirtieth of a cold one-file conversion). The digest is remembered in ``folder``
    (``stamps.digests``) by :func:`stamped`, under the files' stamps: while none has changed, it is
    returned without reading the files. Parts that are not files on disk (a zip's members) are read
    every time."""

    def digest() -> str:
        import hashlib

        h = hashlib.sha256()
        for p in parts:
            h.update(p if isinstance(p, bytes) else p.read_bytes())
        return h.hexdigest()

    if not all(isinstance(p, bytes | Path) for p in parts):
        return digest()
    key = tuple(("file", str(p)) if isinstance(p, Path) else p for p in parts)
    return stamped(folder / _DIGESTS, key, [p for p in parts if isinstance(p, Path)], digest)
