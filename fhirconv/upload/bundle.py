"""Preparing bundles for upload: collection -> transaction, chunking that keeps references resolvable.

Idempotency rests on conditional create: every entry is ``POST`` with ``ifNoneExist`` on the stable
``urn:ietf:rfc:3986`` identifier that convert gives every resource (Provenance: a ``urn:fhirconv:id`` tag),
so a second upload matches what the first created instead of duplicating it. See ``docs/upload.md``.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import strictjson
from ..errors import InputError, MalformedInputError, UploadError
from ..fhir.serialize import dumps_json

__all__ = [
    "FHIRCONV_TAG_SYSTEM",
    "IDENTIFIER_SYSTEM",
    "chunk_entries",
    "iter_references",
    "load_bundle",
    "rewrite_references",
    "to_transaction",
]

IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"
FHIRCONV_TAG_SYSTEM = "urn:fhirconv:id"
#: Namespace for fullUrls made up for collection entries that have none (uuid5, so reruns agree).
_FULLURL_NAMESPACE = uuid.UUID("5d0f7c3e-8a53-5b8e-9a55-3f0c2f7e6a41")


def load_bundle(path: Path) -> dict[str, Any]:
    """A Bundle read from a JSON file; InputError subclasses for anything that is not one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
    bundle = strictjson.loads(data, str(path), decimals=True)  # uploaded with the file's digits
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise MalformedInputError(f"expected a FHIR Bundle, found {kind!r}", source=str(path))
    return bundle


def iter_references(node: Any) -> Iterator[dict[str, Any]]:
    """Every Reference-like object (a dict with a string ``reference``) anywhere in a resource."""
    stack = [node]  # iteration, not recursion: the input decides the depth
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("reference"), str):
                yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def rewrite_references(resource: dict[str, Any], mapping: Mapping[str, str]) -> int:
    """Point references at already stored resources (fullUrl -> ``Type/id``), in place; how many."""
    changed = 0
    for ref in iter_references(resource):
        target = mapping.get(ref["reference"])
        if target is not None:
            ref["reference"] = target
            changed += 1
    return changed


def _stable_identifier(resource: Mapping[str, Any]) -> str | None:
    idents = resource.get("identifier")
    for ident in idents if isinstance(idents, list) else []:
        if isinstance(ident, dict) and ident.get("system") == IDENTIFIER_SYSTEM and ident.get("value"):
            return str(ident["value"])
    return None


def _fhirconv_tag(resource: Mapping[str, Any]) -> str | None:
    meta = resource.get("meta")
    tags = meta.get("tag") if isinstance(meta, dict) else None
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("system") == FHIRCONV_TAG_SYSTEM and tag.get("code"):
            return str(tag["code"])
    return None


def _request_for(resource: Mapping[str, Any]) -> dict[str, str]:
    """The idempotent request for one resource of a collection bundle."""
    rtype = str(resource["resourceType"])
    ident = _stable_identifier(resource)
    if ident:
        return {"method": "POST", "url": rtype, "ifNoneExist": f"identifier={IDENTIFIER_SYSTEM}|{ident}"}
    tag = _fhirconv_tag(resource)
    if tag:
        return {"method": "POST", "url": rtype, "ifNoneExist": f"_tag={FHIRCONV_TAG_SYSTEM}|{tag}"}
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        # A client-chosen id: PUT makes it idempotent (HAPI stores no new version when nothing changed).
        return {"method": "PUT", "url": f"{rtype}/{rid}"}
    raise UploadError(
        f"a {rtype} entry has neither a {IDENTIFIER_SYSTEM} identifier nor an id, so uploading it "
        "twice would duplicate it; give it an identifier or an id"
    )


def to_transaction(bundle: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
    """A transaction Bundle to POST: transactions pass through, collections get idempotent requests."""
    btype = bundle.get("type")
    if btype == "transaction":
        out = copy.deepcopy(dict(bundle))
        for i, entry in enumerate(out.get("entry", []) or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
                raise MalformedInputError(f"transaction entry {i} has no request", source=source)
        return out
    if btype != "collection":
        raise MalformedInputError(
            f"can upload transaction or collection bundles, not {btype!r}", source=source
        )
    entries: list[dict[str, Any]] = []
    for i, entry in enumerate(bundle.get("entry", []) or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource.get("resourceType"):
            raise MalformedInputError(f"collection entry {i} has no resource", source=source)
        try:
            request = _request_for(resource)
        except UploadError as exc:
            raise UploadError(f"entry {i}: {exc.message}", source=source) from exc
        full_url = entry.get("fullUrl") or _made_up_full_url(resource)
        entries.append({"fullUrl": full_url, "resource": copy.deepcopy(resource), "request": request})
    out = {k: copy.deepcopy(v) for k, v in bundle.items() if k not in ("entry", "type", "total")}
    out["type"] = "transaction"
    out["entry"] = entries
    return out


def _made_up_full_url(resource: Mapping[str, Any]) -> str:
    canonical = dumps_json(resource, indent=None, sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(_FULLURL_NAMESPACE, canonical)}"


# -- chunking --------------------------------------------------------------------------------------------


def _entry_keys(entry: Mapping[str, Any]) -> list[str]:
    """The strings by which other entries may refer to this one (fullUrl, ``Type/id``)."""
    keys: list[str] = []
    full_url = entry.get("fullUrl")
    if isinstance(full_url, str) and full_url:
        keys.append(full_url)
    resource = entry.get("resource") or {}
    rid = resource.get("id")
    if isinstance(rid, str) and rid and resource.get("resourceType"):
        keys.append(f"{resource['resourceType']}/{rid}")
    return keys


def _dependencies(entries: list[dict[str, Any]]) -> list[set[int]]:
    """For each entry, the indexes of the entries its resource refers to."""
    index: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for key in _entry_keys(entry):
            index.setdefault(key, i)
    deps: list[set[int]] = []
    for i, entry in enumerate(entries):
        refs = (ref["reference"] for ref in iter_references(entry.get("resource") or {}))
        targets = {index[r] for r in refs if r in index}
        targets.discard(i)
        deps.append(targets)
    return deps


def _sccs(deps: list[set[int]]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative), dependencies before dependants."""
    n = len(deps)
    order: list[list[int]] = []
    idx = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if idx[root] != -1:
            continue
        work: list[tuple[int, Iterator[int]]] = [(root, iter(sorted(deps[root])))]
        idx[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if idx[child] == -1:
                    idx[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = True
                    work.append((child, iter(sorted(deps[child]))))
                    advanced = True
                    break
                if on_stack[child]:
                    low[node] = min(low[node], idx[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == idx[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                order.append(sorted(component))
    return order


def chunk_entries(
    entries: list[dict[str, Any]], chunk_size: int, *, source: str | None = None
) -> list[list[dict[str, Any]]]:
    """Split entries into transactions of at most ``chunk_size`` with every reference target in the
    same or an earlier chunk, so that later chunks can point at what earlier ones stored.

    Entries that refer to each other in a cycle must share a chunk; a cycle larger than
    ``chunk_size`` is refused rather than uploaded with broken references.
    """
    if chunk_size < 1:
        raise UploadError("chunk size must be at least 1", source=source)
    if len(entries) <= chunk_size:
        return [entries]
    components = _sccs(_dependencies(entries))
    chunks: list[list[dict[str, Any]]] = []
    current: list[int] = []
    for component in components:
        if len(component) > chunk_size:
            raise UploadError(
                f"{len(component)} entries refer to each other in a cycle, more than the chunk size "
                f"{chunk_size}; raise --chunk-size to at least {len(component)}",
                source=source,
            )
        if len(current) + len(component) > chunk_size:
            chunks.append([entries[i] for i in sorted(current)])
            current = []
        current.extend(component)
    if current:
        chunks.append([entries[i] for i in sorted(current)])
    return chunks
