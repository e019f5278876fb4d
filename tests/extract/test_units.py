"""fhirconv.units: exact decimals, unit lookup, unit kinds and stated reference ranges (rules in mappings/)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fhirconv.mapping import default_store
from fhirconv.units import NumberRules, RangeReader, UnitTable, interpretation_from_range, parse_decimal


@pytest.fixture(scope="module")
def rules() -> NumberRules:
    return NumberRules.from_dict(default_store().load("rules/numbers"))


@pytest.fixture(scope="module")
def units(rules: NumberRules) -> UnitTable:
    return UnitTable(default_store().load("codes/units"), rules)


@pytest.mark.parametrize(
    ("raw", "text"),
    [("2.40", "2.40"), ("312,000", "312000"), ("0.6", "0.6"), (".5", "0.5"), ("1,234.50", "1234.50")],
)
def test_decimal_exactly_as_written(raw: str, text: str) -> None:
    assert str(parse_decimal(raw)) == text


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3", "nan", "inf", "1e5"])
def test_not_a_decimal(raw: str) -> None:
    assert parse_decimal(raw) is None


@pytest.mark.parametrize(
    ("written", "ucum"),
    [
        ("G/l", "10*9/L"),
        ("G/L", "10*9/L"),
        ("g/l", "g/L"),
        ("T/l", "10*12/L"),
        ("x10^4/mm3", "10*4/mm3"),
        ("× 10⁹/L", "10*9/L"),
        ("x 10^3/µL", "10*3/uL"),
        ("x10(4)/mm3", "10*4/mm3"),
        ("elm/ml", "/mL"),
        ("mg/kg", "mg/kg"),
    ],
)
def test_unit_lookup(units: UnitTable, written: str, ucum: str) -> None:
    assert units.lookup(written).ucum == ucum


def test_unknown_unit_keeps_its_words(units: UnitTable) -> None:
    assert units.lookup("widgets/h").ucum is None


@pytest.mark.parametrize(
    ("got", "expected", "fits"),
    [
        ("cm", "kg", False),  # a height is not a weight
        ("mL", "mg", False),  # a volume is not a mass
        ("kg", "cm", False),
        ("/mm3", "10*3/uL", True),  # every count per volume is the same kind
        ("%", "10*9/L", True),  # a differential may be a percentage
        ("mmol/L", "mg/dL", True),  # substance and mass concentration are both concentrations
        ("Cel", "%", False),
        ("{ratio}", "kg", True),  # unknown kinds cannot be judged, so they fit
    ],
)
def test_unit_fits_analyte(units: UnitTable, got: str, expected: str, fits: bool) -> None:
    assert units.fits(got, expected) is fits


def test_raw_count_of_a_scaled_default(units: UnitTable) -> None:
    assert units.raw_count_unit("10*3/uL", Decimal("312000")) == "/uL"


def test_small_number_stays_in_the_default_unit(units: UnitTable) -> None:
    assert units.raw_count_unit("10*3/uL", Decimal("312")) is None


@pytest.mark.parametrize(
    ("tail", "low", "high", "unit"),
    [
        (" (reference range 12-16 g/dL).", "12", "16", "g/dL"),
        (" (normal, 12.0-15.5 g/dL)", "12.0", "15.5", "g/dL"),
        (" (N: 135\u2013145 mmol/L)", "135", "145", "mmol/L"),
        (" (135-145), glucose normal", "135", "145", None),
        (" (normal < 5 mg/L)", None, "5", "mg/L"),
        (" (reference > 60)", "60", None, None),
    ],
)
def test_stated_range(
    rules: NumberRules, tail: str, low: str | None, high: str | None, unit: str | None
) -> None:
    m = RangeReader(rules).match(tail, 0, len(tail))
    assert m is not None
    got = (str(m.low) if m.low is not None else None, str(m.high) if m.high is not None else None, m.unit)
    assert got == (low, high, unit)


@pytest.mark.parametrize("tail", [" (3 patients)", " (Fig. 2)", " (16-12)", " and 12-16 later"])
def test_not_a_range(rules: NumberRules, tail: str) -> None:
    assert RangeReader(rules).match(tail, 0, len(tail)) is None


def test_range_reader_is_linear_on_hostile_input(rules: NumberRules) -> None:
    tail = " (normal " + "1" * 20000 + "-" * 20000
    assert RangeReader(rules).match(tail, 0, len(tail)) is None


@pytest.mark.parametrize(
    ("value", "low", "high", "kind"),
    [
        ("9.1", "12", "16", "low"),
        ("5.9", None, "5.0", "high"),
        ("14", "12", "16", "normal"),
        ("12", "12", "16", "normal"),
    ],
)
def test_interpretation_from_range(value: str, low: str | None, high: str | None, kind: str) -> None:
    d = Decimal
    assert interpretation_from_range(d(value), d(low) if low else None, d(high) if high else None) == kind


def test_every_numbers_key_is_required() -> None:
    """NumberRules reads every key of rules/numbers: dropping any one is an error, so none is dead data."""
    from fhirconv.errors import MappingError

    data = default_store().load("rules/numbers")
    for key in data.keys() - {"schema", "version", "description", "source", "licence"}:
        with pytest.raises(MappingError):
            NumberRules.from_dict({k: v for k, v in data.items() if k != key})
