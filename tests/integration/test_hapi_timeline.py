"""Issue 9 acceptance 4 and 5 on HAPI: the samples' and the seed's bundles pass ``$validate`` with no
error, no Observation dated by its text is reported without effective[x], vital signs meet the profiles
they claim, and the new resource shapes (absent findings) load and are searchable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hapi_checks import assert_bundle_stored
from hapi_server import ensure_server, search
from support import SAMPLES, require_shared
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.fhir.serialize import dumps_json

pytestmark = pytest.mark.hapi

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    """source name -> the bundle's resources as HAPI stored them."""
    from fhirconv.pipeline import convert_path

    url = ensure_server()
    out = tmp_path_factory.mktemp("timeline")
    sources = [*SAMPLE_FILES, *sorted(require_shared("seeds").glob("*.txt"))]
    assert len(sources) > len(SAMPLE_FILES) > 0
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for source in sources:
        bundle = convert_path(source)
        target = out / f"{source.name}.json"
        target.write_text(dumps_json(bundle), encoding="utf-8")
        run = CliRunner().invoke(app, ["upload", str(target), "--server", url], env={"COLUMNS": "1000"})
        assert run.exit_code == 0, run.output
        result[source.name] = assert_bundle_stored(url, json.loads(target.read_text(encoding="utf-8")))
    return result


def _issues(url: str, resource: dict[str, Any], profile: str | None = None) -> list[dict[str, Any]]:
    params = {"profile": profile} if profile else None
    r = httpx.get(
        f"{url}/{resource['resourceType']}/{resource['id']}/$validate",
        params=params,
        timeout=120,
        headers={"Accept": "application/fhir+json"},
    )
    outcome = r.json()
    assert outcome.get("resourceType") == "OperationOutcome", outcome
    return list(outcome.get("issue", []))


def test_validate_no_errors_and_dated_observations(stored: dict[str, dict[str, dict[str, Any]]]) -> None:
    url = ensure_server()
    problems: list[str] = []
    checked = 0
    for name, resources in stored.items():
        for res in resources.values():
            for issue in _issues(url, res):
                text = f"{name} {res['resourceType']}: {issue.get('diagnostics')} {issue.get('expression')}"
                if issue.get("severity") in ("error", "fatal") or (
                    res["resourceType"] == "Observation" and "effective" in str(issue.get("diagnostics"))
                ):
                    problems.append(text)
            checked += 1
    assert checked > 100
    assert not problems, "\n".join(problems)


def test_vital_signs_meet_their_profiles(stored: dict[str, dict[str, dict[str, Any]]]) -> None:
    url = ensure_server()
    vitals = [
        r
        for resources in stored.values()
        for r in resources.values()
        if r["resourceType"] == "Observation" and r.get("meta", {}).get("profile")
    ]
    assert len(vitals) >= 5
    for r in vitals:
        for profile in r["meta"]["profile"]:
            errors = [i for i in _issues(url, r, profile) if i.get("severity") in ("error", "fatal")]
            assert not errors, (profile, errors)


def test_absent_findings_load_and_are_searchable(stored: dict[str, dict[str, dict[str, Any]]]) -> None:
    url = ensure_server()
    absent = [
        r
        for resources in stored.values()
        for r in resources.values()
        if r["resourceType"] == "Observation" and "2667000" in json.dumps(r.get("valueCodeableConcept"))
    ]
    assert absent
    hits = search(url, "Observation", {"value-concept": "http://snomed.info/sct|2667000", "_count": "200"})
    assert {r["id"] for r in absent} <= {h["id"] for h in hits}


def test_samples_path_is_the_repository_samples() -> None:
    assert Path(SAMPLES).is_dir()
