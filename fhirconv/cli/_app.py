"""The ``fhirconv`` Typer app (``fhirconv.cli.app.app``): the root callback and one registration line
per command module. Each command lives in its own module and keeps heavy imports inside its function
body, so ``fhirconv --help`` starts fast."""

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
_SETUP_COMMANDS = frozenset({"convert", "extract", "validate"})


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
