"""UIMA CAS XMI gold (E3C layer 1, exported by WebAnno/INCEpTION).

The text is the Sofa's ``sofaString``; annotations are ``custom:*`` elements with ``begin``/``end``
offsets into it. E3C has no medication, procedure or sex layer, so only conditions (CLINENTITY), result
values (RML) and the patient's age (ACTOR ``age``) are scored. Negation lives on EVENT ``polarity``; a
CLINENTITY counts as negated when a NEG event overlaps it (the event marks the head word of the
finding, e.g. "signs" in "no focal neurological signs").
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from lxml import etree

from ..errors import HostileInputError, InputError, InputTooLargeError, MalformedInputError
from ..model import Span
from ..readers import parse_xml
from .gold import AGE, BODYPART, CONDITION, EVENT, OBSERVATION_VALUE, GoldDocument, Mention

__all__ = ["parse_xmi", "read_xmi"]

MAX_BYTES = 50 * 1024 * 1024
XMI_NS = "http://www.omg.org/XMI"
CAS_NS = "http:///uima/cas.ecore"
CUSTOM_NS = "http:///webanno/custom.ecore"

# "14Y", "9.5M"; annotators sometimes doubled the unit letter ("33YY").
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([YMWD])\2*\s*$", re.IGNORECASE)
_AGE_UNITS = {"Y": "a", "M": "mo", "W": "wk", "D": "d"}


def normalise_age(value: str) -> str | None:
    """E3C ``14Y`` -> ``"14 a"`` (UCUM unit as the converter writes it)."""
    m = _AGE.match(value)
    if not m:
        return None
    number = m.group(1)
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return f"{number} {_AGE_UNITS[m.group(2).upper()]}"


def _int(el: etree._Element, name: str, where: str) -> int:
    raw = el.get(name)
    if raw is None or not raw.lstrip("-").isdigit():
        raise MalformedInputError(f"{etree.QName(el).localname} without a numeric {name}", source=where)
    return int(raw)


def parse_xmi(doc_id: str, data: bytes, *, source: str | None = None) -> GoldDocument:
    where = source or doc_id
    if len(data) > MAX_BYTES:
        raise InputTooLargeError(f"{len(data)} bytes is over the {MAX_BYTES} byte limit", source=where)
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise HostileInputError("XMI with a DTD or entity declarations is refused", source=where)
    root = parse_xml(data, where)  # the readers' hardened parser: no entities, DTDs or network

    sofas = root.findall(f"{{{CAS_NS}}}Sofa")
    if not sofas:
        raise MalformedInputError("no cas:Sofa holding the document text", source=where)
    sofa = next((s for s in sofas if s.get("sofaID") == "_InitialView"), sofas[0])
    text = sofa.get("sofaString")
    if text is None:
        raise MalformedInputError("cas:Sofa has no sofaString", source=where)
    sofa_id = sofa.get(f"{{{XMI_NS}}}id")

    def elements(name: str) -> list[etree._Element]:
        return [e for e in root.iter(f"{{{CUSTOM_NS}}}{name}") if sofa_id is None or e.get("sofa") == sofa_id]

    def span_of(el: etree._Element) -> Span:
        start, end = _int(el, "begin", where), _int(el, "end", where)
        if not 0 <= start <= end <= len(text):
            raise MalformedInputError(f"span {start}..{end} outside the text ({len(text)})", source=where)
        return Span(start, end)

    neg_events = [span_of(e) for e in elements("EVENT") if (e.get("polarity") or "").upper() == "NEG"]

    mentions: list[Mention] = []
    for el in elements("CLINENTITY"):
        span = span_of(el)
        cui = el.get("entityID") or el.get("discontinuous") or ""
        mentions.append(
            Mention(
                category=CONDITION,
                span=span,
                label="CLINENTITY",
                negated=any(ev.overlaps(span) for ev in neg_events),
                value=cui if cui.startswith("C") and cui[1:].isdigit() else None,
                ref=el.get(f"{{{XMI_NS}}}id") or "",
            )
        )
    for el in elements("RML"):
        mentions.append(
            Mention(
                category=OBSERVATION_VALUE, span=span_of(el), label="RML", ref=el.get(f"{{{XMI_NS}}}id") or ""
            )
        )
    for el in elements("ACTOR"):
        age = el.get("age")
        if age and (el.get("role") or "").upper() == "PATIENT":
            mentions.append(
                Mention(
                    category=AGE,
                    span=span_of(el),
                    label="ACTOR",
                    value=normalise_age(age),
                    ref=el.get(f"{{{XMI_NS}}}id") or "",
                )
            )
    # Words the scheme types as a body part (often a pathological structure: "goiter", "a mass"):
    # neutral for a Condition lying wholly inside them (docs/evaluation.md).
    neutral = [
        Mention(category=CONDITION, span=span_of(el), label=BODYPART, ref=el.get(f"{{{XMI_NS}}}id") or "")
        for el in elements(BODYPART)
    ]
    # Actual events of the story the scheme did not type as clinical entities (a sign, a finding on
    # examination or imaging): neutral for a Condition holding the event word with the same polarity.
    clinical = [m.span for m in mentions if m.category == CONDITION]
    for el in elements(EVENT):
        if (el.get("contextualModality") or "").upper() != "ACTUAL":
            continue
        span = span_of(el)
        if span.start == span.end or any(span.overlaps(c) for c in clinical):
            continue
        neutral.append(
            Mention(
                category=CONDITION,
                span=span,
                label=EVENT,
                negated=(el.get("polarity") or "").upper() == "NEG",
                ref=el.get(f"{{{XMI_NS}}}id") or "",
            )
        )
    mentions.sort(key=lambda m: (m.span.start, m.span.end, m.category, m.ref))
    return GoldDocument(
        doc_id=doc_id,
        text=text,
        mentions=tuple(mentions),
        annotated=frozenset({CONDITION, OBSERVATION_VALUE, AGE}),
        neutral=tuple(sorted(set(neutral), key=lambda m: (m.span.start, m.span.end, m.ref))),
    )


def read_xmi(path: Path) -> GoldDocument:
    """Read ``<id>.xml``; the sibling ``<id>.txt`` (if present) is what gets converted."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputTooLargeError(f"{size} bytes is over the {MAX_BYTES} byte limit", source=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from exc
    doc = parse_xmi(path.stem, data, source=str(path))
    txt = path.with_suffix(".txt")
    return replace(doc, text_path=txt if txt.is_file() else None)
