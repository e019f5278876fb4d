"""The International Patient Summary (IPS 2.0.0) document form of a converted case report.

``convert --profile ips`` builds the same resources as every other conversion, then this module turns
them into an IPS document Bundle (http://hl7.org/fhir/uv/ips/STU2): a Composition first (LOINC 60591-5)
whose sections list the facts, the resources adapted where an IPS profile asks for more than plain R4,
and each adapted resource claiming its IPS profile in ``meta.profile``. Nothing is invented to fill a
required element: what the report does not say is a ``data-absent-reason`` (docs/ips.md lists them).

Why adapt instead of building separately: the facts, their ids and their derivation extensions stay
exactly those of the transaction/collection bundles, so an IPS document and an upload of the same report
describe the same resources.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .datatypes import data_absent, narrative, reference

__all__ = ["IPS_BASE", "IpsContext", "ips_document"]

IPS_BASE = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
_LOINC = "http://loinc.org"
_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Observation.status values the IPS results profiles allow (results-status-uv-ips: all but entered-in-error)
_RESULT_STATUS = frozenset({"registered", "preliminary", "final", "amended", "corrected", "cancelled"})


@dataclass(frozen=True, slots=True)
class IpsContext:
    """What the document needs beyond the resources: its ids, date, subject, author and title."""

    bundle_identifier: dict[str, Any]
    composition_url: str
    composition_identifier: dict[str, Any]
    document_tag: list[dict[str, Any]]
    patient_url: str
    author_url: str
    timestamp: str  # the publication date, else the index date: never the wall clock
    title: str


# Section code, display, title, the sentence when it is empty (None: the section is left out then).
_SECTIONS: dict[str, tuple[str, str, str, str | None]] = {
    "problems": (
        "11450-4",
        "Problem list - Reported",
        "Problem List",
        "No current problems were extracted from the case report.",
    ),
    "allergies": (
        "48765-2",
        "Allergies and adverse reactions Document",
        "Allergies and Intolerances",
        "No information about allergies or intolerances was extracted from the case report.",
    ),
    "medications": (
        "10160-0",
        "History of Medication use Narrative",
        "Medication Summary",
        "No information about medication use was extracted from the case report.",
    ),
    "past": ("11348-0", "History of Past illness note", "History of Past Illness", None),
    "procedures": ("47519-4", "History of Procedures Document", "History of Procedures", None),
    "results": ("30954-2", "Relevant diagnostic tests/laboratory data note", "Results", None),
    "vitals": ("8716-3", "Vital signs note", "Vital Signs", None),
    # not IPS sections (Composition.section slicing is open): facts a reader of the summary should see
    "findings": ("29545-1", "Physical findings Narrative", "Physical Findings", None),
    "family": ("10157-6", "History of family member diseases Narrative", "Family History", None),
}


def ips_document(entries: list[tuple[str, dict[str, Any]]], ctx: IpsContext) -> dict[str, Any]:
    """The IPS document Bundle of ``entries`` (fullUrl, resource), which are not changed."""
    sections: dict[str, list[tuple[str, dict[str, Any]]]] = {k: [] for k in _SECTIONS}
    adapted: list[tuple[str, dict[str, Any]]] = []
    for url, res in entries:
        res = _adapt(res)
        adapted.append((url, res))
        key = _section_of(res)
        if key is not None:
            sections[key].append((url, res))
    composition = _composition(sections, ctx)
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [IPS_BASE + "Bundle-uv-ips"]},
        "identifier": ctx.bundle_identifier,
        "type": "document",
        "timestamp": ctx.timestamp,
        "entry": [{"fullUrl": u, "resource": r} for u, r in [(ctx.composition_url, composition), *adapted]],
    }


def _section_of(res: dict[str, Any]) -> str | None:
    """Where a resource is listed; None: in the Bundle (reachable through its references) but in no
    section (the source DocumentReference, the Device, the Encounter, Provenance, requests, the age)."""
    rtype = res["resourceType"]
    if rtype == "Condition":
        if _code(res.get("verificationStatus")) == "refuted":
            return None  # a diagnosis considered and excluded is no problem of the patient
        return "past" if _is_history(res) else "problems"
    if rtype in ("MedicationStatement", "MedicationAdministration"):
        return "medications"
    if rtype == "Procedure":
        return "procedures"
    if rtype == "FamilyMemberHistory":
        return "family"
    if rtype == "Observation":
        cats = _categories(res)
        if "vital-signs" in cats:
            return "vitals"
        if cats & {"laboratory", "imaging", "procedure"}:
            return "results"
        if "exam" in cats:
            return "findings"
    return None


def _is_history(res: dict[str, Any]) -> bool:
    from .bundle import HISTORY_NOTE

    return any(n.get("text") == HISTORY_NOTE for n in res.get("note", []))


def _code(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    return next((c.get("code") for c in cc.get("coding", [])), None)


def _categories(res: dict[str, Any]) -> set[str]:
    return {
        str(c.get("code"))
        for cc in res.get("category", [])
        for c in cc.get("coding", [])
        if c.get("system") == _OBS_CATEGORY
    }


_ADAPTED = frozenset(
    {"Patient", "Condition", "MedicationStatement", "MedicationRequest", "Procedure", "Observation"}
)


def _claim(res: dict[str, Any], profile: str) -> None:
    meta = res.setdefault("meta", {})
    profiles = [p for p in meta.get("profile", []) if p != profile]
    res["meta"] = {"profile": [*profiles, profile], **{k: v for k, v in meta.items() if k != "profile"}}


def _adapt(res: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``res`` meeting its IPS profile, claiming it; unchanged when no IPS profile applies."""
    rtype = res["resourceType"]
    if rtype not in _ADAPTED:
        return res
    out = copy.deepcopy(res)
    if rtype == "Patient":
        # A case report withholds the patient's name and birth date: IPS requires both (name with a
        # family, given or text part; birthDate), so each carries the reason it is absent.
        # in R4 element order: name after identifier, birthDate after gender
        if "name" not in out:
            out = _insert_after(out, "identifier", {"name": [{"_family": data_absent("masked")}]})
        if "birthDate" not in out:
            after = "gender" if "gender" in out else "name"
            out = _insert_after(out, after, {"_birthDate": data_absent("masked")})
        _claim(out, IPS_BASE + "Patient-uv-ips")
    elif rtype == "Condition":
        _claim(out, IPS_BASE + "Condition-uv-ips")
    elif rtype == "MedicationStatement":
        if not any(k.startswith("effective") for k in out):
            out["effectivePeriod"] = data_absent("unknown")  # IPS: effective[x] 1..1
        _claim(out, IPS_BASE + "MedicationStatement-uv-ips")
    elif rtype == "MedicationRequest":
        _claim(out, IPS_BASE + "MedicationRequest-uv-ips")
    elif rtype == "Procedure":
        if not any(k.startswith("performed") for k in out):  # IPS: performed[x] 1..1
            why = "not-applicable" if out.get("status") == "not-done" else "unknown"
            out["performedPeriod"] = data_absent(why)
        _claim(out, IPS_BASE + "Procedure-uv-ips")
    else:
        _adapt_result(out)
    return out


def _insert_after(res: dict[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in res.items():
        out[k] = v
        if k == key:
            out.update(extra)
    out.update({k: v for k, v in extra.items() if k not in out})
    return out


def _adapt_result(obs: dict[str, Any]) -> None:
    """A laboratory or imaging result meets the IPS results profile when it has a value (or says why
    not) and an allowed status; the performer and time a report rarely gives are data-absent. Anything
    else (no value at all) stays a plain Observation: it is still listed, but claims no IPS profile."""
    cats = _categories(obs)
    if "vital-signs" in cats:
        return  # the R4 vital-signs profiles (fhir/vitals.py) are the ones IPS uses
    if "laboratory" in cats:
        profile = "Observation-results-laboratory-pathology-uv-ips"
        has_value = any(k.startswith("value") for k in obs) or "dataAbsentReason" in obs or "component" in obs
        if not has_value or ("component" in obs and "hasMember" in obs):
            return
    elif "imaging" in cats:
        profile = "Observation-results-radiology-uv-ips"
        if "component" in obs and "hasMember" in obs:
            return
    else:
        return
    if obs.get("status") not in _RESULT_STATUS:
        return
    if not any(k.startswith("effective") for k in obs):
        obs["effectivePeriod"] = data_absent("unknown")
    if not obs.get("performer"):
        obs["performer"] = [data_absent("unknown")]
    _claim(obs, IPS_BASE + profile)


def _inner(res: dict[str, Any]) -> str:
    """The XHTML content of a resource's narrative div (already escaped)."""
    div = str(res.get("text", {}).get("div", ""))
    start = div.find(">") + 1
    return div[start : div.rfind("</div>")] if start > 0 and div.endswith("</div>") else ""


def _composition(sections: dict[str, list[tuple[str, dict[str, Any]]]], ctx: IpsContext) -> dict[str, Any]:
    out_sections: list[dict[str, Any]] = []
    for key, (code, display, title, empty) in _SECTIONS.items():
        items = sections[key]
        if not items and empty is None:
            continue
        section: dict[str, Any] = {
            "title": title,
            "code": {"coding": [{"system": _LOINC, "code": code, "display": display}]},
        }
        if items:
            lis = "".join(f"<li>{_inner(r)}</li>" for _, r in items)
            section["text"] = {
                "status": "generated",
                "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{lis}</ul></div>',
            }
            section["entry"] = [reference(u) for u, _ in items]
        else:
            assert empty is not None
            section["text"] = narrative(empty)
            section["emptyReason"] = {
                "coding": [{"system": _EMPTY_REASON, "code": "unavailable", "display": "Unavailable"}],
                "text": "No information available",
            }
        out_sections.append(section)
    listed = sum(len(v) for v in sections.values())
    return {
        "resourceType": "Composition",
        "meta": {"profile": [IPS_BASE + "Composition-uv-ips"], "tag": ctx.document_tag},
        "text": narrative(
            f"International Patient Summary of the patient of a published case report ({ctx.title}), "
            f"extracted by fhirconv: {listed} facts in {len(out_sections)} sections."
        ),
        "identifier": ctx.composition_identifier,
        "status": "final",
        "type": {"coding": [{"system": _LOINC, "code": "60591-5", "display": "Patient summary Document"}]},
        "subject": reference(ctx.patient_url),
        "date": ctx.timestamp,
        "author": [reference(ctx.author_url)],
        "title": "International Patient Summary",
        "section": out_sections,
    }
