"""`--mappings DIR` reaches every stage, the readers' section rules included (end to end)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.mapping import shipped_root

runner = CliRunner()
# A heading the shipped rules do not know, over a sentence that yields a condition.
REPORT = "A 40-year-old man was admitted with fever.\n\nPrivate notes\n\nHe had a sudden hepatitis flare.\n"


def _conditions(bundle: dict[str, Any]) -> set[str]:
    return {
        e["resource"]["code"]["text"].lower()
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Condition"
    }


def _convert(tmp_path: Path, *extra: str) -> dict[str, Any]:
    src = tmp_path / "report.txt"
    src.write_text(REPORT, encoding="utf-8")
    out = tmp_path / f"out{len(extra)}.json"
    r = runner.invoke(app, ["convert", str(src), "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_sections_overlay_changes_what_is_read(tmp_path: Path) -> None:
    assert "hepatitis" in _conditions(_convert(tmp_path))
    overlay = tmp_path / "mappings"
    overlay.mkdir()
    sections = json.loads((shipped_root() / "sections.json").read_text("utf-8"))
    # the overlay types the heading as acknowledgements: its text is no patient fact any more
    sections["headings"].insert(0, {"pattern": "private notes", "type": "acknowledgements"})
    (overlay / "sections.json").write_text(json.dumps(sections), "utf-8")
    conditions = _conditions(_convert(tmp_path, "--mappings", str(overlay)))
    assert "fever" in conditions
    assert "hepatitis" not in conditions
