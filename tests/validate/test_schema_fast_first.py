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


def _outcome(func: Any, resource: dict[str, Any]) -> tuple[str, str]:
    try:
        func(resource)
    except Exception as exc:  # JsonSchemaValueException: its message and path
        return type(exc).__name__, str(exc)
    return "", ""


def test_validators_made_on_first_call_answer_as_the_whole_closure() -> None:
    """The fastjsonschema functions a validator calls are made on their own first call (stubs until
    then): the same pass or exception, message for message, as with every function it may call made
    beforehand (the former loading), on the examples and broken copies; and fewer functions made."""
    from fhirconv.definitions import compiled as defs_compiled

    checker = _schema_checker()
    if not isinstance(checker.fast, defs_compiled._FastSchema):
        pytest.skip("fastjsonschema code not available")
    lazy = checker.fast
    eager = defs_compiled._FastSchema.__new__(defs_compiled._FastSchema)
    eager.__dict__.update(
        _map=lazy._map, _base=lazy._base, _functions=lazy._functions, _ns={"_fhirconv_make": None}
    )
    eager._ns["_fhirconv_make"] = eager._make
    header_names = set(lazy._ns) - set(lazy._functions)
    eager._ns.update({k: v for k, v in lazy._ns.items() if k in header_names})
    for name in lazy._functions:  # everything made: no stub is ever called
        eager._make(name)
    assert not any(getattr(f, "__code__", None) is defs_compiled._STUB_CODE for f in eager._ns.values())
    fresh = defs_compiled._FastSchema.__new__(defs_compiled._FastSchema)
    fresh.__dict__.update(_map=lazy._map, _base=lazy._base, _functions=lazy._functions, _ns={})
    fresh._ns.update({k: v for k, v in lazy._ns.items() if k in header_names})
    fresh._ns["_fhirconv_make"] = fresh._make
    compared = failed = 0
    for resource, _location in _resources():
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str) or f"validate___definitions_{rtype.lower()}" not in lazy._functions:
            continue
        name = f"validate___definitions_{rtype.lower()}"
        for variant in [resource, *_broken(resource)][:3]:
            got = _outcome(fresh[name], variant)
            assert got == _outcome(eager[name], variant), (name, got)
            compared += 1
            failed += bool(got[0])
    assert compared > 1000 and failed > 100
    made = [f for f in fresh._ns.values() if callable(f) and getattr(f, "__code__", None) is not None]
    stubs = [f for f in made if f.__code__ is defs_compiled._STUB_CODE]
    assert stubs  # some callee never called: never made
