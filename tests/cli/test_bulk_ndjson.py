"""Bulk NDJSON (`convert DIR --format ndjson --out-dir OUT`): one file per type, ids, ``Type/id``
references, the manifest, and batches that append stably. The HAPI load is in
tests/integration/test_hapi_bulk.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from support import SAMPLES, converter
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.fhir import BulkWriter, bulk_resources
from fhirconv.readers import read_path
from fhirconv.upload import load_ndjson
from fhirconv.upload.bundle import chunk_entries, iter_references

runner = CliRunner()
DOCS = ["headache_negated_workup.txt", "chest_pain_stemi.txt", "lupus_nephritis.nxml"]


def _convert(inputs: list[Path], out: Path) -> None:
    r = runner.invoke(
        app, ["convert", *map(str, inputs), "--format", "ndjson", "--out-dir", str(out), "--gate", "model"]
    )
    assert r.exit_code == 0, r.output


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _lines(out: Path) -> dict[str, list[dict[str, Any]]]:
    return {p.stem: [json.loads(x) for x in p.read_text().splitlines()] for p in sorted(out.glob("*.ndjson"))}


def test_one_file_per_type_with_ids_and_type_id_references(tmp_path: Path) -> None:
    _convert([SAMPLES / d for d in DOCS], tmp_path / "out")
    lines = _lines(tmp_path / "out")
    assert {"Patient", "Condition", "Observation", "Provenance", "DocumentReference"} <= set(lines)
    ids = set()
    for rtype, resources in lines.items():
        assert resources and all(r["resourceType"] == rtype and r["id"] for r in resources)
        ids |= {f"{rtype}/{r['id']}" for r in resources}
    assert len([r for r in lines["Patient"]]) == len(DOCS)
    refs = [ref["reference"] for rs in lines.values() for r in rs for ref in iter_references(r)]
    assert len(refs) > 50
    assert not [x for x in refs if x.startswith("urn:")]
    assert set(refs) <= ids  # every reference resolves inside the files


def test_ids_are_the_deterministic_fullurl_uuids(tmp_path: Path) -> None:
    bundle = converter().convert(read_path(SAMPLES / DOCS[0]))
    _convert([SAMPLES / DOCS[0]], tmp_path / "out")
    written = {(r["resourceType"], r["id"]) for rs in _lines(tmp_path / "out").values() for r in rs}
    expected = {
        (e["resource"]["resourceType"], e["fullUrl"].removeprefix("urn:uuid:")) for e in bundle["entry"]
    }
    assert written == expected


def test_manifest_counts_equal_line_counts(tmp_path: Path) -> None:
    _convert([SAMPLES / d for d in DOCS], tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    lines = _lines(tmp_path / "out")
    assert {o["type"]: o["count"] for o in manifest["output"]} == {t: len(rs) for t, rs in lines.items()}
    assert all(o["url"] == f"{o['type']}.ndjson" for o in manifest["output"])
    assert manifest["transactionTime"] == "2000-01-01T00:00:00Z"  # the index date, not the clock


def test_batches_append_to_the_same_result_as_one_run(tmp_path: Path) -> None:
    docs = [SAMPLES / d for d in sorted(DOCS)]
    _convert(docs, tmp_path / "once")
    _convert(docs[:1], tmp_path / "batches")
    _convert(docs[1:], tmp_path / "batches")
    assert _files(tmp_path / "batches") == _files(tmp_path / "once")
    _convert(docs[1:2], tmp_path / "batches")  # converting a document again adds nothing
    assert _files(tmp_path / "batches") == _files(tmp_path / "once")


def test_library_writer_and_loader_agree(tmp_path: Path) -> None:
    bundles = [converter().convert(read_path(SAMPLES / d)) for d in DOCS]
    with BulkWriter(tmp_path / "lib") as writer:
        for b in bundles:
            writer.add(b)
    tx = load_ndjson(sorted((tmp_path / "lib").glob("*.ndjson")))
    assert len(tx["entry"]) == sum(len(b["entry"]) for b in bundles)
    assert all(e["request"]["method"] == "PUT" for e in tx["entry"])
    # in transactions of 50, every reference target is stored by the same or an earlier one
    stored: set[str] = set()
    late = []
    for chunk in chunk_entries(tx["entry"], 50):
        stored |= {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in chunk}
        late += [
            r["reference"]
            for e in chunk
            for r in iter_references(e["resource"])
            if r["reference"] not in stored
        ]
    assert late == []
    assert [e["resource"]["resourceType"] for e in tx["entry"]].index("Provenance") > 0


def test_bulk_resources_leave_the_bundle_alone() -> None:
    bundle = converter().convert(read_path(SAMPLES / DOCS[0]))
    before = json.dumps(bundle, default=str)
    out = bulk_resources(bundle)
    assert json.dumps(bundle, default=str) == before
    assert [r["resourceType"] for r in out] == [e["resource"]["resourceType"] for e in bundle["entry"]]


def test_ndjson_to_a_folder_holding_other_files_keeps_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(SAMPLES / DOCS[0], out / "notes.txt")
    _convert([SAMPLES / DOCS[1]], out)
    assert (out / "notes.txt").read_bytes() == (SAMPLES / DOCS[0]).read_bytes()
