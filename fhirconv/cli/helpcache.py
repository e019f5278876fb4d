"""The text ``fhirconv --help`` printed, kept for the next identical request.

Importing Typer (and the click it carries) is two thirds of what ``fhirconv --help`` costs beyond the
interpreter's own start (~0.07 s of CPU on a slow host), and the text it prints only changes when what
renders it changes. So a plain ``fhirconv --help`` (exactly that argument) runs the app once, keeps the
text it printed with what it depended on, and the next identical request prints that text without
importing Typer at all.

A kept text is printed only when all of this is as it was when it was kept:

- the interpreter (version, executable, platform, flags): the standard library comes with it;
- every other module the rendering run had loaded -- this package's, Typer's, click's, any other
  installed package's -- by its file's size and modification time in nanoseconds, the check Python
  applies to its own bytecode cache;
- where the modules come from: this checkout's location and the module search path (two checkouts
  sharing one user cache never answer with each other's text);
- what click reads to lay the text out: the terminal width (``shutil.get_terminal_size``, as click asks
  it), the program name's sources (``sys.argv[0]``'s base name, the ``__main__`` package), and the
  environment variables of Typer, click, the completion, colours, terminal and locale.

Anything else -- another argument, a text that is not plain ASCII, a run that did not end with exit code
0 -- is never kept. The file (``<user cache>/help.marshal``, a few entries, newest last) is plain data
with a CRC, written through a temporary file and a rename; absent, damaged or unreadable, the app runs as
usual. Nothing of the user's input is in it: the request has no input.
"""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from ..cachedir import user_cache_dir

__all__ = ["HelpRequest"]

_MAGIC = b"fhirconv-help 1\n"
_KEEP = 8  # texts kept (terminal widths, program names, checkouts)
_ENV_PREFIXES = (
    "TYPER",
    "_TYPER",
    "CLICK",
    "_CLICK",
    "_FHIRCONV",
    "COLUMNS",
    "LINES",
    "TERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "LANG",
    "LC_",
    "PYTHON",
)

Files = tuple[tuple[str, int, int], ...]


def _stamp(path: str) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return path, st.st_mtime_ns, st.st_size


def _read(path: Path) -> dict[str, tuple[Files, str]]:
    """The file's entries (key -> (files, text)); empty when absent, damaged or of another shape."""
    try:
        blob = path.read_bytes()
        head = len(_MAGIC)
        if blob[:head] != _MAGIC or int.from_bytes(blob[head : head + 4], "big") != zlib.crc32(
            blob[head + 4 :]
        ):
            return {}
        rows = marshal.loads(blob[head + 4 :])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(rows, dict):
        return {}
    return rows


class HelpRequest:
    """A plain ``fhirconv --help`` of this process, under its key (see the module docstring)."""

    def __init__(self, key: str, path: Path) -> None:
        self.key = key
        self.path = path

    @classmethod
    def of_this_process(cls, argv: list[str] | None = None) -> HelpRequest | None:
        """The request when the arguments are exactly ``--help``; else None."""
        args = sys.argv if argv is None else argv
        if args[1:] != ["--help"]:
            return None
        import shutil

        main = sys.modules.get("__main__")
        env = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES))
        key = repr(
            (
                sys.version,
                sys.executable,
                sys.platform,
                tuple(sys.flags),
                # which checkout answers: two sharing one cache must never print each other's text
                os.path.abspath(__file__),
                tuple(sys.path),
                os.path.basename(args[0]),
                getattr(main, "__package__", None),
                shutil.get_terminal_size().columns,
                env,
            )
        )
        return cls(key, user_cache_dir() / "help.marshal")

    def cached(self) -> str | None:
        """The kept text, when everything it depended on is as it was; else None."""
        entry = _read(self.path).get(self.key)
        if not (isinstance(entry, tuple) and len(entry) == 2):
            return None
        files, text = entry
        if not isinstance(text, str) or not isinstance(files, tuple) or not files:
            return None
        for row in files:
            if not (isinstance(row, tuple) and len(row) == 3 and isinstance(row[0], str)):
                return None
            if _stamp(row[0]) != row:
                return None
        return text

    @staticmethod
    def write(text: str) -> None:
        """Print a kept text (plain ASCII: the same bytes click's ``echo`` writes)."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def run_and_keep(self, app: Any) -> None:
        """Run ``app`` with its output caught, print that output as click would have, and keep it when
        the run ended with exit code 0."""
        caught = io.StringIO()
        real = sys.stdout
        sys.stdout = caught
        code: Any = 0
        try:
            app()
        except SystemExit as exc:
            code = exc.code
            raise
        finally:
            sys.stdout = real
            text = caught.getvalue()
            import typer

            typer.echo(text, nl=False)  # what the app's own echo would have written here
            if code in (0, None) and text and text.isascii():
                with contextlib.suppress(Exception):  # a cache that cannot be written only costs speed
                    self._keep(text)

    def _keep(self, text: str) -> None:
        files: list[tuple[str, int, int]] = []
        std, site = _standard_library()
        for _, module in sorted(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if not isinstance(path, str) or (path.startswith(std) and not path.startswith(site)):
                continue
            stamp = _stamp(path)
            if stamp is None:
                return  # a module whose file is gone: nothing to check it against, nothing kept
            files.append(stamp)
        rows = _read(self.path)
        rows.pop(self.key, None)
        rows[self.key] = (tuple(files), text)
        while len(rows) > _KEEP:
            rows.pop(next(iter(rows)))
        payload = marshal.dumps(rows)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(_MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _standard_library() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Folders of the interpreter's own modules (they change with the interpreter, which is in the key)
    and the installed packages' folders, which may lie inside them and are never skipped."""
    import sysconfig

    paths = sysconfig.get_paths()
    std = tuple({os.path.join(paths[k], "") for k in ("stdlib", "platstdlib") if k in paths})
    site = tuple({os.path.join(paths[k], "") for k in ("purelib", "platlib") if k in paths})
    return std, site
