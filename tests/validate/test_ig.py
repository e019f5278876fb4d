"""Validation with IG packages loaded (--ig): fhirconv's own extensions, IPS profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirconv.validate import validate_json


def test_own_extensions_validate_without_warnings_with_the_extensions_pack() -> None:
    """fhirconv's derivation-reference uses: a warning each with R4 core alone, none with the pack."""
    from fhirconv.definitions.packages import load_ig_definitions
    from fhirconv.errors import DefinitionsNotInstalled
    from fhirconv.validate import build_chain

    golden = sorted((Path(__file__).parents[1] / "golden" / "bundles").glob("*.json"))[0]
    bundle = json.loads(golden.read_text(encoding="utf-8"))
    derivation = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
    alone = [i for i in validate_json(bundle).warnings if derivation in i.message]
    assert alone and all(i.rule == "extension.unknown" for i in alone)
    try:
        defs, _result = load_ig_definitions(["hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1"], offline=True)
    except DefinitionsNotInstalled:
        pytest.skip("the extensions pack is not in the package cache (fhirconv definitions install ...)")
    report = validate_json(bundle, chain=build_chain(defs))
    assert report.ok
    assert not [i for i in report.issues if i.rule and i.rule.startswith("extension")]


def test_ips_profiles_load_and_judge_a_transaction_bundle() -> None:
    """A converted transaction bundle is not an IPS document: the IPS Bundle profile says so, by slice."""
    from fhirconv.definitions.packages import load_ig_definitions
    from fhirconv.errors import DefinitionsNotInstalled
    from fhirconv.validate import build_chain

    try:
        defs, result = load_ig_definitions(["hl7.fhir.uv.ips#2.0.0"], offline=True)
    except DefinitionsNotInstalled:
        pytest.skip(
            "IPS 2.0.0 is not in the package cache (fhirconv definitions install hl7.fhir.uv.ips#2.0.0)"
        )
    assert "hl7.fhir.uv.ipa#1.1.0" in [spec for spec, _why in result.unresolved]
    golden = sorted((Path(__file__).parents[1] / "golden" / "bundles").glob("*.json"))[0]
    bundle = json.loads(golden.read_text(encoding="utf-8"))
    ips = "http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips"
    report = validate_json(bundle, chain=build_chain(defs, profiles=[ips]))
    found = {(i.rule, i.location) for i in report.errors}
    assert ("profile.slice", "Bundle.entry") in found  # no Composition, no Patient slice filled
    assert ("profile.cardinality", "Bundle.entry[0].request") in found  # IPS forbids entry.request
