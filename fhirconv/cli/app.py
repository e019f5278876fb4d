"""The ``fhirconv`` command. Each command lives in its own module and keeps heavy imports inside
its function body, so ``fhirconv --help`` starts fast."""

from __future__ import annotations

import typer

from .. import __version__
from . import _coerce

# option values reach the commands without pydantic where the result is certain (see _coerce): a
# seventh of a cold one-file conversion
_coerce.install()

app = typer.Typer(
    name="fhirconv",
    help="Turn clinical case reports into FHIR R4 bundles; validate and upload FHIR R4.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # `fhirconv --install-completion` (bash, zsh, fish, PowerShell): README
    # plain help and usage errors: typer's rich formatting imports rich's Markdown and syntax
    # highlighting (pygments), 0.1 s of CPU, more than the rest of `fhirconv --help` together
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fhirconv {__version__}")
        raise typer.Exit(0)


# commands that switch the cyclic collector back on themselves, after building their converter
_SETUP_COMMANDS = frozenset({"convert", "extract"})


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """fhirconv command line."""
    if ctx.invoked_subcommand not in _SETUP_COMMANDS:
        import gc

        gc.enable()  # paused by main() for the start-up


# Command registration: one line per command module (each module defines ``register(app)``).
from . import convert as _convert  # noqa: E402

_convert.register(app)
from . import evaluate as _evaluate  # noqa: E402

_evaluate.register(app)
from . import validate as _validate  # noqa: E402

_validate.register(app)
from . import definitions as _definitions  # noqa: E402

_definitions.register(app)
from . import upload as _upload  # noqa: E402

_upload.register(app)
from . import spark as _spark  # noqa: E402

_spark.register(app)
from . import review as _review  # noqa: E402

_review.register(app)


def main() -> None:
    """Entry point. Every error a user can cause is a FhirconvError with its exit code, handled in the
    commands; anything else is a bug, shown as one line (exit 6), never a traceback."""
    import gc
    import sys

    # start-up builds long-lived objects only (modules, then a converter's compiled mappings, some 10^5
    # objects): the collector's passes over them find nothing and cost a few hundredths of a second of a
    # one-file conversion. Paused here; resumed by the root callback, or by convert/extract once their
    # converter is built (cli._common.setup_done).
    gc.disable()
    # the methods dataclasses writes for the ~80 classes a command's imports define come compiled from
    # the on-disk code cache (fhirconv.codecache: a sixth of a cold one-file conversion); the file is
    # read at the first class, so --help never reads it, and written when classes were new to it
    import dataclasses

    from ..codecache import CodeCache

    code = CodeCache()
    try:
        with code.hooked(dataclasses):
            app()
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
