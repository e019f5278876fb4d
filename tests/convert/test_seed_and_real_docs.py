"""Acceptance: the seed scores 21/21 with 0 traps; every real document converts into a valid bundle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import SHARED, converter, require_shared

from fhirconv.fhir.serialize import dumps_json
from fhirconv.readers import read_path

REAL = ["jats", "html", "bioc", "text"]


def test_seed_scores_all_facts(tmp_path: Path) -> None:
    seed_dir = require_shared("seeds")
    score = require_shared("eval", "score.py")
    expected = require_shared("eval", "seed.expected.json")
    seed = sorted(seed_dir.glob("*.txt"))[0]
    out = tmp_path / "seed.json"
    out.write_text(dumps_json(converter().convert(read_path(seed))), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(score), str(out), str(expected), "--verbose"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(run.stdout)
    assert result["traps"] == 0, result
    assert result["found"] == result["total"] == 21, result


def _real_docs() -> list[Path]:
    root = SHARED / "real-docs"
    return sorted(p for f in REAL if (root / f).is_dir() for p in (root / f).iterdir() if p.is_file())


@pytest.mark.parametrize("path", _real_docs() or [None], ids=lambda p: p.name if p else "absent")
def test_real_document_converts_valid(path: Path | None) -> None:
    require_shared("real-docs")
    assert path is not None
    from fhirconv.validate import validate_json

    bundle: dict[str, Any] = converter().convert(read_path(path))
    report = validate_json(bundle, source=path.name)
    assert not report.errors, [f"{i.location}: {i.message}" for i in report.errors[:5]]
    # references and footers never become facts
    doc = read_path(path)
    excluded = [(s.start, s.end) for s in doc.sections if s.excluded]
    for entry in bundle["entry"]:
        for ext in entry["resource"].get("extension", []):
            if not ext["url"].endswith("derivation-reference"):
                continue
            parts = {x["url"]: x for x in ext["extension"]}
            off = parts["offset"]["valueInteger"]
            assert not any(s <= off < e for s, e in excluded), (entry["resource"]["resourceType"], off)


def test_real_docs_present() -> None:
    require_shared("real-docs")
    assert len(_real_docs()) >= 20
