"""``fhirconv review``: a self-contained HTML page to review one bundle against its source text.

Pure functions: a bundle (and, when known, the document's sections and a validation verdict) in, the
page's text out. Nothing here prints, writes files or reaches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import EXCLUDED_SECTION_TYPES, Document, SectionType
from .model import Event, Item, Mention, ReviewDoc, SectionMark, Verdict, attribute_of, read_bundle
from .page import build_page, json_for_script

__all__ = [
    "Event",
    "Item",
    "Mention",
    "ReviewDoc",
    "SectionMark",
    "Verdict",
    "attribute_of",
    "build_page",
    "json_for_script",
    "read_bundle",
    "render_review",
    "sections_of",
    "verdict_for",
]

# Sections extraction never reads for patient facts (see extract/attribution.py): shown dimmed.
_GENERAL = {SectionType.BACKGROUND, SectionType.DISCUSSION, SectionType.CONCLUSION}


def sections_of(doc: Document) -> tuple[SectionMark, ...]:
    """The sections of a read document worth dimming: excluded ones and those not about the patient.

    A bundle does not record sections, so only a review made from the case report itself can show them.
    """
    out = []
    for s in doc.sections:
        if s.type in EXCLUDED_SECTION_TYPES:
            kind = "excluded"
        elif s.type in _GENERAL:
            kind = "general"
        else:
            continue
        label = f"{s.type.value} section" + (f" ({s.title})" if s.title else "")
        kind_text = "excluded: never read" if kind == "excluded" else "not about the patient"
        out.append(SectionMark(s.start, s.end, kind, f"{label}: {kind_text}"))
    return tuple(out)


def verdict_for(bundle: Any, source: str) -> Verdict:
    """Run the ``fhirconv validate`` chain when the R4 definitions are installed (never installs them)."""
    from ..definitions import load_definitions
    from ..errors import DefinitionsError

    try:
        load_definitions(auto_install=False)
    except DefinitionsError:
        return Verdict(
            "not validated", note="R4 definitions not installed: run `fhirconv definitions install`"
        )
    from ..validate import validate_json

    report = validate_json(bundle, source=source)
    issues = tuple(
        f"{i.severity.value} {i.location}: {i.message} [{i.rule}]"
        for i in report.sorted_issues()
        if i.severity.value != "information"
    )[:10]
    return Verdict(
        "invalid" if report.errors else "valid",
        errors=len(report.errors),
        warnings=len(report.warnings),
        note="fhirconv validate, R4 4.0.1 definitions",
        issues=issues,
    )


def render_review(
    bundle: Any,
    *,
    source: str = "<bundle>",
    sections: Sequence[SectionMark] = (),
    verdict: Verdict | None = None,
) -> str:
    """The review page for ``bundle``; raises InputError when the bundle carries no text to review."""
    return build_page(read_bundle(bundle, source), source=source, sections=sections, verdict=verdict)
