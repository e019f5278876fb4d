"""FHIR decimals keep the digits the text gave, in every writer (issue: "2.40" became 2.4, XML wrote
58 as 58.0 -- fhir.resources#203)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from lxml import etree
from support import bundle_of, resources

from fhirconv.errors import BuildError
from fhirconv.fhir import dumps, dumps_json, loads_json
from fhirconv.fhir.datatypes import quantity
from fhirconv.fhir.serialize import decimal_text

CASES = [("2.40", "2.40"), ("0.010", "0.010"), ("1e3", "1E+3"), ("58", "58"), ("-0.5", "-0.5")]


@pytest.mark.parametrize(("written", "expected"), CASES)
def test_decimal_text_keeps_digits(written: str, expected: str) -> None:
    assert decimal_text(Decimal(written)) == expected
    assert Decimal(expected) == Decimal(written)


@pytest.mark.parametrize(("written", "expected"), CASES)
def test_json_writer(written: str, expected: str) -> None:
    doc = {"valueQuantity": {"value": Decimal(written), "unit": "mmol/L"}}
    text = dumps_json(doc, indent=None)
    assert text == '{"valueQuantity":{"value":' + expected + ',"unit":"mmol/L"}}'
    assert loads_json(text) == doc
    assert dumps_json(loads_json(text), indent=None) == text  # and back, digit for digit


def test_json_writer_matches_json_dumps_layout() -> None:
    import json

    doc = {"a": [1, True, None, "é", {"b": []}, {}], "c": 1.5}
    assert dumps_json(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    assert dumps_json(doc, indent=None) == json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def test_not_a_number_is_refused() -> None:
    for bad in ("NaN", "Infinity"):
        with pytest.raises(BuildError):
            decimal_text(Decimal(bad))
        with pytest.raises(BuildError):
            quantity(bad, "mg", None)


def test_small_values_stay_positional() -> None:
    assert decimal_text(Decimal("0.0000001")) == "0.0000001"


@pytest.mark.parametrize(("written", "expected"), CASES[:2] + CASES[3:])
def test_xml_writer(written: str, expected: str) -> None:
    bundle = _bundle_with(Decimal(written))
    root = etree.fromstring(dumps(bundle, "xml").encode("utf-8"))
    values = root.findall(".//{http://hl7.org/fhir}valueQuantity/{http://hl7.org/fhir}value")
    assert [v.get("value") for v in values] == [expected]


def test_xml_exponent_form() -> None:
    root = etree.fromstring(dumps(_bundle_with(Decimal("1e3")), "xml").encode("utf-8"))
    value = root.find(".//{http://hl7.org/fhir}valueQuantity/{http://hl7.org/fhir}value")
    assert value is not None and value.get("value") == "1E+3"


def _bundle_with(value: Decimal) -> dict[str, object]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:6c1b8e9e-4a3c-4b53-9b55-2c1e2b1e0a01",
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "potassium"},
                    "valueQuantity": {"value": value, "unit": "mmol/L"},
                },
            }
        ],
    }


SENTENCE = "A 50-year-old man presented with cramps. Serum potassium was 2.40 mmol/L and sodium 0.010 g/L."


def test_2_40_mmol_per_litre_round_trips_in_json_and_xml() -> None:
    bundle = bundle_of(SENTENCE)  # through the full output gate
    potassium = [
        o for o in resources(bundle, "Observation") if o.get("valueQuantity", {}).get("unit") == "mmol/L"
    ]
    assert potassium and potassium[0]["valueQuantity"]["value"] == Decimal("2.40")
    assert str(potassium[0]["valueQuantity"]["value"]) == "2.40"
    text = dumps(bundle, "json")
    assert re.search(r'"value": 2\.40,', text)
    assert loads_json(text) == bundle
    xml = dumps(bundle, "xml")
    assert '<value value="2.40"/>' in xml
    assert re.search(r'"value":2\.40,', dumps(bundle, "ndjson"))


def test_a_string_that_looks_like_the_internal_marker_is_kept() -> None:
    doc = {"v": Decimal("2.40"), "s": "\x000\x00"}
    assert dumps_json(doc, indent=None) == '{"v":2.40,"s":"\\u00000\\u0000"}'
    assert loads_json(dumps_json(doc)) == doc
