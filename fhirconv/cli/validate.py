"""`fhirconv validate`: R4 validation for people (text) and CI (json, junit, sarif, github)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.markup import escape

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FhirconvError
from ._common import DefinitionsProgress, describe, err_console

FORMATS = ("text", "json", "junit", "sarif", "github")


def render(reports: list[Any], fmt: str) -> str:
    """The chosen output format for a list of Reports (pure, so tests can check it directly)."""
    if fmt == "json":
        outcomes = [r.to_operation_outcome() for r in reports]
        if len(outcomes) == 1:
            return json.dumps(outcomes[0], indent=2, ensure_ascii=False) + "\n"
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"resource": {**oo, "extension": [{"url": "urn:fhirconv:source", "valueString": r.source}]}}
                for r, oo in zip(reports, outcomes, strict=True)
            ],
        }
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return _junit(reports)
    if fmt == "sarif":
        return json.dumps(_sarif(reports), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        lines = []
        for r in reports:
            for i in r.sorted_issues():
                kind = {"fatal": "error", "error": "error", "warning": "warning"}.get(
                    i.severity.value, "notice"
                )
                msg = f"{i.location}: {i.message} [{i.rule}]".replace("%", "%25").replace("\n", "%0A")
                lines.append(f"::{kind} file={r.source},title=fhirconv {i.rule or i.code}::{msg}")
        return "\n".join(lines) + ("\n" if lines else "")
    return _text(reports)


def _text(reports: list[Any]) -> str:
    out: list[str] = []
    for r in reports:
        e, w = len(r.errors), len(r.warnings)
        verdict = "FAIL" if e else "ok"
        out.append(f"{r.source}: {verdict} ({r.resource_count} resources, {e} errors, {w} warnings)")
        for i in r.sorted_issues():
            if i.severity.value == "information":
                continue
            out.append(f"  {i.severity.value:<7} {i.location}: {i.message} [{i.rule}]")
        infos = [i for i in r.issues if i.severity.value == "information"]
        if infos:
            out.append(f"  ({len(infos)} information messages; --format json lists them)")
    return "\n".join(out) + "\n"


def _junit(reports: list[Any]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    failures = sum(1 for r in reports if not r.ok)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="fhirconv validate" tests="{len(reports)}" failures="{failures}">',
        f'<testsuite name="fhirconv validate" tests="{len(reports)}" failures="{failures}">',
    ]
    for r in reports:
        lines.append(f'<testcase classname="fhirconv.validate" name={quoteattr(r.source)}>')
        if not r.ok:
            body = "\n".join(f"{i.location}: {i.message} [{i.rule}]" for i in r.errors)
            lines.append(f"<failure message={quoteattr(f'{len(r.errors)} errors')}>{escape(body)}</failure>")
        lines.append("</testcase>")
    lines += ["</testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"


def _sarif(reports: list[Any]) -> dict[str, Any]:
    level = {"fatal": "error", "error": "error", "warning": "warning", "information": "note"}
    results = []
    rules: dict[str, dict[str, Any]] = {}
    for r in reports:
        for i in r.sorted_issues():
            rule_id = i.rule or i.code
            rules.setdefault(rule_id, {"id": rule_id, "shortDescription": {"text": rule_id}})
            results.append(
                {
                    "ruleId": rule_id,
                    "level": level[i.severity.value],
                    "message": {"text": f"{i.location}: {i.message}"},
                    "locations": [
                        {
                            "physicalLocation": {"artifactLocation": {"uri": r.source}},
                            "logicalLocations": [{"fullyQualifiedName": i.location, "kind": "element"}],
                        }
                    ],
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fhirconv",
                        "informationUri": "https://hl7.org/fhir/R4/",
                        "rules": sorted(rules.values(), key=lambda x: x["id"]),
                    }
                },
                "results": results,
            }
        ],
    }


def validate(
    paths: list[str] = typer.Argument(..., help="Files, folders, globs, NDJSON, or - for stdin."),
    fmt: str = typer.Option("text", "--format", help="text | json | junit | sarif | github"),
    fail_on: str = typer.Option("error", "--fail-on", help="error | warning: what makes the exit code 1"),
    profile: list[str] = typer.Option(
        [], "--profile", help="Validate against a profile (not supported yet)."
    ),
) -> None:
    """Validate FHIR R4 JSON: exit 0 no errors, 1 errors (or warnings with --fail-on warning)."""
    if fmt not in FORMATS:
        err_console.print(f"[bold red]error:[/] --format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        raise typer.Exit(EXIT_USAGE)
    if fail_on not in ("error", "warning"):
        err_console.print(f"[bold red]error:[/] --fail-on must be error or warning, got {fail_on!r}")
        raise typer.Exit(EXIT_USAGE)
    if profile:
        err_console.print(
            "[bold red]error:[/] --profile is not supported yet: fhirconv validates against the R4 base "
            "definitions only. Use the HL7 validator for profile conformance."
        )
        raise typer.Exit(EXIT_USAGE)
    from ..definitions import load_definitions
    from ..validate import validate_paths

    reports: list[Any] = []
    try:
        with DefinitionsProgress() as progress:
            load_definitions(progress=progress)
        for report in validate_paths(paths):
            reports.append(report)
    except FhirconvError as exc:
        if reports:
            typer.echo(render(reports, fmt), nl=False)
        err_console.print(f"[bold red]error:[/] {escape(describe(exc))}")
        raise typer.Exit(exc.exit_code) from None
    typer.echo(render(reports, fmt), nl=False)
    failed = any(r.errors or (fail_on == "warning" and r.warnings) for r in reports)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
