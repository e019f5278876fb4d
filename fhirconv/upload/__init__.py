"""Upload bundles to a FHIR server (HAPI FHIR first): idempotent, chunked, retried.

``FhirClient`` speaks HTTP (one connection pool, retries, typed errors); ``Uploader`` turns a bundle into
one or more transactions that keep references resolvable and counts what the server did.
"""

from __future__ import annotations

from .bundle import chunk_entries, load_bundle, rewrite_references, to_transaction
from .client import FhirClient, RetryPolicy
from .ndjson import load_ndjson, ndjson_files
from .uploader import BundleReport, TypeCounts, Uploader, classify_entry

__all__ = [
    "BundleReport",
    "FhirClient",
    "RetryPolicy",
    "TypeCounts",
    "Uploader",
    "chunk_entries",
    "classify_entry",
    "load_bundle",
    "load_ndjson",
    "ndjson_files",
    "rewrite_references",
    "to_transaction",
]
