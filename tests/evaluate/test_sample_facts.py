"""The drug-reaction samples scored like the seed: team-written facts files in the ../shared/eval/score.py
format (tests/evaluate/facts/), plus the facts that format cannot express -- which reactions are blamed on
which drug (AdverseEvent) and which relatives had what (FamilyMemberHistory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import SAMPLES, converter, require_shared, resources

from fhirconv.fhir import dumps_json
from fhirconv.readers import read_path

FACTS = Path(__file__).parent / "facts"
SAMPLES_WITH_FACTS = ("drug_reaction_rash.txt", "drug_reaction_angioedema.txt")


def _bundle(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(dumps_json(converter().convert(read_path(SAMPLES / name))))
    return result


@pytest.mark.parametrize("name", SAMPLES_WITH_FACTS)
def test_sample_scores_all_facts_without_traps(name: str, tmp_path: Path) -> None:
    score = require_shared("eval", "score.py")
    expected = FACTS / f"{Path(name).stem}.expected.json"
    out = tmp_path / "bundle.json"
    out.write_text(json.dumps(_bundle(name)), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(score), str(out), str(expected), "--verbose"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(run.stdout)
    assert result["total"] >= 10, result
    assert result["traps"] == 0 and result["found"] == result["total"], result


def _events(b: dict[str, Any]) -> set[tuple[str, str]]:
    """(reaction, suspect drug) of every AdverseEvent, the drug read from the resource it points at."""
    by_url = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    return {
        (
            ev["event"]["text"].lower(),
            by_url[ev["suspectEntity"][0]["instance"]["reference"]]["medicationCodeableConcept"][
                "text"
            ].lower(),
        )
        for ev in resources(b, "AdverseEvent")
    }


def test_rash_sample_events_and_family() -> None:
    b = _bundle("drug_reaction_rash.txt")
    assert _events(b) == {("rash", "allopurinol"), ("acute kidney injury", "vancomycin")}
    family = {
        (f["relationship"]["coding"][0]["code"], f["condition"][0]["code"]["text"].lower())
        for f in resources(b, "FamilyMemberHistory")
    }
    assert family == {("FTH", "colon cancer"), ("SIS", "rheumatoid arthritis")}
    # the recovery resolves the acute problems, not the background disease
    status = {
        c["code"]["text"].lower(): c.get("clinicalStatus", {}).get("coding", [{}])[0].get("code", "active")
        for c in resources(b, "Condition")
    }
    assert status["rash"] == "resolved" and status["acute kidney injury"] == "resolved"
    assert status["hypertension"] == status["type 2 diabetes mellitus"] == status["gout"] == "active"


def test_angioedema_sample_events() -> None:
    b = _bundle("drug_reaction_angioedema.txt")
    # "not thought to be related to lisinopril" is no event
    assert _events(b) == {("angioedema", "lisinopril"), ("hypoglycaemia", "gliclazide")}
