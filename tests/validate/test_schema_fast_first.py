"""The schema checker asks its fastjsonschema function before it loads the JSON Schema (whose
definitions it needs only for a resource with a schema error): the same issues as the membership test
first, on every resource of the official examples and of the FHIR test cases, and on copies made to
fail (a wrong type, an unknown element, a resource type in the wrong case or unknown)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fhirconv.validate import build_chain
from fhirconv.validate.basic import SchemaChecker
from fhirconv.validate.chain import iter_resources
from fhirconv.validate.compiled import CompiledChecker

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir-r4" / "examples"
TEST_CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir-test-cases"


def _schema_checker() -> SchemaChecker:
    chain = build_chain()
    for checker in chain.checkers:
        if isinstance(checker, CompiledChecker):
            for inner in checker.fallback:
                if isinstance(inner, SchemaChecker):
                    return inner
    pytest.skip("no schema checker (definitions without a JSON Schema)")


def _plain(checker: SchemaChecker, resource: dict[str, Any], location: str) -> list[Any]:
    """The check as it was: the schema's definitions asked first, then the fast function."""
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str) or rtype not in checker.schema["definitions"]:
        return []
    fast = checker.fast
    func = fast.get(f"validate___definitions_{rtype.lower()}") if fast is not None else None
    if func is not None:
        try:
            func(resource)
            return []
        except Exception:
            pass
    return list(SchemaChecker.check_resource(checker, resource, location, None))  # type: ignore[arg-type]


def _resources() -> Iterator[tuple[dict[str, Any], str]]:
    files = sorted(EXAMPLES.glob("*.json")) + sorted(TEST_CASES.rglob("*.json"))[:1500]
    for path in files:
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, OSError):
            continue
        if isinstance(data, dict) and isinstance(data.get("resourceType"), str):
            yield from iter_resources(data, data["resourceType"])


def _broken(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rtype = resource["resourceType"]
    wrong = copy.copy(resource)
    wrong["id"] = 12  # a number where the schema wants a string
    yield wrong
    unknown = copy.copy(resource)
    unknown["notAnElement"] = True
    yield unknown
    yield {**resource, "resourceType": rtype.lower()}  # the fast function's name, not a definition
    yield {**resource, "resourceType": rtype + "X"}


def test_fast_function_first_gives_the_same_issues() -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("official examples not installed")
    checker = _schema_checker()
    if checker.fast is None:
        pytest.skip("fastjsonschema code not available: the order cannot differ")
    seen = failing = 0
    for resource, location in _resources():
        if not isinstance(resource.get("resourceType"), str):
            continue
        for variant in [resource, *_broken(resource)] if seen % 7 == 0 else [resource]:
            got = list(checker.check_resource(variant, location, None))  # type: ignore[arg-type]
            assert got == _plain(checker, variant, location), (location, variant.get("resourceType"))
            failing += bool(got)
        seen += 1
    assert seen > 500 and failing > 50  # real resources, and copies the schema rejects


def test_schema_is_not_loaded_for_a_resource_the_fast_function_passes() -> None:
    checker = _schema_checker()
    if checker.fast is None:
        pytest.skip("fastjsonschema code not available")
    fresh = SchemaChecker(lambda: pytest.fail("schema loaded"), lambda: checker.fast)  # type: ignore[arg-type,return-value]
    assert list(fresh.check_resource({"resourceType": "Patient", "id": "a"}, "Patient", None)) == []  # type: ignore[arg-type]
