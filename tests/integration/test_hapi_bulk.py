"""Bulk NDJSON of the real documents into the HAPI test server, and decimals after upload.

Acceptance: the 35 ``../shared/real-docs`` convert to bulk NDJSON, load with 0 errors, the server holds
as many resources of each type as the files have lines, and every reference on the server resolves.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from hapi_server import FRESH, ensure_server
from support import require_shared
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.upload.bundle import iter_references

pytestmark = [pytest.mark.hapi, pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def hapi_url() -> str:
    return ensure_server()


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "1000"})


def _by_ids(url: str, rtype: str, ids: list[str]) -> list[dict[str, Any]]:
    """The stored resources of ``rtype`` with these ids (searched 100 at a time, following pages)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), 100):
        part = ids[start : start + 100]
        r = httpx.post(f"{url}/{rtype}/_search", data={"_id": ",".join(part)}, headers=FRESH, timeout=120)
        while True:
            r.raise_for_status()
            page = r.json()
            found += [e["resource"] for e in page.get("entry", []) or []]
            nxt = next((x["url"] for x in page.get("link", []) if x.get("relation") == "next"), None)
            if nxt is None:
                break
            r = httpx.get(nxt, headers=FRESH, timeout=120)
    return found


def test_real_docs_bulk_ndjson_loads_into_hapi(hapi_url: str, tmp_path: Path) -> None:
    docs = require_shared("real-docs")
    inputs = sorted(p for p in docs.rglob("*") if p.is_file() and p.name != "README.md")
    assert len(inputs) == 35
    out = tmp_path / "bulk"
    r = _cli("convert", str(docs), "--format", "ndjson", "--out-dir", str(out), "--jobs", "2")
    assert r.exit_code == 0, r.output
    assert "converted 35 of 35; failed 0" in r.output

    lines: dict[str, list[dict[str, Any]]] = {
        p.stem: [json.loads(x) for x in p.read_text().splitlines()] for p in sorted(out.glob("*.ndjson"))
    }
    manifest = json.loads((out / "manifest.json").read_text())
    assert {o["type"]: o["count"] for o in manifest["output"]} == {t: len(v) for t, v in lines.items()}

    up = _cli("upload", "--ndjson", str(out), "--server", hapi_url)
    assert up.exit_code == 0, up.output
    assert "failed" not in up.output

    # per type: the server holds exactly the resources of each file (by their ids)
    stored: dict[str, list[dict[str, Any]]] = {}
    for rtype, resources in lines.items():
        stored[rtype] = _by_ids(hapi_url, rtype, [x["id"] for x in resources])
        assert len(stored[rtype]) == len(resources), rtype

    # every reference in the stored resources resolves on the server
    targets: dict[str, set[str]] = defaultdict(set)
    n_refs = 0
    for resources in stored.values():
        for res in resources:
            for ref in iter_references(res):
                m = re.fullmatch(r"([A-Za-z]+)/([A-Za-z0-9\-.]+)", ref["reference"])
                assert m, ref["reference"]
                targets[m.group(1)].add(m.group(2))
                n_refs += 1
    assert n_refs > 2000
    for rtype, ids in targets.items():
        assert len(_by_ids(hapi_url, rtype, sorted(ids))) == len(ids), rtype

    # loading the same files again changes nothing
    again = _cli("upload", "--ndjson", str(out), "--server", hapi_url)
    assert again.exit_code == 0, again.output
    total = sum(len(v) for v in lines.values())
    assert f"0 created, 0 updated, {total} unchanged" in again.output


# One document per upload form: a document loaded as a bundle (conditional create, server ids) and
# again as bulk NDJSON (PUT with its own ids) would be stored twice; docs/upload.md says so.
SENTENCE = "A {age}-year-old woman presented with weakness. Serum potassium was 2.40 mmol/L on admission.\n"


@pytest.mark.parametrize("how", ["json", "ndjson"])
def test_decimal_digits_survive_upload(hapi_url: str, tmp_path: Path, how: str) -> None:
    (tmp_path / "k.txt").write_text(SENTENCE.format(age=71 if how == "json" else 72), encoding="utf-8")
    if how == "json":
        r = _cli("convert", str(tmp_path / "k.txt"), "-o", str(tmp_path / "k.json"))
        assert r.exit_code == 0, r.output
        assert re.search(r'"value": 2\.40,', (tmp_path / "k.json").read_text())
        up = _cli("upload", str(tmp_path / "k.json"), "--server", hapi_url)
    else:
        r = _cli("convert", str(tmp_path / "k.txt"), "--format", "ndjson", "--out-dir", str(tmp_path / "o"))
        assert r.exit_code == 0, r.output
        up = _cli("upload", "--ndjson", str(tmp_path / "o"), "--server", hapi_url)
    assert up.exit_code == 0, up.output
    obs = (
        [json.loads(x) for x in (tmp_path / "o" / "Observation.ndjson").read_text().splitlines()]
        if how == "ndjson"
        else []
    )
    ident = "urn:ietf:rfc:3986|" + (
        "urn:uuid:"
        + next(o["id"] for o in obs if "valueQuantity" in o and o["valueQuantity"]["unit"] == "mmol/L")
        if obs
        else _potassium_identifier(tmp_path / "k.json")
    )
    raw = httpx.get(f"{hapi_url}/Observation", params={"identifier": ident}, headers=FRESH, timeout=60)
    raw.raise_for_status()
    assert re.search(r'"value"\s*:\s*2\.40\b', raw.text), raw.text[:2000]


def _potassium_identifier(path: Path) -> str:
    bundle = json.loads(path.read_text())
    for e in bundle["entry"]:
        q = e["resource"].get("valueQuantity")
        if q and q.get("unit") == "mmol/L":
            return str(e["resource"]["identifier"][0]["value"])
    raise AssertionError("no mmol/L observation")
