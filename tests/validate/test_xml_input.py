"""FHIR XML input: the mapping to the JSON form, XML-only rules, positions, hostile and broken XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import require_shared

from fhirconv.definitions import load_definitions
from fhirconv.validate import validate_json, validate_text
from fhirconv.validate.xml_input import xml_to_json

PATIENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <id value="p1"/>
  <text>
    <status value="generated"/>
    <div xmlns="http://www.w3.org/1999/xhtml"><p>A <b>test</b> patient</p></div>
  </text>
  <contained>
    <Organization>
      <id value="o1"/>
      <name value="Ward 3"/>
    </Organization>
  </contained>
  <extension url="http://hl7.org/fhir/StructureDefinition/patient-birthPlace">
    <valueAddress><city value="Lyon"/></valueAddress>
  </extension>
  <active value="true"/>
  <name>
    <given value="Ann"/>
    <given id="g2">
      <extension url="http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier">
        <valueCode value="CL"/>
      </extension>
    </given>
  </name>
  <birthDate value="1980-02-03">
    <extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime">
      <valueDateTime value="1980-02-03T04:05:00+01:00"/>
    </extension>
  </birthDate>
  <multipleBirthInteger value="2"/>
  <managingOrganization><reference value="#o1"/></managingOrganization>
</Patient>
"""


def test_xml_maps_to_the_json_form() -> None:
    result = xml_to_json(PATIENT, "p.xml", load_definitions())
    assert not result.issues
    data = result.data
    assert data["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml"><p>A <b>test</b>')
    del data["text"]["div"]
    assert data == {
        "resourceType": "Patient",
        "id": "p1",
        "text": {"status": "generated"},
        "contained": [{"resourceType": "Organization", "id": "o1", "name": "Ward 3"}],
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                "valueAddress": {"city": "Lyon"},
            }
        ],
        "active": True,
        "name": [
            {
                "given": ["Ann", None],
                "_given": [
                    None,
                    {
                        "id": "g2",
                        "extension": [
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier",
                                "valueCode": "CL",
                            }
                        ],
                    },
                ],
            }
        ],
        "birthDate": "1980-02-03",
        "_birthDate": {
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                    "valueDateTime": "1980-02-03T04:05:00+01:00",
                }
            ]
        },
        "multipleBirthInteger": 2,
        "managingOrganization": {"reference": "#o1"},
    }
    (report,) = validate_text(PATIENT, "p.xml")
    assert report.ok and report.resource_count == 2


def _issues(xml: bytes) -> dict[str, tuple[str, int | None, int | None]]:
    (report,) = validate_text(xml, "x.xml")
    report.locate()
    return {
        f"{i.rule}@{i.location}": (i.severity.value, i.line, i.column) for i in report.issues if i.is_error
    }


def test_xml_rules_and_positions() -> None:
    xml = b"""<Observation xmlns="http://hl7.org/fhir">
  <code><text value="pulse"/></code>
  <status value="final"/>
  <valueQuantity>
    <value value="eighty"/><code value="x y"/>
  </valueQuantity>
  <wrong value="1"/>
  <subject>some text<reference value="Patient/1"/></subject>
</Observation>"""
    found = _issues(xml)
    assert found["xml.order@Observation.status"] == ("error", 3, 3)
    assert found["format@Observation.valueQuantity.value"] == ("error", 5, 5)  # 'eighty' is no decimal
    assert "type@Observation.valueQuantity.value" not in found  # said once, in XML's words
    assert found["structure@Observation.wrong"] == ("error", 7, 3)
    assert found["xml.text@Observation.subject"] == ("error", 8, 3)
    assert found["xml.order@Observation.subject"] == ("error", 8, 3)  # R4 orders subject before value[x]


def test_wrong_namespace_hostile_and_broken_xml() -> None:
    found = _issues(b'<Patient xmlns="http://example.org"><active value="true"/></Patient>')
    assert "xml.namespace@Patient" in found
    hostile = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x "boom">]><Patient xmlns="http://hl7.org/fhir"/>'
    (report,) = validate_text(hostile, "h.xml")
    assert [(i.severity.value, i.rule) for i in report.issues] == [("fatal", "xml")]
    (report,) = validate_text(
        b'<Patient xmlns="http://hl7.org/fhir">\n  <active value="true">\n</Patient>', "b.xml"
    )
    (fatal,) = report.issues
    assert fatal.severity.value == "fatal" and fatal.line == 3


def test_converted_xml_bundles_validate_like_their_json() -> None:
    from fhirconv.fhir.serialize import dumps

    goldens = sorted((Path(__file__).parents[1] / "golden" / "bundles").glob("*.json"))
    assert goldens
    for path in goldens:
        bundle = json.loads(path.read_text(encoding="utf-8"))
        (report,) = validate_text(dumps(bundle, "xml").encode("utf-8"), path.name + ".xml")
        assert report.ok, [f"{i.location}: {i.message}" for i in report.errors][:3]
        as_json = validate_json(bundle)
        assert {(i.rule, i.location) for i in report.warnings} == {
            (i.rule, i.location) for i in as_json.warnings
        }


@pytest.mark.slow
def test_official_examples_as_xml_agree_with_their_json() -> None:
    """An independent serializer (fhir.resources) writes the XML; the findings must be those of the JSON.

    fhir.resources writes some elements out of R4 order (``Person.active`` before ``name``), which the
    XML order rule rightly reports, so ``xml.order`` is left out of the comparison.
    """
    resources = pytest.importorskip("fhir.resources")
    folder = require_shared("fhir-r4", "examples")
    compared = 0
    differ: dict[str, object] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        try:
            model = resources.get_fhir_model_class(data["resourceType"]).model_validate(data)
            xml = model.model_dump_xml()
            same = json.loads(model.model_dump_json())
        except Exception:  # fhir.resources refuses many official examples; those are not compared
            continue
        compared += 1
        (report,) = validate_text(xml if isinstance(xml, bytes) else xml.encode("utf-8"), path.name, xml=True)
        got = {(i.rule, i.location) for i in report.issues if i.severity.value != "information"}
        want = {(i.rule, i.location) for i in validate_json(same).issues if i.severity.value != "information"}
        got = {g for g in got if g[0] != "xml.order"}
        if got != want:
            differ[path.name] = (sorted(got - want)[:3], sorted(want - got)[:3])
    assert compared >= 150
    assert not differ, differ
