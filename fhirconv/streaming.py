"""Streaming conversion of long reports: resources are built, gated and written one window at a time,
so memory holds the document and its facts but never the whole bundle (issue 11; docs/robustness.md).

The text written is byte for byte what ``dumps(bundle, "json", pretty=...)`` gives for the same document
(the entries are written in the same order with the same layout, indented or compact), into a temporary
file that only a complete, gated bundle leaves: a failure removes it, so there is never partial output.

The gate runs on windows of ``WINDOW`` entries, each as a small bundle with the real bundle's type, at
the converter's gate level (as ``pipeline.gate``: the validation chain, the model checks, or both) on
every resource. What one window cannot see is checked across the whole stream instead: every fullUrl
must be unique, and the reference checker is given the fullUrls and types of the earlier windows'
entries (``validate.references.OtherEntries``), so a ``urn:uuid:`` reference to one of them is judged
(resolved, target type allowed) exactly as in the whole bundle, and a reference to a later entry is
judged at the end, when every entry has been seen.
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
from typing import Any, TextIO

from .errors import BuildError, OutputGateError
from .fhir import BundleOptions, check_models_each, dumps_json, stream_bundle
from .fileio import SpooledText
from .model import Document

__all__ = ["STREAM_CHARS", "WINDOW", "should_stream", "write_streamed"]

#: Reports with at least this many characters are streamed when the output is FHIR JSON. Below it the
#: bundle is built in memory (the same bytes; only the gate's windowing differs).
STREAM_CHARS = 500_000
#: Entries gated (and written) together.
WINDOW = 256
#: Tracked objects made (net) while streaming before the paused cyclic collector runs once: a bound on the
#: cyclic garbage the stream can hold (some MB), far above what a window leaves.
GARBAGE = 200_000

_ENTRY_AT = re.compile(r"^Bundle\.entry\[(\d+)\]")


def should_stream(doc: Document, fmt: str, threshold: int | None = None) -> bool:
    """FHIR JSON of a long report (``STREAM_CHARS`` by default) is streamed; XML and NDJSON need the
    whole bundle (NDJSON rewrites references by their target's type, which a forward reference cannot
    know yet)."""
    return fmt == "json" and len(doc.text) >= (STREAM_CHARS if threshold is None else threshold)


class _Writer:
    """Gates and writes entries a window at a time; keeps only fullUrls and pending references."""

    def __init__(self, out: TextIO, level: Any, source: str, window: int, pretty: bool = True) -> None:
        from .pipeline import Gate
        from .validate.references import OtherEntries

        self.out = out
        # the same gate levels as ``pipeline.gate``: full = the validation chain (compiled validator),
        # model = the fhir.resources model checks, both = the two
        self.models = level is not Gate.FULL
        self.full = level is not Gate.MODEL
        self.pretty = pretty
        self.source = source
        self.window = window
        self.header: dict[str, Any] = {}
        self.buffer: list[dict[str, Any]] = []
        self.count = 0
        self.urls: set[str] = set()
        self.young = gc.get_count()[0]  # the facts and the rest made before the stream: not its garbage
        # fullUrl -> resourceType of every entry so far, and the references to entries not seen yet
        self.other = OtherEntries()

    def start(self, header: dict[str, Any]) -> None:
        self.header = header
        if not self.pretty:  # the compact form of ``dumps(bundle, pretty=False)``
            text = dumps_json(header, indent=None)
            if not text.endswith("}"):
                raise BuildError("unexpected bundle header layout")
            self.out.write(text[:-1] + ',"entry":[')
            return
        text = dumps_json(header)
        if not text.endswith("\n}"):
            raise BuildError("unexpected bundle header layout")
        self.out.write(text[:-2] + ',\n  "entry": [')

    def add(self, entry: dict[str, Any]) -> None:
        self.buffer.append(entry)
        if len(self.buffer) >= self.window:
            self.flush()

    def flush(self) -> None:
        window, self.buffer = self.buffer, []
        if not window:
            return
        self._gate(window)
        # the window's entries written as one JSON list, its brackets dropped: the same text as each
        # entry written on its own and joined (a list's items are separated by "," compact, and by ",\n"
        # plus the indent of its level pretty, which the entries of the bundle's "entry" list take two
        # levels deeper), with one call of the writer per window instead of one per entry
        if self.pretty:
            text = dumps_json(window).replace("\n", "\n  ")  # "[\n    {...},\n    {...}\n  ]"
            if not (text.startswith("[\n    ") and text.endswith("\n  ]")):
                raise BuildError("unexpected entry layout")
            self.out.write(("," if self.count else "") + text[1:-4])
        else:
            text = dumps_json(window, indent=None)
            if not (text.startswith("[") and text.endswith("]")):
                raise BuildError("unexpected entry layout")
            self.out.write(("," if self.count else "") + text[1:-1])
        self.count += len(window)
        del window, text
        # the collector is paused (write_streamed); built and gated windows leave next to no cyclic
        # garbage (none after the first window, measured with both gates), so it is collected only once
        # the tracked objects made since the last collection pass ``GARBAGE``: a collection after every
        # window walked the young objects for nothing (0.03-0.07 s CPU per MB)
        if gc.get_count()[0] - self.young > GARBAGE:
            gc.collect(1)
            self.young = gc.get_count()[0]

    def close(self) -> None:
        self.flush()
        errors = [issue for issue in self.other.check_forward() if issue.is_error]
        if errors:
            first = "; ".join(f"{i.location}: {i.message}" for i in errors[:5])
            raise OutputGateError(
                f"built bundle fails R4 validation ({len(errors)} errors): {first}", source=self.source
            )
        if not self.pretty:
            self.out.write("]}\n")
        else:
            self.out.write("\n  ]\n}\n" if self.count else "]\n}\n")

    def _global(self, location: str) -> str:
        """A window location (``Bundle.entry[3]...``) as a location in the whole bundle."""
        return _ENTRY_AT.sub(lambda m: f"Bundle.entry[{self.count + int(m.group(1))}]", location, count=1)

    def _gate(self, window: list[dict[str, Any]]) -> None:
        report = self._check(window)
        errors = report.errors if report is not None else []
        if errors:
            first = "; ".join(f"{self._global(i.location)}: {i.message}" for i in errors[:5])
            raise OutputGateError(
                f"built bundle fails R4 validation ({len(errors)} errors): {first}",
                source=self.source,
                detail=report,
            )

    def _check(self, window: list[dict[str, Any]]) -> Any:
        """The next window's validation report (None at the model gate, which raises itself), its
        locations within the window; references to entries of later windows are kept for ``close``."""
        types = self.other.types
        for i, entry in enumerate(window):
            url = entry.get("fullUrl")
            if isinstance(url, str):
                if url in self.urls:
                    raise OutputGateError(
                        f"built bundle fails R4 validation (1 errors): Bundle.entry[{self.count + i}]: "
                        f"fullUrl {url} is not unique",
                        source=self.source,
                    )
                self.urls.add(url)
                resource = entry.get("resource")
                if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
                    types[url] = resource["resourceType"]  # (this window's own entries resolve first)
        mini = {**self.header, "entry": window}
        if self.models:
            check_models_each(mini)
        if not self.full:
            return None
        from .validate import validate_json

        forward = self.other.forward
        known = len(forward)
        report = validate_json(mini, source=self.source, others=self.other)
        for k in range(known, len(forward)):  # references to entries not seen yet, located in the bundle
            value, where, targets, declared, strict = forward[k]
            forward[k] = (value, self._global(where), targets, declared, strict)
        return report


def write_streamed(
    converter: Any,
    doc: Document,
    *,
    window: int = WINDOW,
    directory: str | None = None,
    pretty: bool = True,
) -> SpooledText:
    """Convert ``doc`` with ``converter`` (a :class:`fhirconv.pipeline.Converter`) into FHIR JSON in a
    temporary file, building, gating and writing its entries a window at a time."""
    was = gc.isenabled()
    gc.disable()  # as in Converter.convert; the writer collects the young generations per window
    try:
        facts = converter.extract(doc)  # before the file exists: the longest step leaves nothing behind
        fd, tmp = tempfile.mkstemp(prefix=".fhirconv-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                writer = _Writer(out, converter.options.gate, doc.source_name, window, pretty)
                options = BundleOptions(converter.options.bundle_type.value)
                stream_bundle(doc, facts, converter.normalizer, options, writer.start, writer.add)
                del facts
                writer.close()
        except BaseException:
            os.unlink(tmp)
            raise
    finally:
        if was:
            gc.enable()
    return SpooledText(tmp)
