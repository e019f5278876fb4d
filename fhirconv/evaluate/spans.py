"""Map a converted bundle back to text spans through its derivation-reference extensions.

Each derived resource names the words that support it (offset/length into the DocumentReference text).
The first extension is the resource's head mention; further extensions with the same role are
repeat mentions of the same fact and are scored as mentions too. Extensions with other roles feed
attributes (dose, route...) or a second category (an Observation's value). See docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..fhir.bundle import HISTORY_NOTE
from ..fhir.roles import role_of_path
from ..model import MentionRole, Span
from .gold import (
    ADVERSE_EVENT,
    AGE,
    CONDITION,
    FAMILY_HISTORY,
    MEDICATION,
    OBSERVATION_TEST,
    OBSERVATION_VALUE,
    OUTCOME,
    PROCEDURE,
    SEX,
    Attribute,
    Mention,
)

__all__ = ["DERIVATION_URL", "Derivation", "derivations", "predicted_mentions"]

DERIVATION_URL = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
AGE_LOINC = "30525-0"
# SNOMED CT 103693007 |Diagnostic procedure|: a Procedure so categorised is the test behind a result.
DIAGNOSTIC_PROCEDURE_CODES = frozenset({"103693007"})
MEDICATION_TYPES = frozenset({"MedicationAdministration", "MedicationStatement", "MedicationRequest"})
# Medication attribute kinds the gold links to a drug, by the role of the words.
ATTRIBUTE_ROLES: dict[MentionRole, str] = {
    MentionRole.DOSE: "dose",
    MentionRole.ROUTE: "route",
    MentionRole.FREQUENCY: "frequency",
    MentionRole.DURATION: "duration",
    MentionRole.START: "duration",
}
# A result is its value or its interpretation ("normal", "positive"): MACCROBAT's Lab_value covers both.
VALUE_ROLES = frozenset({MentionRole.VALUE, MentionRole.INTERPRETATION})


@dataclass(frozen=True, slots=True)
class Derivation:
    path: str
    span: Span
    reference: str

    @property
    def role(self) -> MentionRole | None:
        """What the words say about the fact, read from the element path through ``fhir.roles``."""
        return role_of_path(self.path)


def derivations(
    resource: Mapping[str, Any], text_len: int | None = None
) -> tuple[list[Derivation], list[str]]:
    """The resource's derivation-reference extensions, in order, plus problems found on the way.

    A broken extension is reported, not raised: one bad span must not hide the rest of the bundle.
    """
    found: list[Derivation] = []
    problems: list[str] = []
    for ext in resource.get("extension") or ():
        if not isinstance(ext, dict) or ext.get("url") != DERIVATION_URL:
            continue
        parts: dict[str, Any] = {}
        for sub in ext.get("extension") or ():
            if isinstance(sub, dict):
                for key, value in sub.items():
                    if key.startswith("value"):
                        parts[str(sub.get("url"))] = value
        offset, length = parts.get("offset"), parts.get("length")
        path = parts.get("path")
        ref = parts.get("reference")
        reference = ref.get("reference", "") if isinstance(ref, dict) else ""
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            problems.append(f"{resource.get('resourceType')}: derivation-reference without offset/length")
            continue
        if text_len is not None and offset + length > text_len:
            problems.append(
                f"{resource.get('resourceType')}: derivation span {offset}+{length} "
                f"beyond the text ({text_len})"
            )
            continue
        found.append(Derivation(str(path or ""), Span(offset, offset + length), str(reference)))
    return found, problems


def _codes(concept: Any) -> set[str]:
    out: set[str] = set()
    concepts = concept if isinstance(concept, list) else [concept]
    for c in concepts:
        if isinstance(c, dict):
            for coding in c.get("coding") or ():
                if isinstance(coding, dict) and coding.get("code") is not None:
                    out.add(str(coding["code"]))
    return out


def _same_part(a: Derivation, b: Derivation) -> bool:
    """Two derivations cite the same part of a resource (an unknown element: the same path)."""
    return a.role is b.role if a.role is not None else a.path == b.path


def _attribute_kind(role: MentionRole | None) -> str | None:
    return ATTRIBUTE_ROLES.get(role) if role is not None else None


def _age_value(resource: Mapping[str, Any]) -> str | None:
    q = resource.get("valueQuantity")
    if not isinstance(q, dict) or isinstance(q.get("value"), bool):
        return None
    if not isinstance(q.get("value"), int | float | Decimal):  # bundles carry Decimal, parsed JSON may not
        return None
    value = q["value"]
    number = str(int(value)) if float(value).is_integer() else repr(float(value))
    unit = q.get("code") or q.get("unit") or ""
    return f"{number} {unit}".strip()


def _gap(a: Span, b: Span) -> int:
    return max(0, a.start - b.end, b.start - a.end)


def _drug_mentions(refs: list[Derivation], full_url: str, label: str) -> list[Mention]:
    """Drug mentions of one resource, each dosage attribute given to the nearest of them.

    A resource may cite the drug several times ("penicillin ... penicillin G, 24 million units IV"); the
    dose belongs to the mention it stands next to, which is the one the gold links it to.
    """
    drugs = _head_mentions(MEDICATION, refs, full_url, label)
    owned: list[list[Attribute]] = [[] for _ in drugs]
    for r in refs[1:]:
        kind = _attribute_kind(r.role)
        if kind is not None and r.role is not refs[0].role:
            nearest = min(range(len(drugs)), key=lambda i: (_gap(drugs[i].span, r.span), i))
            owned[nearest].append(Attribute(kind, r.span))
    return [
        replace(d, attributes=tuple(sorted(a, key=lambda x: (x.kind, x.span.start, x.span.end))))
        for d, a in zip(drugs, owned, strict=True)
    ]


def _head_mentions(
    category: str, refs: list[Derivation], full_url: str, label: str, **kw: Any
) -> list[Mention]:
    """Head mention plus repeat mentions sharing the head's role, all with the same flags."""
    head = refs[0]
    out = [Mention(category=category, span=head.span, label=label, ref=full_url, **kw)]
    for r in refs[1:]:
        if _same_part(r, head) and r.span != head.span:
            out.append(Mention(category=category, span=r.span, label=label, ref=full_url, **kw))
    return out


# SNOMED CT 2667000 Absent: the value of a pertinent-negative Observation (fhir/findings.py)
ABSENT_CODE = "2667000"


def predicted_mentions(
    bundle: Mapping[str, Any], text_len: int | None = None
) -> tuple[list[Mention], list[str]]:
    """Every scoreable mention in ``bundle``, and the problems met (bad spans, no extensions)."""
    mentions: list[Mention] = []
    problems: list[str] = []
    pending_procs: list[tuple[str, list[Derivation]]] = []
    test_spans: set[Span] = set()
    not_done: dict[str, bool] = {}
    for entry in bundle.get("entry") or ():
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        res: dict[str, Any] = entry["resource"]
        rtype = str(res.get("resourceType", ""))
        full_url = str(entry.get("fullUrl", ""))
        refs, bad = derivations(res, text_len)
        problems.extend(bad)
        if rtype == "Patient":
            gender = res.get("gender")
            for r in refs:
                if r.role is MentionRole.SEX:
                    mentions.append(Mention(SEX, r.span, rtype, value=gender, ref=full_url))
            continue
        if not refs:
            continue
        if rtype == "Condition":
            refuted = "refuted" in _codes(res.get("verificationStatus"))
            historical = any(
                isinstance(n, dict) and n.get("text") == HISTORY_NOTE for n in res.get("note") or ()
            )
            mentions += _head_mentions(
                CONDITION, refs, full_url, rtype, negated=refuted, historical=historical
            )
        elif rtype == "Observation":
            if ABSENT_CODE in _codes(res.get("valueCodeableConcept")):
                # a pertinent negative ("no fever"): the finding, negated, as a condition mention
                mentions += _head_mentions(CONDITION, refs, full_url, rtype, negated=True)
                continue
            if AGE_LOINC in _codes(res.get("code")):
                mentions.append(Mention(AGE, refs[0].span, rtype, value=_age_value(res), ref=full_url))
                continue
            head_is_value = refs[0].role in VALUE_ROLES
            if not head_is_value:
                heads = _head_mentions(OBSERVATION_TEST, refs, full_url, rtype)
                mentions += heads
                test_spans.update(m.span for m in heads)
            for r in refs:
                if r.role in VALUE_ROLES:
                    mentions.append(Mention(OBSERVATION_VALUE, r.span, rtype, ref=full_url))
        elif rtype in MEDICATION_TYPES:
            mentions += _drug_mentions(refs, full_url, rtype)
        elif rtype == "Procedure":
            if _codes(res.get("category")) & DIAGNOSTIC_PROCEDURE_CODES:
                mentions += _head_mentions(OBSERVATION_TEST, refs, full_url, rtype)
            else:
                pending_procs.append((full_url, refs))
                not_done[full_url] = res.get("status") == "not-done"
        elif rtype == "ClinicalImpression":
            mentions += _head_mentions(OUTCOME, refs, full_url, rtype)
        elif rtype == "FamilyMemberHistory":
            mentions += _head_mentions(FAMILY_HISTORY, refs, full_url, rtype)
        elif rtype == "AdverseEvent":
            mentions += _head_mentions(ADVERSE_EVENT, refs, full_url, rtype)
    # A Procedure on the same words as an Observation's test is the test itself (MRI done + MRI result).
    for full_url, refs in pending_procs:
        if any(refs[0].span.overlaps(t) for t in test_spans):
            continue
        mentions += _head_mentions(
            PROCEDURE, refs, full_url, "Procedure", negated=not_done.get(full_url, False)
        )
    return _dedupe(mentions), problems


def _dedupe(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per (category, span): two resources citing the same words are one prediction."""
    seen: dict[tuple[str, Span], Mention] = {}
    for m in mentions:
        seen.setdefault((m.category, m.span), m)
    return sorted(seen.values(), key=lambda m: (m.span.start, m.span.end, m.category, m.ref))
