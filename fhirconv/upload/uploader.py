"""Upload one bundle: plan chunks, POST each as a transaction, count what the server did.

Counts come from the transaction-response entries: HAPI's storage response code when present
(``SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH`` = unchanged, ``SUCCESSFUL_UPDATE_NO_CHANGE`` = unchanged,
...), otherwise the HTTP status of each entry (201 created; 200 on a conditional create = unchanged,
200 on an update = updated).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ServerRejectedError, UploadError
from .bundle import chunk_entries, rewrite_references, to_transaction
from .client import FhirClient
from .replace import SET_TYPES, document_code, is_conflict, plan_replacement, stored_set

#: Tries after a 409/412 conflict, each with fresh search results.
CONFLICT_RETRIES = 4

__all__ = ["HAPI_STORAGE_CODE_SYSTEM", "BundleReport", "TypeCounts", "Uploader", "classify_entry"]

HAPI_STORAGE_CODE_SYSTEM = "https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code"
DEFAULT_CHUNK_SIZE = 500


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # stale resources of an earlier conversion of the same document

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class BundleReport:
    """What happened to one input bundle (or, for a dry run, what would be sent)."""

    source: str
    entries: int
    chunks: int
    dry_run: bool = False
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    #: fullUrl of each entry -> ``Type/id`` on the server.
    locations: dict[str, str] = field(default_factory=dict)
    verified: int | None = None
    #: Entries per resource type that were (or, for a dry run, would be) sent.
    planned: dict[str, int] = field(default_factory=dict)

    def totals(self) -> TypeCounts:
        out = TypeCounts()
        for c in self.counts.values():
            out.created += c.created
            out.updated += c.updated
            out.unchanged += c.unchanged
            out.deleted += c.deleted
        return out


def _status_code(status: str) -> int:
    try:
        return int(status.split()[0])
    except (IndexError, ValueError):
        return 0


def _storage_code(response: Mapping[str, Any]) -> str | None:
    outcome = response.get("outcome") or {}
    for issue in outcome.get("issue", []) or []:
        for coding in (issue.get("details") or {}).get("coding", []) or []:
            if coding.get("system") == HAPI_STORAGE_CODE_SYSTEM and coding.get("code"):
                return str(coding["code"])
    return None


def classify_entry(request: Mapping[str, Any], response: Mapping[str, Any]) -> str:
    """``created``, ``updated``, ``unchanged`` or ``deleted`` for one transaction-response entry."""
    if str(request.get("method", "")).upper() == "DELETE":
        return "deleted"
    code = _storage_code(response)
    if code:
        matched = "CONDITIONAL_MATCH" in code and "NO_CONDITIONAL_MATCH" not in code
        if matched or "NO_CHANGE" in code or "EXISTING_MATCH" in code:
            return "unchanged"
        if code.startswith("SUCCESSFUL_CREATE") or code.endswith("AS_CREATE"):
            return "created"
        if code.startswith("SUCCESSFUL_UPDATE") or code.startswith("SUCCESSFUL_PATCH"):
            return "updated"
    status = _status_code(str(response.get("status", "")))
    if status == 201:
        return "created"
    method = str(request.get("method", "")).upper()
    if method == "POST":
        # 200 on a POST with ifNoneExist: an existing resource matched, nothing was written.
        return "unchanged"
    return "updated"


def _versionless(location: str, base_url: str | None) -> str:
    """``Type/id`` from a response location such as ``Patient/12/_history/1`` or an absolute URL."""
    loc = location
    if base_url and loc.startswith(base_url.rstrip("/") + "/"):
        loc = loc[len(base_url.rstrip("/")) + 1 :]
    if "/_history/" in loc:
        loc = loc.split("/_history/")[0]
    parts = loc.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else loc


class Uploader:
    """Uploads bundles through one FhirClient; ``client`` may be None for dry runs."""

    def __init__(
        self,
        client: FhirClient | None,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = False,
    ) -> None:
        self.client = client
        self.chunk_size = chunk_size
        self.verify = verify

    def plan(
        self, bundle: Mapping[str, Any], *, source: str
    ) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
        """The transaction and its chunks, without sending anything."""
        tx = to_transaction(bundle, source=source)
        entries: list[dict[str, Any]] = list(tx.get("entry", []) or [])
        return tx, chunk_entries(entries, self.chunk_size, source=source)

    def dry_run(self, bundle: Mapping[str, Any], *, source: str) -> BundleReport:
        """Plan only: entries per type and the number of chunks, nothing sent."""
        tx, chunks = self.plan(bundle, source=source)
        return self._new_report(tx, chunks, source, dry_run=True)

    @staticmethod
    def _new_report(
        tx: Mapping[str, Any], chunks: list[list[dict[str, Any]]], source: str, *, dry_run: bool = False
    ) -> BundleReport:
        entries = tx.get("entry", []) or []
        report = BundleReport(source=source, entries=len(entries), chunks=len(chunks), dry_run=dry_run)
        for entry in entries:
            rtype = str((entry.get("resource") or {}).get("resourceType", "?"))
            report.planned[rtype] = report.planned.get(rtype, 0) + 1
        return report

    def upload(self, bundle: Mapping[str, Any], *, source: str) -> BundleReport:
        if self.client is None:
            raise UploadError("no server to upload to", source=source)
        tx, chunks = self.plan(bundle, source=source)
        code = document_code(tx.get("entry", []) or [])
        if code is None:
            return self._send(tx, chunks, source, [])
        # A fhirconv document: replace whatever an earlier conversion of it left on the server.
        types = sorted(
            set(SET_TYPES) | {str((e.get("resource") or {}).get("resourceType")) for e in tx["entry"]}
        )
        for attempt in range(CONFLICT_RETRIES + 1):
            stored = stored_set(self.client, code, types, source=source)
            entries, deletes = plan_replacement(list(tx["entry"]), stored)
            chunks = chunk_entries(entries, self.chunk_size, source=source)
            try:
                report = self._send({**tx, "entry": entries}, chunks, source, deletes)
            except ServerRejectedError as exc:
                if not is_conflict(exc) or attempt == CONFLICT_RETRIES:
                    raise
                # another upload of this document committed in between: look again, then retry
                time.sleep(min(0.2 * 2**attempt, 5.0))
                continue
            self._drop_duplicates(report, code, types, source)
            return report
        raise AssertionError("unreachable")  # pragma: no cover

    def _drop_duplicates(self, report: BundleReport, code: str, types: list[str], source: str) -> None:
        """Two uploads racing on conditional creates can both create: delete the extra copies."""
        assert self.client is not None
        stored = stored_set(self.client, code, types, source=source)
        extra = [target for key, target in sorted(stored.items()) if "#dup:" in key]
        if not extra:
            return
        batch = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{"request": {"method": "DELETE", "url": t}} for t in extra],
        }
        try:
            self.client.transaction(batch, source=source)
        except ServerRejectedError as exc:
            if not is_conflict(exc):
                raise
            return  # the other upload is cleaning up the same copies
        for t in extra:
            report.counts.setdefault(t.split("/")[0], TypeCounts()).deleted += 1

    def _send(
        self,
        tx: dict[str, Any],
        chunks: list[list[dict[str, Any]]],
        source: str,
        deletes: list[dict[str, Any]],
    ) -> BundleReport:
        assert self.client is not None
        if deletes:
            if chunks:
                chunks[-1] = [*chunks[-1], *deletes]
            else:
                chunks = [deletes]
        report = self._new_report(tx, chunks, source)
        header = {k: v for k, v in tx.items() if k != "entry"}
        # fullUrl -> Type/id of entries stored by earlier chunks, to point later chunks at them.
        stored: dict[str, str] = {}
        for n, chunk in enumerate(chunks, start=1):
            entries = chunk
            if stored:
                entries = copy.deepcopy(chunk)
                for entry in entries:
                    rewrite_references(entry.get("resource") or {}, stored)
            body = dict(header)
            body["entry"] = entries
            where = source if len(chunks) == 1 else f"{source} (chunk {n}/{len(chunks)})"
            try:
                response = self.client.transaction(body, source=where)
            except ServerRejectedError as exc:
                if n > 1:
                    exc.message += f" [chunks 1-{n - 1} were stored; a rerun creates nothing twice]"
                raise
            self._record(report, entries, response, where, stored)
        if self.verify:
            report.verified = self._verify(report, source)
        return report

    def _record(
        self,
        report: BundleReport,
        entries: list[dict[str, Any]],
        response: Mapping[str, Any],
        where: str,
        stored: dict[str, str],
    ) -> None:
        try:
            self._record_answers(report, entries, response, where, stored)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:  # a malformed answer, not a bug
            raise ServerRejectedError(
                f"server answered with a malformed transaction-response ({type(exc).__name__}: {exc})",
                status=200,
                source=where,
            ) from exc

    def _record_answers(
        self,
        report: BundleReport,
        entries: list[dict[str, Any]],
        response: Mapping[str, Any],
        where: str,
        stored: dict[str, str],
    ) -> None:
        answers = response.get("entry", []) or []
        if response.get("type") != "transaction-response" or len(answers) != len(entries):
            raise UploadError(
                f"server answered with a {response.get('type')!r} bundle of {len(answers)} entries "
                f"to a transaction of {len(entries)}",
                source=where,
            )
        base = self.client.base_url if self.client else None
        for entry, answer in zip(entries, answers, strict=True):
            resp = answer.get("response") or {}
            request = entry.get("request") or {}
            rtype = str(
                (entry.get("resource") or {}).get("resourceType") or request.get("url", "?").split("/")[0]
            )
            report.counts.setdefault(rtype, TypeCounts()).add(classify_entry(request, resp))
            location = resp.get("location")
            full_url = entry.get("fullUrl")
            if isinstance(location, str) and location:
                target = _versionless(location, base)
                if isinstance(full_url, str) and full_url:
                    stored[full_url] = target
                    report.locations[full_url] = target

    def _verify(self, report: BundleReport, source: str) -> int:
        """Read every uploaded resource back (batch GETs); an UploadError names any that is missing."""
        assert self.client is not None
        targets = sorted(set(report.locations.values()))
        missing: list[str] = []
        for start in range(0, len(targets), self.chunk_size):
            part = targets[start : start + self.chunk_size]
            batch = {
                "resourceType": "Bundle",
                "type": "batch",
                "entry": [{"request": {"method": "GET", "url": t}} for t in part],
            }
            response = self.client.transaction(batch, source=source)
            answers = response.get("entry", []) or []
            for target, answer in zip(part, answers, strict=False):
                if _status_code(str((answer.get("response") or {}).get("status", ""))) != 200:
                    missing.append(target)
            missing.extend(part[len(answers) :])
        if missing:
            raise UploadError(
                f"verification: {len(missing)} uploaded resource(s) cannot be read back: "
                + ", ".join(missing[:10])
                + (" ..." if len(missing) > 10 else ""),
                source=source,
            )
        return len(targets)
