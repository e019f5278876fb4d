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
from .rules import FINDING_CATEGORIES

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
_FROM = re.compile(r"from\s+")
_TO = re.compile(r"\s*(?:-|\u2013|to)\s*")
_RANGE_DASH = re.compile(r"\s*(?:-|\u2013|to)\s*(?=\d)")
_PLAIN_NUM = re.compile(rf"({NUM})(?![\w.%/])")
# a bare number: never the head of a fraction, a longer word or number, or thousands grouped by a space
_PLAIN_VALUE = re.compile(rf"(?P<num>{NUM})(?!\s*/\s*\d)(?![\w%/]|\.\w)(?![ \u2009\u202f]\d{{3}}(?!\d))")
# a Snellen fraction, or systolic/diastolic/mean pressures: values no single quantity holds
_WRITTEN = re.compile(r"\d{1,3}(?:\.\d)?/\d{1,3}(?:\.\d)?(?![\d/])|\d{1,3}/\d{1,3}/\d{1,3}(?P<p>\s*mm\s*hg)")
_ACUITY = re.compile(r"\bacuit(?:y|ies)\b|\bva\b")
_SPACED_THOUSANDS = re.compile(
    r"\d{1,3}(?:[ \u2009\u202f]\d{3})*[ \u2009\u202f](?P<last>\d{3})(?![\d,]|\.\d)"
)
_LIST_NEXT = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
_TIMED = re.compile(r"\b(?:time|times|duration|interval|latency)\b")
_STATED_LEAD = re.compile(r"[a-z:=]")
_BARE_END = re.compile(r"\s*(?:[,;()]|\.(?!\d)|$|(?:and|at|on|in|after)\b)")
_SCORE_NAME = re.compile(r"\b(?:scores?|scale)$")  # "Glasgow Coma Scale", test:glasgow-coma-scale
_BP_BEFORE_SLASH = re.compile(r"(?<![\d.])(?P<sys>\d{2,3})\s*/\s*$")
_COMPARATOR = re.compile(r"\s*(<=|>=|≤|≥|<|>)\s*(?=\d)")
_VALUE_FIRST = frozenset(".f<>\u2264\u2265")  # besides digits (see ValueReader.read)
_COMPARATORS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}
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
        # every reading below starts with a digit, a point, a comparator or "from" (the lead took the
        # spaces): any other character there is no value
        first = window[start_at : start_at + 1]
        if not first or not (first.isdigit() or first in _VALUE_FIRST):
            return False
        wm = _WRITTEN.match(window, start_at)
        if wm is not None and (wm.group("p") or _ACUITY.search(folded, t.start, t.end)):
            # "6/18", "20/30" for an acuity; "83/34/53 mmHg" for a pressure: kept as written
            vs, ve = t.end + wm.start(), t.end + wm.end()
            t.value_text, t.value_span = text[vs:ve], (vs, ve)
            return True
        fm = _FROM.match(window, start_at)
        if fm is not None:  # "dropped from 12.1 to 7.8 g/dL": the value now, and the one before
            return self._read_change(t, text, window, fm.end(), nxt)
        # "<5 mg/L", "≥ 1000/mm3": the comparator is part of the value
        cm = _COMPARATOR.match(window, start_at)
        comparator = _COMPARATORS[cm.group(1)] if cm else None
        cmp_start = start_at
        start_at = cm.end() if cm else start_at
        units = self.q.units
        qm = self.q.spaced_count_re.match(window, start_at) or self.q.value_re.match(window, start_at)
        if qm is None and self._unit_after_range(t, text, folded, start_at, nxt):
            return True
        sp = _SPACED_THOUSANDS.match(window, start_at)
        if sp is not None and not comparator:  # "12 000 IU/mL": thousands grouped by a space
            return self._read_spaced(t, text, window, sp, nxt)
        if qm is None:
            # a full stop may end the sentence ("normal at 0.98."), never a longer number ("0.98.5")
            plain = _PLAIN_VALUE.match(window[start_at:])
            if not plain or comparator:
                return False
            # a test of no known unit takes a bare number only after a stated lead ("score was 8,")
            # and when the number ends its phrase: "was 0.4 (0-0.8)", never "was 3 times"
            bare = t.unit is None
            score = (
                _SCORE_NAME.search(folded, t.start, t.end) is not None
                or _SCORE_NAME.search(t.concept_id) is not None
            )
            if bare and (
                (t.category in FINDING_CATEGORIES and not score)  # "the CT scan was 1": no number
                or not _STATED_LEAD.search(window, 0, start_at)
            ):
                return False
            vs, ve = t.end + start_at + plain.start(), t.end + start_at + plain.end()
            end = self._range_end(text, folded, ve, None, nxt)
            if end is not None:  # "3.5-4.0 mmol/L": a range of values, kept as written
                t.value_text, t.value_span = text[vs:end], (vs, end)
                return True
            listed = self._listed_unit(window, start_at + plain.end(), t.unit)
            if listed is not None:  # "3.6 and 0.137 mmol/L": the unit stated after the list is this one's too
                raw = text[t.end + listed.start("unit") : t.end + listed.end("unit")]
                unit = units.lookup(raw)
                if not units.fits(unit.ucum, t.unit) or listed.group("num2"):
                    return False
                t.value, t.value_span = Quantity(decimal_of(plain.group("num")), raw, unit.ucum), (vs, ve)
                return True
            if bare and not _BARE_END.match(window, start_at + plain.end()):
                return False
            value = decimal_of(plain.group("num"))
            if t.unit is None:
                code = "{score}" if score else None
                t.value, t.value_span = Quantity(value, code or "", code), (vs, ve)
                self.read_range(t, text, ve, nxt)
                return True
            ucum = units.raw_count_unit(t.unit, value) or t.unit
            shown = units.lookup(ucum).display if ucum != t.unit else t.unit
            t.value = Quantity(value, shown, ucum)
            t.value_span = (vs, ve)
            self.read_range(t, text, ve, nxt)
            return True
        unit_raw = text[t.end + qm.start("unit") : t.end + qm.end("unit")]
        unit = units.lookup(unit_raw)
        if not units.fits(unit.ucum, t.unit):
            return False  # a quantity of another kind belongs to something else: dropped, never coerced
        if t.unit is None and units.kind(unit.ucum) == "time" and not _TIMED.search(folded, t.start, t.end):
            return False  # "colonoscopy 2 years prior": when it was done, not what it measured
        vs, ve = t.end + qm.start(), t.end + qm.end()
        end = ve if qm.groupdict().get("num2") else self._range_end(text, folded, ve, unit.ucum, nxt)
        if end is not None:  # "25%-30%", "4 to 6 mg/dL": a range of values, kept as written
            t.value_text, t.value_span = text[vs:end], (vs, end)
            return True
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

    def _read_spaced(self, t: Obs, text: str, window: str, sp: re.Match[str], nxt: int) -> bool:
        qm = self.q.value_re.match(window, sp.start("last"))
        if qm is None or qm.group("num2") or qm.start("unit") < sp.end():
            return False
        unit_raw = text[t.end + qm.start("unit") : t.end + qm.end("unit")]
        unit = self.q.units.lookup(unit_raw)
        if not self.q.units.fits(unit.ucum, t.unit):
            return False
        t.value = Quantity(decimal_of(re.sub(r"\s", "", sp.group(0))), unit_raw, unit.ucum)
        t.value_span = (t.end + sp.start(), t.end + qm.end())
        self.read_range(t, text, t.value_span[1], nxt)
        return True

    def _listed_unit(self, window: str, pos: int, default: str | None) -> re.Match[str] | None:
        """The next item of a list when it is a number in a unit other than the default and not a time
        ("3.6 and 0.137 mmol/L"): that unit is the bare number's too, so the default may not stand in."""
        lm = _LIST_NEXT.match(window, pos)
        qm = self.q.value_re.match(window, lm.end()) if lm else None
        if qm is None:
            return None
        ucum = self.q.units.lookup(qm.group("unit")).ucum
        return qm if ucum != default and self.q.units.kind(ucum) != "time" else None

    def _range_end(self, text: str, folded: str, pos: int, ucum: str | None, nxt: int) -> int | None:
        """Where a value written as a range ends ("25%-30%", "3.5-4.0 mmol/L"; ``pos`` is right after the
        first number or its unit), or None for a single value. Read in the original text: folding turns
        the dash into a space."""
        dm = _RANGE_DASH.match(text, pos, nxt)
        if dm is None:
            return None
        second = self.q.value_re.match(folded, dm.end(), nxt)
        if second is not None:
            same = self.q.units.lookup(text[second.start("unit") : second.end("unit")]).ucum == ucum
            return second.end() if (same or ucum is None) and not second.group("num2") else None
        pm = _PLAIN_NUM.match(folded, dm.end(), nxt)
        return pm.end() if pm is not None and ucum is None else None

    def _read_change(self, t: Obs, text: str, window: str, pos: int, nxt: int) -> bool:
        """ "fell from 12.1 to 7.8 g/dL", "rose from 1.2 mg/dL to 3.4 mg/dL": the value is the last one; the
        first is kept as an earlier value of the same test (``t.earlier``), in the unit the text gives it."""
        vr, units, base = self.q.value_re, self.q.units, t.end
        m = vr.match(window, pos)
        first_unit = None
        if m is not None and m.group("num2"):
            a_num, a_span, b_num, b_span, um = (
                m["num"],
                m.span("num"),
                m["num2"],
                (m.start("num2"), m.end()),
                m,
            )
        else:
            am = m or _PLAIN_NUM.match(window, pos)
            tm = _TO.match(window, am.end()) if am else None
            bm = vr.match(window, tm.end()) if tm else None
            if am is None or bm is None or bm.group("num2"):
                return False
            a_num = m["num"] if m is not None else am.group(1)
            a_span, b_num, b_span, um = am.span(), bm["num"], bm.span(), bm
            first_unit = text[base + m.start("unit") : base + m.end("unit")] if m else None
        unit_raw = text[base + um.start("unit") : base + um.end("unit")]
        unit = units.lookup(unit_raw)
        if not units.fits(unit.ucum, t.unit):
            return False
        if first_unit is not None and units.lookup(first_unit).ucum != unit.ucum:
            return False  # "from 1.2 mg/dL to 98 umol/L": two units, no one quantity to compare
        t.value = Quantity(decimal_of(b_num), unit_raw, unit.ucum)
        t.value_span = (base + b_span[0], base + b_span[1])
        earlier = Quantity(decimal_of(a_num), first_unit or unit_raw, unit.ucum)
        t.earlier = (earlier, (base + a_span[0], base + a_span[1]))
        # "rose from 7.1 to 9.0 g/dL" says which way it went, not that the value is high: no interpretation
        self.read_range(t, text, t.value_span[1], nxt)
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
        t.components = _bp_components(bm.group("sys"), bm.group("dia"))
        return True

    def listed_blood_pressure(self, t: Obs, folded: str) -> None:
        """ "blood pressure and pulse were 150/95 mmHg and 92/min, respectively": a list reader gives the
        pressure only the number after the slash; the pair is the systolic and diastolic components."""
        if t.value is None or t.value_span is None or not _BP_NAME.search(folded, t.start, t.end):
            return
        vs, ve = t.value_span
        pm = _BP_BEFORE_SLASH.search(folded, max(0, vs - 10), vs)
        if pm is None or t.value.value != t.value.value.to_integral_value():
            return
        t.components = _bp_components(pm.group("sys"), str(t.value.value))
        t.value, t.value_span = None, (pm.start("sys"), ve)

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


def _bp_components(sys: str, dia: str) -> list[tuple[str, tuple[Coding, ...], Quantity]]:
    return [
        (
            "Systolic blood pressure",
            (Coding("http://loinc.org", "8480-6", "Systolic blood pressure"),),
            Quantity(decimal_of(sys), "mmHg", "mm[Hg]"),
        ),
        (
            "Diastolic blood pressure",
            (Coding("http://loinc.org", "8462-4", "Diastolic blood pressure"),),
            Quantity(decimal_of(dia), "mmHg", "mm[Hg]"),
        ),
    ]
