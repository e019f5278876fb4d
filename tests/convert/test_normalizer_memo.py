"""The normaliser's memos (dates, table rows, codings) give what the look-ups give without them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.mapping import MappingStore
from fhirconv.model import Coding
from fhirconv.normalize import MEMO_LIMIT, CodeTable, Normalizer, _key


def _normalizer() -> Normalizer:
    return Normalizer(MappingStore())


def _plain_coding(table: CodeTable, raw: str) -> Coding | None:
    row = table.rows.get(_key(raw), table.default)
    return Coding(row["system"], row["code"], row.get("display") or "") if row.get("code") else None


def _table_words(table: CodeTable) -> list[str]:
    return [k for k in table.rows if k != "__default__"]


NORM = _normalizer()
WORDS = st.one_of(
    st.sampled_from(
        _table_words(NORM.routes) + _table_words(NORM.categories) + _table_words(NORM.interpretations)
    ),
    st.text(max_size=20),
).flatmap(lambda w: st.sampled_from([w, w.upper(), f"  {w} ", w.replace(" ", "\t")]))


@settings(deadline=None, max_examples=400)
@given(st.lists(WORDS, min_size=1, max_size=8))
def test_memoised_codings_and_rows_are_the_plain_look_ups(words: list[str]) -> None:
    norm = NORM
    for w in words * 2:  # the second time from the memo
        assert norm.route(w) == _plain_coding(norm.routes, w)
        assert norm.category(w) == _plain_coding(norm.categories, w)
        assert norm.interpretation(w) == _plain_coding(norm.interpretations, w)
        assert norm.frequency(w) == dict(norm.frequencies.rows.get(_key(w), norm.frequencies.default))
        assert norm.frequency(w) is not norm.frequency(w)  # still a copy the caller may change


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.integers(-80_000, 80_000),
            st.floats(-80_000, 80_000, allow_nan=False),
            st.sampled_from([0.5, 1.5, 2.5, -0.5, 4.083333333333333]),
        ),
        min_size=1,
        max_size=10,
    ),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)),
)
def test_memoised_dates_are_the_plain_date(days: list[float], index: dt.date) -> None:
    norm = NORM
    for d in days * 2:
        assert norm.date(d) == (norm.index_date + dt.timedelta(days=round(d))).isoformat()
    norm2 = Normalizer.__new__(Normalizer)
    norm2.__dict__.update(norm.__dict__)
    norm2._dates = dict(norm._dates)
    norm2.index_date = index  # set after construction: the memo must not answer for the old one
    for d in days:
        assert norm2.date(d) == (index + dt.timedelta(days=round(d))).isoformat()


def test_memos_stay_bounded() -> None:
    norm = _normalizer()
    for i in range(MEMO_LIMIT + 50):
        norm.date(i)
        norm.route(f"route {i}")
    assert len(norm._dates) <= MEMO_LIMIT and len(norm._codings) <= MEMO_LIMIT
    assert len(norm.routes._seen) <= MEMO_LIMIT
    assert norm.date(MEMO_LIMIT + 20) == (norm.index_date + dt.timedelta(days=MEMO_LIMIT + 20)).isoformat()


def test_table_words_exist() -> None:
    # the strategies above draw real table words: an empty table would make them test nothing
    assert len(_table_words(NORM.routes)) > 5 and len(_table_words(NORM.categories)) > 2
    words: Any = _table_words(NORM.interpretations)
    assert len(words) > 2


UNITS = st.one_of(
    st.sampled_from(
        ["mg", "mg/dL", "g/L", "mmol/l", "x10^9/L", "mg/kg", "mm Hg", "bpm", "%", "G/l", "mM", "M"]
    ),
    st.text(max_size=12),
).flatmap(lambda u: st.sampled_from([u, u.upper(), f" {u} ", u.replace("/", " / ")]))


@settings(deadline=None, max_examples=400)
@given(st.lists(UNITS, min_size=1, max_size=8))
def test_memoised_units_are_the_plain_look_up(units: list[str]) -> None:
    norm = NORM
    for u in units * 2:  # the second time from the memo
        assert norm.unit(u) == norm.units.lookup(u)


def test_unit_memo_stays_bounded() -> None:
    norm = _normalizer()
    for i in range(MEMO_LIMIT + 50):
        norm.unit(f"{i} mg")
    assert len(norm._units) <= MEMO_LIMIT
    assert norm.unit(f"{MEMO_LIMIT + 20} mg") == norm.units.lookup(f"{MEMO_LIMIT + 20} mg")
