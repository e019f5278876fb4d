"""Issue 10: course statements ("the postoperative course was uneventful", "renal function improved") are
results of what was observed -- an Observation with the course word as its value -- not outcomes.

Team-written sentences only.
"""

from __future__ import annotations

from support import facts_of


def _obs(sentence: str) -> dict[str, list[str]]:
    """Test text (lower case) -> the result words cited for it (value, then interpretation)."""
    out: dict[str, list[str]] = {}
    for o in facts_of("A 52-year-old man was admitted. " + sentence).observations:
        cited = [m.text for m in o.mentions if m.role.name in ("VALUE", "INTERPRETATION")]
        out.setdefault(o.text.lower(), []).extend(cited)
    return out


def test_a_course_subject_takes_its_course_word() -> None:
    assert _obs("After the repair his postoperative course was uneventful.") == {
        "postoperative course": ["uneventful"]
    }
    assert _obs("Two days later her respiratory condition worsened.")["respiratory condition"] == ["worsened"]
    assert _obs("His clinical status has gradually improved.")["clinical status"] == ["gradually improved"]


def test_a_named_test_without_result_takes_the_course_word() -> None:
    assert _obs("The platelet count dropped and platelets were transfused.")["platelet count"] == ["dropped"]
    assert _obs("Despite dialysis, his renal function did not improve.")["renal function"] == [
        "did not improve"
    ]


def test_a_course_word_before_a_number_is_left_to_the_value_reader() -> None:
    o = _obs("The haemoglobin fell to 7.2 g/dL overnight.")
    assert o["haemoglobin"][0] == "7.2 g/dL"
    assert "fell" not in o["haemoglobin"][:1]


def test_no_subject_no_course_observation() -> None:
    # the patient is no test; a condition that was suspected states no course
    assert _obs("The patient remained stable overnight.") == {}
    assert _obs("A rare condition was suspected by the team.") == {}
    # a compound is another word
    assert _obs("Her general condition was stable-appearing on arrival.") == {}


def test_a_course_result_is_no_outcome() -> None:
    facts = facts_of("A 52-year-old man was admitted. The postoperative course was uneventful.")
    assert facts.outcome is None
    # an outcome statement about the patient stays one
    facts = facts_of("A 52-year-old man was admitted. He recovered fully and was discharged home.")
    assert facts.outcome is not None


def test_the_patients_overall_condition_is_an_observation_and_the_outcome() -> None:
    facts = facts_of("A 52-year-old man had pneumonia. His general condition deteriorated.")
    assert facts.outcome is not None and facts.outcome.kind == "worsened"
    assert [(o.text, o.value_text) for o in facts.observations] == [("general condition", "deteriorated")]


def test_a_fronted_subject_names_what_was_stable() -> None:
    assert _obs("After the second litre of fluid he was haemodynamically stable.") == {
        "haemodynamically": ["stable"]
    }
    assert _obs("She remained hemodynamically unstable overnight.") == {"hemodynamically": ["unstable"]}
    # without a course word the adverb names nothing
    assert (
        _obs("The stenosis was hemodynamically significant on the angiogram.").get("hemodynamically") is None
    )


def test_periods_and_development_have_a_course() -> None:
    assert _obs("The neonatal period was uneventful.") == {"neonatal period": ["uneventful"]}
    assert _obs("Her speech development was delayed.")["speech development"] == ["delayed"]


def test_a_course_noun_before_its_test_is_the_result() -> None:
    assert _obs("Two weeks later there was an improvement in renal function.") == {
        "renal function": ["improvement"]
    }
    assert _obs("She had a sudden drop in blood pressure.")["blood pressure"] == ["sudden drop"]
    assert _obs("There was no improvement in renal function.")["renal function"] == ["no improvement"]
    # a noun before something that is no test says nothing of a test
    assert _obs("An increase in the dose of prednisone was needed.") == {}
