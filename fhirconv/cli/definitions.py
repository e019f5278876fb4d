"""`fhirconv definitions install|status`: FHIR packages (R4 core, IGs) in the shared package cache."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import EXIT_OK, FhirconvError
from ._common import DefinitionsProgress, describe, err_console, escape

definitions_app = typer.Typer(
    help="Install or inspect the FHIR R4 definitions used by validate.", no_args_is_help=True
)


@definitions_app.command("install")
def install(
    packages: list[str] = typer.Argument(
        None,
        help="IG packages as NAME#VERSION (e.g. hl7.fhir.uv.ips#2.0.0), installed with their dependencies. "
        "None: the R4 core definitions.",
    ),
    registry: str | None = typer.Option(
        None,
        "--registry",
        envvar="FHIRCONV_FHIR_REGISTRY",
        help="npm-protocol FHIR package registry (default https://packages.fhir.org; falls back to npm's).",
    ),
    from_file: Path | None = typer.Option(None, "--from", help="Install from a local package .tgz instead."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="One progress line instead of live bars."),
) -> None:
    """Download (or unpack) FHIR packages into ~/.fhir/packages and compile them (R4 core by default)."""
    from ..definitions import install as do_install

    try:
        with DefinitionsProgress(quiet=quiet) as progress:
            if packages:
                _install_packages(packages, registry, progress)
                raise typer.Exit(EXIT_OK)
            pkg, compiled = do_install(registry=registry, from_file=from_file, progress=progress)
    except FhirconvError as exc:
        err_console().print(f"[bold red]error:[/] {escape(describe(exc))}")
        raise typer.Exit(exc.exit_code) from None
    where = f" from {pkg.registry}" if pkg.registry else f" from {from_file}" if from_file else ""
    typer.echo(f"installed {pkg.spec}{where} into {pkg.path}")
    typer.echo(f"compiled into {compiled}")
    raise typer.Exit(EXIT_OK)


def _install_packages(specs: list[str], registry: str | None, progress: object) -> None:
    """IG packages and their dependencies; substitutions and what stayed unresolved go to stderr."""
    from ..definitions import load_definitions
    from ..definitions.packages import PackageDefinitions, install_packages

    load_definitions(registry=registry)  # the R4 core the packages build on (installed on first need)
    result = install_packages(specs, registry=registry, progress=progress)  # type: ignore[arg-type]
    for pkg in result.packages:
        compiled = PackageDefinitions(pkg).folder
        where = f" from {pkg.registry}" if pkg.registry else " (already in the cache)"
        typer.echo(f"installed {pkg.spec}{where}; compiled into {compiled}")
    if result.core is not None:
        typer.echo(f"R4 core: {result.core.spec}")
    for warning in result.warnings:
        err_console().print(f"[yellow]warning:[/] {escape(warning)}")


@definitions_app.command("status")
def status() -> None:
    """Show which R4 package is installed and whether its compiled cache is current."""
    from ..definitions import definitions_status
    from ..errors import EXIT_SETUP

    st = definitions_status()
    if st.package is None:
        typer.echo(f"no FHIR R4 definitions in {st.cache_root}; run `fhirconv definitions install`")
        raise typer.Exit(EXIT_SETUP)
    typer.echo(f"package:  {st.package.spec} at {st.package.path}")
    typer.echo(f"compiled: {st.compiled if st.compiled else 'not yet (compiled on first use)'}")
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.add_typer(definitions_app, name="definitions")
