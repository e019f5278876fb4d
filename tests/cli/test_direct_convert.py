"""A plain ``fhirconv convert FILE -o OUT`` runs without Typer (fhirconv/cli/_direct.py) and ends exactly
as the Typer command ends: the same output file, standard output and error, and exit code, for a
conversion, an input that is missing or not a case report, an output that is a folder or the input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import TYPER_PROBE

from fhirconv.cli import _direct

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "chest_pain_stemi.txt"


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["convert", "a.txt", "-o", "b.json"], ("a.txt", Path("b.json"))),
        (["convert", "a.txt", "--output", "b.json"], ("a.txt", Path("b.json"))),
        (["convert", "-o", "b.json", "a.txt"], ("a.txt", Path("b.json"))),
        (["convert", "a.txt", "-o", "-"], None),  # stdout
        (["convert", "-", "-o", "b.json"], None),  # stdin
        (["convert", "a.txt", "-o", ""], None),
        (["convert", "a.txt", "b.txt", "-o", "c.json"], None),
        (["convert", "a.txt", "--out-dir", "d"], None),
        (["convert", "a.txt", "-o", "b.json", "--gate", "model"], None),
        (["convert", "a.txt", "-q", "b.json"], None),
        (["convert", "--help", "-o", "b.json"], None),
        (["convert", "a.txt", "-o=b.json"], None),
        (["extract", "a.txt", "-o", "b.json"], None),
        (["convert", "a.txt"], None),
        ([], None),
    ],
)
def test_only_the_plain_form_is_direct(argv: list[str], want: tuple[str, Path] | None) -> None:
    assert _direct.parse(argv) == want


def test_a_completion_request_stays_with_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_FHIRCONV_COMPLETE", "bash_complete")
    assert _direct.parse(["convert", "a.txt", "-o", "b.json"]) is None


def _run(args: list[str], cwd: Path, *, typer: bool) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env["PYTHONPATH"] = str(ROOT)
    if typer:  # any *_COMPLETE variable sends the command line to Typer (not a completion: wrong name)
        env["_NOT_FHIRCONV_COMPLETE"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", TYPER_PROBE, *args], capture_output=True, text=True, env=env, cwd=cwd
    )
    used = done.stderr.rstrip("\n").rsplit("\n", 1)[-1]
    # each way is the one asked for (a failure imports Typer for its Exit, either way)
    assert used == f"TYPER={typer or done.returncode != 0}", done.stderr
    return done.returncode, done.stdout, done.stderr[: -len(used) - 1]


def test_direct_and_typer_end_the_same(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "bundle.json").write_text('{"resourceType": "Bundle", "type": "collection"}')
    (tmp_path / "in.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    cases = [
        [str(SAMPLE), "-o", "out.json"],
        ["-o", "out.json", str(SAMPLE)],
        ["missing.txt", "-o", "out.json"],
        ["bundle.json", "-o", "out.json"],
        [str(SAMPLE), "-o", "folder"],
        ["in.txt", "--output", "in.txt"],
    ]
    for case in cases:
        results = []
        for typer in (True, False):
            (tmp_path / "out.json").unlink(missing_ok=True)
            code, out, err = _run(["convert", *case], tmp_path, typer=typer)
            written = (tmp_path / "out.json").read_bytes() if (tmp_path / "out.json").exists() else None
            results.append((code, out, err, written))
        assert results[0] == results[1], case
    assert (tmp_path / "in.txt").read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")
    # and the first case did convert
    code, _, _ = _run(["convert", str(SAMPLE), "-o", "out.json"], tmp_path, typer=False)
    assert code == 0 and b'"resourceType": "Bundle"' in (tmp_path / "out.json").read_bytes()
