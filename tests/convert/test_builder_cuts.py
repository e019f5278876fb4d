"""The builder's cuts of issue 15's twelfth round give what the plain forms give: the narrative's
printable test before its search, the facts check's times and quantities answered inline. Each is
compared with the plain form on generated values (and, through the snapshot and the other builder
tests, on every dev and sample bundle)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_builder_speedups import _plain_usable

from fhirconv.chars import FORBIDDEN
from fhirconv.fhir import bundle, datatypes
from fhirconv.model import (
    Assertion,
    Coding,
    ConditionFact,
    Extraction,
    Mention,
    MentionRole,
    ObservationFact,
    PatientFacts,
    Quantity,
    RelativeTime,
)


def test_no_forbidden_or_escaped_character_is_printable_but_the_escaped_three() -> None:
    """``narrative`` skips its search for a printable summary without ``&``, ``<`` or ``>``: sound only
    if every character the search looks for is one of those three or not printable (all code points)."""
    looked_for = [chr(c) for c in range(0x110000) if datatypes._NARRATIVE_CHANGES.match(chr(c))]
    assert {c for c in looked_for if c.isprintable()} == {"&", "<", ">"}
    assert all(not chr(c).isprintable() for c in range(0x110000) if FORBIDDEN.match(chr(c)))


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("ab &<>\x00\x07\x0b\t\n\ufffe\ud800é\u2028 ")), max_size=20))
def test_narrative_is_the_searched_form(summary: str) -> None:
    from html import escape

    from fhirconv.chars import fhir_safe

    searched = summary
    if datatypes._NARRATIVE_CHANGES.search(summary) is not None:
        searched = escape(fhir_safe(summary), quote=False)
    div = f'<div xmlns="http://www.w3.org/1999/xhtml">{searched}</div>'
    assert datatypes.narrative(summary) == {"status": "generated", "div": div}


_DAYS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.5, bundle.MAX_DAYS, -bundle.MAX_DAYS, bundle.MAX_DAYS + 1.0, math.nan]),
    st.integers(-2 * bundle.MAX_DAYS, 2 * bundle.MAX_DAYS),
    st.booleans(),
)
_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["2.40", "1" * 15, "1" * 16, "-0", "1E+14", "1E+16", "1E-16"]).map(
        lambda v: Quantity(Decimal(v), "mg")
    ),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: Quantity(d, "mg")),
)


@settings(deadline=None, max_examples=400)
@given(_DAYS, _DAYS, _DAYS, _DAYS, _VALUES)
def test_usable_times_and_values_are_the_plain_walk(
    s1: Any, e1: Any, s2: Any, e2: Any, value: Quantity | None
) -> None:
    """Facts whose times have any ends (in range, out of it, NaN, infinite, ints, bools, None) and
    whose values are any Quantity: the inline answers are the plain walk's, and an unchanged fact is
    handed back itself."""
    head = (Mention(0, 5, "fever", MentionRole.HEAD),)
    facts = Extraction(
        patient=PatientFacts(),
        conditions=(
            ConditionFact(
                "fever",
                "fever",
                (Coding("s", "c"),),
                "sign",
                Assertion.PRESENT,
                head,
                onset=RelativeTime("a", start_day=s1, end_day=e1),
            ),
        ),
        observations=(
            ObservationFact(
                "na",
                "sodium",
                (),
                "laboratory",
                head,
                value=value,
                time=RelativeTime("b", start_day=s2, end_day=e2),
            ),
        ),
    )
    got = bundle._usable(facts)
    assert got == _plain_usable(facts)
    for old, new in zip(
        facts.observations + facts.conditions, got.observations + got.conditions, strict=True
    ):
        if new == old:
            assert new is old


def test_usable_decimal_values_keep_their_digits() -> None:
    q = Quantity(Decimal("1.00000000000000"), "g")  # 15 digits: kept; one more is not
    assert bundle._usable((q,)) == (q,)
    assert bundle._usable((Quantity(Decimal("1.000000000000000"), "g"),)) is None


_CONCEPTS = st.sampled_from(
    [{"text": "troponin"}, {"coding": [{"code": "c", "display": "D"}]}, {}, {"text": ""}, {"coding": [{}]}]
)
_QTYS = st.sampled_from(
    [{"value": 1, "unit": "%"}, {"value": Decimal("2.40")}, {"value": ""}, {"comparator": ">", "value": 3}]
)
_OBSERVATION = st.fixed_dictionaries(
    {"resourceType": st.just("Observation")},
    optional={
        "code": _CONCEPTS,
        "valueCodeableConcept": st.sampled_from([{"coding": [{"code": "2667000"}]}, {"text": "other"}, None]),
        "valueQuantity": st.one_of(_QTYS, st.none()),
        "valueString": st.sampled_from(["", "positive", None]),
        "component": st.lists(st.fixed_dictionaries({"code": _CONCEPTS, "valueQuantity": _QTYS}), max_size=2),
        "interpretation": st.lists(_CONCEPTS, max_size=2),
        "dataAbsentReason": st.sampled_from([{"text": "x"}, {}, None]),
    },
)


@settings(deadline=None, max_examples=500)
@given(_OBSERVATION)
def test_observation_summary_is_the_chain_of_tests(resource: dict[str, Any]) -> None:
    """The Observation summary with each element looked up once and the joins made only when a
    component, an interpretation or an absent reason is there: the plain chain of tests on any mix."""
    from test_builder_speedups import _plain_summary

    assert bundle._summary(resource) == _plain_summary(resource)
