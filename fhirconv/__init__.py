"""fhirconv: clinical case reports to FHIR R4, and R4 validation and upload for CI."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
