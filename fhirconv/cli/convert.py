"""`fhirconv convert` and `fhirconv extract`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    FhirconvError,
    UnsupportedFormatError,
)
from ..fileio import ResolvedPaths, SpooledText
from ._common import (
    DefinitionsProgress,
    atomic_write,
    describe,
    err_console,
    expand_inputs,
    fail,
    is_fhir_output,
    read_stdin_bytes,
    say,
    setup_done,
)

if TYPE_CHECKING:
    from ..model import RelativeTime

_EXT = {"json": ".json", "xml": ".xml", "ndjson": ".ndjson"}
STDIO = "-"


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"--index-date must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _options(
    bundle_type: str, index_date: str | None, mappings: Path | None, gate: str, profile: str | None = None
) -> Any:
    from ..pipeline import ConvertOptions

    if mappings is not None and not mappings.is_dir():
        raise fail(f"--mappings {mappings} is not a directory")
    kwargs: dict[str, Any] = {
        "bundle_type": bundle_type,
        "mappings_dir": mappings,
        "gate": gate,
        "profile": profile,
    }
    d = _parse_date(index_date)
    if d is not None:
        kwargs["index_date"] = d
    try:
        return ConvertOptions(**kwargs)
    except ValueError as exc:  # an unknown --gate / --bundle-type
        raise fail(str(exc)) from None


def _read(converter: Any, path: Path | None, fmt: str | None) -> Any:
    """Read with the converter's section rules, so ``--mappings`` reaches the readers too."""
    from ..model import DocumentFormat

    f = DocumentFormat(fmt) if fmt else None
    if path is None:
        return converter.read_bytes(read_stdin_bytes(), "<stdin>", f)
    return converter.read_path(path, f)


def _out_name(path: Path | None, out_dir: Path, ext: str, used: set[str]) -> Path:
    stem = "stdin" if path is None else path.name.split(".")[0]
    name = stem + ext
    n = 2
    while name in used:
        name = f"{stem}-{n}{ext}"
        n += 1
    used.add(name)
    return out_dir / name


def _io_exit(exc: BaseException) -> int:
    """The documented exit code of a failure: FhirconvError carries its own; an OS error reading or
    writing a file is an I/O failure (3); anything else is a bug (6)."""
    if isinstance(exc, FhirconvError):
        return exc.exit_code
    return EXIT_INPUT if isinstance(exc, OSError) else EXIT_INTERNAL


def _check_targets(paths: list[Path | None], output: Path | None) -> list[Path]:
    """Refuse outputs that would land on what is being read; returns the input files to protect."""
    files = [p for p in paths if p is not None]
    if output is not None and any(output.resolve() == p.resolve() for p in files):
        raise fail(f"-o {output} is one of the inputs; fhirconv never writes over an input")
    if output is not None and output.is_dir():
        raise fail(f"-o {output} is a folder; use --out-dir for a folder of bundles")
    return files


def _check_out_dir(inputs: list[str], out_dir: Path | None) -> None:
    """--out-dir must be a folder and not an input folder (a folder below one is left out of discovery)."""
    if out_dir is None:
        return
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"--out-dir {out_dir} exists and is not a folder")
    for folder in (Path(i) for i in inputs if i != STDIO and Path(i).is_dir()):
        if out_dir.resolve() == folder.resolve():
            raise fail(
                f"--out-dir {out_dir} is the input folder {folder}: outputs would mix with (and "
                "could replace) the inputs; choose another folder"
            )


class _NoProgress:
    """The progress bar's interface, doing nothing: one input shows no bar, and importing rich's
    progress module for it is a noticeable part of a one-file conversion's start."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: int) -> int:
        return 0

    def advance(self, task: int) -> None:
        return None


def _progress(shown: bool) -> Any:
    if not shown:
        return _NoProgress()
    from rich.progress import Progress

    return Progress(console=err_console(), transient=True)


def _output_gate_setup() -> None:
    """The output gate's chain, built with the converter (inside the pattern recorder: its modules'
    ~30 patterns then come from the cache, ~0.02 s) rather than at the first conversion."""
    import contextlib

    from ..validate import default_chain

    with contextlib.suppress(Exception):  # whatever it is, the first conversion meets it as before
        default_chain()


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
    from ..regexcache import Recorder

    # the set-up's compiled patterns come from the on-disk cache (a tenth of a second of a cold start);
    # only imports and the converter's construction are recorded, never the inputs or their text
    patterns = Recorder().warm()
    with patterns:
        from ..fhir import BulkWriter, loads_json
        from ..pipeline import Converter, convert_paths

    if fmt not in _EXT:
        raise fail(f"--format must be one of json, xml, ndjson; got {fmt!r}")
    if input_format and input_format not in ("text", "html", "jats", "bioc"):
        raise fail(f"--input-format must be text, html, jats or bioc; got {input_format!r}")
    if output is not None and out_dir is not None:
        raise fail("use either -o/--output or --out-dir, not both")
    if output is not None and str(output) == STDIO:
        output = None  # -o - is stdout
    options = _options(bundle_type, index_date, mappings, gate, profile)
    _check_out_dir(inputs, out_dir)
    exclude = [out_dir] if out_dir is not None else []
    try:
        paths = expand_inputs(inputs, exclude=exclude, skip_fhir=True, follow_symlinks=follow_symlinks)
    except OSError as exc:  # e.g. a folder that cannot be listed
        raise fail(f"cannot read the inputs: {exc}", EXIT_INPUT) from None
    if not paths:
        raise fail("no input documents found")
    several = len(paths) > 1 or any(i != STDIO and Path(i).is_dir() for i in inputs)
    if len(paths) > 1 and output is not None:
        raise fail("several inputs: use --out-dir instead of -o")
    if several and out_dir is None and output is None and fmt != "ndjson":
        raise fail(
            "several inputs (or a folder) need --out-dir DIR, or --format ndjson to stream all "
            "resources to stdout"
        )
    protect = ResolvedPaths(_check_targets(paths, output))
    if pretty is None:
        pretty = not several
    try:
        bulk = BulkWriter(out_dir) if fmt == "ndjson" and out_dir is not None else None
    except (OSError, FhirconvError) as exc:  # an existing folder we cannot read or append to
        raise fail(f"--out-dir {out_dir}: {exc}", _io_exit(exc)) from None
    if options.gate in ("full", "both"):
        from ..definitions import load_definitions

        try:
            with DefinitionsProgress(quiet=quiet) as shown:
                load_definitions(progress=shown)
            if options.profile is not None:  # its IG package, installed now rather than mid-batch
                from ..pipeline import profile_chain

                profile_chain(options.profile)
        except FhirconvError as exc:
            raise fail(describe(exc), exc.exit_code) from None
    try:
        with patterns:
            # one input: the lexicon's automaton is read only as far as that text needs
            converter = Converter(options, one_document=len(paths) == 1)
            if options.gate in ("full", "both") and options.profile is None:
                _output_gate_setup()
    except FhirconvError as exc:
        raise fail(describe(exc), exc.exit_code) from None
    patterns.save()
    setup_done()

    failures: list[tuple[str, BaseException]] = []
    used: set[str] = set()
    from .review import ReviewWriter

    reviewer = ReviewWriter(review, input_format, gate) if review is not None else None
    batch = len(paths) > 1

    def emit(path: Path | None, data: str | SpooledText | None, error: BaseException | None) -> None:
        label = "<stdin>" if path is None else str(path)
        if error is not None:
            failures.append((label, error))
            detail = describe(error) if isinstance(error, FhirconvError) else str(error)
            say(
                f"{label}: {detail}" if not isinstance(error, FhirconvError) else detail,
                tag="failed",
                style="red",
            )
            return
        assert data is not None
        try:
            # a long report's bundle arrives streamed to a temporary file (SpooledText): moved into
            # place, or read where the whole text is needed (bulk folders, review pages)
            text = data.read() if isinstance(data, SpooledText) and (bulk or reviewer) else data
            if bulk is not None:
                assert isinstance(text, str)
                bulk.add(loads_json(text))
            elif out_dir is not None:
                atomic_write(_out_name(path, out_dir, _EXT[fmt], used), data, protect=protect)
            elif output is not None:
                atomic_write(output, data, protect=protect)
            elif isinstance(data, SpooledText):
                data.copy_to(sys.stdout)
                sys.stdout.flush()
            else:
                sys.stdout.write(data)
                sys.stdout.flush()
            problem = (
                reviewer(path, text, work_fmt, converter) if reviewer and isinstance(text, str) else None
            )
            if problem:
                failures.append((label, RuntimeError(problem)))
                say(f"{label}: {problem}", tag="failed", style="red")
        except OSError as exc:  # an unwritable target fails this input, not the batch
            failures.append((label, exc))
            say(f"{label}: cannot write output: {exc}", tag="failed", style="red")
        finally:
            if isinstance(data, SpooledText):
                data.discard()  # moved already, or not wanted after a failure

    # ndjson into a folder gathers bundles as JSON and writes them per type at the end
    work_fmt = "json" if bulk is not None else fmt
    if fmt == "ndjson" and bulk is None:
        work_fmt = "ndjson"
    with _progress(batch and not quiet and err_console().is_terminal) as progress:
        task = progress.add_task("converting", total=len(paths))
        if None in paths:  # stdin: read here, convert in this process
            try:
                emit(
                    None,
                    converter.serialise(_read(converter, None, input_format), work_fmt, pretty=pretty),
                    None,
                )
            except Exception as exc:  # reported and counted like any other input
                emit(None, None, exc)
            progress.advance(task)
        files = []
        for p in (p for p in paths if p is not None):
            if is_fhir_output(p):  # named explicitly (folders skip them): a bundle is no case report
                emit(p, None, UnsupportedFormatError("is FHIR output, not a case report", source=str(p)))
                progress.advance(task)
            else:
                files.append(p)
        results = convert_paths(
            files,
            options,
            fmt=work_fmt,
            input_format=input_format,
            jobs=jobs,
            converter=converter,
            pretty=pretty,
        )
        for path, data, error in results:
            emit(path, data, error)
            progress.advance(task)
    if bulk is not None:
        try:
            manifest = bulk.close()
        except (OSError, FhirconvError) as exc:
            say(f"cannot write {out_dir}: {exc}", tag="error:", style="bold red")
            raise typer.Exit(_io_exit(exc)) from None
        counts = ", ".join(f"{o['type']} {o['count']}" for o in manifest["output"])
        say(f"wrote {out_dir}: {counts}")
    if batch or failures:
        say(f"converted {len(paths) - len(failures)} of {len(paths)}; failed {len(failures)}")
    if failures:
        if not batch:
            raise typer.Exit(_io_exit(failures[0][1]))
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
