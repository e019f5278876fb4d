"""The timeline on sentences written by the team: one rule family per test."""

from __future__ import annotations

from typing import Any

import pytest
from support import facts_of

from fhirconv.extract import Extractor
from fhirconv.mapping import MappingStore
from fhirconv.normalize.dates import inclusive_end


def _obs(text: str, word: str) -> Any:
    hits = [o for o in facts_of(text).observations if word in o.text.lower()]
    assert hits, f"no observation {word!r}"
    return hits[0]


def _day(text: str, word: str) -> float | None:
    t = _obs(text, word).time
    return None if t is None else t.start_day


def test_inclusive_end() -> None:
    assert inclusive_end(5, 5) == 9
    assert inclusive_end(3, 1) == 3
    assert inclusive_end(3, 0) == 3


@pytest.mark.parametrize(
    ("text", "word", "day"),
    [
        ("A 50-year-old man presented with cough. A chest radiograph was normal.", "radiograph", 0),
        (
            "A 50-year-old man presented with cough. On the fourth day, a chest radiograph was normal.",
            "radiograph",
            3,
        ),
        (
            "A 50-year-old man presented with cough. Two days later, a chest radiograph was normal.",
            "radiograph",
            2,
        ),
        (
            "A 50-year-old man presented with cough. On day 2 he was stable. The next day a chest radiograph was normal.",
            "radiograph",
            3,
        ),
        (
            "A 50-year-old man presented with cough. A chest radiograph was normal three weeks after admission.",
            "radiograph",
            21,
        ),
        (
            "A 50-year-old man presented with cough. After 3 months, a chest radiograph was normal.",
            "radiograph",
            90,
        ),
    ],
)
def test_event_days(text: str, word: str, day: float) -> None:
    assert _day(text, word) == day


def test_running_anchor_carries_to_later_sentences() -> None:
    text = (
        "A 50-year-old man presented with cough. Two days later he was worse. A chest radiograph was normal."
    )
    assert _day(text, "radiograph") == 2


def test_follow_up_without_interval_is_undated() -> None:
    text = "A 50-year-old man presented with cough. At follow-up, a chest radiograph was normal."
    assert _obs(text, "radiograph").time is None


def test_no_anchor_no_time() -> None:
    assert _obs("A chest radiograph was normal.", "radiograph").time is None


def test_postoperative_day() -> None:
    text = (
        "A 50-year-old man presented with abdominal pain. On the third day he underwent surgery. "
        "On postoperative day 4, a chest radiograph was normal."
    )
    assert _day(text, "radiograph") == 6


def test_condition_onset_age_and_past() -> None:
    facts = facts_of(
        "A 60-year-old woman presented with dyspnea. She was diagnosed with asthma at the age of 30."
    )
    asthma = next(c for c in facts.conditions if "asthma" in c.text.lower())
    assert asthma.onset is not None and asthma.onset.age_years == 30
    facts = facts_of("A 60-year-old woman presented with dyspnea. She had a stroke 22 years earlier.")
    stroke = next(c for c in facts.conditions if "stroke" in c.text.lower())
    assert stroke.onset is not None and stroke.onset.start_day == -22 * 365


def test_presenting_symptom_takes_no_running_anchor() -> None:
    facts = facts_of("A 60-year-old woman presented with dyspnea. She also had fever.")
    fever = next(c for c in facts.conditions if "fever" in c.text.lower())
    assert fever.onset is None


def test_drug_day_counts_from_the_drug_start() -> None:
    facts = facts_of(
        "A 30-year-old man presented with weakness. Intravenous immunoglobulin was started on the fourth day "
        "for five days. On the second day of immunoglobulin, a chest radiograph was normal."
    )
    ivig = next(m for m in facts.medications if "immunoglobulin" in m.text.lower())
    assert ivig.timing is not None and (ivig.timing.start_day, ivig.timing.end_day) == (3, 7)
    xr = next(o for o in facts.observations if "radiograph" in o.text.lower())
    assert xr.time is not None and xr.time.start_day == 4


def test_taper_belongs_to_the_tapered_drugs_only() -> None:
    facts = facts_of(
        "A 30-year-old man presented with weakness. Heparin was added on the third day and prednisolone "
        "and clonazepam were tapered over the following four days."
    )
    by = {m.text.lower(): m for m in facts.medications}
    assert by["prednisolone"].taper is not None and (
        by["prednisolone"].taper.start_day,
        by["prednisolone"].taper.end_day,
    ) == (3, 6)
    assert by["clonazepam"].taper is not None
    assert by["heparin"].taper is None


def test_resolution_time_goes_to_abatement() -> None:
    facts = facts_of(
        "A 30-year-old man presented with vertigo. On the second day he improved. "
        "He was symptom free within four weeks."
    )
    vertigo = next(c for c in facts.conditions if "vertigo" in c.text.lower())
    assert vertigo.clinical_status == "resolved"
    assert vertigo.abatement_time is not None
    assert (vertigo.abatement_time.start_day, vertigo.abatement_time.end_day) == (1, 29)


def test_discharge_ends_the_encounter() -> None:
    facts = facts_of(
        "A 30-year-old man was admitted with pneumonia. He was discharged home on the tenth day."
    )
    assert facts.inpatient
    assert facts.discharge is not None and facts.discharge.start_day == 9


def test_timeline_patterns_finish_on_hostile_input() -> None:
    """Every pattern is linear (no nested repeats): a long hostile string finishes (no timing asserted;
    benchmarks/ measures speed)."""
    rules = Extractor(MappingStore()).timeline.rules
    hostile = "on the " + "day of " * 4000 + "x" + " 3 " * 4000 + "3 days later"
    hits = [m.group(0) for _, pat in rules.patterns for m in pat.finditer(hostile)]
    assert "3 days later" in hits
