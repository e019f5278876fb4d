"""Writing output files safely: atomically (temporary file + rename, so a crash never leaves half a
file), with the permissions any other program writing a file would give it (``0666`` less the process
umask, so a loader running as another user can read the bundles), never over a file we were told to
read."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["atomic_write", "is_within", "process_umask"]


def process_umask() -> int:
    """The process umask. Linux reports it in /proc; elsewhere set-and-restore (no threads run yet)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: str, *, protect: Iterable[Path] = ()) -> None:
    """Write ``data`` (UTF-8, ``\\n`` line ends) to ``path`` via a temporary file and rename.

    ``protect`` lists files that must never be replaced (the inputs being read): writing over one raises
    ``IsADirectoryError``-style ``OSError`` (EEXIST) before anything is touched.
    """
    target = path.resolve()
    for p in protect:
        if p.resolve() == target:
            raise FileExistsError(17, "refusing to write over an input file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~process_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies below it (after resolving links)."""
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents
