"""`fhirconv convert` and `fhirconv extract` (convert's body is :func:`fhirconv.cli._convert_run.run`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import EXIT_USAGE, FhirconvError
from ._common import describe, expand_inputs, fail, setup_done
from ._convert_run import _read

if TYPE_CHECKING:
    from ..model import RelativeTime


def convert(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs, or - for stdin."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the bundle here (one input only); - for stdout."
    ),
    out_dir: Path | None = typer.Option(
        None,
        "--out-dir",
        help="Write one bundle per input into this folder (ndjson: one file per resource type).",
    ),
    fmt: str = typer.Option("json", "--format", help="json | xml | ndjson"),
    bundle_type: str = typer.Option("transaction", "--bundle-type", help="transaction | collection"),
    profile: str | None = typer.Option(
        None,
        "--profile",
        help="ips: write an International Patient Summary (IPS 2.0.0) document Bundle instead.",
    ),
    index_date: str | None = typer.Option(
        None, "--index-date", help="Date of day 0 (presentation). Default 2000-01-01."
    ),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Folder whose files override the shipped mappings."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="text | html | jats | bioc (default: sniff)."
    ),
    gate: str = typer.Option(
        "full",
        "--gate",
        help="full: R4 validation chain (compiled); model: fhir.resources model checks only; both: the two.",
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Convert files in this many processes."),
    pretty: bool | None = typer.Option(
        None,
        "--pretty/--compact",
        help="Indented or compact JSON (default: indented for one input, compact for a batch).",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bars (one line if definitions must be installed)."
    ),
    follow_symlinks: bool = typer.Option(
        False,
        "--follow-symlinks",
        help="Read symbolic links found inside input folders (skipped by default).",
    ),
    review: Path | None = typer.Option(
        None, "--review", help="Also write a review page per input into this folder (see fhirconv review)."
    ),
) -> None:
    """Convert case reports into FHIR R4 bundles (the I/O rules are in README, "Files and exit codes")."""
    from ._convert_run import run  # (imported already, by _read)

    run(
        inputs,
        output,
        out_dir,
        fmt,
        bundle_type,
        profile,
        index_date,
        mappings,
        input_format,
        gate,
        jobs,
        pretty,
        quiet,
        follow_symlinks,
        review,
    )


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

    from ..model import RelativeTime
    from ..pipeline import Converter, ConvertOptions, Gate

    paths = expand_inputs([input])
    if len(paths) != 1:
        raise fail("extract takes exactly one document", EXIT_USAGE)
    try:
        converter = Converter(ConvertOptions(mappings_dir=mappings, gate=Gate.MODEL))
        setup_done()
        doc = _read(converter, paths[0], input_format)
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
        f"Patient: age {f'{p.age.value} {p.age.unit}' if p.age else '?'}, sex {p.sex or '?'}"
        + (", deceased" if p.deceased else "")
    )
    rows: list[tuple[str, str, str, str, str]] = []
    for c in facts.conditions:
        when = " to ".join(x for x in (_when(c.onset), _when(c.abatement_time)) if x)
        rows.append(("condition", c.text, c.assertion.value, when, _spans(c.mentions)))
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
        rows.append(("observation", o.text, detail, _when(o.time), _spans(o.mentions)))
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
        when = _when(m.timing) + (f" (taper {_when(m.taper)})" if m.taper else "")
        rows.append(("medication", m.text, detail, when, _spans(m.mentions)))
    for pr in facts.procedures:
        rows.append(
            ("procedure", pr.text, f"{pr.category}, {pr.status}", _when(pr.time), _spans(pr.mentions))
        )
    if facts.outcome:
        out = facts.outcome
        rows.append(("outcome", out.mentions[0].text, out.kind, _when(out.time), _spans(out.mentions)))
    table = Table("kind", "text", "detail", "when", "spans")
    for r in rows:
        table.add_row(*r)
    console.print(table)
    # the timeline itself: day 0 = presentation; --index-date places it on the calendar in convert
    timeline = Table("day", "kind", "time expression", "span", title="Timeline (day 0 = presentation)")
    for a in facts.timeline:
        day = _when(RelativeTime(a.text, a.day, a.end_day, a.age_years)) or "undated"
        timeline.add_row(day, a.kind, a.text, f"{a.start}-{a.end}")
    if facts.discharge is not None:
        timeline.add_row(_when(facts.discharge), "discharge", facts.discharge.phrase, "")
    console.print(timeline)


def _when(t: RelativeTime | None) -> str:
    """A time of the timeline for people: "day 5", "day 5..9", "age 30"."""
    if t is None:
        return ""
    if t.start_day is None:
        return f"age {t.age_years:g}" if t.age_years is not None else ""
    if t.end_day is not None and t.end_day != t.start_day:
        return f"day {t.start_day:g}..{t.end_day:g}"
    return f"day {t.start_day:g}"


def _spans(mentions: Any) -> str:
    return " ".join(f"{m.start}-{m.end}" for m in mentions[:4]) + (" …" if len(mentions) > 4 else "")


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
    app.command("extract")(extract)
