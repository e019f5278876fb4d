"""Issue 9's new resource types on a real server: the drug-reaction samples' AdverseEvents,
MedicationStatements, FamilyMemberHistory, absent-finding Observations and dated death load into HAPI,
their references resolve to the stored resources, they are found by the searches a user would run, and
HAPI's ``$validate`` reports no error on any of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hapi_checks import assert_bundle_stored, hapi_validate
from hapi_server import ensure_server, search
from support import SAMPLES
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.fhir import dumps_json
from fhirconv.pipeline import convert_path

pytestmark = pytest.mark.hapi

NEW_TYPES = ("AdverseEvent", "MedicationStatement", "FamilyMemberHistory")


@pytest.fixture(scope="module")
def hapi_url() -> str:
    return ensure_server()


@pytest.fixture(scope="module")
def stored(hapi_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """fullUrl -> stored resource, for both drug-reaction samples uploaded through the CLI."""
    out = tmp_path_factory.mktemp("events")
    all_stored: dict[str, dict[str, Any]] = {}
    for name in ("drug_reaction_rash.txt", "drug_reaction_angioedema.txt"):
        target = out / f"{name}.json"
        target.write_text(dumps_json(convert_path(SAMPLES / name)), encoding="utf-8")
        bundle = json.loads(target.read_text(encoding="utf-8"))  # numbers as the server returns them
        result = CliRunner().invoke(app, ["upload", str(target), "--server", hapi_url, "--verify"])
        assert result.exit_code == 0, result.output
        all_stored.update(assert_bundle_stored(hapi_url, bundle))
    return all_stored


def _of(stored: dict[str, dict[str, Any]], rtype: str) -> list[dict[str, Any]]:
    return [r for r in stored.values() if r["resourceType"] == rtype]


def test_every_new_type_is_stored(stored: dict[str, dict[str, Any]]) -> None:
    for rtype in NEW_TYPES:
        assert _of(stored, rtype), rtype
    assert len(_of(stored, "AdverseEvent")) == 4


def test_adverse_event_references_resolve_on_the_server(
    hapi_url: str, stored: dict[str, dict[str, Any]]
) -> None:
    ids = {f"{r['resourceType']}/{r['id']}": r for r in stored.values()}
    for event in _of(stored, "AdverseEvent"):
        suspect = event["suspectEntity"][0]["instance"]["reference"]
        assert suspect.split("/")[0] in ("MedicationAdministration", "MedicationStatement")
        assert suspect in ids
        condition = ids[event["resultingCondition"][0]["reference"]]
        assert condition["code"]["text"] == event["event"]["text"]
        # the search a pharmacovigilance query runs: the patient's adverse events
        hits = search(hapi_url, "AdverseEvent", {"subject": event["subject"]["reference"]})
        assert event["id"] in {h["id"] for h in hits}
    angioedema = [e for e in _of(stored, "AdverseEvent") if e["event"]["text"] == "angioedema"]
    assert angioedema[0]["suspectEntity"][0]["instance"]["reference"].startswith("MedicationStatement/")
    assert angioedema[0]["seriousness"]["coding"][0]["code"] == "SeriousIsLifeThreatening"
    # "since March 2015": the statement carries the real date, without the synthetic-dates tag
    statement = ids[angioedema[0]["suspectEntity"][0]["instance"]["reference"]]
    assert statement["effectiveDateTime"] == "2015-03"
    assert all(t.get("code") != "synthetic-dates" for t in statement["meta"].get("tag", []))


def test_family_history_and_death_are_searchable(hapi_url: str, stored: dict[str, dict[str, Any]]) -> None:
    for fmh in _of(stored, "FamilyMemberHistory"):
        hits = search(hapi_url, "FamilyMemberHistory", {"patient": fmh["patient"]["reference"]})
        assert fmh["id"] in {h["id"] for h in hits}
    dead = [p for p in _of(stored, "Patient") if "deceasedDateTime" in p]
    assert [p["deceasedDateTime"] for p in dead] == ["2000-01-10"]
    assert search(hapi_url, "Patient", {"_id": dead[0]["id"], "deceased": "true"})


def test_hapi_validate_reports_no_errors_on_the_new_types(
    hapi_url: str, stored: dict[str, dict[str, Any]]
) -> None:
    problems = [
        f"{res['resourceType']} {url}: {issue.get('diagnostics')} {issue.get('expression')}"
        for url, res in stored.items()
        if res["resourceType"] in (*NEW_TYPES, "Patient", "ClinicalImpression", "Observation")
        for issue in hapi_validate(hapi_url, res)
    ]
    assert not problems, "\n".join(problems)
