"""A plain ``fhirconv convert FILE -o OUT`` without Typer.

Importing Typer and building its command tree (eleven commands, their parameters read from the
functions' signatures) is about a fifth of a cold one-file conversion. The commonest command line --
one input file, one output file, every option at its default -- needs none of it: :func:`parse`
recognises exactly that form (anything else, including every other option, ``--help``, ``-`` for
stdin or stdout, a shell-completion request, or Windows, goes to Typer as before) and :func:`run` calls the
command's body (:func:`fhirconv.cli._convert_run.run`) with the values Typer would pass, ending the way
Typer's own command-line handling ends (exit codes, "Aborted!", a broken pipe).
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

__all__ = ["parse", "run"]

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

    try:
        convert([given], output)
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
