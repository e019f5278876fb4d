"""Orchestration only: Document -> facts -> Bundle, with the R4 output gate. No I/O beyond reading the
input path in ``convert_path``; nothing here prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import OutputGateError
from .extract import Extractor
from .fhir import BundleOptions, build_bundle, check_models
from .mapping import MappingStore
from .model import Document, DocumentFormat, Extraction
from .normalize import DEFAULT_INDEX_DATE, Normalizer

__all__ = ["ConvertOptions", "Converter", "convert_document", "convert_path"]


@dataclass(frozen=True)
class ConvertOptions:
    bundle_type: str = "transaction"
    index_date: dt.date = DEFAULT_INDEX_DATE
    mappings_dir: Path | None = None
    # "full": the fhirconv validate chain (R4 definitions) after the model checks; "model": models only.
    gate: str = "full"


class Converter:
    """Holds the compiled mappings (lexicon automaton, patterns) so a batch pays for them once."""

    def __init__(self, options: ConvertOptions | None = None) -> None:
        self.options = options or ConvertOptions()
        store = MappingStore(self.options.mappings_dir)
        self.extractor = Extractor(store)
        self.normalizer = Normalizer(store, self.options.index_date)

    def extract(self, doc: Document) -> Extraction:
        return self.extractor.extract(doc)

    def convert(self, doc: Document) -> dict[str, Any]:
        facts = self.extractor.extract(doc)
        bundle = build_bundle(doc, facts, self.normalizer, BundleOptions(self.options.bundle_type))
        gate(bundle, self.options.gate, doc.source_name)
        return bundle


def gate(bundle: dict[str, Any], level: str, source: str) -> None:
    """Never hand out a bundle known to be invalid."""
    check_models(bundle)
    if level != "full":
        return
    from .validate import validate_json

    report = validate_json(bundle, source=source)
    if report.errors:
        first = "; ".join(f"{i.location}: {i.message}" for i in report.errors[:5])
        raise OutputGateError(
            f"built bundle fails R4 validation ({len(report.errors)} errors): {first}",
            source=source,
            detail=report,
        )


@lru_cache(maxsize=4)
def _converter(options: ConvertOptions) -> Converter:
    return Converter(options)


def convert_document(doc: Document, options: ConvertOptions | None = None) -> dict[str, Any]:
    return _converter(options or ConvertOptions()).convert(doc)


def convert_path(
    path: Path | str, options: ConvertOptions | None = None, *, format: DocumentFormat | None = None
) -> dict[str, Any]:
    from .readers import read_path

    return convert_document(read_path(Path(path), format=format), options)
