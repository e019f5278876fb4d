"""fhirconv: clinical case reports to FHIR R4, and R4 validation and upload for CI.

The names below are the public API; they are imported lazily so ``import fhirconv`` (and the CLI's
``--help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "convert_text": "fhirconv.api",
    "convert_file": "fhirconv.api",
    "to_text": "fhirconv.api",
    "write_bulk": "fhirconv.api",
    "validate_fhir": "fhirconv.api",
    "upload_bundle": "fhirconv.api",
    "load_definitions": "fhirconv.api",
    "Progress": "fhirconv.api",
    "ProgressEvent": "fhirconv.api",
    "BundleType": "fhirconv.pipeline",
    "Gate": "fhirconv.pipeline",
    "OutputFormat": "fhirconv.pipeline",
    "DocumentFormat": "fhirconv.model",
    "BulkWriter": "fhirconv.fhir.bulk",
    "ConvertOptions": "fhirconv.pipeline",
    "Converter": "fhirconv.pipeline",
    "convert_document": "fhirconv.pipeline",
    "convert_path": "fhirconv.pipeline",
    "read_bytes": "fhirconv.readers",
    "read_path": "fhirconv.readers",
    "validate_json": "fhirconv.validate",
    "Document": "fhirconv.model",
    "Extraction": "fhirconv.model",
    "FhirconvError": "fhirconv.errors",
}

__all__ = [
    "BulkWriter",
    "BundleType",
    "ConvertOptions",
    "Converter",
    "Document",
    "DocumentFormat",
    "Extraction",
    "FhirconvError",
    "Gate",
    "OutputFormat",
    "Progress",
    "ProgressEvent",
    "__version__",
    "convert_document",
    "convert_file",
    "convert_path",
    "convert_text",
    "load_definitions",
    "read_bytes",
    "read_path",
    "to_text",
    "upload_bundle",
    "validate_fhir",
    "validate_json",
    "write_bulk",
]

if TYPE_CHECKING:  # the same names, typed, for mypy users (runtime imports them lazily below)
    from .api import (
        Progress,
        ProgressEvent,
        convert_file,
        convert_text,
        load_definitions,
        to_text,
        upload_bundle,
        validate_fhir,
        write_bulk,
    )
    from .errors import FhirconvError
    from .fhir.bulk import BulkWriter
    from .model import Document, DocumentFormat, Extraction
    from .pipeline import (
        BundleType,
        Converter,
        ConvertOptions,
        Gate,
        OutputFormat,
        convert_document,
        convert_path,
    )
    from .readers import read_bytes, read_path
    from .validate import validate_json


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fhirconv' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
