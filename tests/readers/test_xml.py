"""JATS and BioC readers, and the hardened XML parser under hostile and broken input."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from support import require_shared

from fhirconv.errors import HostileInputError, InputError, MalformedInputError
from fhirconv.model import DocumentFormat, SectionType
from fhirconv.readers import read_bytes, read_path

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE collection [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<collection><document><id>1</id><passage><infon key="type">title</infon><offset>0</offset>
<text>&lol4;</text></passage></document></collection>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><front><article-meta><title-group><article-title>&xxe;</article-title></title-group>
</article-meta></front></article>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<article><body><p>x</p></body></article>"""

JATS_MINI = b"""<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 20120330//EN" "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report"><front>
<journal-meta><journal-title-group><journal-title>J Case Rep</journal-title></journal-title-group></journal-meta>
<article-meta><article-id pub-id-type="pmid">123</article-id><article-id pub-id-type="pmc">456</article-id>
<article-id pub-id-type="doi">10.1000/xyz</article-id>
<title-group><article-title>Fever and <italic>rash</italic> in a child</article-title></title-group>
<pub-date pub-type="epub"><year>2019</year></pub-date>
<abstract><p>A boy had fever.</p></abstract></article-meta></front>
<body><sec sec-type="intro"><title>Introduction</title><p>Fever is common.</p></sec>
<sec><title>Case presentation</title><p>A 4-year-old boy had fever [<xref ref-type="bibr" rid="r1">1</xref>].</p>
<sec><title>Laboratory findings</title><p>CRP was 120 mg/L.</p>
<table-wrap><label>Table 1</label><caption><p>Labs</p></caption><table><tr><td>CRP</td><td>120</td></tr></table></table-wrap>
</sec></sec>
<sec sec-type="discussion"><title>Discussion</title><p>Treatment matters.</p><sec><title>Treatment</title><p>IVIG is standard.</p></sec></sec>
<sec><title>Conflicts of interest</title><p>None declared by the authors.</p></sec></body>
<back><ack><p>We thank Dr Who.</p></ack><ref-list><ref id="r1"><mixed-citation>Kawasaki T. Acute febrile syndrome. 1967.</mixed-citation></ref></ref-list></back>
</article>"""


def _section_of(doc, needle: str) -> SectionType:
    section = doc.section_at(doc.text.index(needle))
    assert section is not None, needle
    return section.type


# --- hostile and broken input -----------------------------------------------------------------


def test_billion_laughs_is_hostile() -> None:
    with pytest.raises(HostileInputError):
        read_bytes(BILLION_LAUGHS, "lol.xml")


def test_external_entity_is_hostile() -> None:
    with pytest.raises(HostileInputError):
        read_bytes(XXE, "xxe.nxml")


def test_parameter_entity_is_hostile() -> None:
    with pytest.raises(HostileInputError):
        read_bytes(PARAMETER_ENTITY, "pe.nxml")


def test_hostile_doctype_in_utf16_is_still_caught() -> None:
    """The byte scan cannot see UTF-16; the parsed tree's internal DTD is checked too."""
    data = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(HostileInputError):
        read_bytes(data.encode("utf-16"), "xxe16.xml", format=DocumentFormat.JATS)


def test_public_doctype_without_internal_subset_is_accepted() -> None:
    doc = read_bytes(JATS_MINI, "mini.nxml")
    assert doc.metadata.title == "Fever and rash in a child"


def test_truncated_xml_is_malformed_with_position() -> None:
    data = JATS_MINI[: JATS_MINI.index(b'<sec sec-type="discussion">') + 30]
    with pytest.raises(MalformedInputError, match=r"line \d+, column \d+") as info:
        read_bytes(data, "cut.nxml")
    assert info.value.detail["line"] >= 1


def test_truncated_bioc_is_malformed() -> None:
    path = require_shared("real-docs", "bioc", "bioc_cdr_7949506.bioc.xml")
    data = path.read_bytes()
    with pytest.raises(MalformedInputError, match="line"):
        read_bytes(data[: len(data) // 2], path.name)


def test_no_network_or_file_access_for_undeclared_entity() -> None:
    data = b'<!DOCTYPE article SYSTEM "http://127.0.0.1:9/x.dtd"><article><body><p>Fever &nbsp; here.</p></body></article>'
    doc = read_bytes(data, "ent.nxml")
    assert "Fever" in doc.text


# --- JATS ----------------------------------------------------------------------------------------


def test_jats_mini_sections_and_metadata() -> None:
    doc = read_bytes(JATS_MINI, "mini.nxml")
    m = doc.metadata
    assert (m.pmid, m.pmcid, m.doi, m.year, m.journal) == (
        "123",
        "PMC456",
        "10.1000/xyz",
        "2019",
        "J Case Rep",
    )
    assert _section_of(doc, "Fever and rash") is SectionType.TITLE
    assert _section_of(doc, "A boy had fever") is SectionType.ABSTRACT
    assert _section_of(doc, "Fever is common") is SectionType.BACKGROUND
    assert _section_of(doc, "A 4-year-old boy") is SectionType.CASE
    assert _section_of(doc, "CRP was 120") is SectionType.INVESTIGATIONS
    assert _section_of(doc, "CRP\t120") is SectionType.INVESTIGATIONS
    assert _section_of(doc, "IVIG is standard") is SectionType.DISCUSSION  # nested under discussion


def test_jats_back_matter_never_reaches_text() -> None:
    doc = read_bytes(JATS_MINI, "mini.nxml")
    for needle in ("Dr Who", "Kawasaki", "None declared"):
        assert needle not in doc.text


def _ref_titles(data: bytes) -> list[str]:
    back = data[data.find(b"<back>") :]
    return [t.decode() for t in re.findall(rb"<article-title>([^<]{25,})</article-title>", back)]


def test_real_jats_files() -> None:
    paths = sorted(require_shared("real-docs", "jats").glob("*.nxml"))
    assert paths
    for path in paths:
        data = path.read_bytes()
        doc = read_path(path)
        types = [s.type for s in doc.sections]
        assert types[0] is SectionType.TITLE, path.name
        assert {SectionType.ABSTRACT, SectionType.CASE, SectionType.DISCUSSION} <= set(types), path.name
        assert not any(s.excluded for s in doc.sections), path.name
        assert doc.metadata.pmcid and doc.metadata.pmcid.startswith("PMC"), path.name
        assert doc.metadata.doi and doc.metadata.journal and doc.metadata.year, path.name
        titles = _ref_titles(data)
        assert titles, path.name
        for title in titles:
            assert title not in doc.text, f"{path.name}: reference {title!r} leaked"


def test_real_jats_pmid_is_from_front_not_from_references() -> None:
    doc = read_path(require_shared("real-docs", "jats", "jats_acg_PMC6358577.nxml"))
    assert doc.metadata.pmid is None  # its front has no pmid, only its references do
    assert doc.metadata.pmcid == "PMC6358577"
    kcj = read_path(require_shared("real-docs", "jats", "jats_kcj_PMC3717426.nxml"))
    assert kcj.metadata.pmid == "23882292"


def test_jats_with_several_articles_is_refused() -> None:
    inner = JATS_MINI[JATS_MINI.index(b"<article ") :]
    data = b"<pmc-articleset>" + inner + inner + b"</pmc-articleset>"
    with pytest.raises(InputError, match="2 articles"):
        read_bytes(data, "two.xml")


# --- BioC ----------------------------------------------------------------------------------------


def test_real_bioc_files_keep_gold_offsets() -> None:
    """Every gold annotation's offset/length must point at its own text in Document.text."""
    paths = sorted(require_shared("real-docs", "bioc").glob("*.xml"))
    assert paths
    for path in paths:
        doc = read_path(path)
        assert doc.format is DocumentFormat.BIOC
        assert [s.type for s in doc.sections] == [SectionType.TITLE, SectionType.ABSTRACT], path.name
        tree = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        annotations = tree.findall(".//annotation")
        assert annotations
        for ann in annotations:
            loc = ann.find("location")
            start, length = int(loc.get("offset")), int(loc.get("length"))
            assert doc.text[start : start + length] == ann.findtext("text"), path.name


def test_real_bioc_metadata() -> None:
    doc = read_path(require_shared("real-docs", "bioc", "bioc_cdr_7949506.bioc.xml"))
    assert doc.metadata.pmid == "7949506"
    assert doc.metadata.title == "Adverse interaction between clonidine and verapamil."


BIOC_TWO = b"""<collection><source>x</source><document><id>1</id><passage><infon key="type">title</infon>
<offset>0</offset><text>A</text></passage></document><document><id>2</id><passage><offset>0</offset><text>B</text>
</passage></document></collection>"""


def test_bioc_with_several_documents_is_refused() -> None:
    with pytest.raises(InputError, match="2 documents"):
        read_bytes(BIOC_TWO, "two.bioc.xml")


def test_bioc_inconsistent_offsets_fall_back_to_blank_lines() -> None:
    data = b"""<collection><document><id>9</id>
<passage><infon key="type">title</infon><offset>50</offset><text>Title here</text></passage>
<passage><infon key="section_type">CASE</infon><infon key="type">paragraph</infon><offset>3</offset><text>A man had fever.</text></passage>
<passage><infon key="section_type">REF</infon><offset>70</offset><text>Smith 2001.</text></passage>
</document></collection>"""
    doc = read_bytes(data, "x.bioc.xml")
    assert doc.text == "Title here\n\nA man had fever.\n\nSmith 2001."
    assert [s.type for s in doc.sections] == [SectionType.TITLE, SectionType.CASE, SectionType.REFERENCES]
    assert doc.warnings
