"""What a review page shows, read from a FHIR R4 Bundle alone.

The page is built from the bundle (not from fhirconv's internal facts) so it can review any bundle whose
resources carry ``derivation-reference`` extensions: the DocumentReference's text attachment is the
narrative, each extension's ``offset``/``length`` (code points) mark the words, ``path`` says which element
they support. Anything the bundle does not say (sections, dates) is simply not shown; anything malformed
(offsets outside the text, references to another document) is counted and reported, never guessed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, MalformedInputError

__all__ = [
    "DERIVATION_URL",
    "Event",
    "Item",
    "Mention",
    "ReviewDoc",
    "SectionMark",
    "Verdict",
    "read_bundle",
]

DERIVATION_URL = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
_CONDITION_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_FHIR_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LOINC_AGE = "30525-0"


@dataclass(frozen=True, slots=True)
class Mention:
    """Words of the narrative behind one element of a resource."""

    start: int
    end: int
    path: str
    role: str  # "head" (the first reference), "repeat" (same element again) or "attr"
    attribute: str  # what the words are: mention, dose, route, frequency, value, unit, time...


@dataclass(frozen=True, slots=True)
class Event:
    """A dated fact on the timeline; days are relative to day 0 (the presentation)."""

    ref: str
    kind: str  # presentation | onset | test | drug | procedure | outcome | death
    label: str
    start: int
    end: int | None = None  # a period (drugs): a bar from start to end


@dataclass(frozen=True, slots=True)
class Item:
    """One resource of the bundle, with what the page needs to show it."""

    ref: str  # html-safe id: r1, r2...
    rtype: str
    full_url: str
    label: str
    status: str  # "" | negated | hypothetical | history | family
    resource: dict[str, Any]
    mentions: tuple[Mention, ...] = ()

    @property
    def head(self) -> Mention | None:
        return self.mentions[0] if self.mentions and self.mentions[0].role == "head" else None


@dataclass(frozen=True, slots=True)
class SectionMark:
    """A stretch of the narrative to dim: ``excluded`` (never read) or ``general`` (not about the patient)."""

    start: int
    end: int
    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The validation verdict shown in the header."""

    status: str  # valid | invalid | not validated
    errors: int = 0
    warnings: int | None = 0  # None: not counted (the convert gate only tells there were no errors)
    note: str = ""
    issues: tuple[str, ...] = ()


@dataclass
class ReviewDoc:
    text: str
    title: str
    description: str
    identifiers: list[tuple[str, str]]
    items: list[Item]
    day0: dt.date | None
    day0_source: str
    events: list[Event]
    undated: list[Item]
    warnings: list[str] = field(default_factory=list)

    @property
    def derived(self) -> list[Item]:
        return [i for i in self.items if i.mentions]


# ------------------------------------------------------------------------------------------ helpers
def _list(value: Any) -> list[Any]:
    """A repeating element, or nothing when a foreign bundle put something else there."""
    return value if isinstance(value, list) else []


def _text(cc: Any) -> str:
    """Readable text of a CodeableConcept (text, else the first display or code)."""
    if not isinstance(cc, dict):
        return ""
    if isinstance(cc.get("text"), str) and cc["text"]:
        return str(cc["text"])
    for c in _list(cc.get("coding")):
        if isinstance(c, dict):
            for key in ("display", "code"):
                if isinstance(c.get(key), str) and c[key]:
                    return str(c[key])
    return ""


def _codes_of(cc: Any) -> set[str]:
    if not isinstance(cc, dict):
        return set()
    return {str(c.get("code")) for c in _list(cc.get("coding")) if isinstance(c, dict)}


def _qty(q: Any) -> str:
    if not isinstance(q, dict) or "value" not in q:
        return ""
    return f"{q.get('comparator', '')}{q['value']} {q.get('unit') or q.get('code') or ''}".strip()


def _label(r: dict[str, Any]) -> str:
    """A short name for a resource, from its own elements (never from its narrative)."""
    t = str(r.get("resourceType"))
    if t == "Patient":
        bits = [str(r.get("gender") or "sex unknown")]
        if r.get("deceasedBoolean") or r.get("deceasedDateTime"):
            bits.append("deceased")
        return "Patient: " + ", ".join(bits)
    if t in ("MedicationAdministration", "MedicationRequest", "MedicationStatement"):
        med = _text(r.get("medicationCodeableConcept"))
        if not med and isinstance(r.get("medicationReference"), dict):
            med = str(r["medicationReference"].get("display") or "")
        dosage = r.get("dosage") or (_list(r.get("dosageInstruction")) or [{}])[0]
        detail = ""
        if isinstance(dosage, dict):
            dose = _qty(dosage.get("dose"))
            if not dose:
                dr = _list(dosage.get("doseAndRate")) or [{}]
                dose = _qty(dr[0].get("doseQuantity")) if isinstance(dr[0], dict) else ""
            detail = ", ".join(x for x in (dose, _text(dosage.get("route"))) if x)
        return (med or t) + (f" ({detail})" if detail else "")
    if t == "Observation":
        value = _qty(r.get("valueQuantity")) or str(r.get("valueString") or "")
        if not value and r.get("component"):
            value = "; ".join(
                f"{_text(c.get('code'))} {_qty(c.get('valueQuantity'))}".strip()
                for c in _list(r["component"])
                if isinstance(c, dict)
            )
        interp = ", ".join(_text(i) for i in _list(r.get("interpretation")))
        detail = ", ".join(x for x in (value, interp) if x)
        return _text(r.get("code")) + (f": {detail}" if detail else "")
    if t == "ClinicalImpression":
        return str(r.get("description") or r.get("summary") or "Clinical impression")
    if t == "AdverseEvent":
        return f"Adverse event: {_text(r.get('event'))}"
    if t == "FamilyMemberHistory":
        conds = ", ".join(_text(c.get("code")) for c in _list(r.get("condition")) if isinstance(c, dict))
        return f"{_text(r.get('relationship')) or 'family member'}: {conds}".rstrip(": ")
    if t == "Encounter":
        cls = r.get("class")
        return "Encounter" + (f" ({cls.get('display') or cls.get('code')})" if isinstance(cls, dict) else "")
    if t == "DocumentReference":
        return str(r.get("description") or "Source document")
    label = _text(r.get("code"))
    return label or t


def _status(r: dict[str, Any]) -> str:
    """negated / hypothetical / history / family, as the resource itself states it."""
    t = r.get("resourceType")
    if t == "FamilyMemberHistory":
        return "family"
    if t == "Condition":
        ver = _codes_of(r.get("verificationStatus"))
        if ver & {"refuted", "entered-in-error"}:
            return "negated"
        if ver & {"provisional", "differential", "unconfirmed"}:
            return "hypothetical"
        notes = " ".join(str(n.get("text", "")) for n in _list(r.get("note")) if isinstance(n, dict))
        if "history" in notes.lower():
            return "history"
        return ""
    status = r.get("status")
    if status in ("not-done", "not-taken", "cancelled") or r.get("dataAbsentReason"):
        return "negated"
    if t == "Observation" and "2667000" in _codes_of(r.get("valueCodeableConcept")):
        return "negated"  # a pertinent negative: the finding observed absent (SNOMED 2667000)
    if t == "MedicationStatement" and status == "intended":
        return "hypothetical"
    if t in ("MedicationRequest", "ServiceRequest") and r.get("intent") in ("proposal", "plan"):
        return "hypothetical"
    return ""


_ATTRIBUTES = (
    ("dose", "dose"),
    ("route", "route"),
    ("rate", "frequency"),
    ("timing.repeat.bounds", "time"),
    ("timing", "frequency"),
    ("interpretation", "interpretation"),
    ("component", "value"),
    ("value", "value"),
    ("unit", "unit"),
    ("effective", "time"),
    ("onset", "time"),
    ("abatement", "time"),
    ("performed", "time"),
    ("period", "time"),
    ("deceased", "outcome"),
    ("gender", "sex"),
    ("summary", "outcome"),
)


def attribute_of(path: str) -> str:
    """What a derivation ``path`` says the words are (dose, route, frequency, value, unit, time...)."""
    tail = path.split(".", 1)[1] if "." in path else path
    for needle, name in _ATTRIBUTES:
        if needle in tail:
            return name
    return tail.rsplit(".", 1)[-1].replace("[x]", "") or "mention"


def _derivations(r: dict[str, Any]) -> Iterator[tuple[str, str, Any, Any]]:
    """(reference, path, offset, length) of each derivation-reference extension, as written."""
    for ext in _list(r.get("extension")):
        if not isinstance(ext, dict) or ext.get("url") != DERIVATION_URL:
            continue
        ref = path = ""
        offset: Any = None
        length: Any = None
        for sub in _list(ext.get("extension")):
            if not isinstance(sub, dict):
                continue
            url = sub.get("url")
            if url == "reference" and isinstance(sub.get("valueReference"), dict):
                ref = str(sub["valueReference"].get("reference") or "")
            elif url == "path":
                path = str(sub.get("valueString") or "")
            elif url == "offset":
                offset = sub.get("valueInteger")
            elif url == "length":
                length = sub.get("valueInteger")
        yield ref, path, offset, length


def parse_date(value: Any) -> dt.date | None:
    """The first day of a FHIR date/dateTime/instant (partial dates count from their first day)."""
    if not isinstance(value, str):
        return None
    m = _FHIR_DATE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _when(r: dict[str, Any], prefix: str) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of ``<prefix>DateTime`` / ``<prefix>Period`` / ``<prefix>Instant`` / ``<prefix>Date``."""
    for suffix in ("DateTime", "Instant", "Date"):
        d = parse_date(r.get(prefix + suffix))
        if d:
            return d, None
    period = r.get(prefix + "Period")
    if isinstance(period, dict):
        return parse_date(period.get("start")), parse_date(period.get("end"))
    return None, None


def _dates(r: dict[str, Any]) -> list[tuple[str, dt.date, dt.date | None]]:
    """(kind, start, end) of the clinically dated facts a resource states."""
    t = r.get("resourceType")
    out: list[tuple[str, dt.date, dt.date | None]] = []

    def add(kind: str, start: dt.date | None, end: dt.date | None = None) -> None:
        if start is not None:
            out.append((kind, start, end if end and end >= start else None))
        elif end is not None:
            out.append((kind, end, None))

    if t == "Encounter":
        period = r.get("period") or {}
        if isinstance(period, dict):
            add("presentation", parse_date(period.get("start")), parse_date(period.get("end")))
    elif t == "Condition":
        start, _ = _when(r, "onset")
        abated, _ = _when(r, "abatement")
        add("onset", start, abated)
    elif t == "Observation":
        if _LOINC_AGE in _codes_of(r.get("code")):
            return out  # the age: dated only because R4 wants a date, not an event of the case
        add("test", *_when(r, "effective"))
    elif t in ("MedicationAdministration", "MedicationStatement"):
        add("drug", *_when(r, "effective"))
    elif t == "Procedure":
        add("procedure", *_when(r, "performed"))
    elif t == "ClinicalImpression":
        start, end = _when(r, "effective")
        add("outcome", start or parse_date(r.get("date")), end)
    elif t == "Patient":
        add("death", parse_date(r.get("deceasedDateTime")))
    return out


def _ref_keys(entry: dict[str, Any], r: dict[str, Any]) -> set[str]:
    """The ways another resource may reference this one."""
    keys = set()
    url = entry.get("fullUrl")
    if isinstance(url, str) and url:
        keys.add(url)
    rid = r.get("id")
    if isinstance(rid, str) and rid:
        keys.add(f"{r.get('resourceType')}/{rid}")
    return keys


def _matches(ref: str, keys: set[str]) -> bool:
    return ref in keys or any(k.endswith("/" + ref) or ref.endswith("/" + k) for k in keys if "/" in ref)


def _decode(r: dict[str, Any], source: str) -> str | None:
    """The text/plain attachment of a DocumentReference, decoded; None when it has none."""
    for content in _list(r.get("content")):
        att = content.get("attachment") if isinstance(content, dict) else None
        if not isinstance(att, dict) or not isinstance(att.get("data"), str):
            continue
        ctype = str(att.get("contentType") or "text/plain")
        if not ctype.startswith("text/plain"):
            continue
        m = re.search(r"charset=([\w.-]+)", ctype)
        charset = m.group(1) if m else "utf-8"
        try:
            raw = base64.b64decode(att["data"], validate=True)
            return raw.decode(charset)
        except (binascii.Error, ValueError) as exc:
            raise MalformedInputError(
                f"DocumentReference attachment cannot be decoded as base64 {charset} text: {exc}",
                source=source,
            ) from exc
        except LookupError as exc:
            raise MalformedInputError(
                f"unknown charset {charset!r} in the attachment", source=source
            ) from exc
    return None


# ------------------------------------------------------------------------------------------ reading
def read_bundle(bundle: Any, source: str = "<bundle>") -> ReviewDoc:
    """Read what the review page needs from a Bundle; raise InputError when it cannot be reviewed.

    Elements of unexpected JSON types are skipped where the page can do without them; anywhere else the
    bundle is refused as malformed (a clear error, never a traceback).
    """
    try:
        return _read_bundle(bundle, source)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        raise MalformedInputError(
            f"the bundle is not FHIR JSON where the review page needs it: {type(exc).__name__}: {exc}",
            source=source,
        ) from exc


def _read_bundle(bundle: Any, source: str) -> ReviewDoc:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError("not a FHIR Bundle (resourceType must be 'Bundle')", source=source)
    entries = [
        e for e in _list(bundle.get("entry")) if isinstance(e, dict) and isinstance(e.get("resource"), dict)
    ]
    resources = [e["resource"] for e in entries]
    # The document: the DocumentReference most derivation references point at, among those with text.
    derivations = [list(_derivations(r)) for r in resources]
    pointed: Counter[str] = Counter(ref for refs in derivations for ref, *_ in refs if ref)
    docs = []
    for n, (e, r) in enumerate(zip(entries, resources, strict=True)):
        if r.get("resourceType") != "DocumentReference":
            continue
        keys = _ref_keys(e, r)
        hits = sum(c for ref, c in pointed.items() if _matches(ref, keys))
        docs.append((-hits, n, keys, r))
    text: str | None = None
    doc_keys: set[str] = set()
    doc_res: dict[str, Any] = {}
    for _, _, keys, r in sorted(docs, key=lambda d: (d[0], d[1])):
        text = _decode(r, source)
        if text is not None:
            doc_keys, doc_res = keys, r
            break
    if text is None:
        raise InputError(
            "the bundle has no DocumentReference with a text/plain attachment to review", source=source
        )
    warnings: list[str] = []
    stray = 0
    items: list[Item] = []
    for n, (e, r) in enumerate(zip(entries, resources, strict=True), start=1):
        mentions: list[Mention] = []
        for ref, path, offset, length in derivations[n - 1]:
            ok = (
                _matches(ref, doc_keys)
                and isinstance(offset, int)
                and isinstance(length, int)
                and not isinstance(offset, bool)
                and not isinstance(length, bool)
                and offset >= 0
                and length > 0
                and offset + length <= len(text)
            )
            if not ok:
                stray += 1
                continue
            head_path = mentions[0].path if mentions else path
            # the first reference is the head mention (README, Traceability); the first usable one here
            role = "head" if not mentions else ("repeat" if path == head_path else "attr")
            attribute = "mention" if role != "attr" else attribute_of(path)
            mentions.append(Mention(offset, offset + length, path, role, attribute))
        items.append(
            Item(
                ref=f"r{n}",
                rtype=str(r.get("resourceType") or "Resource"),
                full_url=str(e.get("fullUrl") or ""),
                label=" ".join(_label(r).split()),
                status=_status(r),
                resource=r,
                mentions=tuple(mentions),
            )
        )
    if stray:
        warnings.append(
            f"{stray} derivation references point outside this document's text and are not highlighted"
        )
    # Day 0: the presentation (the first Encounter's start), else the earliest date the bundle states.
    dated = [(i, kind, s, end) for i in items for kind, s, end in _dates(i.resource)]
    day0 = next((s for i, kind, s, _ in dated if kind == "presentation"), None)
    day0_source = "presentation (Encounter.period.start)"
    if day0 is None and dated:
        day0 = min(s for _, _, s, _ in dated)
        day0_source = "earliest date in the bundle (no presentation date)"
    events: list[Event] = []
    if day0 is not None:
        for i, kind, s, end in dated:
            label = "Presentation" if kind == "presentation" else i.label
            events.append(
                Event(i.ref, kind, label, (s - day0).days, None if end is None else (end - day0).days)
            )
    events.sort(key=lambda ev: (ev.start, int(ev.ref[1:])))
    dated_refs = {ev.ref for ev in events}
    # A request that only holds the regimen of an administration is shown with it, not again.
    requested = {
        str(i.resource["request"].get("reference"))
        for i in items
        if isinstance(i.resource.get("request"), dict)
    }
    undated = [
        i
        for i in items
        if i.mentions and i.ref not in dated_refs and not (requested and _matches_any(i, requested))
    ]
    description = str(doc_res.get("description") or "")
    title = ""
    for content in _list(doc_res.get("content")):
        att = content.get("attachment") if isinstance(content, dict) else None
        if isinstance(att, dict) and att.get("title"):
            title = str(att["title"])
            break
    identifiers = [
        (str(i.get("system") or ""), str(i.get("value") or ""))
        for i in _list(doc_res.get("identifier"))
        if isinstance(i, dict) and i.get("value") and i.get("system") != "urn:ietf:rfc:3986"
    ]
    return ReviewDoc(
        text=text,
        title=title,
        description=description,
        identifiers=identifiers,
        items=items,
        day0=day0,
        day0_source=day0_source,
        events=events,
        undated=undated,
        warnings=warnings,
    )


def _matches_any(item: Item, refs: set[str]) -> bool:
    keys = {item.full_url} if item.full_url else set()
    rid = item.resource.get("id")
    if isinstance(rid, str):
        keys.add(f"{item.rtype}/{rid}")
    return any(_matches(ref, keys) for ref in refs)
