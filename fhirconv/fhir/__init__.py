"""Facts to FHIR R4 resources and bundles."""

from __future__ import annotations

from .bundle import BundleOptions, build_bundle, source_text
from .serialize import FORMATS, check_models, check_models_each, dumps

__all__ = [
    "FORMATS",
    "BundleOptions",
    "build_bundle",
    "check_models",
    "check_models_each",
    "dumps",
    "source_text",
]
