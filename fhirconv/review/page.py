"""The review page: one self-contained HTML file (inline CSS, JS and SVG; nothing fetched).

Safety: every string that comes from the bundle or the document is escaped where it lands (text,
attribute, inline JSON); a Content-Security-Policy allows only this page's own script (by hash), so even
a mistake in escaping could not run a document's ``<script>``. Same bundle -> same bytes: no clock, no
randomness, dict order as in the bundle.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from .. import __version__
from ..fhir.serialize import dumps_json
from .model import Item, ReviewDoc, SectionMark, Verdict
from .timeline import css_type, render_timeline

__all__ = ["STATUS_BADGES", "TYPE_NAMES", "build_page", "json_for_script"]

# Legend names for the resource types fhirconv emits (others are shown under their own type name).
TYPE_NAMES = {
    "Condition": "Condition (finding, diagnosis)",
    "Observation": "Observation (test, vital, result)",
    "MedicationAdministration": "MedicationAdministration (drug given)",
    "MedicationRequest": "MedicationRequest (regimen)",
    "Procedure": "Procedure",
    "ClinicalImpression": "ClinicalImpression (outcome)",
    "Patient": "Patient (sex, death)",
    "FamilyMemberHistory": "FamilyMemberHistory",
    "AdverseEvent": "AdverseEvent (drug reaction)",
}
STATUS_BADGES = {
    "negated": ("neg", "negated / refuted / not done: struck through"),
    "hypothetical": ("hyp", "hypothetical / suspected: dashed outline"),
    "history": ("hist", "past history: dotted outline"),
    "family": ("fam", "family member, not the patient: double outline"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TYPE_ORDER = [
    "Patient",
    "Condition",
    "Observation",
    "MedicationAdministration",
    "MedicationRequest",
    "Procedure",
    "ClinicalImpression",
    "FamilyMemberHistory",
    "AdverseEvent",
]


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    folder = resources.files(__package__).joinpath("assets")
    return (
        folder.joinpath("review.css").read_text(encoding="utf-8"),
        folder.joinpath("review.js").read_text(encoding="utf-8"),
    )


def _t(text: str) -> str:
    """Text content: escaped, and control characters (invalid in HTML) replaced one for one."""
    return _CONTROL.sub("\ufffd", escape(text, quote=False))


def _a(text: str) -> str:
    """Attribute value (always double-quoted by the callers)."""
    return _CONTROL.sub("\ufffd", escape(text, quote=True))


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</``, ``<!--``, nor JS line breaks."""
    # dumps_json keeps a bundle's Decimal values exactly as converted; JS line breaks are escaped here
    text = dumps_json(data, indent=None)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ------------------------------------------------------------------------------------------ narrative
@dataclass(frozen=True, slots=True)
class _Ann:
    start: int
    end: int
    rank: int  # at one start: sections outside marks, heads outside their attributes
    order: int
    open: str
    cont: str
    close: str


def _annotations(doc: ReviewDoc, sections: Sequence[SectionMark]) -> list[_Ann]:
    anns: list[_Ann] = []
    for n, s in enumerate(sections):
        if s.end <= s.start or s.start < 0 or s.end > len(doc.text):
            continue
        cls = f"sec sec-{'excluded' if s.kind == 'excluded' else 'general'}"
        title = _a(s.label)
        anns.append(
            _Ann(
                s.start,
                s.end,
                0,
                n,
                f'<span class="{cls}" title="{title}">',
                f'<span class="{cls} sec-cont">',
                "</span>",
            )
        )
    for order, item in enumerate(doc.items):
        tcls = css_type(item.rtype)
        scls = f" s-{item.status}" if item.status else ""
        name = f"{item.rtype}: {item.label}" + (f", {item.status}" if item.status else "")
        for m in item.mentions:
            data = f'data-ref="{item.ref}" data-start="{m.start}" data-end="{m.end}"'
            if m.role == "head":
                anns.append(
                    _Ann(
                        m.start,
                        m.end,
                        1,
                        order,
                        f'<mark class="hl {tcls}{scls}" id="m-{item.ref}" {data} tabindex="0" role="button" '
                        f'aria-controls="detail" aria-label="{_a(name)}" title="{_a(name)}">',
                        f'<mark class="hl-cont {tcls}{scls}" data-ref="{item.ref}">',
                        "</mark>",
                    )
                )
            elif m.role == "repeat":
                anns.append(
                    _Ann(
                        m.start,
                        m.end,
                        2,
                        order,
                        f'<mark class="hl-more {tcls}{scls}" {data} title="{_a(name + ", again")}">',
                        f'<mark class="hl-more {tcls}{scls}" data-ref="{item.ref}">',
                        "</mark>",
                    )
                )
            else:
                what = f"{m.attribute} of {item.rtype}: {item.label}"
                attr = f'data-attr="{_a(m.attribute)}" data-path="{_a(m.path)}"'
                anns.append(
                    _Ann(
                        m.start,
                        m.end,
                        3,
                        order,
                        f'<span class="attr {tcls}" {data} {attr} title="{_a(what)}">',
                        f'<span class="attr {tcls}" data-ref="{item.ref}" {attr}>',
                        "</span>",
                    )
                )
    return anns


def render_narrative(doc: ReviewDoc, sections: Sequence[SectionMark] = ()) -> str:
    """The text with its annotations as nested elements. Where two spans cross, the inner one is closed
    and reopened as a ``-cont`` element, so every resource keeps exactly one head element (``.hl``)
    whose ``data-start``/``data-end`` are its offsets, and the text content stays the document's text."""
    text = doc.text
    anns = sorted(_annotations(doc, sections), key=lambda a: (a.start, -a.end, a.rank, a.order))
    points = sorted({0, len(text), *(a.start for a in anns), *(a.end for a in anns)})
    starts: dict[int, list[_Ann]] = {}
    for a in anns:
        starts.setdefault(a.start, []).append(a)
    out: list[str] = []
    stack: list[_Ann] = []
    for k, p in enumerate(points):
        lowest = next((i for i, a in enumerate(stack) if a.end == p), None)
        if lowest is not None:
            reopen = [a for a in stack[lowest:] if a.end != p]
            out.extend(a.close for a in reversed(stack[lowest:]))
            del stack[lowest:]
            for a in reopen:
                out.append(a.cont)
                stack.append(a)
        for a in starts.get(p, ()):
            out.append(a.open)
            stack.append(a)
        if k + 1 < len(points):
            out.append(_t(text[p : points[k + 1]]))
    out.extend(a.close for a in reversed(stack))
    return "".join(out)


# ------------------------------------------------------------------------------------------ page parts
def _badge(status: str) -> str:
    if not status:
        return ""
    short, _ = STATUS_BADGES.get(status, (status, ""))
    return f' <span class="badge b-{status}" title="{_a(status)}">{_t(short)}</span>'


def _verdict_html(v: Verdict | None) -> str:
    if v is None:
        v = Verdict("not validated", note="validation was not run")
    cls = {"valid": "ok", "invalid": "bad"}.get(v.status, "none")
    head = f'<span class="verdict v-{cls}">{_t(v.status)}</span>'
    if v.status != "not validated":
        head += f" {v.errors} errors" + (f", {v.warnings} warnings" if v.warnings is not None else "")
    if v.note:
        head += f' <span class="note">({_t(v.note)})</span>'
    if v.issues:
        head += (
            f'<details class="issues"><summary>first {len(v.issues)} findings</summary><ul>'
            + "".join(f"<li>{_t(i)}</li>" for i in v.issues)
            + "</ul></details>"
        )
    return head


def _type_order(types: Sequence[str]) -> list[str]:
    known = [t for t in _TYPE_ORDER if t in types]
    return known + sorted(t for t in set(types) if t not in _TYPE_ORDER)


def _legend(doc: ReviewDoc, sections: Sequence[SectionMark]) -> str:
    types = _type_order([i.rtype for i in doc.derived])
    rows = [
        f'<li><mark class="swatch {css_type(t)}">{_t(t)}</mark> {_t(TYPE_NAMES.get(t, t).removeprefix(t))}'
        f"</li>"
        for t in types
    ]
    rows.append(
        '<li><span class="attr t-MedicationAdministration">dose</span> attribute (dose, route, frequency, '
        "value, "
        "unit, time) underlined in its resource's colour</li>"
    )
    statuses = sorted({i.status for i in doc.derived if i.status}) or ["negated"]
    for s in ("negated", "hypothetical", "history", "family"):
        if s in statuses or s in ("negated", "hypothetical"):
            short, what = STATUS_BADGES[s]
            rows.append(
                f'<li><mark class="swatch t-Legend s-{s}">{_t(short)}</mark>{_badge(s)} {_t(what)}</li>'
            )
    if sections:
        rows.append(
            '<li><span class="sec sec-excluded swatch-sec">text</span> excluded section (never read)</li>'
        )
        rows.append(
            '<li><span class="sec sec-general swatch-sec">text</span> section not about the patient</li>'
        )
    else:
        rows.append('<li class="note">Sections: not recorded in the bundle, so nothing is dimmed.</li>')
    return (
        '<nav class="legend" aria-labelledby="legend-h"><h2 id="legend-h">Legend</h2><ul>'
        + "".join(rows)
        + "</ul></nav>"
    )


def _header(doc: ReviewDoc, source: str, verdict: Verdict | None) -> str:
    title = doc.title or doc.description or source
    meta: list[tuple[str, str]] = [("Source", _t(source))]
    if doc.description and doc.description != title:
        meta.append(("Description", _t(doc.description)))
    for system, value in doc.identifiers:
        name = {
            "https://pubmed.ncbi.nlm.nih.gov": "PMID",
            "https://www.ncbi.nlm.nih.gov/pmc": "PMCID",
            "https://doi.org": "DOI",
        }.get(system, system)
        meta.append((name, _t(value)))
    meta.append(("Text", f"{len(doc.text):,} characters"))
    patient = next((i for i in doc.items if i.rtype == "Patient"), None)
    if patient is not None:
        meta.append(("Patient", _t(patient.label.removeprefix("Patient: "))))
    if doc.day0 is not None:
        meta.append(("Day 0", f"{_t(doc.day0.isoformat())} ({_t(doc.day0_source)})"))
    meta.append(("Validation", _verdict_html(verdict)))
    meta.append(("Generated by", f"fhirconv {_t(__version__)}"))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta)
    counts = Counter(i.rtype for i in doc.items)
    derived = Counter(i.rtype for i in doc.derived)
    chips = "".join(
        f'<li><span class="dot {css_type(t)}" aria-hidden="true"></span>{_t(t)} <b>{counts[t]}</b>'
        + (f' <span class="note">({derived[t]} from the text)</span>' if derived[t] != counts[t] else "")
        + "</li>"
        for t in _type_order(list(counts))
    )
    table = (
        '<div class="counts"><h2 id="counts-h">Resources per type</h2>'
        f'<ul aria-labelledby="counts-h">{chips}</ul></div>'
    )
    warn = "".join(f'<p class="warning" role="note">{_t(w)}</p>' for w in doc.warnings)
    return (
        f'<header class="page"><p class="kicker">fhirconv review</p><h1>{_t(title)}</h1>'
        f'<div class="head-grid"><dl class="meta">{dl}</dl>{table}</div>{warn}</header>'
    )


def _resource_list(doc: ReviewDoc) -> str:
    by_type: dict[str, list[Item]] = {}
    for item in doc.items:
        by_type.setdefault(item.rtype, []).append(item)
    parts = ['<nav class="resources" aria-labelledby="res-h"><h2 id="res-h">Resources</h2>']
    for t in _type_order(list(by_type)):
        items = by_type[t]
        parts.append(
            f'<section class="rgroup"><h3><span class="dot {css_type(t)}" aria-hidden="true"></span>'
            f'{_t(t)} <span class="count">({len(items)})</span></h3><ol>'
        )
        for i in items:
            target = f"m-{i.ref}" if i.head else f"res-{i.ref}"
            where = f" <small>@{i.head.start}</small>" if i.head else ""
            parts.append(
                f'<li id="res-{i.ref}"><a class="res-link" href="#{target}" data-ref="{i.ref}">'
                f"{_t(i.label)}</a>{_badge(i.status)}{where}</li>"
            )
        parts.append("</ol></section>")
    parts.append("</nav>")
    return "".join(parts)


def _undated(doc: ReviewDoc) -> str:
    if not doc.undated:
        return '<p class="note">Every fact from the text is dated.</p>'
    rows = "".join(
        f'<li><span class="dot {css_type(i.rtype)}" aria-hidden="true"></span>'
        f'<a class="res-link" href="#m-{i.ref}" data-ref="{i.ref}">{_t(i.label)}</a>{_badge(i.status)}</li>'
        for i in doc.undated
    )
    return f'<ul class="undated-list">{rows}</ul>'


def _shown(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as the panel shows it: no generated narrative, and attachment data (the text the page
    already shows) replaced by its size, so the page does not carry the document twice."""
    out = {k: v for k, v in resource.items() if k != "text"}
    if resource.get("resourceType") == "DocumentReference" and isinstance(out.get("content"), list):
        content = []
        for c in out["content"]:
            att = c.get("attachment") if isinstance(c, dict) else None
            if isinstance(att, dict) and isinstance(att.get("data"), str):
                att = {**att, "data": f"(base64, {len(att['data'])} characters: the text shown on this page)"}
                c = {**c, "attachment": att}
            content.append(c)
        out["content"] = content
    return out


def _payload(doc: ReviewDoc) -> str:
    data = {
        i.ref: {
            "type": i.rtype,
            "label": i.label,
            "status": i.status,
            "fullUrl": i.full_url,
            "words": [[m.attribute, m.path, m.start, doc.text[m.start : m.end][:300]] for m in i.mentions],
            "resource": _shown(i.resource),
        }
        for i in doc.items
    }
    return json_for_script(data)


def build_page(
    doc: ReviewDoc,
    *,
    source: str,
    sections: Sequence[SectionMark] = (),
    verdict: Verdict | None = None,
) -> str:
    """The whole page as one string (deterministic for the same arguments)."""
    css, js = _assets()
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    )
    title = doc.title or doc.description or source
    types = {i.ref: i.rtype for i in doc.items}
    timeline = render_timeline(doc.events, types, doc.day0, doc.day0_source)
    caption = (
        f"Day 0 is {_t(doc.day0.isoformat())}, the {_t(doc.day0_source)}; "
        f"{len(doc.events)} dated events, drugs as bars over their period."
        if doc.day0 is not None
        else "The bundle states no dates."
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="fhirconv {_a(__version__)}">'
        f"<title>Review: {_t(title)}</title><style>{css}</style></head>\n"
        '<body><a class="skip" href="#narrative">Skip to the text</a>\n'
        + _header(doc, source, verdict)
        + "\n"
        + _legend(doc, sections)
        + '\n<main><div class="layout">'
        '<article id="narrative" aria-labelledby="text-h"><h2 id="text-h">Text of the case report</h2>'
        '<div class="text">' + render_narrative(doc, sections) + "</div></article>\n"
        '<aside class="panel" aria-label="Selected resource and all resources">'
        '<section id="detail" aria-live="polite" aria-labelledby="detail-h">'
        '<h2 id="detail-h">Selected resource</h2><p class="hint">Click, hover or focus (Tab) a highlight '
        "to see its resource.</p></section>" + _resource_list(doc) + "</aside></div>\n"
        '<section id="timeline" aria-labelledby="tl-h"><h2 id="tl-h">Timeline</h2><div class="tl-grid">'
        f'<figure>{timeline}<figcaption id="tl-caption">{caption}</figcaption></figure>'
        f'<div class="undated"><h3>Undated facts</h3>{_undated(doc)}</div></div></section></main>\n'
        f'<footer class="page">Built by fhirconv {_t(__version__)} from the FHIR bundle alone: highlights '
        "are the bundle's derivation-reference offsets into its DocumentReference text.</footer>\n"
        f'<script type="application/json" id="fhir-resources">{_payload(doc)}</script>\n'
        f"<script>{js}</script>\n</body></html>\n"
    )
