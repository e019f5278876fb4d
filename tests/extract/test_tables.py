"""Issue 10: tables read cell by cell (JATS table-wrap, HTML <table>, tab-separated text lines).

Each data cell becomes one Observation of its row's test, valued by the cell (with the unit of the row
header or range cell), dated by its column when the column header is a time, and quoting the exact cell.
All documents here are team-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import converter

from fhirconv.readers import read_bytes

DATA = Path(__file__).resolve().parents[1] / "data" / "tables"


def _observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]


def _value_offset(res: dict[str, Any]) -> tuple[int, int]:
    for ext in res.get("extension", []):
        if not ext["url"].endswith("derivation-reference"):
            continue
        parts = {x["url"]: x for x in ext["extension"]}
        if parts["path"]["valueString"] == "Observation.value[x]":
            return parts["offset"]["valueInteger"], parts["length"]["valueInteger"]
    raise AssertionError(f"no value derivation on {res['code']}")


def _cells(bundle: dict[str, Any], analytes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [o for o in _observations(bundle) if o["code"].get("text") in analytes and "valueQuantity" in o]


def test_jats_lab_table_over_three_days_gives_one_dated_observation_per_cell() -> None:
    data = (DATA / "three-day-labs.nxml").read_bytes()
    doc = read_bytes(data, "three-day-labs.nxml")
    assert len(doc.tables) == 1 and doc.tables[0].header_rows == 1
    bundle = converter().convert(doc)
    cells = _cells(bundle, ("Sodium", "Potassium", "Creatinine"))
    want = {
        ("Sodium", "121"), ("Sodium", "129"), ("Sodium", "137"),
        ("Potassium", "3.1"), ("Potassium", "3.8"), ("Potassium", "4.2"),
        ("Creatinine", "1.4"), ("Creatinine", "1.1"), ("Creatinine", "0.9"),
    }  # fmt: skip
    got = {(o["code"]["text"], str(o["valueQuantity"]["value"])) for o in cells}
    assert got == want and len(cells) == 9
    # dated by the column: three distinct days, in the order of the columns, the same for every row
    by_row: dict[str, list[str]] = {}
    for o in cells:
        by_row.setdefault(o["code"]["text"], []).append(o["effectiveDateTime"])
    days = [sorted(v) for v in by_row.values()]
    assert all(len(set(d)) == 3 for d in days) and days[0] == days[1] == days[2]
    # units from the row header, and every value quotes exactly its cell
    units = {o["code"]["text"]: o["valueQuantity"]["code"] for o in cells}
    assert units == {"Sodium": "mmol/L", "Potassium": "mmol/L", "Creatinine": "mg/dL"}
    for o in cells:
        off, length = _value_offset(o)
        assert doc.text[off : off + length] == str(o["valueQuantity"]["value"])
    # the reference-range column is a range, never a fourth result
    sodium = [o for o in cells if o["code"]["text"] == "Sodium"]
    assert all(o["referenceRange"][0]["low"]["value"] == 135 for o in sodium)
    assert {o["interpretation"][0]["coding"][0]["code"] for o in sodium} == {"L", "N"}


def test_html_table_cells_become_observations() -> None:
    page = (
        b"<html><body><h2>Case report</h2><p>A 60-year-old man was admitted with fatigue.</p>"
        b"<table><tr><th>Test</th><th>On admission</th><th>Hospital day 4</th><th>Units</th></tr>"
        b"<tr><td>Hemoglobin</td><td>8.2</td><td>10.4</td><td>g/dL</td></tr>"
        b"<tr><td>Platelets</td><td>95</td><td>160</td><td>10^9/L</td></tr></table>"
        b"<p>He was discharged home.</p></body></html>"
    )
    doc = read_bytes(page, "labs.html")
    assert len(doc.tables) == 1
    extraction = converter().extract(doc)
    cells = sorted(
        (o.text, str(o.value.value), o.value.ucum, o.time.start_day if o.time else None)
        for o in extraction.observations
        if o.value is not None and o.text in ("Hemoglobin", "Platelets")
    )
    assert cells == [
        ("Hemoglobin", "10.4", "g/dL", 3.0),
        ("Hemoglobin", "8.2", "g/dL", 0.0),
        ("Platelets", "160", "10*9/L", 3.0),
        ("Platelets", "95", "10*9/L", 0.0),
    ]


def test_tab_separated_text_table_and_undated_columns() -> None:
    text = (
        "Case report\n\nA 33-year-old woman presented with jaundice.\n\n"
        "Parameter\tAt presentation\tAfter treatment\tRange\n"
        "Total bilirubin\t8.5\t1.0\t0.3-1.2 mg/dL\n"
        "Albumin\t2.9\t3.8\t3.5-5.0 g/dL\n\n"
        "She recovered.\n"
    )
    doc = read_bytes(text.encode(), "case.txt")
    assert len(doc.tables) == 1 and doc.tables[0].header_rows == 1
    extraction = converter().extract(doc)
    cells = {
        (o.text, str(o.value.value)): (o.value.ucum, o.time.start_day if o.time else None)
        for o in extraction.observations
        if o.value is not None and o.text in ("Total bilirubin", "Albumin")
    }
    # "After treatment" names no day: the cell keeps its value and stays undated (never guessed)
    assert cells == {
        ("Total bilirubin", "8.5"): ("mg/dL", 0.0),
        ("Total bilirubin", "1.0"): ("mg/dL", None),
        ("Albumin", "2.9"): ("g/dL", 0.0),
        ("Albumin", "3.8"): ("g/dL", None),
    }


def test_row_header_naming_more_than_the_test_is_left_alone() -> None:
    text = (
        "Case report\n\nA 50-year-old man presented with jaundice.\n\n"
        "Parameter\tDay 1\tDay 2\n"
        "Bilirubin (conjugated fraction)\t4.1\t3.0\n"
        "Albumin (g/dL)\t3.1\t3.3\n"
    )
    extraction = converter().extract(read_bytes(text.encode(), "case.txt"))
    valued = {o.text for o in extraction.observations if o.value is not None}
    assert "Albumin" in valued
    assert not any("ilirubin" in t for t in valued)


def test_layout_table_stays_paragraphs() -> None:
    page = (
        b"<html><body><table><tr><td><p>Case report</p><p>A 20-year-old man had a sodium of 130 mmol/L.</p>"
        b"</td><td><p>Menu</p></td></tr></table></body></html>"
    )
    doc = read_bytes(page, "layout.html")
    assert doc.tables == ()
    values = [o for o in converter().extract(doc).observations if o.value is not None]
    assert [(o.text, str(o.value.value)) for o in values] == [("sodium", "130")]


def test_row_headers_that_are_chemical_symbols() -> None:
    text = (
        "Case report\n\nA 33-year-old woman presented with vomiting.\n\n"
        "Parameter\tOn admission\tRange\n"
        "Na\t124\t136-146 mmol/L\n"
        "K+ (mmol/L)\t3.2\t3.5-5.1\n"
        "Qz\t4\t1-2 mg/dL\n"
    )
    extraction = converter().extract(read_bytes(text.encode(), "case.txt"))
    cells = {
        (o.text, str(o.value.value), o.value.ucum) for o in extraction.observations if o.value is not None
    }
    # the name is the symbol with the test's name (as a defined abbreviation reads), the quoted words
    # stay the table's own; the code is the test's; an unknown symbol gives nothing
    assert cells == {("Na (Sodium)", "124", "mmol/L"), ("K+ (Potassium)", "3.2", "mmol/L")}
    sodium = next(o for o in extraction.observations if o.text == "Na (Sodium)")
    assert sodium.codings and sodium.reference_range is not None
    assert [m.text for m in sodium.mentions if m.role.value == "head"] == ["Na"]


def test_row_of_an_uncoded_lexicon_test_and_a_space_grouped_number() -> None:
    text = (
        "Case report\n\nA 40-year-old man presented with fatigue.\n\n"
        "Parameter\tOn admission\tRange\n"
        "Serum bicarbonate (mmol/L)\t14\t22-29\n"
        "Serum ferritin (ug/L)\t52 300\t24-336\n"
    )
    extraction = converter().extract(read_bytes(text.encode(), "case.txt"))
    cells = {(o.text, str(o.value.value), o.value.ucum) for o in extraction.observations if o.value}
    assert cells == {("Serum bicarbonate", "14", "mmol/L"), ("Serum ferritin", "52300", "ug/L")}
