"""Values of tests listed together: written before their names, or given "respectively".

Runs before the one-test-then-its-value reading of ``Observations``: read forwards, each test of
"66,680 U/L creatine kinase, 93 mg/dL urea nitrogen" would take its neighbour's value.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from ..model import Assertion, Quantity
from .quantities import Quantities, decimal_of

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["coordinated_values"]

# what may stand between the items of a coordinated list of tests or values
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|;\s*)")
_NAMES_JOIN = re.compile(r"[\s()]*(?:,[\s()]*)?(?:and\s+)?(?:[a-z]+\s+){0,2}[\s()]*")
_MAX_GAP = 80
_RESPECTIVELY = re.compile(r"(?<!\w)respectively(?!\w)")


def _quantity(q: Quantities, text: str, t: Obs, m: re.Match[str]) -> Quantity | None:
    """The quantity of a value match, when its unit can measure ``t``'s analyte."""
    units = q.units
    unit_raw = text[m.start("unit") : m.end("unit")]
    unit = units.lookup(unit_raw)
    if not units.fits(unit.ucum, t.unit) or m.group("num2"):
        return None
    return Quantity(decimal_of(m.group("num")), unit_raw, unit.ucum)


def coordinated_values(
    q: Quantities, text: str, folded: str, s: int, e: int, tests: list[Obs], assertions: list[Assertion]
) -> None:
    """Values of tests listed together, before the one-test-then-its-value reading:

    * values written before their names: "66,680 U/L creatine kinase, 93 mg/dL urea nitrogen and
      4.6 mg/dL creatinine" -- two or more tests each right after a quantity, joined by a comma or
      "and", take the quantity before them (read forwards, each would take its neighbour's value);
    * "A and B were 269 and 223 U/L, respectively" (and "from 2.7 and 5.8 to 4.2 and 6.8 g/dL,
      respectively"): the quantities after the names go to the names in order, a second round of
      them to a second observation of each name.
    """
    named = [t for t in tests if not t.umbrella and t.value is None and not t.components]
    if len(named) < 2:
        return
    vr = q.value_re
    # values written before their names
    before: dict[int, tuple[re.Match[str], Quantity]] = {}
    for t in named:
        lo = max(s, t.start - 40)
        last = None
        for m in vr.finditer(folded, lo, t.start):
            last = m
        if last is not None and not folded[last.end() : t.start].strip():
            got = _quantity(q, text, t, last)
            if got is not None:
                before[id(t)] = (last, got)
    listed = [t for t in named if id(t) in before]
    if len(listed) >= 2 and all(
        _LIST_JOIN.fullmatch(folded, a.end, before[id(b)][0].start()) for a, b in pairwise(listed)
    ):
        for t in listed:
            m, value = before[id(t)]
            t.value, t.value_span = value, (m.start(), m.end())
        return
    rm = _RESPECTIVELY.search(folded, s, e)
    if rm is None:
        return
    group = [t for t in named if t.end <= rm.start()]
    if len(group) < 2:
        return
    first_value = group[-1].end
    values = list(vr.finditer(folded, first_value, rm.start()))
    # the names must be one coordinated list: "and", commas, bracketed names and up to two modifier
    # words ("albumin and total serum protein") between them
    spans = sorted((t.start, t.end) for t in tests)

    def between(a: Obs, b: Obs) -> bool:
        if b.start - a.end > _MAX_GAP:
            return False  # names of one list stand close together (and a long gap costs no scan)
        chars = list(folded[a.end : b.start])
        for ts, te in spans[bisect_left(spans, (a.end - _MAX_GAP, 0)) :]:
            if ts >= b.start:
                break
            for p in range(max(ts, a.end), min(te, b.start)):
                chars[p - a.end] = " "  # a test name inside the list (an umbrella) is no joining word
        return _NAMES_JOIN.fullmatch("".join(chars)) is not None

    joined = all(between(a, b) for a, b in pairwise(group))
    k = len(group)
    if not joined or not values or len(values) % k or len(values) > 3 * k:
        return
    rounds = [values[i : i + k] for i in range(0, len(values), k)]
    quantities = [[_quantity(q, text, t, m) for t, m in zip(group, r, strict=True)] for r in rounds]
    if any(v is None for r in quantities for v in r):
        return
    at = {id(t): assertions[i] for i, t in enumerate(tests) if i < len(assertions)}
    for n, (r, qs) in enumerate(zip(rounds, quantities, strict=True)):
        for t, m, v in zip(group, r, qs, strict=True):
            if n == 0:
                t.value, t.value_span = v, (m.start(), m.end())
                continue
            copy = replace(t, value=v, value_span=(m.start(), m.end()), cell=(m.start(), m.end()))
            tests.append(copy)
            assertions.append(at.get(id(t), Assertion.PRESENT))
