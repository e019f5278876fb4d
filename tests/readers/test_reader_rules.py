"""The section rules are data: they must validate, compile, and be overridable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirconv.errors import MappingError
from fhirconv.mapping import MappingStore, check, shipped_root
from fhirconv.model import SectionType
from fhirconv.readers._rules import load_rules


def test_sections_json_validates_and_compiles() -> None:
    check(json.loads((shipped_root() / "sections.json").read_text("utf-8")), "sections.json")
    rules = load_rules(MappingStore())
    assert rules.heading_type("Case Presentation") is SectionType.CASE
    assert rules.heading_type("2.1. Laboratory findings:") is SectionType.INVESTIGATIONS
    assert rules.heading_type("ACKNOWLEDGEMENTS") is SectionType.ACKNOWLEDGEMENTS
    assert rules.heading_type("The case was discussed with the family at length") is None
    assert rules.jats_type("no-such-type") is SectionType.OTHER  # __default__ row
    assert rules.bioc_type("REF") is SectionType.REFERENCES


def test_schema_forbids_unknown_keys() -> None:
    schema = json.loads((shipped_root() / "schemas" / "sections.schema.json").read_text("utf-8"))
    assert schema["additionalProperties"] is False


def _override(tmp_path: Path, change: dict[str, object]) -> MappingStore:
    data = json.loads((shipped_root() / "sections.json").read_text("utf-8"))
    data.update(change)
    (tmp_path / "sections.json").write_text(json.dumps(data), "utf-8")
    return MappingStore(tmp_path)


def test_bad_regex_in_override_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="regex"):
        load_rules(_override(tmp_path, {"reference_line": "(unclosed"}))


def test_unknown_section_type_breaks_the_schema(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="sections"):
        load_rules(_override(tmp_path, {"headings": [{"pattern": "x", "type": "gossip"}]}))


def test_override_changes_behaviour(tmp_path: Path) -> None:
    store = _override(tmp_path, {"headings": [{"pattern": "anamnesis", "type": "case"}]})
    assert load_rules(store).heading_type("Anamnesis") is SectionType.CASE
    assert load_rules(store).heading_type("Discussion") is None
