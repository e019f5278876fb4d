"""Files of the user cache (compiled lexicons): written whole or not at all, marked when used, and
pruned to the few most recently used.

A cache file is keyed by the content it was built from, so every edit of a lexicon (or another
``--mappings`` overlay) writes a new one beside the old: without pruning the folder only grew (31 MB a
lexicon; a gigabyte after a day of editing). A reader touches the file it uses, a writer keeps the
``keep`` most recently used files of its kind and deletes the rest. Deleting a file another process is
about to read only makes that process rebuild it (a missing cache costs time, never correctness); one
being read stays readable until closed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["KEEP", "prune", "read_used", "write_whole"]

KEEP = 8  # files of one kind kept per folder: several checkouts or mapping overlays in use side by side


def read_used(path: Path) -> bytes:
    """The file's bytes; its modification time becomes now (what ``prune`` keeps by)."""
    data = path.read_bytes()
    with contextlib.suppress(OSError):  # a read-only cache is still used, just not marked
        os.utime(path)
    return data


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
