"""Issue 11: the HAPI test server commits durably. Upload, ``kill -9`` the server the moment the upload is
acknowledged, restart it: every acknowledged resource is there (with H2's default write delay the last
transactions were lost, so a kill -9 test of idempotent re-upload proved nothing)."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hapi_server import REPO, count, ensure_server, script, search, server_is_script_managed
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.upload.replace import DOCUMENT_TAG_SYSTEM

pytestmark = pytest.mark.hapi

BODY = (
    "A 47-year-old man presented with fever, productive cough and pleuritic chest pain.\n"
    "He had a history of asthma and was taking salbutamol.\n\n"
    "His temperature was 39.2 °C and his heart rate 118 beats per minute.\n"
    "Chest radiography showed pneumonia of the right lower lobe.\n"
    "He was given amoxicillin 1 g orally three times daily and recovered.\n"
)


def _server_pid() -> int:
    state = Path(os.environ.get("HAPI_STATE_DIR") or REPO / ".hapi")
    return int((state / "server.pid").read_text().strip())


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie of ours counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_acknowledged_upload_survives_kill_9(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a loaded machine can take longer than the script's default 300 s to start HAPI again
    monkeypatch.setenv("HAPI_START_TIMEOUT", os.environ.get("HAPI_START_TIMEOUT", "900"))
    url = ensure_server()
    if not server_is_script_managed(url):
        pytest.skip("server at FHIRCONV_HAPI_URL is not the one scripts/hapi-test-server controls")
    src = tmp_path / "report.txt"
    src.write_text(f"Community-acquired pneumonia in an asthmatic man {uuid.uuid4()}\n\n" + BODY, "utf-8")
    out = tmp_path / "report.json"
    r = CliRunner().invoke(app, ["convert", str(src), "-o", str(out), "--gate", "model"])
    assert r.exit_code == 0, r.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    expected = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert sum(expected.values()) >= 8
    tag = next(
        t["code"] for t in bundle["entry"][0]["resource"]["meta"]["tag"] if t["system"] == DOCUMENT_TAG_SYSTEM
    )

    pid = _server_pid()
    # several transactions (--chunk-size 4): the last ones are acknowledged just before the kill
    r = CliRunner().invoke(app, ["upload", str(out), "--server", url, "--chunk-size", "4"])
    os.kill(pid, signal.SIGKILL)  # at once: no clean shutdown, no time for a delayed write
    assert r.exit_code == 0, r.output  # the upload was acknowledged
    deadline = time.monotonic() + 60
    while not _gone(pid):
        assert time.monotonic() < deadline, "the server survived SIGKILL"
        time.sleep(0.1)

    start = script("start", timeout=900)  # keeps the H2 database
    assert start.returncode == 0, start.stderr
    stored = Counter(
        {t: n for t in expected if (n := count(url, t, {"_tag": f"{DOCUMENT_TAG_SYSTEM}|{tag}"}))}
    )
    assert stored == expected
    # and each acknowledged resource is the one sent (found by its stable identifier)
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Provenance":
            continue
        found = search(url, res["resourceType"], {"identifier": f"urn:ietf:rfc:3986|{entry['fullUrl']}"})
        assert len(found) == 1, res["resourceType"]
