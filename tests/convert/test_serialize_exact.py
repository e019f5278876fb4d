"""The JSON writer keeps every FHIR decimal digit for digit, whatever the layout (orjson fast path or the
standard encoder), and lays text out exactly as ``json.dumps`` would (property tests)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirconv.fhir import dumps, dumps_json, loads_json
from fhirconv.fhir.serialize import decimal_text

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.as_tuple().exponent) < 40  # type: ignore[arg-type]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits the standard encoder takes over
    st.text(),
    decimals,
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


def _plain(obj: Any) -> Any:
    """``obj`` with each Decimal as its exact text; a whole number written without a point ("58") is
    read back as an int, as FHIR JSON readers do."""
    if isinstance(obj, Decimal):
        return int(obj) if obj.as_tuple().exponent == 0 else ("DECIMAL", decimal_text(obj))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


# a loaded machine must not fail a property by slowness
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(documents)
def test_decimals_round_trip_digit_for_digit(doc: Any) -> None:
    for indent in (None, 2, 1):
        text = dumps_json(doc, indent=indent)
        back = loads_json(text)
        assert back == doc
        # equal Decimals may differ in digits (2.4 == 2.40): compare the written digits too
        assert _plain(back) == _plain(doc)
        assert dumps_json(back, indent=indent) == text


# a loaded machine must not fail a property by slowness
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text()),
        lambda i: st.one_of(st.lists(i, max_size=4), st.dictionaries(st.text(max_size=6), i, max_size=4)),
        max_leaves=25,
    )
)
def test_layout_is_the_standard_encoders(doc: Any) -> None:
    assert dumps_json(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    assert dumps_json(doc, indent=None) == json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    assert dumps_json(doc, indent=2, sort_keys=True) == json.dumps(
        doc, indent=2, ensure_ascii=False, sort_keys=True
    )


def test_trailing_zeros_and_exponents_survive_both_layouts() -> None:
    doc = {"a": Decimal("2.40"), "b": [Decimal("0.010"), Decimal("1e3"), Decimal("58")], "c": "x"}
    assert dumps_json(doc, indent=None) == '{"a":2.40,"b":[0.010,1E+3,58],"c":"x"}'
    assert '"a": 2.40,' in dumps_json(doc)


def test_non_finite_floats_are_refused_as_before() -> None:
    import pytest

    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            dumps_json({"v": bad, "w": None})


def test_compact_bundle_is_the_same_json() -> None:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"v": Decimal("7.50")}}]}
    compact = dumps(bundle, "json", pretty=False)
    assert "\n" not in compact.rstrip("\n") and compact.endswith("\n")
    assert loads_json(compact) == loads_json(dumps(bundle, "json")) == bundle
    assert "7.50" in compact


def test_strings_that_look_like_decimal_markers_stay_strings() -> None:
    # the writer marks each Decimal with a NUL-delimited string and puts the digits back after orjson:
    # a text string starting with a NUL, or spelling a marker, must come out as that string
    for doc in (
        {"a": "\x000\x00", "b": Decimal("0.010")},
        {"a": Decimal("2.40"), "b": "\x00x", "c": [Decimal("1e3"), "\x001\x00"]},
        {"a": "\x00", "b": "é\u2013\x000", "c": Decimal("58")},
    ):
        for indent in (None, 2):
            assert _plain(loads_json(dumps_json(doc, indent=indent))) == _plain(doc)
    assert (
        dumps_json({"a": "\x000\x00", "b": Decimal("0.010")}, indent=None)
        == '{"a":"\\u00000\\u0000","b":0.010}'
    )


def _exact(doc: Any, indent: int | None) -> str:
    """The pure-Python exact writer the fast paths fall back to (the slow way)."""
    from fhirconv.fhir.serialize import _encode

    parts: list[str] = []
    _encode(doc, parts, indent, 0, False)
    return "".join(parts)


# a loaded machine must not fail a property by slowness
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    st.recursive(
        st.one_of(
            decimals,
            # the Decimals a bundle holds: short, often whole, sometimes with trailing zeros or signs
            st.builds(
                lambda sign, digits, exp: Decimal((sign, tuple(int(c) for c in digits), exp)),
                st.integers(0, 1),
                st.text("0123456789", min_size=1, max_size=17),
                st.integers(-20, 3),
            ),
            st.text(max_size=5),
            st.integers(-(2**62), 2**62),
        ),
        lambda i: st.one_of(st.lists(i, max_size=4), st.dictionaries(st.text(max_size=4), i, max_size=4)),
        max_leaves=20,
    )
)
def test_decimals_written_natively_are_the_exact_writers_text(doc: Any) -> None:
    # a Decimal that orjson writes as an int or a float (no marker put back) must give the same text
    # as the exact writer, in both layouts
    for indent in (None, 2):
        assert dumps_json(doc, indent=indent) == _exact(doc, indent)


def test_native_decimals_cover_the_usual_values_and_refuse_the_rest() -> None:
    from fhirconv.fhir.serialize import _native_default

    native = _native_default(lambda o: "MARK")
    for text in ("58", "0.5", "120.25", "-3.75", "0.001", "12345.678", "7.0"):
        assert native(Decimal(text)) != "MARK", text
    for text in ("2.40", "1E+3", "-0", "0.0000001", "1234567890123456"):
        assert native(Decimal(text)) == "MARK", text


# a loaded machine must not fail a property by slowness
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    st.recursive(
        st.one_of(scalars, st.sampled_from(["\x000\x00", "\x00", Decimal("2.40"), 2**70])),
        lambda i: st.one_of(st.lists(i, max_size=4), st.dictionaries(st.text(max_size=4), i, max_size=4)),
        max_leaves=20,
    )
)
def test_a_bundles_text_is_the_json_and_one_line_break(doc: Any) -> None:
    # dumps has orjson write the closing line break (no copy of a long text to add it), on every path:
    # orjson with or without markers, the standard encoder (big integers), the exact writer
    for pretty, indent in ((True, 2), (False, None)):
        assert dumps(doc, "json", pretty=pretty) == dumps_json(doc, indent=indent) + "\n"
        assert dumps(doc, "json", pretty=pretty) == _exact(doc, indent) + "\n"
