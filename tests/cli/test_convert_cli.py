"""`fhirconv convert` / `extract` through Typer's CliRunner: outputs and documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from support import SAMPLES
from typer.testing import CliRunner

from fhirconv.cli.app import app

runner = CliRunner()
SAMPLE = SAMPLES / "headache_negated_workup.txt"


def test_convert_to_file(tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["resourceType"] == "Bundle"


def test_convert_xml_is_fhir_xml(tmp_path: Path) -> None:
    out = tmp_path / "b.xml"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(out), "--format", "xml"])
    assert r.exit_code == 0, r.output
    root = etree.fromstring(out.read_bytes())
    assert root.tag == "{http://hl7.org/fhir}Bundle"


def test_convert_ndjson_one_resource_per_line(tmp_path: Path) -> None:
    out = tmp_path / "b.ndjson"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(out), "--format", "ndjson"])
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert len(lines) > 5 and all("resourceType" in json.loads(x) for x in lines)


def test_stdin_to_stdout() -> None:
    r = runner.invoke(app, ["convert", "-", "--bundle-type", "collection"], input=SAMPLE.read_text())
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["type"] == "collection"


def test_batch_goes_on_past_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "in" / "broken.xml"
    bad.parent.mkdir()
    bad.write_text("<article><body><p>unclosed")
    good = tmp_path / "in" / "good.txt"
    good.write_text(SAMPLE.read_text())
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(tmp_path / "in"), "--out-dir", str(out)])
    assert r.exit_code == 1, r.output
    assert (out / "good.json").exists() and not (out / "broken.json").exists()
    assert "broken.xml" in r.output and "failed 1" in r.output


def test_missing_single_input_exits_3(tmp_path: Path) -> None:
    r = runner.invoke(app, ["convert", str(tmp_path / "nope.txt")])
    assert r.exit_code == 3, r.output


def test_hostile_xml_exits_3(tmp_path: Path) -> None:
    evil = tmp_path / "evil.xml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><article>&y;</article>'
    )
    r = runner.invoke(app, ["convert", str(evil)])
    assert r.exit_code == 3, r.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["convert", str(SAMPLE), "--format", "yaml"]).exit_code == 2
    assert runner.invoke(app, ["convert", str(SAMPLE), "--index-date", "yesterday"]).exit_code == 2
    assert (
        runner.invoke(
            app, ["convert", str(SAMPLE), str(SAMPLES / "chest_pain_stemi.txt"), "-o", str(tmp_path / "x")]
        ).exit_code
        == 2
    )


def test_extract_json_has_spans() -> None:
    r = runner.invoke(app, ["extract", str(SAMPLE), "--json"])
    assert r.exit_code == 0, r.output
    facts = json.loads(r.stdout)
    assert facts["conditions"] and all(
        m["start"] < m["end"] for c in facts["conditions"] for m in c["mentions"]
    )


def test_jobs_give_identical_output_and_keep_going(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted(SAMPLES.iterdir()):
        (inputs / p.name).write_bytes(p.read_bytes())
    (inputs / "broken.xml").write_text("<article><body><p>unclosed")
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = runner.invoke(app, ["convert", str(inputs), "--out-dir", str(one)])
    r2 = runner.invoke(app, ["convert", str(inputs), "--out-dir", str(two), "--jobs", "2"])
    assert r1.exit_code == r2.exit_code == 1, (r1.output, r2.output)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) and len(names) == len(list(SAMPLES.iterdir()))
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert "broken.xml" in r2.output


def test_batches_write_compact_json_and_pretty_is_asked_for(tmp_path: Path) -> None:
    """One input: indented JSON; a batch (--out-dir): compact, unless --pretty; the same bundle either way."""
    from fhirconv.fhir import loads_json

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("headache_negated_workup.txt", "chest_pain_stemi.txt"):
        (inputs / name).write_bytes((SAMPLES / name).read_bytes())
    single = tmp_path / "one.json"
    assert runner.invoke(app, ["convert", str(SAMPLE), "-o", str(single), "--gate", "model"]).exit_code == 0
    compact, pretty = tmp_path / "compact", tmp_path / "pretty"
    r = runner.invoke(app, ["convert", str(inputs), "--out-dir", str(compact), "--gate", "model"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["convert", str(inputs), "--out-dir", str(pretty), "--gate", "model", "--pretty"])
    assert r.exit_code == 0, r.output
    assert single.read_text().startswith('{\n  "resourceType": "Bundle",')
    batch = (compact / "headache_negated_workup.json").read_text()
    assert batch.count("\n") == 1 and batch.startswith('{"resourceType":"Bundle",')
    assert (pretty / "headache_negated_workup.json").read_text() == single.read_text()
    assert loads_json(batch) == loads_json(single.read_text())
    one = tmp_path / "c.json"
    r = runner.invoke(app, ["convert", str(SAMPLE), "-o", str(one), "--gate", "model", "--compact"])
    assert r.exit_code == 0 and one.read_text() == batch
