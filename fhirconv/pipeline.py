"""Orchestration only: Document -> facts -> Bundle, with the R4 output gate. No I/O beyond reading the
input path in ``convert_path``; nothing here prints."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .errors import OutputGateError
from .extract import Extractor
from .fhir import BundleOptions, build_bundle, check_models_each
from .fileio import SpooledText
from .mapping import MappingStore
from .model import Document, DocumentFormat, Extraction
from .normalize import DEFAULT_INDEX_DATE, Normalizer
from .readers._rules import load_rules

__all__ = [
    "BundleType",
    "ConvertOptions",
    "Converter",
    "Gate",
    "OutputFormat",
    "convert_document",
    "convert_path",
    "convert_paths",
]


class BundleType(StrEnum):
    """The Bundle.type convert emits: ``transaction`` (ready to POST) or ``collection``."""

    TRANSACTION = "transaction"
    COLLECTION = "collection"


class Gate(StrEnum):
    """How much checking a bundle passes before it is handed out.

    ``full``: the whole ``fhirconv validate`` chain with its compiled validator (needs the R4
    definitions); ``model``: the fhir.resources model checks only (offline); ``both``: the model checks,
    then the full chain. There is no "none": convert never hands out a bundle nothing has checked.

    The model checks left ``full`` once a differential test (``tests/validate/test_gate.py``, converted
    bundles and their mutations) showed the validator refuses every bundle they refuse; they stay as an
    oracle in ``both`` and on every bundle the test suite converts.
    """

    FULL = "full"
    MODEL = "model"
    BOTH = "both"


class OutputFormat(StrEnum):
    """Serialisations of a bundle: FHIR JSON, FHIR XML, or bulk NDJSON (one resource per line)."""

    JSON = "json"
    XML = "xml"
    NDJSON = "ndjson"


#: Output profiles: the IG package each validates against in the full gate, and its Bundle profile.
PROFILES: dict[str, tuple[str, str]] = {
    "ips": ("hl7.fhir.uv.ips#2.0.0", "http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips"),
}

E = TypeVar("E", bound=StrEnum)


def as_enum(enum: type[E], value: E | str, what: str) -> E:
    """``value`` as a member of ``enum``; an unknown value is a ValueError naming the allowed ones."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"unknown {what} {value!r}: use one of {allowed}") from None


@dataclass(frozen=True)
class ConvertOptions:
    """What to build. Plain strings are accepted for the enum fields and checked: an unknown value
    raises ValueError (``ConvertOptions(gate="none")`` is an error, never "skip validation")."""

    bundle_type: BundleType = BundleType.TRANSACTION
    index_date: dt.date = DEFAULT_INDEX_DATE
    mappings_dir: Path | None = None
    gate: Gate = Gate.FULL
    # None: a plain R4 bundle of ``bundle_type``; "ips": an IPS 2.0.0 document Bundle (docs/ips.md)
    profile: str | None = None

    def __post_init__(self) -> None:
        if self.profile is not None and self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}: use one of {', '.join(PROFILES)}")
        object.__setattr__(self, "bundle_type", as_enum(BundleType, self.bundle_type, "bundle type"))
        object.__setattr__(self, "gate", as_enum(Gate, self.gate, "gate"))
        if not isinstance(self.index_date, dt.date):
            raise ValueError(f"index_date must be a datetime.date, got {self.index_date!r}")
        if self.mappings_dir is not None:
            object.__setattr__(self, "mappings_dir", Path(self.mappings_dir))


class Converter:
    """Holds the compiled mappings (lexicon automaton, patterns) so a batch pays for them once."""

    def __init__(self, options: ConvertOptions | None = None, *, one_document: bool = False) -> None:
        """``one_document``: this converter will read one (short) document, as a one-file command does:
        what the first document needs is read from the caches, not all of them (the same output; a batch
        is faster without it)."""
        self.options = options or ConvertOptions()
        store = MappingStore(self.options.mappings_dir)
        # set-up builds only long-lived objects (the cached lexicon alone is some 100,000): the
        # collector's passes over them find nothing and cost a tenth of a cold start's set-up
        with _no_cyclic_gc():
            self.section_rules = load_rules(store)
            self.extractor = Extractor(store, one_document=one_document)
            self.normalizer = Normalizer(store, self.options.index_date)

    def read_path(self, path: Path, format: DocumentFormat | None = None) -> Document:
        """Read with this converter's section rules (``--mappings`` overlays ``sections.json`` too)."""
        from .readers import read_path

        return read_path(Path(path), format=format, rules=self.section_rules)

    def read_bytes(self, data: bytes, name: str, format: DocumentFormat | None = None) -> Document:
        from .readers import read_bytes

        return read_bytes(data, name, format=format, rules=self.section_rules)

    def extract(self, doc: Document) -> Extraction:
        return self.extractor.extract(doc)

    def serialise(self, doc: Document, fmt: str = "json", *, pretty: bool = True) -> str | SpooledText:
        """``doc`` converted and written as ``fmt``: a ``str``, or for a long report in FHIR JSON a
        :class:`SpooledText` streamed to a temporary file (the same bytes; bounded memory, see
        :mod:`fhirconv.streaming`), which the caller moves into place or discards."""
        from .fhir import dumps
        from .streaming import should_stream, write_streamed

        if self.options.profile is None and should_stream(doc, fmt):
            return write_streamed(self, doc, pretty=pretty)
        return dumps(self.convert(doc), fmt, pretty=pretty)

    def convert(self, doc: Document) -> dict[str, Any]:
        with _no_cyclic_gc():
            facts = self.extractor.extract(doc)
            bundle = build_bundle(
                doc,
                facts,
                self.normalizer,
                BundleOptions(self.options.bundle_type.value, self.options.profile),
            )
            gate(bundle, self.options.gate, doc.source_name, profile=self.options.profile)
        return bundle


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one conversion. A large report builds millions of
    short-lived objects (model checks, validation); with the collector on, its repeated full passes
    over the growing heap made conversion time grow faster than the input (3 MB: 38 s -> 18 s).
    Reference counting still frees everything acyclic; the collector resumes afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def gate(bundle: dict[str, Any], level: Gate | str, source: str, *, profile: str | None = None) -> None:
    """Never hand out a bundle known to be invalid (for a profile: invalid against its IG too)."""
    level = as_enum(Gate, level, "gate")
    if level is not Gate.FULL:
        check_models_each(bundle)
    if level is Gate.MODEL:
        return
    from .validate import validate_json

    report = validate_json(bundle, source=source, chain=profile_chain(profile) if profile else None)
    if report.errors:
        first = "; ".join(f"{i.location}: {i.message}" for i in report.errors[:5])
        raise OutputGateError(
            f"built bundle fails R4 validation ({len(report.errors)} errors): {first}",
            source=source,
            detail=report,
        )


@lru_cache(maxsize=4)
def profile_chain(profile: str) -> Any:
    """The validation chain of an output profile: R4 core plus its IG package (installed from the
    registry on first need, like the core definitions), checking the profile's Bundle profile."""
    from .definitions.packages import load_ig_definitions
    from .validate import build_chain

    spec, bundle_profile = PROFILES[profile]
    defs, _ = load_ig_definitions([spec])
    return build_chain(defs, profiles=[bundle_profile])


@lru_cache(maxsize=4)
def _converter(options: ConvertOptions) -> Converter:
    return Converter(options)


def convert_document(doc: Document, options: ConvertOptions | None = None) -> dict[str, Any]:
    return _converter(options or ConvertOptions()).convert(doc)


def convert_path(
    path: Path | str, options: ConvertOptions | None = None, *, format: DocumentFormat | None = None
) -> dict[str, Any]:
    converter = _converter(options or ConvertOptions())
    return converter.convert(converter.read_path(Path(path), format))


# ------------------------------------------------------------------------------------------------ batches
_Result = tuple[str, str | SpooledText | None, tuple[str, str, str | None] | None]
_WORKER: Converter | None = None


def _init_pool_worker(options: ConvertOptions) -> None:
    """A pool worker's converter: the one the batch was given when the worker was forked from the
    process holding it (inherited, not rebuilt: set-up is a fifth of a second per worker), else its own."""
    if _WORKER is None or _WORKER.options != options:
        _init_worker(options)


def _init_worker(options: ConvertOptions) -> None:
    global _WORKER
    _WORKER = Converter(options)


_Job = tuple[str, str | None, str, bool]  # path, input format, output format, pretty


def _convert_one(job: _Job) -> tuple[str, str | SpooledText | None, tuple[str, str, str | None] | None]:
    """Read, convert and serialise one file in a worker; errors travel back as data, never as a crash."""
    from . import errors

    path, input_format, fmt, pretty = job
    assert _WORKER is not None
    try:
        doc = _WORKER.read_path(Path(path), DocumentFormat(input_format) if input_format else None)
        return path, _WORKER.serialise(doc, fmt, pretty=pretty), None
    except errors.FhirconvError as exc:
        return path, None, (type(exc).__name__, exc.message, exc.source)
    except Exception as exc:  # a bug on one document must not cost the others
        return path, None, ("", f"internal error {type(exc).__name__}: {exc}", None)


def convert_paths(
    paths: list[Path],
    options: ConvertOptions | None = None,
    *,
    fmt: str = "json",
    input_format: str | None = None,
    jobs: int = 1,
    converter: Converter | None = None,
    pretty: bool = True,
) -> Iterator[tuple[Path, str | SpooledText | None, Exception | None]]:
    """Convert files into serialised bundles, in input order, over ``jobs`` processes.

    Yields ``(path, text, None)`` or ``(path, None, error)``: a bad file is reported and the batch goes on.
    ``text`` is a :class:`SpooledText` for a long report in FHIR JSON: the receiver moves it into place
    (``fileio.atomic_write``) or discards it.
    Each process compiles the mappings once; the output does not depend on ``jobs``. ``pretty=False``
    writes compact JSON (the batch form).
    """
    from . import errors

    options = options or ConvertOptions()
    work: list[_Job] = [(str(p), input_format, fmt, pretty) for p in paths]

    def rebuild(name: str, message: str, source: str | None) -> Exception:
        if not name:
            return RuntimeError(message)
        cls = getattr(errors, name, errors.FhirconvError)
        try:
            exc: Exception = cls(message, source=source)
        except TypeError:  # an error class with extra required arguments
            exc = errors.FhirconvError(message, source=source)
        return exc

    global _WORKER
    if jobs <= 1 or len(work) <= 1:
        if converter is not None:
            _WORKER = converter
        else:
            _init_worker(options)
        results: Iterable[_Result] = map(_convert_one, work)
        for path, text, err in results:
            yield Path(path), text, rebuild(*err) if err else None
        return
    _WORKER = converter  # what forked workers inherit: this batch's converter, or None (each builds one)
    for path, text, err in _pooled(work, options, jobs):
        yield Path(path), text, rebuild(*err) if err else None


def _pooled(work: list[_Job], options: ConvertOptions, jobs: int) -> Iterator[_Result]:
    """Results in input order over a process pool that survives a worker dying (killed, out of memory).

    A dead worker breaks the whole pool, and its unfinished jobs cannot tell who was running: they are
    retried in a one-worker pool, where the job running when a worker dies is known exactly; that one
    file is reported as failed and the rest go on."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, _Result] = {}
    pending = list(range(len(work)))
    workers = jobs
    emitted = 0
    while pending:
        unfinished: list[int] = []
        culprit_known = False
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_pool_worker, initargs=(options,)
        ) as pool:
            # the workers are forked by the first submissions: frozen, the heap they inherit (the
            # converter, some 10^5 objects) is left out of their collections, so those neither walk it
            # nor write to its pages (which would copy them, process by process)
            frozen = gc.get_freeze_count() > 0  # the command line froze its set-up already: it stays so
            gc.freeze()
            try:
                futures = {i: pool.submit(_convert_one, work[i]) for i in pending}
            finally:
                if not frozen:
                    gc.unfreeze()
            for i in pending:
                try:
                    results[i] = futures[i].result()
                except BrokenProcessPool:
                    if workers == 1 and not culprit_known:
                        culprit_known = True
                        results[i] = (
                            work[i][0],
                            None,
                            ("", "the worker process died converting this file", None),
                        )
                    else:
                        unfinished.append(i)
                while emitted in results:
                    yield results.pop(emitted)
                    emitted += 1
        pending = unfinished
        workers = 1 if workers > 1 or not unfinished else jobs
