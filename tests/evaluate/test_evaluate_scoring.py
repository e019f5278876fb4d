"""Span mapping and scoring on synthetic bundles built to the convert contract; figures worked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from evalsupport import BundleBuilder

from fhirconv.evaluate import (
    GoldDocument,
    evaluate,
    match_exact,
    match_overlap,
    parse_brat,
    parse_xmi,
    predicted_mentions,
    score_document,
    summarise,
    write_details,
)
from fhirconv.evaluate.runner import sentence_of
from fhirconv.evaluate.scoring import Counts, gold_age_value
from fhirconv.model import Span

TEXT = (
    "A 54-year-old woman presented with chest pain and shortness of breath.\n"
    "She had no fever.\n"
    "Hemoglobin was 9.1 g/dL and an MRI of the brain was normal.\n"
    "She received aspirin 81 mg orally and underwent coronary angioplasty.\n"
    "She recovered fully.\n"
)


def off(phrase: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return f"{start} {start + len(phrase)}"


GOLD_ANN = "\n".join(
    [
        f"T1\tAge {off('54-year-old')}\t54-year-old",
        f"T2\tSex {off('woman')}\twoman",
        f"T3\tSign_symptom {off('chest pain')}\tchest pain",
        f"T4\tSign_symptom {off('shortness of breath')}\tshortness of breath",
        f"T5\tSign_symptom {off('fever')}\tfever",
        "E5\tSign_symptom:T5 ",
        "A1\tPOLARITY E5 NEG",
        f"T6\tDiagnostic_procedure {off('Hemoglobin')}\tHemoglobin",
        f"T7\tLab_value {off('9.1 g/dL')}\t9.1 g/dL",
        f"T8\tDiagnostic_procedure {off('MRI')}\tMRI",
        f"T9\tLab_value {off('normal')}\tnormal",
        f"T10\tMedication {off('aspirin')}\taspirin",
        f"T11\tDosage {off('81 mg')}\t81 mg",
        f"T12\tAdministration {off('orally')}\torally",
        "R1\tMODIFY Arg1:T11 Arg2:T10",
        "R2\tMODIFY Arg1:T12 Arg2:T10",
        f"T13\tTherapeutic_procedure {off('coronary angioplasty')}\tcoronary angioplasty",
        f"T14\tOutcome {off('recovered')}\trecovered",
        "",
    ]
)


def gold() -> GoldDocument:
    return parse_brat("doc1", TEXT, GOLD_ANN)


def good_bundle() -> dict[str, Any]:
    b = BundleBuilder(TEXT)
    b.patient("female", "woman")
    b.age("54-year-old", 54, "a")
    b.condition("chest pain")
    b.condition("shortness of breath")
    b.condition("fever", negated=True)
    b.observation("Hemoglobin", "9.1 g/dL")
    b.observation("MRI of the brain", interpretation="normal")
    b.procedure("MRI")  # the diagnostic procedure next to its result: scored as the test, not a therapy
    b.medication("aspirin", dose="81 mg", route="orally")
    b.procedure("coronary angioplasty")
    b.outcome("recovered fully")
    return b.build()


def test_counts_precision_recall_f1() -> None:
    c = Counts(gold=4, predicted=2, tp=1)
    assert c.precision == 0.5 and c.recall == 0.25
    assert c.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert Counts(gold=0, predicted=0, tp=0).f1 is None
    assert Counts(gold=3, predicted=0, tp=0).precision is None
    assert Counts(gold=3, predicted=0, tp=0).f1 == 0.0  # found nothing: F1 0, not undefined
    assert Counts(gold=3, predicted=2, tp=0).f1 == 0.0


def test_exact_matching_is_one_to_one() -> None:
    pred = [Span(0, 5), Span(0, 5), Span(6, 9)]
    gold = [Span(0, 5), Span(6, 10)]
    assert match_exact(pred, gold) == [(0, 0)]


def test_overlap_matching_is_one_to_one_and_prefers_larger_overlap() -> None:
    # One long prediction over two gold findings earns one match, with the better-covered one.
    assert match_overlap([Span(0, 30)], [Span(0, 5), Span(10, 30)]) == [(0, 1)]
    # Two predictions competing for one gold span: the larger overlap wins, the other is a false positive.
    assert match_overlap([Span(0, 4), Span(2, 10)], [Span(3, 10)]) == [(1, 0)]
    # Touching spans (end == start) do not overlap.
    assert match_overlap([Span(0, 5)], [Span(5, 9)]) == []


def test_span_mapper_reads_every_resource_type() -> None:
    mentions, problems = predicted_mentions(good_bundle(), len(TEXT))
    assert problems == []
    got = {(m.category, TEXT[m.span.start : m.span.end], m.negated) for m in mentions}
    assert got == {
        ("sex", "woman", False),
        ("age", "54-year-old", False),
        ("condition", "chest pain", False),
        ("condition", "shortness of breath", False),
        ("condition", "fever", True),
        ("observation.test", "Hemoglobin", False),
        ("observation.value", "9.1 g/dL", False),
        ("observation.test", "MRI of the brain", False),
        ("observation.value", "normal", False),
        ("medication", "aspirin", False),
        ("procedure", "coronary angioplasty", False),
        ("outcome", "recovered fully", False),
    }
    drug = next(m for m in mentions if m.category == "medication")
    assert {(a.kind, TEXT[a.span.start : a.span.end]) for a in drug.attributes} == {
        ("dose", "81 mg"),
        ("route", "orally"),
    }
    age = next(m for m in mentions if m.category == "age")
    assert age.value == "54 a"


def test_span_mapper_repeat_mentions_diagnostic_category_not_done_and_bad_spans() -> None:
    b = BundleBuilder(TEXT)
    b.condition("She", more=("She had",))  # repeat mention with the same path -> two predicted spans
    b.medication("aspirin", frequency="orally")  # dosage.rate[x] is where the converter puts frequency
    b.procedure("angioplasty", not_done=True)
    b.procedure("brain", diagnostic=True)
    bundle = b.build()
    bundle["entry"][-1]["resource"]["extension"].append(
        {
            "url": "http://hl7.org/fhir/StructureDefinition/derivation-reference",
            "extension": [{"url": "offset", "valueInteger": 10_000}, {"url": "length", "valueInteger": 3}],
        }
    )
    mentions, problems = predicted_mentions(bundle, len(TEXT))
    got = {(m.category, TEXT[m.span.start : m.span.end], m.negated) for m in mentions}
    assert got == {
        ("condition", "She", False),
        ("condition", "She had", False),
        ("medication", "aspirin", False),
        ("procedure", "angioplasty", True),
        ("observation.test", "brain", False),
    }
    assert len(problems) == 1 and "beyond the text" in problems[0]
    drug = next(m for m in mentions if m.category == "medication")
    assert [(a.kind, TEXT[a.span.start : a.span.end]) for a in drug.attributes] == [("frequency", "orally")]


def test_perfect_bundle_scores_one_everywhere() -> None:
    mentions, _ = predicted_mentions(good_bundle(), len(TEXT))
    s = score_document(gold(), mentions)
    for cat, c in s.overlap.items():
        assert (c.gold, c.tp) == (c.predicted, c.gold), cat
    # exact: "MRI of the brain" and "recovered fully" are longer than their gold spans
    assert s.exact["observation.test"].tp == 1 and s.exact["outcome"].tp == 0
    assert s.negation == {"matched": 3, "correct": 3, "tp": 1, "fp": 0, "fn": 0}
    assert s.facts["age"].status == "correct" and s.facts["sex"].status == "correct"
    assert (s.attributes["dose"].tp, s.attributes["route"].tp) == (1, 1)
    assert s.attributes["frequency"].gold == 0 and s.false_positives == [] and s.false_negatives == []


def test_errors_are_counted_and_listed() -> None:
    b = BundleBuilder(TEXT)
    b.patient("male", "woman")  # wrong value
    b.age("54-year-old", 45, "a")  # wrong value on the right words
    b.condition("chest pain and shortness of breath")  # one span over two findings: 1 TP, 1 FN
    b.condition("fever")  # negation missed
    b.condition("brain")  # false positive
    b.medication("aspirin", dose="81 mg")  # route missed
    bundle = b.build()
    s = score_document(gold(), predicted_mentions(bundle, len(TEXT))[0])
    cond = s.overlap["condition"]
    assert (cond.gold, cond.predicted, cond.tp) == (3, 3, 2)
    assert s.exact["condition"].tp == 1  # only "fever" is exact
    assert s.negation == {"matched": 2, "correct": 1, "tp": 0, "fp": 0, "fn": 1}
    assert s.facts["age"].status == "wrong" and s.facts["sex"].status == "wrong"
    assert (s.attributes["route"].gold, s.attributes["route"].tp) == (1, 0)
    assert s.overlap["procedure"].tp == 0 and s.overlap["procedure"].gold == 1
    fp = {TEXT[m.span.start : m.span.end] for m in s.false_positives}
    fn = {TEXT[m.span.start : m.span.end] for m in s.false_negatives}
    assert fp == {"brain"}
    # the long span matched "shortness of breath" (the larger overlap), so "chest pain" is the miss
    assert "chest pain" in fn and "shortness of breath" not in fn
    assert "coronary angioplasty" in fn and "recovered" in fn


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("34-yr-old", "34 a"),
        ("14-month-old", "14 mo"),
        ("66 year old", "66 a"),
        ("mid-teens", None),
        ("9 year-old", "9 a"),
        ("4 and a half years old", "4.5 a"),
        ("seventeen-year-old", "17 a"),
    ],
)
def test_gold_age_text(text: str, want: str | None) -> None:
    assert gold_age_value(text) == want


def test_sentence_of_finds_the_line_or_sentence() -> None:
    s = TEXT.index("fever")
    assert sentence_of(TEXT, Span(s, s + 5)) == "She had no fever."
    prose = "First one. Second has pain here. Third."
    s = prose.index("pain")
    assert sentence_of(prose, Span(s, s + 4)) == "Second has pain here."


def _corpus(tmp: Path) -> Path:
    (tmp / "doc1.txt").write_text(TEXT, encoding="utf-8", newline="")
    (tmp / "doc1.ann").write_text(GOLD_ANN, encoding="utf-8")
    (tmp / "doc2.txt").write_text("Broken.\n", encoding="utf-8")
    (tmp / "doc2.ann").write_text("T1\tSign_symptom 0 oops\tBroken\n", encoding="utf-8")
    return tmp


def _converter(g: GoldDocument) -> dict[str, Any]:
    b = BundleBuilder(g.text)
    b.condition("chest pain")
    b.condition("fever")
    b.condition("MRI")
    return b.build()


def test_batch_goes_on_past_a_bad_document_and_writes_details(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    corpus = _corpus(tmp_path / "gold")
    outcomes = evaluate([corpus], converter=_converter)
    assert [o.doc_id for o in outcomes] == ["doc1", "doc2"]
    summary = summarise(outcomes, "brat")
    assert summary["scored"] == 1 and [f["document"] for f in summary["failed"]] == ["doc2"]
    cond = summary["categories"]["condition"]
    # gold 3 conditions; predicted chest pain (TP), fever (TP, negation wrong), MRI (FP)
    assert (cond["gold"], cond["predicted"], cond["overlap"]["tp"]) == (3, 3, 2)
    assert cond["overlap"]["precision"] == pytest.approx(0.6667) and cond["overlap"][
        "recall"
    ] == pytest.approx(0.6667)
    assert summary["negation"]["accuracy"] == 0.5
    assert cond["recall_by_label"] == {"Sign_symptom": {"gold": 3, "found": 2, "recall": 0.6667}}
    obs = summary["categories"]["observation"]  # micro-sum of test (2 gold) and value (2 gold)
    assert (obs["gold"], obs["predicted"], obs["overlap"]["tp"]) == (4, 0, 0)
    assert summary["patient"]["age"] == {
        "documents": 1,
        "correct": 0,
        "wrong": 0,
        "missed": 1,
        "spurious": 0,
        "absent": 0,
        "accuracy": 0.0,
    }
    written = write_details(outcomes, tmp_path / "details")
    assert sorted(p.name for p in written) == ["doc1.json", "doc1.md", "doc2.json", "doc2.md", "index.md"]
    index = (tmp_path / "details" / "index.md").read_text()
    assert "- **condition**: shortness of breath (1)" in index  # the missed words, counted
    assert "- **condition**: mri (1)" in index  # the invented ones
    assert index.index("[doc1]") < index.index("[doc2]")  # scored documents first, worst first
    d = json.loads((tmp_path / "details" / "doc1.json").read_text())
    assert [m["text"] for m in d["false_positives"]] == ["MRI"]
    assert (
        d["false_positives"][0]["sentence"] == "Hemoglobin was 9.1 g/dL and an MRI of the brain was normal."
    )
    assert d["negation_errors"][0]["gold"]["text"] == "fever"
    md = (tmp_path / "details" / "doc1.md").read_text()
    assert "`shortness of breath`" in md and "She had no fever." in md
    assert "Not scored" in (tmp_path / "details" / "doc2.md").read_text()


def test_converter_crash_is_recorded_but_setup_errors_stop_the_run(tmp_path: Path) -> None:
    from fhirconv.errors import MappingError

    (tmp_path / "a.txt").write_text("Fever.\n")
    (tmp_path / "a.ann").write_text("T1\tSign_symptom 0 5\tFever\n")
    (tmp_path / "b.txt").write_text("Cough.\n")
    (tmp_path / "b.ann").write_text("T1\tSign_symptom 0 5\tCough\n")

    def flaky(g: GoldDocument) -> dict[str, Any]:
        if g.doc_id == "a":
            raise ZeroDivisionError("boom")
        b = BundleBuilder(g.text)
        b.condition("Cough")
        return b.build()

    outcomes = evaluate([tmp_path], converter=flaky)
    assert [(o.doc_id, o.error_code) for o in outcomes] == [("a", "internal"), ("b", None)]
    summary = summarise(outcomes)
    # the crashed document counts as finding nothing: its gold "Fever" is a miss
    assert summary["categories"]["condition"]["overlap"] == {
        "gold": 2, "predicted": 1, "tp": 1, "precision": 1.0, "recall": 0.5, "f1": 0.6667
    }  # fmt: skip
    assert summary["failed"][0]["scored_as_empty"] is True

    def no_mappings(g: GoldDocument) -> dict[str, Any]:
        raise MappingError("mapping file not found: lexicons/x.json")

    with pytest.raises(MappingError):
        evaluate([tmp_path], converter=no_mappings)


def test_exact_pair_wins_a_tie_so_exact_never_exceeds_overlap() -> None:
    # "chest" (exact) and "chest pain" (contains it) tie on shared length and start; the exact one wins.
    assert match_overlap([Span(0, 10), Span(0, 5)], [Span(0, 5)]) == [(1, 0)]


def test_coreference_repeat_mentions_are_neutral() -> None:
    text = "A mass was seen in the liver. The tumor was resected. The tumor recurred. A rash appeared."

    def o(phrase: str, nth: int = 0) -> str:
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        return f"{start} {start + len(phrase)}"

    ann = "\n".join(
        [
            f"T1\tSign_symptom {o('mass')}\tmass",
            "E1\tSign_symptom:T1 ",
            f"T2\tCoreference {o('tumor')}\ttumor",
            "E2\tCoreference:T2 ",
            "R1\tIDENTICAL Arg1:E2 Arg2:E1",
            f"T3\tCoreference {o('tumor', 1)}\ttumor",  # not linked: no category, stays an error to predict
        ]
    )
    gold_doc = parse_brat("d", text, ann)
    assert [(n.category, text[n.span.start : n.span.end]) for n in gold_doc.neutral] == [
        ("condition", "tumor")
    ]
    b = BundleBuilder(text)
    b.condition("mass", more=("tumor",))  # repeat mention on the linked Coreference: neutral
    b.condition("tumor", nth=1)  # unlinked Coreference: false positive
    b.condition("rash")  # false positive
    s = score_document(gold_doc, predicted_mentions(b.build(), len(text))[0])
    assert s.neutral == {"condition": 1}
    c = s.overlap["condition"]
    assert (c.gold, c.predicted, c.tp) == (1, 3, 1)
    assert s.exact["condition"].predicted == 3
    assert sorted(text[m.span.start : m.span.end] for m in s.false_positives) == ["rash", "tumor"]


def test_history_spans_are_neutral_for_past_history_predictions_only() -> None:
    text = "She had asthma as a child. Gout was noted. Now a cough and a rash."

    def o(phrase: str) -> str:
        start = text.index(phrase)
        return f"{start} {start + len(phrase)}"

    ann = "\n".join(
        [
            f"T1\tHistory {o('asthma as a child')}\tasthma as a child",
            f"T2\tHistory {o('Gout')}\tGout",
            f"T3\tSign_symptom {o('cough')}\tcough",
            "E1\tSign_symptom:T3 ",
        ]
    )
    gold_doc = parse_brat("d", text, ann)
    assert [(n.label, text[n.span.start : n.span.end]) for n in gold_doc.neutral] == [
        ("History", "asthma as a child"),
        ("History", "Gout"),
    ]
    b = BundleBuilder(text)
    b.condition("asthma", historical=True)  # past history on a History span: neutral
    b.condition("Gout")  # present on a History span: still a false positive
    b.condition("cough", historical=True)  # matched gold: a true positive, whatever its assertion
    b.condition("rash", historical=True)  # no gold at all: a false positive
    mentions = predicted_mentions(b.build(), len(text))[0]
    assert [m.historical for m in mentions] == [True, False, True, True]
    s = score_document(gold_doc, mentions)
    assert s.neutral == {"condition": 1}
    assert s.neutral_by == {"condition": {"History": 1}}
    assert [(text[m.span.start : m.span.end], why) for m, why in s.neutral_predictions] == [
        ("asthma", "History")
    ]
    c = s.overlap["condition"]
    assert (c.gold, c.predicted, c.tp) == (1, 3, 1)
    assert sorted(text[m.span.start : m.span.end] for m in s.false_positives) == ["Gout", "rash"]


def test_dosage_attributes_go_to_the_nearest_mention_of_the_drug() -> None:
    text = "Penicillin was started. Later penicillin G, 24 million units intravenously, was given."

    def o(phrase: str) -> str:
        start = text.index(phrase)
        return f"{start} {start + len(phrase)}"

    ann = "\n".join(
        [
            f"T1\tMedication {o('Penicillin')}\tPenicillin",
            f"T2\tMedication {o('penicillin G')}\tpenicillin G",
            f"T3\tDosage {o('24 million units')}\t24 million units",
            f"T4\tAdministration {o('intravenously')}\tintravenously",
            "R1\tMODIFY Arg1:T3 Arg2:T2",
            "R2\tMODIFY Arg1:T4 Arg2:T2",
        ]
    )
    b = BundleBuilder(text)
    b.medication("Penicillin", dose="24 million units", route="intravenously")
    res = b.entries[-1]["resource"]
    res["extension"].insert(1, b.ext("MedicationAdministration.medication[x]", "penicillin G"))
    mentions, _ = predicted_mentions(b.build(), len(text))
    owners = {text[m.span.start : m.span.end]: sorted(a.kind for a in m.attributes) for m in mentions}
    assert owners == {"Penicillin": [], "penicillin G": ["dose", "route"]}
    s = score_document(parse_brat("d", text, ann), mentions)
    assert (s.attributes["dose"].tp, s.attributes["route"].tp) == (1, 1)


def test_age_value_reads_exact_decimals() -> None:
    """Bundles carry Decimal quantities (exact FHIR decimals); the age reads the same as from JSON floats."""
    from decimal import Decimal

    from fhirconv.evaluate.spans import _age_value

    assert _age_value({"valueQuantity": {"value": Decimal("7.5"), "code": "mo"}}) == "7.5 mo"
    assert _age_value({"valueQuantity": {"value": Decimal("41"), "code": "a"}}) == "41 a"


def test_e3c_bodypart_spans_are_neutral_for_conditions_wholly_inside() -> None:
    text = "A firm pelvic mass was felt. The left ovary was enlarged. She had fever."

    def off(phrase: str) -> str:
        start = text.index(phrase)
        return f'begin="{start}" end="{start + len(phrase)}"'

    xmi = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
        'xmlns:custom="http:///webanno/custom.ecore" xmi:version="2.0">'
        f'<cas:Sofa xmi:id="12" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="{text}"/>'
        f'<custom:BODYPART xmi:id="1" sofa="12" {off("pelvic mass")} eventiveValue="EVENT"/>'
        f'<custom:BODYPART xmi:id="2" sofa="12" {off("left ovary")} eventiveValue="N/A"/>'
        f'<custom:CLINENTITY xmi:id="3" sofa="12" {off("fever")} entityID="C0015967"/>'
        "</xmi:XMI>"
    ).encode()
    gold_doc = parse_xmi("EN1", xmi)
    assert [(n.label, text[n.span.start : n.span.end]) for n in gold_doc.neutral] == [
        ("BODYPART", "pelvic mass"),
        ("BODYPART", "left ovary"),
    ]
    b = BundleBuilder(text)
    b.condition("mass")  # inside the body-part span: neutral
    b.condition("The left ovary was enlarged")  # reaches past the span: still a false positive
    b.condition("fever")
    s = score_document(gold_doc, predicted_mentions(b.build(), len(text))[0])
    assert s.neutral_by == {"condition": {"BODYPART": 1}}
    c = s.overlap["condition"]
    assert (c.gold, c.predicted, c.tp) == (1, 2, 1)
    assert [text[m.span.start : m.span.end] for m in s.false_positives] == ["The left ovary was enlarged"]


def test_e3c_actual_events_outside_clinical_entities_are_neutral_with_the_same_polarity() -> None:
    """E3C types many findings only as EVENTs (docs/evaluation.md): a Condition holding an actual event
    word of the same polarity, outside every CLINENTITY, is neutral; a hypothetical event, a polarity
    disagreement and a duplicate inside a CLINENTITY still count."""
    text = (
        "She looked pale. There was no rash. Antibiotics were given to cover infections. "
        "He was not jaundiced. She had renal colic."
    )

    def off(phrase: str) -> str:
        start = text.index(phrase)
        return f'begin="{start}" end="{start + len(phrase)}"'

    def event(i: int, phrase: str, modality: str = "ACTUAL", polarity: str = "POS") -> str:
        return (
            f'<custom:EVENT xmi:id="{i}" sofa="12" {off(phrase)} contextualModality="{modality}" '
            f'polarity="{polarity}"/>'
        )

    xmi = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
        'xmlns:custom="http:///webanno/custom.ecore" xmi:version="2.0">'
        f'<cas:Sofa xmi:id="12" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="{text}"/>'
        + event(1, "pale")
        + event(2, "rash", polarity="NEG")
        + event(3, "infections", modality="HYPOTHETICAL-OTHER")
        + event(4, "jaundiced", polarity="NEG")
        + event(5, "colic")
        + f'<custom:CLINENTITY xmi:id="6" sofa="12" {off("renal colic")} entityID="C0152169"/>'
        + "</xmi:XMI>"
    ).encode()
    gold_doc = parse_xmi("EN2", xmi)
    # hypothetical events and events inside a clinical entity are no neutral spans at all
    assert [(n.label, text[n.span.start : n.span.end], n.negated) for n in gold_doc.neutral] == [
        ("EVENT", "pale", False),
        ("EVENT", "rash", True),
        ("EVENT", "jaundiced", True),
    ]
    b = BundleBuilder(text)
    b.condition("pale")  # actual, same polarity: neutral
    b.condition("rash", negated=True)  # refuted on a NEG event: neutral
    b.condition("infections")  # hypothetical event: still a false positive
    b.condition("jaundiced")  # asserted where the gold says NEG: still a false positive
    b.condition("renal colic")
    b.condition("colic", nth=0, more=())  # a second prediction inside the matched entity: still counts
    s = score_document(gold_doc, predicted_mentions(b.build(), len(text))[0])
    assert s.neutral_by == {"condition": {"EVENT": 2}}
    c = s.overlap["condition"]
    assert (c.gold, c.predicted, c.tp) == (1, 4, 1)
    assert sorted(text[m.span.start : m.span.end] for m in s.false_positives) == [
        "colic",
        "infections",
        "jaundiced",
    ]
