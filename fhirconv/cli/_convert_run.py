"""The body of ``fhirconv convert``, free of Typer: the Typer command (:mod:`fhirconv.cli.convert`) and the
direct path of a plain ``fhirconv convert FILE -o OUT`` (:mod:`fhirconv.cli._direct`, which does not
import Typer: two tenths of a cold one-file conversion) both run :func:`run`. A failure is the ``Exit``
of :func:`~fhirconv.cli._common.fail` (Typer imported then); success returns."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..errors import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERNAL,
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
    primitive_patterns,
    read_stdin_bytes,
    say,
    setup_done,
)

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
    ~30 patterns then come from the cache, ~0.02 s) rather than at the first conversion; and the
    primitive types' regular expressions from the definitions, which the first bundle's check would
    otherwise compile afresh on every start (~0.01-0.02 s): compiled here, they are recorded with the
    set-up's patterns, and later runs find them in the cache."""
    import contextlib

    from ..validate import default_chain

    with contextlib.suppress(Exception):  # whatever it is, the first conversion meets it as before
        chain = default_chain()
        from ..definitions import load_definitions

        primitive_patterns(load_definitions())
        del chain


def _exit(code: int) -> Exception:
    """Typer's Exit with ``code`` (Typer is imported here, on the way out of a failed command)."""
    import typer

    return typer.Exit(code)


def run(
    inputs: list[str],
    output: Path | None = None,
    out_dir: Path | None = None,
    fmt: str = "json",
    bundle_type: str = "transaction",
    profile: str | None = None,
    index_date: str | None = None,
    mappings: Path | None = None,
    input_format: str | None = None,
    gate: str = "full",
    jobs: int = 1,
    pretty: bool | None = None,
    quiet: bool = False,
    follow_symlinks: bool = False,
    review: Path | None = None,
) -> None:
    """``fhirconv convert`` with its options' values (the defaults are the command's)."""
    from ..regexcache import Recorder

    # the set-up's compiled patterns come from the on-disk cache (a tenth of a second of a cold start);
    # only imports and the converter's construction are recorded, never the inputs or their text
    patterns = Recorder().warm()
    with patterns:
        # (with what converting a report imports later: their module-level patterns are recorded too)
        from .. import streaming as _streaming  # noqa: F401
        from .. import wordstart as _wordstart  # noqa: F401
        from ..fhir import BulkWriter, loads_json
        from ..pipeline import Converter, convert_paths
        from ..readers import sniff as _sniff  # noqa: F401
        from ..readers import text as _text  # noqa: F401

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
        try:
            # (recorded: the definitions' modules compile their patterns as they are imported)
            with DefinitionsProgress(quiet=quiet) as shown, patterns:
                from ..definitions import load_definitions

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
    reviewer = None
    if review is not None:  # (the review command's module imports Typer)
        from .review import ReviewWriter

        reviewer = ReviewWriter(review, input_format, gate)
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
            raise _exit(_io_exit(exc)) from None
        counts = ", ".join(f"{o['type']} {o['count']}" for o in manifest["output"])
        say(f"wrote {out_dir}: {counts}")
    if batch or failures:
        say(f"converted {len(paths) - len(failures)} of {len(paths)}; failed {len(failures)}")
    if failures:
        if not batch:
            raise _exit(_io_exit(failures[0][1]))
        raise _exit(EXIT_FINDINGS)
    # success: return (Typer then exits with 0, as for Exit(0)); raising Exit would import Typer
