"""Differential testing of the compiled validator against the checker-by-checker chain.

Shared by ``tests/validate/test_compiled.py`` (samples in the default run) and
``scripts/validator-differential`` (every input). An issue is compared whole: severity, code, location,
rule and message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from fhirconv.validate import ValidationChain, build_chain, validate_json, validate_text

IssueKey = tuple[str, str, str, str, str]


@lru_cache(maxsize=1)
def chains() -> tuple[ValidationChain, ValidationChain]:
    """(reference chain, compiled chain), built once per process."""
    return build_chain(compiled=False), build_chain()


def _keys(issues: Iterable[Any]) -> list[IssueKey]:
    return sorted((i.severity.value, i.code, i.location, i.rule or "", i.message) for i in issues)


def compare_json(data: Any, name: str) -> list[str]:
    """Differences (empty: none) between the two chains on one parsed input."""
    old, new = chains()
    a = _keys(validate_json(copy.deepcopy(data), name, chain=old).issues)
    b = _keys(validate_json(copy.deepcopy(data), name, chain=new).issues)
    return _diff(name, a, b)


def compare_text(text: bytes, name: str) -> list[str]:
    old, new = chains()
    a = [k for r in validate_text(text, name, chain=old) for k in _keys(r.issues)]
    b = [k for r in validate_text(text, name, chain=new) for k in _keys(r.issues)]
    return _diff(name, sorted(a), sorted(b))


def explained(issue: IssueKey) -> bool:
    """A difference where the chain was wrong, by design of the compiled validator.

    The chain's fhirpathpy evaluates both operands of ``and``/``or``/``implies``; when the operand that
    cannot change the result fails in the engine (``when in ('C' | 'CM')`` with two ``when`` values, in
    ``tim-9`` after ``offset.empty()`` is already true), it reports the constraint as "not checked". The
    compiled predicate, like the HL7 validator's FHIRPath engine, does not evaluate that operand and
    decides the constraint. Only such chain-only information notes are explained here.
    """
    severity, code, _location, rule, message = issue
    return (
        severity == "information"
        and code == "informational"
        and message.startswith(f"{rule} not checked: the FHIRPath engine failed")
    )


def _diff(name: str, a: list[IssueKey], b: list[IssueKey]) -> list[str]:
    if a == b:
        return []
    out = [f"{name}: chain only {k}" for k in a if k not in b and not explained(k)]
    out += [f"{name}: compiled only {k}" for k in b if k not in a]
    if not out and sorted(k for k in a if not explained(k)) != b:
        out = [f"{name}: same issues, different multiplicity"]
    return out


def explained_differences(data: Any, name: str) -> list[str]:
    """The chain-only issues :func:`explained` lets pass, for the script's listing."""
    old, new = chains()
    a = _keys(validate_json(copy.deepcopy(data), name, chain=old).issues)
    b = _keys(validate_json(copy.deepcopy(data), name, chain=new).issues)
    return [f"{name}: chain only (explained) {k}" for k in a if k not in b and explained(k)]


def official_examples(shared: Path) -> list[tuple[str, Any]]:
    folder = shared / "fhir-r4" / "examples"
    return [(p.name, json.loads(p.read_bytes())) for p in sorted(folder.glob("*.json"))]


def validator_case_files(shared: Path) -> list[Path]:
    """Every JSON input of the official validator test cases (R4 index)."""
    root = shared / "fhir-test-cases"
    index = json.loads((root / "r4-index.json").read_text(encoding="utf-8"))
    files = sorted({root / c["file"] for c in index if str(c.get("file", "")).endswith(".json")})
    return [f for f in files if f.is_file()]


def converted_bundles(shared: Path, limit: int | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """Bundles converted from the dev corpora (gate ``model``: the validator under test is not the gate)."""
    from fhirconv.pipeline import Converter, ConvertOptions

    converter = Converter(ConvertOptions(gate="model"))
    paths = sorted((shared / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    paths += sorted((shared / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    if limit is not None:
        paths = paths[:: max(1, len(paths) // limit)][:limit]
    for path in paths:
        try:
            doc = converter.read_path(path)
            yield path.name, converter.convert(doc)
        except Exception:
            continue


def mutate_bundle(bundle: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Defects a bug in bundle building could introduce, one at a time, each in a fresh copy."""
    entries = bundle.get("entry") or []
    for i, entry in enumerate(entries[:6]):
        res = entry.get("resource") or {}
        for key in list(res)[1:]:
            value = res[key]
            for label, new in _variants(value):
                m = copy.deepcopy(bundle)
                m["entry"][i]["resource"][key] = new
                yield f"entry[{i}].{key}:{label}", m
        m = copy.deepcopy(bundle)
        m["entry"][i]["resource"]["bogusElement"] = True
        yield f"entry[{i}]:unknown-element", m
    m = copy.deepcopy(bundle)
    m["type"] = "not-a-type"
    yield "bundle-type", m


def _variants(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, str):
        yield "empty-string", ""
        yield "number", 7
        yield "list", [value]
    elif isinstance(value, bool):
        yield "string", "true"
    elif isinstance(value, int | float):
        yield "string", str(value)
    elif isinstance(value, dict):
        yield "empty-object", {}
        yield "list", [value]
        if value:
            first = next(iter(value))
            yield "drop-first", {k: v for k, v in value.items() if k != first}
            yield "null-first", {**value, first: None}
    elif isinstance(value, list) and value:
        yield "empty-list", []
        yield "object", value[0]
        yield "null-item", [*value, None]
