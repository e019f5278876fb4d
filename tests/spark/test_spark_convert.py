"""Spark conversion against the single-machine bulk output, Pathling encoding, and the shipped views.

One local[2] session (with Pathling's jar) serves the whole module: starting Spark costs seconds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import require_shared, require_spark
from typer.testing import CliRunner

pytestmark = [pytest.mark.spark, pytest.mark.slow]

MACCROBAT_TARGET = 200
CORRUPT = b'<?xml version="1.0"?>\n<article><front><article-meta><title-group>A case of'


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    require_spark(pathling=True)
    from fhirconv.spark import local_session

    session = local_session("local[2]", pathling=True)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 35 real documents, 200 MACCROBAT reports (121 plus replicas under new names), one corrupt."""
    real = require_shared("real-docs")
    dev = require_shared("corpora", "maccrobat2020", "dev")
    root = tmp_path_factory.mktemp("spark-corpus") / "in"
    docs = sorted(p for p in real.rglob("*") if p.is_file() and p.suffix != ".md")
    assert len(docs) == 35
    for p in docs:
        target = root / "real" / p.relative_to(real)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
    reports = sorted(dev.glob("*.txt"))
    assert len(reports) >= 100
    (root / "maccrobat").mkdir()
    for i in range(MACCROBAT_TARGET):
        src = reports[i % len(reports)]
        name = src.name if i < len(reports) else f"replica{i // len(reports)}-{src.name}"
        shutil.copyfile(src, root / "maccrobat" / name)
    (root / "corrupt.xml").write_bytes(CORRUPT)
    return root


@pytest.fixture(scope="module")
def single_machine(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``fhirconv convert DIR --format ndjson --out-dir OUT``, the reference."""
    from fhirconv.cli.app import app

    out = tmp_path_factory.mktemp("single") / "bulk"
    result = CliRunner().invoke(
        app, ["convert", str(corpus), "--format", "ndjson", "--out-dir", str(out), "--jobs", "2"]
    )
    assert result.exit_code == 1, result.output  # the corrupt document fails, the batch goes on
    return out


@pytest.fixture(scope="module")
def converted(spark: Any, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from fhirconv.spark import spark_convert

    out = tmp_path_factory.mktemp("spark") / "out"
    result = spark_convert(str(corpus), f"file://{out}", spark=spark)
    return out, result


def _lines(files: list[Path]) -> list[str]:
    return sorted(line for f in files for line in f.read_text(encoding="utf-8").splitlines())


def test_spark_output_has_exactly_the_single_machine_lines(
    converted: tuple[Path, Any], single_machine: Path
) -> None:
    out, _ = converted
    types = sorted(p.stem for p in single_machine.glob("*.ndjson"))
    assert len(types) >= 10
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("_")) == types
    for rtype in types:
        spark_files = sorted((out / rtype).glob("part-*.ndjson"))
        assert spark_files, rtype
        assert _lines(spark_files) == _lines([single_machine / f"{rtype}.ndjson"]), rtype
    assert not list(out.rglob("*.crc")) and not list(out.rglob("_SUCCESS"))


def test_the_status_table_names_the_corrupt_document_and_nothing_else_is_lost(
    converted: tuple[Path, Any], corpus: Path
) -> None:
    out, result = converted
    rows = [json.loads(line) for line in _lines(sorted((out / "_status").glob("part-*.ndjson")))]
    assert len(rows) == 236 == result.documents
    failed = [r for r in rows if r["status"] != "ok"]
    assert [Path(r["document"].removeprefix("file:")).name for r in failed] == ["corrupt.xml"]
    assert failed[0]["exit_code"] == 3 and failed[0]["error"] == "MalformedInputError"
    assert failed[0]["message"]
    assert result.ok == 235 and result.failed == 1
    assert all(r["resources"] > 0 for r in rows if r["status"] == "ok")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {o["type"]: o["count"] for o in manifest["output"]} == result.counts
    for rtype, count in result.counts.items():
        assert len(_lines(sorted((out / rtype).glob("*.ndjson")))) == count


def test_one_converter_per_python_worker_not_per_document(converted: tuple[Path, Any]) -> None:
    _, result = converted
    assert 1 <= result.converters_built <= 2  # local[2]: two worker processes, each builds one


def test_pathling_encodes_every_line_and_every_view_runs(spark: Any, converted: tuple[Path, Any]) -> None:
    from fhirconv.spark import run_views

    out, result = converted
    views, report = run_views(str(out), spark=spark)
    assert report.lines == result.counts
    assert report.encoded == result.counts
    assert report.rejected == 0
    rows = {name: df.count() for name, df in views.items()}
    counts = result.counts
    assert rows["patients"] == counts["Patient"]
    assert rows["conditions"] == counts["Condition"]
    assert rows["medications"] == counts["MedicationAdministration"]
    assert rows["outcomes"] == counts["ClinicalImpression"]
    assert rows["observations"] + rows["patient_ages"] == counts["Observation"]
    assert rows["patient_ages"] > 100


def test_existing_output_is_never_written_over(spark: Any, converted: tuple[Path, Any], corpus: Path) -> None:
    from fhirconv.errors import InputError
    from fhirconv.spark import spark_convert

    out, _ = converted
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(InputError, match="output exists"):
        spark_convert(str(corpus), str(out), spark=spark)
    assert sorted(p.name for p in out.iterdir()) == before


# ------------------------------------------------------------------------------------------- the seed
@pytest.fixture(scope="module")
def seed_frames(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from fhirconv.spark import run_views, spark_convert

    seed = require_shared("seeds")
    out = tmp_path_factory.mktemp("seed") / "bulk"
    result = spark_convert(str(seed), str(out), spark=spark)
    assert result.ok == result.documents == 1
    views, report = run_views(str(out), spark=spark)
    assert report.rejected == 0 and report.encoded == result.counts
    return views


@pytest.fixture(scope="module")
def seed_views(seed_frames: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: [r.asDict() for r in df.collect()] for name, df in seed_frames.items()}


def test_seed_ivig_is_0_4_g_per_kg_iv_from_the_sixth_day(seed_views: dict[str, list[dict[str, Any]]]) -> None:
    ivig = [r for r in seed_views["medications"] if "immunoglobulin" in (r["drug"] or "").lower()]
    assert len(ivig) == 1
    row = ivig[0]
    assert float(row["dose"]) == pytest.approx(0.4) and row["dose_unit"] == "g/kg"
    assert float(row["rate"]) == pytest.approx(0.4) and row["rate_unit"] == "g/kg" and row["rate_per"] == "d"
    assert row["route_code"] == "47625008"  # SNOMED intravenous route
    # day 0 (presentation) is the index date 2000-01-01: "on the sixth day" ... "for five days" is days
    # 6 to 10, and R4 Period.end is inclusive
    assert row["start"] == "2000-01-06" and row["end"] == "2000-01-10"
    assert row["status"] == "completed"


def test_seed_patient_conditions_and_outcome(seed_views: dict[str, list[dict[str, Any]]]) -> None:
    (patient,) = seed_views["patients"]
    assert patient["gender"] == "female"
    (age,) = seed_views["patient_ages"]
    assert float(age["age"]) == 41 and age["age_unit"] == "a" and age["patient_id"] == patient["patient_id"]
    conditions = {r["text"]: r for r in seed_views["conditions"]}
    oms = [r for t, r in conditions.items() if "opsoclonus" in t.lower()]
    assert oms and oms[0]["verification"] == "confirmed"
    assert conditions["infection"]["verification"] == "refuted"
    assert conditions["vertigo"]["onset"] == "1999-12-22"  # "for ten days" before presentation
    (outcome,) = seed_views["outcomes"]
    assert outcome["outcome"] == "Outcome: resolved"
    assert all(r["patient_id"] == patient["patient_id"] for v in seed_views.values() for r in v)


def test_docs_example_days_from_onset_to_ivig(spark: Any, seed_frames: dict[str, Any]) -> None:
    """The query of docs/spark.md, on the seed: onset (ten days before day 0) to IVIg (sixth day)."""
    for name, df in seed_frames.items():
        df.createOrReplaceTempView(name)
    (row,) = spark.sql(DOCS_QUERY).collect()
    assert row["days_onset_to_ivig"] == 15
    assert row["hospital_day"] == 6


def test_parquet_output_is_pathling_encoded(spark: Any, tmp_path: Path) -> None:
    from fhirconv.spark import encode_output, pathling_context, spark_convert

    seed = require_shared("seeds")
    out = tmp_path / "parquet"
    result = spark_convert(str(seed), str(out), spark=spark, fmt="parquet")
    assert result.ok == 1 and result.counts["Patient"] == 1
    assert list((out / "Patient").glob("part-*.parquet"))
    frames, report = encode_output(pathling_context(spark), str(out))
    assert report.rejected == 0 and report.encoded == result.counts
    assert frames["Patient"].select("gender").collect()[0]["gender"] == "female"
    (status,) = spark.read.parquet(str(out / "_status")).collect()
    assert status["status"] == "ok" and status["resources"] == sum(result.counts.values())


DOCS_QUERY = """
SELECT c.patient_id,
       datediff(to_date(m.start), min(to_date(o.onset))) AS days_onset_to_ivig,
       datediff(to_date(m.start), DATE'2000-01-01') + 1 AS hospital_day
FROM conditions c
JOIN medications m ON m.patient_id = c.patient_id
JOIN conditions o ON o.patient_id = c.patient_id AND o.verification = 'confirmed' AND o.onset IS NOT NULL
WHERE lower(c.text) LIKE '%opsoclonus%' AND c.verification = 'confirmed'
  AND (lower(m.drug) LIKE '%immunoglobulin%' OR lower(m.drug) LIKE '%ivig%')
GROUP BY c.patient_id, m.start
"""


# ----------------------------------------------------------------------------------------------- CLI
def test_cli_spark_convert_and_views_run(spark: Any, tmp_path: Path) -> None:
    from fhirconv.cli.app import app

    seed = require_shared("seeds")
    inp = tmp_path / "in"
    shutil.copytree(seed, inp)
    (inp / "broken.xml").write_bytes(CORRUPT)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["spark-convert", str(inp), str(out), "--master", "local[2]"])
    assert result.exit_code == 1, result.output  # one document failed: findings, not a crash
    assert "broken.xml" in result.output and "converted 1 of 2; failed 1" in result.output
    assert (out / "Patient").is_dir() and (out / "manifest.json").is_file()
    tables = tmp_path / "tables"
    result = runner.invoke(app, ["views", "run", str(out), "--out", str(tables), "--view", "medications"])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output
    (csv,) = list((tables / "medications").glob("part-*.csv"))
    text = csv.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("administration_id,patient_id,drug,")
    assert "intravenous immunoglobulin" in text
    assert not (tables / "patients").exists()
    bad = runner.invoke(app, ["views", "run", str(out), "--out", str(tables), "--view", "nope"])
    assert bad.exit_code == 3 and "no such view: nope" in bad.output
