"""`fhirconv upload` against a real HAPI FHIR JPA server (scripts/hapi-test-server).

Bundles here are hand-written to the convert contract (tests/integration/contract_bundles.py) with
uuids unique to this test run, so the tests hold on a server that already has data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_bundles import contract_bundle
from hapi_checks import assert_bundle_stored, hapi_validate, stored_copy
from hapi_server import (
    REPO,
    all_counts,
    count,
    ensure_server,
    identifier_params,
    script,
    search,
    server_is_script_managed,
)
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.upload import FhirClient, RetryPolicy, Uploader

pytestmark = pytest.mark.hapi


@pytest.fixture(scope="session")
def hapi_url() -> str:
    """Base URL of the HAPI test server (started once per session, see hapi_server.py)."""
    return ensure_server()


# A different base for every run keeps these tests independent of what the server already holds.
RUN = uuid.uuid4().int % 10**9


def _write(tmp_path: Path, name: str, bundle: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


class _Result:
    """CLI result with the output's whitespace folded, so rich's line wrapping cannot split a phrase."""

    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code = exit_code
        self.output = " ".join(output.split())


def _upload(*args: str) -> _Result:
    result = CliRunner().invoke(app, ["upload", *args], env={"COLUMNS": "1000"})
    return _Result(result.exit_code, result.output)


def _first(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type)


def test_contract_bundle_loads_intact(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN)
    result = _upload(str(_write(tmp_path, "b.json", bundle)), "--server", hapi_url, "--verify")
    assert result.exit_code == 0, result.output
    stored = assert_bundle_stored(hapi_url, bundle)

    patient = next(r for r in stored.values() if r["resourceType"] == "Patient")
    pid = f"Patient/{patient['id']}"
    docref = next(r for r in stored.values() if r["resourceType"] == "DocumentReference")

    conditions = search(hapi_url, "Condition", {"subject": pid})
    by_text = {c["code"]["text"]: c for c in conditions}
    assert set(by_text) == {"fever", "rash"}
    assert by_text["rash"]["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert by_text["fever"]["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "386661006",
        "display": "Fever",
    }

    labs = search(hapi_url, "Observation", {"subject": pid, "code": "http://loinc.org|718-7"})
    assert len(labs) == 1
    sent_hb = next(
        e["resource"] for e in bundle["entry"] if e["resource"].get("code", {}).get("text") == "Hemoglobin"
    )
    assert labs[0]["valueQuantity"] == sent_hb["valueQuantity"]
    assert labs[0]["valueQuantity"]["code"] == "g/dL"

    meds = search(hapi_url, "MedicationAdministration", {"subject": pid})
    assert len(meds) == 1
    assert meds[0]["dosage"]["dose"] == {
        "value": 500,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    assert meds[0]["dosage"]["route"]["coding"][0]["code"] == "26643006"
    # Provenance extensions point at the stored DocumentReference, offsets unchanged.
    derivations = [x for x in meds[0]["extension"] if x["url"].endswith("derivation-reference")]
    assert len(derivations) == 3
    for d in derivations:
        parts = {p["url"]: p for p in d["extension"]}
        assert parts["reference"]["valueReference"]["reference"] == f"DocumentReference/{docref['id']}"
    text = "amoxicillin"
    first = {p["url"]: p for p in derivations[0]["extension"]}
    assert first["length"]["valueInteger"] == len(text)

    provenance = search(hapi_url, "Provenance", {"target": pid})
    assert len(provenance) == 1
    # Every derived resource: all but the DocumentReference and the Device.
    assert len(provenance[0]["target"]) == len(bundle["entry"]) - 3


def test_second_upload_changes_no_count(hapi_url: str, tmp_path: Path) -> None:
    paths = [str(_write(tmp_path, f"b{i}.json", contract_bundle(RUN + 100 + i))) for i in range(3)]
    first = _upload(*paths, "--server", hapi_url)
    assert first.exit_code == 0, first.output
    assert first.output.count("13 created, 0 updated, 0 unchanged") == 3
    before = all_counts(hapi_url)
    second = _upload(*paths, "--server", hapi_url)
    assert second.exit_code == 0, second.output
    assert second.output.count("0 created, 0 updated, 13 unchanged") == 3
    assert all_counts(hapi_url) == before


def test_collection_bundle_is_uploaded_as_transaction(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 200, bundle_type="collection")
    path = _write(tmp_path, "c.json", bundle)
    assert _upload(str(path), "--server", hapi_url).exit_code == 0
    assert_bundle_stored(hapi_url, bundle)
    again = _upload(str(path), "--server", hapi_url)
    assert "0 created, 0 updated, 13 unchanged" in again.output


def test_chunked_upload_keeps_references(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 300)
    path = _write(tmp_path, "b.json", bundle)
    result = _upload(str(path), "--server", hapi_url, "--chunk-size", "3", "--verify")
    assert result.exit_code == 0, result.output
    assert "chunks" in result.output
    assert_bundle_stored(hapi_url, bundle)
    rerun = _upload(str(path), "--server", hapi_url, "--chunk-size", "4")
    assert "0 created, 0 updated, 13 unchanged" in rerun.output


def test_cycle_larger_than_chunk_is_refused(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 350)
    path = _write(tmp_path, "b.json", bundle)
    # Patient and DocumentReference refer to each other: they must travel together.
    result = _upload(str(path), "--server", hapi_url, "--chunk-size", "1")
    assert result.exit_code == 4
    assert "cycle" in result.output
    assert count(hapi_url, "Patient", identifier_params(_first(bundle, "Patient"))) == 0


def _refused(tmp_path: Path, hapi_url: str, bundle: dict[str, Any], code: str) -> None:
    result = _upload(str(_write(tmp_path, "bad.json", bundle)), "--server", hapi_url)
    assert result.exit_code == 4, result.output
    assert code in result.output.replace("\n", " "), result.output
    for entry in bundle["entry"]:
        res = entry["resource"]
        assert count(hapi_url, res["resourceType"], identifier_params(res)) == 0, (
            f"{res['resourceType']} from the refused transaction was stored"
        )


def test_dangling_reference_is_refused_and_nothing_stored(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 400)
    cond = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition")
    cond["resource"]["subject"] = {"reference": "Patient/no-such-patient-fhirconv"}
    _refused(tmp_path, hapi_url, bundle, "HAPI-1094")


def test_dangling_placeholder_is_refused(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 450)
    cond = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition")
    cond["resource"]["subject"] = {"reference": f"urn:uuid:{uuid.uuid4()}"}
    _refused(tmp_path, hapi_url, bundle, "HAPI-0541")


def test_wrong_target_type_is_refused_and_nothing_stored(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 500)
    entries = {e["resource"]["resourceType"]: e for e in bundle["entry"]}
    # Condition.subject must be a Patient or Group; point it at the Encounter.
    entries["Condition"]["resource"]["subject"] = {"reference": entries["Encounter"]["fullUrl"]}
    _refused(tmp_path, hapi_url, bundle, "HAPI-0931")


class _LoseEveryThirdAnswer(httpx.BaseTransport):
    """Sends each request to the real server, but drops the answer to every third one, as a network
    that fails after the server committed would."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.calls = 0
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        response = self.inner.handle_request(request)
        if self.calls % 3 == 0:
            response.read()
            response.close()
            self.lost += 1
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_lost_answers_midrun_rerun_loses_and_duplicates_nothing(hapi_url: str) -> None:
    bundles = [contract_bundle(RUN + 600 + i) for i in range(6)]
    transport = _LoseEveryThirdAnswer()
    failed = 0
    with FhirClient(hapi_url, retry=RetryPolicy(retries=0), transport=transport) as client:
        uploader = Uploader(client)
        for i, b in enumerate(bundles):
            try:
                uploader.upload(b, source=f"b{i}")
            except Exception:
                failed += 1
    assert transport.lost == 2 and failed == 2
    # The rerun, with retries, completes; the lost-answer bundles were committed: all unchanged there.
    with FhirClient(
        hapi_url, retry=RetryPolicy(retries=3, backoff=0.01), transport=_LoseEveryThirdAnswer()
    ) as client:
        uploader = Uploader(client)
        reports = [uploader.upload(b, source=f"b{i}") for i, b in enumerate(bundles)]
    assert sum(r.totals().created for r in reports) == 0
    assert sum(r.totals().unchanged for r in reports) == 6 * 13
    for b in bundles:
        assert_bundle_stored(hapi_url, b)


def test_server_stopped_midrun_then_restarted(hapi_url: str, tmp_path: Path) -> None:
    if not server_is_script_managed(hapi_url):
        pytest.skip("server at FHIRCONV_HAPI_URL is not the one scripts/hapi-test-server controls")
    # Enough bundles that the upload is still running when the server goes down.
    bundles = [contract_bundle(RUN + 1000 + i) for i in range(200)]
    paths = [str(_write(tmp_path, f"b{i:03d}.json", b)) for i, b in enumerate(bundles)]
    cmd = [sys.executable, "-m", "fhirconv", "upload", *paths, "--server", hapi_url, "--retries", "1"]
    env = {**os.environ, "COLUMNS": "1000"}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while count(hapi_url, "Patient", identifier_params(_first(bundles[1], "Patient"))) == 0:
            assert time.monotonic() < deadline, "upload made no progress"
            time.sleep(0.1)
        stop = script("stop", timeout=180)
        assert stop.returncode == 0, stop.stderr
        _, err = proc.communicate(timeout=900)
    finally:
        if proc.poll() is None:
            proc.kill()
        start = script("start", timeout=900)  # keeps the H2 database
    assert start.returncode == 0, start.stderr
    assert proc.returncode == 4, err[-3000:]
    assert "server unreachable" in err and "not attempted" in err
    done = len(re.findall(r"^ok ", err, flags=re.MULTILINE))
    assert 2 <= done < len(bundles), f"{done} bundles went in before the stop"
    rerun = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{len(bundles)} of {len(bundles)} bundles uploaded" in rerun.stderr
    # What went in before the stop is matched, not created again; the rest is created once.
    assert rerun.stderr.count("0 created, 0 updated, 13 unchanged") >= done
    for b in bundles:
        assert_bundle_stored(hapi_url, b)


def test_hapi_validate_accepts_contract_resources(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 800)
    assert _upload(str(_write(tmp_path, "b.json", bundle)), "--server", hapi_url).exit_code == 0
    for entry in bundle["entry"]:
        res = stored_copy(hapi_url, entry["resource"])
        assert hapi_validate(hapi_url, res) == [], res["resourceType"]


def test_dry_run_sends_nothing(hapi_url: str, tmp_path: Path) -> None:
    bundle = contract_bundle(RUN + 900)
    result = _upload(str(_write(tmp_path, "b.json", bundle)), "--server", hapi_url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert count(hapi_url, "Patient", identifier_params(_first(bundle, "Patient"))) == 0
