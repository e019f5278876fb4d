"""R4 validation: ``validate_json`` for one parsed input, ``validate_paths`` for files, folders, stdin.

The chain (well-formedness, JSON Schema per type, structure, FHIRPath invariants, terminology bindings,
references, fhirconv lint) is built once per process over the compiled definitions and reused, so the
convert command can gate every bundle it writes at little cost.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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


class _Input(NamedTuple):
    name: str  # as ``str(Path(item))`` names it
    path: str | None  # None: stdin
    suffix: str  # ``Path(name).suffix.lower()`` ("" for stdin)


_IGNORED_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
"""The stat errors ``Path.is_dir`` takes for "not a folder" (it raises the others)."""


def _is_dir(name: str) -> bool:
    """``Path(name).is_dir()`` without building the Path."""
    try:
        return stat.S_ISDIR(os.stat(name).st_mode)
    except OSError as exc:
        if exc.errno not in _IGNORED_ERRNOS:
            raise
        return False
    except ValueError:
        return False


def _path_name(item: str) -> str:
    """``str(Path(item))``: the item itself when Path would not change it (no empty or ``.`` part, no
    trailing slash), which is every path a shell glob or a folder listing gives."""
    if (
        item
        and "//" not in item
        and "/." not in item
        and item[-1] != "/"
        and item[:2] != "./"
        and item != "."
    ):
        return item
    return str(Path(item))


def _suffix(name: str) -> str:
    """``Path(name).suffix.lower()`` of a name as :func:`_path_name` gives it."""
    tail = name[name.rfind("/") + 1 :]
    i = tail.rfind(".")
    return tail[i:].lower() if 0 < i < len(tail) - 1 else ""


def _real_key(name: str, folders: dict[str, str], *, maybe_link: bool = True) -> str:
    """``str(Path(name).resolve())``, each folder resolved once: a file that is no symlink resolves to its
    folder's resolution joined with its name (``resolve`` stats every component of every path).
    ``maybe_link=False``: the caller's ``lstat`` showed ``name`` is no symlink (one system call fewer).
    ``folders`` is keyed by the name up to its last ``/`` as written (``os.path.split`` drops the
    trailing slashes of the head; equal keys have equal heads)."""
    cut = name.rfind("/") + 1
    tail = name[cut:]
    if tail in ("", ".", "..") or (maybe_link and os.path.islink(name)):
        return str(Path(name).resolve())
    real = folders.get(name[:cut])
    if real is None:
        head = os.path.split(name)[0]
        real = folders[name[:cut]] = str(Path(head or ".").resolve())
    return real + tail if real.endswith("/") else real + "/" + tail


def _lstat_kind(name: str) -> bool | None:
    """True for a folder, False for anything else that is no symlink, None when ``lstat`` fails or finds
    a symlink (then :func:`_is_dir` and :func:`_real_key` decide the long way, their errors included).
    For a name that is no symlink ``lstat`` is ``stat``, so this is ``_is_dir`` and tells ``_real_key``
    that ``os.path.islink`` is False."""
    try:
        mode = os.lstat(name).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISLNK(mode):
        return None
    return stat.S_ISDIR(mode)


_SUFFIXES = (".json", ".ndjson", ".xml")


def _expand(items: Iterable[str]) -> Iterator[_Input]:
    seen: set[str] = set()
    folders: dict[str, str] = {}
    for item in items:
        if item == "-":
            yield _Input("<stdin>", None, "")
            continue
        name = _path_name(item)
        kind = _lstat_kind(name)
        if kind is False:  # a file (or a special file) named directly, no symlink: the common case
            key = _real_key(name, folders, maybe_link=False)
            if key not in seen:
                seen.add(key)
                yield _Input(name, name, _suffix(name))
            continue
        if kind or _is_dir(name):
            found = [  # sorted as Paths are (by their parts), then named
                str(q)
                for q in sorted(
                    q for q in Path(name).rglob("*") if q.is_file() and q.suffix.lower() in _SUFFIXES
                )
            ]
            if not found:
                raise InputError(f"no *.json, *.ndjson or *.xml file in folder '{item}'", source=item)
        elif any(ch in item for ch in "*?["):
            found = [
                str(q) for q in sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
            ]
            if not found:
                raise InputError(f"no file matches '{item}'", source=item)
        else:
            found = [name]
        for file in found:
            key = _real_key(file, folders)
            if key not in seen:
                seen.add(key)
                yield _Input(file, file, _suffix(file))


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
    report: Report,
    text: str | bytes,
    data: Any,
    source_file: str,
    line_offset: int = 0,
    *,
    dumped: bool = False,
) -> Report:
    """Let the report map its locations to line/column on demand (``Report.locate``). ``dumped``: the
    text is orjson's indented dump of ``data`` (``strictjson.loads_laid_out``)."""
    report.artifact = source_file
    if isinstance(data, dict) and isinstance(data.get("resourceType"), str):
        root = str(data["resourceType"])
        report.locator = lambda: _positions(text, data, root, line_offset, dumped)
    return report


def _positions(
    text: str | bytes, data: Any, root: str, line_offset: int, dumped: bool = False
) -> Mapping[str, tuple[int, int]]:
    """``json_positions`` of the text, worked out per location asked: ``DumpedPositions`` when the text
    is orjson's indented dump of ``data`` (found by its layout) or laid out as it is (numbers written
    otherwise, CRLF), else ``ParsedPositions`` (the text walked along each location's path, guided by
    ``data``, the value strictly parsed from it)."""
    from .positions import DumpedPositions, ParsedPositions, dump_of_same_layout, json_positions

    def full() -> dict[str, tuple[int, int]]:
        return json_positions(text, root, line_offset=line_offset)

    if dumped:
        return DumpedPositions(text, data, root, line_offset, full)
    dump = dump_of_same_layout(text, data)  # numbers written otherwise, CRLF: the dump's places
    if dump is not None:
        return DumpedPositions(dump, data, root, line_offset, full)
    raw = text.decode("utf-8") if isinstance(text, bytes) else text
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    return ParsedPositions(raw, data, root, line_offset, full)


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
    return _first_byte(data) == b"<"


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
        data, dumped = strictjson.loads_laid_out(text, source)
    except MalformedInputError as exc:
        return [_fatal(source, exc.message, where=_syntax_position(text))]
    return [_with_locator(validate_json(data, source, chain=chain), text, data, source, dumped=dumped)]


def validate_paths(items: Iterable[str], *, chain: ValidationChain | None = None) -> Iterator[Report]:
    """Validate files, folders (``*.json``/``*.ndjson``/``*.xml`` in them), globs and ``-`` (stdin) in turn.

    Malformed JSON is a fatal finding in that input's report (the batch goes on). A path that cannot be
    read at all raises InputError (exit 3) after the reports before it were yielded.
    """
    for name, path, suffix in _expand(items):
        if path is None:
            data = sys.stdin.buffer.read()
        else:
            try:
                data = _read(path)
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", source=name) from exc
        data, ndjson, xml = _sniff(data, suffix)
        yield from validate_text(data, name, ndjson=ndjson, xml=xml, chain=chain)


def _read(path: str) -> bytes:
    """The whole file, as ``open(path, "rb", buffering=0).read()`` gives it (the same errors, as
    ``OSError``), without the file object: one ``open``, ``fstat`` and ``read`` of the size it reports
    plus one byte, more reads up to the end only when that read gave another length (a pipe, a file
    that changed). The file object and its ``readall`` cost about a third of reading the 527 R4
    examples (~8 -> 5 ms CPU)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) == size:
            return data  # all the file fstat saw (a file changing meanwhile is read as it happens to be)
        parts = [data]
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def _sniff(data: bytes, suffix: str) -> tuple[bytes, bool, bool]:
    """The text without a UTF-8 BOM, whether it is NDJSON and whether it is XML (by ``suffix``, a
    lower-cased file suffix or "", or by its look), as ``validate_paths`` decides them: NDJSON is sniffed
    before the BOM goes (a BOM starts no line with ``{``), XML after it; XML wins.

    A text whose first line is ``{`` alone (every indented JSON file) is no NDJSON by its look (that
    line is no ``{...}``) and no XML by its look: decided by the suffix alone, without the scans."""
    if data[:2] in _OPEN_LINE:
        xml = suffix == ".xml"
        return data, suffix == ".ndjson" and not xml, xml
    first = _first_byte(data)
    if first == b"\xef" and data.startswith(b"\xef\xbb\xbf"):
        ndjson = suffix == ".ndjson"
        data = data[3:]
        first = _first_byte(data)
    else:
        ndjson = suffix == ".ndjson" or (first == b"{" and _looks_ndjson(data))
    xml = suffix == ".xml" or first == b"<"
    return data, ndjson and not xml, xml


_OPEN_LINE = (b"{\n", b"{\r")
"""How the first line of an indented JSON text ends: ``{`` then a line end."""

_LEADING_SPACE = re.compile(rb"\s*")
"""What ``bytes.lstrip()`` removes (``\\s`` of a bytes pattern is the same six ASCII characters)."""


def _first_byte(data: bytes) -> bytes:
    """``data.lstrip()[:1]`` without copying ``data``."""
    start = _LEADING_SPACE.match(data).end()  # type: ignore[union-attr]  # matches the empty string
    return data[start : start + 1]


def _looks_ndjson(data: bytes) -> bool:
    """Two or three first lines that are not blank, each one ``{...}``: NDJSON by its look. Decided by
    the first such lines alone; a line that is not an object ends the search. A line is what
    ``bytes.splitlines`` gives (``\\r``, ``\\n`` or both end it); blank runs are skipped at C speed and
    each line is found with two ``find`` calls, so a long first line costs two memchr scans."""
    count = 0
    pos = 0
    size = len(data)
    while True:
        pos = _LEADING_SPACE.match(data, pos).end()  # type: ignore[union-attr]  # matches the empty string
        if pos >= size:
            return count >= 2
        if data[pos] != 0x7B:  # "{"
            return False
        end = data.find(b"\n", pos)
        if end < 0:
            end = size
        cr = data.find(b"\r", pos, end)
        if cr >= 0:
            end = cr
        if not data[pos:end].rstrip().endswith(b"}"):
            return False
        count += 1
        if count == 3:
            return True
        pos = end
