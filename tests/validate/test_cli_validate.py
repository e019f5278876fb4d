"""`fhirconv validate` and `fhirconv definitions` through Typer's CliRunner: formats and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import require_shared
from typer.testing import CliRunner

from fhirconv.cli.app import app

runner = CliRunner()
VALID = {"resourceType": "Patient", "gender": "female"}
INVALID = {"resourceType": "Observation", "code": {"text": "fever"}, "foo": 1}  # no status, unknown foo
WARNING_ONLY = {
    "resourceType": "Observation",
    "status": "final",
    "code": {"coding": [{"system": "SNOMED-CT", "code": "386661006"}], "text": "fever"},
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, data in {"valid": VALID, "invalid": INVALID, "warn": WARNING_ONLY}.items():
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data), encoding="utf-8")
        out[name] = p
    (tmp_path / "broken.json").write_text('{"resourceType": "Patient",', encoding="utf-8")
    out["broken"] = tmp_path / "broken.json"
    nd = tmp_path / "many.ndjson"
    nd.write_text(json.dumps(VALID) + "\n" + json.dumps(INVALID) + "\n", encoding="utf-8")
    out["ndjson"] = nd
    return out


def test_exit_codes(files: dict[str, Path]) -> None:
    assert runner.invoke(app, ["validate", str(files["valid"])]).exit_code == 0
    res = runner.invoke(app, ["validate", str(files["invalid"])])
    assert res.exit_code == 1
    assert "Observation.status" in res.output and "Observation.foo" in res.output
    assert runner.invoke(app, ["validate", str(files["warn"])]).exit_code == 0
    assert runner.invoke(app, ["validate", "--fail-on", "warning", str(files["warn"])]).exit_code == 1
    assert runner.invoke(app, ["validate", "--format", "yaml", str(files["valid"])]).exit_code == 2
    assert runner.invoke(app, ["validate", "--fail-on", "info", str(files["valid"])]).exit_code == 2
    ips = "http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips"
    res = runner.invoke(app, ["validate", "--profile", ips, str(files["valid"])])
    assert res.exit_code == 2 and "not installed" in res.output and "hl7.fhir.uv.ips#2.0.0" in res.output
    assert runner.invoke(app, ["validate", str(files["valid"].parent / "missing.json")]).exit_code == 3
    res = runner.invoke(app, ["validate", str(files["broken"]), str(files["valid"])])
    assert res.exit_code == 1  # malformed JSON is a fatal finding; the batch went on
    assert "broken.json: FAIL" in res.output and "valid.json: ok" in res.output


def test_json_is_operation_outcome_or_bundle_of_them(files: dict[str, Path]) -> None:
    one = json.loads(runner.invoke(app, ["validate", "--format", "json", str(files["invalid"])]).output)
    assert one["resourceType"] == "OperationOutcome"
    assert {"Observation.status", "Observation.foo"} <= {i["expression"][0] for i in one["issue"]}
    res = runner.invoke(app, ["validate", "--format", "json", str(files["valid"]), str(files["invalid"])])
    many = json.loads(res.output)
    assert many["resourceType"] == "Bundle"
    assert [e["resource"]["resourceType"] for e in many["entry"]] == ["OperationOutcome"] * 2


def test_ndjson_folder_glob_and_stdin(files: dict[str, Path]) -> None:
    res = runner.invoke(app, ["validate", "--format", "json", str(files["ndjson"])])
    bundle = json.loads(res.output)
    assert res.exit_code == 1 and len(bundle["entry"]) == 2
    res = runner.invoke(app, ["validate", str(files["valid"].parent)])
    assert res.output.count(": ok") + res.output.count(": FAIL") == 6  # 4 json + 2 ndjson lines
    res = runner.invoke(app, ["validate", str(files["valid"].parent / "v*.json")])
    assert res.exit_code == 0 and "valid.json: ok" in res.output
    res = runner.invoke(app, ["validate", "-"], input=json.dumps(INVALID))
    assert res.exit_code == 1 and "<stdin>: FAIL" in res.output


def test_junit_sarif_github(files: dict[str, Path]) -> None:
    args = [str(files["valid"]), str(files["invalid"])]
    junit = ET.fromstring(runner.invoke(app, ["validate", "--format", "junit", *args]).output)
    cases = junit.findall(".//testcase")
    assert len(cases) == 2 and len(junit.findall(".//failure")) == 1
    sarif = json.loads(runner.invoke(app, ["validate", "--format", "sarif", *args]).output)
    results = sarif["runs"][0]["results"]
    assert sarif["version"] == "2.1.0"
    assert any(r["level"] == "error" and "Observation.status" in r["message"]["text"] for r in results)
    gh = runner.invoke(app, ["validate", "--format", "github", *args]).output.splitlines()
    assert any(line.startswith(f"::error file={files['invalid']}") for line in gh)


def test_official_example_validates_from_cli() -> None:
    path = require_shared("fhir-r4", "examples", "Patient-example.json")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_missing_definitions_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fhirconv.validate as v
    from fhirconv import definitions

    monkeypatch.setenv("FHIRCONV_PACKAGE_CACHE", str(tmp_path / "empty"))
    monkeypatch.setenv("FHIRCONV_OFFLINE", "1")
    definitions.reset_cache()
    monkeypatch.setattr(v, "_chain", None)
    try:
        p = tmp_path / "p.json"
        p.write_text(json.dumps(VALID), encoding="utf-8")
        res = runner.invoke(app, ["validate", str(p)])
        assert res.exit_code == 5
        assert "fhirconv definitions install" in res.output
        assert runner.invoke(app, ["definitions", "status"]).exit_code == 5
    finally:
        definitions.reset_cache()


def test_definitions_install_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import tarfile

    monkeypatch.setenv("FHIRCONV_PACKAGE_CACHE", str(tmp_path / "packages"))
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "compiled"))

    def package(name: str) -> Path:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            data = json.dumps({"name": name, "version": "4.0.1"}).encode()
            info = tarfile.TarInfo("package/package.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        path = tmp_path / f"{name}.tgz"
        path.write_bytes(buf.getvalue())
        return path

    res = runner.invoke(app, ["definitions", "install", "--from", str(package("some.other.package"))])
    assert res.exit_code == 5 and "validation needs one of" in res.output
    res = runner.invoke(app, ["definitions", "install", "--from", str(package("hl7.fhir.r4.core"))])
    assert res.exit_code == 5 and "no StructureDefinitions" in res.output  # installed, but nothing to compile
    assert (tmp_path / "packages" / "hl7.fhir.r4.core#4.0.1" / "package" / "package.json").is_file()
    res = runner.invoke(app, ["definitions", "install", "--from", str(tmp_path / "missing.tgz")])
    assert res.exit_code == 5


def test_empty_folder_is_unreadable_input(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no FHIR here", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(tmp_path)])
    assert res.exit_code == 3 and "no *.json" in res.output
