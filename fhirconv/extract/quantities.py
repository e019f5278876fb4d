"""Amounts and times in folded text: numbers (digits or words), value + unit, durations, start days.

Shared by the components that read quantities (patient age, observation values, medication doses,
condition onsets), compiled once from the units table and the quantity rules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..mapping import MappingStore
from ..text import fold, norm_phrase, trie_alternation
from ..units import NumberRules, RangeReader, Unit, UnitTable, parse_decimal
from .rules import DAYS_PER_UNIT, QuantityRules

__all__ = ["ANY_DIGIT", "NUM", "NUM_LEADING", "NumberScan", "Quantities", "decimal_of", "fmt_number"]

NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+"
# what every value holds (``\d``: any Unicode digit, as NUM has it): a reader skips a span without one
ANY_DIGIT = re.compile(r"\d")
# NUM written to start with the one character it always starts with (a digit or the point): the
# same matches, tried in the same order (each branch of NUM less its first character, after a lookbehind
# that says which character it was), but a pattern that starts so lets the regex engine skip at once to
# where a digit or a point stands instead of trying NUM at every character of a sentence
NUM_LEADING = r"[\d.](?:(?<=\d)(?:\d*(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d*)|(?<=\.)\d+)"
# a time unit's UCUM code: a dose is an amount, never a length of time ("for 5 days" is a duration)
_TIME_UCUM = frozenset({"s", "min", "h", "d", "wk", "mo", "a"})


class NumberScan:
    r"""A value pattern (one that starts with ``NUM_LEADING``) searched in time linear in a run of digits.

    Searched plainly, the pattern is tried at every digit of a run and each try reads to the end of the
    run, so a report that is one long run of digits took time quadratic in the run (issue 15). A try at
    a digit or point that follows a digit cannot succeed where the try one character earlier failed: the
    number read from there can end wherever one read from the digit before it can, and nothing after the
    number looks back past it. So the search pattern is the same pattern behind ``(?<!\d)`` (a run is
    tried once, from its first character), and only where a search starts right after a digit (a window
    cut inside a number, or the character after a match that ends with a digit) is the plain pattern
    tried there first, since that digit was never tried. The matches are exactly the plain pattern's.

    "1,000,000,...": a try at the first digit of a group of three that another group follows cannot
    succeed where the try at the digit before the comma failed either (that try reads the group and all
    after it as the same number; the number read from the group itself can end only before a comma or
    one or two digits before one, where nothing that follows a number -- a range, a unit -- can start,
    given ``groups_once``: no unit starts with a comma or with up to two digits and a comma). So such a
    group is not tried either, and a search that starts at or right after the comma tries it plainly.

    The search pattern says so after the number's first character when the pattern opens with it (a
    group around ``[\d.]``, as ``NUM_LEADING`` is written): ``(?<!\d)`` at the start is ``(?<!\d[\d.])``
    one character on, and the group rule ``(?!(?<=\d,)\d{3},)`` is ``(?!(?<=\d,\d)\d{2},)`` -- the same
    characters looked at, so the same matches -- and a pattern that starts with a character set is searched
    by the regex engine jumping from digit to digit, where one that starts with an assertion is tried at
    every character of the text (2.5 times slower over the dev reports).
    """

    __slots__ = ("from_run_start", "pattern", "raw")

    def __init__(self, pattern: str, *, groups_once: bool) -> None:
        self.raw = re.compile(pattern)
        self.pattern = pattern
        opens = _OPENS_WITH_FIRST.match(pattern)
        if opens is not None:
            group = r"(?!(?<=\d,\d)\d{2},)" if groups_once else ""
            cut = opens.end()
            self.from_run_start = re.compile(pattern[:cut] + r"(?<!\d[\d.])" + group + pattern[cut:])
        else:
            group = r"(?!(?<=\d,)\d{3},)" if groups_once else ""
            self.from_run_start = re.compile(r"(?<!\d)" + group + "(?:" + pattern + ")")

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """One try at ``pos``, as the plain pattern's ``match``."""
        return self.raw.match(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """The plain pattern's ``finditer`` (it never matches the empty string)."""
        end, pos = min(endpos, len(string)), max(pos, 0)
        search, match = self.from_run_start.search, self.raw.match
        while pos < end:
            m = None
            before = string[pos - 1] if pos else ""
            if before.isdecimal() or before == ",":  # a digit or group the search pattern skips
                m = match(string, pos, endpos)
                if m is None and before != "," and string[pos] == "," and pos + 1 < end:
                    m = match(string, pos + 1, endpos)  # the group after the comma
            if m is None:
                m = search(string, pos, endpos)
                if m is None:
                    return
            yield m
            pos = m.end()


# a value pattern that opens with its number's first character, in a named group (NUM_LEADING)
_OPENS_WITH_FIRST = re.compile(r"\(\?P<\w+>\[\\d\.\](?![*+?{])")


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
        # no unit starts with a comma, or with one or two digits and a comma (see NumberScan)
        groups_once = not any(re.match(r"\d{0,2},", fold(u).replace(" ", "")) for u in unit_keys)
        self.value_re = NumberScan(
            rf"(?P<num>{NUM_LEADING})(?:\s*(?:-|to|\u2013)\s*(?P<num2>{NUM}))?\s*(?P<unit>(?:{unit_alt}))(?![a-z0-9])"
            rf"(?P<perkg>\s*/\s*kg|\s+per\s+kg)?(?P<perday>\s*/\s*(?:day|d|24\s*h)\b|\s+per\s+day|\s+daily|\s+a\s+day)?"
            r"(?:\s*/\s*(?P<route>orally|oral|po|iv|im|sc|intravenously|intramuscularly|subcutaneously)\b)?",
            groups_once=groups_once,
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
        # the word boundary is asked after the first letter (f(?<!\wf)or is (?<!\w)for): a pattern that
        # starts with a letter is searched by the regex engine jumping to where that letter stands, one that
        # starts with an assertion is tried at every character (13 times slower over the dev reports)
        self.duration_re = re.compile(
            rf"f(?<!\wf)or\s+(?:the\s+(?:past|last|next|following)\s+|about\s+|over\s+)?(?P<n>{self.qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        self.following_re = re.compile(
            rf"(?:i(?<!\wi)n|o(?<!\wo)ver|d(?<!\wd)uring)\s+the\s+(?:following|next)\s+(?P<n>{self.qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        ords = _longest_first(rules.ordinal_words)
        self.start_re = re.compile(
            rf"o(?<!\wo)n\s+(?:the\s+)?(?:(?P<ord>{ords})|(?P<ordn>\d+)(?:st|nd|rd|th))\s+(?P<u>day|week|month)(?!\w)|o(?<!\wo)n\s+day\s+(?P<n>\d+)(?!\w)"
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
