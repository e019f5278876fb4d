"""Issue 10: test names the vocabulary knows -- ECG leads and axis, examination findings named as tests,
echo measurements, coagulation and metabolic tests -- and measurement names ending in a test word
("ratio", "index", "concentration", "velocity", "parameters").

Team-written sentences only.
"""

from __future__ import annotations

from support import facts_of


def _obs(sentence: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in facts_of("A 39-year-old man was examined. " + sentence).observations:
        cited = [m.text for m in o.mentions if m.role.name in ("VALUE", "INTERPRETATION")]
        out.setdefault(o.text.lower(), []).extend(cited)
    return out


def test_ecg_leads_and_axis_are_tests() -> None:
    o = _obs("ST elevation was present in the inferior leads, with a left deviation of the electrical axis.")
    assert "inferior leads" in o and "electrical axis" in o
    assert "precordial leads" in _obs("There was poor R wave progression in the precordial leads.")


def test_exam_findings_named_as_tests() -> None:
    o = _obs("His plantar responses were extensor and proprioception was reduced in both feet.")
    assert "plantar responses" in o and "proprioception" in o
    o = _obs("The left pupil was sluggish but the light reflex was preserved.")
    assert o["light reflex"] == ["preserved"]
    assert "cup-to-disc ratio" in _obs("Fundoscopy showed a cup-to-disc ratio of 0.7 in the right eye.")


def test_laboratory_names_with_their_values() -> None:
    assert _obs("Fructosamine was 410 µmol/L.")["fructosamine"] == ["410 µmol/L"]
    o = _obs("Thrombophilia screening included protein C, protein S and antithrombin, which were normal.")
    assert {"protein c", "protein s", "antithrombin"} <= set(o)
    assert _obs("The aortic valve area was 0.8 cm2.")["aortic valve area"] == ["0.8 cm2"]


def test_measurement_heads_name_a_test_only_with_a_modifier() -> None:
    o = _obs("The albumin to creatinine ratio was 45 mg/g and the resistive index was 0.8.")
    assert any(name.endswith("creatinine ratio") for name in o)
    assert "resistive index" in o
    # a bare head word names nothing
    assert "ratio" not in _obs("The ratio was not reported.")
    # staining with a descriptor is a result, not a test name
    assert "diffuse staining" not in _obs("Diffuse staining for desmin was present.")


def test_leads_inside_an_ecg_finding_are_words_of_the_finding() -> None:
    o = _obs("The electrocardiogram showed ST depression in the lateral leads.")
    assert o == {"electrocardiogram": ["ST depression in the lateral leads"]}
    # a lead named outside any finding is still a test of its own
    assert "lateral leads" in _obs("The lateral leads were reviewed again by the cardiologist.")
