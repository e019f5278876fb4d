"""The Python API in five calls: convert text or a file into a bundle, write it out, validate any R4
JSON, upload to a FHIR server. ``docs/api.md`` shows each with an example that the tests run.

Every function is typed, prints nothing and exits nothing: failures are :class:`fhirconv.FhirconvError`
subclasses (stage, code, exit code), and a bad option value is a ``ValueError`` naming the allowed ones.
Progress (definitions download and compile) goes to a callback you pass in, if any.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .definitions.registry import Progress, ProgressEvent
from .model import DocumentFormat
from .pipeline import ConvertOptions, OutputFormat, as_enum, convert_document

if TYPE_CHECKING:
    from .upload import BundleReport
    from .validate.issues import Report

__all__ = [
    "Progress",
    "ProgressEvent",
    "convert_file",
    "convert_text",
    "load_definitions",
    "to_text",
    "upload_bundle",
    "validate_fhir",
    "write_bulk",
]


def _input_format(value: DocumentFormat | str | None) -> DocumentFormat | None:
    return None if value is None else as_enum(DocumentFormat, value, "input format")


def convert_text(
    text: str,
    *,
    options: ConvertOptions | None = None,
    name: str = "text.txt",
    input_format: DocumentFormat | str | None = None,
) -> dict[str, Any]:
    """Convert one case report given as a string into a FHIR R4 Bundle (a JSON-ready dict).

    ``name`` is the document's name (it appears in the DocumentReference and helps sniff the format:
    ``case.html`` is read as HTML). Decimals in the bundle are :class:`decimal.Decimal`; write it with
    :func:`to_text` to keep their digits.
    """
    from .readers import read_bytes

    doc = read_bytes(text.encode("utf-8"), name, format=_input_format(input_format))
    return convert_document(doc, options)


def convert_file(
    path: str | os.PathLike[str],
    *,
    options: ConvertOptions | None = None,
    input_format: DocumentFormat | str | None = None,
) -> dict[str, Any]:
    """Convert one case report file (text, HTML, JATS or BioC; sniffed unless ``input_format``)."""
    from .readers import read_path

    return convert_document(read_path(Path(path), format=_input_format(input_format)), options)


def to_text(
    bundle: Mapping[str, Any], format: OutputFormat | str = OutputFormat.JSON, *, pretty: bool = True
) -> str:
    """A bundle as FHIR JSON, FHIR XML or bulk NDJSON text (decimals written with their digits);
    ``pretty=False`` writes JSON compact (40 % smaller, the batch form)."""
    from .fhir import dumps

    return dumps(dict(bundle), as_enum(OutputFormat, format, "output format").value, pretty=pretty)


def write_bulk(bundles: Iterable[Mapping[str, Any]], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Append bundles to bulk NDJSON files in ``out_dir`` (one per type); returns the manifest."""
    from .fhir import BulkWriter

    writer = BulkWriter(Path(out_dir), request="fhirconv.write_bulk")
    for bundle in bundles:
        writer.add(bundle)
    return writer.close()


def load_definitions(*, progress: Progress | None = None) -> None:
    """Make sure the official R4 definitions are installed and compiled (downloads on first use),
    calling ``progress`` with a :class:`ProgressEvent` per step (registry tried, fallback and why,
    download bytes, compile steps); convert and validate call this themselves when needed."""
    from .definitions import load_definitions as _load

    _load(progress=progress)


def validate_fhir(data: Mapping[str, Any] | str | os.PathLike[str], *, source: str | None = None) -> Report:
    """Validate a FHIR R4 resource or bundle (a dict, or a path to a JSON file) with the full chain.

    Returns a ``fhirconv.validate.issues.Report``: ``.ok``, ``.errors``, ``.warnings``,
    ``.to_operation_outcome()``.
    """
    from .validate import parse_json, validate_json

    if isinstance(data, Mapping):
        return validate_json(dict(data), source=source or "<bundle>")
    path = Path(data)
    from .errors import InputError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
    return validate_json(parse_json(raw, str(path)), source=source or str(path))


def upload_bundle(
    bundle: Mapping[str, Any],
    server: str,
    *,
    token: str | None = None,
    chunk_size: int = 500,
    timeout: float = 60.0,
    source: str = "<bundle>",
) -> BundleReport:
    """Upload one bundle (transaction or collection) to a FHIR server as idempotent transactions.

    Returns a ``fhirconv.upload.BundleReport`` (``.totals()`` of created/updated/unchanged per type);
    raises :class:`fhirconv.errors.UploadError` subclasses when the server refuses.
    """
    from .upload import FhirClient, Uploader

    with FhirClient(server, token=token, timeout=timeout) as client:
        return Uploader(client, chunk_size=chunk_size).upload(bundle, source=source)
