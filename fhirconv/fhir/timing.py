"""Times of the timeline as R4 elements, and the marks that say the dates are synthetic.

Dates are day offsets from ``--index-date`` (day 0 = presentation), so every resource carrying one is
tagged with ``DATE_TAG`` and the Provenance says how the dates were derived. A calendar date the text
itself gives ("in March 2015") is written as it stands (``CalendarDate``, YYYY, YYYY-MM or YYYY-MM-DD) and
does not earn the tag. Ages go in the R4 Age
type only where the element allows it (``Condition.onsetAge``, ``abatementAge``,
``Procedure.performedAge``); an Observation or an administration has no Age choice and takes the date
computed from the patient's stated age instead (see docs/timeline.md).
"""

from __future__ import annotations

from typing import Any

from ..model import RelativeTime
from ..normalize import Normalizer
from .datatypes import quantity

__all__ = [
    "DATE_POLICY",
    "DATE_TAG",
    "TAG_CODESYSTEM",
    "CalendarDate",
    "age_value",
    "has_synthetic_date",
    "holds_synthetic_date",
    "time_elements",
]

TAG_CODESYSTEM = "https://github.com/fhirconv/fhirconv/fhir/CodeSystem/fhirconv-tags"
DATE_TAG: dict[str, str] = {
    "system": TAG_CODESYSTEM,
    "code": "synthetic-dates",
    "display": "Dates are day offsets from the index date, not real dates",
}
DATE_POLICY = "https://github.com/fhirconv/fhirconv/blob/main/docs/timeline.md#synthetic-dates"

# Elements whose value fhirconv computes from the index date (DocumentReference.date is the real
# publication date and is not among them).
_DATE_KEYS = frozenset(
    {
        "effectiveDateTime",
        "effectivePeriod",
        "performedDateTime",
        "performedPeriod",
        "onsetDateTime",
        "onsetPeriod",
        "abatementDateTime",
        "abatementPeriod",
        "boundsPeriod",
        "period",
        "deceasedDateTime",
        "date",  # AdverseEvent.date (DocumentReference.date, the real publication date, is skipped)
    }
)


# Elements the builder fills only with datatypes that hold no date element (CodeableConcept, Coding,
# Reference, Quantity, Annotation, Extension, an Observation's component and reference range, the
# Provenance's parts): the synthetic-date walk does not look into them (they are most of a resource's
# nested objects).
_DATELESS = frozenset(
    {
        "code",
        "coding",
        "category",
        "subject",
        "encounter",
        "context",
        "valueQuantity",
        "interpretation",
        "clinicalStatus",
        "verificationStatus",
        "medicationCodeableConcept",
        "route",
        "relationship",
        "reasonReference",
        "request",
        "statusReason",
        "dataAbsentReason",
        "note",
        "component",
        "referenceRange",
        "extension",
        # Provenance.target (a Reference per resource: most of what the walk looked into), .entity,
        # .agent, .activity and .reason; an absent finding's value; ClinicalImpression.finding
        "target",
        "entity",
        "agent",
        "activity",
        "reason",
        "valueCodeableConcept",
        "finding",
    }
)


class CalendarDate(str):
    """A real date the text gives ("in March 2015" -> ``2015-03``): written as a plain FHIR date(Time),
    but not an offset from the index date, so it never earns the synthetic-dates tag."""

    __slots__ = ()


def _synthetic(value: Any) -> bool:
    if isinstance(value, str):
        return not isinstance(value, CalendarDate)
    if isinstance(value, dict):  # a Period: real only when every end is a date the text gives
        return not (value and all(isinstance(v, CalendarDate) for v in value.values()))
    return False


def age_value(years: float) -> dict[str, Any]:
    """An R4 Age in years (UCUM ``a``)."""
    return quantity(f"{years:g}", "years", "a")


def time_elements(
    norm: Normalizer, t: RelativeTime | None, prefix: str, *, age: bool, period_only: bool = False
) -> dict[str, Any]:
    """``{prefix}DateTime`` / ``{prefix}Period`` (or ``{prefix}Age`` where R4 allows an Age) for ``t``."""
    if t is None:
        return {}
    if t.age_years is not None and age:
        return {f"{prefix}Age": age_value(t.age_years)}
    if t.start_day is None and t.calendar is not None:
        real = CalendarDate(t.calendar)
        return {f"{prefix}Period": {"start": real}} if period_only else {f"{prefix}DateTime": real}
    if t.start_day is None:
        return {}
    if t.end_day is not None and norm.date(t.end_day) != norm.date(t.start_day):
        return {f"{prefix}Period": {"start": norm.date(t.start_day), "end": norm.date(t.end_day)}}
    if period_only:
        return {f"{prefix}Period": {"start": norm.date(t.start_day)}}
    return {f"{prefix}DateTime": norm.date(t.start_day)}


def has_synthetic_date(resource: dict[str, Any]) -> bool:
    """Whether any element of ``resource`` (a resource being built) holds a date computed from the index
    date. Elements that hold only dateless datatypes (``_DATELESS``) are not looked into."""
    if resource.get("resourceType") == "DocumentReference":
        return False
    return _holds_synthetic(resource)


def _holds_synthetic(node: dict[str, Any]) -> bool:
    """The walk of :func:`has_synthetic_date` (recursive: a built resource is a few levels deep, and
    this runs once per resource, so a call per nested object is cheaper than a stack of every value).

    Which keys of an object can matter depends only on its keys (``_plan``): the objects the builder
    makes come in a few dozen shapes, so the walk looks at the one or two date keys and the few
    non-dateless values of each object instead of testing every key."""
    dates, nested = _plan(tuple(node))
    for k in dates:
        # Timing.repeat.period is a number; a date the text gives is real (CalendarDate)
        if _synthetic(node[k]):
            return True
    for k in nested:
        v = node[k]
        t = type(v)
        if t is str:  # (strings and numbers hold no element to look into)
            continue
        if t is dict or isinstance(v, dict):
            if _holds_synthetic(v):
                return True
        elif (t is list or isinstance(v, list)) and _list_holds_synthetic(v):
            return True
    return False


def _plan(keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For an object with ``keys`` (in order): its date keys, and the keys whose values the walk looks
    into (all but the dateless ones); per shape, once (a pure memo, bounded)."""
    found = _PLANS.get(keys)
    if found is None:
        found = (
            tuple(k for k in keys if k in _DATE_KEYS),
            tuple(k for k in keys if k not in _DATELESS),
        )
        if len(_PLANS) < _PLAN_LIMIT:
            _PLANS[keys] = found
    return found


#: :func:`has_synthetic_date` without its DocumentReference test: the walk itself, for the builder, which
#: knows each resource's type already
holds_synthetic_date = _holds_synthetic

# an object's keys -> (date keys, keys looked into); built resources come in a few dozen shapes
_PLANS: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}
_PLAN_LIMIT = 4096


def _list_holds_synthetic(items: list[Any]) -> bool:
    for x in items:
        if isinstance(x, dict):
            if _holds_synthetic(x):
                return True
        elif isinstance(x, list) and _list_holds_synthetic(x):
            return True
    return False
