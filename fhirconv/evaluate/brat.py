"""BRAT standoff gold (MACCROBAT): ``<id>.txt`` + ``<id>.ann`` with T, E, A, R, ``*`` and ``#`` lines.

Events (E) wrap one trigger (T); attributes and relations may name either, so both resolve to the
trigger. Only the lines scoring needs are interpreted; the rest are checked for shape and skipped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import InputError, InputTooLargeError, MalformedInputError
from ..model import Span
from .gold import (
    ADVERSE_EVENT,
    AGE,
    CONDITION,
    FAMILY_HISTORY,
    HISTORY,
    MEDICATION,
    OBSERVATION_TEST,
    OBSERVATION_VALUE,
    OUTCOME,
    PROCEDURE,
    SEX,
    SPAN_CATEGORIES,
    Attribute,
    GoldDocument,
    Mention,
)

__all__ = ["ATTRIBUTE_LABELS", "CATEGORY_LABELS", "parse_brat", "read_brat"]

MAX_BYTES = 20 * 1024 * 1024

# MACCROBAT entity type -> evaluation category (docs/evaluation.md explains each choice).
CATEGORY_LABELS: dict[str, str] = {
    "Sign_symptom": CONDITION,
    "Disease_disorder": CONDITION,
    "Diagnostic_procedure": OBSERVATION_TEST,
    "Lab_value": OBSERVATION_VALUE,
    "Medication": MEDICATION,
    "Therapeutic_procedure": PROCEDURE,
    "Outcome": OUTCOME,
    "Family_history": FAMILY_HISTORY,
    "Age": AGE,
    "Sex": SEX,
}
# Entity types that, when they MODIFY a Medication, are scored as attributes of that drug.
ATTRIBUTE_LABELS: dict[str, str] = {
    "Dosage": "dose",
    "Administration": "route",
    "Frequency": "frequency",
    "Duration": "duration",
}
NEGATED_POLARITY = frozenset({"NEG"})
# A CAUSE relation from a Medication to one of these is an adverse drug reaction: the effect's span is the
# gold of the adverse_event category (MACCROBAT has no adverse-event type; docs/evaluation.md).
REACTION_LABELS = frozenset({"Sign_symptom", "Disease_disorder"})
COREFERENCE = "Coreference"


def _read_text(path: Path) -> str:
    """Decode without newline translation: gold offsets count every byte-level character, CR included."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from exc
    if size > MAX_BYTES:
        raise InputTooLargeError(f"{size} bytes is over the {MAX_BYTES} byte limit", source=str(path))
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInputError(f"not UTF-8: {exc}", source=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from exc


def _span(field: str, text_len: int, where: str) -> Span:
    """``"12 20"`` or ``"12 20;25 30"`` -> covering span."""
    starts: list[int] = []
    ends: list[int] = []
    for part in field.split(";"):
        bits = part.split()
        if len(bits) != 2 or not bits[0].isdigit() or not bits[1].isdigit():
            raise MalformedInputError(f"bad offsets {field!r}", source=where)
        starts.append(int(bits[0]))
        ends.append(int(bits[1]))
    start, end = min(starts), max(ends)
    if not 0 <= start <= end <= text_len:
        raise MalformedInputError(f"offsets {field!r} outside the text (length {text_len})", source=where)
    return Span(start, end)


def parse_brat(doc_id: str, text: str, ann: str, *, source: str | None = None) -> GoldDocument:
    """Interpret one ``.ann`` against its text. Raises MalformedInputError on broken lines."""
    where = source or doc_id
    labels: dict[str, str] = {}
    spans: dict[str, Span] = {}
    event_trigger: dict[str, str] = {}
    negated: set[str] = set()
    modifies: list[tuple[str, str]] = []
    identical: list[tuple[str, str]] = []
    causes: list[tuple[str, str]] = []
    warnings: list[str] = []

    for lineno, raw in enumerate(ann.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        loc = f"{where}:{lineno}"
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            head, _, covered = rest.partition("\t")
            label, _, offsets = head.partition(" ")
            if not label or not offsets:
                raise MalformedInputError(f"bad T line {line!r}", source=loc)
            span = _span(offsets, len(text), loc)
            if ";" not in offsets and text[span.start : span.end] != covered:
                warnings.append(f"{ident}: annotated text {covered!r} differs from the text at its offsets")
            labels[ident] = label
            spans[ident] = span
        elif kind == "E":
            args = rest.split()
            if not args or ":" not in args[0]:
                raise MalformedInputError(f"bad E line {line!r}", source=loc)
            event_trigger[ident] = args[0].split(":", 1)[1]
        elif kind == "A" or kind == "M":
            bits = rest.split()
            if len(bits) < 2:
                raise MalformedInputError(f"bad attribute line {line!r}", source=loc)
            if bits[0].upper() == "POLARITY" and len(bits) >= 3 and bits[2].upper() in NEGATED_POLARITY:
                negated.add(bits[1])
        elif kind == "R":
            bits = rest.split("\t", 1)[0].split()
            if len(bits) < 3:
                raise MalformedInputError(f"bad R line {line!r}", source=loc)
            arg1 = bits[1].split(":", 1)[-1]
            arg2 = bits[2].split(":", 1)[-1]
            if bits[0] == "MODIFY":
                modifies.append((arg1, arg2))
            elif bits[0] == "IDENTICAL":
                identical.append((arg1, arg2))
            elif bits[0] == "CAUSE":
                causes.append((arg1, arg2))
        elif kind in {"*", "#", "N"}:
            continue
        else:
            raise MalformedInputError(f"unknown annotation line {line!r}", source=loc)

    def trigger(ident: str) -> str:
        return event_trigger.get(ident, ident)

    negated_t = {trigger(i) for i in negated}
    attrs: dict[str, list[Attribute]] = {}
    for arg1, arg2 in modifies:
        t1, t2 = trigger(arg1), trigger(arg2)
        kind_name = ATTRIBUTE_LABELS.get(labels.get(t1, ""))
        if kind_name and labels.get(t2) == "Medication" and t1 in spans:
            attrs.setdefault(t2, []).append(Attribute(kind_name, spans[t1]))

    mentions: list[Mention] = []
    for ident in sorted(spans, key=lambda i: (spans[i].start, spans[i].end, i)):
        category = CATEGORY_LABELS.get(labels[ident])
        if category is None:
            continue
        span = spans[ident]
        mentions.append(
            Mention(
                category=category,
                span=span,
                label=labels[ident],
                negated=ident in negated_t,
                attributes=tuple(sorted(attrs.get(ident, ()), key=lambda a: (a.kind, a.span.start))),
                ref=ident,
            )
        )
    reactions = sorted(
        {
            trigger(b)
            for a, b in causes
            if labels.get(trigger(a)) == "Medication"
            and labels.get(trigger(b)) in REACTION_LABELS
            and trigger(b) in spans
        },
        key=lambda i: (spans[i].start, spans[i].end, i),
    )
    for ident in reactions:
        mentions.append(
            Mention(
                category=ADVERSE_EVENT,
                span=spans[ident],
                label=f"CAUSE:{labels[ident]}",
                negated=ident in negated_t,
                ref=ident,
            )
        )
    # A Coreference mention IDENTICAL to a typed event is a repeat mention of it ("the tumor" after
    # "a mass"): predicting it is not an error, and not a find either.
    neutral: list[Mention] = []
    for a, b in identical:
        ta, tb = trigger(a), trigger(b)
        for ref, other in ((ta, tb), (tb, ta)):
            category = CATEGORY_LABELS.get(labels.get(other, ""))
            if labels.get(ref) == COREFERENCE and category in SPAN_CATEGORIES and ref in spans:
                neutral.append(Mention(category=category, span=spans[ref], label=COREFERENCE, ref=ref))
    for ident, label in labels.items():
        if label == HISTORY:
            neutral.append(Mention(category=CONDITION, span=spans[ident], label=HISTORY, ref=ident))
    return GoldDocument(
        doc_id=doc_id,
        text=text,
        mentions=tuple(mentions),
        annotated=frozenset((*SPAN_CATEGORIES, AGE, SEX, *ATTRIBUTE_LABELS.values())),
        warnings=tuple(warnings),
        neutral=tuple(sorted(set(neutral), key=lambda m: (m.span.start, m.span.end, m.category, m.ref))),
    )


def read_brat(path: Path) -> GoldDocument:
    """Read ``<id>.ann`` (or its ``<id>.txt``) and the sibling file."""
    base = path.with_suffix("")
    txt, ann = base.with_suffix(".txt"), base.with_suffix(".ann")
    for needed in (txt, ann):
        if not needed.is_file():
            raise InputError(f"BRAT document needs {needed.name} next to it", source=str(path))
    doc = parse_brat(base.name, _read_text(txt), _read_text(ann), source=str(ann))
    return replace(doc, text_path=txt)
