"""`fhirconv spark-convert` and `fhirconv views run|list` (optional extra ``fhirconv[spark]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_SETUP, FhirconvError
from ._common import describe, fail, say

views_app = typer.Typer(
    name="views", help="SQL on FHIR views over spark-convert output (Pathling).", no_args_is_help=True
)


def _need_spark(pathling: bool = False) -> None:
    try:
        import pyspark  # noqa: F401

        if pathling:
            import pathling as _pathling  # noqa: F401
    except ImportError:
        raise fail("this command needs the spark extra: pip install 'fhirconv[spark]'", EXIT_SETUP) from None


def spark_convert(
    input_uri: str = typer.Argument(
        ..., help="A document or folder: local path, file://, or any Hadoop URI."
    ),
    output_uri: str = typer.Argument(
        ..., help="A new folder: <ResourceType>/ folders, _status/, manifest.json."
    ),
    master: str = typer.Option("local[*]", "--master", help="Spark master (ignored under spark-submit)."),
    partitions: int | None = typer.Option(
        None, "--partitions", min=1, help="Tasks to spread the documents over (default 4 per core)."
    ),
    fmt: str = typer.Option("ndjson", "--format", help="ndjson (bulk NDJSON) | parquet (Pathling encoding)"),
    index_date: str | None = typer.Option(
        None, "--index-date", help="Date of day 0 (presentation). Default 2000-01-01."
    ),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose files override the shipped mappings (on every executor)."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="text | html | jats | bioc (default: sniff)."
    ),
    gate: str = typer.Option("full", "--gate", help="full: R4 validation chain; model: model checks only."),
) -> None:
    """Convert a whole collection on Apache Spark into bulk NDJSON (or Parquet) and a status table."""
    from ._convert_run import _options

    if fmt not in ("ndjson", "parquet"):
        raise fail(f"--format must be ndjson or parquet; got {fmt!r}")
    if input_format and input_format not in ("text", "html", "jats", "bioc"):
        raise fail(f"--input-format must be text, html, jats or bioc; got {input_format!r}")
    options = _options("transaction", index_date, mappings, gate)
    _need_spark(pathling=fmt == "parquet")
    from ..spark import spark_convert as run

    try:
        result = run(
            input_uri,
            output_uri,
            master=master,
            partitions=partitions,
            fmt=fmt,
            options=options,
            input_format=input_format,
        )
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None
    for document, code, message in result.failures:
        say(f"{document}: (exit class {code}) {message}", tag="failed", style="red")
    if result.documents == 0:
        raise fail("no input documents found")
    counts = ", ".join(f"{t} {n}" for t, n in result.counts.items())
    say(f"wrote {result.output_uri}: {counts}")
    say(
        f"converted {result.ok} of {result.documents}; failed {result.failed}"
        + (f"; skipped {result.skipped} (FHIR output)" if result.skipped else "")
        + f"; status table {result.output_uri}/_status/; master {result.master}"
    )
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


@views_app.command("list")
def views_list(
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose views/ add to or replace ours."
    ),
) -> None:
    """List the shipped SQL on FHIR ViewDefinitions."""
    from ..spark.views import load_views

    try:
        views = load_views(mappings)
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None
    for name, view in views.items():
        typer.echo(f"{name}\t{view['resource']}\t{view.get('description', '')}")


@views_app.command("run")
def views_run(
    output_uri: str = typer.Argument(..., help="A spark-convert output folder."),
    out: str = typer.Option(..., "--out", help="Folder for the tables: <view>/ each."),
    fmt: str = typer.Option("csv", "--format", help="csv (with a header) | parquet"),
    view: list[str] = typer.Option([], "--view", help="Run only this view (repeatable)."),
    master: str = typer.Option("local[*]", "--master", help="Spark master (ignored under spark-submit)."),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose views/ add to or replace ours."
    ),
) -> None:
    """Run the ViewDefinitions with Pathling over spark-convert output, into CSV or Parquet tables."""
    if fmt not in ("csv", "parquet"):
        raise fail(f"--format must be csv or parquet; got {fmt!r}")
    _need_spark(pathling=True)
    from ..spark.views import run_views

    try:
        results, report = run_views(
            output_uri, out, master=master, fmt=fmt, names=view or None, mappings_dir=mappings
        )
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None
    rows: dict[str, Any] = {name: df.count() for name, df in results.items()}
    encoded = ", ".join(f"{t} {n}" for t, n in report.encoded.items())
    say(f"encoded with Pathling: {encoded}; rejected {report.rejected}")
    for name, n in rows.items():
        say(f"{out.rstrip('/')}/{name}/: {n} rows")
    raise typer.Exit(EXIT_FINDINGS if report.rejected else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("spark-convert")(spark_convert)
    app.add_typer(views_app, name="views")
