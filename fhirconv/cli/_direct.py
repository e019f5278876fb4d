"""A plain ``fhirconv convert FILE -o OUT`` and ``fhirconv validate FILE... [--format F]`` without Typer.

Importing Typer and building its command tree (eleven commands, their parameters read from the
functions' signatures) is about a fifth of a cold one-file conversion, and a quarter of a cold
validation of one bundle. The commonest command lines need none of it: :func:`parse` recognises
exactly one input file, one output file, every option at its default; :func:`parse_validate` plain
file names and at most a ``--format``. Anything else (every other option, ``--help``, ``-`` for stdin
or stdout, ``--``, a shell-completion request, or Windows) goes to Typer as before. :func:`run` and
:func:`run_validate` call the command's body (:func:`fhirconv.cli._convert_run.run`,
:func:`fhirconv.cli.validate.run`) with the values Typer would pass, ending the way Typer's own
command-line handling ends (exit codes, "Aborted!", a broken pipe).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["parse", "parse_validate", "run", "run_validate"]

_OUTPUT = ("-o", "--output")


def parse(argv: list[str]) -> tuple[str, Path] | None:
    """(input, output) when ``argv`` (without the program name) is ``convert INPUT -o OUTPUT`` (or
    ``--output``, either order), both plain names (not empty, not starting with ``-``); else None."""
    if any(k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell-completion request is Typer's
    if os.name == "nt":
        return None  # there Typer expands wildcards in the arguments first
    if len(argv) != 4 or argv[0] != "convert":
        return None
    rest = argv[1:]
    if rest[0] in _OUTPUT:
        output, given = rest[1], rest[2]
    elif rest[1] in _OUTPUT:
        given, output = rest[0], rest[2]
    else:
        return None
    if not all(v and not v.startswith("-") for v in (given, output)):
        return None
    return given, Path(output)


def run(given: str, output: Path) -> None:
    """``fhirconv convert given -o output``; exits as Typer would (SystemExit), or returns on success."""
    from ._convert_run import run as convert

    _ended_as_typer(lambda: convert([given], output))


# ``fhirconv validate``'s --format values (fhirconv.cli.validate.FORMATS; any other value is Typer's
# usage error path, printed by the command's body there)
_FORMATS = frozenset(("text", "json", "junit", "sarif", "github"))


def parse_validate(argv: list[str]) -> tuple[list[str], str] | None:
    """(files, format) when ``argv`` (without the program name) is ``validate`` and one or more plain
    names (not empty, not starting with ``-``), with at most one ``--format F`` (or ``--format=F``)
    anywhere among them, F one of the command's formats; else None."""
    if any(k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell-completion request is Typer's
    if os.name == "nt":
        return None  # there Typer expands wildcards in the arguments first
    if len(argv) < 2 or argv[0] != "validate":
        return None
    files: list[str] = []
    fmt: str | None = None
    rest = iter(argv[1:])
    for arg in rest:
        if arg.startswith("--format"):
            if fmt is not None:
                return None  # (Typer takes the last; left to it)
            if arg == "--format":
                fmt = next(rest, None)
                if fmt is None:
                    return None
            elif arg.startswith("--format="):
                fmt = arg[len("--format=") :]
            else:
                return None
            if fmt not in _FORMATS:
                return None
        elif arg and not arg.startswith("-"):
            files.append(arg)
        else:
            return None
    if not files:
        return None
    return files, fmt or "text"


def _write(text: str) -> None:
    """``typer.echo(text, nl=False)``: written to ``sys.stdout`` and flushed when that is what click's
    echo does (a text stream of its own, with an encoding that is not ASCII and an error handler, and a
    text with no ANSI escape, which echo would strip off a terminal); anything else is written by
    Typer's echo itself."""
    import io

    out = sys.stdout
    if type(out) is io.TextIOWrapper and "\x1b" not in text and out.errors is not None:
        import codecs

        try:
            plain = codecs.lookup(out.encoding).name != "ascii"
        except LookupError:
            plain = False
        if plain:
            out.write(text)
            out.flush()
            return
    import typer

    typer.echo(text, nl=False)


def run_validate(files: list[str], fmt: str) -> None:
    """``fhirconv validate files --format fmt``; exits as Typer would (SystemExit)."""
    from .validate import run as validate

    def call() -> None:
        raise SystemExit(validate(files, fmt, echo=_write))

    _ended_as_typer(call)


def _ended_as_typer(call: Callable[[], None]) -> None:
    """``call()``, its ends turned into those of Typer's command-line handling."""
    try:
        call()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        raise SystemExit(1) from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        try:  # (newer Typer releases carry their own click; older ones use the click package)
            from typer._click.utils import PacifyFlushWrapper
        except ImportError:  # pragma: no cover - only with an older Typer
            from click.utils import PacifyFlushWrapper  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        raise SystemExit(1) from None
    except Exception as exc:
        typer = sys.modules.get("typer")  # a failure's Exit (fail() imported Typer to make it)
        if typer is not None and isinstance(exc, typer.Exit):
            raise SystemExit(exc.exit_code) from None
        raise
