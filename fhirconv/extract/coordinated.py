"""Values of tests listed together: written before their names, or paired with them by position.

The one component for lists of tests with lists of values, run before the one-test-then-its-value
reading of ``Observations`` (read forwards, each test of "66,680 U/L creatine kinase, 93 mg/dL urea
nitrogen" would take its neighbour's value, and the last test of "sodium and potassium were 128 and
3.1 mmol/L" the first value):

* values written before their names: "66,680 U/L creatine kinase, 93 mg/dL urea nitrogen and 4.6 mg/dL
  creatinine" -- two or more tests each right after a quantity, joined by a comma or "and";
* values paired by position, the n-th value to the n-th test of the last list of names before them.
  Read when "respectively" closes the list -- every quantity between the names and that word, in one or
  more rounds ("from 2.7 and 5.8 to 4.2 and 6.8 g/dL, respectively": a second round is a second
  observation of each name), or a plain list after a lead ("were 269 and 223 U/L") that may name fewer
  values than tests (the list is then its last tests) -- or when such a plain list runs to the sentence
  end and pairs exactly ("sodium and potassium were 128 and 3.1 mmol/L.").

A value without a unit takes the unit the last value states only when no value but the last has one
("0.8 and 1.3 ng/mL"). A unit that does not fit its analyte leaves that test without a value, as
everywhere else; the tests of a list read here are never read again forwards.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from ..model import Assertion, Quantity
from .quantities import ANY_DIGIT, NUM, Quantities, decimal_of

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["RESPECTIVELY", "coordinated_values", "respectively"]

RESPECTIVELY = re.compile(r"(?<!\w)respectively(?!\w)")


def respectively(folded: str, s: int, e: int) -> re.Match[str] | None:
    """``RESPECTIVELY.search``, asked only where the word is (a ``str`` search: most sentences lack it)."""
    return RESPECTIVELY.search(folded, s, e) if folded.find("respectively", s, e) >= 0 else None


# what may stand between the items of a list of values written before their names
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|;\s*)")
# what may stand between two names of one list: "and", "as well as", commas, brackets and up to two
# modifier words ("albumin and total serum protein", "glucose and the HbA1c")
_NAMES_JOIN = re.compile(r"[\s()]*(?:,[\s()]*)?(?:(?:and|as\s+well\s+as)\s+)?(?:[a-z]+\s+){0,2}[\s()]*")
_MAX_GAP = 80  # characters between two names of one list at most
# between the last name and a plain list of values: "levels were", "of", "measured at", ":"
_LEAD = re.compile(
    r"(?:\s*(?:levels?|values?|concentrations?|counts?|titers?|titres?))?\s*(?:,\s*)?"
    r"(?:were|was|are|is|of|measured|at|:)\s+(?:(?:about|approximately|around|up to)\s+)?"
)
_PLAIN = re.compile(rf"(?:{NUM})(?![\w.%/])")
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
_ROUNDS = 3  # "from ... to ... and then ...": at most three rounds of values for one list


def coordinated_values(
    q: Quantities, text: str, folded: str, s: int, e: int, tests: list[Obs], assertions: list[Assertion]
) -> set[int]:
    """Fill the values of tests listed together (in place; a second round appends observations, with
    their assertions); the ids of the tests whose values the list decided, found or not."""
    named = [t for t in tests if not t.umbrella and t.value is None and not t.components and t.named]
    if len(named) < 2:
        return set()
    if _values_before_names(q, text, folded, s, named):
        return set()
    if ANY_DIGIT.search(folded, min(t.end for t in named), e) is None:
        return set()  # no number after the names: no list of values to pair with them
    rm = respectively(folded, s, e)
    stop = rm.start() if rm is not None else e
    group = _last_list(folded, [t for t in named if t.end <= stop], tests)
    if len(group) < 2:
        return set()
    if rm is not None and _rounds(q, text, folded, group, stop, tests, assertions):
        return {id(t) for t in group}
    return _by_position(q, text, folded, group, stop, respectively=rm is not None)


def _fit(q: Quantities, text: str, t: Obs, m: re.Match[str]) -> Quantity | None:
    """The quantity of a value match, when its unit can measure ``t``'s analyte (a range is none)."""
    raw = text[m.start("unit") : m.end("unit")]
    unit = q.units.lookup(raw)
    if not q.units.fits(unit.ucum, t.unit) or m.group("num2"):
        return None
    return Quantity(decimal_of(m.group("num")), raw, unit.ucum)


def _values_before_names(q: Quantities, text: str, folded: str, s: int, named: list[Obs]) -> bool:
    """ "66,680 U/L creatine kinase, 93 mg/dL urea nitrogen": two or more tests of one list, each right
    after a quantity, take the quantity before them; True when read."""
    before: dict[int, tuple[re.Match[str], Quantity]] = {}
    for t in named:
        last = None
        if ANY_DIGIT.search(folded, max(s, t.start - 40), t.start) is None:
            continue  # no number right before the name
        for m in q.value_re.finditer(folded, max(s, t.start - 40), t.start):
            last = m
        if last is not None and not folded[last.end() : t.start].strip():
            got = _fit(q, text, t, last)
            if got is not None:
                before[id(t)] = (last, got)
    listed = [t for t in named if id(t) in before]
    if len(listed) < 2 or not all(
        _LIST_JOIN.fullmatch(folded, a.end, before[id(b)][0].start()) for a, b in pairwise(listed)
    ):
        return False
    for t in listed:
        m, value = before[id(t)]
        t.value, t.value_span = value, (m.start(), m.end())
    return True


def _last_list(folded: str, candidates: list[Obs], tests: list[Obs]) -> list[Obs]:
    """The last run of names joined only by list words; a test name inside the gap (an umbrella, "in
    the blood gas analysis, pH, ...") is no joining word and is blanked out first."""
    spans = sorted((t.start, t.end) for t in tests)

    def joined(a: Obs, b: Obs) -> bool:
        if not 0 <= b.start - a.end <= _MAX_GAP:
            return False  # names of one list stand close together (and a long gap costs no scan)
        chars = list(folded[a.end : b.start])
        for ts, te in spans[bisect_left(spans, (a.end - _MAX_GAP, 0)) :]:
            if ts >= b.start:
                break
            for p in range(max(ts, a.end), min(te, b.start)):
                chars[p - a.end] = " "
        return _NAMES_JOIN.fullmatch("".join(chars)) is not None

    group: list[Obs] = []
    for t in sorted(candidates, key=lambda o: o.start):
        group = [*group, t] if group and joined(group[-1], t) else [t]
    return group


def _rounds(
    q: Quantities,
    text: str,
    folded: str,
    group: list[Obs],
    stop: int,
    tests: list[Obs],
    assertions: list[Assertion],
) -> bool:
    """Before "respectively": every quantity after the names, k per round; True when read."""
    values = list(q.value_re.finditer(folded, group[-1].end, stop))
    k = len(group)
    if not values or len(values) % k or len(values) > _ROUNDS * k:
        return False
    rounds = [values[i : i + k] for i in range(0, len(values), k)]
    quantities = [[_fit(q, text, t, m) for t, m in zip(group, r, strict=True)] for r in rounds]
    if any(v is None for r in quantities for v in r):
        return False
    at = {id(t): assertions[i] for i, t in enumerate(tests) if i < len(assertions)}
    for n, (r, qs) in enumerate(zip(rounds, quantities, strict=True)):
        for t, m, v in zip(group, r, qs, strict=True):
            if n == 0:
                t.value, t.value_span = v, (m.start(), m.end())
                continue
            copy = replace(t, value=v, value_span=(m.start(), m.end()), cell=(m.start(), m.end()))
            tests.append(copy)
            assertions.append(at.get(id(t), Assertion.PRESENT))
    return True


def _by_position(
    q: Quantities, text: str, folded: str, group: list[Obs], stop: int, *, respectively: bool
) -> set[int]:
    """ "were 269 and 223 U/L": a plain list of values right after the names, nothing after it but the
    stop; the ids of the tests it paired."""
    lead = _LEAD.match(folded, group[-1].end, stop)
    if lead is None:
        return set()
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
    if len(items) < 2 or len(items) > len(group) or folded[pos:stop].strip(" ,."):
        return set()
    if not respectively and len(items) != len(group):
        return set()  # without "respectively", only a list that pairs exactly, up to the sentence end
    group = group[-len(items) :]  # "in the blood gas analysis, pH, ...": the list is the last tests
    shared = items[-1][2] if all(m is None for _, _, m in items[:-1]) else None
    for t, (vs, ve, qm) in zip(group, items, strict=True):
        num = qm.group("num") if qm is not None else folded[vs:ve]
        unit_m = qm or shared
        if unit_m is None:
            t.value = Quantity(decimal_of(num), t.unit or "", t.unit)
        else:
            raw = text[unit_m.start("unit") : unit_m.end("unit")]
            unit = q.units.lookup(raw)
            if not q.units.fits(unit.ucum, t.unit):
                continue  # a unit of another kind: no value, never coerced
            t.value = Quantity(decimal_of(num), raw, unit.ucum)
        t.value_span = (vs, ve)
    return {id(t) for t in group}
