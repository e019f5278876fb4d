"""`fhirconv evaluate` exit codes and output, through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fhirconv.cli.app import app

runner = CliRunner()


def test_missing_gold_is_exit_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope")])
    assert result.exit_code == 3, result.output


def test_unknown_format_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path), "--format", "conll"])
    assert result.exit_code == 2, result.output


def test_directory_without_gold_is_exit_3(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("nothing here")
    result = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 3, result.output


def test_bad_gold_file_is_reported_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Fever.\n")
    (tmp_path / "a.ann").write_text("T1\tSign_symptom 0 nine\tFever\n")
    details = tmp_path / "details"
    result = runner.invoke(app, ["evaluate", str(tmp_path), "--json", "--details", str(details)])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1 and summary["scored"] == 0
    assert summary["failed"][0]["document"] == "a" and summary["failed"][0]["code"] == "input.malformed"
    assert (details / "a.md").is_file()
