"""Measured results whose test the lexicons do not know.

A quantity in a result unit (a concentration, a count, a percentage, a pressure, a temperature, a rate)
that no test took is still a result the case reports ("sedimentation was 27 mm/h", "an anion gap of
18 mmol/L"). It becomes an Observation whose mention is the value and whose text is the words before it:
those words may name a finding instead of a test ("a tachycardia of 140/min"), so they are never scored
or coded as a test of their own.
"""

from __future__ import annotations

import re

from ..model import Quantity
from .coordinated import respectively
from .lexicon import Match
from .obs import Obs
from .quantities import ANY_DIGIT, Quantities, decimal_of
from .rules import ObservationRules
from .values import ValueReader, negative_sign

__all__ = ["UnnamedValues"]

# words and signs between a value's name and the value: "was", "of", ":", "(", "measured at"
_VALUE_GLUE = frozenset(
    [
        "was",
        "were",
        "is",
        "are",
        "of",
        "at",
        "to",
        ":",
        "=",
        ",",
        "(",
        "measured",
        "measuring",
        "reached",
        "about",
        "approximately",
        "around",
        "up",
        "increased",
        "decreased",
        "elevated",
        "raised",
        "reduced",
        "rose",
        "fell",
        "dropped",
        "declined",
        "improved",
        "showed",
        "revealed",
        "demonstrated",
        "disclosed",
        "had",
        "with",
    ]
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'/.-]*[a-z0-9]|[a-z0-9]|[^\sa-z0-9]")
# a range bound: "normal 60-110", "<5", "reference interval 30-", "up to 100"
_RANGE_BEFORE = re.compile(
    r"(?:\d\s*(?:-|\u2013|to)|[<>\u2264\u2265~]|[(:,]\s*-|\bnormal[^\d;]{0,20}|\brange[^\d;]{0,12}|\breference[^\d;]{0,20})\s*$",
    re.IGNORECASE,
)
# one or two words right after a share or a count, then the end of the item ("2% neutrophils,")
_NAMED_AFTER = re.compile(r"\s+(?P<n>[a-z][a-z]{3,}(?:\s+[a-z][a-z]{3,})?)(?=\s*(?:[,;.)]|and\b|with\b|$))")
_ITEM_OPENS = re.compile(r"(?:^|[,;(]|(?<!\w)(?:with|and|including|showed|revealed|contained))\s*$")
_RANGE_AFTER = re.compile(r"\s*(?:-|\u2013|to)\s*\d")
_DEGREE = re.compile(r"[\u00b0\u2103]|deg")  # a temperature's unit, never a letter after a number
_STOP = re.compile(r"[;.]")
_TWO_LETTERS = re.compile(r"[a-z]{2}")
_PERCENT_OF = re.compile(
    r"\s*(?:of\b|[a-z]+\s+(?:solution|formalin|glucose|saline|dextrose)\b|formalin|glucose|saline|dextrose)"
)


class UnnamedValues:
    def __init__(self, rules: ObservationRules, quantities: Quantities, values: ValueReader) -> None:
        self.rules = rules
        self.q = quantities
        self.values = values

    def find(self, text: str, folded: str, s: int, e: int, tests: list[Obs], taken: list[Match]) -> None:
        """Measured results whose test the lexicons do not know: "sedimentation was 27 mm/h", "an anion
        gap of 18 mmol/L". A quantity in a result unit (a concentration, a count, a percentage, a
        pressure, a temperature, a rate) that no test took becomes an Observation named by the words
        before it; a quantity that ends or follows a stated range, a dose or a figure label is none."""
        units = self.q.units
        busy: list[tuple[int, int]] = []
        drugs: list[Match] = []
        first = True
        for qm in self.q.value_re.finditer(folded, s, e):
            if first:  # (what the values are checked against: most sentences with a digit have no value)
                first = False
                # a "respectively" list pairs its values by position, or (unequal counts) not at all
                # (asked at the first value: a sentence without one gives nothing either way)
                if respectively(folded, s, e):
                    return
                busy = [(t.start, t.end) for t in tests]
                busy += [sp for t in tests for sp in (t.value_span, t.range_span, t.restated) if sp]
                drugs = [m for m in taken if m.concept.domain == "drugs"]
            vs, ve = qm.start(), qm.end()
            if any(a < ve and vs < b for a, b in busy):
                continue
            if qm.group("num2"):
                continue  # "25-30%", "rose from 1.2 to 3.4 mg/dL": no one value, and no test to keep it
            unit_raw = text[qm.start("unit") : qm.end("unit")]
            unit = units.lookup(unit_raw)
            kind = units.kind(unit.ucum)
            per_body = qm.group("perkg") or qm.group("perday") or (unit.ucum or "").endswith(("/kg", "/m2"))
            if kind not in self.rules.measured_kinds or per_body:
                continue
            if kind == "temperature" and not _DEGREE.search(unit_raw):
                continue  # "Fig. 1C", "a 16F cannula": a letter after a number is no temperature
            if vs > 0 and folded[vs - 1].isalnum():
                continue  # "D5F3", "c.1195C": part of a name
            if _RANGE_BEFORE.search(text, max(s, vs - 40), vs) or _RANGE_AFTER.match(text, ve, e):
                continue  # the bound of a stated range, not a result
            if kind == "fraction" and _PERCENT_OF.match(folded, ve, e):
                continue  # "95% of the lesion", "10% formalin": a share or a solution, not a result
            if any(0 <= vs - d.end <= 40 and not _STOP.search(folded, d.end, vs) for d in drugs):
                continue  # a dose of the drug named just before
            name = self._name(folded, s, vs)
            if name is None and kind in ("fraction", "count"):
                # "with 2% neutrophils and 94% lymphocytes": the share or count names its cells after it
                after = _NAMED_AFTER.match(folded, ve, e)
                if after is not None and not set(after.group("n").split()) & self.rules.test_stop:
                    name = (after.start("n"), after.end("n"))
            if name is None:
                continue
            ns, ne = name
            value = decimal_of(qm.group("num"))
            if negative_sign(text, vs):
                value, vs = -value, vs - 1
            key = "np:" + " ".join(folded[ns:ne].split())
            # the name is only the words before the value (they may name a finding, "tachycardia of
            # 140/min"): the value is the mention, the words are the Observation's text
            named = (
                folded[ns:ne].split()[-1] in self.rules.measure_heads
            )  # "peak gradient", not "tachycardia"
            at = (ns, ne) if named else (vs, ve)
            obs = Obs(*at, " ".join(text[ns:ne].split()), (), "laboratory", key, named=named)
            if kind in ("pressure", "temperature", "rate"):
                obs.category = "vital-signs"
            obs.value = Quantity(value, unit_raw, unit.ucum)
            obs.value_span = (vs, ve)
            self.values.read_range(obs, text, ve, e)
            tests.append(obs)
            busy += [(ns, ne), (vs, ve), *([obs.range_span] if obs.range_span else [])]

    def values_before_names(self, text: str, folded: str, s: int, tests: list[Obs]) -> set[int]:
        """Give each test the share or count written right before its name ("with 2% neutrophils"); the
        ids of the tests so served."""
        served: set[int] = set()
        units = self.q.units
        for t in tests:
            if ANY_DIGIT.search(folded, max(s, t.start - 30), t.start) is None:
                continue  # no number right before the name
            for qm in self.q.value_re.finditer(folded, max(s, t.start - 30), t.start):
                glued = qm.start() > 0 and folded[qm.start() - 1].isalnum()
                if folded[qm.end() : t.start].strip() or glued:
                    continue
                # "with 2% neutrophils", "(2% monocytes": a new item opens there; in "neutrophils 85%
                # lymphocytes 10%" the 85% is the value of the test before it
                if not _ITEM_OPENS.search(folded, max(s, qm.start() - 14), qm.start()):
                    continue
                raw = text[qm.start("unit") : qm.end("unit")]
                unit = units.lookup(raw)
                if units.kind(unit.ucum) not in ("fraction", "count") or not units.fits(unit.ucum, t.unit):
                    continue
                t.value = Quantity(decimal_of(qm.group("num")), raw, unit.ucum)
                t.value_span = (qm.start(), qm.end())
                served.add(id(t))
        return served

    def _name(self, folded: str, s: int, vs: int) -> tuple[int, int] | None:
        """The words naming a value: up to four words before it, over "was", "of", ":" and the like."""
        words = list(_TOKEN.finditer(folded, max(s, vs - 80), vs))
        i = len(words) - 1
        while i >= 0 and (words[i].group(0) in _VALUE_GLUE):
            i -= 1
        end = i
        while i >= 0 and end - i < 4:
            w = words[i].group(0)
            if not w[0].isalnum() or w in self.rules.test_stop or w in _VALUE_GLUE:
                break
            i -= 1
        if i == end:
            return None
        ns, ne = words[i + 1].start(), words[end].end()
        if not _TWO_LETTERS.search(folded, ns, ne):
            return None
        return ns, ne
