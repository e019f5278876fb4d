"""fhirconv: clinical case reports to FHIR R4, and R4 validation and upload for CI.

The names below are the public API; they are imported lazily so ``import fhirconv`` (and the CLI's
``--help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
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

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fhirconv' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
