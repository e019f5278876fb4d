"""Bulk NDJSON, the form FHIR Bulk Data ``$import``, HAPI's bulk import, Pathling and Spark read: one file
per resource type (``Patient.ndjson``), one resource per line, every resource with its ``id`` and every
reference ``Type/id``, and a Bulk Data style ``manifest.json`` (``output``: ``type``/``url``/``count``).

The ids are the deterministic uuid5 ids convert already gives each resource (the ``urn:uuid:`` fullUrl),
so the same document always gives the same lines and a re-run replaces lines instead of adding them.
:class:`BulkWriter` is the library entry point (a batch job, or a Spark partition writing its own
folder, calls ``add`` per bundle and ``close`` once); it writes files and nothing else.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import BuildError, MalformedInputError
from ..fileio import atomic_write
from .serialize import dumps_json, loads_json

__all__ = ["MANIFEST_NAME", "BulkWriter", "bulk_resources"]

MANIFEST_NAME = "manifest.json"
_TYPE_FILE = re.compile(r"^([A-Z][A-Za-z]{1,63})\.ndjson$")


def _walk_references(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node
        for value in node.values():
            yield from _walk_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_references(item)


def bulk_resources(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The bundle's resources in bulk form: ``id`` from the entry's ``urn:uuid:`` fullUrl (or the
    resource's own id), references rewritten from fullUrls to ``Type/id``. The bundle is not changed."""
    entries = [e for e in bundle.get("entry", []) or [] if isinstance(e, Mapping)]
    local: dict[str, str] = {}
    ids: list[str] = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource")
        if not isinstance(resource, Mapping) or not resource.get("resourceType"):
            raise BuildError(f"bundle entry {i} has no resource")
        full_url = str(entry.get("fullUrl") or "")
        rid = resource.get("id") or (
            full_url.removeprefix("urn:uuid:") if full_url.startswith("urn:uuid:") else ""
        )
        if not rid:
            raise BuildError(
                f"bundle entry {i} ({resource['resourceType']}) has neither an id nor a urn:uuid"
            )
        ids.append(str(rid))
        if full_url:
            local[full_url] = f"{resource['resourceType']}/{rid}"
    out: list[dict[str, Any]] = []
    for entry, rid in zip(entries, ids, strict=True):
        src = entry["resource"]
        res: dict[str, Any] = {"resourceType": src["resourceType"], "id": rid}
        res.update((k, copy.deepcopy(v)) for k, v in src.items() if k not in ("resourceType", "id"))
        for ref in _walk_references(res):
            target = local.get(ref["reference"])
            if target is not None:
                ref["reference"] = target
        out.append(res)
    return out


class BulkWriter:
    """Appends bundles to ``out_dir/<Type>.ndjson`` and writes ``manifest.json`` on :meth:`close`.

    Lines already in the folder are kept in their order; a resource whose id is already there replaces
    that line in place, a new one is appended. So converting documents in several batches into one
    folder gives the same files as one batch over all of them (in the same order), and converting a
    document twice adds nothing. Files are replaced atomically on close.
    """

    def __init__(self, out_dir: Path, *, request: str = "fhirconv convert --format ndjson") -> None:
        self.out_dir = Path(out_dir)
        self.request = request
        self._lines: dict[str, dict[str, str]] = {}
        self._changed: set[str] = set()
        self._transaction_time: str | None = None
        if self.out_dir.is_dir():
            for path in sorted(self.out_dir.iterdir()):
                m = _TYPE_FILE.match(path.name)
                if m and path.is_file():
                    self._lines[m.group(1)] = self._read(path)
            manifest = self.out_dir / MANIFEST_NAME
            if manifest.is_file():
                try:
                    old = loads_json(manifest.read_bytes())
                    self._transaction_time = old.get("transactionTime")
                except ValueError:
                    pass

    @staticmethod
    def _read(path: Path) -> dict[str, str]:
        lines: dict[str, str] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rid = loads_json(line)["id"]
            except (ValueError, KeyError, TypeError) as exc:
                raise MalformedInputError(
                    f"line {n} is not a bulk NDJSON resource ({exc}); not appending to it", source=str(path)
                ) from exc
            lines[str(rid)] = line
        return lines

    def add(self, bundle: Mapping[str, Any]) -> int:
        """Add one bundle's resources; returns how many lines it gave."""
        resources = bulk_resources(bundle)
        for res in resources:
            rtype = str(res["resourceType"])
            self._lines.setdefault(rtype, {})[str(res["id"])] = dumps_json(res, indent=None)
            self._changed.add(rtype)
            if rtype == "Provenance" and isinstance(res.get("recorded"), str):
                # "as of": the data's own recorded instant (the index date), never the wall clock
                self._transaction_time = max(self._transaction_time or "", res["recorded"])
        return len(resources)

    def manifest(self) -> dict[str, Any]:
        """The Bulk Data style manifest of the folder as it stands (urls relative to the folder)."""
        return {
            "transactionTime": self._transaction_time or "2000-01-01T00:00:00Z",
            "request": self.request,
            "requiresAccessToken": False,
            "output": [
                {"type": rtype, "url": f"{rtype}.ndjson", "count": len(self._lines[rtype])}
                for rtype in sorted(self._lines)
                if self._lines[rtype]
            ],
            "error": [],
        }

    def close(self) -> dict[str, Any]:
        """Write the changed type files, then the manifest; returns the manifest."""
        for rtype in sorted(self._changed):
            body = "".join(line + "\n" for line in self._lines[rtype].values())
            atomic_write(self.out_dir / f"{rtype}.ndjson", body)
        self._changed.clear()
        manifest = self.manifest()
        atomic_write(self.out_dir / MANIFEST_NAME, dumps_json(manifest) + "\n")
        return manifest

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
