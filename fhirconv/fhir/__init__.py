"""Facts to FHIR R4 resources and bundles."""

from __future__ import annotations

from .bundle import BundleOptions, build_bundle
from .serialize import FORMATS, check_models, dumps

__all__ = ["FORMATS", "BundleOptions", "build_bundle", "check_models", "dumps"]
