"""The HAPI FHIR test server for integration tests: reuse one at FHIRCONV_HAPI_URL, or start it with
``scripts/hapi-test-server`` (and stop it at exit). Skips with the reason when Java or Maven is missing;
under FHIRCONV_REQUIRE_HAPI=1 (CI) it fails instead, so the ``hapi`` tests cannot skip to green.

tests/ keeps a single conftest.py, so each test module defines a small ``hapi_url`` fixture that calls
``ensure_server()``; the server is memoised here, so it starts once per session however many modules use it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "hapi-test-server"

_state: dict[str, Any] = {}


def _unavailable(reason: str) -> None:
    if os.environ.get("FHIRCONV_REQUIRE_HAPI") == "1":
        pytest.fail(f"HAPI test server required (FHIRCONV_REQUIRE_HAPI=1) but {reason}", pytrace=False)
    pytest.skip(f"HAPI test server unavailable: {reason}")


def _metadata_ok(url: str) -> bool:
    try:
        r = httpx.get(url.rstrip("/") + "/metadata", timeout=10, headers={"Accept": "application/fhir+json"})
    except httpx.HTTPError:
        return False
    return r.status_code == 200


def script(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def script_url() -> str:
    return script("url").stdout.strip()


def ensure_server() -> str:
    """The base URL of a running server, starting one through the script when none is given."""
    if "url" in _state:
        return str(_state["url"])
    given = os.environ.get("FHIRCONV_HAPI_URL")
    if given:
        if not _metadata_ok(given):
            _unavailable(f"FHIRCONV_HAPI_URL={given} does not answer /metadata")
        _state["url"] = given.rstrip("/")
        return str(_state["url"])
    if not SCRIPT.is_file():  # e.g. tests run from the sdist, which leaves the Java server out
        _unavailable(f"{SCRIPT} is not here (set FHIRCONV_HAPI_URL to a running server)")
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _unavailable(f"{' and '.join(missing)} not found on PATH (needed to build and run it)")
    if script("status").returncode == 0:  # already running: reuse it, leave it running
        _state["url"] = script_url()
        return str(_state["url"])
    proc = script("start")
    if proc.returncode != 0:
        _unavailable(f"scripts/hapi-test-server start failed: {proc.stderr[-2000:]}")
    url = proc.stdout.strip().splitlines()[-1]
    _state["url"] = url
    _state["started_here"] = True
    atexit.register(lambda: script("stop", timeout=120))
    return url


def server_is_script_managed(url: str) -> bool:
    """True when ``url`` is the server that scripts/hapi-test-server controls (so tests may restart it)."""
    if not SCRIPT.is_file():  # the sdist leaves the script out: nothing here manages the server
        return False
    return url.rstrip("/") == script_url().rstrip("/") and script("status").returncode == 0


# HAPI reuses cached search results for a minute by default; a test that counts before and after must
# see the server's state now, not a cached answer.
FRESH = {"Accept": "application/fhir+json", "Cache-Control": "no-cache"}


def count(url: str, resource_type: str, params: dict[str, str] | None = None) -> int:
    query = {"_summary": "count", **(params or {})}
    r = httpx.get(f"{url}/{resource_type}", params=query, timeout=60, headers=FRESH)
    r.raise_for_status()
    return int(r.json()["total"])


def search(url: str, resource_type: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """Every match, following the server's ``next`` links (other tests share the server, so one page of
    200 may not hold the resources a test is looking for); bounded so a broken server cannot loop."""
    r = httpx.get(
        f"{url}/{resource_type}",
        params={"_count": "200", **params},
        timeout=60,
        headers=FRESH,
    )
    r.raise_for_status()
    page = r.json()
    found: list[dict[str, Any]] = []
    for _ in range(100):
        found.extend(e["resource"] for e in page.get("entry", []) or [])
        nxt = next(
            (link["url"] for link in page.get("link", []) or [] if link.get("relation") == "next"), None
        )
        if not nxt:
            return found
        r = httpx.get(nxt, timeout=60, headers=FRESH)
        r.raise_for_status()
        page = r.json()
    raise AssertionError(f"more than 100 pages of {resource_type} for {params}")


def identifier_params(resource: dict[str, Any]) -> dict[str, str]:
    """The search that finds exactly this resource by its stable identifier (or fhirconv tag)."""
    for ident in resource.get("identifier", []) or []:
        if ident.get("system") == "urn:ietf:rfc:3986":
            return {"identifier": f"urn:ietf:rfc:3986|{ident['value']}"}
    for tag in (resource.get("meta") or {}).get("tag", []) or []:
        if tag.get("system") == "urn:fhirconv:id":
            return {"_tag": f"urn:fhirconv:id|{tag['code']}"}
    raise AssertionError(f"{resource.get('resourceType')} has no stable identifier")


RESOURCE_TYPES = (
    "Patient",
    "Encounter",
    "Condition",
    "Observation",
    "Medication",
    "MedicationAdministration",
    "MedicationRequest",
    "MedicationStatement",
    "Procedure",
    "DiagnosticReport",
    "AllergyIntolerance",
    "FamilyMemberHistory",
    "AdverseEvent",
    "ClinicalImpression",
    "DocumentReference",
    "Device",
    "Provenance",
)


def all_counts(url: str, types: set[str] | None = None) -> dict[str, int]:
    """Resources per type on the server (the usual types plus any given)."""
    return {t: count(url, t) for t in sorted(set(RESOURCE_TYPES) | (types or set()))}
