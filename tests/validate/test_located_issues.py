"""``locate_issues`` builds each located finding through the slot descriptors (``positions.located``)
instead of the frozen dataclass's ``__init__``, and ``--format json``'s direct writer lays out the text
between an issue's fields once per (severity, code) and per rule: every format must render the reports
of real inputs byte for byte as the plain way does (each finding located with ``dataclasses.replace``
at ``position_of``'s answer from the full scan, the JSON text written by ``json.dumps`` of the general
value). Inputs: the shared official examples and validator test cases (JSON, and FHIR XML files of the
test cases), a converted bundle, and malformed and duplicate-key texts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from support import SHARED, bundle_of, shared_json_files

from fhirconv.cli.validate import FORMATS, outcomes_value, render
from fhirconv.fhir.serialize import dumps_json
from fhirconv.validate import Report, validate_paths
from fhirconv.validate.issues import Issue, Severity
from fhirconv.validate.positions import json_positions, located, position_of


def _plain_locate(issues: list[Issue], positions: Any) -> list[Issue]:
    """The long way: the full map's (or the lazy map's) answer per finding, ``dataclasses.replace``."""
    out = []
    root = next(iter(positions), None)
    for issue in issues:
        if issue.line is not None:
            out.append(issue)
            continue
        loc = issue.location
        hit = positions.get(root) if loc == "$" and root is not None else position_of(loc, positions)
        out.append(dataclasses.replace(issue, line=hit[0], column=hit[1]) if hit else issue)
    return out


def _copy(r: Report) -> Report:
    return Report(r.source, list(r.issues), r.resource_count, r.artifact, r.locator)


def _inputs(tmp_path: Path) -> list[str]:
    files = [str(p) for p in shared_json_files()]
    files += [str(p) for p in sorted((SHARED / "fhir-test-cases").rglob("*.xml"))[:300]]
    (tmp_path / "converted.json").write_text(
        dumps_json(bundle_of("62-year-old man with chest pain; troponin 2.3 ng/mL; aspirin 325 mg."))
    )
    (tmp_path / "duplicate.json").write_text(
        '{\n  "resourceType": "Patient",\n  "id": "a",\n  "id": "b"\n}\n'
    )
    (tmp_path / "malformed.json").write_text('{\n  "resourceType": "Patient",\n  "id": \n}\n')
    (tmp_path / "compact.json").write_text('{"resourceType":"Patient","gender":"nope","birthDate":"x"}')
    return files + [
        str(tmp_path / n) for n in ("converted.json", "duplicate.json", "malformed.json", "compact.json")
    ]


def test_located_is_the_dataclass_value() -> None:
    for rule in (None, "", "schema"):
        issue = Issue(Severity.WARNING, "value", "Patient.x[2]", "m", rule)
        new = located(issue, 3, 14)
        assert type(new) is Issue
        assert new == dataclasses.replace(issue, line=3, column=14) == Issue(*dataclasses.astuple(new))
        assert hash(new) == hash(dataclasses.replace(issue, line=3, column=14))
        with pytest.raises(dataclasses.FrozenInstanceError):
            new.line = 4  # type: ignore[misc]


def test_every_format_renders_as_the_plain_way(tmp_path: Path) -> None:
    reports = list(validate_paths(_inputs(tmp_path)))
    fast, plain = [], []
    for r in reports:
        fast.append(_copy(r).locate())
        slow = _copy(r)
        locator, slow.locator = slow.locator, None
        if locator is not None and slow.issues:
            slow.issues = _plain_locate(slow.issues, locator())
        plain.append(slow)
    assert sum(i.line is not None for r in fast for i in r.issues) > 1000
    assert [r.issues for r in fast] == [r.issues for r in plain]
    assert any(i.rule == "json" for r in fast for i in r.issues)  # the malformed and duplicate texts
    for fmt in FORMATS:
        assert render(fast, fmt) == render(plain, fmt), fmt
    assert render(fast, "json") == json.dumps(outcomes_value(plain), indent=2, ensure_ascii=False) + "\n"


def test_lazy_maps_answer_as_the_full_scan() -> None:
    """The maps the reports locate with give the full scan's positions (the plain way above takes the
    lazy map's answers; here those are checked against ``json_positions`` on every example with
    findings)."""
    checked = 0
    for p in shared_json_files()[::3]:
        for r in validate_paths([str(p)]):
            if r.locator is None or not r.issues:
                continue
            try:
                full = json_positions(p.read_bytes(), next(iter(r.locator())))
            except ValueError:
                continue
            lazy = r.locator()
            for i in r.issues:
                if i.location != "$":
                    assert position_of(i.location, lazy) == position_of(i.location, full), (p, i.location)
                    checked += 1
    assert checked > 300
