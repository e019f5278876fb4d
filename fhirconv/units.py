"""Numbers and units as written: exact decimals, UCUM codes, what a unit measures, reference ranges.

Shared by extraction (a value must fit its analyte; a stated range belongs to its value) and
normalisation (UCUM codes), so it sits below both. Everything is driven by ``codes/units`` and
``rules/numbers`` in ``mappings/``; nothing here knows a particular analyte.

Numbers are :class:`decimal.Decimal` parsed from the digits as written, so "2.40" stays 2.40 all the
way to the bundle (FHIR decimals keep their precision; a float would print 2.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import MappingError
from .text import norm_phrase

__all__ = [
    "NumberRules",
    "RangeMatch",
    "RangeReader",
    "Unit",
    "UnitTable",
    "interpretation_from_range",
    "parse_decimal",
]

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# digits with thousands separators (comma, or a thin/normal space only between groups of three),
# a decimal point, or plain digits; bounded, so linear on any input
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+"


def parse_decimal(raw: str) -> Decimal | None:
    """The number exactly as written ("2.40" -> Decimal("2.40"), "312,000" -> Decimal("312000"))."""
    text = raw.strip().replace(",", "")
    if re.fullmatch(r"\d{1,3}(?:[ \u2009\u202f]\d{3})+", text):  # "15 000": spaces between thousands
        text = re.sub(r"[ \u2009\u202f]", "", text)
    if not re.fullmatch(r"\d*\.?\d+", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        return None
    return value if value.is_finite() else None


def _key(raw: str) -> str:
    return norm_phrase(raw)


def _longest_first(word: str) -> tuple[int, str]:
    """Longest first, then by text: the same pattern text in every process (a set's order varies)."""
    return -len(word), word


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=_longest_first))


@dataclass(frozen=True, slots=True)
class Unit:
    ucum: str | None
    display: str


@dataclass(frozen=True, slots=True)
class RangeMatch:
    """A stated reference range: its bounds as written and the span of its words."""

    start: int
    end: int
    low: Decimal | None
    high: Decimal | None
    unit: str | None  # as written, when the range states one


@dataclass(frozen=True, slots=True)
class NumberRules:
    """``rules/numbers`` compiled once: typed, every key read (an unread key is a schema error)."""

    case_sensitive_units: dict[str, Unit]
    times: tuple[str, ...]
    caret: tuple[str, ...]
    per: tuple[str, ...]
    denominators: dict[str, str]
    unit_kinds: tuple[tuple[re.Pattern[str], str], ...]
    compatible_kinds: dict[str, frozenset[str]]
    raw_count_units: dict[str, str]
    raw_count_min: Decimal
    range_leads: tuple[str, ...]
    upper_words: tuple[str, ...]
    lower_words: tuple[str, ...]
    divided_words: tuple[str, ...]
    dose_clause_breaks: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NumberRules:
        try:
            p10 = data["power_of_ten"]
            rr = data["reference_range"]
            kinds = tuple((re.compile(k["ucum_pattern"]), k["kind"]) for k in data["unit_kinds"])
            return cls(
                case_sensitive_units={
                    k: Unit(v["ucum"] or None, v["display"]) for k, v in data["case_sensitive_units"].items()
                },
                times=tuple(p10["times"]),
                caret=tuple(p10["caret"]),
                per=tuple(p10["per"]),
                denominators={_key(k): v for k, v in p10["denominators"].items()},
                unit_kinds=kinds,
                compatible_kinds={k: frozenset(v) for k, v in data["compatible_kinds"].items()},
                raw_count_units=dict(data["raw_counts"]["scaled_units"]),
                raw_count_min=Decimal(data["raw_counts"]["min_value"]),
                range_leads=tuple(rr["lead_words"]),
                upper_words=tuple(rr["upper_limit_words"]),
                lower_words=tuple(rr["lower_limit_words"]),
                divided_words=tuple(data["divided_words"]),
                dose_clause_breaks=tuple(data["dose_clause_breaks"]),
            )
        except (KeyError, TypeError, re.error) as exc:
            raise MappingError(f"rules/numbers is malformed: {exc}") from exc


class UnitTable:
    """Written unit -> UCUM, and the kind of quantity a UCUM unit measures."""

    def __init__(self, units: dict[str, Any], rules: NumberRules) -> None:
        self.rules = rules
        rows: dict[str, dict[str, Any]] = units["rows"]
        self._rows = {_key(k): v for k, v in rows.items() if k != "__default__"}
        # a unit already written as UCUM (a lexicon's default unit, "10*3/uL") is its own code
        self._ucum_display = {
            r["ucum"]: r.get("display") or r["ucum"] for r in self._rows.values() if r.get("ucum")
        }
        times = _alternation([_key(t) or t for t in rules.times])
        caret = _alternation(list(rules.caret))
        per = _alternation([_key(p) for p in rules.per])
        dens = _alternation(list(rules.denominators))
        # the unit part only (after the number): "x10^4/mm3", "× 10⁹/l", "10^9/l"
        self.power_pattern = (
            rf"(?:(?:{times})\s*)?10\s*(?:(?:{caret})\s*)?(?:\(\s*)?[-\u207b]?(?:\d{{1,2}}|[\u2070-\u2079\u00b9\u00b2\u00b3]{{1,2}})"
            rf"(?:\s*\))?\s*(?:{per})\s*(?:{dens})(?![a-z0-9])"
        )
        self._power = re.compile(
            rf"(?:(?:{times})\s*)?10\s*(?:(?:{caret})\s*)?(?:\(\s*)?(?P<exp>[-\u207b]?(?:\d{{1,2}}|[\u2070-\u2079\u00b9\u00b2\u00b3]{{1,2}}))"
            rf"(?:\s*\))?\s*(?:{per})\s*(?P<den>{dens})"
        )

    def lookup(self, raw: str) -> Unit:
        written = re.sub(r"\s*/\s*", "/", " ".join(raw.split()))  # "pg/ mL" is pg/mL
        if written in self.rules.case_sensitive_units:
            return self.rules.case_sensitive_units[written]
        key = _key(written)
        row = self._rows.get(key)
        if row and row.get("ucum"):
            return Unit(row["ucum"], row.get("display") or written)
        if written in self._ucum_display:
            return Unit(written, self._ucum_display[written])
        pm = self._power.fullmatch(key)
        if pm:
            exp = pm.group("exp").translate(_SUPERSCRIPT).replace("\u00b9", "1").replace("\u00b2", "2")
            exp = exp.replace("\u00b3", "3")
            den = self.rules.denominators[" ".join(pm.group("den").split())]
            return Unit(f"10*{int(exp)}/{den}", written)
        m = re.fullmatch(r"(.+?)\s*/\s*kg", key)
        if m:
            base = self._rows.get(m.group(1))
            if base and base.get("ucum"):
                return Unit(f"{base['ucum']}/kg", f"{base.get('display') or m.group(1)}/kg")
        return Unit(None, written)

    def kind(self, ucum: str | None) -> str | None:
        if not ucum:
            return None
        for pattern, kind in self.rules.unit_kinds:
            if pattern.fullmatch(ucum):
                return kind
        return None

    def fits(self, ucum: str | None, expected_ucum: str | None) -> bool:
        """Whether a value in ``ucum`` can be a value of an analyte measured in ``expected_ucum``.

        Unknown kinds fit (the rules cannot tell); known, different, incompatible kinds do not: a length
        is never a body weight, a volume never a concentration.
        """
        got, want = self.kind(ucum), self.kind(expected_ucum)
        if got is None or want is None or got == want:
            return True
        return got in self.rules.compatible_kinds.get(want, frozenset())

    def raw_count_unit(self, expected_ucum: str | None, value: Decimal) -> str | None:
        """The unit a bare number stands in when the analyte's default unit is a scaled count."""
        if expected_ucum is None or value < self.rules.raw_count_min:
            return None
        return self.rules.raw_count_units.get(expected_ucum)


class RangeReader:
    """Stated reference ranges right after a value, read from the original text (hyphens intact)."""

    def __init__(self, rules: NumberRules) -> None:
        leads = _alternation(list(rules.range_leads))
        upper = _alternation(list(rules.upper_words))
        lower = _alternation(list(rules.lower_words))
        unit = r"(?P<unit>[^\s()\[\];,]{1,12}(?:\s?/\s?[^\s()\[\];,]{1,8})?)"
        bounds = (
            rf"(?:(?P<lo>{_NUMBER})\s*(?:-|\u2013|\u2014|to)\s*(?P<hi>{_NUMBER})"
            rf"|(?P<up>{upper})\s*(?P<upv>{_NUMBER})|(?P<dn>{lower})\s*(?P<dnv>{_NUMBER}))"
        )
        # "(reference range 12-16 g/dL)", "(normal, 3.5-5.0)", "(N: 135-145 mmol/L)", "(normal < 5 mg/L)"
        self._led = re.compile(
            rf"\s*[(\[]\s*(?:{leads})(?:\s+(?:range|value|values|level|interval|limits?))?\s*[:,=]?\s*"
            rf"{bounds}\s*(?:{unit})?\s*[)\]]",
            re.IGNORECASE,
        )
        # "131 mmol/L (135-145)": a bare parenthesised interval right after a value
        self._bare = re.compile(
            rf"\s*\(\s*(?P<lo>{_NUMBER})\s*(?:-|\u2013|\u2014)\s*(?P<hi>{_NUMBER})\s*(?:{unit})?\s*\)"
        )

    def match(self, text: str, pos: int, end: int) -> RangeMatch | None:
        m = self._led.match(text, pos, end) or self._bare.match(text, pos, end)
        if m is None:
            return None
        groups = m.groupdict()
        low = high = None
        if groups.get("lo") is not None:
            low, high = parse_decimal(groups["lo"]), parse_decimal(groups["hi"])
            if low is None or high is None or low > high:
                return None
        elif groups.get("upv") is not None:
            high = parse_decimal(groups["upv"])
        elif groups.get("dnv") is not None:
            low = parse_decimal(groups["dnv"])
        if low is None and high is None:
            return None
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        return RangeMatch(start, m.end(), low, high, groups.get("unit"))


def interpretation_from_range(value: Decimal, low: Decimal | None, high: Decimal | None) -> str:
    """H/L/N of a value against its stated range (bounds inclusive)."""
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "normal"
