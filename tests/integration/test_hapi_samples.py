"""Every sample's and the seed's converted bundle loads into HAPI intact, twice without duplicates, and
passes HAPI's own ``$validate`` (HAPI as a second opinion on fhirconv's validator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hapi_checks import assert_bundle_stored, hapi_validate
from hapi_server import all_counts, ensure_server, search
from support import SAMPLES, require_shared
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.fhir import dumps_json

pytestmark = pytest.mark.hapi

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def hapi_url() -> str:
    return ensure_server()


def _sources() -> list[Any]:
    params: list[Any] = [pytest.param(p, id=p.name) for p in SAMPLE_FILES]
    params.append(pytest.param("seed", id="seed"))
    return params


def _resolve(source: Path | str) -> list[Path]:
    if source == "seed":
        return sorted(require_shared("seeds").glob("*.txt"))
    assert isinstance(source, Path)
    return [source]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """path name -> bundle file, converted once for the module."""
    from fhirconv.pipeline import convert_path

    out = tmp_path_factory.mktemp("bundles")
    files: dict[str, Path] = {}
    for source in [*SAMPLE_FILES, *sorted((require_shared("seeds")).glob("*.txt"))]:
        bundle = convert_path(source)
        target = out / f"{source.name}.bundle.json"
        target.write_text(dumps_json(bundle), encoding="utf-8")
        files[source.name] = target
    return files


def _bundle(converted: dict[str, Path], path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(converted[path.name].read_text(encoding="utf-8"))
    return data


def _upload(*args: str) -> Any:
    return CliRunner().invoke(app, ["upload", *args], env={"COLUMNS": "1000"})


@pytest.mark.parametrize("source", _sources())
def test_bundle_loads_intact_and_searchable(hapi_url: str, converted: dict[str, Path], source: Any) -> None:
    for path in _resolve(source):
        bundle = _bundle(converted, path)
        assert bundle["type"] == "transaction"
        result = _upload(str(converted[path.name]), "--server", hapi_url, "--verify")
        assert result.exit_code == 0, result.output
        stored = assert_bundle_stored(hapi_url, bundle)

        patients = [r for r in stored.values() if r["resourceType"] == "Patient"]
        assert len(patients) == 1
        subject = f"Patient/{patients[0]['id']}"
        for rtype in ("Condition", "Observation", "MedicationAdministration", "Procedure"):
            expected = {r["id"] for r in stored.values() if r["resourceType"] == rtype}
            found = {r["id"] for r in _search_all(hapi_url, rtype, {"subject": subject})}
            # A superset when the server also holds an earlier conversion of the same document.
            assert expected <= found, f"{rtype}?subject={subject}: missing {sorted(expected - found)}"
        # Observation?code=system|code finds each coded observation of this patient.
        for obs in (r for r in stored.values() if r["resourceType"] == "Observation"):
            for coding in (obs.get("code") or {}).get("coding", [])[:1]:
                hits = search(
                    hapi_url,
                    "Observation",
                    {"subject": subject, "code": f"{coding['system']}|{coding['code']}"},
                )
                assert obs["id"] in {h["id"] for h in hits}


def _search_all(url: str, rtype: str, params: dict[str, str]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = search(url, rtype, {**params, "_count": "50", "_offset": str(offset)})
        results.extend(page)
        if len(page) < 50:
            return results
        offset += 50


def test_second_upload_of_all_bundles_changes_no_count(hapi_url: str, converted: dict[str, Path]) -> None:
    files = [str(p) for p in converted.values()]
    types = {
        e["resource"]["resourceType"]
        for p in converted.values()
        for e in json.loads(p.read_text(encoding="utf-8"))["entry"]
    }
    first = _upload(*files, "--server", hapi_url)
    assert first.exit_code == 0, first.output
    before = all_counts(hapi_url, types)
    second = _upload(*files, "--server", hapi_url)
    assert second.exit_code == 0, second.output
    folded = " ".join(second.output.split())
    assert folded.count(" 0 created, 0 updated, ") == len(files), folded
    assert all_counts(hapi_url, types) == before


def test_hapi_validate_reports_no_errors(hapi_url: str, converted: dict[str, Path]) -> None:
    problems: list[str] = []
    for path in SAMPLE_FILES:
        bundle = _bundle(converted, path)
        assert _upload(str(converted[path.name]), "--server", hapi_url).exit_code == 0
        for full_url, res in assert_bundle_stored(hapi_url, bundle).items():
            for issue in hapi_validate(hapi_url, res):
                problems.append(
                    f"{path.name} {res['resourceType']} {full_url}: {issue.get('diagnostics')} "
                    f"{issue.get('expression')}"
                )
    assert not problems, "\n".join(problems)
