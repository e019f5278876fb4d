"""`fhirconv upload` exit codes and messages that need no server (dry runs, bad input, dead address)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from typer.testing import CliRunner

from fhirconv.cli.app import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from contract_bundles import contract_bundle

# 127.0.0.1 port 9 (discard): nothing listens there, so connections are refused at once.
DEAD = "http://127.0.0.1:9/fhir"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["upload", *args], env={"COLUMNS": "1000"})
    return result.exit_code, " ".join(result.output.split())


def _bundle(tmp_path: Path, name: str = "b.json", n: int = 1) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(contract_bundle(n)), encoding="utf-8")
    return path


def test_dry_run_plans_without_a_server(tmp_path: Path) -> None:
    code, out = _run(str(_bundle(tmp_path)), "--server", DEAD, "--dry-run", "--chunk-size", "4")
    assert code == 0, out
    assert "13 entries" in out and "chunks" in out and "dry run" in out
    assert re.search(r"Condition\W+2\b", out)  # the plan table: two Conditions


def test_unreadable_bundle_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, out = _run(str(bad), "--server", DEAD, "--dry-run")
    assert code == 3
    assert "not JSON" in out


def test_batch_goes_past_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "a-bad.json"
    bad.write_text(json.dumps({"resourceType": "Patient"}), encoding="utf-8")
    good = _bundle(tmp_path, "b-good.json")
    code, out = _run(str(bad), str(good), "--server", DEAD, "--dry-run")
    assert code == 1
    assert "expected a FHIR Bundle" in out and "1 of 2 bundles planned" in out


def test_unreachable_server_exits_4_and_never_prints_the_token(tmp_path: Path) -> None:
    paths = [str(_bundle(tmp_path, f"b{i}.json", i)) for i in range(3)]
    code, out = _run(*paths, "--server", DEAD, "--token", "s3cret-value", "--retries", "0")
    assert code == 4
    assert "upload.transport" in out and "2 bundles not attempted" in out
    assert "s3cret" not in out


def test_basic_credentials_in_the_url_are_not_echoed(tmp_path: Path) -> None:
    code, out = _run(
        str(_bundle(tmp_path)), "--server", "http://bob:hunter2@127.0.0.1:9/fhir", "--retries", "0"
    )
    assert code == 4
    assert "hunter2" not in out and "127.0.0.1:9/fhir" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    path = str(_bundle(tmp_path))
    assert _run(path, "--server", DEAD, "--token", "t", "--basic", "u:p")[0] == 2
    assert _run(path, "--server", "ftp://x")[0] == 2
    assert _run(path, "--server", DEAD, "--basic", "nocolon")[0] == 2
