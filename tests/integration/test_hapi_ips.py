"""Issue 14 acceptance 4 on HAPI: every sample's and the seed's IPS document passes HAPI's own
``Bundle/$validate`` with the IPS 2.0.0 package loaded in the test server (scripts/hapi-test-server
stores it from ~/.fhir/packages at start: HAPI_PACKAGES, docs/ips.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hapi_server import ensure_server
from support import SAMPLES, require_shared

pytestmark = pytest.mark.hapi

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def hapi_url() -> str:
    return ensure_server()


def hapi_errors(url: str, bundle: dict[str, Any]) -> list[str]:
    """HAPI's error and fatal issues for ``bundle`` posted to ``Bundle/$validate``."""
    r = httpx.post(
        f"{url}/Bundle/$validate",
        content=json.dumps(bundle, default=str).encode("utf-8"),
        headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"},
        timeout=600,
    )
    outcome = r.json()
    assert outcome.get("resourceType") == "OperationOutcome", outcome
    return [
        f"{(i.get('location') or ['?'])[0]}: {i.get('diagnostics', '')[:300]}"
        for i in outcome.get("issue", [])
        if i.get("severity") in ("error", "fatal")
    ]


def _ips(path: Path) -> dict[str, Any]:
    from fhirconv.fhir import dumps_json
    from fhirconv.pipeline import ConvertOptions, convert_path

    # through the JSON text, as a client would send it (decimals as written)
    data: dict[str, Any] = json.loads(dumps_json(convert_path(path, ConvertOptions(profile="ips"))))
    return data


def _sources() -> list[Any]:
    return [pytest.param(p, id=p.name) for p in SAMPLE_FILES] + [pytest.param("seed", id="seed")]


@pytest.fixture(scope="module")
def ips_loaded(hapi_url: str) -> str:
    """The server knows IPS: an IPS document whose Patient lacks name and birthDate is refused.

    Without the package HAPI ignores the unknown profiles, and every document would "pass"."""
    bundle = copy.deepcopy(_ips(SAMPLE_FILES[0]))
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient.pop("name", None)
    patient.pop("_birthDate", None)
    errors = hapi_errors(hapi_url, bundle)
    assert any("birthDate" in e or "Patient.name" in e for e in errors), (
        "HAPI does not check IPS 2.0.0: start the test server with the IPS package "
        f"(scripts/hapi-test-server, HAPI_PACKAGES); its errors: {errors[:5]}"
    )
    return hapi_url


@pytest.mark.parametrize("source", _sources())
def test_ips_document_passes_hapi_validate(ips_loaded: str, source: Path | str) -> None:
    paths = sorted(require_shared("seeds").glob("*.txt")) if source == "seed" else [source]
    assert paths
    for path in paths:
        assert isinstance(path, Path)
        bundle = _ips(path)
        assert bundle["type"] == "document"
        errors = hapi_errors(ips_loaded, bundle)
        assert errors == [], f"{path.name}: {errors}"
