"""Helpers shared by CLI commands: input expansion, error rendering, atomic writes.

Messages go to stderr through :func:`err_console`. Whatever a message quotes (file names such as
``case[1].txt``, ``[stage/code]`` tags, server diagnostics) is printed literally, never read as rich
markup, and lines are never wrapped: off a terminal rich would otherwise cut them at 80 columns.
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_USAGE, FhirconvError
from ..fileio import atomic_write, is_within

if TYPE_CHECKING:
    import typer
    from rich.console import Console

    from ..definitions.registry import ProgressEvent

__all__ = [
    "DefinitionsProgress",
    "atomic_write",
    "err_console",
    "escape",
    "expand_inputs",
    "fail",
    "is_within",
    "primitive_patterns",
    "say",
    "setup_done",
]


def setup_done() -> None:
    """A command's set-up is built: what exists now lives as long as the process, so it leaves the cyclic
    collector's passes (``gc.freeze``: a batch's collections no longer walk the lexicon, and forked
    ``--jobs`` workers leave those pages shared), and the collector, paused by ``main`` during start-up,
    resumes."""
    import gc

    gc.freeze()
    gc.enable()


# FHIR R4's primitive types: the values of most are checked against the regular expression their
# definition gives (fhirconv.validate.structure compiles it on first use)
_PRIMITIVES = (
    "base64Binary",
    "boolean",
    "canonical",
    "code",
    "date",
    "dateTime",
    "decimal",
    "id",
    "instant",
    "integer",
    "markdown",
    "oid",
    "positiveInt",
    "string",
    "time",
    "unsignedInt",
    "uri",
    "url",
    "uuid",
)


def primitive_patterns(defs: Any) -> None:
    """Compile the primitive types' regular expressions of ``defs`` now, as the first check of a value
    would (the same memo): inside a pattern recorder (:class:`fhirconv.regexcache.Recorder`) they are
    recorded with the set-up's patterns, and later runs find them in the pattern cache instead of
    compiling them afresh at the first input (~0.01-0.02 s of a cold start). Never raises: whatever
    fails, the first check meets it as before."""
    import contextlib

    with contextlib.suppress(Exception):
        from ..validate.structure import _regex  # (the one place that reads a primitive's pattern)

        for code in _PRIMITIVES:
            _regex(defs, code)


_console: list[Console] = []


def err_console() -> Console:
    """The stderr console, made on first use: rich costs ~0.015 s of CPU to import, and a conversion
    that succeeds without printing never needs it. ``Console(stderr=True)`` looks ``sys.stderr`` up at
    each print, so making it later changes nothing."""
    if not _console:
        from rich.console import Console

        _console.append(Console(stderr=True, highlight=False, soft_wrap=True))
    return _console[0]


def escape(text: str) -> str:
    """``rich.markup.escape``, imported when a message is printed."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


DOC_SUFFIXES = {".txt", ".text", ".html", ".htm", ".php", ".xml", ".nxml", ".bioc"}


def say(message: str, *, tag: str | None = None, style: str = "") -> None:
    """One stderr line: an optional styled ``tag`` word, then ``message`` exactly as given."""
    prefix = f"[{style}]{escape(tag)}[/] " if tag and style else f"{escape(tag)} " if tag else ""
    err_console().print(prefix + escape(message))


def is_fhir_output(path: Path) -> bool:
    """A file fhirconv (or any FHIR tool) wrote: FHIR XML, FHIR JSON or NDJSON, never a case report."""
    from ..readers.sniff import is_fhir_output as sniffed

    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return sniffed(path.name, head)


def expand_inputs(
    items: list[str],
    suffixes: set[str] | None = DOC_SUFFIXES,
    *,
    exclude: list[Path] | None = None,
    skip_fhir: bool = False,
    follow_symlinks: bool = False,
) -> list[Path | None]:
    """Files, folders (recursively, by suffix), globs; ``-`` is stdin (None). Sorted, de-duplicated.

    A name that exists is taken literally before any glob expansion (``case[1].txt``). Folders skip
    anything under ``exclude`` (the output folder) and, with ``skip_fhir``, files that are FHIR output.
    Symbolic links inside a folder are skipped unless ``follow_symlinks``: a link such as
    ``report.txt -> /etc/passwd`` would otherwise put a file from outside the folder into a bundle
    (and onto a server). A link named explicitly on the command line is the user's choice and is read.
    """
    out: list[Path | None] = []
    seen: set[Path] = set()
    excluded = [e for e in exclude or []]
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
                and not any(is_within(q, e) for e in excluded)
                and not (skip_fhir and is_fhir_output(q))
            )
        elif not p.exists() and any(ch in item for ch in "*?["):
            found = sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
            found = found or [p]  # matches nothing: reported as a missing file, not dropped
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
    """Print ``error: message`` (literally) and return the Exit to raise. (Typer is imported here, not
    with this module: a plain one-file convert runs without it, see fhirconv.cli._direct.)"""
    import typer

    say(message, tag="error:", style="bold red")
    return typer.Exit(code)


def describe(exc: FhirconvError) -> str:
    return f"[{exc.stage}/{exc.code}] {exc}"


def read_stdin_bytes(limit: int | None = None) -> bytes:
    """Standard input, reading at most ``limit`` + 1 bytes (the readers' size limit by default), so
    an endless or huge stream is refused without being held in memory."""
    from ..readers import _limit, _too_large

    cap = _limit(limit)
    data = sys.stdin.buffer.read(cap + 1)
    if len(data) > cap:
        raise _too_large(len(data), cap, "<stdin>")
    return data


class DefinitionsProgress:
    """Shows getting the R4 definitions ready (first use): which registry is asked, any fallback and
    why, a download bar, then a bar over the compile steps.

    On a terminal each announcement is a line and the bars are live. Off a terminal, or with
    ``quiet``, exactly one line is printed when work starts (the download, or the compile when the
    package was already there), so logs say what the pause is without a stream of updates.
    Used as a context manager; the instance is the ``progress`` callback the library calls.
    """

    def __init__(self, *, quiet: bool = False) -> None:
        self._quiet = quiet
        self._live: bool | None = None  # asked of the console at the first event (cached runs: none)
        self._bar: Any = None
        self._task: Any = None
        self._stage = ""
        self._said = False
        self._notes: list[str] = []

    @property
    def live(self) -> bool:
        if self._live is None:
            self._live = err_console().is_terminal and not self._quiet
        return self._live

    def __enter__(self) -> DefinitionsProgress:
        return self

    def __call__(self, event: ProgressEvent) -> None:
        if event.stage in ("registry", "fallback"):
            if self.live:
                say(event.message, tag="definitions:", style="cyan")
            elif event.stage == "fallback":
                self._notes.append(event.message)
            return
        if event.done == 0 and event.stage in ("download", "compile") and event.stage != self._stage:
            self._start(event)
        if self._bar is not None and event.stage == self._stage:
            self._bar.update(self._task, completed=event.done, total=event.total, description=event.message)

    def _start(self, event: ProgressEvent) -> None:
        self._stop()
        self._stage = event.stage
        if not self.live:
            if not self._said:
                self._said = True
                why = f"; after: {'; '.join(self._notes)}" if self._notes else ""
                say(f"{event.message} (FHIR R4 definitions, first use only{why})")
            return
        from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn

        say(event.message, tag="definitions:", style="cyan")
        counter = DownloadColumn() if event.stage == "download" else MofNCompleteColumn()
        self._bar = Progress(
            TextColumn("{task.description}"), BarColumn(), counter, console=err_console(), transient=True
        )
        self._bar.start()
        self._task = self._bar.add_task(event.message, total=event.total)

    def _stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __exit__(self, *exc: object) -> None:
        self._stop()
