"""Deterministic ids (after FHIR-Converter): uuid5 of the document's identity (PMID/PMCID/DOI; title with
metadata and opening words; or normalised text: ``fhir.bundle.document_identity``), the resource type and
the fact's normalised content and sentence, so the same document always yields the same ids, and an
unchanged fact keeps its id when the text changes elsewhere."""

from __future__ import annotations

import hashlib
import uuid

__all__ = [
    "DOCUMENT_TAG_SYSTEM",
    "ID_SYSTEM",
    "TAG_SYSTEM",
    "ResourceUrls",
    "document_tag",
    "resource_uuid",
]

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
    return _format(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).hexdigest())


def _format(h: str) -> str:
    """A UUID's text from 40 SHA-1 hex digits: version 5, RFC 4122 variant."""
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


#: a hex digit with its two top bits set to ``10`` (the RFC 4122 variant)
_VARIANT = {f"{i:x}": f"{(i & 0x3) | 0x8:x}" for i in range(16)}


def resource_uuid(document: str, resource_type: str, key: str) -> str:
    """Id of one resource: the document's identity, the resource type and the fact's own key.

    The same as ``_uuid5(f"{document}|{resource_type}|{key}")``: the SHA-1 of the shared prefix
    (namespace, identity, type; an identity with a title, authors and opening words is a few SHA-1
    blocks) is computed once per document and type and copied for each key."""
    prefix = _PREFIXES.get((document, resource_type))
    if prefix is None:
        if len(_PREFIXES) >= _PREFIX_LIMIT:
            _PREFIXES.clear()
        prefix = _PREFIXES[(document, resource_type)] = hashlib.sha1(
            _NAMESPACE_BYTES + f"{document}|{resource_type}|".encode()
        )
    h = prefix.copy()
    h.update(key.encode("utf-8"))
    return _format(h.hexdigest())


# (identity, resource type) -> the SHA-1 state after the namespace and that prefix; a bundle has about a
# dozen resource types, so the few last documents' prefixes fit (cleared, not grown, beyond the limit)
_PREFIXES: dict[tuple[str, str], hashlib._Hash] = {}
_PREFIX_LIMIT = 256


class ResourceUrls(dict[str, "hashlib._Hash"]):
    """The ``urn:uuid:`` fullUrls of one document's resources: ``self(rtype, key)`` is
    ``"urn:uuid:" + resource_uuid(document, rtype, key)``.

    The SHA-1 state after the namespace and ``document|rtype|`` is kept per resource type on this
    object (one per bundle, so nothing outlives the document), looked up by the type alone, and the
    fullUrl's text is written in one piece: a bundle asks for one per resource."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.document = document

    def __missing__(self, resource_type: str) -> hashlib._Hash:
        prefix = self[resource_type] = hashlib.sha1(
            _NAMESPACE_BYTES + f"{self.document}|{resource_type}|".encode()
        )
        return prefix

    def __call__(self, resource_type: str, key: str) -> str:
        h = self[resource_type].copy()
        h.update(key.encode("utf-8"))
        d = h.hexdigest()
        return f"urn:uuid:{d[:8]}-{d[8:12]}-5{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:32]}"


def document_tag(document: str) -> str:
    """The tag code for every resource of one document (a uuid: short, and no PMID/title leaks)."""
    return _uuid5(f"{document}|document")
