"""Gold readers on snippets written here: every assertion names the words it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirconv.errors import HostileInputError, InputError, MalformedInputError
from fhirconv.evaluate import parse_brat, parse_xmi, read_brat, read_xmi
from fhirconv.evaluate.xmi import normalise_age

TEXT = "A 54-year-old woman had no fever but a cough.\nShe was given amoxicillin 500 mg orally for 5 days.\n"


def _off(phrase: str) -> str:
    start = TEXT.index(phrase)
    return f"{start} {start + len(phrase)}"


ANN = "\n".join(
    [
        f"T1\tAge {_off('54-year-old')}\t54-year-old",
        f"T2\tSex {_off('woman')}\twoman",
        f"T3\tSign_symptom {_off('fever')}\tfever",
        "E1\tSign_symptom:T3 ",
        "A1\tPOLARITY E1 NEG",
        f"T4\tSign_symptom {_off('cough')}\tcough",
        "E2\tSign_symptom:T4 ",
        f"T5\tMedication {_off('amoxicillin')}\tamoxicillin",
        "E3\tMedication:T5 ",
        f"T6\tDosage {_off('500 mg')}\t500 mg",
        f"T7\tAdministration {_off('orally')}\torally",
        f"T8\tDuration {_off('5 days')}\t5 days",
        "E4\tDuration:T8 ",
        "R1\tMODIFY Arg1:T6 Arg2:E3\t",
        "R2\tMODIFY Arg1:T7 Arg2:E3\t",
        "R3\tMODIFY Arg1:E4 Arg2:E3\t",
        f"T9\tBiological_structure {_off('She')}\tShe",
        "*\tOVERLAP E1 E2",
        "#1\tAnnotatorNotes E1\tnote with\ttabs",
        "",
    ]
)


def test_brat_categories_negation_and_attributes() -> None:
    doc = parse_brat("d1", TEXT, ANN)
    by_text = {TEXT[m.span.start : m.span.end]: m for m in doc.mentions}
    assert set(by_text) == {
        "54-year-old",
        "woman",
        "fever",
        "cough",
        "amoxicillin",
    }  # Biological_structure dropped
    assert by_text["fever"].category == "condition" and by_text["fever"].negated
    assert not by_text["cough"].negated
    assert by_text["54-year-old"].category == "age"
    drug = by_text["amoxicillin"]
    assert drug.category == "medication"
    got = {(a.kind, TEXT[a.span.start : a.span.end]) for a in drug.attributes}
    assert got == {("dose", "500 mg"), ("route", "orally"), ("duration", "5 days")}


def test_brat_discontinuous_span_is_covering_span() -> None:
    text = "no rebound or tenderness"
    doc = parse_brat("d", text, "T1\tSign_symptom 3 10;14 24\trebound tenderness\n")
    (m,) = doc.mentions
    assert (m.span.start, m.span.end) == (3, 24)


@pytest.mark.parametrize(
    "ann",
    [
        "T1\tSign_symptom 3 x\tfoo\n",  # bad offset
        "T1\tSign_symptom 3 999\tfoo\n",  # beyond the text
        "Q1\tsomething\n",  # unknown line kind
        "E1\t\n",  # event without trigger
    ],
)
def test_brat_broken_lines_raise(ann: str) -> None:
    with pytest.raises(MalformedInputError):
        parse_brat("d", "short text", ann)


def test_read_brat_keeps_crlf_offsets_and_needs_both_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"Fever.\r\nCough.\r\n")
    (tmp_path / "x.ann").write_bytes(b"T1\tSign_symptom 8 13\tCough\n")
    doc = read_brat(tmp_path / "x.ann")
    (m,) = doc.mentions
    assert doc.text[m.span.start : m.span.end] == "Cough"
    assert doc.text_path == tmp_path / "x.txt"
    (tmp_path / "y.ann").write_text("T1\tSign_symptom 0 1\tF\n")
    with pytest.raises(InputError):
        read_brat(tmp_path / "y.ann")


SOFA = "A 33-year-old man had no fever. Hb 10.9 g/dl."


def _xmi(extra: str, sofa: str = SOFA) -> bytes:
    def off(p: str) -> str:
        s = sofa.index(p)
        return f'begin="{s}" end="{s + len(p)}"'

    body = extra.format(
        actor=off("A 33-year-old man"), fever=off("fever"), rml=off("10.9 g/dl"), hb=off("Hb"), no=off("no")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
        'xmlns:custom="http:///webanno/custom.ecore" xmi:version="2.0">'
        f'<cas:Sofa xmi:id="12" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="{sofa}"/>'
        f"{body}</xmi:XMI>"
    ).encode()


def test_xmi_entities_negation_rml_and_age() -> None:
    data = _xmi(
        '<custom:CLINENTITY xmi:id="1" sofa="12" {fever} entityID="C0015967"/>'
        '<custom:EVENT xmi:id="2" sofa="12" {fever} polarity="NEG"/>'
        '<custom:EVENT xmi:id="3" sofa="12" {hb} polarity="POS"/>'
        '<custom:RML xmi:id="4" sofa="12" {rml}/>'
        '<custom:ACTOR xmi:id="5" sofa="12" {actor} role="PATIENT" age="33YY"/>'
        '<custom:CLINENTITY xmi:id="6" sofa="99" {no} entityID="C1"/>'  # other view: ignored
    )
    doc = parse_xmi("EN1", data)
    assert doc.text == SOFA
    got = {(m.category, SOFA[m.span.start : m.span.end], m.negated, m.value) for m in doc.mentions}
    assert got == {
        ("condition", "fever", True, "C0015967"),
        ("observation.value", "10.9 g/dl", False, None),
        ("age", "A 33-year-old man", False, "33 a"),
    }
    assert "medication" not in doc.annotated and "condition" in doc.annotated


def test_xmi_condition_without_neg_event_is_affirmed() -> None:
    data = _xmi(
        '<custom:CLINENTITY xmi:id="1" sofa="12" {fever}/>'
        '<custom:EVENT xmi:id="2" sofa="12" {hb} polarity="NEG"/>'
    )
    (m,) = parse_xmi("EN1", data).mentions
    assert not m.negated


def test_xmi_hostile_and_malformed_are_refused(tmp_path: Path) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(HostileInputError):
        parse_xmi("e", evil)
    with pytest.raises(MalformedInputError):
        parse_xmi("e", b"<xmi:XMI xmlns:xmi='http://www.omg.org/XMI'><unclosed></xmi:XMI>")
    with pytest.raises(MalformedInputError):
        parse_xmi("e", b"<x/>")  # no sofa
    with pytest.raises(MalformedInputError):
        parse_xmi("e", _xmi('<custom:CLINENTITY xmi:id="1" sofa="12" begin="5" end="999"/>'))
    path = tmp_path / "EN9.xml"
    path.write_bytes(_xmi(""))
    assert read_xmi(path).text_path is None  # no sibling .txt: the sofa text gets converted


@pytest.mark.parametrize(("raw", "want"), [("14Y", "14 a"), ("9.5M", "9.5 mo"), ("3W", "3 wk"), ("en", None)])
def test_e3c_age_normalisation(raw: str, want: str | None) -> None:
    assert normalise_age(raw) == want
