"""Issue 10: observation results -- qualitative results, shared tests, values the text states.

Team-written sentences only: every fact must be one a clinician would sign (right test, right result).
"""

from __future__ import annotations

from support import facts_of


def _obs(sentence: str) -> dict[str, list[str]]:
    """Test text (lower case) -> the result words cited for it (value, then interpretation)."""
    out: dict[str, list[str]] = {}
    for o in facts_of("A 47-year-old woman was admitted. " + sentence).observations:
        cited = [m.text for m in o.mentions if m.role.name in ("VALUE", "INTERPRETATION")]
        out.setdefault(o.text.lower(), []).extend(cited)
    return out


def test_gram_stain_words_are_no_test_called_gram() -> None:
    o = _obs("Two blood cultures grew gram-negative rods, and the sputum smear showed Gram-positive cocci.")
    assert "gram" not in o
    assert o["blood cultures"] == ["gram-negative rods"]
    assert o["sputum smear"] == ["Gram-positive cocci"]
    # a marker written with its result keeps it
    assert _obs("The spindle cells were CD117-negative.")["cd117"] == ["negative"]


def test_a_unit_before_and_is_no_test_modifier_and_a_result_word_is_no_test_word() -> None:
    o = _obs("Blood tests showed a haemoglobin level of < 8 g/dL and markedly elevated aminotransferase levels.")
    assert o["haemoglobin level"] == ["< 8 g/dL"]
    assert o["aminotransferase levels"] == ["elevated"]
    assert not any(name.startswith("dl") for name in o)
    assert o["blood tests"] == []


def test_a_finding_cut_by_the_next_test_is_that_tests_modifier() -> None:
    o = _obs("Laboratory tests revealed raised CRP and normal procalcitonin.")
    assert o["laboratory tests"] == []
    assert o["crp"] == ["raised"] and o["procalcitonin"] == ["normal"]
    # a finding closed by "and a" keeps only its own words
    p = _obs("Computed tomography revealed a 5 cm mass and a haemoglobin of 8.4 g/dL.")
    assert p["computed tomography"] == ["a 5 cm mass"]
    assert p["haemoglobin"] == ["8.4 g/dL"]


def test_scores_take_a_bare_number_and_a_peak_is_a_value() -> None:
    assert _obs("Her Glasgow coma score was 9 on arrival.")["glasgow coma score"] == ["9"]
    assert _obs("Troponin T peaked at 3.2 ng/mL on day two.")["troponin t"] == ["3.2 ng/mL"]
