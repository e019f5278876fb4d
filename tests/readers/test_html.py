"""HTML reader: article found inside site furniture, charsets decoded like a browser."""

from __future__ import annotations

import pytest
from support import require_shared

from fhirconv.errors import MalformedInputError
from fhirconv.model import DocumentFormat, SectionType
from fhirconv.readers import read_bytes, read_path

FURNITURE = [
    "HOME",
    "ABOUT US",
    "NEWSLETTER",
    "GUIDE FOR AUTHORS",
    "Submit Manuscripts",
    "Editorial Board",
    "Call for Papers",
    "Full Text - PDF",
    "Privacy policy",
    "Copyright",
    "©",
    "Search",
    "responsiveSlides",
]


def _pages():
    pages = sorted(require_shared("real-docs", "html").glob("*.html"))
    assert pages
    return pages


def test_pages_keep_the_abstract_in_an_abstract_section() -> None:
    for path in _pages():
        doc = read_path(path)
        abstract = [s for s in doc.sections if s.type is SectionType.ABSTRACT]
        assert len(abstract) == 1, path.name
        body = doc.text[abstract[0].start : abstract[0].end]
        assert len(body.split()) > 60, path.name
        assert doc.format is DocumentFormat.HTML


def test_pages_drop_menus_footers_and_scripts() -> None:
    for path in _pages():
        text = read_path(path).text
        for needle in FURNITURE:
            assert needle not in text, f"{path.name}: {needle!r} leaked"


def test_abstract_text_of_a_known_page() -> None:
    doc = read_path(require_shared("real-docs", "html", "html_pyrex_pjmms_2016_chauhan.html"))
    assert "Here we highlight a case of an adolescent girl" in doc.text
    start = doc.text.index("Here we highlight")
    section = doc.section_at(start)
    assert section is not None and section.type is SectionType.ABSTRACT


def test_declared_latin1_with_cp1252_quotes_decodes_curly_quotes() -> None:
    doc = read_path(require_shared("real-docs", "html", "html_pyrex_pjmms_2016_chauhan.html"))
    assert "\u2018Congenital\u2019" in doc.text
    assert "\x91" not in doc.text and "\x92" not in doc.text
    assert doc.encoding == "cp1252"
    assert any("0x80-0x9F" in w for w in doc.warnings)


def test_citation_meta_tags_give_metadata() -> None:
    doc = read_path(require_shared("real-docs", "html", "html_pyrex_pjmms_2016_chauhan.html"))
    assert doc.metadata.title is not None and doc.metadata.title.startswith(
        "Acquired Tracheoesophageal Fistula"
    )
    assert doc.metadata.journal == "Pyrex Journal of Medicine and Medical Services"
    assert doc.metadata.year == "2016"


def test_title_section_and_front_matter_excluded() -> None:
    doc = read_path(require_shared("real-docs", "html", "html_pyrex_pjmms_2018_okubuiro_okoli.html"))
    title = [s for s in doc.sections if s.type is SectionType.TITLE]
    assert len(title) == 1
    assert doc.text[title[0].start : title[0].end].startswith("Post-Herniotomy Pain Management")
    for needle in ("Corresponding Author", "Accepted 24th Nov", "ISSN", "Consultant Anaesthetist"):
        if needle in doc.text:
            section = doc.section_at(doc.text.index(needle))
            assert section is not None and section.excluded, needle


def _page(body: str, charset: str = "utf-8") -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f'<meta name="citation_title" content="Fever in a child"><title>Fever</title></head><body>{body}</body></html>'
    )


ARTICLE = (
    "<nav><a href='/'>Home</a> <a href='/j'>Journals</a></nav>"
    "<div class='site-header'>Big Journal Banner</div>"
    "<div id='content'><h1>Fever in a child</h1>"
    "<h2>Abstract</h2><p>We report a 4-year-old boy with fever for five days and a rash on the trunk, "
    "who was treated with intravenous immunoglobulin 2 g/kg and recovered.</p>"
    "<h2>Case report</h2><p>The boy had a temperature of 39.5 \u00b0C. Laboratory tests showed a CRP of "
    "120 mg/L and a platelet count of 600 x 10^9/L on day seven.</p>"
    "<h2>References</h2><ol><li>Kawasaki T. Acute febrile mucocutaneous syndrome. Jpn J Allergol 1967;16:178.</li></ol>"
    "</div><aside>Most read articles</aside><footer>&copy; 2020 Big Journal</footer>"
    "<script>var tracking = 1;</script>"
)


def test_synthetic_page_sections_and_cleaning() -> None:
    doc = read_bytes(_page(ARTICLE).encode("utf-8"), "p.html")
    types = [s.type for s in doc.sections]
    assert types == [SectionType.TITLE, SectionType.ABSTRACT, SectionType.CASE]
    for needle in ("Home", "Journals", "Banner", "Most read", "2020 Big Journal", "tracking", "Kawasaki"):
        assert needle not in doc.text, needle
    assert "39.5 \u00b0C" in doc.text
    assert "\n\n" in doc.text


def test_declared_utf8_but_cp1252_bytes() -> None:
    data = _page(
        "<p>The patient\u2019s temperature was 39 \u00b0C on the first day of admission here.</p>"
    ).encode("cp1252")
    doc = read_bytes(data, "w.html")
    assert "patient\u2019s temperature was 39 \u00b0C" in doc.text
    assert any("declares UTF-8" in w for w in doc.warnings)


def test_declared_latin1_but_utf8_bytes() -> None:
    data = _page(
        "<p>Serum ferritin was 91 400 \u00b5g/L on admission to the intensive care unit.</p>", "iso-8859-1"
    )
    doc = read_bytes(data.encode("utf-8"), "u.html")
    assert "91 400 \u00b5g/L" in doc.text
    assert doc.encoding == "utf-8"


def test_malformed_html_is_recovered_not_lost() -> None:
    data = b"<html><body><div><p>A 70-year-old woman had <b>syncope</p><p>She was given <i>atropine"
    doc = read_bytes(data, "broken.html")
    assert "A 70-year-old woman had syncope" in doc.text
    assert "She was given atropine" in doc.text


def test_page_with_only_furniture_is_an_error() -> None:
    data = b"<html><body><nav>Home | About | Contact</nav><footer>(c) 2020</footer></body></html>"
    with pytest.raises(MalformedInputError):
        read_bytes(data, "empty.html")


def test_html_never_expands_entities_from_an_internal_subset() -> None:
    data = (
        b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "AAAA">]>'
        b"<html><body><p>A child had fever &xxe; &a; for five days before admission to our ward.</p></body></html>"
    )
    doc = read_bytes(data, "x.html")
    assert "root:" not in doc.text and "AAAA" not in doc.text and "]>" not in doc.text
    assert "A child had fever" in doc.text
