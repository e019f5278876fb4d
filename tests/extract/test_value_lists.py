"""Issue 10: results linked to their tests in lists and after bracketed abbreviations.

Team-written sentences only.
"""

from __future__ import annotations

from support import facts_of


def _values(sentence: str) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for o in facts_of(sentence).observations:
        if o.value is not None:
            out.setdefault(o.text.lower(), []).append((str(o.value.value), o.value.unit))
    return out


def test_value_after_a_bracketed_abbreviation() -> None:
    v = _values(
        "A 52-year-old woman was admitted. Tests showed alanine aminotransferase (ALT) :88 U/L and lipase (LPS) 410 U/L."
    )
    assert v["alt"] == [("88", "U/L")]
    assert v["lps"] == [("410", "U/L")] or v.get("lipase") == [("410", "U/L")]


def test_values_written_before_their_names() -> None:
    v = _values(
        "A 52-year-old woman was admitted. Tests revealed 1,250 U/L lactate dehydrogenase, 41 mg/dL blood urea nitrogen and 2.9 mg/dL creatinine."
    )
    assert v["lactate dehydrogenase"] == [("1250", "U/L")]
    assert v["blood urea nitrogen"] == [("41", "mg/dL")]
    assert v["creatinine"] == [("2.9", "mg/dL")]


def test_percentages_before_cell_names() -> None:
    v = _values("A 9-year-old boy had a differential of 71% neutrophils, 22% lymphocytes and 7% monocytes.")
    assert v["neutrophils"] == [("71", "%")]
    assert v["lymphocytes"] == [("22", "%")]


def test_respectively_gives_each_test_its_value() -> None:
    v = _values(
        "A 61-year-old man was admitted. His lipase and amylase were 980 U/L and 450 U/L, respectively."
    )
    assert v["lipase"] == [("980", "U/L")] and v["amylase"] == [("450", "U/L")]
    w = _values(
        "A 61-year-old man was admitted. Her albumin and total protein rose from 2.1 g/dL and 4.9 g/dL to 3.6 g/dL and 6.4 g/dL, respectively."
    )
    assert sorted(w["albumin"]) == [("2.1", "g/dL"), ("3.6", "g/dL")]
    assert sorted(w["total protein"] if "total protein" in w else w["protein"]) == [
        ("4.9", "g/dL"),
        ("6.4", "g/dL"),
    ]


def test_respectively_with_a_count_mismatch_links_nothing_by_order() -> None:
    v = _values("A 61-year-old man was admitted. His lipase and amylase were raised, 980 U/L, respectively.")
    assert "amylase" not in v


def test_number_at_the_end_of_a_sentence_and_longer_lead_phrases() -> None:
    assert _values("A 70-year-old man was admitted. The INR was normal at 1.02.")["inr"] == [
        ("1.02", "{ratio}")
    ]
    v = _values("A 70-year-old man was admitted. The lactate concentration was 6.1 mmol/L.")
    assert v["lactate"] == [("6.1", "mmol/L")]
    w = _values("A 70-year-old man was admitted. His heart rate was up to 140 beats per minute.")
    assert w["heart rate"][0][0] == "140"


def test_doses_written_before_each_drug_of_a_list() -> None:
    x = facts_of(
        "A 58-year-old man was discharged. He took 10 mg of lisinopril, 5 mg of amlodipine and 20 mg of atorvastatin daily."
    )
    doses = {m.text.lower(): (str(m.dose.value), m.dose.unit) for m in x.medications if m.dose is not None}
    assert doses == {"lisinopril": ("10", "mg"), "amlodipine": ("5", "mg"), "atorvastatin": ("20", "mg")}


def test_peros_is_the_oral_route() -> None:
    x = facts_of("A 58-year-old man was admitted. He took cefuroxime 500mg peros twice daily.")
    assert [m.route for m in x.medications if m.text.lower() == "cefuroxime"] == ["peros"]


def test_value_after_a_name_and_its_bracketed_abbreviation() -> None:
    v = _values(
        "A 66-year-old man was admitted. Markers showed raised creatine kinase MB (CK MB) (48 ng/mL)."
    )
    assert ("48", "ng/mL") in [x for vals in v.values() for x in vals]
    w = _values("A 66-year-old man was admitted. He had peripheral oxygen saturation (SpO 2) at 88%.")
    assert w["peripheral oxygen saturation"] == [("88", "%")]


def test_unit_glued_or_spaced_and_french_international_units() -> None:
    v = _values("A 66-year-old man was admitted. Tests found ASAT: 212UI/L and NT-proBNP 2300 pg/ mL.")
    assert v["asat"] == [("212", "UI/L")]
    assert any(u.replace(" ", "") == "pg/mL" for vals in v.values() for _, u in vals)


def test_a_spinal_level_is_no_dose() -> None:
    x = facts_of("A 30-year-old woman had a caesarean section. She received 15µg sufentanil at L2-L3 space.")
    doses = [(str(m.dose.value), m.dose.unit) for m in x.medications if m.dose is not None]
    assert doses == [("15", "µg")]


def test_longer_lead_before_a_value() -> None:
    v = _values(
        "A 66-year-old man was admitted. On day two the chloride concentration was increased to 112 mmol/L."
    )
    assert v["chloride"] == [("112", "mmol/L")]


def test_a_coded_route_after_injected_is_the_route() -> None:
    x = facts_of("A 30-year-old woman was admitted. Ephedrine 6 mg was injected intravenously.")
    assert [m.route for m in x.medications if m.text.lower() == "ephedrine"] == ["intravenously"]


def test_cultures_that_grew_an_organism_are_positive() -> None:
    x = facts_of("A 60-year-old man was admitted. Blood cultures grew Klebsiella pneumoniae.")
    assert [o.interpretation for o in x.observations if "culture" in o.text.lower()] == ["positive"]
