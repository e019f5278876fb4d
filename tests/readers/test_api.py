"""read_path / read_bytes: sniffing, size limit, file errors, and every shared document reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_shared

from fhirconv.errors import InputError, InputTooLargeError, UnsupportedFormatError
from fhirconv.model import DocumentFormat
from fhirconv.readers import Reader, get_reader, read_bytes, read_path, sniff_format

JATS = b'<article article-type="case-report"><body><p>A man had fever for two days.</p></body></article>'
BIOC = b"<?xml version='1.0'?><!DOCTYPE collection SYSTEM 'BioC.dtd'><collection><document></document></collection>"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"A 40-year-old man.", "case.txt", DocumentFormat.TEXT),
        (b"A 40-year-old man.", "case", DocumentFormat.TEXT),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page.php", DocumentFormat.HTML),
        (b"<html><body>x</body></html>", "page.txt", DocumentFormat.HTML),  # content beats the name
        (b"\xef\xbb\xbf<!doctype HTML><p>x", "p", DocumentFormat.HTML),
        (JATS, "a.xml", DocumentFormat.JATS),
        (JATS, "a.nxml", DocumentFormat.JATS),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE pmc-articleset PUBLIC "x" "y"><pmc-articleset/>',
            "a.xml",
            DocumentFormat.JATS,
        ),
        (BIOC, "a.xml", DocumentFormat.BIOC),
        (BIOC, "whatever", DocumentFormat.BIOC),
        (b"<5 mm nodule seen on CT in a 60-year-old man.", "note", DocumentFormat.TEXT),
        (b"<5 mm nodule seen on CT.", "note.txt", DocumentFormat.TEXT),
    ],
)
def test_sniffing(data: bytes, name: str, expected: DocumentFormat) -> None:
    assert sniff_format(data, name) is expected


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7 ...", "a.pdf"),
        (b"PK\x03\x04....", "a.docx"),
        (b"<?xml version='1.0'?><Bundle xmlns='http://hl7.org/fhir'/>", "b.xml"),
        (b'{"resourceType": "Bundle"}', "b.json"),
    ],
)
def test_unsupported_formats_are_named(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedFormatError):
        read_bytes(data, name)


def test_explicit_format_overrides_sniffing() -> None:
    doc = read_bytes(b"<p>not parsed</p>", "x.html", format=DocumentFormat.TEXT)
    assert doc.text == "<p>not parsed</p>"


def test_size_limit_on_bytes() -> None:
    with pytest.raises(InputTooLargeError) as info:
        read_bytes(b"x" * 101, "big.txt", max_bytes=100)
    assert info.value.detail == {"size": 101, "limit": 100}
    assert read_bytes(b"x" * 100, "ok.txt", max_bytes=100).text == "x" * 100


def test_size_limit_on_path_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)
    with pytest.raises(InputTooLargeError, match="5000 bytes"):
        read_path(path, max_bytes=4096)


def test_size_limit_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mid.txt"
    path.write_bytes(b"a" * 300)
    monkeypatch.setenv("FHIRCONV_MAX_INPUT_BYTES", "200")
    with pytest.raises(InputTooLargeError):
        read_path(path)
    monkeypatch.setenv("FHIRCONV_MAX_INPUT_BYTES", "lots")
    with pytest.raises(InputError, match="FHIRCONV_MAX_INPUT_BYTES"):
        read_path(path)


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as info:
        read_path(tmp_path / "nope.txt")
    assert info.value.source == str(tmp_path / "nope.txt")
    with pytest.raises(InputError):
        read_path(tmp_path)


def test_errors_name_their_source() -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        read_bytes(b"%PDF-1.4", "paper.pdf")
    assert "paper.pdf" in str(info.value)


def test_readers_satisfy_the_protocol() -> None:
    for fmt in DocumentFormat:
        reader = get_reader(fmt)
        assert isinstance(reader, Reader)
        assert reader.format is fmt


def _shared_documents() -> list[Path]:
    root = require_shared("real-docs")
    paths = [p for p in sorted(root.glob("*/*")) if p.name != "README.md"]
    paths += sorted(require_shared("seeds").glob("*.txt"))
    return paths


def test_every_shared_document_reads_with_the_right_format() -> None:
    expected = {
        "text": DocumentFormat.TEXT,
        "html": DocumentFormat.HTML,
        "jats": DocumentFormat.JATS,
        "bioc": DocumentFormat.BIOC,
        "seeds": DocumentFormat.TEXT,
    }
    paths = _shared_documents()
    assert len(paths) >= 36
    for path in paths:
        doc = read_path(path)
        assert doc.format is expected[path.parent.name], path.name
        assert doc.text.strip() and doc.sections, path.name
        assert any(not s.excluded for s in doc.sections), path.name
        assert doc.source_name == str(path)


def test_batch_goes_on_past_a_bad_file(tmp_path: Path) -> None:
    """The readers raise per file, so a caller looping over inputs loses nothing from the good ones."""
    good = tmp_path / "good.txt"
    good.write_bytes(b"A 50-year-old man had fever.")
    bad = tmp_path / "bad.nxml"
    bad.write_bytes(b"<article><body><p>cut")
    results: dict[str, object] = {}
    for path in (bad, good):
        try:
            results[path.name] = read_path(path)
        except InputError as exc:
            results[path.name] = exc
    assert isinstance(results["bad.nxml"], InputError)
    assert not isinstance(results["good.txt"], Exception)
