"""Writing output files safely: atomically (temporary file + rename, so a crash never leaves half a
file), with the permissions any other program writing a file would give it (``0666`` less the process
umask, so a loader running as another user can read the bundles), never over a file we were told to
read."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

__all__ = ["ResolvedPaths", "SpooledText", "atomic_write", "is_within", "process_umask"]


@dataclass(frozen=True, slots=True)
class SpooledText:
    """A finished output too large to hold as one ``str`` (a streamed bundle): complete UTF-8 text in a
    temporary file that the receiver moves into place (:func:`atomic_write`), copies out, or discards.
    It exists only once complete, so a reader never sees partial output."""

    path: str

    def read(self) -> str:
        return Path(self.path).read_text(encoding="utf-8")

    def copy_to(self, stream: TextIO) -> None:
        with open(self.path, encoding="utf-8", newline="") as fh:
            shutil.copyfileobj(fh, stream, 1 << 20)

    def discard(self) -> None:
        Path(self.path).unlink(missing_ok=True)


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


class ResolvedPaths(frozenset[Path]):
    """Paths resolved once (links and ``..`` followed), for the check of every write of a batch against
    its inputs: resolving each input again for each output made a batch of n files cost n² path
    resolutions (20 ms per output for 1,000 inputs)."""

    def __new__(cls, paths: Iterable[Path] = ()) -> ResolvedPaths:
        return super().__new__(cls, (Path(p).resolve() for p in paths))


def atomic_write(path: Path, data: str | SpooledText, *, protect: Iterable[Path] = ()) -> None:
    """Write ``data`` (UTF-8, ``\\n`` line ends) to ``path`` via a temporary file and rename.

    ``protect`` lists files that must never be replaced (the inputs being read): writing over one raises
    ``IsADirectoryError``-style ``OSError`` (EEXIST) before anything is touched. A :class:`SpooledText`
    is moved into place (renamed, or copied beside ``path`` first when it lies on another file system).
    """
    target = path.resolve()
    if target in (protect if isinstance(protect, ResolvedPaths) else ResolvedPaths(protect)):
        raise FileExistsError(17, "refusing to write over an input file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, SpooledText):
        _move_into_place(data, path)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~process_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _move_into_place(data: SpooledText, path: Path) -> None:
    os.chmod(data.path, 0o666 & ~process_umask())
    try:
        os.replace(data.path, path)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~process_umask())
        with os.fdopen(fd, "wb") as out, open(data.path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    data.discard()


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies below it (after resolving links)."""
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents
