"""Issue 10: more values of one test -- a series ("139 and 152 mg/dL at baseline and 6 minutes") and a
value restated in another unit ("99.7 F (37.6 C)").

Team-written sentences only.
"""

from __future__ import annotations

from support import facts_of


def _values(sentence: str) -> list[tuple[str, list[str]]]:
    """(test text, cited values) per Observation, in order."""
    out = []
    for o in facts_of("A 61-year-old woman was seen. " + sentence).observations:
        out.append((o.text.lower(), [m.text for m in o.mentions if m.role.name == "VALUE"]))
    return out


def test_a_series_of_one_test_gives_one_result_per_item() -> None:
    got = _values("Her serum sodium was 128 and 134 mmol/L on days 1 and 3.")
    assert got == [("serum sodium", ["128"]), ("serum sodium", ["134 mmol/L"])]
    got = _values("The Apgar scores were 3 at 1 min, 6 at 5 min and 8 at 10 min.")
    assert [v for _, v in got] == [["3"], ["6"], ["8"]]


def test_a_value_in_another_unit_is_the_same_result() -> None:
    got = _values("Her temperature was 101.3°F (38.5°C) in the evening.")
    assert got == [("temperature", ["101.3°F", "38.5°C"])]
    # each item of a series keeps its own restated value
    got = _values("Creatinine was 2.3 mg/dL (203 μmol/L) and then 1.1 mg/dL (97 μmol/L).")
    assert got == [("creatinine", ["2.3 mg/dL", "203 μmol/L"]), ("creatinine", ["1.1 mg/dL", "97 μmol/L"])]


def test_coordinated_tests_keep_their_own_values() -> None:
    # "respectively" over coordinated names: never a series of the first test
    got = dict(_values("Serum calcium and phosphate were 2.1 and 1.9 mmol/L, respectively."))
    assert "1.9 mmol/L" not in got.get("serum calcium", [])
    got = _values("Free and total testosterone were 12 and 310 ng/dL, respectively.")
    assert not any(len(v) > 1 or (v and v[0].startswith("310")) for t, v in got if t == "free")


def test_another_unit_or_a_name_ends_the_series() -> None:
    got = _values("Haemoglobin was 8.1 g/dL and platelets 45,000/μL.")
    assert ("haemoglobin", ["8.1 g/dL"]) in got and len([t for t, _ in got if t == "haemoglobin"]) == 1
    # a bare number that counts days is no score
    got = _values("Her GCS was 9, and 3 days later she woke.")
    assert got == [("gcs", ["9"])]


def test_a_trend_between_two_values_is_the_later_values_interpretation() -> None:
    got = _values("Serum lactate was 4.1 mmol/L and subsequently rose to 9.8 mmol/L.")
    assert got == [("serum lactate", ["4.1 mmol/L"]), ("serum lactate", ["9.8 mmol/L"])]
    later = facts_of(
        "A 61-year-old woman was seen. Serum lactate was 4.1 mmol/L and then fell to 1.2 mmol/L."
    )
    assert [o.interpretation for o in later.observations] == [None, "low"]
