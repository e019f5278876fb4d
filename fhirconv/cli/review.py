"""`fhirconv review`: one self-contained HTML page per bundle or case report, to check a conversion by eye.

A ``.json`` input (or JSON on stdin) is reviewed as a Bundle; any other input is a case report, converted
first (model checks only: the validation verdict on the page says whether it passes the full chain) and
reviewed with its sections, which a bundle does not record.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, FhirconvError, MalformedInputError
from ._common import (
    DOC_SUFFIXES,
    atomic_write,
    describe,
    err_console,
    expand_inputs,
    fail,
    read_stdin_bytes,
    say,
)

__all__ = ["ReviewWriter", "register", "review", "review_page"]

_SUFFIX = ".review.html"


def _looks_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def review_page(
    data: bytes,
    source: str,
    *,
    converter: Any,
    input_format: str | None = None,
    as_bundle: bool | None = None,
    validate: bool = True,
) -> str:
    """The page for one input's bytes (a Bundle's JSON or a case report)."""
    from ..review import render_review, sections_of, verdict_for
    from ..review.model import Verdict

    sections: tuple[Any, ...] = ()
    if as_bundle if as_bundle is not None else _looks_json(data):
        from ..validate import parse_json

        bundle = parse_json(data.removeprefix(b"\xef\xbb\xbf"), source)
    else:
        from ..model import DocumentFormat
        from ..readers import read_bytes

        doc = read_bytes(data, source, format=DocumentFormat(input_format) if input_format else None)
        bundle = converter.convert(doc)
        sections = sections_of(doc)
    verdict = verdict_for(bundle, source) if validate else Verdict("not validated", note="--no-validate")
    return render_review(bundle, source=Path(source).name, sections=sections, verdict=verdict)


def _name(path: Path | None, used: set[str]) -> str:
    stem = "stdin" if path is None else path.name.split(".")[0] or "review"
    name, n = stem + _SUFFIX, 2
    while name in used:
        name = f"{stem}-{n}{_SUFFIX}"
        n += 1
    used.add(name)
    return name


class ReviewWriter:
    """``convert --review DIR``: a review page beside each bundle convert writes.

    Returns a problem message instead of raising, so convert counts it as that input's failure and goes on.
    """

    def __init__(self, out_dir: Path, input_format: str | None, gate: str = "model") -> None:
        self.out_dir = out_dir
        self.input_format = input_format
        self.gate = gate
        self.used: set[str] = set()

    def _verdict(self, bundle: Any, source: str) -> Any:
        from ..review import Verdict, verdict_for

        if self.gate in (
            "full",
            "both",
        ):  # convert wrote it, so it passed the validate chain: no need to run it again
            return Verdict("valid", 0, None, note="passed convert's output gate, the fhirconv validate chain")
        return verdict_for(bundle, source)

    def __call__(self, path: Path | None, data: str, fmt: str, converter: Any) -> str | None:
        from ..review import render_review, sections_of

        try:
            doc = None
            if path is not None:
                from ..model import DocumentFormat
                from ..readers import read_path

                fmt_in = DocumentFormat(self.input_format) if self.input_format else None
                doc = read_path(path, format=fmt_in)
            if fmt == "json":
                from ..fhir.serialize import loads_json

                bundle = loads_json(data)
            elif doc is not None:
                bundle = converter.convert(doc)  # xml / ndjson output: rebuild the bundle itself
            else:
                return "--review with stdin needs --format json"
            source = "<stdin>" if path is None else path.name
            page = render_review(
                bundle,
                source=source,
                sections=sections_of(doc) if doc is not None else (),
                verdict=self._verdict(bundle, source),
            )
            atomic_write(self.out_dir / _name(path, self.used), page)
        except FhirconvError as exc:
            return f"review page: {describe(exc)}"
        except OSError as exc:
            return f"cannot write review page: {exc}"
        return None


def review(
    inputs: list[str] = typer.Argument(..., help="Bundles (.json), case reports, folders, globs, or -."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the page here (one input only)."),
    out_dir: Path | None = typer.Option(
        None, "--out-dir", help=f"Write one page per input into this folder (NAME{_SUFFIX})."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="Case reports: text | html | jats | bioc (default: sniff)."
    ),
    mappings: Path | None = typer.Option(
        None, "--mappings", help="Case reports: folder whose files override the shipped mappings."
    ),
    validate: bool = typer.Option(
        True, "--validate/--no-validate", help="Show the fhirconv validate verdict (needs R4 definitions)."
    ),
) -> None:
    """Write a self-contained HTML page to review what was extracted from each document."""
    from rich.progress import Progress

    from ..pipeline import Converter, ConvertOptions, Gate

    if output and out_dir:
        raise fail("use either -o/--output or --out-dir, not both")
    if input_format and input_format not in ("text", "html", "jats", "bioc"):
        raise fail(f"--input-format must be text, html, jats or bioc; got {input_format!r}")
    if mappings is not None and not mappings.is_dir():
        raise fail(f"--mappings {mappings} is not a directory")
    paths = expand_inputs(inputs, DOC_SUFFIXES | {".json"})
    if not paths:
        raise fail("no input found")
    if len(paths) > 1 and out_dir is None:
        raise fail("several inputs: use --out-dir")
    converter: Any = None
    failures: list[tuple[str, Exception]] = []
    used: set[str] = set()
    batch = len(paths) > 1
    with Progress(
        console=err_console(), transient=True, disable=not batch or not err_console().is_terminal
    ) as progress:
        task = progress.add_task("reviewing", total=len(paths))
        for path in paths:
            label = "<stdin>" if path is None else str(path)
            try:
                if path is None:
                    data = read_stdin_bytes()
                else:
                    try:
                        data = path.read_bytes()
                    except OSError as exc:
                        raise MalformedInputError(
                            f"cannot read: {exc.strerror or exc}", source=label
                        ) from exc
                as_bundle = None if path is None else path.suffix.lower() == ".json"
                if converter is None and not (as_bundle or (as_bundle is None and _looks_json(data))):
                    converter = Converter(ConvertOptions(mappings_dir=mappings, gate=Gate.MODEL))
                page = review_page(
                    data,
                    label,
                    converter=converter,
                    input_format=input_format,
                    as_bundle=as_bundle,
                    validate=validate,
                )
                if out_dir is not None:
                    atomic_write(out_dir / _name(path, used), page)
                elif output is not None:
                    atomic_write(output, page)
                else:
                    sys.stdout.write(page)
            except FhirconvError as exc:
                failures.append((label, exc))
                say(f"{label}: {describe(exc)}", tag="failed", style="red")
            except OSError as exc:
                failures.append((label, exc))
                say(f"{label}: cannot write output: {exc}", tag="failed", style="red")
            progress.advance(task)
    if batch or failures:
        say(f"reviewed {len(paths) - len(failures)} of {len(paths)}; failed {len(failures)}")
    if failures:
        if not batch:
            first = failures[0][1]
            raise typer.Exit(first.exit_code if isinstance(first, FhirconvError) else EXIT_INTERNAL)
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
