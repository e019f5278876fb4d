"""Every FHIR datatype fhirconv emits is assembled here and nowhere else (FHIR-Converter's layering)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from ..chars import FORBIDDEN, fhir_safe
from ..errors import BuildError
from ..model import Coding, Mention, MentionRole

__all__ = [
    "DERIVATION_URL",
    "UCUM",
    "clean_text",
    "codeable_concept",
    "coding",
    "data_absent",
    "derivation",
    "derivations",
    "narrative",
    "quantity",
    "reference",
]

UCUM = "http://unitsofmeasure.org"
DERIVATION_URL = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
DATA_ABSENT_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def coding(c: Coding) -> dict[str, Any]:
    out: dict[str, Any] = {"system": c.system, "code": c.code}
    if c.display:
        out["display"] = c.display
    return out


def codeable_concept(text: str | None, codings: Iterable[Coding] = ()) -> dict[str, Any]:
    cs: list[dict[str, Any]] = []
    if type(codings) in (list, tuple) and len(codings) <= 1:  # type: ignore[arg-type]
        # none or one coding (most concepts, some 140 a report): nothing to de-duplicate, and the one
        # coding's dict made here, in final form, without a call
        if codings:
            c = codings[0]  # type: ignore[index]
            code = c.code
            if code:
                display = c.display
                if display:
                    cd = {"system": c.system, "code": code, "display": display}
                else:
                    cd = {"system": c.system, "code": code}
                if not text:
                    text = display or code
                return {"coding": [cd], "text": " ".join(text.split())}
    else:
        seen: set[tuple[str, str]] = set()
        for c in codings:
            if (c.system, c.code) in seen or not c.code:
                continue
            seen.add((c.system, c.code))
            cs.append(coding(c))
    out: dict[str, Any] = {}
    if cs:
        out["coding"] = cs
    if not text and cs:
        text = cs[0].get("display") or cs[0]["code"]
    if text:
        out["text"] = " ".join(text.split())
    return out


def number(value: str | Decimal) -> Decimal:
    """A FHIR decimal with exactly the digits written ("2.40" stays 2.40; see fhir/serialize.py)."""
    if isinstance(value, Decimal):
        return value
    try:
        out = Decimal(value.strip())
    except InvalidOperation:
        raise BuildError(f"{value!r} is not a number") from None
    if not out.is_finite():
        raise BuildError(f"{value!r} is not a FHIR decimal")
    return out


def quantity(
    value: str | Decimal, unit: str, ucum: str | None, comparator: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"value": number(value)}
    if comparator:
        out["comparator"] = comparator
    out["unit"] = " ".join(unit.split())
    if ucum:
        out["system"] = UCUM
        out["code"] = ucum
    return out


def reference(full_url: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": full_url}
    if display:
        out["display"] = display
    return out


def derivation(doc_ref: str, mention: Mention, path: str) -> dict[str, Any]:
    """The words behind one element (``path``) of a resource, as offsets into the document text."""
    return {
        "url": DERIVATION_URL,
        "extension": [
            {"url": "reference", "valueReference": {"reference": doc_ref}},
            {"url": "path", "valueString": path},
            {"url": "offset", "valueInteger": mention.start},
            {"url": "length", "valueInteger": mention.end - mention.start},
        ],
    }


def derivations(
    doc_ref: str, mentions: Iterable[Mention], paths: Mapping[MentionRole, str]
) -> list[dict[str, Any]]:
    """:func:`derivation` of each mention, its path the one ``paths`` gives for its role, in one call
    (a bundle has about 90 of them per report; a call each cost more than the dicts)."""
    return [
        {
            "url": DERIVATION_URL,
            "extension": [
                {"url": "reference", "valueReference": {"reference": doc_ref}},
                {"url": "path", "valueString": paths[m.role]},
                {"url": "offset", "valueInteger": m.start},
                {"url": "length", "valueInteger": m.end - m.start},
            ],
        }
        for m in mentions
    ]


def clean_text(value: str, limit: int = 1000) -> str:
    """FHIR strings from prose: one space between words, no edge whitespace, cut at a word boundary."""
    text = " ".join(fhir_safe(value).split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


# a character ``narrative`` must replace (FHIR forbids it) or escape (``&``, ``<``, ``>``; quotes stay)
_NARRATIVE_CHANGES = re.compile("[&<>" + FORBIDDEN.pattern[1:])


def narrative(summary: str) -> dict[str, Any]:
    """Generated narrative (dom-6): one escaped sentence, enough for a human browsing a server.

    Only a summary with something to replace or escape (almost none has) goes through ``fhir_safe`` and
    ``escape``, which would give it back unchanged otherwise. A printable summary holds no character FHIR
    forbids (each is a control character, a noncharacter or a surrogate, none printable), so
    ``str.isprintable`` and three substring tests, all at C speed, answer for nearly every summary
    without the regular expression's per-character set test."""
    plain = summary.isprintable() and "&" not in summary and "<" not in summary and ">" not in summary
    if not plain and _NARRATIVE_CHANGES.search(summary) is not None:
        summary = escape(fhir_safe(summary), quote=False)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{summary}</div>'}


def data_absent(code: str = "unknown") -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT_URL, "valueCode": code}]}
