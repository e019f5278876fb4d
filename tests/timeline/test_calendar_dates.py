"""Calendar dates the text gives ("in March 2015", "in 2019") are real dates (issue 9): written as they
stand, never shifted against --index-date, and never tagged synthetic. Sentences written by the team."""

from __future__ import annotations

from typing import Any

import pytest
from support import bundle_of, resources

from fhirconv.fhir.timing import DATE_TAG

OPENER = "A 45-year-old woman presented with chest pain. "


def _tagged(r: dict[str, Any]) -> bool:
    return any(t.get("code") == DATE_TAG["code"] for t in r.get("meta", {}).get("tag", []))


@pytest.mark.parametrize(
    ("sentence", "rtype", "element", "value"),
    [
        ("In March 2015 she underwent coronary angioplasty.", "Procedure", "performedDateTime", "2015-03"),
        ("She was diagnosed with asthma in 2009.", "Condition", "onsetDateTime", "2009"),
        ("On 12 March 2016 her troponin was 0.5 ng/mL.", "Observation", "effectiveDateTime", "2016-03-12"),
        ("Her troponin was 0.5 ng/mL on March 12, 2016.", "Observation", "effectiveDateTime", "2016-03-12"),
    ],
)
def test_calendar_date_is_written_as_it_stands(sentence: str, rtype: str, element: str, value: str) -> None:
    found = [
        r
        for r in resources(bundle_of(OPENER + sentence), rtype)
        if element in r and "year-old" not in r["code"].get("text", "")  # not the age Observation
    ]
    assert [r[element] for r in found] == [value]
    assert not _tagged(found[0])


def test_a_calendar_dated_drug_has_a_real_period_start() -> None:
    (ma,) = resources(
        bundle_of(OPENER + "She received aspirin on January 3, 2017."), "MedicationAdministration"
    )
    assert ma["effectivePeriod"] == {"start": "2017-01-03"} and not _tagged(ma)


def test_offset_dates_keep_the_synthetic_tag_beside_real_ones() -> None:
    b = bundle_of(
        OPENER
        + "In 2015 she underwent coronary angioplasty. On the second day her heart rate was 88 beats per minute."
    )
    (hr,) = [o for o in resources(b, "Observation") if "heart rate" in o["code"]["text"]]
    assert hr["effectiveDateTime"] == "2000-01-02" and _tagged(hr)


@pytest.mark.parametrize(
    "sentence",
    [
        "She was given 2000 mg of paracetamol.",  # a dose, not a year
        "Her platelet count was 2015 per microlitre.",
        "On 31 February 2015 her troponin was 0.5 ng/mL.",  # no such day
    ],
)
def test_numbers_that_are_not_dates_are_no_calendar_dates(sentence: str) -> None:
    b = bundle_of(OPENER + sentence)
    dates = [
        str(v)
        for r in (e["resource"] for e in b["entry"])
        for k, v in r.items()
        if k in ("effectiveDateTime", "effectivePeriod", "onsetDateTime", "performedDateTime")
    ]
    assert not any("2015" in d or ("2000-" not in d and "19" in d[:2]) for d in dates), dates


def test_a_home_medication_keeps_the_date_its_sentence_gives() -> None:
    (ms,) = resources(bundle_of(OPENER + "She had been taking metformin since 2012."), "MedicationStatement")
    assert ms["effectiveDateTime"] == "2012" and not _tagged(ms)
