"""``fhirconv validate`` locates only the issues its format prints with a position (``locate_for``):
every format renders the same text as after locating every issue, for the shared official examples and
validator test cases (one batch, so the reports are those of the command)."""

from __future__ import annotations

from support import shared_json_files

from fhirconv.cli.validate import FORMATS, locate_for, render
from fhirconv.validate import Report, validate_paths


def test_located_for_the_format_renders_as_located_fully() -> None:
    reports = list(validate_paths([str(p) for p in shared_json_files()]))
    partial = 0
    for fmt in FORMATS:
        full, lean = [], []
        for r in reports:
            full.append(Report(r.source, list(r.issues), r.resource_count, r.artifact, r.locator).locate())
            lean.append(
                locate_for(Report(r.source, list(r.issues), r.resource_count, r.artifact, r.locator), fmt)
            )
            assert lean[-1].locator is None  # the input text is dropped all the same
            partial += lean[-1].issues != full[-1].issues
        assert render(lean, fmt) == render(full, fmt), fmt
    assert partial > 100  # the formats that leave issues out did leave some out
