"""Coordinated tests with coordinated results: "glucose and HbA1c were 299 mg/dL and 8.2%, respectively".

The n-th value of the list belongs to the n-th test of the list. Read when the word "respectively"
closes the list, or when the list of values runs to the end of the sentence and pairs exactly with the
list of tests ("sodium and potassium were 128 and 3.1 mmol/L."); otherwise the clause-by-clause
reading stands. A value that lacks a unit takes the unit the last value states only when no value but
the last has one ("0.8 and 1.3 ng/mL"); a unit that does not fit its analyte leaves that test without
a value, as everywhere else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Quantity
from .quantities import NUM, Quantities, decimal_of

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["assign_respectively"]

_RESPECTIVELY = re.compile(r"(?<!\w)respectively(?!\w)")
# what may stand between two tests of one list, and between the list and its values
_TEST_GLUE = re.compile(r"(?:\s*,)?\s*(?:(?:and|as well as)\s+)?(?:(?:the|serum|plasma|blood)\s+)?")
_LEAD = re.compile(
    r"(?:\s*(?:levels?|values?|concentrations?|counts?|titers?|titres?))?\s*(?:,\s*)?"
    r"(?:were|was|are|is|of|measured|at|:)\s+(?:(?:about|approximately|around|up to)\s+)?"
)
_PLAIN = re.compile(rf"(?:{NUM})(?![\w.%/])")
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")


def assign_respectively(t_list: list[Obs], text: str, folded: str, s: int, e: int, q: Quantities) -> None:
    """Give each test of a "respectively" list the value at its position (in place)."""
    if len(t_list) < 2:
        return
    rm = _RESPECTIVELY.search(folded, s, e)
    stop = rm.start() if rm is not None else e
    tests = sorted((t for t in t_list if t.named and t.end <= stop), key=lambda t: t.start)
    # the last run of tests joined only by list glue
    group: list[Obs] = []
    for t in tests:
        if group and _TEST_GLUE.fullmatch(folded, group[-1].end, t.start):
            group.append(t)
        else:
            group = [t]
    if len(group) < 2:
        return
    lead = _LEAD.match(folded, group[-1].end, stop)
    if lead is None:
        return
    items: list[tuple[int, int, re.Match[str] | None]] = []
    pos = lead.end()
    while pos < stop and len(items) <= len(group):
        qm = q.value_re.match(folded, pos, stop)
        if qm is not None:
            items.append((qm.start(), qm.end(), qm))
            pos = qm.end()
        else:
            nm = _PLAIN.match(folded, pos, stop)
            if nm is None:
                break
            items.append((nm.start(), nm.end(), None))
            pos = nm.end()
        sep = _SEP.match(folded, pos, stop)
        if sep is None:
            break
        pos = sep.end()
    rest = folded[pos:stop].strip(" ,.")
    if len(items) < 2 or len(items) > len(group) or rest:
        return
    if rm is None and len(items) != len(group):
        return  # without "respectively", only a list that pairs exactly, up to the sentence end
    group = group[-len(items) :]  # "in the blood gas analysis, pH, ...": the list is the last tests
    shared = items[-1][2] if all(m is None for _, _, m in items[:-1]) else None
    for t, (vs, ve, qm) in zip(group, items, strict=True):
        num = qm.group("num") if qm is not None else folded[vs:ve]
        unit_m = qm or shared
        if unit_m is not None:
            raw = text[unit_m.start("unit") : unit_m.end("unit")]
            unit = q.units.lookup(raw)
            if not q.units.fits(unit.ucum, t.unit):
                t.value, t.value_span = None, None
                continue
            t.value = Quantity(decimal_of(num), raw, unit.ucum)
        else:
            t.value = Quantity(decimal_of(num), t.unit or "", t.unit)
        t.value_span = (vs, ve)
