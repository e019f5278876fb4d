"""The patient's timeline as inline SVG: day 0 at the presentation, one row per dated event.

Plain SVG text (no script, no fonts to fetch), so it prints and opens anywhere; every label is escaped.
Each event is one ``<g class="ev">`` element, so tests (and screen readers, through ``role=listitem``)
can count them.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from .model import Event

__all__ = ["css_type", "render_timeline"]

WIDTH = 960
_LEFT, _RIGHT = 24, 24
_AXIS_Y = 34
_ROW = 24
_TOP = 58
_CHAR_PX = 6.4  # mean advance of the 12 px sans-serif labels; enough to choose a side for each label
_MAX_LABEL = 64
_STEPS = (1, 2, 5, 7, 10, 14, 30, 60, 90, 180, 365, 730, 1825, 3650, 7300, 18250)


def css_type(rtype: str) -> str:
    """A class name for a resource type that no bundle can turn into markup."""
    return "t-" + (re.sub(r"[^A-Za-z0-9]", "", rtype)[:40] or "Resource")


def _clip(text: str, limit: int = _MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _days(ev: Event) -> str:
    return f"day {ev.start}" + (f" to {ev.end}" if ev.end is not None and ev.end != ev.start else "")


def render_timeline(
    events: list[Event], types: dict[str, str], day0: dt.date | None, day0_source: str
) -> str:
    """SVG for ``events`` (sorted); ``types`` maps each event's resource ref to its resource type."""
    if not events or day0 is None:
        return '<p class="tl-empty">No dated events in the bundle.</p>'
    lo = min(0, *(e.start for e in events))
    hi = max(0, *(e.end if e.end is not None else e.start for e in events))
    span = hi - lo
    pad = max(span * 0.04, 0.5)
    lo_f, hi_f = lo - pad, hi + pad
    inner = WIDTH - _LEFT - _RIGHT

    def x(day: float) -> float:
        return _LEFT + (day - lo_f) / (hi_f - lo_f) * inner

    height = _TOP + len(events) * _ROW + 8
    step = next((s for s in _STEPS if span / s <= 10), _STEPS[-1])
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="group" aria-labelledby="tl-caption" preserveAspectRatio="xMinYMin meet">',
        f'<line class="axis" x1="{_LEFT}" y1="{_AXIS_Y}" x2="{WIDTH - _RIGHT}" y2="{_AXIS_Y}"/>',
    ]
    first = -(-lo // step) * step
    for tick in range(first, hi + 1, step):
        if tick == 0:
            continue
        tx = x(tick)
        parts.append(
            f'<line class="tick" x1="{tx:.1f}" y1="{_AXIS_Y - 4}" x2="{tx:.1f}" y2="{height - 4}"/>'
            f'<text class="tick-label" x="{tx:.1f}" y="{_AXIS_Y - 8}" text-anchor="middle">{tick}</text>'
        )
    x0 = x(0)
    parts.append(
        f'<line class="day0" x1="{x0:.1f}" y1="{_AXIS_Y - 14}" x2="{x0:.1f}" y2="{height - 4}"/>'
        f'<text class="day0-label" x="{x0:.1f}" y="{_AXIS_Y - 20}" text-anchor="middle">'
        f"day 0 ({escape(day0.isoformat())})</text>"
    )
    parts.append('<g role="list" aria-label="Dated events">')
    for n, ev in enumerate(events):
        y = _TOP + n * _ROW
        xs = x(ev.start)
        xe = x(ev.end) if ev.end is not None else xs
        label = _clip(ev.label)
        text = f"{label} ({_days(ev)})"
        full = f"{ev.kind}: {ev.label}, {_days(ev)}"
        est = len(text) * _CHAR_PX
        if xe + 10 + est <= WIDTH - 4 or xs - 10 - est < 4:
            tx, anchor = xe + 10, "start"
        else:
            tx, anchor = xs - 10, "end"
        cls = f"ev ev-{ev.kind} {css_type(types.get(ev.ref, ''))}"
        if ev.end is not None and xe - xs >= 1:
            shape = f'<rect class="bar" x="{xs:.1f}" y="{y - 6}" width="{xe - xs:.1f}" height="12" rx="3"/>'
        elif ev.kind in ("outcome", "death"):
            shape = f'<path class="mark" d="M{xs:.1f} {y - 7}l7 7-7 7-7-7z"/>'
        else:
            shape = f'<circle class="mark" cx="{xs:.1f}" cy="{y}" r="6"/>'
        parts.append(
            f'<g class="{cls}" data-ref="{ev.ref}" data-day="{ev.start}" tabindex="0" role="listitem" '
            f'aria-label="{escape(full)}"><title>{escape(full)}</title>'
            f'<line class="row" x1="{_LEFT}" y1="{y}" x2="{WIDTH - _RIGHT}" y2="{y}"/>{shape}'
            f'<text x="{tx:.1f}" y="{y + 4}" text-anchor="{anchor}">{escape(text)}</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
