"""Mutation suite: defects injected into valid official examples must all be flagged, at the right place.

Each mutation is generated from the definitions (which element is required, primitive, a choice, bound
to a required value set) and applied to every official example where it fits, so the suite is hundreds
of cases, not a handful of hand-picked ones.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import require_shared

from fhirconv.definitions import load_definitions
from fhirconv.validate import Report, validate_json

Mutation = tuple[str, dict[str, Any], set[str]]  # (name, mutated resource, acceptable error locations)


def _valid_examples() -> list[dict[str, Any]]:
    folder: Path = require_shared("fhir-r4", "examples")
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["resourceType"] == "Bundle":
            continue
        if validate_json(copy.deepcopy(data), path.name).errors:
            continue  # only mutate resources that are valid to begin with
        out.append(data)
    return out


def _elements(rtype: str) -> list[dict[str, Any]]:
    sd = load_definitions().structure_definition(rtype)
    assert sd is not None
    return [e for e in sd["snapshot"]["element"] if e["path"].count(".") == 1]


def _types(e: dict[str, Any]) -> list[str]:
    return [t["code"] for t in e.get("type", [])]


def mutations(res: dict[str, Any]) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    elements = _elements(rtype)
    for e in elements:
        name = e["path"].split(".", 1)[1]
        if e.get("min", 0) >= 1 and not name.endswith("[x]") and name in res:
            m = copy.deepcopy(res)
            del m[name]
            m.pop("_" + name, None)
            yield "missing-required", m, {f"{rtype}.{name}"}
            break
    for e in elements:
        name = e["path"].split(".", 1)[1]
        if name in res and e.get("max") == "1" and _types(e) in (["string"], ["code"], ["dateTime"], ["uri"]):
            m = copy.deepcopy(res)
            m[name] = 12345
            yield "wrong-primitive-type", m, {f"{rtype}.{name}"}
            break
    m = copy.deepcopy(res)
    m["fhirconvBogus"] = "x"
    yield "unknown-element", m, {f"{rtype}.fhirconvBogus"}
    for e in elements:
        name = e["path"].split(".", 1)[1]
        if not name.endswith("[x]"):
            continue
        stem = name[:-3]
        present = [k for k in res if k.startswith(stem) and k[len(stem) :][:1].isupper()]
        if present and "string" in _types(e) and present[0] != stem + "String":
            m = copy.deepcopy(res)
            m[stem + "String"] = "second value"
            yield "two-choice-values", m, {f"{rtype}.{stem}String", f"{rtype}.{present[0]}"}
            break
    for e in elements:
        name = e["path"].split(".", 1)[1]
        binding = e.get("binding") or {}
        if (
            name in res
            and _types(e) == ["code"]
            and binding.get("strength") == "required"
            and e["max"] == "1"
        ):
            m = copy.deepcopy(res)
            m[name] = "fhirconv-bogus-code"
            yield "bad-required-code", m, {f"{rtype}.{name}"}
            break


def _flagged(report: Report, locations: set[str]) -> bool:
    return any(i.location in locations for i in report.errors)


@pytest.fixture(scope="module")
def examples() -> list[dict[str, Any]]:
    return _valid_examples()


@pytest.mark.slow
def test_generated_mutations_are_all_flagged_at_their_location(examples: list[dict[str, Any]]) -> None:
    counts: dict[str, int] = {}
    missed: list[str] = []
    for res in examples:
        for name, mutated, where in mutations(res):
            counts[name] = counts.get(name, 0) + 1
            report = validate_json(mutated, name)
            if not _flagged(report, where):
                missed.append(
                    f"{name} {res['resourceType']}/{res.get('id')}: want {where}, got "
                    f"{[(i.location, i.rule) for i in report.errors][:4]}"
                )
    assert counts.get("missing-required", 0) >= 50
    assert counts.get("wrong-primitive-type", 0) >= 200
    assert counts.get("unknown-element", 0) >= 400
    assert counts.get("two-choice-values", 0) >= 20
    assert counts.get("bad-required-code", 0) >= 200
    assert not missed, f"{len(missed)} missed: {missed[:10]}"


def test_invariant_violation_is_flagged() -> None:
    folder: Path = require_shared("fhir-r4", "examples")
    obs = json.loads((folder / "Observation-example.json").read_text(encoding="utf-8"))
    assert validate_json(copy.deepcopy(obs)).ok
    obs["dataAbsentReason"] = {"text": "not asked"}  # with valueQuantity present: obs-6
    report = validate_json(obs)
    assert any(i.rule == "obs-6" and i.location == "Observation" for i in report.errors), report.errors


# -- references and bundle rules -------------------------------------------------------------------

PAT = "urn:uuid:9a4b6a5e-1d2c-4d4f-8a52-0b3c55f0c001"
OBS = "urn:uuid:9a4b6a5e-1d2c-4d4f-8a52-0b3c55f0c002"
MED = "urn:uuid:9a4b6a5e-1d2c-4d4f-8a52-0b3c55f0c003"


def _bundle() -> dict[str, Any]:
    def entry(url: str, res: dict[str, Any]) -> dict[str, Any]:
        return {"fullUrl": url, "resource": res, "request": {"method": "POST", "url": res["resourceType"]}}

    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(PAT, {"resourceType": "Patient", "gender": "female"}),
            entry(
                OBS,
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "fever"},
                    "subject": {"reference": PAT},
                },
            ),
            entry(MED, {"resourceType": "Medication", "code": {"text": "IVIg"}}),
        ],
    }


BUNDLE_MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "dangling-reference",
        lambda b: b["entry"][1]["resource"]["subject"].update(
            reference="urn:uuid:00000000-0000-4000-8000-000000000000"
        ),
        "Bundle.entry[1].resource.subject.reference",
        "reference.resolve",
    ),
    (
        "wrong-target-type",
        lambda b: b["entry"][1]["resource"]["subject"].update(reference=MED),
        "Bundle.entry[1].resource.subject.reference",
        "reference.target-type",
    ),
    (
        "duplicate-fullUrl",
        lambda b: b["entry"][2].update(fullUrl=OBS),
        "Bundle.entry[2].fullUrl",
        "bundle.fullurl-unique",
    ),
    (
        "transaction-without-request",
        lambda b: b["entry"][0].pop("request"),
        "Bundle.entry[0].request",
        "bundle.request",
    ),
]


def test_base_bundle_is_valid() -> None:
    report = validate_json(_bundle())
    assert report.ok, report.errors
    assert report.resource_count == 4


@pytest.mark.parametrize(
    ("name", "mutate", "location", "rule"), BUNDLE_MUTATIONS, ids=[m[0] for m in BUNDLE_MUTATIONS]
)
def test_bundle_mutation_flagged(
    name: str, mutate: Callable[[dict[str, Any]], None], location: str, rule: str
) -> None:
    bundle = _bundle()
    mutate(bundle)
    report = validate_json(bundle)
    assert any(i.location == location and i.rule == rule for i in report.errors), report.errors
