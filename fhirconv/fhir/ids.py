"""Deterministic ids (after FHIR-Converter): uuid5 of the document's identity (PMID/PMCID/DOI; title with
metadata and opening words; or normalised text: ``fhir.bundle.document_identity``), the resource type and
the fact's normalised content and sentence, so the same document always yields the same ids, and an
unchanged fact keeps its id when the text changes elsewhere."""

from __future__ import annotations

import hashlib
import uuid

__all__ = ["DOCUMENT_TAG_SYSTEM", "ID_SYSTEM", "TAG_SYSTEM", "document_tag", "resource_uuid"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/fhirconv/fhirconv/ids")
ID_SYSTEM = "urn:ietf:rfc:3986"
TAG_SYSTEM = "urn:fhirconv:id"
#: ``meta.tag`` system naming the document a resource was extracted from (see ``document_tag``).
DOCUMENT_TAG_SYSTEM = "urn:fhirconv:document"


_NAMESPACE_BYTES = _NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(_NAMESPACE, name))`` without building a UUID object (a bundle asks for
    thousands): the SHA-1 of namespace and name, as hex, with the version nibble (13th digit) set to 5
    and the two top bits of the 17th digit to the RFC 4122 variant ``10``."""
    h = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


#: a hex digit with its two top bits set to ``10`` (the RFC 4122 variant)
_VARIANT = {f"{i:x}": f"{(i & 0x3) | 0x8:x}" for i in range(16)}


def resource_uuid(document: str, resource_type: str, key: str) -> str:
    """Id of one resource: the document's identity, the resource type and the fact's own key."""
    return _uuid5(f"{document}|{resource_type}|{key}")


def document_tag(document: str) -> str:
    """The tag code for every resource of one document (a uuid: short, and no PMID/title leaks)."""
    return _uuid5(f"{document}|document")
