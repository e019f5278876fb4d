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


def expand_inputs(items: list[str], suffixes: set[str] | None = DOC_SUFFIXES) -> list[Path | None]:
    """Files, folders (recursively, by suffix), globs; ``-`` is stdin (None). Sorted, de-duplicated."""
    out: list[Path | None] = []
    seen: set[Path] = set()
    for item in items:
        if item == "-":
            out.append(None)
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q for q in p.rglob("*") if q.is_file() and (suffixes is None or q.suffix.lower() in suffixes)
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


def read_stdin_bytes() -> bytes:
    return sys.stdin.buffer.read()
