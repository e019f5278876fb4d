"""Deterministic ids (after FHIR-Converter): uuid5 of the source hash, the resource type and a key made
of the span and concept, so the same input always yields the same ids and a re-upload matches."""

from __future__ import annotations

import uuid

__all__ = ["ID_SYSTEM", "TAG_SYSTEM", "resource_uuid"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/fhirconv/fhirconv/ids")
ID_SYSTEM = "urn:ietf:rfc:3986"
TAG_SYSTEM = "urn:fhirconv:id"


def resource_uuid(source_sha256: str, resource_type: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{source_sha256}|{resource_type}|{key}"))
