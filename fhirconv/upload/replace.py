"""Re-uploading a re-converted document replaces its previous set on the server.

Every resource ``fhirconv convert`` writes carries ``meta.tag urn:fhirconv:document|<code>`` (one code per
document identity, see ``fhirconv.fhir.ids``) and a stable identifier (Provenance: its own tag). Before
a document is sent, the server is searched for that tag; then, in the same transaction:

- a resource whose key is already stored is ``PUT`` to its server id (HAPI stores no new version when
  nothing changed, so an unchanged fact is counted *unchanged*, a changed one *updated*);
- a new one is a conditional create, as before;
- a stored resource whose key the new bundle no longer has is ``DELETE``d.

So re-uploading never duplicates and never leaves stale data. A 409/412 (another upload of the same
document committed in between) is retried with fresh search results.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ServerRejectedError
from .bundle import FHIRCONV_TAG_SYSTEM, IDENTIFIER_SYSTEM
from .client import FhirClient

__all__ = ["DOCUMENT_TAG_SYSTEM", "SET_TYPES", "document_code", "plan_replacement", "stored_set"]

DOCUMENT_TAG_SYSTEM = "urn:fhirconv:document"
#: Resource types fhirconv writes: searched even when the new bundle lacks one (its old ones go).
SET_TYPES = (
    "DocumentReference",
    "Device",
    "Patient",
    "Encounter",
    "Condition",
    "Observation",
    "MedicationAdministration",
    "MedicationRequest",
    "MedicationStatement",
    "Procedure",
    "FamilyMemberHistory",
    "AdverseEvent",
    "ClinicalImpression",
    "Provenance",
)


def _tags(resource: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    meta = resource.get("meta")
    tags = meta.get("tag") if isinstance(meta, dict) else None
    return [t for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []


def document_code(entries: Iterable[Mapping[str, Any]]) -> str | None:
    """The document tag shared by every entry, or None (then the bundle is uploaded as before)."""
    codes: set[str] = set()
    for entry in entries:
        resource = entry.get("resource") or {}
        found = [str(t.get("code")) for t in _tags(resource) if t.get("system") == DOCUMENT_TAG_SYSTEM]
        if not found:
            return None
        codes.update(found)
    return codes.pop() if len(codes) == 1 else None


def resource_key(resource: Mapping[str, Any]) -> str | None:
    """What identifies a resource across conversions: its stable identifier, else its fhirconv tag."""
    idents = resource.get("identifier")
    for ident in idents if isinstance(idents, list) else []:
        if isinstance(ident, dict) and ident.get("system") == IDENTIFIER_SYSTEM and ident.get("value"):
            return f"{resource.get('resourceType')}|{ident['value']}"
    for tag in _tags(resource):
        if tag.get("system") == FHIRCONV_TAG_SYSTEM and tag.get("code"):
            return f"{resource.get('resourceType')}|tag:{tag['code']}"
    return None


def stored_set(client: FhirClient, code: str, types: Iterable[str], *, source: str) -> dict[str, str]:
    """``key -> Type/id`` of every resource on the server tagged with ``code`` (all pages)."""
    out: dict[str, str] = {}
    for rtype in types:
        params: Mapping[str, str] | None = {
            "_tag": f"{DOCUMENT_TAG_SYSTEM}|{code}",
            "_count": "500",
            "_elements": "identifier,meta",
            "_sort": "_id",  # the same keeper for every uploader when copies are found
        }
        path = rtype
        for _ in range(10_000):  # pages; a bound, not a limit anyone reaches
            page = client.request_json("GET", path, params=params, source=source)
            for entry in page.get("entry", []) or []:
                res = entry.get("resource") if isinstance(entry, dict) else None
                if not isinstance(res, dict) or not res.get("id"):
                    continue
                key = resource_key(res) or f"{rtype}|id:{res['id']}"
                out.setdefault(key, f"{rtype}/{res['id']}")
                if out[key] != f"{rtype}/{res['id']}":  # a duplicate left by an older version: remove it
                    out[f"{key}#dup:{res['id']}"] = f"{rtype}/{res['id']}"
            nxt = [
                link.get("url")
                for link in page.get("link", []) or []
                if isinstance(link, dict) and link.get("relation") == "next"
            ]
            if not nxt or not isinstance(nxt[0], str):
                break
            path, params = _relative(client, nxt[0]), None
    return out


def _relative(client: FhirClient, url: str) -> str:
    base = client.base_url.rstrip("/") + "/"
    if url.startswith(base):
        return url[len(base) :]
    # HAPI answers with its own idea of the base (e.g. another host name): keep path and query
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    tail = parts.path.split("/fhir/", 1)[-1] if "/fhir/" in parts.path else parts.path.lstrip("/")
    return tail + (f"?{parts.query}" if parts.query else "")


def plan_replacement(
    entries: list[dict[str, Any]], stored: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The entries with PUTs for resources already stored, and DELETE entries for the stale ones."""
    out: list[dict[str, Any]] = []
    kept: set[str] = set()
    for entry in entries:
        resource = entry.get("resource") or {}
        key = resource_key(resource)
        target = stored.get(key) if key else None
        if target is None:
            out.append(entry)
            continue
        kept.add(key or "")
        new = copy.copy(entry)
        body = copy.copy(resource)
        body["id"] = target.split("/", 1)[1]
        new["resource"] = body
        new["request"] = {"method": "PUT", "url": target}
        out.append(new)
    deletes = [
        {"request": {"method": "DELETE", "url": target}}
        for key, target in sorted(stored.items())
        if key not in kept
    ]
    return out, deletes


def is_conflict(exc: ServerRejectedError) -> bool:
    return exc.status in (409, 412)
