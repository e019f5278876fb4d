"""Loading bulk NDJSON (``convert --format ndjson --out-dir``) into a FHIR server.

The HAPI JPA server this project tests against has no ``$import``, so the files are sent as
transactions of ``PUT Type/id`` entries: the ids are the deterministic ids convert wrote, so a re-run
updates nothing (HAPI stores no new version of an unchanged resource) and references ``Type/id``
resolve on the server exactly as in the files. Entries are ordered so every reference target comes in
the same or an earlier transaction (see :func:`fhirconv.upload.bundle.chunk_entries`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError, MalformedInputError
from ..fhir.serialize import loads_json
from .bundle import _dependencies, _sccs

__all__ = ["load_ndjson", "ndjson_files"]

MANIFEST_NAME = "manifest.json"


def ndjson_files(folder: Path) -> list[Path]:
    """The files a bulk folder lists in its manifest (or every ``*.ndjson`` in it when it has none)."""
    manifest = folder / MANIFEST_NAME
    if manifest.is_file():
        try:
            doc = json.loads(manifest.read_bytes())
            urls = [str(o["url"]) for o in doc.get("output", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MalformedInputError(f"not a bulk manifest: {exc}", source=str(manifest)) from exc
        return [folder / u for u in urls]
    return sorted(folder.glob("*.ndjson"))


def load_ndjson(paths: list[Path]) -> dict[str, Any]:
    """One transaction Bundle of ``PUT Type/id`` entries for every line of ``paths``, dependencies first.

    Lines must be resources with an ``id``; a blank line is skipped, anything else is an InputError
    naming the file and line.
    """
    entries: list[dict[str, Any]] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
        except UnicodeDecodeError as exc:
            raise MalformedInputError(f"not UTF-8: {exc}", source=str(path)) from exc
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                resource = loads_json(line)
            except json.JSONDecodeError as exc:
                raise MalformedInputError(f"line {n}: not JSON: {exc.msg}", source=str(path)) from exc
            rtype = resource.get("resourceType") if isinstance(resource, dict) else None
            rid = resource.get("id") if isinstance(resource, dict) else None
            if not isinstance(rtype, str) or not isinstance(rid, str) or not rid:
                raise MalformedInputError(
                    f"line {n}: a bulk NDJSON line is a resource with resourceType and id",
                    source=str(path),
                )
            entries.append({"resource": resource, "request": {"method": "PUT", "url": f"{rtype}/{rid}"}})
    order = [i for component in _sccs(_dependencies(entries)) for i in component]
    return {"resourceType": "Bundle", "type": "transaction", "entry": [entries[i] for i in order]}
