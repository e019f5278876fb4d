"""Plain-text reader: exact text, encodings, headings and page-dump boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_shared

from fhirconv.errors import InputError, MalformedInputError
from fhirconv.model import DocumentFormat, SectionType
from fhirconv.readers import read_bytes, read_path


def _types_of(doc, needle: str) -> set[SectionType]:
    """Types of every section that covers an occurrence of ``needle``."""
    start = doc.text.index(needle)
    found = {s.type for s in doc.sections if s.start < start + len(needle) and start < s.end}
    assert found, f"{needle!r} lies in no section"
    return found


def _seed():
    seeds = require_shared("seeds")
    return read_path(sorted(seeds.glob("*.txt"))[0])


def test_seed_text_is_the_file_exactly() -> None:
    path = sorted(require_shared("seeds").glob("*.txt"))[0]
    assert _seed().text == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("needle", ["Dropcho EJ", "Copyright 2004", "About Bioline", "Site created", "ISSN"])
def test_seed_furniture_is_excluded(needle: str) -> None:
    doc = _seed()
    assert all(t in {s.type for s in doc.sections if s.excluded} for t in _types_of(doc, needle))


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("About Bioline", SectionType.NAVIGATION),
        ("1.Dropcho EJ", SectionType.REFERENCES),
        ("Copyright 2004", SectionType.FOOTER),
        ("Correspondence Address", SectionType.FRONT_MATTER),
        ("Code Number", SectionType.FRONT_MATTER),
    ],
)
def test_seed_furniture_types(needle: str, expected: SectionType) -> None:
    assert _types_of(_seed(), needle) == {expected}


def test_seed_case_text_is_body() -> None:
    doc = _seed()
    for needle in (
        "A 41-year-old woman presented",
        "intravenous immunoglobulin (IVI g)",
        "Our case suggests",
    ):
        assert _types_of(doc, needle) == {SectionType.OTHER}


def test_seed_title() -> None:
    doc = _seed()
    title = "Treatment of idiopathic opsoclonus-myoclonus syndrome with intravenous immunoglobulin"
    assert doc.metadata.title == title
    assert _types_of(doc, title) == {SectionType.TITLE}


def test_title_is_the_longest_headline_before_the_body() -> None:
    raw = (
        b"Clinical Cases Weekly Digest\n\n"
        b"Severe hyponatraemia after marathon running in a young adult\n\n"
        b"A 25-year-old man collapsed after a marathon and was brought to the emergency room.\n"
    )
    doc = read_bytes(raw, "t.txt")
    assert doc.metadata.title == "Severe hyponatraemia after marathon running in a young adult"
    assert all(s.excluded for s in doc.sections if s.start < doc.text.index("Severe"))
    assert _types_of(doc, "A 25-year-old man") == {SectionType.OTHER}


def test_title_case_title_is_not_a_menu() -> None:
    raw = b"Home  About  Journals  Contact\nSevere Hyponatraemia After Marathon Running\nA 25-year-old man collapsed.\n"
    doc = read_bytes(raw, "t.txt")
    assert doc.metadata.title == "Severe Hyponatraemia After Marathon Running"
    assert _types_of(doc, "Home") == {SectionType.NAVIGATION}


def test_text_files_keep_exact_text_and_tile_in_order() -> None:
    for path in sorted(require_shared("real-docs", "text").glob("*.txt")):
        doc = read_path(path)
        raw = path.read_bytes()
        assert doc.text == raw.decode(doc.encoding), path.name
        assert doc.format is DocumentFormat.TEXT
        previous_end = 0
        for s in doc.sections:
            assert s.start >= previous_end and s.end > s.start, path.name
            assert not doc.text[previous_end : s.start].strip(), f"{path.name}: text outside sections"
            previous_end = s.end
        assert not doc.text[previous_end:].strip()


def test_e3c_texts_have_no_headings_and_nothing_excluded() -> None:
    for path in sorted(require_shared("real-docs", "text").glob("txt_e3c_*.txt")):
        doc = read_path(path)
        assert [s.type for s in doc.sections] == [SectionType.OTHER], path.name


def test_pmcbody_plain_line_headings_become_sections() -> None:
    doc = read_path(require_shared("real-docs", "text", "txt_pmcbody_PMC3075191.txt"))
    assert [s.type for s in doc.sections] == [
        SectionType.BACKGROUND,
        SectionType.CASE,
        SectionType.DISCUSSION,
        SectionType.CONCLUSION,
    ]
    assert [s.title for s in doc.sections] == ["Introduction", "Case Report", "Discussion", "Conclusion"]


def test_pmcbody_back_matter_excluded_but_case_kept() -> None:
    doc = read_path(require_shared("real-docs", "text", "txt_pmcbody_PMC6055316.txt"))
    assert _types_of(doc, "Financial support and sponsorship") == {SectionType.ACKNOWLEDGEMENTS}
    assert _types_of(doc, "A 35-year old woman gave birth") == {SectionType.CASE}


def test_figure_legends_after_back_matter_are_not_excluded() -> None:
    doc = read_path(require_shared("real-docs", "text", "txt_pmcbody_PMC3970943.txt"))
    assert _types_of(doc, "Figure 1 Unenhanced") == {SectionType.OTHER}


def test_latin1_file_decodes_micro_sign() -> None:
    doc = read_path(require_shared("real-docs", "text", "txt_pmcbody_PMC2908230.txt"))
    assert "Phenylephrine 100 µg was" in doc.text
    assert "Actylase®" in doc.text
    assert doc.encoding == "cp1252"
    assert any("not valid UTF-8" in w for w in doc.warnings)


def test_maccrobat_texts_have_nothing_excluded() -> None:
    """Gold-annotated case texts must reach extraction whole: no line may be typed as boilerplate."""
    paths = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    assert paths
    for path in paths:
        doc = read_path(path)
        assert doc.text == path.read_bytes().decode("utf-8")
        assert not [s for s in doc.sections if s.excluded], path.name


def test_cp1252_bytes_fall_back_with_warning() -> None:
    doc = read_bytes("The patient said \u201cno\u201d.\n".encode("cp1252"), "q.txt")
    assert doc.text == "The patient said \u201cno\u201d.\n"
    assert doc.encoding == "cp1252"
    assert doc.warnings


def test_undefined_cp1252_bytes_fall_back_to_latin1() -> None:
    doc = read_bytes(b"Dose 5 \x81 \xb5g.", "q.txt")
    assert doc.encoding == "latin-1"
    assert doc.text == "Dose 5 \x81 µg."


def test_utf8_bom_is_stripped_and_nothing_else() -> None:
    doc = read_bytes(b"\xef\xbb\xbf  A 3-year-old boy.\r\n\r\nHe had fever.  ", "bom.txt")
    assert doc.text == "  A 3-year-old boy.\r\n\r\nHe had fever.  "


def test_utf16_bom_text() -> None:
    doc = read_bytes("A 3-year-old boy had fever.".encode("utf-16"), "u16.txt")
    assert doc.text == "A 3-year-old boy had fever."


def test_numbered_and_upper_case_headings() -> None:
    raw = (
        "1. INTRODUCTION\nThis disease is rare in adults and children alike.\n\n"
        "2. Case presentation:\nA 50-year-old man had chest pain for two days.\n\n"
        "3 Discussion\nSuch cases are rarely reported in the literature.\n\n"
        "Conclusions\nEarly diagnosis matters a great deal here.\n\n"
        "Acknowledgments\nWe thank the nurses of the ward for their help.\n\n"
        "References\n1. Smith J. A paper. J Med 2001;1:1-2.\n"
    )
    doc = read_bytes(raw.encode(), "h.txt")
    assert [s.type for s in doc.sections] == [
        SectionType.BACKGROUND,
        SectionType.CASE,
        SectionType.DISCUSSION,
        SectionType.CONCLUSION,
        SectionType.ACKNOWLEDGEMENTS,
        SectionType.REFERENCES,
    ]


def test_heading_words_inside_sentences_are_not_headings() -> None:
    doc = read_bytes(b"The discussion with the family was long.\nTreatment was started at once.\n", "s.txt")
    assert [s.type for s in doc.sections] == [SectionType.OTHER]


def test_trailing_citation_run_is_references() -> None:
    raw = (
        "A 60-year-old man presented with fever and cough for a week.\n\n"
        "[1] Smith J, Doe A. Fever in adults. Lancet 1999;2:33-4.\n"
        "[2] Roe B. Cough. BMJ 2004;5:6-7.\n"
    )
    doc = read_bytes(raw.encode(), "r.txt")
    assert _types_of(doc, "[1] Smith") == {SectionType.REFERENCES}
    assert _types_of(doc, "[2] Roe") == {SectionType.REFERENCES}
    assert _types_of(doc, "A 60-year-old") == {SectionType.OTHER}


def test_last_line_without_full_stop_stays_in_body() -> None:
    raw = b"A 60-year-old man presented with fever.\nRadiotherapy of the area was performed (70 Gy, 35 sessions)"
    doc = read_bytes(raw, "t.txt")
    assert _types_of(doc, "Radiotherapy") == {SectionType.OTHER}


def test_empty_input_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="empty"):
        read_bytes(b"", "empty.txt")
    with pytest.raises(InputError, match="empty"):
        read_bytes(b" \n\t\r\n", "blank.txt")


def test_binary_bytes_in_text_are_refused() -> None:
    with pytest.raises(MalformedInputError, match="binary"):
        read_bytes(b"abc\x00\x01\x02def", "x.txt", format=DocumentFormat.TEXT)


def test_reading_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"Case report\nA 40-year-old woman had a rash.\n")
    assert read_path(path) == read_path(path)
    assert read_path(path).source_sha256 == read_path(path).source_sha256


def _regex_lines(text: str) -> tuple[list[object], list[tuple[int, int]]]:
    """The lines as the reader split them before its ``str.split`` path: one ``_LINE`` match each."""
    from fhirconv.readers._layout import Block
    from fhirconv.readers.text import _LINE

    blocks: list[object] = []
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        line = m.group().rstrip("\r\n")
        if line.strip():
            blocks.append(Block(line.strip()))
            spans.append((m.start() + len(line) - len(line.lstrip()), m.start() + len(line.rstrip())))
    return blocks, spans


_ODD_LINES = [
    "",
    "\n",
    "a",
    "\n\n  a  \n\n",
    "  lead\ttab \x0b\x0c\n trail  \u2028 sep \x85 next\u00a0\n\u3000wide\u3000",
    "one\ntwo\n\n\nthree",
    "\t\n \n\t \n",
    "x" * 1000 + "\n" + " y " * 300,
    "a\rb\r\nc\n\rd\r\r\ne",  # carriage returns: the regex path itself
]


def test_split_lines_are_the_regex_lines() -> None:
    """The ``str.split`` path (texts without a carriage return) gives the blocks and spans of the
    ``_LINE`` matches, on every dev, seed and sample text and on odd white space."""
    from fhirconv.readers.text import _lines, _split_lines

    dev = require_shared("corpora", "maccrobat2020", "dev")
    texts = [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(require_shared("seeds").glob("*.txt"))]
    samples = Path(__file__).resolve().parents[2] / "samples"
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(samples.glob("*.txt"))]
    texts += _ODD_LINES
    split = 0
    for text in texts:
        assert _lines(text) == _regex_lines(text), text[:60]
        if "\r" not in text:
            assert _split_lines(text) == _regex_lines(text), text[:60]
            split += 1
    assert split > 100
