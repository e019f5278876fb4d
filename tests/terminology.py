"""Terminology figures and checks over FHIR bundles, shared by the audit test and tools/code_coverage.py.

Kept free of pytest so the measuring script can import it. Every check here is one a reviewer made by
hand against the code systems (issue 9): a Condition with two SNOMED codes, HPO under a non-HL7 URI, a
Quantity with a unit and no UCUM code, a LOINC code with a bad check digit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
HPO = "http://human-phenotype-ontology.org"
UCUM = "http://unitsofmeasure.org"
MEDICATION_TYPES = ("MedicationAdministration", "MedicationStatement")


def allowed_systems() -> dict[str, dict[str, Any]]:
    """The system URIs HL7's terminology registry lists, as kept in mappings/codes/systems.json."""
    data = json.loads((REPO / "mappings" / "codes" / "systems.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data["rows"].items() if k != "__default__"}


def system_allowed(system: str, systems: dict[str, dict[str, Any]]) -> bool:
    """Exact rows match the URI as written; prefix rows match a canonical base (case as THO writes it)."""
    if system in systems and systems[system]["match"] == "exact":
        return True
    low = system.lower()
    return any(v["match"] == "prefix" and low.startswith(k) for k, v in systems.items())


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC's mod-10 (Luhn) check digit: ``NNNNN-C``."""
    if "-" not in code:
        return False
    body, check = code.rsplit("-", 1)
    if not body.isdigit() or not check.isdigit() or len(check) != 1:
        return False
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # rightmost digit of the body is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(check)


def walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in a resource with its dotted path."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, path)


def codings(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, obj in walk(resource):
        if "system" in obj and "code" in obj and "value" not in obj:
            yield path, obj


def quantities(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, obj in walk(resource):
        if "value" in obj and isinstance(obj.get("value"), int | float):
            yield path, obj


def resources(bundles: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for b in bundles:
        for e in b.get("entry", []):
            yield e["resource"]


def audit_bundle(bundle: dict[str, Any], systems: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Problems in one bundle; empty when it passes."""
    systems = allowed_systems() if systems is None else systems
    problems: list[str] = []
    for res in resources([bundle]):
        rtype = res["resourceType"]
        code = res.get("code") or res.get("medicationCodeableConcept") or {}
        snomed = [c for c in code.get("coding", []) if c.get("system") == SNOMED]
        if len(snomed) > 1:
            problems.append(f"{rtype}: {len(snomed)} SNOMED codings on {code.get('text')!r}")
        for path, c in codings(res):
            system = c["system"]
            if path.startswith("meta.tag") or path.startswith("identifier"):
                continue  # fhirconv's own tag and identifier systems, not code systems
            if not system_allowed(system, systems):
                problems.append(f"{rtype}.{path}: system {system} is not in mappings/codes/systems.json")
            if system == LOINC and not loinc_check_digit_ok(c["code"]):
                problems.append(f"{rtype}.{path}: LOINC {c['code']} has a bad check digit")
        for path, q in quantities(res):
            if q.get("unit") and not (q.get("system") == UCUM and q.get("code")):
                problems.append(f"{rtype}.{path}: quantity with unit {q['unit']!r} has no UCUM code")
    return problems


def coverage(bundles: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The figures of issue 9: SNOMED on Conditions, RxNorm on drugs, UCUM on quantities, by system."""
    n: Counter[str] = Counter()
    systems: Counter[str] = Counter()
    for res in resources(bundles):
        rtype = res["resourceType"]
        code = res.get("code") or res.get("medicationCodeableConcept") or {}
        got = {c["system"] for c in code.get("coding", [])}
        for c in code.get("coding", []):
            systems[c["system"]] += 1
        if rtype == "Condition":
            n["conditions"] += 1
            n["conditions_snomed"] += SNOMED in got
            n["conditions_multi_snomed"] += sum(c["system"] == SNOMED for c in code.get("coding", [])) > 1
            n["conditions_coded"] += bool(got)
        if rtype in MEDICATION_TYPES:
            n["drugs"] += 1
            n["drugs_rxnorm"] += RXNORM in got
        if rtype == "Observation":
            n["observations"] += 1
            n["observations_loinc"] += LOINC in got
        for _, q in quantities(res):
            n["quantities"] += 1
            n["quantities_unit_no_ucum"] += bool(q.get("unit")) and not q.get("code")
    out: dict[str, Any] = dict(n)

    def share(a: str, b: str) -> float:
        return round(n[a] / n[b], 4) if n[b] else 0.0

    out["share_conditions_snomed"] = share("conditions_snomed", "conditions")
    out["share_drugs_rxnorm"] = share("drugs_rxnorm", "drugs")
    out["share_observations_loinc"] = share("observations_loinc", "observations")
    out["codings_by_system"] = dict(sorted(systems.items()))
    return out
