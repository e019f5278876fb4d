"""BioC XML reader (``collection/document/passage``).

Passages are laid out at their BioC offsets when those are consistent, so the corpus' gold annotation
offsets apply to ``Document.text`` unchanged; annotations themselves are ignored.
"""

from __future__ import annotations

from lxml import etree

from ..errors import InputError, MalformedInputError
from ..model import Document, DocumentFormat, Metadata, Section, SectionType
from ._common import sha256
from ._rules import SectionRules, shipped_rules
from ._xml import all_text, local, parse_xml, text_of

__all__ = ["BiocReader", "read_bioc"]

_MAX_GAP = 1000  # larger offset gaps would pad the text with filler; lay passages out plainly instead
_PUBMED_SOURCES = ("pubmed", "pubtator", "pmc")


def _infons(el: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for infon in el:
        if local(infon) == "infon" and infon.get("key"):
            out.setdefault(infon.get("key", ""), all_text(infon).strip())
    return out


def _passage_text(passage: etree._Element) -> str:
    text_el = next((c for c in passage if local(c) == "text"), None)
    if text_el is not None:
        return all_text(text_el)
    sentences = [c for c in passage if local(c) == "sentence"]
    parts = []
    for s in sentences:
        t = next((c for c in s if local(c) == "text"), None)
        if t is not None:
            parts.append(all_text(t))
    return " ".join(parts)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def read_bioc(data: bytes, name: str, *, rules: SectionRules | None = None) -> Document:
    rules = rules or shipped_rules()
    root = parse_xml(data, name)
    if local(root) != "collection":
        raise MalformedInputError(f"BioC root must be <collection>, not <{local(root)}>", source=name)
    documents = [d for d in root if local(d) == "document"]
    if not documents:
        raise InputError("BioC collection holds no <document>", source=name)
    if len(documents) > 1:
        raise InputError(
            f"BioC collection holds {len(documents)} documents; split it into one file per document",
            source=name,
        )
    doc = documents[0]
    passages = []
    for p in doc:
        if local(p) != "passage":
            continue
        infons = _infons(p)
        kind = infons.get("section_type") or infons.get("type") or ""
        offset_el = next((c for c in p if local(c) == "offset"), None)
        offset = _int(text_of(offset_el)) if offset_el is not None else None
        passages.append((rules.bioc_type(kind), _passage_text(p), offset, infons))
    if not any(text.strip() for _, text, _, _ in passages):
        raise InputError("BioC document has no passage text", source=name)

    warnings: list[str] = []
    parts: list[str] = []
    sections: list[Section] = []
    cursor = 0
    aligned = all(o is not None for _, _, o, _ in passages)
    if aligned:
        for _, text, offset, _ in passages:
            assert offset is not None
            if offset < cursor or offset - cursor > _MAX_GAP or (cursor and offset == cursor and text):
                aligned = False
                break
            cursor = offset + len(text)
    if not aligned:
        warnings.append("passage offsets are missing or inconsistent; passages joined by blank lines")
    cursor = 0
    for type_, text, offset, infons in passages:
        if not text:
            continue
        if aligned:
            assert offset is not None
            gap = offset - cursor
        else:
            gap = 2 if cursor else 0
        parts.append("\n" * min(gap, 2) + " " * max(gap - 2, 0))
        start = cursor + gap
        parts.append(text)
        cursor = start + len(text)
        title = infons.get("section_title") or infons.get("title") or None
        sections.append(Section(type_, start, cursor, title))

    doc_infons = _infons(doc)
    doc_id = next((text_of(c) for c in doc if local(c) == "id"), "")
    source_el = next((c for c in root if local(c) == "source"), None)
    source = text_of(source_el).lower() if source_el is not None else ""
    pmid = doc_infons.get("article-id_pmid") or next(
        (i["article-id_pmid"] for *_, i in passages if "article-id_pmid" in i), None
    )
    if pmid is None and doc_id.isdigit() and any(s in source for s in _PUBMED_SOURCES):
        pmid = doc_id
    pmcid = doc_infons.get("article-id_pmc") or next(
        (i["article-id_pmc"] for *_, i in passages if "article-id_pmc" in i), None
    )
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    doi = doc_infons.get("article-id_doi") or next(
        (i["article-id_doi"] for *_, i in passages if "article-id_doi" in i), None
    )
    year = doc_infons.get("year") or next((i["year"] for *_, i in passages if "year" in i), None)
    title = next(
        (" ".join(t.split()) for ty, t, _, _ in passages if ty is SectionType.TITLE and t.strip()), None
    )
    return Document(
        text="".join(parts),
        sections=tuple(sections),
        metadata=Metadata(title=title, pmid=pmid, pmcid=pmcid, doi=doi, year=year),
        format=DocumentFormat.BIOC,
        source_name=name,
        source_sha256=sha256(data),
        encoding=(root.getroottree().docinfo.encoding or "utf-8").lower(),
        warnings=tuple(warnings),
    )


class BiocReader:
    """Reads with the section rules it is given (the shipped ones by default)."""

    def __init__(self, rules: SectionRules | None = None) -> None:
        self.rules = rules

    format = DocumentFormat.BIOC

    def read(self, data: bytes, name: str) -> Document:
        return read_bioc(data, name, rules=self.rules)
