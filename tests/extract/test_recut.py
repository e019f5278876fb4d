"""The shape of extract/: typed rules with no dead keys, roles instead of FHIR paths, small modules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fhirconv.errors import MappingError
from fhirconv.extract import Extractor
from fhirconv.extract.context import ContextRule
from fhirconv.extract.rules import MedicationRules, OutcomeRules, RuleData
from fhirconv.fhir.roles import ELEMENT_PATHS, element_path, role_of_path
from fhirconv.mapping import MappingStore, shipped_root
from fhirconv.model import MentionRole

EXTRACT = Path(__file__).resolve().parents[2] / "fhirconv" / "extract"
SOURCES = sorted(EXTRACT.glob("*.py"))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(MappingStore())


def test_every_rule_file_is_read(extractor: Extractor) -> None:
    files = {n.name[:-5] for n in (shipped_root() / "rules").iterdir() if n.name.endswith(".json")}
    assert files == {"extraction", "context", "numbers", "timeline", "family", "events"}, (
        "a rules file no component reads (or a new one to wire)"
    )
    assert extractor.observations.q.numbers.divided_words, "rules/numbers is wired through Quantities"


@pytest.mark.parametrize(
    "which", ["rule_data", "context_data", "timeline_data", "family_data", "events_data"]
)
def test_every_rule_key_is_read(extractor: Extractor, which: str) -> None:
    data: RuleData = getattr(extractor, which)
    assert data.keys(), "no rule keys at all"
    assert data.keys() - data.used == set(), f"{data.name}.json keys no code reads"


def test_a_bad_rule_value_names_its_key() -> None:
    with pytest.raises(MappingError, match="taper_words"):
        MedicationRules.from_dict(
            RuleData(
                {
                    "drug_negation_phrases": ["not given"],
                    "taper_words": "tapered",
                    "stop_words": ["x"],
                    "reason_phrases": ["for"],
                }
            )
        )
    with pytest.raises(MappingError, match="reason_phrases"):
        MedicationRules.from_dict(
            RuleData({"drug_negation_phrases": ["a"], "taper_words": ["b"], "stop_words": ["c"]})
        )
    with pytest.raises(MappingError, match="unknown kinds"):
        OutcomeRules.from_dict(RuleData({"outcome_phrases": {"cured": ["x"]}, "outcome_negators": ["no"]}))


def test_context_rule_from_dict_validates() -> None:
    rule = ContextRule.from_dict({"literal": "No-evidence of", "category": "negated", "direction": "forward"})
    assert rule.literal == "no evidence of" and rule.max_scope > 0
    with pytest.raises(MappingError, match="category"):
        ContextRule.from_dict({"literal": "maybe", "category": "perhaps", "direction": "forward"})
    with pytest.raises(MappingError, match="applies"):
        ContextRule.from_dict(
            {"literal": "no", "category": "negated", "direction": "forward", "applies_to": ["gene"]}
        )


# A FHIR element path: a resource type, a dot and an element ("Observation.value[x]"), or a choice
# element name ("valueQuantity") -- extraction must speak of roles only.
_RESOURCES = "|".join(sorted({*ELEMENT_PATHS, "Encounter", "MedicationStatement", "DocumentReference"}))
_FHIR_PATH = re.compile(
    rf"\b(?:{_RESOURCES})\.[a-z]|\b(?:value|dose|effective|onset|deceased)[A-Z][a-z]+\b|\[x\]"
)


def test_the_pattern_finds_element_paths() -> None:
    assert _FHIR_PATH.search('Mention(s, e, t, "MedicationAdministration.dosage.dose")')
    assert _FHIR_PATH.search("o['valueQuantity']")
    assert not _FHIR_PATH.search("MentionRole.DOSE")


def test_no_fhir_element_path_in_extract() -> None:
    assert len(SOURCES) >= 10
    found = [
        f"{p.name}:{n}: {line.strip()}"
        for p in SOURCES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _FHIR_PATH.search(line)
    ]
    assert found == []


def test_no_extract_module_over_400_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCES}
    assert {"patient.py", "conditions.py", "observations.py", "medications.py", "procedures.py"} <= set(sizes)
    assert {"outcome.py", "link.py"} <= set(sizes)
    assert {name: n for name, n in sizes.items() if n > 400} == {}


@pytest.mark.parametrize(("rtype", "role"), [(t, r) for t, roles in ELEMENT_PATHS.items() for r in roles])
def test_roles_read_back_from_paths(rtype: str, role: MentionRole) -> None:
    back = role_of_path(element_path(rtype, role))
    assert back is (MentionRole.DURATION if role is MentionRole.START else role)


def test_a_role_a_resource_lacks_is_an_error() -> None:
    with pytest.raises(KeyError):
        element_path("Condition", MentionRole.DOSE)
    assert role_of_path("Observation.note") is None


def _layers(module: str) -> set[str]:
    root = Path(__file__).resolve().parents[2] / "fhirconv" / module
    files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    out: set[str] = set()
    for p in files:
        out |= set(re.findall(r"^\s*from \.\.+(\w+)", p.read_text(encoding="utf-8"), re.M))
        out |= set(re.findall(r"^\s*from fhirconv\.(\w+)", p.read_text(encoding="utf-8"), re.M))
    return out


@pytest.mark.parametrize(("module", "forbidden"), [("normalize", "extract"), ("validate", "mapping")])
def test_layering(module: str, forbidden: str) -> None:
    imported: Any = _layers(module)
    assert imported, f"no imports found in {module}: the check would say nothing"
    assert forbidden not in imported
