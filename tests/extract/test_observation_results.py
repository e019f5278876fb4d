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
    o = _obs(
        "Blood tests showed a haemoglobin level of < 8 g/dL and markedly elevated aminotransferase levels."
    )
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


def _components(sentence: str) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for o in facts_of("A 47-year-old woman was admitted. " + sentence).observations:
        out[o.text.lower()] = [(name, str(q.value)) for name, _, q in o.components]
        assert o.value is None or not o.components
    return out


def test_a_blood_pressure_in_a_respectively_list_keeps_both_numbers() -> None:
    c = _components(
        "His blood pressure, heart rate and respiratory rate were 162/98 mm Hg, 104/min and 26/min, respectively."
    )
    assert c["blood pressure"] == [("Systolic blood pressure", "162"), ("Diastolic blood pressure", "98")]


def test_marker_lists_keep_their_own_result() -> None:
    o = _obs("The neoplastic cells were positive for CD3 and CD7 but negative for CD20 and CD79a.")
    assert o["cd3"] == ["positive"] and o["cd7"] == ["positive"]
    assert o["cd20"] == ["negative"] and o["cd79a"] == ["negative"]
    assert "neoplastic cells" not in o  # the cells are the specimen, not a test
    p = _obs(
        "Immunostaining showed diffuse positive reactivity for vimentin and negative reactivity for desmin."
    )
    assert p["vimentin"] == ["positive"] and p["desmin"] == ["negative"]
    q = _obs("The tumour was positive for CK7 and negative to CK20 and TTF-1.")
    assert q["ck20"] == ["negative"] and q["ttf-1"] == ["negative"]


def test_sterile_cultures_are_negative() -> None:
    o = _obs("Her blood cultures were sterile, and the wound culture showed no growth.")
    assert o["blood cultures"] == ["were sterile"]
    assert o["wound culture"] == ["showed no growth"]
    assert _obs("The abscess was drained under sterile conditions.") == {}


def _values(sentence: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in facts_of("A 47-year-old woman was admitted. " + sentence).observations:
        shown = f"{o.value.value} {o.value.unit}" if o.value is not None else o.value_text
        out.setdefault(o.text.lower(), []).append(str(shown))
    return out


def test_a_change_from_one_value_to_another_is_two_results_of_the_test() -> None:
    v = _values("Her haemoglobin fell from 11.4 to 6.9 g/dL within a day.")
    assert sorted(v["haemoglobin"]) == ["11.4 g/dL", "6.9 g/dL"]
    assert "from" not in v
    w = _values("Serum lipase rose from 80 U/L to 1,240 U/L.")
    assert sorted(w["serum lipase"]) == ["1240 U/L", "80 U/L"]
    # no interpretation from the direction of a change
    assert all(
        o.interpretation is None
        for o in facts_of(
            "A 47-year-old woman was admitted. Her haemoglobin rose from 6.1 to 8.0 g/dL."
        ).observations
    )


def test_a_range_of_values_is_kept_as_written_never_as_its_first_number() -> None:
    assert _values("The left ventricular ejection fraction was 20%-25%.")[
        "left ventricular ejection fraction"
    ] == ["20%-25%"]
    assert _values("Her serum potassium was 2.8-3.1 mmol/L during the stay.")["serum potassium"] == [
        "2.8-3.1 mmol/L"
    ]
    assert _values("The ejection fraction was estimated at 35-40%.")["ejection fraction"] == ["35-40%"]


def test_a_value_after_a_comma_following_its_name() -> None:
    v = _values("Results were: sodium level, 129 mEq/L; and chloride level, 95 mEq/L.")
    assert v["chloride"] == ["95 mEq/L"]
    assert _obs("Her plasma renin activity was suppressed.")["plasma renin activity"] == ["was suppressed"]


def test_a_test_target_ends_at_a_word_and_the_finding_follows_an_adverb_or_which() -> None:
    o = _obs("Magnetic resonance imaging of the brain demonstrated two enhancing lesions in the pons.")
    assert o["magnetic resonance imaging of the brain"] == ["two enhancing lesions in the pons"]
    assert _obs("Blood cultures later grew Enterococcus faecalis.")["blood cultures"] == [
        "Enterococcus faecalis"
    ]
    p = _obs("A repeat CT scan was performed, which showed resolution of the abscess.")
    assert p["ct scan"] == ["resolution of the abscess"]


def test_marker_signs_in_brackets_and_compound_words() -> None:
    o = _obs("Immunostaining showed CD117 (+), DOG1 (+) and S-100 (-).")
    assert o["cd117"] == ["+"] and o["dog1"] == ["+"] and o["s-100"] == ["-"]
    assert _obs("She was given low-dose aspirin.") == {}
    assert _obs("Her potassium was high-normal.").get("potassium", []) == []


def test_a_bare_number_for_a_test_of_no_known_unit_needs_a_stated_lead() -> None:
    v = _values("Her MELD score was 14, and her serum anti-Xa level was 0.6 (0.5-1.0).")
    assert v["meld score"] == ["14 {score}"]
    assert v["anti-xa level"] == ["0.6 "]
    assert _values("The biopsy was repeated 2 times.").get("biopsy") == ["None"]
    assert _values("On day 2 the CT scan was 1, and the ECG 3.").get("ct scan") == ["None"]


def test_units_stated_after_a_list_and_thousands_grouped_by_a_space() -> None:
    # the unit after the list is the first number's too: no default unit stands in for it
    v = _values("CSF lactate and pyruvate were 4.1 and 0.2 mmol/L, respectively.")
    assert all("4.1 mg/dL" not in shown for shown in v.values())
    assert _values("Her serum IgE was markedly raised (15 000 IU/mL).")["serum ige"] == ["15000 IU/mL"]
    assert _values("Her platelet count was 98 000 and she bled.").get("platelet count") == ["None"]


def test_a_time_is_a_value_only_of_a_timed_test() -> None:
    assert _values("His last colonoscopy 3 years earlier was unremarkable.").get("colonoscopy") == ["None"]
    assert _values("The closure time was 210 seconds.")["closure time"] == ["210 seconds"]


def test_antibody_marker_and_function_names_and_the_reported_examination() -> None:
    o = _obs("Both anti-thyroperoxidase antibody and islet cell antibodies were negative.")
    assert o["anti-thyroperoxidase antibody"] == ["were negative"]
    assert o["islet cell antibodies"] == ["were negative"]
    assert _obs("He was treated with rituximab, a monoclonal antibody.") == {}
    assert "left ventricular function" in _obs("Echocardiography showed reduced left ventricular function.")
    assert _obs("On examination, he was pale and sweating.") == {"examination": []}
    assert "examination" not in _obs("A computed tomography examination revealed free fluid.")


def test_values_written_as_fractions_and_a_unit_stated_after_the_list() -> None:
    assert _values("Her visual acuity was 6/12 in the right eye.")["visual acuity"] == ["6/12"]
    v = _values("The pulmonary artery pressure was 64/28/40 mmHg.")
    assert v["pulmonary artery pressure"] == ["64/28/40 mmHg"]
    w = _values("CSF lactate and pyruvate were 4.1 and 0.2 mmol/L.")
    shown = sorted(x for k, xs in w.items() if k.endswith(("lactate", "pyruvate")) for x in xs)
    assert shown == ["0.2 mmol/L", "4.1 mmol/L"]


def test_expression_results_and_adjectives_of_a_finding() -> None:
    o = _obs("The tumour cells showed positive expression of CK20 but no expression of CK7.")
    assert o["ck20"] == ["positive"] and o["ck7"] == ["no expression"]
    assert _obs("Epithelial markers were not expressed.")["epithelial markers"] == ["were not expressed"]
    # "an elevated lesion" describes the lesion: the colonoscopy is not "high"
    c = facts_of("A 47-year-old woman was admitted. Colonoscopy revealed an elevated lesion in the rectum.")
    assert [o.interpretation for o in c.observations if o.text == "Colonoscopy"] == [None]


def test_detected_is_a_result_of_an_analyte_not_of_an_examination() -> None:
    o = _obs("On physical examination, bilateral crackles were detected.")
    assert o.get("physical examination", []) == []
    assert _obs("Hepatitis B virus DNA was detected in serum.")["hepatitis b virus dna"] == ["detected"]


def test_a_cell_named_without_a_result_is_no_count() -> None:
    o = _obs("The biopsy showed a dermal infiltrate rich in neutrophils and eosinophils.")
    assert "neutrophils" not in o and "eosinophils" not in o
    # with a result it is the count
    assert _obs("Neutrophils were 85% and lymphocytes 9%.")["neutrophils"] == ["85%"]
    assert _obs("Eosinophils were elevated.")["eosinophils"] == ["elevated"]
