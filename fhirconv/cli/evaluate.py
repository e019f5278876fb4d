"""`fhirconv evaluate`: convert annotated documents and score the bundles against their gold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_cmd(
        gold: Annotated[
            list[Path], typer.Argument(help="Gold files or directories (BRAT .ann+.txt, or E3C .xml).")
        ],
        format: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="Gold format: brat or e3c (default: sniffed from the files)."
            ),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the report as JSON instead of tables.")
        ] = False,
        details: Annotated[
            Path | None,
            typer.Option(
                "--details", help="Write <doc>.md and <doc>.json with false positives/negatives here."
            ),
        ] = None,
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", min=1, help="Convert documents in this many processes.")
        ] = 1,
        gate: Annotated[
            str,
            typer.Option(
                "--gate",
                help="Output gate during conversion: full (R4 validation, as convert does) or model "
                "(models only, to measure extraction on bundles the full gate would refuse).",
            ),
        ] = "full",
    ) -> None:
        """Score extraction per category (exact and overlap P/R/F1), negation, patient age/sex.

        Exit 0: every document scored. 1: some documents failed (the rest are still scored).
        3: the gold cannot be read at all. 5: mappings unavailable.
        """
        import json

        from rich.console import Console
        from rich.table import Table

        from ..errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, FhirconvError
        from ..evaluate import evaluate, summarise, write_details
        from ..evaluate.report import COMPACT_HEADER, FACT_HEADER, fact_rows, neutral_note, span_rows
        from ..evaluate.runner import FORMATS

        err = Console(stderr=True)
        if format is not None and format not in FORMATS:
            err.print(f"[red]error:[/] --format must be one of {', '.join(FORMATS)}")
            raise typer.Exit(EXIT_USAGE)
        if gate not in ("full", "model"):
            err.print("[red]error:[/] --gate must be full or model")
            raise typer.Exit(EXIT_USAGE)
        try:
            outcomes = evaluate(gold, fmt=format, jobs=jobs, gate=gate)
            summary = summarise(outcomes, format)
            if details is not None:
                write_details(outcomes, details)
        except FhirconvError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(exc.exit_code) from exc
        except Exception as exc:  # a bug: say so plainly, with the documented exit code
            err.print(f"[red]internal error:[/] {type(exc).__name__}: {exc}")
            raise typer.Exit(EXIT_INTERNAL) from exc

        if as_json:
            typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        else:
            out = Console()
            table = Table(
                title=f"Extraction quality ({summary['scored']} of {summary['documents']} documents)",
                caption="overlap = spans share a character, matched one-to-one; "
                "medication attributes (.dose ...) are scored on matched drugs only",
            )
            for i, h in enumerate(COMPACT_HEADER):
                table.add_column(h, justify="left" if i == 0 else "right", no_wrap=True)
            for row in span_rows(summary):
                label = row[0].replace(" (on matched drugs)", "").replace("medication.", "medication .")
                table.add_row(label, *row[1:])
            out.print(table)
            note = neutral_note(summary)
            if note:
                out.print(note)
            facts = Table(title="Assertion and patient facts")
            for i, h in enumerate(FACT_HEADER):
                facts.add_column(h, justify="right" if i in (1, 2) else "left", no_wrap=i < 3)
            for row in fact_rows(summary):
                facts.add_row(*row)
            out.print(facts)
        for f in summary["failed"]:
            what = "not converted (scored as finding nothing)" if f["scored_as_empty"] else "not scored"
            err.print(f"[yellow]{what}:[/] {f['document']}: {f['error']}")
        if summary["failed"]:
            raise typer.Exit(EXIT_FINDINGS)
