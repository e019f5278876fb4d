"""`fhirconv convert` and `fhirconv extract`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, FhirconvError
from ._common import atomic_write, describe, err_console, expand_inputs, fail, read_stdin_bytes

_EXT = {"json": ".json", "xml": ".xml", "ndjson": ".ndjson"}


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"--index-date must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _options(bundle_type: str, index_date: str | None, mappings: Path | None, gate: str) -> Any:
    from ..pipeline import ConvertOptions

    if bundle_type not in ("transaction", "collection"):
        raise fail(f"--bundle-type must be transaction or collection, got {bundle_type!r}")
    if gate not in ("full", "model"):
        raise fail(f"--gate must be full or model, got {gate!r}")
    if mappings is not None and not mappings.is_dir():
        raise fail(f"--mappings {mappings} is not a directory")
    kwargs: dict[str, Any] = {"bundle_type": bundle_type, "mappings_dir": mappings, "gate": gate}
    d = _parse_date(index_date)
    if d is not None:
        kwargs["index_date"] = d
    return ConvertOptions(**kwargs)


def _read(path: Path | None, fmt: str | None) -> Any:
    from ..model import DocumentFormat
    from ..readers import read_bytes, read_path

    f = DocumentFormat(fmt) if fmt else None
    if path is None:
        return read_bytes(read_stdin_bytes(), "<stdin>", format=f)
    return read_path(path, format=f)


def _out_name(path: Path | None, out_dir: Path, ext: str, used: set[str]) -> Path:
    stem = "stdin" if path is None else path.name.split(".")[0]
    name = stem + ext
    n = 2
    while name in used:
        name = f"{stem}-{n}{ext}"
        n += 1
    used.add(name)
    return out_dir / name


def convert(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs, or - for stdin."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the bundle here (one input only)."
    ),
    out_dir: Path | None = typer.Option(
        None, "--out-dir", help="Write one bundle per input into this folder."
    ),
    fmt: str = typer.Option("json", "--format", help="json | xml | ndjson"),
    bundle_type: str = typer.Option("transaction", "--bundle-type", help="transaction | collection"),
    index_date: str | None = typer.Option(
        None, "--index-date", help="Date of day 0 (presentation). Default 2000-01-01."
    ),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose files override the shipped mappings."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="text | html | jats | bioc (default: sniff)."
    ),
    gate: str = typer.Option("full", "--gate", help="full: R4 validation chain; model: model checks only."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Convert files in this many processes."),
    follow_symlinks: bool = typer.Option(
        False,
        "--follow-symlinks",
        help="Read symbolic links found inside input folders (skipped by default).",
    ),
) -> None:
    """Convert case reports into FHIR R4 bundles."""
    from rich.progress import Progress

    from ..fhir import dumps
    from ..pipeline import Converter, convert_paths

    if fmt not in _EXT:
        raise fail(f"--format must be one of json, xml, ndjson; got {fmt!r}")
    if input_format and input_format not in ("text", "html", "jats", "bioc"):
        raise fail(f"--input-format must be text, html, jats or bioc; got {input_format!r}")
    if output and out_dir:
        raise fail("use either -o/--output or --out-dir, not both")
    paths = expand_inputs(inputs, follow_symlinks=follow_symlinks)
    if not paths:
        raise fail("no input documents found")
    if len(paths) > 1 and output is not None:
        raise fail("several inputs: use --out-dir instead of -o")
    options = _options(bundle_type, index_date, mappings, gate)
    try:
        converter = Converter(options)
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None

    failures: list[tuple[str, FhirconvError | Exception]] = []
    used: set[str] = set()
    batch = len(paths) > 1

    def emit(path: Path | None, data: str | None, error: Exception | None) -> None:
        label = "<stdin>" if path is None else str(path)
        if error is not None:
            failures.append((label, error))
            detail = describe(error) if isinstance(error, FhirconvError) else str(error)
            err_console.print(f"[red]failed[/] {label}: {detail}")
            return
        assert data is not None
        try:
            if out_dir is not None:
                atomic_write(_out_name(path, out_dir, _EXT[fmt], used), data)
            elif output is not None:
                atomic_write(output, data)
            else:
                sys.stdout.write(data)
        except OSError as exc:  # an unwritable target fails this input, not the batch
            failures.append((label, exc))
            err_console.print(f"[red]failed[/] {label}: cannot write output: {exc}")

    with Progress(console=err_console, transient=True, disable=not batch) as progress:
        task = progress.add_task("converting", total=len(paths))
        if None in paths:  # stdin: read here, convert in this process
            try:
                emit(None, dumps(converter.convert(_read(None, input_format)), fmt), None)
            except Exception as exc:  # reported and counted like any other input
                emit(None, None, exc)
            progress.advance(task)
        files = [p for p in paths if p is not None]
        results = convert_paths(
            files, options, fmt=fmt, input_format=input_format, jobs=jobs, converter=converter
        )
        for path, data, error in results:
            emit(path, data, error)
            progress.advance(task)
    if batch or failures:
        err_console.print(f"converted {len(paths) - len(failures)} of {len(paths)}; failed {len(failures)}")
    if failures:
        if not batch:
            first = failures[0][1]
            raise typer.Exit(first.exit_code if isinstance(first, FhirconvError) else EXIT_INTERNAL)
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def extract(
    input: str = typer.Argument(..., help="One document (or - for stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable facts with spans."),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose files override the shipped mappings."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="text | html | jats | bioc (default: sniff)."
    ),
) -> None:
    """Show the facts found in one document, with their spans, for review."""
    from dataclasses import asdict

    from rich.console import Console
    from rich.table import Table

    from ..pipeline import Converter, ConvertOptions

    paths = expand_inputs([input])
    if len(paths) != 1:
        raise fail("extract takes exactly one document", EXIT_USAGE)
    try:
        converter = Converter(ConvertOptions(mappings_dir=mappings, gate="model"))
        doc = _read(paths[0], input_format)
        facts = converter.extract(doc)
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None
    if as_json:
        payload = asdict(facts)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    console = Console()
    p = facts.patient
    console.print(
        f"[bold]{doc.metadata.title or doc.source_name}[/]  ({doc.format.value}, {len(doc.text)} chars)"
    )
    console.print(
        f"Patient: age {p.age.value + ' ' + p.age.unit if p.age else '?'}, sex {p.sex or '?'}"
        + (", deceased" if p.deceased else "")
    )
    rows: list[tuple[str, str, str, str]] = []
    for c in facts.conditions:
        rows.append(("condition", c.text, c.assertion.value, _spans(c.mentions)))
    for o in facts.observations:
        detail = ", ".join(
            x
            for x in (
                o.category,
                f"{o.value.value} {o.value.unit}" if o.value else "",
                o.interpretation or "",
                "not performed" if o.not_performed else "",
                "; ".join(f"{n} {q.value} {q.unit}" for n, _, q in o.components),
            )
            if x
        )
        rows.append(("observation", o.text, detail, _spans(o.mentions)))
    for m in facts.medications:
        detail = ", ".join(
            x
            for x in (
                f"{m.dose.value} {m.dose.unit}{'/day' if m.dose_per_day else ''}" if m.dose else "",
                m.route or "",
                m.frequency or "",
                m.timing.phrase if m.timing else "",
                f"{m.duration_days:g} d" if m.duration_days else "",
                "tapered" if m.tapered else "",
                m.status,
            )
            if x
        )
        rows.append(("medication", m.text, detail, _spans(m.mentions)))
    for pr in facts.procedures:
        rows.append(("procedure", pr.text, f"{pr.category}, {pr.status}", _spans(pr.mentions)))
    if facts.outcome:
        rows.append(
            ("outcome", facts.outcome.mentions[0].text, facts.outcome.kind, _spans(facts.outcome.mentions))
        )
    table = Table("kind", "text", "detail", "spans")
    for r in rows:
        table.add_row(*r)
    console.print(table)


def _spans(mentions: Any) -> str:
    return " ".join(f"{m.start}-{m.end}" for m in mentions[:4]) + (" …" if len(mentions) > 4 else "")


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
    app.command("extract")(extract)
