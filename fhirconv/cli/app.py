"""The ``fhirconv`` command's entry point. The Typer app itself is built in :mod:`fhirconv.cli._app`
(``fhirconv.cli.app.app`` still names it, imported on first use), so that ``fhirconv --help`` can be
answered from the help cache (:mod:`fhirconv.cli.helpcache`) without importing Typer: its import is
two thirds of what ``--help`` costs beyond the interpreter's own start."""

from __future__ import annotations

from typing import Any

__all__ = ["main"]  # and ``app``, the Typer app, through __getattr__


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _run(request: Any) -> None:
    """Run the app; a plain ``fhirconv --help`` (``request``) keeps what it printed."""
    from ._app import app

    if request is not None:
        request.run_and_keep(app)
    else:
        app()


def code_purpose(convert: bool, validate: bool) -> str:
    """The code cache file of a command line (``cache_file``'s ``purpose``): a plain convert and a plain
    validate keep their ~80 classes in a file of their own, since the whole file is read at the first
    class (the general file holds every command's classes: twice a convert's, read for nothing)."""
    return "validate" if validate else "convert" if convert else ""


def main() -> None:
    """Entry point. Every error a user can cause is a FhirconvError with its exit code, handled in the
    commands; anything else is a bug, shown as one line (exit 6), never a traceback."""
    import gc
    import sys

    # start-up builds long-lived objects only (modules, then a converter's compiled mappings, some 10^5
    # objects): the collector's passes over them find nothing and cost a few hundredths of a second of a
    # one-file conversion. Paused here; resumed by the root callback, or by convert/extract/validate
    # once their converter or chain is built (cli._common.setup_done).
    gc.disable()
    # a plain ``fhirconv --help`` prints the text its last identical run printed, without importing
    # Typer, when nothing that text depended on has changed (fhirconv.cli.helpcache)
    from .helpcache import HelpRequest

    request = HelpRequest.of_this_process()
    if request is not None:
        text = request.cached()
        if text is not None:
            request.write(text)
            raise SystemExit(0)
    # the methods dataclasses writes for the ~80 classes a command's imports define come compiled from
    # the on-disk code cache (fhirconv.codecache: a sixth of a cold one-file conversion); the file is
    # read at the first class, so --help never reads it, and written when classes were new to it
    import dataclasses

    from ..codecache import CodeCache, cache_file
    from . import _direct

    # a plain ``fhirconv convert FILE -o OUT`` or ``fhirconv validate FILE... [--format F]`` runs
    # without Typer (fhirconv.cli._direct)
    direct = _direct.parse(sys.argv[1:]) if request is None else None
    checks = _direct.parse_validate(sys.argv[1:]) if request is None and direct is None else None
    purpose = code_purpose(direct is not None, checks is not None)
    code = CodeCache(cache_file(purpose=purpose)) if purpose else CodeCache()
    try:
        with code.hooked(dataclasses):
            if direct is not None:
                _direct.run(*direct)
            elif checks is not None:
                _direct.run_validate(*checks)
            else:
                _run(request)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:
        from ..errors import EXIT_INTERNAL

        sys.stderr.write(f"internal error {type(exc).__name__}: {exc} (please report it)\n")
        raise SystemExit(EXIT_INTERNAL) from None
    finally:
        code.save()
        # the process ends here: the interpreter's shutdown collects cycles over every object still
        # tracked (a conversion's validator code, definitions and caches, ~10^5 objects) although the
        # operating system takes the memory back at once; frozen, they are left out of those passes
        # (0.1-0.16 s CPU of a cold one-file conversion). Nothing of the command's output is pending:
        # files are written and closed, and the standard streams are still flushed at exit.
        gc.freeze()
