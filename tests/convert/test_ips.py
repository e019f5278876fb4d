"""``convert --profile ips``: an IPS 2.0.0 document Bundle (issue 14, acceptance 4, fhirconv's side).

The sentences are written for these tests. Validation uses the IPS package from the local package cache
(``fhirconv definitions install hl7.fhir.uv.ips#2.0.0``; .ci/run installs it) and skips without it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from support import SAMPLES, require_shared
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.pipeline import Converter, ConvertOptions
from fhirconv.readers import read_bytes
from fhirconv.validate import validate_json

IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
REQUIRED = {"11450-4", "48765-2", "10160-0"}  # problems, allergies, medications

STORY = (
    "A 58-year-old man presented with chest pain. He had a history of hypertension diagnosed 10 years "
    "earlier and was taking amlodipine 5 mg daily at home. Pneumonia was ruled out. His temperature was "
    "37.2 C and his heart rate was 96 beats per minute. Laboratory tests showed a hemoglobin of 13.1 g/dL. "
    "He underwent coronary angiography on day 2 and received aspirin 300 mg."
)


@lru_cache(maxsize=1)
def _converter() -> Converter:
    return Converter(ConvertOptions(profile="ips", gate="model"))


def ips_of(text: str) -> dict[str, Any]:
    doc = read_bytes(text.encode("utf-8"), "sentence.txt")
    result: dict[str, Any] = _converter().convert(doc)
    return result


@lru_cache(maxsize=1)
def _ips_chain() -> Any:
    from fhirconv.definitions.packages import load_ig_definitions
    from fhirconv.errors import DefinitionsNotInstalled
    from fhirconv.validate import build_chain

    try:
        defs, _ = load_ig_definitions(["hl7.fhir.uv.ips#2.0.0"], offline=True)
    except DefinitionsNotInstalled:
        pytest.skip(
            "IPS 2.0.0 is not in the package cache (fhirconv definitions install hl7.fhir.uv.ips#2.0.0)"
        )
    return build_chain(defs, profiles=[IPS + "Bundle-uv-ips"])


def _text(value: Any) -> str:
    return json.dumps(value, default=str)


def _composition(bundle: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = bundle["entry"][0]["resource"]
    assert first["resourceType"] == "Composition"
    return first


def _section(bundle: dict[str, Any], code: str) -> dict[str, Any] | None:
    for s in _composition(bundle)["section"]:
        if s["code"]["coding"][0]["code"] == code:
            return dict(s)
    return None


def _by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_document_bundle_shape() -> None:
    bundle = ips_of(STORY)
    assert bundle["type"] == "document"
    assert bundle["meta"]["profile"] == [IPS + "Bundle-uv-ips"]
    assert bundle["identifier"]["value"].startswith("urn:uuid:")
    # no wall clock: a report without a publication date is dated by the index date (day 0)
    assert bundle["timestamp"] == "2000-01-01T00:00:00Z"
    assert all("request" not in e for e in bundle["entry"])
    comp = _composition(bundle)
    assert comp["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "60591-5",
        "display": "Patient summary Document",
    }
    assert comp["date"] == bundle["timestamp"]
    urls = _by_url(bundle)
    assert urls[comp["subject"]["reference"]]["resourceType"] == "Patient"
    assert urls[comp["author"][0]["reference"]]["resourceType"] == "Device"
    codes = [s["code"]["coding"][0]["code"] for s in comp["section"]]
    assert set(codes) >= REQUIRED
    for s in comp["section"]:
        assert s["title"] and s["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
        assert ("entry" in s) != ("emptyReason" in s)
        for ref in s.get("entry", []):
            assert ref["reference"] in urls  # every section entry is in the Bundle


def test_same_report_gives_the_same_document() -> None:
    assert _text(ips_of(STORY)) == _text(ips_of(STORY))


def test_facts_land_in_their_sections() -> None:
    bundle = ips_of(STORY)
    urls = _by_url(bundle)

    def listed(code: str) -> list[dict[str, Any]]:
        s = _section(bundle, code)
        assert s is not None, f"no section {code}"
        return [urls[r["reference"]] for r in s.get("entry", [])]

    problems = listed("11450-4")
    assert {r["resourceType"] for r in problems} == {"Condition"}
    assert "chest pain" in _text(problems).lower()
    # a ruled-out diagnosis is no problem of the patient; past history has its own section
    assert "pneumonia" not in _text(problems).lower()
    assert "hypertension" in _text(listed("11348-0")).lower()
    meds = listed("10160-0")
    assert "amlodipine" in _text([m for m in meds if m["resourceType"] == "MedicationStatement"])
    assert "aspirin" in _text(meds)
    assert [r["resourceType"] for r in listed("47519-4")] == ["Procedure"]
    assert "hemoglobin" in _text(listed("30954-2")).lower()
    assert {r["resourceType"] for r in listed("8716-3")} == {"Observation"}
    # the allergies section has no facts: it says so instead of listing nothing
    allergies = _section(bundle, "48765-2")
    assert allergies is not None and "entry" not in allergies
    assert allergies["emptyReason"]["coding"][0]["code"] == "unavailable"
    assert "allerg" in allergies["text"]["div"]


def test_required_sections_without_facts_carry_an_empty_reason() -> None:
    bundle = ips_of("The patient was seen in the clinic.")
    comp = _composition(bundle)
    codes = {s["code"]["coding"][0]["code"] for s in comp["section"]}
    assert codes == REQUIRED  # optional sections only when there are facts
    for s in comp["section"]:
        assert "entry" not in s and s["emptyReason"]["coding"][0]["code"] == "unavailable"


def test_unknown_patient_data_is_data_absent_and_profiles_are_claimed() -> None:
    bundle = ips_of(STORY)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"] == [{"_family": {"extension": [{"url": DAR, "valueCode": "masked"}]}}]
    assert patient["_birthDate"] == {"extension": [{"url": DAR, "valueCode": "masked"}]}
    assert patient["gender"] == "male"
    claims = {
        e["resource"]["resourceType"]: e["resource"].get("meta", {}).get("profile", [])
        for e in bundle["entry"]
    }
    assert claims["Patient"] == [IPS + "Patient-uv-ips"]
    assert claims["Composition"] == [IPS + "Composition-uv-ips"]
    assert claims["Condition"] == [IPS + "Condition-uv-ips"]
    assert claims["MedicationStatement"] == [IPS + "MedicationStatement-uv-ips"]
    assert claims["Procedure"] == [IPS + "Procedure-uv-ips"]
    lab = [
        e["resource"]
        for e in bundle["entry"]
        if IPS + "Observation-results-laboratory-pathology-uv-ips"
        in e["resource"].get("meta", {}).get("profile", [])
    ]
    assert lab, "the hemoglobin result claims the IPS laboratory profile"
    assert all(o["performer"] == [{"extension": [{"url": DAR, "valueCode": "unknown"}]}] for o in lab)


def test_the_plain_bundle_is_unchanged_by_the_ips_option() -> None:
    """The IPS document adapts copies: a transaction of the same report claims no IPS profile."""
    doc = read_bytes(STORY.encode("utf-8"), "sentence.txt")
    plain = Converter(ConvertOptions(gate="model")).convert(doc)
    assert plain["type"] == "transaction"
    assert IPS not in _text(plain)
    ips = ips_of(STORY)
    # the same facts under the same ids
    assert {e["fullUrl"] for e in plain["entry"]} < {e["fullUrl"] for e in ips["entry"]}


def test_ips_document_validates_against_ips() -> None:
    report = validate_json(ips_of(STORY), chain=_ips_chain())
    assert report.errors == [], [f"{i.location}: {i.message}" for i in report.errors]


def test_ips_validation_can_fail() -> None:
    """The same check catches an IPS document that breaks the profile (Patient without a name)."""
    bundle = ips_of(STORY)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    del patient["name"]
    report = validate_json(bundle, chain=_ips_chain())
    assert any("name" in i.location for i in report.errors), [i.location for i in report.errors]


def _sources() -> list[Any]:
    files = sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith("."))
    return [pytest.param(p, id=p.name) for p in files] + [pytest.param("seed", id="seed")]


@pytest.mark.parametrize("source", _sources())
def test_every_sample_and_the_seed_converts_to_a_valid_ips_document(
    source: Path | str, tmp_path: Path
) -> None:
    paths = sorted(require_shared("seeds").glob("*.txt")) if source == "seed" else [source]
    assert paths
    chain = _ips_chain()
    for path in paths:
        out = tmp_path / "ips.json"
        result = CliRunner().invoke(app, ["convert", "-q", "--profile", "ips", str(path), "-o", str(out)])
        assert result.exit_code == 0, result.output
        bundle = json.loads(out.read_text(encoding="utf-8"))
        assert bundle["type"] == "document"
        report = validate_json(bundle, chain=chain)
        assert report.errors == [], [f"{i.location}: {i.message}" for i in report.errors]


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        ConvertOptions(profile="us-core")
    src = tmp_path / "a.txt"
    src.write_text("The patient had fever.", encoding="utf-8")
    result = CliRunner().invoke(app, ["convert", "--profile", "us-core", str(src)])
    assert result.exit_code == 2
    assert "unknown profile" in result.output
