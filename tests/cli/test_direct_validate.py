"""A plain ``fhirconv validate FILE... [--format F]`` runs without Typer (fhirconv/cli/_direct.py) and ends
exactly as the Typer command ends: the same standard output and error, byte for byte, and exit code, for
valid, invalid, warning-only, malformed, NDJSON and XML inputs, several files, a folder, a glob, a missing
file, each format, a converted bundle and official examples, and a name with an ANSI escape (which
Typer's echo strips off a terminal: the direct writer hands such a text to it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import TYPER_PROBE, require_shared

from fhirconv.cli import _direct

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "chest_pain_stemi.txt"


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["validate", "a.json"], (["a.json"], "text")),
        (["validate", "a.json", "b.xml"], (["a.json", "b.xml"], "text")),
        (["validate", "--format", "json", "a.json"], (["a.json"], "json")),
        (["validate", "a.json", "--format", "sarif"], (["a.json"], "sarif")),
        (["validate", "a.json", "--format=junit", "b.json"], (["a.json", "b.json"], "junit")),
        (["validate", "a.json", "--format", "github"], (["a.json"], "github")),
        (["validate", "a.json", "--format", "yaml"], None),  # the command's usage error: Typer's way
        (["validate", "a.json", "--format"], None),
        (["validate", "a.json", "--format", "json", "--format", "text"], None),
        (["validate", "a.json", "--formats", "json"], None),
        (["validate", "a.json", "--fail-on", "warning"], None),
        (["validate", "a.json", "--profile", "http://x"], None),
        (["validate", "a.json", "--ig", "p#1"], None),
        (["validate", "-"], None),  # stdin
        (["validate", ""], None),
        (["validate", "--", "a.json"], None),
        (["validate", "--help"], None),
        (["validate", "a.json", "-h"], None),
        (["validate", "--format", "json"], None),  # no file
        (["validate"], None),
        (["convert", "a.json"], None),
        ([], None),
    ],
)
def test_only_the_plain_form_is_direct(argv: list[str], want: tuple[list[str], str] | None) -> None:
    assert _direct.parse_validate(argv) == want


def test_a_completion_request_stays_with_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_FHIRCONV_COMPLETE", "bash_complete")
    assert _direct.parse_validate(["validate", "a.json"]) is None


def _run(args: list[str], cwd: Path, *, typer: bool) -> tuple[int, bytes, bytes, bool]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env["PYTHONPATH"] = str(ROOT)
    if typer:  # any *_COMPLETE variable sends the command line to Typer (not a completion: wrong name)
        env["_NOT_FHIRCONV_COMPLETE"] = "1"
    done = subprocess.run([sys.executable, "-c", TYPER_PROBE, *args], capture_output=True, env=env, cwd=cwd)
    head, _, used = done.stderr.rstrip(b"\n").rpartition(b"\n")
    assert used.startswith(b"TYPER="), done.stderr
    err = head + b"\n" if head else b""
    return done.returncode, done.stdout, err, used == b"TYPER=True"


def _both(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """The command's ending through Typer and directly: equal, and each the way asked for."""
    code, out, err, typer_used = _run(args, cwd, typer=True)
    assert typer_used
    direct = _run(args, cwd, typer=False)
    assert direct[:3] == (code, out, err), args
    return code, out, err


VALID = {"resourceType": "Patient", "gender": "female"}
INVALID = {"resourceType": "Observation", "code": {"text": "fever"}, "foo": 1}
WARNING_ONLY = {
    "resourceType": "Observation",
    "status": "final",
    "code": {"coding": [{"system": "SNOMED-CT", "code": "386661006"}], "text": "fever \x1b[31mred\x1b[0m"},
}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "valid.json").write_text(json.dumps(VALID), encoding="utf-8")
    (tmp_path / "invalid.json").write_text(json.dumps(INVALID, indent=2), encoding="utf-8")
    (tmp_path / "warn.json").write_text(json.dumps(WARNING_ONLY), encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"resourceType": "Patient",', encoding="utf-8")
    (tmp_path / "many.ndjson").write_text(
        json.dumps(VALID) + "\n" + json.dumps(INVALID) + "\n", encoding="utf-8"
    )
    (tmp_path / "patient.xml").write_text(
        '<Patient xmlns="http://hl7.org/fhir"><gender value="woman"/></Patient>', encoding="utf-8"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.json").write_text(json.dumps(INVALID), encoding="utf-8")
    (tmp_path / "esc\x1b[1mname.json").write_text(json.dumps(INVALID), encoding="utf-8")
    return tmp_path


def test_direct_and_typer_end_the_same(inputs: Path) -> None:
    mixed = ["broken.json", "valid.json", "warn.json", "invalid.json", "many.ndjson", "patient.xml", "sub"]
    for fmt in ("text", "json", "junit", "sarif", "github"):
        code, out, _ = _both(["validate", "--format", fmt, *mixed], inputs)
        assert code == 1 and out
    assert _both(["validate", "valid.json"], inputs)[0] == 0
    assert _both(["validate", "warn.json", "--format=json"], inputs)[0] == 0
    assert _both(["validate", "*.json"], inputs)[0] == 1
    code, out, err = _both(["validate", "valid.json", "missing.json"], inputs)
    assert code == 3 and out and err
    # the escape of a name reaches Typer's echo, which strips it off a terminal, either way
    code, out, _ = _both(["validate", "esc\x1b[1mname.json"], inputs)
    assert code == 1 and b"\x1b" not in out and b"escname.json" in out


def test_direct_and_typer_agree_on_real_bundles(tmp_path: Path) -> None:
    """A bundle converted from the sample report, and official examples (with their XML twins)."""
    done = subprocess.run(
        [sys.executable, "-m", "fhirconv", "convert", str(SAMPLE), "-o", str(tmp_path / "sample.json")],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    examples = require_shared("fhir-r4/examples")
    names = sorted(p.name for p in examples.glob("*.json"))[:400:40]
    for name in names:
        shutil.copy(examples / name, tmp_path / name)
        twin = (examples / name).with_suffix(".xml")
        if twin.exists():
            shutil.copy(twin, tmp_path / twin.name)
    for fmt in ("text", "json"):
        code, out, _ = _both(["validate", "sample.json", "--format", fmt], tmp_path)
        assert code == 0 and out
    _both(["validate", "--format", "json", *names], tmp_path)
    _both(["validate", "."], tmp_path)


def test_the_command_s_own_caches_change_nothing(tmp_path: Path) -> None:
    """A plain validate keeps its set-up's patterns and classes in files of their own (the pattern cache's
    and the code cache's ``validate`` files): written by a first run, read by the next, refused when
    damaged; the output is the same every time, and the same as Typer's."""
    from fhirconv.cachedir import user_cache_dir

    cache = tmp_path / "cache"
    cache.mkdir()
    for entry in ("definitions", "validator"):  # (the compiled definitions and validator, as they are)
        if (user_cache_dir() / entry).is_dir():
            (cache / entry).symlink_to(user_cache_dir() / entry, target_is_directory=True)
    (tmp_path / "invalid.json").write_text(json.dumps(INVALID, indent=2), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env.update(PYTHONPATH=str(ROOT), FHIRCONV_CACHE_DIR=str(cache))

    def run() -> tuple[int, bytes, bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "fhirconv", "validate", "invalid.json", "--format", "json"],
            capture_output=True,
            env=env,
            cwd=tmp_path,
        )
        return done.returncode, done.stdout, done.stderr

    first = run()
    patterns = list((cache / "regex").glob("*-validate.bin"))
    classes = list((cache / "code").glob("*-validate.marshal"))
    assert len(patterns) == 1 and len(classes) == 1
    assert run() == first
    for path in (*patterns, *classes):
        path.write_bytes(path.read_bytes()[:-7] + b"damaged")
    assert run() == first
    assert first[0] == 1 and b'"resourceType": "OperationOutcome"' in first[1]
    assert _both(["validate", "invalid.json", "--format", "json"], tmp_path)[:2] == first[:2]


def test_direct_formats_are_the_commands():
    """The direct path keeps its own copy of the format names (importing the command's module would
    cost the start-up it saves): it must be exactly the command's list."""
    from fhirconv.cli.validate import FORMATS

    assert frozenset(FORMATS) == _direct._FORMATS
