"""Amounts and times in folded text: numbers (digits or words), value + unit, durations, start days.

Shared by the components that read quantities (patient age, observation values, medication doses,
condition onsets), compiled once from the units table and the quantity rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..mapping import MappingStore
from ..text import fold, norm_phrase, trie_alternation
from ..units import NumberRules, RangeReader, Unit, UnitTable, parse_decimal
from .rules import DAYS_PER_UNIT, QuantityRules

__all__ = ["NUM", "NUM_LEADING", "Quantities", "decimal_of", "fmt_number"]

NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+"
# NUM written to start with the one character it always starts with (a digit or the point): the
# same matches, tried in the same order (each branch of NUM less its first character, after a lookbehind
# that says which character it was), but a pattern that starts so lets the regex engine skip at once to
# where a digit or a point stands instead of trying NUM at every character of a sentence
NUM_LEADING = r"[\d.](?:(?<=\d)(?:\d*(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d*)|(?<=\.)\d+)"
# a time unit's UCUM code: a dose is an amount, never a length of time ("for 5 days" is a duration)
_TIME_UCUM = frozenset({"s", "min", "h", "d", "wk", "mo", "a"})


def decimal_of(raw: str) -> Decimal:
    """A number the value patterns matched, exactly as written ("2.40" stays 2.40, "312,000" is 312000).
    Remembered (a ``Decimal`` never changes): the same few numbers recur in every report."""
    value = _DECIMALS.get(raw)
    if value is None:
        value = parse_decimal(raw)
        if value is None:  # the patterns admit only digits, separators and a point
            raise ValueError(f"not a number: {raw!r}")
        if len(_DECIMALS) >= 8192:  # bounded, whatever the input
            _DECIMALS.clear()
        _DECIMALS[raw] = value
    return value


_DECIMALS: dict[str, Decimal] = {}


def fmt_number(v: float) -> Decimal:
    """A computed number (a word number, a decade) as a Decimal without a spurious ".0"."""
    return Decimal(int(v)) if v == int(v) else Decimal(str(v))


def _longest_first(words: object) -> str:
    """The words as literal alternatives, longest first, factored into a trie (they are tried at every
    position of every sentence by the time patterns): the same matches as the flat list."""
    return trie_alternation(list(words), {" ": r"\ "})  # type: ignore[call-overload]


_REMEMBERED = 4096  # written units remembered at most (any whitespace may stand inside a written unit)


class RememberedUnits(UnitTable):
    """The unit table with its answers remembered: the same few dozen written units are looked up, and
    their kinds asked, several times a sentence by the value readers. Both answers are functions of the
    table alone, so remembering them changes none."""

    def __init__(self, units: dict[str, Any], rules: NumberRules) -> None:
        super().__init__(units, rules)
        self._looked_up: dict[str, Unit] = {}
        self._kinds: dict[str | None, str | None] = {}

    def lookup(self, raw: str) -> Unit:
        got = self._looked_up.get(raw)
        if got is None:
            if len(self._looked_up) >= _REMEMBERED:
                self._looked_up.clear()
            got = self._looked_up[raw] = super().lookup(raw)
        return got

    def kind(self, ucum: str | None) -> str | None:
        try:
            return self._kinds[ucum]
        except KeyError:
            if len(self._kinds) >= _REMEMBERED:
                self._kinds.clear()
            got = self._kinds[ucum] = super().kind(ucum)
            return got


class Quantities:
    def __init__(self, rules: QuantityRules, store: MappingStore) -> None:
        self.rules = rules
        table = store.load("codes/units")
        units = table["rows"]
        self.numbers = NumberRules.from_dict(store.load("rules/numbers"))
        self.units: UnitTable = RememberedUnits(table, self.numbers)
        self.ranges = RangeReader(self.numbers)
        self.duration_units = frozenset(
            norm_phrase(k) for k, v in units.items() if (v.get("ucum") or "") in _TIME_UCUM
        )
        unit_keys = sorted((k for k in units if k != "__default__"), key=len, reverse=True)
        # one trie of the folded unit keys (hundreds of them, tried at every number), longest first
        unit_alt = trie_alternation((fold(u) for u in unit_keys), {" ": r"\s*", "/": r"\s?/\s?"})
        # "2.3x10^4/mm3", "4.5 × 10⁹/L": any power of ten per a volume, before the listed units
        unit_alt = self.units.power_pattern + "|" + unit_alt
        self.value_re = re.compile(
            rf"(?P<num>{NUM_LEADING})(?:\s*(?:-|to|\u2013)\s*(?P<num2>{NUM}))?\s*(?P<unit>(?:{unit_alt}))(?![a-z0-9])"
            rf"(?P<perkg>\s*/\s*kg|\s+per\s+kg)?(?P<perday>\s*/\s*(?:day|d|24\s*h)\b|\s+per\s+day|\s+daily|\s+a\s+day)?"
            r"(?:\s*/\s*(?P<route>orally|oral|po|iv|im|sc|intravenously|intramuscularly|subcutaneously)\b)?"
        )
        # "9.5 (normal 1.7-8.3) mmol/L": the unit alone, written after a stated range
        self.unit_re = re.compile(rf"\s*(?P<unit>(?:{unit_alt}))(?![a-z0-9])")
        # "15 000 elm/ml", "312 000/mm3": thousands grouped by spaces, read only before a count unit
        count_keys = [k for k in unit_keys if self.units.kind(units[k].get("ucum")) == "count"]
        count_alt = trie_alternation((fold(u) for u in count_keys), {" ": r"\s*"})
        self.spaced_count_re = re.compile(
            rf"(?P<num>\d{{1,3}}(?:[ \u2009\u202f]\d{{3}})+)\s*"
            rf"(?P<unit>{self.units.power_pattern}|{count_alt})(?![a-z0-9])"
        )
        nums = _longest_first(rules.number_words)
        tu = _longest_first(rules.time_units)
        self.qty_words = rf"(?:{NUM}|(?:{nums})(?:\s+(?:{nums}))?)"
        self.number_words_re = rf"(?:{nums})"  # "one", "twenty": a number written as a word
        self.time_unit_words = tu
        self.duration_re = re.compile(
            rf"(?<!\w)for\s+(?:the\s+(?:past|last|next|following)\s+|about\s+|over\s+)?(?P<n>{self.qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        self.following_re = re.compile(
            rf"(?<!\w)(?:in|over|during)\s+the\s+(?:following|next)\s+(?P<n>{self.qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        ords = _longest_first(rules.ordinal_words)
        self.start_re = re.compile(
            rf"(?<!\w)on\s+(?:the\s+)?(?:(?P<ord>{ords})|(?P<ordn>\d+)(?:st|nd|rd|th))\s+(?P<u>day|week|month)(?!\w)|(?<!\w)on\s+day\s+(?P<n>\d+)(?!\w)"
        )

    def is_duration_unit(self, unit: str) -> bool:
        return " ".join(unit.split()) in self.duration_units

    def number(self, raw: str) -> float | None:
        raw = raw.strip().lower()
        if re.fullmatch(NUM, raw):
            return float(raw.replace(",", ""))
        total = 0
        for w in raw.split():
            if w not in self.rules.number_words:
                return None
            total += self.rules.number_words[w]
        return float(total)

    def days(self, n: str, unit: str) -> float | None:
        value = self.number(n)
        code = self.rules.time_units.get(unit.lower().rstrip("."))
        if value is None or code is None:
            return None
        return value * DAYS_PER_UNIT[code]

    def start_day(self, m: re.Match[str]) -> float:
        """Day (after day 0) a start phrase ("on the sixth day", "on day 3") names."""
        if m.group("ord"):
            day = float(self.rules.ordinal_words[m.group("ord")] - 1)
        elif m.group("ordn"):
            day = float(int(m.group("ordn")) - 1)
        else:
            day = float(int(m.group("n")))
        return day * {"day": 1, "week": 7, "month": 30}[m.group("u") or "day"]
