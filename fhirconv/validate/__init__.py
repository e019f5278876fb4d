"""R4 validation: ``validate_json`` for one parsed input, ``validate_paths`` for files, folders, stdin.

The chain (well-formedness, JSON Schema per type, structure, FHIRPath invariants, terminology bindings,
references, fhirconv lint) is built once per process over the compiled definitions and reused, so the
convert command can gate every bundle it writes at little cost.
"""

from __future__ import annotations

import glob
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import strictjson
from ..errors import InputError, MalformedInputError
from .chain import ValidationChain, iter_resources
from .issues import Issue, Report, Severity

__all__ = [
    "Issue",
    "Report",
    "Severity",
    "ValidationChain",
    "build_chain",
    "default_chain",
    "iter_resources",
    "parse_json",
    "validate_json",
    "validate_paths",
]

_lock = threading.Lock()
_chain: ValidationChain | None = None


def build_chain(definitions: Any | None = None) -> ValidationChain:
    """A fresh chain over ``definitions`` (default: the installed, compiled R4 definitions)."""
    from ..definitions import load_definitions
    from .basic import SchemaChecker, WellFormedChecker
    from .conformance import ConformanceChecker
    from .lint import LintChecker
    from .references import ReferenceChecker
    from .structure import StructureChecker, WalkCache

    defs = definitions if definitions is not None else load_definitions()
    cache = WalkCache()
    checkers: list[Any] = [WellFormedChecker()]
    schema = getattr(defs, "json_schema", None)
    if callable(schema):
        fast = getattr(defs, "fast_schema", None)
        checkers.append(SchemaChecker(schema(), fast() if callable(fast) else None))
    checkers.append(StructureChecker(cache))
    terminology: Any = None
    try:  # part B's checkers; the chain stays usable without them
        from .invariants import InvariantChecker, PlanCache

        plans = PlanCache()
        checkers.append(InvariantChecker(defs, plans))
        try:
            from .bindings import BindingChecker
            from .terminology import LocalTerminology

            terminology = LocalTerminology(defs)
            checkers.append(BindingChecker(defs, terminology, plans))
        except ImportError:
            pass
    except ImportError:
        pass
    if terminology is None:
        terminology = _NoTerminology()
    checkers.append(ReferenceChecker(cache))
    checkers.append(ConformanceChecker())
    checkers.append(LintChecker(cache))
    return ValidationChain(defs, terminology, checkers, before_input=[cache])


class _NoTerminology:
    def validate_code(self, value_set_url: str, system: str | None, code: str) -> bool | None:
        return None

    def knows_system(self, system: str) -> bool:
        return False


def default_chain() -> ValidationChain:
    global _chain
    with _lock:
        if _chain is None:
            _chain = build_chain()
        return _chain


def _drop_schema_echoes(report: Report) -> Report:
    """The schema restates what structure found; keep a schema finding only where nothing else spoke."""
    others = [i.location for i in report.issues if i.rule != "schema" and i.is_error]
    if not others:
        return report
    kept = []
    for issue in report.issues:
        if issue.rule == "schema" and any(
            o == issue.location
            or o.startswith(issue.location + ".")
            or o.startswith(issue.location + "[")
            or issue.location.startswith(o + ".")
            or issue.location.startswith(o + "[")
            for o in others
        ):
            continue
        kept.append(issue)
    report.issues = kept
    return report


def validate_json(data: Any, source: str = "<input>") -> Report:
    """Validate one parsed resource (a Bundle included) against R4 with the default chain."""
    return _drop_schema_echoes(default_chain().validate(data, source))


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse strictly (duplicate keys, NaN/Infinity, overflowing numbers, lone surrogates and excessive
    depth are refused); raise MalformedInputError with the position."""
    return strictjson.loads(text, source)


@dataclass(frozen=True, slots=True)
class _Input:
    name: str
    path: Path | None  # None: stdin


def _expand(items: Iterable[str]) -> Iterator[_Input]:
    seen: set[str] = set()
    for item in items:
        if item == "-":
            yield _Input("<stdin>", None)
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".json", ".ndjson")
            )
            if not found:
                raise InputError(f"no *.json or *.ndjson file in folder '{item}'", source=item)
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
            if not found:
                raise InputError(f"no file matches '{item}'", source=item)
        else:
            found = [p]
        for q in found:
            key = str(q.resolve())
            if key not in seen:
                seen.add(key)
                yield _Input(str(q), q)


def _fatal(source: str, message: str, rule: str = "json") -> Report:
    return Report(source=source, issues=[Issue(Severity.FATAL, "structure", "$", message, rule)])


def validate_text(text: str | bytes, source: str, *, ndjson: bool = False) -> list[Report]:
    """Reports for one document's text: one per line for NDJSON, else one."""
    if ndjson:
        raw = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
        reports: list[Report] = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            name = f"{source}:{n}"
            try:
                reports.append(validate_json(parse_json(line, name), name))
            except MalformedInputError as exc:
                reports.append(_fatal(name, exc.message))
        return reports
    try:
        data = parse_json(text, source)
    except MalformedInputError as exc:
        return [_fatal(source, exc.message)]
    return [validate_json(data, source)]


def validate_paths(items: Iterable[str]) -> Iterator[Report]:
    """Validate files, folders (``*.json``/``*.ndjson`` inside), globs and ``-`` (stdin), one at a time.

    Malformed JSON is a fatal finding in that input's report (the batch goes on). A path that cannot be
    read at all raises InputError (exit 3) after the reports before it were yielded.
    """
    for inp in _expand(items):
        if inp.path is None:
            data = sys.stdin.buffer.read()
            ndjson = _looks_ndjson(data)
        else:
            try:
                data = inp.path.read_bytes()
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", source=inp.name) from exc
            ndjson = inp.path.suffix.lower() == ".ndjson" or _looks_ndjson(data)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        yield from validate_text(data, inp.name, ndjson=ndjson)


def _looks_ndjson(data: bytes) -> bool:
    lines = [ln for ln in data.strip().splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    return all(ln.lstrip().startswith(b"{") and ln.rstrip().endswith(b"}") for ln in lines[:3])
