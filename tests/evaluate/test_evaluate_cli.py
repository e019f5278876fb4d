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


def test_history_neutral_is_counted_printed_and_in_details(tmp_path: Path) -> None:
    # a team-written BRAT document: past disease typed History, a present finding typed Sign_symptom
    text = "A 40-year-old woman with a history of asthma presented with fever.\n"
    h, f = text.index("history of asthma"), text.index("fever")
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "a.ann").write_text(
        f"T1\tHistory {h} {h + 17}\thistory of asthma\nT2\tSign_symptom {f} {f + 5}\tfever\nE1\tSign_symptom:T2 \n"
    )
    details = tmp_path / "details"
    result = runner.invoke(app, ["evaluate", str(tmp_path), "--json", "--details", str(details)])
    assert result.exit_code == 0, result.output
    cond = json.loads(result.stdout)["categories"]["condition"]
    assert (cond["neutral"], cond["neutral_by"]) == (1, {"History": 1})
    assert (cond["overlap"]["predicted"], cond["overlap"]["tp"]) == (1, 1)
    d = json.loads((details / "a.json").read_text())
    assert [(n["text"], n["neutral_because"], n.get("historical")) for n in d["neutral"]] == [
        ("asthma", "History", True)
    ]
    assert "`asthma` (past history) on gold History" in (details / "a.md").read_text()
    table = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert "condition on gold History 1" in " ".join(table.stdout.split())
