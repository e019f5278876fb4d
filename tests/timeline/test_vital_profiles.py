"""Issue 9 acceptance 1 (second half): vital signs claim and meet the R4 vital-signs profiles in
``fhirconv validate`` (meta.profile is checked against the profile's snapshot)."""

from __future__ import annotations

from typing import Any

import pytest
from support import SAMPLES, converter

from fhirconv.readers import read_path
from fhirconv.validate import validate_json

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_vital_signs_claim_and_meet_their_profile(path: Any) -> None:
    bundle = converter().convert(read_path(path))
    vitals = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and "vital-signs" in str(e["resource"].get("category"))
        and e["resource"]["status"] == "final"
    ]
    for v in vitals:
        assert "effectiveDateTime" in v, v["code"]
        assert v.get("meta", {}).get("profile"), v["code"]
    report = validate_json(bundle, source=path.name)
    assert not report.errors, [f"{i.location}: {i.message}" for i in report.errors[:5]]


def test_some_sample_has_vital_signs() -> None:
    found = 0
    for path in SAMPLE_FILES:
        bundle = converter().convert(read_path(path))
        found += sum(1 for e in bundle["entry"] if "profile" in e["resource"].get("meta", {}))
    assert found >= 5
