"""Facts to FHIR R4 resources and bundles."""

from __future__ import annotations

from .bulk import BulkWriter, bulk_resources
from .bundle import BundleOptions, build_bundle, source_text, stream_bundle
from .serialize import FORMATS, check_models, check_models_each, dumps, dumps_json, loads_json

__all__ = [
    "FORMATS",
    "BulkWriter",
    "BundleOptions",
    "build_bundle",
    "bulk_resources",
    "check_models",
    "check_models_each",
    "dumps",
    "dumps_json",
    "loads_json",
    "source_text",
    "stream_bundle",
]
