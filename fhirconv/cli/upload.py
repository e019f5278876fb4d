"""`fhirconv upload`: send bundles to a FHIR server as idempotent transactions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_UPLOAD,
    FhirconvError,
    TransportError,
    UploadError,
)
from ._common import describe, err_console, escape, expand_inputs, fail, say

if TYPE_CHECKING:
    from ..upload import BundleReport

_BUNDLE_SUFFIXES = {".json"}


def _basic_auth(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise fail("--basic must be USER:PASSWORD")
    return user, password


def _render_outcome(exc: FhirconvError) -> None:
    """Show the server's OperationOutcome issues (with their HAPI codes) under the error line."""
    from ..errors import ServerRejectedError

    if not isinstance(exc, ServerRejectedError) or not exc.outcome:
        return
    for issue in exc.outcome.get("issue", []) or []:
        sev = issue.get("severity", "?")
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or ""
        where = ", ".join(issue.get("expression", []) or issue.get("location", []) or [])
        err_console().print(
            f"    {sev}: {escape(str(text))}" + (f"  [dim]({escape(where)})[/]" if where else "")
        )


def _table(reports: list[BundleReport]) -> Any:
    from rich.table import Table

    from ..upload import TypeCounts

    dry = all(r.dry_run for r in reports)
    title = "would upload (dry run)" if dry else "uploaded"
    table = Table(title=title, title_justify="left")
    table.add_column("resource type")
    if dry:
        table.add_column("entries", justify="right")
    else:
        for col in ("created", "updated", "unchanged", "deleted"):
            table.add_column(col, justify="right")
    merged: dict[str, TypeCounts] = {}
    entries: dict[str, int] = {}
    for r in reports:
        for rtype, c in r.counts.items():
            m = merged.setdefault(rtype, TypeCounts())
            m.created += c.created
            m.updated += c.updated
            m.unchanged += c.unchanged
            m.deleted += c.deleted
        for rtype, n in r.planned.items():
            entries[rtype] = entries.get(rtype, 0) + n
    for rtype in sorted(set(merged) | set(entries)):
        c = merged.get(rtype, TypeCounts())
        if dry:
            table.add_row(rtype, str(entries.get(rtype, 0)))
        else:
            table.add_row(rtype, str(c.created), str(c.updated), str(c.unchanged), str(c.deleted))
    return table


def upload(
    inputs: list[str] = typer.Argument(..., help="Bundle JSON files, folders of them, or globs."),
    server: str = typer.Option(
        ..., "--server", envvar="FHIRCONV_SERVER", help="FHIR base URL, e.g. http://127.0.0.1:18080/fhir"
    ),
    token: str | None = typer.Option(
        None, "--token", envvar="FHIRCONV_TOKEN", help="Bearer token (or env FHIRCONV_TOKEN); never printed."
    ),
    basic: str | None = typer.Option(
        None, "--basic", envvar="FHIRCONV_BASIC", help="USER:PASSWORD for basic auth (or env FHIRCONV_BASIC)."
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", min=0.1, help="Seconds for one whole HTTP exchange (connect, send, answer)."
    ),
    retries: int = typer.Option(3, "--retries", min=0, help="Retries on 429/5xx/connection errors."),
    chunk_size: int = typer.Option(
        500, "--chunk-size", min=1, help="Largest transaction; bigger bundles are split keeping references."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and plan only; send nothing."),
    verify: bool = typer.Option(False, "--verify", help="Read every uploaded resource back afterwards."),
    insecure: bool = typer.Option(False, "--insecure", help="Do not verify TLS certificates (not advised)."),
    ca_cert: Path | None = typer.Option(None, "--ca-cert", help="CA bundle (PEM) to verify TLS against."),
    ndjson: bool = typer.Option(
        False,
        "--ndjson",
        help="Inputs are bulk NDJSON (convert --format ndjson --out-dir): files or folders, sent as "
        "PUT Type/id transactions, referenced resources first.",
    ),
) -> None:
    """Upload bundles as idempotent transactions; rerunning creates nothing twice."""
    from ..upload import FhirClient, RetryPolicy, Uploader, load_bundle, load_ndjson, ndjson_files
    from ..upload.client import clean_secret, redact_url_text, server_url_problem

    if not server.startswith(("http://", "https://")):
        raise fail(f"--server must be an http(s) URL, got {escape(repr(server))}")
    problem = server_url_problem(server)
    if problem:
        raise fail(f"--server {escape(repr(redact_url_text(server)))}: {problem}")
    if ca_cert is not None and not ca_cert.is_file():
        raise fail(f"--ca-cert {escape(str(ca_cert))}: no such file")
    if token and basic:
        raise fail("use either --token or --basic, not both")
    if insecure and ca_cert:
        raise fail("use either --insecure or --ca-cert, not both")
    basic_pair = _basic_auth(basic)
    try:  # a token read from a CRLF file ends in "\r": strip it; refuse control characters inside
        token = clean_secret(token, "token") if token else None
        basic_pair = (
            (clean_secret(basic_pair[0], "user name"), clean_secret(basic_pair[1], "password"))
            if basic_pair
            else None
        )
    except ValueError as exc:
        raise fail(f"{exc} (the value is not shown)") from None
    if ndjson:
        files: list[Path] = []
        for item in inputs:
            p = Path(item)
            files.extend(ndjson_files(p) if p.is_dir() else [p])
        if not files:
            raise fail("no NDJSON files found")
        # all files form one upload: lines of one type refer to lines of others
        paths = [Path(f"{len(files)} NDJSON files")]
    else:
        paths = [p for p in expand_inputs(inputs, _BUNDLE_SUFFIXES) if p is not None]
    if not paths:
        raise fail("no bundle files found")

    def on_retry(attempt: int, reason: str, delay: float) -> None:
        say(f"{attempt}/{retries} in {delay:.1f}s after {reason}", tag="retry", style="yellow")

    verify_tls: bool | str = False if insecure else (str(ca_cert) if ca_cert else True)
    client = None
    if not dry_run:
        client = FhirClient(
            server,
            token=token,
            basic=basic_pair,
            timeout=timeout,
            verify=verify_tls,
            retry=RetryPolicy(retries=retries),
            on_retry=on_retry,
        )
    uploader = Uploader(client, chunk_size=chunk_size, verify=verify)
    reports: list[BundleReport] = []
    failures: list[FhirconvError] = []
    try:
        for path in paths:
            label = str(path)
            try:
                bundle = load_ndjson(files) if ndjson else load_bundle(path)
                if dry_run:
                    report = uploader.dry_run(bundle, source=label)
                else:
                    report = uploader.upload(bundle, source=label)
            except FhirconvError as exc:
                failures.append(exc)
                err_console().print(f"[red]failed[/] {escape(describe(exc))}")
                _render_outcome(exc)
                if isinstance(exc, TransportError):
                    # The server is unreachable even after retries: the other bundles would only fail
                    # the same way, slowly. Rerunning the same command later completes the upload.
                    rest = len(paths) - paths.index(path) - 1
                    if rest:
                        err_console().print(
                            f"[red]stopped[/]: server unreachable; {rest} bundles not attempted"
                        )
                    break
                continue
            reports.append(report)
            t = report.totals()
            chunks = f", {report.chunks} chunks" if report.chunks > 1 else ""
            if dry_run:
                say(f"{label}: {report.entries} entries{chunks} (dry run)", tag="ok", style="green")
            else:
                verified = f", {report.verified} verified" if report.verified is not None else ""
                say(
                    f"{label}: {t.created} created, {t.updated} updated, "
                    f"{t.unchanged} unchanged, {t.deleted} deleted{chunks}{verified}",
                    tag="ok",
                    style="green",
                )
    finally:
        if client is not None:
            client.close()

    if reports:
        from rich.console import Console

        Console().print(_table(reports))
    err_console().print(f"{len(reports)} of {len(paths)} bundles {'planned' if dry_run else 'uploaded'}")
    if failures:
        if any(isinstance(f, UploadError) for f in failures):
            raise typer.Exit(EXIT_UPLOAD)
        if len(paths) == 1:
            raise typer.Exit(failures[0].exit_code)
        raise typer.Exit(EXIT_FINDINGS if reports else EXIT_INPUT)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("upload")(upload)
