"""`spark-submit` runs fhirconv unchanged: the shipped submit file, spark-submit's own master.

A regression test for a real defect: the CLI's default ``--master local[*]`` was set on the session
builder and silently replaced spark-submit's ``--master``. This starts a fresh JVM through pyspark's
own ``spark-submit`` script, as a cluster job would, on the repository's samples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import require_spark
from typer.testing import CliRunner

pytestmark = [pytest.mark.spark, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def _lines(files: list[Path]) -> list[str]:
    return sorted(line for f in files for line in f.read_text(encoding="utf-8").splitlines())


def test_spark_submit_uses_its_master_and_writes_the_single_machine_lines(tmp_path: Path) -> None:
    require_spark()
    import pyspark

    import fhirconv.spark.submit as submit
    from fhirconv.cli.app import app
    from fhirconv.spark.java import select_java_home

    inputs = tmp_path / "in"
    inputs.mkdir()
    samples = sorted(p for p in (REPO / "samples").iterdir() if p.is_file() and p.suffix != ".json")
    assert len(samples) >= 5
    for p in samples:
        shutil.copyfile(p, inputs / p.name)

    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    home = select_java_home()
    if home is not None:
        env["JAVA_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    out = tmp_path / "out"
    cmd = [
        str(Path(pyspark.__file__).parent / "bin" / "spark-submit"),
        "--master",
        "local[2]",
        "--conf",
        "spark.ui.enabled=false",
        str(submit.__file__),
        "spark-convert",
        str(inputs),
        f"file://{out}",
        "--master",
        "local[1]",  # what the CLI is told; spark-submit's master must win
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "master local[2]" in proc.stdout + proc.stderr

    reference = tmp_path / "single"
    result = CliRunner().invoke(
        app, ["convert", str(inputs), "--format", "ndjson", "--out-dir", str(reference)]
    )
    assert result.exit_code == 0, result.output
    types = sorted(p.stem for p in reference.glob("*.ndjson"))
    assert "Patient" in types and len(types) >= 5
    for rtype in types:
        files = sorted((out / rtype).glob("part-*.ndjson"))
        assert files, rtype
        assert _lines(files) == _lines([reference / f"{rtype}.ndjson"]), rtype
