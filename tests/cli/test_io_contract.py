"""The CLI I/O contract (README, "Files and exit codes"), one test per promise.

Everything runs ``python -m fhirconv`` in a subprocess, as a user or a script would: real stdin/stdout
pipes, no terminal, the umask of the child. ``--gate model`` keeps each run fast; the gate is not what
these tests are about.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, SAMPLES

TEXT = SAMPLES / "headache_negated_workup.txt"
JATS = SAMPLES / "lupus_nephritis.nxml"


def run(
    args: list[str], cwd: Path, *, stdin: bytes | None = None, umask: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR", "TERM")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")

    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "fhirconv", "convert", *args, "--gate", "model"],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        preexec_fn=set_umask,
        timeout=300,
    )


def digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def ow(tmp_path: Path) -> Path:
    """A folder holding one JATS case report named ``case.xml``, the name its XML bundle would get."""
    folder = tmp_path / "ow"
    folder.mkdir()
    shutil.copy(JATS, folder / "case.xml")
    return folder


# -- inputs are never written -------------------------------------------------------------------------


def test_out_dir_that_is_the_input_folder_is_refused_and_nothing_is_written(ow: Path) -> None:
    before = digest(ow)
    r = run(["ow", "--out-dir", "ow", "--format", "xml"], ow.parent)
    assert r.returncode == 2, r.stderr
    assert b"is the input folder" in r.stderr
    assert digest(ow) == before


def test_output_that_resolves_to_the_input_is_refused(ow: Path) -> None:
    before = digest(ow)
    for target in ("ow/case.xml", "./ow/../ow/case.xml"):
        r = run(["ow/case.xml", "-o", target], ow.parent)
        assert r.returncode == 2, r.stderr
        assert b"never writes over an input" in r.stderr
    (ow.parent / "link.xml").symlink_to(ow / "case.xml")
    r = run(["ow/case.xml", "-o", "link.xml"], ow.parent)
    assert r.returncode == 2
    assert digest(ow) == before


def test_a_batch_leaves_its_inputs_untouched(ow: Path, tmp_path: Path) -> None:
    shutil.copy(TEXT, ow / "headache.txt")
    before = digest(ow)
    r = run(["ow", "--out-dir", "out", "--format", "xml"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert digest(ow) == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["case.xml", "headache.xml"]


def test_output_folder_inside_the_input_folder_is_not_read_back(ow: Path) -> None:
    first = run(["ow", "--out-dir", "ow/fhir", "--format", "xml"], ow.parent)
    assert first.returncode == 0, first.stderr
    out = digest(ow / "fhir")
    second = run(["ow", "--out-dir", "ow/fhir", "--format", "xml"], ow.parent)
    assert second.returncode == 0, second.stderr
    assert digest(ow / "fhir") == out  # same single bundle; its own output was not converted
    assert list(out) == ["case.xml"]


def test_second_run_over_a_folder_holding_its_own_output_skips_the_fhir_files(
    ow: Path, tmp_path: Path
) -> None:
    r = run(["ow/case.xml", "-o", "ow/case.fhir.xml", "--format", "xml"], ow.parent)
    assert r.returncode == 0, r.stderr
    second = run(["ow", "--out-dir", "out", "--format", "xml"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["case.xml"]
    # named explicitly, a bundle is refused as input (exit 3), not converted as a case report
    named = run(["ow/case.fhir.xml", "-o", "again.json"], tmp_path)
    assert named.returncode == 3
    assert b"is FHIR output, not a case report" in named.stderr
    assert not (tmp_path / "again.json").exists()


# -- "-" is stdin and stdout --------------------------------------------------------------------------


def test_dash_output_is_stdout_and_pipes_into_json_tool(tmp_path: Path) -> None:
    shutil.copy(TEXT, tmp_path / "x.txt")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    pipe = subprocess.run(
        f"{sys.executable} -m fhirconv convert x.txt -o - --gate model | {sys.executable} -m json.tool",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert pipe.returncode == 0, pipe.stderr
    assert json.loads(pipe.stdout)["resourceType"] == "Bundle"
    assert not (tmp_path / "-").exists()


def test_dash_input_is_stdin(tmp_path: Path) -> None:
    r = run(["-"], tmp_path, stdin=TEXT.read_bytes())
    assert r.returncode == 0, r.stderr
    from_file = run([str(TEXT)], tmp_path)
    bundle, expected = json.loads(r.stdout), json.loads(from_file.stdout)
    assert len(bundle["entry"]) == len(expected["entry"]) > 5


# -- a folder needs --out-dir, unless NDJSON --------------------------------------------------------


def test_folder_without_out_dir_is_a_usage_error(ow: Path) -> None:
    r = run(["ow"], ow.parent)
    assert r.returncode == 2
    assert r.stdout == b""
    assert b"--out-dir" in r.stderr


def test_folder_streams_to_stdout_as_ndjson(ow: Path) -> None:
    shutil.copy(TEXT, ow / "headache.txt")
    r = run(["ow", "--format", "ndjson"], ow.parent)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.decode().splitlines()]
    patients = [x for x in lines if x["resourceType"] == "Patient"]
    assert len(patients) == 2 and all(x["id"] for x in lines)


# -- files get the umask, atomically ------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_get_the_process_umask(tmp_path: Path, umask: int, mode: int) -> None:
    r = run([str(TEXT), "-o", "b.json"], tmp_path, umask=umask)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]  # no temporary file left behind


# -- literal names before globs -----------------------------------------------------------------------


def test_name_with_brackets_is_taken_literally(tmp_path: Path) -> None:
    shutil.copy(TEXT, tmp_path / "case[1].txt")
    r = run(["case[1].txt", "-o", "b.json"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "b.json").read_text())["resourceType"] == "Bundle"


def test_glob_still_expands(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copy(TEXT, tmp_path / name)
    r = run(["*.txt", "--out-dir", "out"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "b.json"]


# -- OS errors have documented exit codes --------------------------------------------------------------


def test_unwritable_output_exits_3_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    r = run([str(TEXT), "-o", "file/b.json"], tmp_path)
    assert r.returncode == 3, r.stderr
    assert b"cannot write output" in r.stderr
    assert (tmp_path / "file").read_text() == "not a folder"


def test_missing_input_exits_3(tmp_path: Path) -> None:
    r = run(["absent.txt", "-o", "b.json"], tmp_path)
    assert r.returncode == 3
    assert not (tmp_path / "b.json").exists()


def test_dangling_link_input_exits_3(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    r = run(["gone.txt", "-o", "b.json"], tmp_path)
    assert r.returncode == 3, r.stderr
    assert not (tmp_path / "b.json").exists()


def test_out_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")
    r = run([str(TEXT), "--out-dir", "out"], tmp_path)
    assert r.returncode == 2


# -- messages: literal, unwrapped ----------------------------------------------------------------------


def test_messages_keep_brackets_and_are_not_wrapped(tmp_path: Path) -> None:
    name = "[bold]missing-" + "x" * 100 + "[/bold].txt"
    r = run([name, "-o", "b.json"], tmp_path)
    assert r.returncode == 3
    err = r.stderr.decode()
    line = next(x for x in err.splitlines() if "missing-" in x)
    assert f"[read/input] {name}: file not found" in line  # one line, tags and brackets intact
    assert len(line) > 120


def test_bulk_folder_holding_a_foreign_ndjson_is_refused_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "Patient.ndjson").write_text("not json\n")
    r = run([str(TEXT), "--format", "ndjson", "--out-dir", "out"], tmp_path)
    assert r.returncode == 3, r.stderr
    assert b"not a bulk NDJSON resource" in r.stderr
    assert (out / "Patient.ndjson").read_text() == "not json\n"
