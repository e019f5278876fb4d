"""JATS (PMC .nxml) reader.

Structure beats heuristics here: the title, abstract and body ``sec`` elements give the sections;
``back`` (references, acknowledgements, footnotes) never reaches the text, nor do body sections whose
title names excluded matter (disclosures, funding).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..errors import InputError, MalformedInputError
from ..model import EXCLUDED_SECTION_TYPES, Document, DocumentFormat, Metadata, Section, SectionType, Table
from ._common import sha256
from ._rules import SectionRules, shipped_rules
from ._tables import TableText, grid_from_element, table_text
from ._xml import local, parse_xml, text_of

__all__ = ["JatsReader", "read_jats"]

_PATIENT = frozenset(
    {
        SectionType.CASE,
        SectionType.INVESTIGATIONS,
        SectionType.TREATMENT,
        SectionType.OUTCOME,
        SectionType.OTHER,
    }
)
_FLOATS = frozenset(
    {"table-wrap", "fig", "boxed-text", "table-wrap-group", "fig-group", "list", "disp-quote"}
)
_SKIP = frozenset({"ref-list", "fn-group", "ack", "glossary", "notes", "app-group"})
_PUB_TYPES = ("epub", "ppub", "collection", "pmc-release")


@dataclass(slots=True)
class _Out:
    """Accumulates blocks joined by blank lines, and the section each belongs to."""

    parts: list[str]
    length: int
    sections: list[Section]
    tables: list[Table]

    def add(self, block: str | TableText, type_: SectionType, title: str | None, new_section: bool) -> None:
        table = block if isinstance(block, TableText) else None
        text = block.text if isinstance(block, TableText) else block.strip()
        if not text:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if table is not None:
            self.tables.append(table.placed(start))
        last = self.sections[-1] if self.sections else None
        if last is not None and not new_section and last.type is type_ and last.title == title:
            self.sections[-1] = Section(type_, last.start, self.length, title)
        else:
            self.sections.append(Section(type_, start, self.length, title))


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    """First descendant along a path of local names (namespace-agnostic)."""
    node = el
    for name in path:
        if node is None:
            return None
        node = next((c for c in node.iterdescendants() if local(c) == name), None)
    return node


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name]


def _para_text(el: etree._Element) -> str:
    """Text of a paragraph without the floats nested in it (they are emitted as their own blocks)."""
    pieces: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            pieces.append(node.text)
        for child in node:
            if local(child) not in _FLOATS and local(child) not in _SKIP:
                walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(el)
    return " ".join("".join(pieces).split())


def _table_text(el: etree._Element) -> list[str | TableText]:
    """Caption, then each table as a cell grid (rows of tab-separated cells), then the footnotes."""
    blocks: list[str | TableText] = []
    caption = " ".join(text_of(c) for c in el if local(c) in ("label", "caption"))
    if caption:
        blocks.append(caption)
    for table in (n for n in el.iterdescendants() if local(n) == "table"):
        grid = table_text(grid_from_element(table, local, text_of))
        if grid is not None:
            blocks.append(grid)
    for foot in (n for n in el.iterdescendants() if local(n) == "table-wrap-foot"):
        blocks.append(text_of(foot))
    return blocks


def _float_blocks(el: etree._Element) -> list[str | TableText]:
    name = local(el)
    if name in ("table-wrap", "table-wrap-group"):
        return _table_text(el)
    if name == "list":
        return [text_of(item) for item in el if local(item) == "list-item"]
    if name == "fig":
        return [" ".join(text_of(c) for c in el if local(c) in ("label", "caption"))]
    return [text_of(el)]


def _top_floats(el: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = []
    for child in el:
        if local(child) in _FLOATS:
            found.append(child)
        else:
            found.extend(_top_floats(child))
    return found


def _emit_abstract(out: _Out, el: etree._Element, heading: str) -> None:
    for node in el:
        name = local(node)
        if name == "sec":
            sub = next((c for c in node if local(c) == "title"), None)
            if sub is not None:
                out.add(text_of(sub), SectionType.ABSTRACT, heading, False)
            _emit_abstract(out, node, heading)
        elif name == "p":
            out.add(_para_text(node), SectionType.ABSTRACT, heading, False)


def _emit_content(
    out: _Out,
    el: etree._Element,
    type_: SectionType,
    title: str | None,
    rules: SectionRules,
    parent: SectionType | None,
) -> None:
    """Blocks of ``el`` in document order; nested ``sec`` elements recurse with ``parent`` as context."""
    for node in el:
        name = local(node)
        if name in ("title", "label") or name in _SKIP or not name:
            continue
        if name == "p":
            out.add(_para_text(node), type_, title, False)
            for nested in _top_floats(node):
                for block in _float_blocks(nested):
                    out.add(block, type_, title, False)
        elif name in _FLOATS:
            for block in _float_blocks(node):
                out.add(block, type_, title, False)
        elif name == "sec":
            _emit_sec(out, node, parent, rules)
        else:
            out.add(text_of(node), type_, title, False)


def _sec_type(
    sec: etree._Element, title: str | None, parent: SectionType | None, rules: SectionRules
) -> SectionType:
    named = rules.heading_type(title) if title else None
    if named is None and sec.get("sec-type"):
        by_attr = rules.jats_type(sec.get("sec-type", ""))
        named = by_attr if by_attr is not SectionType.OTHER else None
    if parent is None:
        return named or SectionType.OTHER
    if named is None:
        return parent
    if named in EXCLUDED_SECTION_TYPES or parent in _PATIENT:
        return named
    return parent  # e.g. a "Treatment" subsection of the Discussion is still discussion


def _emit_sec(out: _Out, sec: etree._Element, parent: SectionType | None, rules: SectionRules) -> None:
    title_el = next((c for c in sec if local(c) == "title"), None)
    title = text_of(title_el) if title_el is not None else None
    type_ = _sec_type(sec, title, parent, rules)
    if type_ in EXCLUDED_SECTION_TYPES:
        return
    parent_title = out.sections[-1].title if out.sections and parent is not None else None
    if title:
        out.add(title, type_, title, True)
    _emit_content(out, sec, type_, title or parent_title, rules, type_)


def _metadata(article: etree._Element, title: str | None) -> Metadata:
    front = _first(article, "front")
    meta = _first(front, "article-meta")
    ids: dict[str, str] = {}
    if meta is not None:
        for aid in _children(meta, "article-id"):
            kind = (aid.get("pub-id-type") or "").lower()
            value = text_of(aid)
            if value and kind not in ids:
                ids[kind] = value
    pmcid = ids.get("pmc") or ids.get("pmcid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    journal = _first(front, "journal-meta", "journal-title")
    year = published = None
    if meta is not None:
        dates = {(d.get("pub-type") or d.get("date-type") or ""): d for d in _children(meta, "pub-date")}
        order = [dates[k] for k in _PUB_TYPES if k in dates] + list(dates.values())
        for d in order:
            y = _first(d, "year")
            if y is not None and text_of(y):
                year = text_of(y)
                published = _full_date(year, _first(d, "month"), _first(d, "day"))
                break
    authors: list[str] = []
    if meta is not None:
        for contrib in (c for c in meta.iterdescendants() if local(c) == "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = _first(contrib, "name")
            if name is not None:
                given = _first(name, "given-names")
                surname = _first(name, "surname")
                full = " ".join(text_of(x) for x in (given, surname) if x is not None)
                if full:
                    authors.append(full)
            else:
                collab = _first(contrib, "collab")
                if collab is not None and text_of(collab):
                    authors.append(text_of(collab))
    return Metadata(
        title=title,
        journal=text_of(journal) if journal is not None else None,
        pmid=ids.get("pmid"),
        pmcid=pmcid.upper() if pmcid else None,
        doi=ids.get("doi"),
        year=year,
        authors=tuple(authors),
        published=published,
    )


def _full_date(year: str, month: etree._Element | None, day: etree._Element | None) -> str | None:
    """YYYY-MM-DD from a JATS pub-date, only when year, month and day are all given and valid."""
    from ._common import iso_date

    if month is None or day is None:
        return None
    return iso_date(year, text_of(month), text_of(day))


def read_jats(data: bytes, name: str, *, rules: SectionRules | None = None) -> Document:
    rules = rules or shipped_rules()
    root = parse_xml(data, name)
    if local(root) == "article":
        article = root
    else:
        articles = [e for e in root.iter() if local(e) == "article"]
        if not articles:
            raise MalformedInputError(f"no <article> element (root is <{local(root)}>)", source=name)
        if len(articles) > 1:
            raise InputError(
                f"{len(articles)} articles in one file; split it into one file per article", source=name
            )
        article = articles[0]
    out = _Out([], 0, [], [])
    warnings: list[str] = []
    meta = _first(_first(article, "front"), "article-meta")
    title_el = _first(meta, "title-group", "article-title")
    title = text_of(title_el) if title_el is not None else None
    if title:
        out.add(title, SectionType.TITLE, None, True)
    if meta is not None:
        for abstract in _children(meta, "abstract"):
            if (abstract.get("abstract-type") or "") in ("teaser", "graphical", "toc", "web-summary"):
                continue
            heading = next((text_of(c) for c in abstract if local(c) == "title"), None) or "Abstract"
            out.add(heading, SectionType.ABSTRACT, heading, True)
            _emit_abstract(out, abstract, heading)
    body = _first(article, "body")
    if body is not None:
        _emit_content(out, body, SectionType.OTHER, None, rules, None)
    floats = _first(article, "floats-group")
    if floats is not None:
        for node in floats:
            for block in _float_blocks(node):
                out.add(block, SectionType.OTHER, None, False)
    if body is None:
        warnings.append("no <body>: only title and abstract were read")
    text = "".join(out.parts)
    if not text.strip():
        raise InputError("JATS article has no title, abstract or body text", source=name)
    return Document(
        text=text,
        sections=tuple(out.sections),
        metadata=_metadata(article, title),
        format=DocumentFormat.JATS,
        source_name=name,
        source_sha256=sha256(data),
        encoding=(root.getroottree().docinfo.encoding or "utf-8").lower(),
        warnings=tuple(warnings),
        tables=tuple(out.tables),
    )


class JatsReader:
    """Reads with the section rules it is given (the shipped ones by default)."""

    def __init__(self, rules: SectionRules | None = None) -> None:
        self.rules = rules

    format = DocumentFormat.JATS

    def read(self, data: bytes, name: str) -> Document:
        return read_jats(data, name, rules=self.rules)
