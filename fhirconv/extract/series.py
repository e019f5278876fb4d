"""More values of one test: a series ("glucose was 139 and 152 mg/dL at baseline and 6 minutes", "Apgar
scores were 4 at 1 min, 7 at 5 min and 9 at 10 min") and a value restated in another unit right after the
first ("99.7 F (37.6 C)", "6.84 mg/dL (116.96 umol/L)").

A later item of a series is this test's only when nothing else claims it: it is in the same unit as the
first value (or both are bare numbers), no test name stands between, and no other test's value is
there. Each later item is a result of its own (an Observation cell, as an earlier value is); a restated
value is the same result, so it is cited as a second value mention of the same fact.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Quantity
from .obs import Obs
from .quantities import NUM, Quantities, decimal_of

__all__ = ["more_values"]

# between two items: ", ", ", and ", " and ", " then "; before it, an optional "at 5 min" of the item
_WHEN = (
    r"(?:\s+(?:at|after|on|before|by|in|during)\s+[^,;()\d]{0,20}?"
    r"(?:\d{1,3}\s*[a-z]{1,8}[^,;()]{0,12}?)?)?"
)
_NEXT = re.compile(_WHEN + r"(?:\s*,\s*(?:(?:and|or)\s+)?(?:then\s+)?|\s+(?:and\s+(?:then\s+)?|then\s+))")
_BARE = re.compile(rf"(?P<num>{NUM})(?=\s*(?:[,;)]|\.(?!\d)|$|(?:and|at|on|in|after|then|respectively)\b))")
_RESTATED = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*[);,]")
_MAX_ITEMS = 6
_BRACKET_END = re.compile(r"\s*\)")
_COORDINATED = re.compile(r"(?:,|(?<!\w)and|(?<!\w)or)\s+(?:[a-z][\w-]*\s+)?$")


def more_values(
    q: Quantities, text: str, folded: str, e: int, tests: list[Obs], step: re.Pattern[str] | None = None
) -> list[tuple[int, Obs]]:
    """The cells a series adds, each with the index of its test (for the caller to append, with that
    test's assertion); restated values are added in place. ``step`` reads a trend between two items
    ("22 mmol/l and subsequently increased to 63 mmol/l"): the later item's interpretation."""
    if not any(o.value is not None and o.cell is None for o in tests):
        return []  # no value yet that a series could continue
    taken = [o.value_span for o in tests if o.value_span] + [o.cell for o in tests if o.cell]
    taken += [o.range_span for o in tests if o.range_span]
    starts = sorted(o.start for o in tests)
    out: list[tuple[int, Obs]] = []
    for i, t in enumerate(list(tests)):
        if t.value is None or t.value_span is None or t.components or t.cell is not None:
            continue
        nxt = next((s for s in starts if s > t.value_span[1]), e)
        _restated(q, folded, t, nxt, taken)
        pos = _after(folded, t.restated[1]) if t.restated else t.value_span[1]
        if t.range_span is not None and t.range_span[0] >= pos:
            pos = t.range_span[1]
        # "lactate and pyruvate were 3.6 and 0.137 mmol/l": the list is the coordinated tests', not a series
        # and "total and direct bilirubin were 6.8 and 9.1 mg/dL": names coordinated before the test
        coordinated = any(o is not t and t.end <= o.start < t.value_span[0] for o in tests) or bool(
            _COORDINATED.search(folded, max(0, t.start - 24), t.start)
        )
        for _ in range(0 if coordinated else _MAX_ITEMS):
            item = _item(q, text, folded, t.value, pos, nxt, step)
            if item is None:
                break
            span, value, trend = item
            if any(a < span[1] and span[0] < b for a, b in taken):
                break
            taken.append(span)
            cell = replace(
                t,
                value=value,
                value_span=span,
                cell=span,
                interpretation=trend[0] if trend else None,
                interp_span=trend[1] if trend else None,
                reference_range=None,
                range_span=None,
                restated=None,
            )
            _restated(q, folded, cell, nxt, taken)
            out.append((i, cell))
            pos = _after(folded, cell.restated[1]) if cell.restated else span[1]
    return out


Trend = tuple[str, tuple[int, int]] | None


def _item(
    q: Quantities, text: str, folded: str, first: Quantity, pos: int, nxt: int, step: re.Pattern[str] | None
) -> tuple[tuple[int, int], Quantity, Trend] | None:
    """The next item of a series after ``pos``: a number in the first value's unit (or a bare number
    after a bare one), with the trend stated before it."""
    sep = _NEXT.match(folded, pos, nxt)
    if sep is None:
        return None
    at = sep.end()
    tm = step.match(folded, at, nxt) if step is not None else None
    trend: Trend = None
    if tm is not None:
        at, trend = tm.end(), ("high" if tm.group("up") else "low", tm.span("tw"))
    qm = q.value_re.match(folded, at, nxt)
    if qm is not None:
        if qm.group("num2") or not first.unit:
            return None
        raw = text[qm.start("unit") : qm.end("unit")]
        if q.units.lookup(raw).ucum != first.ucum:
            return None
        return (qm.start(), qm.end()), Quantity(decimal_of(qm.group("num")), raw, first.ucum), trend
    if first.unit and first.ucum != "{score}":
        return None
    bm = _BARE.match(folded, at, nxt)
    if bm is None:
        return None
    return (bm.start(), bm.end()), Quantity(decimal_of(bm.group("num")), first.unit, first.ucum), trend


def _restated(q: Quantities, folded: str, t: Obs, nxt: int, taken: list[tuple[int, int]]) -> None:
    """ "99.7 F (37.6 C)": a single quantity in brackets right after the value restates it."""
    assert t.value_span is not None and t.value is not None
    if not t.value.unit:
        return
    om = _RESTATED.match(folded, t.value_span[1], nxt)
    qm = q.value_re.match(folded, om.end(), nxt) if om else None
    if qm is None or qm.group("num2") or not _CLOSE.match(folded, qm.end(), nxt):
        return
    span = (qm.start(), qm.end())
    if any(a < span[1] and span[0] < b for a, b in taken):
        return
    taken.append(span)
    t.restated = span


def _after(folded: str, pos: int) -> int:
    """Past the bracket that closes a restated value."""
    m = _BRACKET_END.match(folded, pos)
    return m.end() if m else pos
