"""Checks shared by the integration tests: a bundle's resources as the server stores them."""

from __future__ import annotations

import copy
import re
from typing import Any

import httpx
from hapi_server import identifier_params, search

_URN = re.compile(r"^urn:uuid:[0-9a-f-]{36}$")


def stored_copy(url: str, resource: dict[str, Any]) -> dict[str, Any]:
    """The one server resource with this resource's stable identifier (fails on 0 or several)."""
    found = search(url, resource["resourceType"], identifier_params(resource))
    assert len(found) == 1, (
        f"{resource['resourceType']} {identifier_params(resource)}: {len(found)} on the server, expected 1"
    )
    return found[0]


def _resolve(node: Any, mapping: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {k: _resolve(v, mapping) for k, v in node.items()}
        ref = out.get("reference")
        if isinstance(ref, str) and ref in mapping:
            out["reference"] = mapping[ref]
        return out
    if isinstance(node, list):
        return [_resolve(v, mapping) for v in node]
    return node


def assert_bundle_stored(url: str, bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every entry of ``bundle`` is on the server exactly once and equal to what was sent, with its
    urn:uuid references replaced by the server ids of their targets (codes, values, units, dosages,
    derivation-reference extensions and all). Returns fullUrl -> stored resource."""
    stored: dict[str, dict[str, Any]] = {}
    mapping: dict[str, str] = {}
    for entry in bundle["entry"]:
        res = stored_copy(url, entry["resource"])
        stored[entry["fullUrl"]] = res
        mapping[entry["fullUrl"]] = f"{res['resourceType']}/{res['id']}"
    for entry in bundle["entry"]:
        sent = _resolve(copy.deepcopy(entry["resource"]), mapping)
        got = copy.deepcopy(stored[entry["fullUrl"]])
        got.pop("id", None)
        meta = got.pop("meta", {}) or {}
        sent_meta = sent.pop("meta", None)
        if sent_meta and sent_meta.get("tag"):
            for tag in sent_meta["tag"]:
                assert tag in meta.get("tag", []), f"tag {tag} lost on {entry['fullUrl']}"
        assert got == sent, f"{entry['resource']['resourceType']} {entry['fullUrl']} differs on the server"
        leftovers = [
            v for v in _strings(got) if _URN.match(v) and v in mapping and v not in _identifiers(got)
        ]
        assert not leftovers, f"unresolved urn:uuid references {leftovers}"
    return stored


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _identifiers(resource: dict[str, Any]) -> set[str]:
    return {i.get("value", "") for i in resource.get("identifier", []) or []}


def hapi_validate(url: str, resource: dict[str, Any]) -> list[dict[str, Any]]:
    """HAPI's ``$validate`` on a stored resource; its error and fatal issues."""
    r = httpx.get(
        f"{url}/{resource['resourceType']}/{resource['id']}/$validate",
        timeout=120,
        headers={"Accept": "application/fhir+json"},
    )
    outcome = r.json()
    assert outcome.get("resourceType") == "OperationOutcome", outcome
    return [i for i in outcome.get("issue", []) if i.get("severity") in ("error", "fatal")]
