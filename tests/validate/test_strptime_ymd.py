"""The invariants' reading of a 10-character date (fhirconv.validate.invariants._strptime_ymd) raises
exactly where ``datetime.strptime(text, "%Y-%m-%d")`` raises, without importing _strptime: checked on
every shape of the three fields (digits of other scripts, a space-padded day, impossible dates, year
0), on the dates of the shared examples, and on drawn texts."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.validate.invariants import _strptime_ymd

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared"


def _plain(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _ours(text: str) -> bool:
    try:
        _strptime_ymd(text)
    except ValueError:
        return False
    return True


def test_every_field_shape() -> None:
    years = ["2023", "0000", "0001", "9999", "2024", "1900", "٢٠٢٣", "２０２３", "202a", "20 3", "-2023"[:4]]
    months = ["01", "02", "09", "10", "12", "13", "00", "1", "1-", "٠٢", " 2", "x1", "2"]
    days = ["01", "28", "29", "30", "31", "32", "00", " 5", "5", "5 ", "٠٥", "10", "3", "1x", "\t5"]
    seps = ["-", "/", " "]
    count = 0
    for y, m, d, s1, s2 in itertools.product(years, months, days, seps, seps[:2]):
        text = f"{y}{s1}{m}{s2}{d}"
        assert _ours(text) == _plain(text), text
        count += _plain(text)
    assert count > 100  # the valid ones are checked too


def test_the_dates_of_the_shared_examples() -> None:
    found: set[str] = set()
    for path in sorted(EXAMPLES.glob("**/*.json"))[:2000]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found.update(re.findall(r'"([^"\\]{10})"', text))
    for text in found:
        assert _ours(text) == _plain(text), text
    assert sum(map(_plain, found)) > 50


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789- /٠١٢٣x\n"), min_size=0, max_size=12))
def test_drawn_texts(text: str) -> None:
    assert _ours(text) == _plain(text)


@settings(max_examples=2000, deadline=None)
@given(st.dates())
def test_drawn_dates(day: object) -> None:
    text = f"{day}"
    assert _ours(text) == _plain(text)
