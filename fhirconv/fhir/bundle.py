"""Facts -> FHIR R4 resources -> Bundle.

Resources are built as plain JSON-ready dicts (insertion order is the output order, so output is
stable) from the datatypes in ``datatypes.py``; the fhir.resources R4B models then check them (the
models are identical to R4 for every element emitted here).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import PurePath
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from .. import __version__
from ..errors import BuildError
from ..model import (
    Assertion,
    Coding,
    ConditionFact,
    Document,
    Extraction,
    Mention,
    MentionRole,
    Quantity,
    ReferenceRange,
    RelativeTime,
)
from ..normalize import Normalizer
from .adverse import adverse_event
from .datatypes import (
    clean_text,
    codeable_concept,
    data_absent,
    derivations,
    narrative,
    quantity,
    reference,
)
from .family import family_member_history
from .findings import absent_finding, pertinent_negative
from .ids import DOCUMENT_TAG_SYSTEM, ID_SYSTEM, TAG_SYSTEM, ResourceUrls, document_tag
from .roles import element_path
from .statements import medication_statement
from .timing import DATE_POLICY, DATE_TAG, CalendarDate, holds_synthetic_date, time_elements
from .vitals import vital_profile

__all__ = [
    "HISTORY_NOTE",
    "PART_BYTES",
    "BundleOptions",
    "build_bundle",
    "source_text",
    "stream_bundle",
    "text_parts",
]

_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_COND_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_DAR = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_LOINC = "http://loinc.org"
# Resource types R4 gives no ``identifier`` search parameter (AdverseEvent.identifier is also 0..1): their
# stable id is a ``urn:fhirconv:id`` tag, which conditional create and re-upload search by ``_tag``.
TAG_KEYED = frozenset({"Provenance", "AdverseEvent"})
# The note that marks a Condition reported as past history; the evaluator reads it back (docs/evaluation.md).
HISTORY_NOTE = "Reported as past history."


def _status_concept(system: str, status: str) -> dict[str, Any]:
    """``codeable_concept(None, [Coding(system, status, status.capitalize())])``, the status concepts of
    a Condition (two a Condition), written as the one dict it is (no Coding, no general call)."""
    display = status.capitalize()
    if not status or display.split() != [display]:  # (no code, or a display to tidy: the general way)
        return codeable_concept(None, [Coding(system, status, display)])
    return {"coding": [{"system": system, "code": status, "display": display}], "text": display}


_ASSERTION_VERIFICATION = {
    Assertion.PRESENT: "confirmed",
    Assertion.HISTORICAL: "confirmed",
    Assertion.NEGATED: "refuted",
    Assertion.UNCERTAIN: "provisional",
}


#: How many words of the body's opening (after the title) join a title in a document's identity.
OPENING_WORDS = 16
_WORD = re.compile(r"\w+")


def document_identity(doc: Document) -> str:
    """What makes two conversions the same document.

    - its PMID, PMCID or DOI when the metadata has one;
    - else its title (three words or more) with the authors, journal and year the metadata gives and
      the first ``OPENING_WORDS`` words of the body after the title (case, punctuation and spacing
      ignored): two *different* reports that merely share a title ("Pneumonia in a young adult") are
      two documents, while an edited sentence after the opening keeps the identity;
    - else a hash of the whole text with whitespace normalised.

    A byte-order mark, CRLF line endings or re-wrapped lines never make a new document, and neither does
    an edited sentence of an identified or titled report (outside its opening): re-uploading then
    replaces the old version (docs/upload.md)."""
    md = doc.metadata
    for scheme, value in (("pmid", md.pmid), ("pmcid", md.pmcid), ("doi", md.doi)):
        if value:
            return f"{scheme}:{value.strip().lower()}"
    title = " ".join(md.title.lower().split()) if md.title else ""
    if len(title.split()) >= 3:  # a real title, not a heading such as "Case report"
        parts = ["title:" + title]
        for label, value in (("authors", "; ".join(md.authors)), ("journal", md.journal), ("year", md.year)):
            if value:
                parts.append(f"{label}:{' '.join(value.lower().split())}")
        parts.append("opening:" + " ".join(_opening(doc.text, title)))
        return "|".join(parts)
    words = " ".join(doc.text.removeprefix("\ufeff").split())
    return "text:" + hashlib.sha256(words.encode("utf-8")).hexdigest()


def _opening(text: str, title: str) -> list[str]:
    """The first ``OPENING_WORDS`` words of ``text`` after the title (when the text starts with it),
    lower-cased, punctuation dropped; read from a bounded prefix, so cheap for any length."""
    head = _WORD.findall(title)
    words = _WORD.findall(text[: 4 * len(title) + 2000].lower())
    if head and words[: len(head)] == head:
        words = words[len(head) :]
    return words[:OPENING_WORDS]


_BOUNDARY = re.compile(r"\n|[.!?] ")  # a sentence boundary (what _Anchors finds, as below)


class _Anchors:
    """The sentence around a mention (at most 2,000 characters each way: up to the nearest line break
    or ". ", "! ", "? " on either side), whitespace and case normalised. The boundaries are found once
    per document and looked up by bisection: a document with thousands of facts, or one long line
    without any boundary, costs no scan per fact."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: dict[tuple[int, int], str] = {}  # (start, end) of a sentence -> its anchor
        self.starts: list[int]  # where each boundary starts
        self.ends: list[int]  # and ends
        # (each separator found by ``str.find``, which skips to it at C speed, instead of the regular
        # expression's per-character set test over the whole text; the boundaries found are the same:
        # none of the separators starts inside another, so they never overlap)
        found: dict[int, int] = {}
        i = text.find("\n")
        while i >= 0:
            found[i] = i + 1
            i = text.find("\n", i + 1)
        for sep in (". ", "! ", "? "):
            i = text.find(sep)
            while i >= 0:
                found[i] = i + 2
                i = text.find(sep, i + 2)
        self.starts = sorted(found)
        self.ends = [found[i] for i in self.starts]

    def __call__(self, start: int, end: int) -> str:
        text = self.text
        lo = start - 2000 if start > 2000 else 0  # (max and min without their calls)
        hi = end + 2000
        if hi > len(text):
            hi = len(text)
        # the boundary ending last at or before the mention (within the window), else the window edge
        i = bisect_right(self.ends, start) - 1
        a = self.ends[i] if i >= 0 and self.starts[i] >= lo else lo
        # the first boundary starting at or after the mention's end that fits in the window
        j = bisect_left(self.starts, end)
        b = self.starts[j] + 1 if j < len(self.starts) and self.ends[j] <= hi else hi
        # facts of one sentence share it: normalised once
        anchor = self.seen.get((a, b))
        if anchor is None:
            anchor = self.seen[(a, b)] = " ".join(text[a:b].lower().split())
        return anchor


# FHIR caps a base64Binary at 1 MiB of base64, i.e. 768 KiB of bytes.
PART_BYTES = 768 * 1024


def text_parts(text: str, limit: int = PART_BYTES) -> list[bytes]:
    """The source text as UTF-8 parts of at most ``limit`` bytes, cut after a line break where one is
    in the second half of a part, never inside a character. Mention offsets count code points into
    the concatenation of the parts, so a reader joins them in order (see docs/extraction.md)."""
    data = text.encode("utf-8")
    parts: list[bytes] = []
    pos = 0
    while len(data) - pos > limit:
        cut = data.rfind(b"\n", pos + limit // 2, pos + limit) + 1
        if cut <= 0:
            cut = pos + limit
            while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the character start
                cut -= 1
        parts.append(data[pos:cut])
        pos = cut
    parts.append(data[pos:])
    return parts


def source_text(document_reference: dict[str, Any]) -> str:
    """The text mention offsets count into: every ``text/plain`` attachment with data, in order."""
    chunks = [
        base64.b64decode(c["attachment"]["data"])
        for c in document_reference.get("content", [])
        if str(c.get("attachment", {}).get("contentType", "")).startswith("text/plain")
        and "data" in c.get("attachment", {})
    ]
    return b"".join(chunks).decode("utf-8")


@dataclass(frozen=True, slots=True)
class BundleOptions:
    bundle_type: str = "transaction"  # transaction | collection (ignored for a profile's document)
    profile: str | None = None  # "ips": an IPS 2.0.0 document Bundle (fhir/ips.py)


Sink = Callable[[dict[str, Any]], None]


class _Builder:
    def __init__(
        self,
        doc: Document,
        facts: Extraction,
        norm: Normalizer,
        options: BundleOptions,
        sink: Sink | None = None,
    ) -> None:
        self.doc = doc
        self.facts = facts
        self.norm = norm
        self.options = options
        if options.profile is not None and options.profile != "ips":
            raise BuildError(f"unknown output profile {options.profile!r} (use ips)")
        if options.profile is None and options.bundle_type not in ("transaction", "collection"):
            raise BuildError(
                f"unsupported bundle type {options.bundle_type!r} (use transaction or collection)"
            )
        self.entries: list[dict[str, Any]] = []
        self.transaction = options.bundle_type == "transaction"
        # each finished entry goes to the sink at once: the whole bundle (build_bundle) or a streaming
        # writer that gates and writes it and keeps nothing (fhirconv.streaming)
        self.sink: Sink = sink if sink is not None else self.entries.append
        self.derived: list[str] = []
        self.identity = document_identity(doc)
        self.document_tag = document_tag(self.identity)
        self._seen: dict[str, dict[str, int]] = {}  # type -> base -> how many
        self._anchor = _Anchors(doc.text)
        self._urls = ResourceUrls(self.identity)
        self.doc_ref = self._url("DocumentReference", "document")
        self.patient = self._url("Patient", "patient")
        self.encounter = self._url("Encounter", "encounter")
        self.device = self._url("Device", f"fhirconv-{__version__}")
        # the References to the patient and the encounter nearly every resource holds, each copied from
        # these (a dict's copy costs less than a call of ``reference``)
        self.patient_ref = reference(self.patient)
        self.encounter_ref = reference(self.encounter)

    def _url(self, rtype: str, key: str) -> str:
        return self._urls(rtype, key)

    def _fact_url(self, rtype: str, key: str, mention: Mention) -> str:
        """Id of a fact: its normalised content (``key``) and the normalised sentence it sits in, not
        character offsets, so a fact keeps its id when text elsewhere changes; a repeat of the same fact
        in an identical sentence gets a counter."""
        if "@" in key:
            stem, _, offset = key.rpartition("@")
            if offset.isdigit():  # extraction keys some facts by offset: the anchor replaces it
                key = stem
        base = f"{key}|{self._anchor(mention.start, mention.end)}"
        # (the counter per type and base in the type's own dict: no (type, base) tuple per fact)
        seen = self._seen.get(rtype)
        if seen is None:
            seen = self._seen[rtype] = {}
        n = seen.get(base, 0) + 1
        seen[base] = n
        return self._urls(rtype, base if n == 1 else f"{base}#{n}")

    def _add(
        self, url: str, resource: dict[str, Any], mentions: tuple[Mention, ...] | list[Mention] = ()
    ) -> None:
        rtype = resource["resourceType"]
        if rtype in TAG_KEYED:
            self._add_keyed(url, resource, mentions)
            return
        # every resource names the document it came from, so an upload can find (and replace) the
        # set a previous conversion of the same document left on a server; a loader can tell offsets
        # from real dates (docs/timeline.md); DocumentReference.date is the real publication date
        if rtype != "DocumentReference" and holds_synthetic_date(resource):
            tags = [{"system": DOCUMENT_TAG_SYSTEM, "code": self.document_tag}, DATE_TAG.copy()]
        else:
            tags = [{"system": DOCUMENT_TAG_SYSTEM, "code": self.document_tag}]
        # (no category, no vital-signs profile: most Observations are asked nothing more)
        profile = vital_profile(resource) if rtype == "Observation" and "category" in resource else None
        body: dict[str, Any] = {
            "resourceType": rtype,
            "meta": {"profile": [profile], "tag": tags} if profile else {"tag": tags},
            "text": narrative(_summary(resource)),
        }
        if mentions:
            body["extension"] = derivations(self.doc_ref, mentions, _ROLE_PATHS.get(rtype) or _paths(rtype))
            self.derived.append(url)
        # the resource's elements in its order after those above (a key already in ``body`` keeps its
        # place and takes the resource's value; resourceType is the same value); its own identifiers
        # follow the fhirconv one
        own = {"system": ID_SYSTEM, "value": url}
        body["identifier"] = [own]
        ids = resource.get("identifier")
        body.update(resource)
        if ids is not None:
            body["identifier"] = [own, *ids]
        # the entry (``_entry``) made here: one call fewer for each of a bundle's resources
        if self.transaction:
            self.sink(
                {
                    "fullUrl": url,
                    "resource": body,
                    "request": {
                        "method": "POST",
                        "url": rtype,
                        "ifNoneExist": f"identifier={ID_SYSTEM}|{url}",
                    },
                }
            )
        else:
            self.sink({"fullUrl": url, "resource": body})

    def _add_keyed(
        self, url: str, resource: dict[str, Any], mentions: tuple[Mention, ...] | list[Mention]
    ) -> None:
        """``_add`` of a resource keyed by a tag (``TAG_KEYED``: one or two a bundle)."""
        rtype = resource["resourceType"]
        tags = [
            {"system": TAG_SYSTEM, "code": url.removeprefix("urn:uuid:")},
            {"system": DOCUMENT_TAG_SYSTEM, "code": self.document_tag},
        ]
        if holds_synthetic_date(resource):
            tags.append(dict(DATE_TAG))
        body: dict[str, Any] = {
            "resourceType": rtype,
            "meta": {"tag": tags},
            "text": narrative(_summary(resource)),
        }
        if mentions:
            body["extension"] = derivations(self.doc_ref, mentions, _ROLE_PATHS.get(rtype) or _paths(rtype))
        ids = resource.get("identifier")
        body.update(resource)
        if ids is not None:
            body["identifier"] = list(ids)
        cond = f"_tag={TAG_SYSTEM}|{url.removeprefix('urn:uuid:')}"
        if self.transaction:
            self.sink(
                {
                    "fullUrl": url,
                    "resource": body,
                    "request": {"method": "POST", "url": rtype, "ifNoneExist": cond},
                }
            )
        else:
            self.sink({"fullUrl": url, "resource": body})
        if mentions:
            self.derived.append(url)

    # ------------------------------------------------------------------ resources
    def document_reference(self) -> None:
        md = self.doc.metadata
        parts = text_parts(self.doc.text)
        content: list[dict[str, Any]] = []
        for i, data in enumerate(parts):
            attachment: dict[str, Any] = {
                "contentType": "text/plain; charset=utf-8",
                "language": "en",
                "data": base64.b64encode(data).decode("ascii"),
                "size": len(data),
                "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
            }
            title = clean_text(md.title, 500) if md.title else ""
            if len(parts) > 1:
                title = f"{title} (part {i + 1} of {len(parts)})".strip()
            if title:
                attachment["title"] = title
            content.append({"attachment": attachment})
        ids: list[dict[str, Any]] = []
        if md.pmid:
            ids.append({"system": "https://pubmed.ncbi.nlm.nih.gov", "value": md.pmid})
        if md.pmcid:
            ids.append({"system": "https://www.ncbi.nlm.nih.gov/pmc", "value": md.pmcid})
        if md.doi:
            ids.append({"system": "https://doi.org", "value": md.doi})
        if md.doi:
            content.append(
                {
                    "attachment": {
                        "contentType": "text/html",
                        "url": f"https://doi.org/{md.doi}",
                        "title": "Published article",
                    }
                }
            )
        citation = [x for x in (md.title, md.journal, md.year) if x]
        res: dict[str, Any] = {
            "resourceType": "DocumentReference",
            "identifier": ids,
            "status": "current",
            "docStatus": "final",
            "type": {"text": "Published clinical case report"},
            "subject": self.patient_ref.copy(),
            **({"date": f"{md.published}T00:00:00Z"} if md.published else {}),  # the real publication date
            # the file name only: a full path would differ between machines and break reproducibility
            "description": clean_text(
                ". ".join(citation) if citation else PurePath(self.doc.source_name).name
            ),
            "content": content,
        }
        self._add(self.doc_ref, res)

    def device_resource(self) -> None:
        self._add(
            self.device,
            {
                "resourceType": "Device",
                "deviceName": [{"name": "fhirconv", "type": "manufacturer-name"}],
                "type": {"text": "Clinical text to FHIR converter (software)"},
                "version": [{"value": __version__}],
            },
        )

    def patient_resource(self) -> None:
        p = self.facts.patient
        res: dict[str, Any] = {"resourceType": "Patient"}
        mentions: list[Mention] = []
        if p.sex:
            res["gender"] = p.sex
            if p.sex_mention:
                mentions.append(p.sex_mention)
        if p.deceased:
            o = self.facts.outcome
            t = o.stated_time if o is not None and o.kind == "died" else None
            # the date of death only when the death sentence itself gives one; else just the fact
            if t is not None and t.start_day is not None and t.end_day is None:
                res["deceasedDateTime"] = self.norm.date(t.start_day)
            else:
                res["deceasedBoolean"] = True
            if p.deceased_mention:
                mentions.append(p.deceased_mention)
        self._add(self.patient, res, mentions)
        if p.age is not None and p.age_mention is not None:
            url = self._fact_url("Observation", "age", p.age_mention)
            self._add(
                url,
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": codeable_concept(p.age_mention.text, [Coding(_LOINC, "30525-0", "Age")]),
                    "subject": self.patient_ref.copy(),
                    "encounter": self.encounter_ref.copy(),
                    "effectiveDateTime": self.norm.date(0),
                    "valueQuantity": quantity(p.age.value, p.age.unit, p.age.ucum, p.age.comparator),
                },
                [p.age_mention],
            )

    def encounter_resource(self) -> None:
        inpatient = self.facts.inpatient
        self._add(
            self.encounter,
            {
                "resourceType": "Encounter",
                "status": "finished",
                "class": {
                    "system": _ACT_CODE,
                    "code": "IMP" if inpatient else "AMB",
                    "display": "inpatient encounter" if inpatient else "ambulatory",
                },
                "type": [{"text": "Presentation described in the case report"}],
                "subject": self.patient_ref.copy(),
                "period": self._encounter_period(),
            },
        )

    def _encounter_period(self) -> dict[str, Any]:
        """Day 0 to the discharge, when the text dates it (R4 Period.end is inclusive)."""
        period = {"start": self.norm.date(0)}
        d = self.facts.discharge
        if d is not None and d.start_day is not None and d.start_day >= 0:
            period["end"] = self.norm.date(d.start_day)
        return period

    def conditions(self) -> dict[str, str]:
        urls: dict[str, str] = {}
        for c in self.facts.conditions:
            # an absent sign is an Observation, not a refuted Condition (fhir/findings.py; its test
            # ``pertinent_negative`` asked only of a negated fact)
            if c.assertion is Assertion.NEGATED and pertinent_negative(c):
                self._absent_finding(c)
                continue
            first = c.mentions[0]
            url = self._fact_url("Condition", c.key, first)
            urls[c.key] = url
            res: dict[str, Any] = {"resourceType": "Condition"}
            # past history has a status only when the text dates it ("15 years earlier": inactive)
            historical = c.assertion is Assertion.HISTORICAL
            if c.assertion is not Assertion.NEGATED and (not historical or c.clinical_status):
                status = c.clinical_status or "active"
                res["clinicalStatus"] = _status_concept(_CLINICAL, status)
            ver = _ASSERTION_VERIFICATION.get(c.assertion, "confirmed")
            res["verificationStatus"] = _status_concept(_VERIFICATION, ver)
            # (codeable_concept(None, [Coding(_COND_CATEGORY, "encounter-diagnosis", "Encounter
            # Diagnosis")]) written out: every Condition has it)
            res["category"] = [
                {
                    "coding": [
                        {
                            "system": _COND_CATEGORY,
                            "code": "encounter-diagnosis",
                            "display": "Encounter Diagnosis",
                        }
                    ],
                    "text": "Encounter Diagnosis",
                }
            ]
            res["code"] = codeable_concept(
                c.text, self.norm.condition_codings(c.codings, historical=historical)
            )
            res["subject"] = self.patient_ref.copy()
            res["encounter"] = self.encounter_ref.copy()
            notes: list[str] = []
            # (time_elements gives nothing for no time: not asked then)
            onset = time_elements(self.norm, c.onset, "onset", age=True) if c.onset is not None else None
            if onset and c.onset is not None:
                res.update(onset)
                notes.append(f"Onset as reported: {c.onset.phrase}")
            if c.clinical_status in ("resolved", "remission", "inactive"):
                abatement = time_elements(self.norm, c.abatement_time, "abatement", age=True)
                if abatement and c.abatement_time is not None:
                    res.update(abatement)
                    notes.append(f"Abatement as reported: {c.abatement_time.phrase}")
                elif c.abatement:
                    res["abatementString"] = clean_text(c.abatement, 500)
            if c.assertion is Assertion.HISTORICAL or c.past:
                notes.append(HISTORY_NOTE)
            if c.assertion is Assertion.NEGATED:
                notes.append("Reported as absent (negated) in the source.")
            if notes:
                res["note"] = [{"text": clean_text(n)} for n in notes]
            self._add(url, res, c.mentions)
        return urls

    def _absent_finding(self, c: ConditionFact) -> None:
        first = c.mentions[0]
        url = self._fact_url("Observation", f"{c.key}|absent", first)
        res = absent_finding(c, self.norm, self.patient_ref.copy(), self.encounter_ref.copy())
        self._add(url, res, c.mentions)

    def observations(self) -> None:
        for o in self.facts.observations:
            first = o.mentions[0]
            url = self._fact_url("Observation", o.key, first)
            # the fact's own UCUM (a lexicon default, a raw count) first, else the unit as written
            ucum = (o.value.ucum or self.norm.unit(o.value.unit).ucum) if o.value is not None else None
            # A Quantity only with a UCUM code (issue 9): a unit UCUM cannot express stays as text.
            as_quantity = o.value is not None and ucum is not None
            value_text = o.value_text
            if o.value is not None and not as_quantity:
                value_text = f"{o.value.comparator or ''}{o.value.value} {o.value.unit}".strip()
            # (no codings: none kept, without a call)
            codings = (
                self.norm.observation_codings(
                    o.codings,
                    ucum,
                    has_quantity=as_quantity,
                    has_text_value=bool(value_text) and not o.components,
                    interpretation=o.interpretation,
                )
                if o.codings
                else []
            )
            if o.components:
                codings = [
                    Coding(_LOINC, "85354-9", "Blood pressure panel with all children optional"),
                    *codings,
                ]
            category = self.norm.category(o.category)
            res: dict[str, Any] = {
                "resourceType": "Observation",
                "status": "cancelled" if o.not_performed else "final",
            }
            if category:
                res["category"] = [codeable_concept(None, [category])]
            res["code"] = codeable_concept(o.text, codings)
            res["subject"] = self.patient_ref.copy()
            res["encounter"] = self.encounter_ref.copy()
            if o.time is not None:  # (time_elements gives nothing for no time)
                res.update(time_elements(self.norm, o.time, "effective", age=False))
            if as_quantity and o.value is not None:
                res["valueQuantity"] = quantity(o.value.value, o.value.unit, ucum, o.value.comparator)
            elif value_text and not o.components:
                res["valueString"] = clean_text(value_text)
            if o.not_performed:
                res["dataAbsentReason"] = codeable_concept(
                    None, [Coding(_DAR, "not-performed", "Not Performed")]
                )
            if o.interpretation:
                interp = self.norm.interpretation(o.interpretation)
                res["interpretation"] = [codeable_concept(o.interpretation, [interp] if interp else [])]
            if o.reference_range is not None:
                res["referenceRange"] = [self._reference_range(o.reference_range)]
            if o.components:
                res["component"] = [
                    {
                        "code": codeable_concept(name, codes),
                        "valueQuantity": quantity(q.value, q.unit, q.ucum),
                    }
                    for name, codes, q in o.components
                ]
            self._add(url, res, o.mentions)

    def _reference_range(self, rr: ReferenceRange) -> dict[str, Any]:
        """The range as stated (SimpleQuantity bounds: no comparator), with its words as text."""
        out: dict[str, Any] = {}
        for name, q in (("low", rr.low), ("high", rr.high)):
            ucum = (q.ucum or self.norm.unit(q.unit).ucum) if q is not None else None
            if q is not None and ucum:  # a bound only with a UCUM code; the words always stay as text
                out[name] = quantity(q.value, q.unit, ucum)
        out["text"] = clean_text(rr.text)
        return out

    def medications(self, condition_urls: dict[str, str]) -> dict[str, str]:
        """Build the drug resources; return the url of each medication fact's primary resource."""
        urls: dict[str, str] = {}
        for m in self.facts.medications:
            first = m.mentions[0]
            url = self._fact_url("MedicationAdministration", m.key, first)
            key = url.removeprefix("urn:uuid:")
            reasons = [reference(condition_urls[k]) for k in m.reason_keys if k in condition_urls]
            route = None
            dose, rate = self._dose_and_rate(m)
            if m.route:
                coding = self.norm.route(m.route)
                route = codeable_concept(m.route, [coding] if coding else [])
            if m.history:  # taken outside the episode: a MedicationStatement (fhir/statements.py)
                statement = medication_statement(
                    m, self.norm, self.patient_ref.copy(), dose, rate, route, reasons
                )
                urls[m.key] = self._fact_url("MedicationStatement", m.key, first)
                self._add(urls[m.key], statement, m.mentions)
                continue
            request_url = None
            # The regimen goes on a MedicationRequest when the administration cannot hold it: timing,
            # or a route with no dose (MedicationAdministration.dosage needs a dose or rate, mad-1).
            needs_request = (
                m.frequency
                or m.dose_per_day
                or m.duration_days
                # a stretch of days (a course, a taper) is a regimen; a start day alone fits effective[x]
                or (m.timing and m.timing.end_day is not None)
                or (route and not (dose or rate))
            )
            if m.status != "not-done" and needs_request:
                request_url = self._url("MedicationRequest", key)
            res: dict[str, Any] = {"resourceType": "MedicationAdministration", "status": m.status}
            if m.status == "not-done":
                res["statusReason"] = [{"text": "Reported as not given"}]
            res["medicationCodeableConcept"] = codeable_concept(m.text, m.codings)
            res["subject"] = self.patient_ref.copy()
            res["context"] = self.encounter_ref.copy()
            period = self._period(m)
            # R4 requires effective[x]; when the report does not say when, say so instead of guessing.
            res["effectivePeriod"] = period if period else data_absent("unknown")
            if reasons:
                res["reasonReference"] = reasons
            if request_url:
                res["request"] = reference(request_url)
            notes = []
            if m.taper is not None and m.taper.start_day is not None and m.taper.end_day is not None:
                start, end = self.norm.date(m.taper.start_day), self.norm.date(m.taper.end_day)
                notes.append(f"Tapered from {start} to {end} ({m.taper.phrase}).")
            elif m.tapered:
                notes.append("Tapered.")
            if m.frequency:
                notes.append(f"Frequency as reported: {m.frequency}.")
            if route and not (dose or rate):
                notes.append(f"Route as reported: {m.route}.")
            if m.dose is not None and dose is None and rate is None:
                notes.append(f"Dose as reported: {m.dosage_text or f'{m.dose.value} {m.dose.unit}'}.")
            if notes:
                res["note"] = [{"text": " ".join(notes)}]
            if dose or rate:
                dosage: dict[str, Any] = {}
                if m.dosage_text:
                    dosage["text"] = clean_text(m.dosage_text)
                if route:
                    dosage["route"] = route
                if dose:
                    dosage["dose"] = dose
                if rate:
                    dosage["rateRatio"] = rate
                res["dosage"] = dosage
            self._add(url, res, m.mentions)
            urls[m.key] = url
            if request_url:  # after the administration, which is the primary record of what was given
                self._medication_request(request_url, m, dose, rate, route, reasons)
        return urls

    def adverse_events(self, condition_urls: dict[str, str], medication_urls: dict[str, str]) -> None:
        """One AdverseEvent per reaction and suspect drug (fhir/adverse.py)."""
        conditions = {c.key: c for c in self.facts.conditions}
        for a in self.facts.adverse_events:
            c = conditions.get(a.condition_key)
            drug = medication_urls.get(a.medication_key)
            if c is None or drug is None:
                continue
            codings = self.norm.condition_codings(c.codings, historical=c.assertion is Assertion.HISTORICAL)
            cond_url = condition_urls.get(a.condition_key)
            res = adverse_event(
                a,
                codeable_concept(c.text, codings),
                self.norm,
                self.patient_ref.copy(),
                self.encounter_ref.copy(),
                reference(drug),
                reference(cond_url) if cond_url else None,
            )
            self._add(self._fact_url("AdverseEvent", a.key, a.mentions[0]), res, a.mentions)

    def _dose_and_rate(self, m: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The amount of one administration and, for a daily total, the amount per day.

        A daily total with no count of doses a day ("4 mg/day") is read as one dose a day. A daily
        total the text says is divided ("0.6 mg/kg/d divided every 12 hours") gives the per-dose
        amount (0.3 mg/kg) when the frequency says how many doses a day and the division is exact.
        Any other daily total split over several doses keeps only the rate: the per-dose amount is
        not known, so none is made up.
        """
        if m.dose is None:
            return None, None
        q = m.dose
        ucum = q.ucum or self.norm.unit(q.unit).ucum
        if ucum is None:  # a dose Quantity only with a UCUM code; otherwise it stays in the dosage text
            return None, None
        if not m.dose_per_day:
            return quantity(q.value, q.unit, ucum), None
        rate = _per_day(quantity(q.value, q.unit, ucum))
        per_day = self._doses_per_day(m.frequency) if m.frequency else None
        if per_day is None or per_day == 1:  # no count of doses a day: one dose a day, as before
            return quantity(q.value, q.unit, ucum), rate
        one: Decimal = q.value / per_day
        exponent = one.as_tuple().exponent
        if m.divided and one * per_day == q.value and isinstance(exponent, int) and exponent >= -4:
            return quantity(one, q.unit, ucum), rate
        return None, rate

    def _doses_per_day(self, frequency: str) -> Decimal | None:
        """How many doses a day a frequency says ("every 12 hours" -> 2); None when it does not say."""
        row = self.norm.frequency(frequency)
        per = {"h": Decimal(24), "d": Decimal(1), "min": Decimal(1440)}.get(str(row.get("periodUnit")))
        if per is None or not row.get("frequency") or not row.get("period"):
            return None
        n = Decimal(row["frequency"]) * per / Decimal(str(row["period"]))
        return n if n == n.to_integral_value() and n >= 1 else None

    def _period(self, m: Any) -> dict[str, Any] | None:
        if m.timing is not None and m.timing.start_day is None and m.timing.calendar is not None:
            return {"start": CalendarDate(m.timing.calendar)}  # "in March 2015": the real date
        if m.timing is None or m.timing.start_day is None:
            return None
        period: dict[str, Any] = {"start": self.norm.date(m.timing.start_day)}
        if m.timing.end_day is not None:
            period["end"] = self.norm.date(m.timing.end_day)
        return period

    def _medication_request(
        self,
        url: str,
        m: Any,
        dose: dict[str, Any] | None,
        rate: dict[str, Any] | None,
        route: dict[str, Any] | None,
        reasons: list[dict[str, Any]],
    ) -> None:
        """The regimen as reported (frequency, duration, per-day dose) as a structured Dosage, which
        MedicationAdministration cannot hold; the administration points at it through ``request``."""
        repeat: dict[str, Any] = {}
        timing: dict[str, Any] = {}
        dosage: dict[str, Any] = {}
        if m.frequency:
            row = self.norm.frequency(m.frequency)
            for k in ("frequency", "frequencyMax", "period", "periodUnit", "when", "dayOfWeek", "timeOfDay"):
                if row.get(k) is not None:
                    repeat[k] = row[k]
            if row.get("asNeeded"):
                dosage["asNeededBoolean"] = True
            if row.get("code") and row.get("system"):
                timing["code"] = codeable_concept(
                    m.frequency, [Coding(row["system"], row["code"], row.get("display") or "")]
                )
        period = self._period(m)
        if period and "end" in period:
            repeat["boundsPeriod"] = period
        elif m.duration_days:
            repeat["boundsDuration"] = quantity(Decimal(f"{m.duration_days:g}"), "days", "d")
        if repeat:
            timing["repeat"] = repeat
        if m.dosage_text:
            dosage["text"] = clean_text(m.dosage_text)
        if timing:
            dosage["timing"] = timing
        if route:
            dosage["route"] = route
        if dose or rate:
            dr: dict[str, Any] = {}
            if dose:
                dr["doseQuantity"] = dict(dose)
            if rate:
                dr["rateRatio"] = rate
            dosage["doseAndRate"] = [dr]
        res: dict[str, Any] = {
            "resourceType": "MedicationRequest",
            "status": "stopped" if m.status == "stopped" else "completed",
            "intent": "order",
            "medicationCodeableConcept": codeable_concept(m.text, m.codings),
            "subject": self.patient_ref.copy(),
            "encounter": self.encounter_ref.copy(),
        }
        if reasons:
            res["reasonReference"] = reasons
        if dosage:
            res["dosageInstruction"] = [dosage]
        self._add(url, res, m.mentions)

    def procedures(self) -> None:
        for p in self.facts.procedures:
            first = p.mentions[0]
            url = self._fact_url("Procedure", p.key, first)
            res: dict[str, Any] = {"resourceType": "Procedure", "status": p.status}
            # why it was not done only when the text says so; a made-up generic reason is no fact
            if p.status == "not-done" and p.status_reason:
                res["statusReason"] = {"text": clean_text(p.status_reason, 500)}
            cat = self.norm.category(p.category)
            if cat:
                res["category"] = codeable_concept(p.category, [cat])
            res["code"] = codeable_concept(p.text, p.codings)
            res["subject"] = self.patient_ref.copy()
            res["encounter"] = self.encounter_ref.copy()
            if p.status != "not-done" and p.time is not None:  # (time_elements gives nothing for no time)
                res.update(time_elements(self.norm, p.time, "performed", age=True))
            self._add(url, res, p.mentions)

    def family_history(self) -> None:
        """One FamilyMemberHistory per relative and condition the text attributes to a relative."""
        for f in self.facts.family:
            first = f.mentions[0]
            url = self._fact_url("FamilyMemberHistory", f.key, first)
            self._add(url, family_member_history(f, self.patient_ref.copy()), f.mentions)

    def outcome(self) -> None:
        o = self.facts.outcome
        if o is None:
            return
        first = o.mentions[0]
        url = self._fact_url("ClinicalImpression", "outcome", first)
        # a coded finding only where a SNOMED CT concept means exactly that outcome (died, resolved,
        # worsened); "improved" has none HL7's terminology vouches for, and its words are in summary
        finding = (
            {"finding": [{"itemCodeableConcept": codeable_concept(first.text, list(o.codings))}]}
            if o.codings
            else {}
        )
        self._add(
            url,
            {
                "resourceType": "ClinicalImpression",
                "status": "completed",
                "code": {"text": "Outcome"},
                "description": f"Outcome: {o.kind}",
                "subject": self.patient_ref.copy(),
                "encounter": self.encounter_ref.copy(),
                **time_elements(self.norm, o.time, "effective", age=False),
                "summary": clean_text(o.text, 2000),
                **finding,
            },
            o.mentions,
        )

    def provenance(self) -> None:
        url = self._url("Provenance", "provenance")
        targets = [{"reference": u} for u in self.derived]  # (``reference(u)`` each, without a call)
        if not targets:
            targets = [self.patient_ref.copy()]
        self._add(
            url,
            {
                "resourceType": "Provenance",
                "target": targets,
                # Required instant: the index date, not the wall clock, so output stays byte-identical.
                "recorded": f"{self.norm.index_date.isoformat()}T00:00:00Z",
                "policy": [DATE_POLICY],
                "reason": [
                    {
                        "text": clean_text(
                            f"Dates are synthetic: day offsets from the index date {self.norm.index_date} "
                            "(day 0 = the presentation), derived from the time phrases of the report; "
                            "periods end inclusively. They are not the patient's real dates."
                        )
                    }
                ],
                "activity": codeable_concept(
                    f"Extracted from a published case report by fhirconv {__version__}",
                    [Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create")],
                ),
                "agent": [
                    {
                        "type": codeable_concept(
                            None,
                            [
                                Coding(
                                    "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                    "assembler",
                                    "Assembler",
                                )
                            ],
                        ),
                        "who": reference(self.device, f"fhirconv {__version__}"),
                    }
                ],
                "entity": [{"role": "source", "what": reference(self.doc_ref)}],
            },
        )

    def header(self) -> dict[str, Any]:
        """The bundle without its entries (the streaming writer puts them after it)."""
        btype = self.options.bundle_type
        return {
            "resourceType": "Bundle",
            "identifier": {"system": ID_SYSTEM, "value": self._url("Bundle", btype)},
            "type": btype,
        }

    def build(self) -> None:
        """Every resource, in output order, into the sink."""
        self.document_reference()
        self.device_resource()
        self.patient_resource()
        self.encounter_resource()
        curls = self.conditions()
        self.observations()
        murls = self.medications(curls)
        self.adverse_events(curls, murls)
        self.procedures()
        self.family_history()
        self.outcome()
        self.provenance()

    def bundle(self) -> dict[str, Any]:
        self.build()
        if self.options.profile == "ips":
            return self._ips()
        return {**self.header(), "entry": self.entries}

    def _ips(self) -> dict[str, Any]:
        from .ips import IpsContext, ips_document

        md = self.doc.metadata
        # the document's date: when the report was published, else the index date (day 0); never the
        # wall clock, so the same report always gives the same document (docs/ips.md)
        day = md.published or self.norm.index_date.isoformat()
        composition = self._url("Composition", "ips")
        title = clean_text(md.title, 300) if md.title else PurePath(self.doc.source_name).name
        ctx = IpsContext(
            bundle_identifier={"system": ID_SYSTEM, "value": self._url("Bundle", "document")},
            composition_url=composition,
            composition_identifier={"system": ID_SYSTEM, "value": composition},
            document_tag=[{"system": DOCUMENT_TAG_SYSTEM, "code": self.document_tag}],
            patient_url=self.patient,
            author_url=self.device,
            timestamp=f"{day}T00:00:00Z",
            title=title,
        )
        return ips_document([(e["fullUrl"], e["resource"]) for e in self.entries], ctx)


class _RolePaths(dict[MentionRole, str]):
    """Mention role -> element path of one resource type (``element_path``), each worked out once."""

    def __init__(self, rtype: str) -> None:
        super().__init__()
        self.rtype = rtype

    def __missing__(self, role: MentionRole) -> str:
        path = self[role] = element_path(self.rtype, role)
        return path


_ROLE_PATHS: dict[str, _RolePaths] = {}


def _paths(rtype: str) -> _RolePaths:
    found = _ROLE_PATHS.get(rtype)
    if found is None:
        found = _ROLE_PATHS[rtype] = _RolePaths(rtype)
    return found


def _per_day(dose: dict[str, Any]) -> dict[str, Any]:
    """A daily total as a Ratio: the amount per 1 day."""
    return {"numerator": dict(dose), "denominator": quantity(Decimal(1), "d", "d")}


def _concept_text(cc: Any) -> str:
    if type(cc) is dict:  # (a built concept nearly always has its text: taken without the rest)
        text = cc.get("text")
        if text and type(text) is str:
            return text
    if not isinstance(cc, dict):
        return ""
    return str(cc.get("text") or next((c.get("display") or c.get("code") for c in cc.get("coding", [])), ""))


def _qty(q: Any) -> str:
    return f"{q.get('comparator', '')}{q['value']} {q.get('unit', '')}".strip() if isinstance(q, dict) else ""


def _summary(r: dict[str, Any]) -> str:
    """One line a person can read; built from the resource itself so it never disagrees with it."""
    t = str(r["resourceType"])
    summary = _SUMMARIES.get(t)  # (one look-up instead of a test per type before it)
    return summary(r) if summary is not None else t


def _patient_summary(r: dict[str, Any]) -> str:
    dead = r.get("deceasedBoolean") or r.get("deceasedDateTime")
    bits = [r.get("gender", "unknown sex")] + (["deceased"] if dead else [])
    return "Patient of the case report: " + ", ".join(bits)


def _condition_summary(r: dict[str, Any]) -> str:
    ver = _concept_text(r.get("verificationStatus"))
    return f"Condition: {_concept_text(r.get('code'))} ({ver})"


def _observation_summary(r: dict[str, Any]) -> str:
    get = r.get  # (each element looked up once)
    code = _concept_text(get("code"))
    absent_value = get("valueCodeableConcept")  # (str(None) holds no code: looked into only when set)
    if absent_value is not None and "2667000" in str(absent_value):
        return f"Observation: {code}: absent"
    q = get("valueQuantity")
    value = (_qty(q) if q is not None else "") or get("valueString", "")
    components, interpretation, absent = get("component"), get("interpretation"), get("dataAbsentReason")
    if components or interpretation or absent:
        # (each join only where there is something to join: an empty list joins to "" all the same)
        comps = (
            "; ".join(f"{_concept_text(c.get('code'))} {_qty(c.get('valueQuantity'))}" for c in components)
            if components
            else ""
        )
        interp = ", ".join(_concept_text(i) for i in interpretation) if interpretation else ""
        absent_text = "not performed" if absent else ""
        value = ", ".join(x for x in (value, comps, interp, absent_text) if x)
    return f"Observation: {code}: {value}" if value else f"Observation: {code}"


def _statement_summary(r: dict[str, Any]) -> str:
    t = r["resourceType"]
    dosage = (r.get("dosage") or [{}])[0]
    detail = dosage.get("text", "")
    return f"{t}: {_concept_text(r.get('medicationCodeableConcept'))} ({r['status']})" + (
        f": {detail}" if detail else ""
    )


def _administration_summary(r: dict[str, Any]) -> str:
    t = r["resourceType"]
    dosage = r.get("dosage") or (r.get("dosageInstruction") or [{}])[0]
    detail = ", ".join(x for x in (dosage.get("text", ""), _concept_text(dosage.get("route"))) if x)
    return f"{t}: {_concept_text(r.get('medicationCodeableConcept'))} ({r['status']})" + (
        f": {detail}" if detail else ""
    )


def _family_summary(r: dict[str, Any]) -> str:
    conds = ", ".join(_concept_text(c.get("code")) for c in r.get("condition", []))
    return f"Family history: {_concept_text(r.get('relationship'))}: {conds}"


def _procedure_summary(r: dict[str, Any]) -> str:
    return f"Procedure: {_concept_text(r.get('code'))} ({r['status']})"


def _adverse_summary(r: dict[str, Any]) -> str:
    return f"Adverse event: {_concept_text(r.get('event'))}" + (
        f" ({r['suspectEntity'][0]['causality'][0].get('productRelatedness', '')})"
        if r.get("suspectEntity") and r["suspectEntity"][0].get("causality")
        else ""
    )


def _outcome_summary(r: dict[str, Any]) -> str:
    return f"Outcome: {r.get('summary', '')}"


def _encounter_summary(r: dict[str, Any]) -> str:
    return f"Encounter ({r['class'].get('display', '')}) starting {r.get('period', {}).get('start', '')}"


def _document_summary(r: dict[str, Any]) -> str:
    return f"Source case report: {r.get('description', '')}"


def _device_summary(r: dict[str, Any]) -> str:
    return "fhirconv, the software that extracted these resources"


def _provenance_summary(r: dict[str, Any]) -> str:
    return f"Provenance: {len(r.get('target', []))} resources extracted by fhirconv"


_SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "Patient": _patient_summary,
    "Condition": _condition_summary,
    "Observation": _observation_summary,
    "MedicationStatement": _statement_summary,
    "MedicationAdministration": _administration_summary,
    "MedicationRequest": _administration_summary,
    "FamilyMemberHistory": _family_summary,
    "Procedure": _procedure_summary,
    "AdverseEvent": _adverse_summary,
    "ClinicalImpression": _outcome_summary,
    "Encounter": _encounter_summary,
    "DocumentReference": _document_summary,
    "Device": _device_summary,
    "Provenance": _provenance_summary,
}


def build_bundle(
    doc: Document, facts: Extraction, norm: Normalizer, options: BundleOptions | None = None
) -> dict[str, Any]:
    usable = _usable(facts)
    assert isinstance(usable, Extraction)
    return _Builder(doc, usable, norm, options or BundleOptions()).bundle()


def stream_bundle(
    doc: Document,
    facts: Extraction,
    norm: Normalizer,
    options: BundleOptions | None,
    start: Sink,
    sink: Sink,
) -> None:
    """Build the same bundle as :func:`build_bundle`, but hand ``start`` the bundle without its entries
    first and then ``sink`` each entry as soon as it is made (in output order), keeping none: a long
    report's resources never all sit in memory at once (docs/robustness.md)."""
    usable = _usable(facts)
    assert isinstance(usable, Extraction)
    builder = _Builder(doc, usable, norm, options or BundleOptions(), sink)
    start(builder.header())
    builder.build()


# No case report dates anything two centuries from its presentation; beyond that a phrase such as
# "for 3000 years" is not a date, and FHIR years stop at 9999 anyway.
MAX_DAYS = 200 * 366
# FHIR decimals are IEEE doubles in practice: more significant digits than this are not a measurement.
MAX_DIGITS = 15


def _plausible_number(value: Decimal | str) -> bool:
    try:
        d = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError):
        return False
    return d.is_finite() and len(d.as_tuple().digits) <= MAX_DIGITS and abs(d.adjusted()) <= MAX_DIGITS


def _plausible_days(days: float | None) -> bool:
    t = type(days)
    if t is float or t is int:  # (a NaN or an infinity fails the comparison: the same answer)
        return -MAX_DAYS <= days <= MAX_DAYS  # type: ignore[operator]
    return days is None or (math.isfinite(days) and abs(days) <= MAX_DAYS)


def _usable(obj: Any) -> Any:
    """``obj`` (facts) with every quantity, time or duration that no resource can hold set to None:
    a 400-digit "value" or "for 3000 years" costs that one element, never the document (precision first:
    nothing is rounded or clamped into a wrong value)."""
    t = type(obj)
    if t in _LEAVES:
        return obj
    # (the facts themselves, most of the calls, straight to their field plan: a type already seen to
    # fall through the tests below to it)
    names = _PLANNED.get(t, _UNSEEN)
    if names is not _UNSEEN:
        return obj if names is None else _usable_fields(obj, names)
    if isinstance(obj, Quantity):
        return obj if _plausible_number(obj.value) else None
    if isinstance(obj, RelativeTime):
        return obj if _plausible_days(obj.start_day) and _plausible_days(obj.end_day) else None
    if isinstance(obj, tuple):
        items: list[Any] | None = None  # made once an item changes (most tuples keep every item)
        for k, y in enumerate(obj):
            ty = type(y)
            if ty in _LEAVES:
                x = y
            else:  # (a fact of a type already planned: straight to its fields, one call fewer per fact)
                plan = _PLANNED.get(ty, _UNSEEN)
                x = _usable(y) if plan is _UNSEEN else y if plan is None else _usable_fields(y, plan)
            if items is not None:
                items.append(x)
            elif x is not y:
                items = [*obj[:k], x]
        if items is None:
            return obj
        if any(x is None and y is not None for x, y in zip(items, obj, strict=True)):
            if any(isinstance(y, Quantity) for y in obj):  # a component without its value goes whole
                return None
            items = [x for x, y in zip(items, obj, strict=True) if x is not None or y is None]
        return tuple(items)
    names = _PLANNED[t] = _field_names(t)  # None: not an instance of a dataclass
    if names is not None:
        return _usable_fields(obj, names)
    return obj


def _usable_fields(obj: Any, names: tuple[str, ...]) -> Any:
    """``_usable`` of a dataclass instance whose fields to look into are ``names``.

    The commonest values are answered here without a call: a time whose ends are day counts in range
    or None (every fact's time; anything else, a NaN included, takes ``_plausible_days``), a Quantity
    (``_usable``'s own test), an empty tuple; the dict of changes is made only for a change (rare)."""
    changes: dict[str, Any] | None = None
    for name in names:
        value = getattr(obj, name)
        tv = type(value)
        if tv in _LEAVES or (tv is tuple and not value):
            continue
        if tv is RelativeTime:
            s, e = value.start_day, value.end_day
            ts, te = type(s), type(e)
            if (s is None or ((ts is float or ts is int) and -MAX_DAYS <= s <= MAX_DAYS)) and (
                e is None or ((te is float or te is int) and -MAX_DAYS <= e <= MAX_DAYS)
            ):
                continue
            new = value if _plausible_days(s) and _plausible_days(e) else None
        elif tv is float:  # (a day count: ``_plausible_days``'s own test; a NaN fails it)
            new = value if -MAX_DAYS <= value <= MAX_DAYS else None
        elif tv is Quantity:
            new = value if _plausible_number(value.value) else None
        elif isinstance(value, float):
            new = value if _plausible_days(value) else None
        elif isinstance(value, Quantity | RelativeTime | tuple) or _field_names(type(value)) is not None:
            new = _usable(value)
        else:
            continue
        if new is not value:
            if changes is None:
                changes = {}
            changes[name] = new
    return replace(obj, **changes) if changes else obj


# what ``_usable`` never changes and need not look into (the facts hold thousands of them)
_LEAVES = frozenset({str, int, bool, type(None), Decimal})
_FIELDS: dict[type, tuple[str, ...] | None] = {}
# a type neither a Quantity, a time nor a tuple -> its ``_field_names`` (types are few: the model's)
_PLANNED: dict[type, tuple[str, ...] | None] = {}
_UNSEEN: Any = object()  # (a type ``_usable`` has not met yet)


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass ``cls`` (its instances' type) that ``_usable`` must look into, None for
    any other type; per type, once (``is_dataclass`` on every one of thousands of values cost more than
    the walk itself).

    A field whose declared type can hold nothing ``_usable`` changes (text, codes, offsets, enums, and
    tuples or dataclasses of only those, such as the mentions and codings every fact carries: most of
    the facts) is left out, so the walk visits the few fields that can hold a number or a time instead
    of every value of the facts. The declared types are the ones ``mypy --strict`` holds the extraction
    to; a type this cannot read (a forward reference, ``Any``) is looked into."""
    try:
        return _FIELDS[cls]
    except KeyError:
        names = None
        if is_dataclass(cls) and isinstance(cls, type):
            try:
                hints = get_type_hints(cls)
            except (NameError, TypeError):  # pragma: no cover - an annotation that cannot be resolved
                hints = {}
            names = tuple(f.name for f in fields(cls) if f.name not in hints or not _inert(hints[f.name]))
        _FIELDS[cls] = names
        return names


def _inert(tp: Any) -> bool:
    """Whether no value of the declared type ``tp`` is ever changed by ``_usable``: the leaf types and
    enums, and unions, tuples and dataclasses (other than ``Quantity`` and ``RelativeTime``, which it
    checks) made only of them. A float (a day count) or anything undeclared is not inert."""
    if tp in _LEAVES:
        return True
    if isinstance(tp, type) and issubclass(tp, Enum):
        return True
    origin = get_origin(tp)
    if origin in (Union, UnionType, tuple):
        return all(a is Ellipsis or _inert(a) for a in get_args(tp))
    if isinstance(tp, type) and is_dataclass(tp) and tp not in (Quantity, RelativeTime):
        if tp in _INERT:
            return _INERT[tp]
        _INERT[tp] = False  # a dataclass that holds itself is looked into
        try:
            hints = get_type_hints(tp)
        except (NameError, TypeError):  # pragma: no cover - an annotation that cannot be resolved
            return False
        _INERT[tp] = all(_inert(h) for h in hints.values())
        return _INERT[tp]
    return False


_INERT: dict[type, bool] = {}
