"""Acceptance 1 of issue 9 as a reusable counter: of the Observations, Procedures and administrations
whose sentence (or an earlier sentence of its paragraph) states a time, the share that carry
effective[x]/performed[x].

The time detector here is written independently of ``mappings/rules/timeline.json`` (its own, broader
phrase list), so the figure measures the timeline rather than restating it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fhirconv.extract.text import iter_paragraphs, split_sentences
from fhirconv.text import fold

_N = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)"
_U = r"(?:hours?|days?|weeks?|months?|years?)"
_ORD = r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
TIME = re.compile(
    rf"(?<!\w)(?:"
    rf"(?:on\s+)?(?:the\s+)?{_ORD}\s+(?:hospital\s+|postoperative\s+)?(?:day|week|month)"
    rf"|(?:hospital|postoperative|post\s+operative)\s+day\s+\d+|on\s+day\s+\d+|pod\s*\d+"
    rf"|{_N}\s+{_U}\s+(?:later|after|earlier|ago|before|prior|previously|thereafter)"
    rf"|after\s+(?:a\s+|an\s+)?{_N}\s+{_U}"
    rf"|the\s+(?:next|following)\s+(?:day|morning|night|evening)"
    rf"|(?:on|at|upon)\s+(?:admission|presentation|arrival|discharge)"
    rf"|presented|presents|was\s+admitted|was\s+referred|was\s+brought|was\s+discharged"
    rf"|at\s+(?:the\s+)?(?:age\s+of\s+)?\d+\s*(?:years?\s+)?(?:of\s+age)"
    rf"|at\s+the\s+age\s+of|(?:at|on)\s+(?:the\s+)?(?:\d+\s+{_U}\s+)?follow\s+up"
    rf"|(?:in|on|since)\s+(?:{_MONTH}\s+)?(?:19|20)\d\d"
    rf")(?!\w)"
)
_TYPES = ("Observation", "Procedure", "MedicationAdministration")
_HEAD = ("Observation.code", "Procedure.code", "MedicationAdministration.medication[x]")


@dataclass
class Coverage:
    stated: int = 0  # resources whose sentence or paragraph states a time
    dated: int = 0  # ... of which carry effective[x]/performed[x]
    by_type: dict[str, list[int]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.dated / self.stated if self.stated else 0.0

    def add(self, other: Coverage) -> None:
        self.stated += other.stated
        self.dated += other.dated
        for k, (s, d) in other.by_type.items():
            cur = self.by_type.setdefault(k, [0, 0])
            cur[0] += s
            cur[1] += d
        self.missing.extend(other.missing)


def _head_offset(resource: dict[str, Any]) -> int | None:
    for ext in resource.get("extension", []):
        parts = {x["url"]: x for x in ext.get("extension", [])}
        if parts.get("path", {}).get("valueString") in _HEAD:
            return int(parts["offset"]["valueInteger"])
    return None


def _dated(resource: dict[str, Any]) -> bool:
    for k, v in resource.items():
        if k.startswith(("effective", "performed")):
            # a data-absent-reason extension in place of a value says "not known": not a time
            return not (isinstance(v, dict) and "extension" in v and len(v) == 1)
    return False


def coverage(text: str, bundle: dict[str, Any], name: str = "") -> Coverage:
    """The counter for one document and its bundle."""
    folded = fold(text)
    where: list[tuple[int, int, bool]] = []  # sentence start, end, states a time (itself or paragraph)
    for ps, pe in iter_paragraphs(text, 0, len(text)):
        seen = False
        for s in split_sentences(text, ps, pe):
            seen = seen or TIME.search(folded, s.start, s.end) is not None
            where.append((s.start, s.end, seen))
    out = Coverage()
    for entry in bundle.get("entry", []):
        r = entry["resource"]
        rtype = r["resourceType"]
        if rtype not in _TYPES or r.get("status") in ("not-done", "cancelled", "entered-in-error"):
            continue
        off = _head_offset(r)
        if off is None:
            continue
        stated = next((t for s, e, t in where if s <= off < e), False)
        if not stated:
            continue
        dated = _dated(r)
        out.stated += 1
        out.dated += dated
        cur = out.by_type.setdefault(rtype, [0, 0])
        cur[0] += 1
        cur[1] += dated
        if not dated:
            out.missing.append(f"{name}@{off} {rtype}")
    return out
