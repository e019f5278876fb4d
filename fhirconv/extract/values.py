"""Observation values: the number after a test name, its unit, a stated reference range, and the clause
a result word may reach.

A value is kept only when its unit fits the analyte (a length is never a body weight; the rules cannot
tell for units of unknown kind, so those stay). A bare number in a scaled count ("platelets 312,000")
is the raw count it says, never 1000 times more. A range stated right after the value becomes the
fact's reference range, and gives the interpretation when the text states none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from ..model import Coding, Quantity, ReferenceRange
from ..units import interpretation_from_range
from .quantities import NUM, Quantities, decimal_of

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["ValueReader"]

# A clause boundary between a test and a later result word: "; ", ", and", ", but", "whereas", "while".
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|but|while|whereas)\b|\s(?:but|while|whereas)\s")
_COPULA = r"was|were|is|are|remained|became|appeared"


_ABBREVIATION = re.compile(r"\)?\s*(?:\(\s*[a-z][^()]{0,11}\))?")
_BP_NAME = re.compile(r"blood pressure|\bbp\b")
_BP_VALUE = re.compile(r"(?P<sys>\d{2,3})\s*/\s*(?P<dia>\d{2,3})")
_MMHG = re.compile(r"\s*mm\s*hg")
_COMPARATOR = re.compile(r"\s*(<=|>=|≤|≥|<|>)\s*(?=\d)")
_COMPARATORS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}
# a score's name ("Glasgow Coma Score", "APGAR score"): a bare number after it is its points
_SCORE_NAME = re.compile(r"(?<!\w)(?:score|scale)$")
_SCORE_UNIT = "{score}"
# a number followed by an opening bracket (a stated range before the unit)
_NUM_BEFORE_BRACKET = re.compile(rf"(?P<num>{NUM})(?=\s*[(\[])")
# counts per volume with no power of ten: whole cells, never a fraction
_RAW_COUNTS = frozenset({"/mm3", "/uL", "/mL", "/L"})


def negative_sign(text: str, pos: int) -> bool:
    """A minus sign right before a number, itself after a space, "(", ":" or "=" (so never a range
    "12-16" or a hyphenated name "HbA1c-7")."""
    return pos >= 2 and text[pos - 1] in "-\u2212" and text[pos - 2] in " (:=,\u2009\u200a"


class ValueReader:
    def __init__(
        self, quantities: Quantities, value_lead: re.Pattern[str], trend: re.Pattern[str], verbs: str
    ) -> None:
        self.q = quantities
        self.value_lead = value_lead
        self.trend = trend
        # a test that already has its own predicate ("the ECG showed ...") ends its clause
        self.predicate = re.compile(rf"(?<!\w)(?:{verbs}|{_COPULA})(?!\w)")

    def read(self, t: Obs, text: str, folded: str, nxt: int) -> bool:
        """Fill ``t.value`` (and range) from the words after the test name; True when a value was read."""
        window = folded[t.end : nxt]
        # "aspartate aminotransferase (AST) 76 U/L": the value follows the bracket that closes the name;
        # "troponin I (Trop I) (111 ng/mL)": and the abbreviation in brackets after it
        am = _ABBREVIATION.match(window)
        vm = self.value_lead.match(window, am.end() if am else 0)
        start_at = vm.end() if vm else 0
        if start_at > 36:
            return False
        # "<5 mg/L", "≥ 1000/mm3": the comparator is part of the value
        cm = _COMPARATOR.match(window, start_at)
        comparator = _COMPARATORS[cm.group(1)] if cm else None
        cmp_start = start_at
        start_at = cm.end() if cm else start_at
        units = self.q.units
        qm = self.q.spaced_count_re.match(window, start_at) or self.q.value_re.match(window, start_at)
        if qm is None and self._unit_after_range(t, text, folded, start_at, nxt):
            return True
        if qm is None:
            # a full stop may end the sentence ("normal at 0.98."), never a longer number ("0.98.5")
            plain = re.match(rf"(?P<num>{NUM})(?!\s*/\s*\d)(?![\w%/]|\.\w)", window[start_at:])
            # "Glasgow Coma Score was 3": a score is a bare number (its points, UCUM annotation {score})
            score = _SCORE_NAME.search(folded, t.start, t.end) or _SCORE_NAME.search(t.concept_id)
            t_unit = t.unit or (_SCORE_UNIT if score else None)
            if not plain or t_unit is None or comparator:
                return False
            value = decimal_of(plain.group("num"))
            ucum = units.raw_count_unit(t_unit, value) or t_unit
            shown = units.lookup(ucum).display if ucum != t_unit else t_unit
            vs, ve = t.end + start_at + plain.start(), t.end + start_at + plain.end()
            t.value = Quantity(value, shown, ucum)
            t.value_span = (vs, ve)
            self.read_range(t, text, ve, nxt)
            return True
        unit_raw = text[t.end + qm.start("unit") : t.end + qm.end("unit")]
        unit = units.lookup(unit_raw)
        if not units.fits(unit.ucum, t.unit):
            return False  # a quantity of another kind belongs to something else: dropped, never coerced
        vs, ve = t.end + qm.start(), t.end + qm.end()
        num = qm.group("num")
        # "8.500/mm3": a raw count has no fraction of a cell, so a point before three digits groups thousands
        if unit.ucum in _RAW_COUNTS and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
            num = num.replace(".", "")
        value = decimal_of(num)
        if comparator:
            vs = t.end + cmp_start + (len(window[cmp_start:]) - len(window[cmp_start:].lstrip()))
        elif negative_sign(text, vs):  # "base excess -5.5 mmol/L": the sign fold() turned into a space
            value, vs = -value, vs - 1
        t.value = Quantity(value, unit_raw, unit.ucum, comparator)
        # "decreased to 90%": the trend word says which way it went -- the interpretation, cited apart
        # from the number it qualifies
        trend = self.trend.search(window, 0, start_at)
        if trend and t.interpretation is None:
            t.interpretation = "high" if trend.group("up") else "low"
            t.interp_span = (t.end + trend.start(), t.end + trend.end())
        t.value_span = (vs, ve)
        self.read_range(t, text, ve, nxt)
        return True

    def _unit_after_range(self, t: Obs, text: str, folded: str, start_at: int, nxt: int) -> bool:
        """``9.5 (normal 1.7-8.3) mmol/L``: the stated range sits between the number and its unit. The
        unit after the bracket is the value's (and the range's); the value mention quotes all of it."""
        nm = _NUM_BEFORE_BRACKET.match(folded, t.end + start_at, nxt)
        if nm is None:
            return False
        rm = self.q.ranges.match(text, nm.end(), nxt)
        if rm is None or rm.unit is not None:
            return False
        um = self.q.unit_re.match(folded, rm.end, nxt)
        if um is None:
            return False
        unit_raw = text[um.start("unit") : um.end("unit")]
        unit = self.q.units.lookup(unit_raw)
        if not self.q.units.fits(unit.ucum, t.unit):
            return False
        t.value = Quantity(decimal_of(nm.group("num")), unit_raw, unit.ucum)
        t.value_span = (nm.start("num"), um.end("unit"))
        self.read_range(t, text, nm.end(), nxt)
        return True

    def blood_pressure(self, t: Obs, folded: str, window: str, nxt: int) -> bool:
        """ "BP 120/80 mmHg": one panel with a systolic and a diastolic component; True when read."""
        if not _BP_NAME.search(folded, t.start, t.end):
            return False
        bm = _BP_VALUE.search(window[:40])
        if bm is None:
            return False
        vs, ve = t.end + bm.start(), t.end + bm.end()
        um = _MMHG.match(folded, ve, nxt)
        if um:
            ve = um.end()
        t.value_span = (vs, ve)
        t.components = [
            (
                "Systolic blood pressure",
                (Coding("http://loinc.org", "8480-6", "Systolic blood pressure"),),
                Quantity(decimal_of(bm.group("sys")), "mmHg", "mm[Hg]"),
            ),
            (
                "Diastolic blood pressure",
                (Coding("http://loinc.org", "8462-4", "Diastolic blood pressure"),),
                Quantity(decimal_of(bm.group("dia")), "mmHg", "mm[Hg]"),
            ),
        ]
        return True

    def read_range(self, t: Obs, text: str, pos: int, nxt: int) -> None:
        """A stated range right after the value: kept when its unit is the value's (or unstated)."""
        if t.value is None:
            return
        rm = self.q.ranges.match(text, pos, nxt)
        if rm is None:
            return
        ucum = t.value.ucum
        if rm.unit is not None and self.q.units.lookup(rm.unit).ucum != ucum:
            return
        low = Quantity(rm.low, t.value.unit, ucum) if rm.low is not None else None
        high = Quantity(rm.high, t.value.unit, ucum) if rm.high is not None else None
        words = " ".join(text[rm.start : rm.end].strip("()[] ").split())
        t.reference_range = ReferenceRange(low, high, words)
        t.range_span = (rm.start, rm.end)
        if t.interpretation is None and t.value.comparator is None:  # "<5" against a range: cannot tell
            t.interpretation = interpretation_from_range(t.value.value, rm.low, rm.high)

    def in_other_clause(self, folded: str, test_end: int, result_start: int, test_starts: list[int]) -> bool:
        """Whether a result word at ``result_start`` lies in a later clause than a test ending at
        ``test_end``: the test has its own predicate, then a clause boundary opens a clause with a test of
        its own ("the ECG showed ischemic changes, and the radiograph was normal" -- "normal" is the
        radiograph's; "showed a mass but was otherwise unremarkable" stays one test's)."""
        pm = self.predicate.search(folded, test_end, result_start)
        br = _CLAUSE_BREAK.search(folded, pm.end(), result_start) if pm else None
        if br is None:  # the first break after the predicate leaves the most room for a new test
            return False
        i = bisect_left(test_starts, br.end())
        return i < len(test_starts) and test_starts[i] < result_start

    def in_range_statement(self, text: str, pos: int, end: int) -> bool:
        """Whether the word at ``pos`` opens a stated range ("(normal range: 4-10)", "[normal, <5]"):
        such a "normal" is a reference, never a result."""
        j = pos - 1
        while j >= 0 and pos - j <= 3 and text[j] == " ":
            j -= 1
        return j >= 0 and text[j] in "([" and self.q.ranges.match(text, j, end) is not None
