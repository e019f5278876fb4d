"""`fhirconv review` and `convert --review` through Typer's CliRunner: outputs, names, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from support import SAMPLES
from typer.testing import CliRunner

from fhirconv.cli.app import app

runner = CliRunner()
SAMPLE = SAMPLES / "headache_negated_workup.txt"


def _bundle(tmp_path: Path) -> Path:
    out = tmp_path / "in.json"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(out), "--gate", "model"])
    assert r.exit_code == 0, r.output
    return out


def _highlights(page: Path) -> int:
    root = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    return len(root.cssselect("mark.hl"))


def _derived(bundle: dict[str, Any]) -> int:
    return sum(1 for e in bundle["entry"] if e["resource"].get("extension"))


def test_review_bundle_to_file(tmp_path: Path) -> None:
    src = _bundle(tmp_path)
    out = tmp_path / "page.html"
    r = runner.invoke(app, ["review", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert _highlights(out) == _derived(json.loads(src.read_text())) > 5


def test_review_case_report_out_dir_shows_sections(tmp_path: Path) -> None:
    r = runner.invoke(app, ["review", str(SAMPLES / "chest_pain_stemi.txt"), "--out-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    page = tmp_path / "chest_pain_stemi.review.html"
    root = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    assert root.cssselect("span.sec") and root.cssselect("mark.hl")


def test_review_stdin_bundle_to_stdout(tmp_path: Path) -> None:
    src = _bundle(tmp_path)
    r = runner.invoke(app, ["review", "-", "--no-validate"], input=src.read_text())
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("<!DOCTYPE html>") and "not validated" in r.stdout


def test_review_several_inputs_need_out_dir(tmp_path: Path) -> None:
    r = runner.invoke(app, ["review", str(SAMPLE), str(SAMPLES / "chest_pain_stemi.txt")])
    assert r.exit_code == 2


def test_review_batch_goes_on_past_a_bad_file(tmp_path: Path) -> None:
    good = _bundle(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    out = tmp_path / "out"
    r = runner.invoke(app, ["review", str(good), str(bad), str(broken), "--out-dir", str(out)])
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["in.review.html"]
    assert "reviewed 1 of 3" in r.output


def test_review_unreviewable_single_input_exit_3(tmp_path: Path) -> None:
    bad = tmp_path / "patient.json"
    bad.write_text(json.dumps({"resourceType": "Patient"}))
    r = runner.invoke(app, ["review", str(bad), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 3
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_convert_review_writes_both(tmp_path: Path, fmt: str) -> None:
    out, pages = tmp_path / "bundles", tmp_path / "pages"
    r = runner.invoke(
        app,
        ["convert", str(SAMPLE), str(SAMPLES / "chest_pain_stemi.txt"), "--out-dir", str(out),
         "--review", str(pages), "--format", fmt, "--gate", "model"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert len(list(out.iterdir())) == 2
    names = sorted(p.name for p in pages.iterdir())
    assert names == ["chest_pain_stemi.review.html", "headache_negated_workup.review.html"]
    assert _highlights(pages / names[1]) > 5


def test_convert_review_after_full_gate_says_so(tmp_path: Path, definitions: Any) -> None:
    pages = tmp_path / "pages"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(tmp_path / "b.json"), "--review", str(pages)])
    assert r.exit_code == 0, r.output
    text = (pages / "headache_negated_workup.review.html").read_text(encoding="utf-8")
    assert "passed convert&#x27;s output gate" in text or "passed convert's output gate" in text
