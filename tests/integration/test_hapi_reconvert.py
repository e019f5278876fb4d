"""Issue 11, acceptance 4, against the real HAPI server: re-converting and re-uploading a document
replaces its previous set. Each test uses a title with a fresh uuid, so its document identity (and
document tag) is new on a server that already holds data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hapi_server import REPO, count, ensure_server, search
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.upload.replace import DOCUMENT_TAG_SYSTEM, SET_TYPES

pytestmark = pytest.mark.hapi

BODY = (
    "A 58-year-old woman presented with chest pain and dyspnea.\n"
    "She had a history of hypertension and type 2 diabetes.\n\n"
    "Her heart rate was 104 beats per minute. Troponin was elevated.\n"
    "She was given aspirin 300 mg orally and the pain resolved.\n"
)


@pytest.fixture(scope="module")
def hapi_url() -> str:
    return ensure_server()


def _report(tmp_path: Path) -> str:
    return f"Chest pain in a hypertensive woman {uuid.uuid4()}\n\n" + BODY


def _convert(
    tmp_path: Path, name: str, text: str, *extra: str, newline: str = "\n"
) -> tuple[Path, dict[str, Any]]:
    src = tmp_path / f"{name}.txt"
    with src.open("w", encoding="utf-8", newline=newline) as fh:
        fh.write(text)
    out = tmp_path / f"{name}.json"
    r = CliRunner().invoke(app, ["convert", str(src), "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out, json.loads(out.read_text())


def _upload(path: Path, url: str) -> str:
    r = CliRunner().invoke(app, ["upload", str(path), "--server", url], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.output


def _tag(bundle: dict[str, Any]) -> str:
    tags = bundle["entry"][0]["resource"]["meta"]["tag"]
    return next(t["code"] for t in tags if t["system"] == DOCUMENT_TAG_SYSTEM)


def _on_server(url: str, tag: str) -> dict[str, int]:
    counts = {t: count(url, t, {"_tag": f"{DOCUMENT_TAG_SYSTEM}|{tag}"}) for t in SET_TYPES}
    return {t: n for t, n in counts.items() if n}


def _in_bundle(bundle: dict[str, Any]) -> dict[str, int]:
    return dict(Counter(e["resource"]["resourceType"] for e in bundle["entry"]))


def test_changed_sentence_bom_and_crlf_replace_the_old_set(tmp_path: Path, hapi_url: str) -> None:
    text = _report(tmp_path)
    first, b1 = _convert(tmp_path, "v1", text)
    _upload(first, hapi_url)
    assert _on_server(hapi_url, _tag(b1)) == _in_bundle(b1)

    changed = "\ufeff" + text.replace("Troponin was elevated.", "She also had a cough.")
    second, b2 = _convert(tmp_path, "v2", changed, newline="\r\n")
    assert _tag(b2) == _tag(b1)  # the same document
    out = _upload(second, hapi_url)
    assert "deleted" in out
    # per-type counts equal a fresh upload of the new version: nothing duplicated, nothing orphaned
    assert _on_server(hapi_url, _tag(b2)) == _in_bundle(b2)
    troponin = search(
        hapi_url, "Observation", {"_tag": f"{DOCUMENT_TAG_SYSTEM}|{_tag(b2)}", "code:text": "troponin"}
    )
    assert troponin == []
    # a third upload of the same bundle changes nothing
    _upload(second, hapi_url)
    assert _on_server(hapi_url, _tag(b2)) == _in_bundle(b2)


def test_new_index_date_updates_the_dates(tmp_path: Path, hapi_url: str) -> None:
    text = _report(tmp_path)
    first, _ = _convert(tmp_path, "d1", text)
    _upload(first, hapi_url)
    second, b2 = _convert(tmp_path, "d2", text, "--index-date", "2021-03-04")
    _upload(second, hapi_url)
    assert _on_server(hapi_url, _tag(b2)) == _in_bundle(b2)
    encounters = search(hapi_url, "Encounter", {"_tag": f"{DOCUMENT_TAG_SYSTEM}|{_tag(b2)}"})
    assert [e["period"]["start"] for e in encounters] == ["2021-03-04"]


def test_two_concurrent_uploads_end_with_one_copy(tmp_path: Path, hapi_url: str) -> None:
    path, bundle = _convert(tmp_path, "c1", _report(tmp_path))
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "fhirconv", "upload", str(path), "--server", hapi_url]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert _on_server(hapi_url, _tag(bundle)) == _in_bundle(bundle)
