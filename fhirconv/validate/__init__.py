"""R4 validation: ``validate_json`` for one parsed input, ``validate_paths`` for files, folders, stdin.

The chain (well-formedness, JSON Schema per type, structure, FHIRPath invariants, terminology bindings,
references, fhirconv lint) is built once per process over the compiled definitions and reused, so the
convert command can gate every bundle it writes at little cost.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import strictjson
from ..errors import HostileInputError, InputError, MalformedInputError
from .chain import ValidationChain, iter_resources
from .issues import Issue, Report, Severity

if TYPE_CHECKING:
    from .references import OtherEntries

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
    "validate_text",
    "validate_xml",
]

_lock = threading.Lock()
_chain: ValidationChain | None = None


def build_chain(
    definitions: Any | None = None,
    *,
    profiles: Iterable[str] = (),
    compiled: bool = True,
    unknown_profile: str = "warning",
) -> ValidationChain:
    """A fresh chain over ``definitions`` (default: the installed, compiled R4 definitions); ``profiles``
    are checked on the root resource (or, for a Bundle root, on entries of the profile's type) besides
    the ``meta.profile`` every resource claims.

    ``compiled`` (default) puts the generated single-walk validator (``validate/compiled.py``) in place of
    the schema, structure, invariant and binding checkers, which it keeps for resources it finds not
    clean; ``compiled=False`` is the checker-by-checker chain (the differential tests' reference).

    ``unknown_profile`` is the severity of a ``meta.profile`` claim that no loaded package defines:
    ``warning`` (the HL7 validator's default: the claim could not be checked) or ``error`` (a CI job that
    must not pass a bundle whose claims went unchecked). A profile asked for in ``profiles`` that is
    missing is always an error."""
    if unknown_profile not in ("warning", "error"):
        raise ValueError(f"unknown_profile must be warning or error, not {unknown_profile!r}")
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
        checkers.append(SchemaChecker(schema, fast if callable(fast) else None))  # loaded on first use
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
    inv = next((c for c in checkers if c.name == "invariants"), None)
    bind = next((c for c in checkers if c.name == "bindings"), None)
    if compiled and inv is not None and bind is not None:
        from .compiled import CompiledChecker

        walks = checkers[1:]  # schema, structure, invariants, bindings: their order is kept on fallback
        checkers = [checkers[0], CompiledChecker(defs, walks, cache, inv, bind, terminology)]
    checkers.append(ReferenceChecker(cache))
    checkers.append(ConformanceChecker())
    checkers.append(LintChecker(cache))
    from .measures import MeasureChecker
    from .profiles import ProfileChecker
    from .questionnaires import QuestionnaireChecker

    severity = Severity.ERROR if unknown_profile == "error" else Severity.WARNING
    checkers.append(ProfileChecker(defs, profiles, unknown_claims=severity))
    checkers.append(QuestionnaireChecker())
    checkers.append(MeasureChecker())
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


def validate_json(
    data: Any,
    source: str = "<input>",
    *,
    chain: ValidationChain | None = None,
    others: OtherEntries | None = None,
) -> Report:
    """Validate one parsed resource (a Bundle included) against R4 with ``chain`` (default: R4 core).
    ``others``: the rest of a bundle validated in parts (``references.OtherEntries``), or None."""
    return _drop_schema_echoes((chain or default_chain()).validate(data, source, others=others))


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse strictly (duplicate keys, NaN/Infinity, overflowing numbers, lone surrogates and excessive
    depth are refused); raise MalformedInputError with the position."""
    return strictjson.loads(text, source)


@dataclass(frozen=True, slots=True)
class _Input:
    name: str
    path: Path | None  # None: stdin


def _real_key(q: Path, folders: dict[Path, Path]) -> str:
    """``str(q.resolve())``, each folder resolved once: a file that is no symlink resolves to its
    folder's resolution joined with its name (``resolve`` stats every component of every path)."""
    name = q.name
    if name in ("", ".", "..") or os.path.islink(q):
        return str(q.resolve())
    parent = q.parent
    real = folders.get(parent)
    if real is None:
        real = folders[parent] = parent.resolve()
    return str(real / name)


def _expand(items: Iterable[str]) -> Iterator[_Input]:
    seen: set[str] = set()
    folders: dict[Path, Path] = {}
    for item in items:
        if item == "-":
            yield _Input("<stdin>", None)
            continue
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".json", ".ndjson", ".xml")
            )
            if not found:
                raise InputError(f"no *.json, *.ndjson or *.xml file in folder '{item}'", source=item)
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
            if not found:
                raise InputError(f"no file matches '{item}'", source=item)
        else:
            found = [p]
        for q in found:
            key = _real_key(q, folders)
            if key not in seen:
                seen.add(key)
                yield _Input(str(q), q)


def _fatal(source: str, message: str, rule: str = "json", where: tuple[int, int] | None = None) -> Report:
    line, column = where if where is not None else (None, None)
    issue = Issue(Severity.FATAL, "structure", "$", message, rule, line=line, column=column)
    return Report(source=source, issues=[issue])


def _syntax_position(text: str | bytes, line_offset: int = 0) -> tuple[int, int] | None:
    """Where the strict scanner stops on text the parser refused (None when it does not)."""
    from .positions import JsonSyntaxError, json_positions

    try:
        json_positions(text, "$", line_offset=line_offset)
    except JsonSyntaxError as exc:
        return exc.line, exc.column
    except (ValueError, RecursionError):
        return None
    return None


def _with_locator(
    report: Report, text: str | bytes, data: Any, source_file: str, line_offset: int = 0
) -> Report:
    """Let the report map its locations to line/column on demand (``Report.locate``)."""
    report.artifact = source_file
    if isinstance(data, dict) and isinstance(data.get("resourceType"), str):
        from .positions import json_positions

        root = str(data["resourceType"])
        report.locator = lambda: json_positions(text, root, line_offset=line_offset)
    return report


def validate_xml(data: bytes, source: str, *, chain: ValidationChain | None = None) -> Report:
    """Validate one FHIR XML document: mapped to the JSON form with the definitions, then the chain.

    Malformed or hostile XML is a fatal finding (with its position); XML-only rules (namespace, element
    order, text content) are reported next to the chain's findings.
    """
    from .xml_input import xml_to_json

    chain = chain or default_chain()
    try:
        result = xml_to_json(data, source, chain.definitions)
    except (MalformedInputError, HostileInputError) as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        line, column = detail.get("line"), detail.get("column")
        where = (int(line), int(column) + 1) if isinstance(line, int) and isinstance(column, int) else None
        report = _fatal(source, exc.message, "xml", where)
        report.artifact = source
        return report
    report = validate_json(result.data, source, chain=chain)
    chained = [
        i for i in report.issues if not (i.rule in ("type", "schema") and i.location in result.retyped)
    ]
    report.issues = result.issues + chained
    report.artifact = source
    positions = result.positions
    report.locator = lambda: positions
    return report


def _looks_xml(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<"


def validate_text(
    text: str | bytes,
    source: str,
    *,
    ndjson: bool = False,
    xml: bool | None = None,
    chain: ValidationChain | None = None,
) -> list[Report]:
    """Reports for one document's text: one per line for NDJSON, else one (JSON, or FHIR XML when
    ``xml`` is true or, left ``None``, when the text starts with ``<``).

    Each report can tell the line and column of its issues: call ``Report.locate()`` (renderers do).
    """
    raw_bytes = text.encode("utf-8") if isinstance(text, str) else text
    if xml or (xml is None and not ndjson and _looks_xml(raw_bytes)):
        return [validate_xml(raw_bytes, source, chain=chain)]
    if ndjson:
        raw = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
        reports: list[Report] = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            name = f"{source}:{n}"
            try:
                data = parse_json(line, name)
            except MalformedInputError as exc:
                fatal = _fatal(name, exc.message, where=_syntax_position(line, n - 1))
                fatal.artifact = source
                reports.append(fatal)
                continue
            reports.append(_with_locator(validate_json(data, name, chain=chain), line, data, source, n - 1))
        return reports
    try:
        data = parse_json(text, source)
    except MalformedInputError as exc:
        return [_fatal(source, exc.message, where=_syntax_position(text))]
    return [_with_locator(validate_json(data, source, chain=chain), text, data, source)]


def validate_paths(items: Iterable[str], *, chain: ValidationChain | None = None) -> Iterator[Report]:
    """Validate files, folders (``*.json``/``*.ndjson``/``*.xml`` in them), globs and ``-`` (stdin) in turn.

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
        xml = (inp.path is not None and inp.path.suffix.lower() == ".xml") or _looks_xml(data)
        yield from validate_text(data, inp.name, ndjson=ndjson and not xml, xml=xml, chain=chain)


_LINE = re.compile(rb"[^\r\n]+")  # a line of bytes.splitlines() that is not empty


def _looks_ndjson(data: bytes) -> bool:
    lines: list[bytes] = []  # the first three lines that are not blank (no need to split the rest)
    for m in _LINE.finditer(data.strip()):
        line = m.group()
        if line.strip():
            lines.append(line)
            if len(lines) == 3:
                break
    if len(lines) < 2:
        return False
    return all(ln.lstrip().startswith(b"{") and ln.rstrip().endswith(b"}") for ln in lines[:3])
