"""Helpers shared by CLI commands: input expansion, error rendering, atomic writes."""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from ..errors import EXIT_USAGE, FhirconvError

__all__ = ["atomic_write", "err_console", "expand_inputs", "fail"]

err_console = Console(stderr=True, highlight=False)

DOC_SUFFIXES = {".txt", ".text", ".html", ".htm", ".php", ".xml", ".nxml", ".bioc"}


def expand_inputs(
    items: list[str], suffixes: set[str] | None = DOC_SUFFIXES, *, follow_symlinks: bool = False
) -> list[Path | None]:
    """Files, folders (recursively, by suffix), globs; ``-`` is stdin (None). Sorted, de-duplicated.

    Symbolic links inside a folder are skipped unless ``follow_symlinks``: a link such as
    ``report.txt -> /etc/passwd`` would otherwise put a file from outside the folder into a bundle
    (and onto a server). A link named explicitly on the command line is the user's choice and is read."""
    out: list[Path | None] = []
    seen: set[Path] = set()
    for item in items:
        if item == "-":
            out.append(None)
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q
                for q in p.rglob("*")
                if q.is_file()
                and (follow_symlinks or not _linked(q, p))
                and (suffixes is None or q.suffix.lower() in suffixes)
            )
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
        else:
            found = [p]  # missing files are reported per input, not as a usage error
        for q in found:
            r = q.resolve()
            if r not in seen:
                seen.add(r)
                out.append(q)
    return out


def _linked(path: Path, root: Path) -> bool:
    """``path`` or one of its folders below ``root`` is a symbolic link."""
    q = path
    while q != root and q != q.parent:
        if q.is_symlink():
            return True
        q = q.parent
    return False


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def describe(exc: FhirconvError) -> str:
    return f"[{exc.stage}/{exc.code}] {exc}"


def atomic_write(path: Path, data: str) -> None:
    """Write via a temporary file and rename, so a failure never leaves half a bundle behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_stdin_bytes(limit: int | None = None) -> bytes:
    """Standard input, reading at most ``limit`` + 1 bytes (the readers' size limit by default), so
    an endless or huge stream is refused without being held in memory."""
    from ..readers import _limit, _too_large

    cap = _limit(limit)
    data = sys.stdin.buffer.read(cap + 1)
    if len(data) > cap:
        raise _too_large(len(data), cap, "<stdin>")
    return data
