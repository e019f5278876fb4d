"""HTML reader for publisher pages.

Case reports on the web sit inside menus, banners, sidebars and footers. We decode like a browser
(BOM, then the declared charset with the WHATWG rule that "iso-8859-1" means windows-1252), drop page
furniture by tag and by class/id, pick the element holding most of the paragraph text as the article,
and type its paragraphs with the same rules as the text reader. Cleaned text is paragraphs joined by
blank lines; navigation, footers and citations are left out of it.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import InputError, MalformedInputError
from ..model import Document, DocumentFormat, Metadata, SectionType, Table
from ._common import checked_text, iso_date, sections_from_runs, sha256, strip_bom
from ._layout import Block, classify, normalise_title
from ._rules import SectionRules, shipped_rules
from ._tables import TableText, grid_from_element, table_text
from ._xml import all_text, text_of

__all__ = ["HtmlReader", "read_html"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# libxml2's HTML parser never expands entities, but it would leak an internal DTD subset as text.
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.I | re.S)
_C1 = re.compile(rb"[\x80-\x9f]")
# WHATWG Encoding Standard: these labels all mean windows-1252 in browsers.
_WINDOWS_1252_LABELS = frozenset(
    {
        "iso-8859-1",
        "iso8859-1",
        "iso_8859-1",
        "latin1",
        "latin-1",
        "l1",
        "us-ascii",
        "ascii",
        "cp1252",
        "windows-1252",
        "x-cp1252",
        "cp819",
        "ibm819",
        "iso-ir-100",
        "csisolatin1",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "center",
        "fieldset",
        "details",
        "summary",
        "body",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# a table with any of these inside lays a page out; it holds no data grid
_LAYOUT_INSIDE = frozenset({"table", "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "form"})
_MAX_CELL_CHARS = 200
_CONTENT_TAGS = ("p", "pre", "blockquote", "td", "dd", "li")
_DROPPED_TYPES = frozenset({SectionType.NAVIGATION, SectionType.FOOTER, SectionType.REFERENCES})


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    body, bom = strip_bom(data)
    if bom is not None:
        try:
            return checked_text(body.decode(bom), name), bom, []
        except UnicodeDecodeError as exc:
            raise MalformedInputError(
                f"byte order mark says {bom} but the bytes are not", source=name
            ) from exc
    head = body[:4096]
    m = _CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = m.group(1).decode("ascii").lower() if m else None
    warnings: list[str] = []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared and declared not in ("utf-8", "utf8") and not body.isascii():
            warnings.append(f"page declares charset {declared} but its bytes are UTF-8; read as UTF-8")
        return checked_text(text, name), "utf-8", warnings
    if declared in _WINDOWS_1252_LABELS or declared is None or declared in ("utf-8", "utf8"):
        encoding = "cp1252"
    else:
        encoding = declared
    if declared in ("utf-8", "utf8"):
        warnings.append("page declares UTF-8 but its bytes are not; read as windows-1252")
    elif declared in _WINDOWS_1252_LABELS and declared not in ("cp1252", "windows-1252", "x-cp1252"):
        if _C1.search(body):
            warnings.append(
                f"page declares {declared} but uses windows-1252 bytes 0x80-0x9F; read as windows-1252"
            )
    elif declared is None:
        warnings.append("no charset declared and not UTF-8; read as windows-1252")
    for enc in (encoding, "cp1252", "latin-1"):
        try:
            return checked_text(body.decode(enc), name), enc, warnings
        except (UnicodeError, LookupError):  # also codecs that exist but cannot decode ("undefined")
            warnings.append(f"could not decode as {enc}")
    raise MalformedInputError("bytes could not be decoded", source=name)  # pragma: no cover


def _meta(root: etree._Element) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        content = " ".join((m.get("content") or "").split())
        if key and content:
            out.setdefault(key, []).append(content)
    return out


def _metadata(meta: dict[str, list[str]], page_title: str | None) -> Metadata:
    def first(*keys: str) -> str | None:
        for k in keys:
            if meta.get(k):
                return meta[k][0]
        return None

    year = published = None
    date = first(
        "citation_publication_date", "citation_date", "citation_year", "dc.date", "prism.publicationdate"
    )
    if date:
        m = re.search(r"\b(1[89]\d\d|20\d\d)\b", date)
        year = m.group(1) if m else None
        full = re.match(r"\s*(1[89]\d\d|20\d\d)[-/](\d{1,2})[-/](\d{1,2})\b", date)
        published = iso_date(*full.groups()) if full else None
    doi = first("citation_doi", "prism.doi", "dc.identifier")
    if doi:
        m = re.search(r"10\.\d{4,9}/\S+", doi)
        doi = m.group(0) if m else None
    authors: list[str] = []
    for a in meta.get("citation_author", []) or meta.get("dc.creator", []):
        authors.append(a)
    pmcid = first("citation_pmcid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    return Metadata(
        title=first("citation_title", "dc.title", "og:title") or page_title,
        journal=first("citation_journal_title", "prism.publicationname", "dc.source"),
        pmid=first("citation_pmid"),
        pmcid=pmcid,
        doi=doi,
        year=year,
        published=published,
        authors=tuple(authors),
    )


def _drop(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _text_len(el: etree._Element) -> int:
    return len(all_text(el).strip())


def _strip_furniture(body: etree._Element, rules: SectionRules) -> None:
    for el in list(body.iter(*rules.html_drop_tags)):
        if el.getparent() is not None:
            _drop(el)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        style = (el.get("style") or "").replace(" ", "").lower()
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or "display:none" in style:
            _drop(el)
    total = _text_len(body) or 1
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in _HEADINGS:
            continue
        tokens = ((el.get("class") or "") + " " + (el.get("id") or "") + " " + (el.get("role") or "")).split()
        if any(rules.html_boilerplate_class.match(t) for t in tokens) and _text_len(el) < total / 2:
            _drop(el)


def _main_container(body: etree._Element) -> etree._Element:
    articles = (
        list(body.iter("article"))
        or list(body.iter("main"))
        or [e for e in body.iter() if e.get("role") == "main"]
    )
    if articles:
        return max(articles, key=_text_len)
    scores: dict[etree._Element, float] = {}
    for p in body.iter(*_CONTENT_TAGS):
        length = _text_len(p)
        if length < 25:
            continue
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + length
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + length / 2
    if not scores:
        return body
    return max(scores, key=lambda e: scores[e])


_EXPONENT = re.compile(r"[-\u2212]?\d{1,2}")


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _data_table(table: etree._Element) -> TableText | None:
    """A ``<table>`` that holds data (short cells, no nested blocks) as a cell grid; layout tables (a page
    built from table cells) stay paragraphs."""
    for node in table.iterdescendants():
        if _tag(node) in _LAYOUT_INSIDE:
            return None
    rows = grid_from_element(table, _tag, all_text)
    cells = [t for r in rows for _, t, _ in r if t != "\x00"]
    if len(rows) < 2 or any(len(t) > _MAX_CELL_CHARS for t in cells):
        return None
    return table_text(rows)


def _blocks(container: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    buf: list[str] = []
    heading_depth = 0

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            blocks.append(Block(text, True if heading_depth else None))

    def walk(el: etree._Element) -> None:
        nonlocal heading_depth
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not heading_depth:
            grid = _data_table(el)
            if grid is not None:
                flush()
                blocks.append(Block(grid.text, False, grid))
                return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            flush()
        if tag in _HEADINGS:
            heading_depth += 1
        if tag and el.text:
            # "10<sup>9</sup>/L" must not read as "109/L": keep the exponent visible as "10^9"
            if tag == "sup" and _EXPONENT.fullmatch(el.text.strip()) and "".join(buf).rstrip().endswith("10"):
                buf.append("^")
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if is_block:
            flush()
        if tag in _HEADINGS:
            heading_depth -= 1

    walk(container)
    flush()
    return blocks


def read_html(data: bytes, name: str, *, rules: SectionRules | None = None) -> Document:
    rules = rules or shipped_rules()
    text, encoding, warnings = _decode(data, name)
    if not text.strip():
        raise InputError("input is empty (no text to read)", source=name)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml.html.document_fromstring(
            _DOCTYPE.sub("", _XML_DECL.sub("", text, count=1), count=1), parser=parser
        )
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedInputError(f"unreadable HTML: {exc}", source=name) from exc
    meta = _meta(root)
    title_el = root.find(".//title")
    page_title = text_of(title_el) if title_el is not None else None
    metadata = _metadata(meta, page_title or None)
    body = root.find("body")
    if body is None:
        body = root
    _strip_furniture(body, rules)
    blocks = _blocks(_main_container(body))
    hint = metadata.title
    if hint and not any(normalise_title(b.text) == normalise_title(hint) for b in blocks):
        blocks.insert(0, Block(hint, True))
    if not blocks:
        raise MalformedInputError(
            "no article text found in the HTML page (empty, or nested deeper than the parser allows)",
            source=name,
        )
    typed = classify(blocks, rules, title_hint=hint, find_title=hint is None)
    kept = [(b, t) for b, t in zip(blocks, typed, strict=True) if t.type not in _DROPPED_TYPES]
    if not kept:
        raise MalformedInputError("the HTML page holds only navigation and footer text", source=name)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    tables: list[Table] = []
    cursor = 0
    for b, _ in kept:
        if parts:
            parts.append("\n\n")
            cursor += 2
        if b.table is not None:
            tables.append(b.table.placed(cursor))
        parts.append(b.text)
        spans.append((cursor, cursor + len(b.text)))
        cursor += len(b.text)
    clean = "".join(parts)
    sections = sections_from_runs(spans, [t for _, t in kept])
    return Document(
        text=clean,
        sections=sections,
        metadata=metadata,
        format=DocumentFormat.HTML,
        source_name=name,
        source_sha256=sha256(data),
        encoding=encoding,
        warnings=tuple(warnings),
        tables=tuple(tables),
    )


class HtmlReader:
    """Reads with the section rules it is given (the shipped ones by default)."""

    def __init__(self, rules: SectionRules | None = None) -> None:
        self.rules = rules

    format = DocumentFormat.HTML

    def read(self, data: bytes, name: str) -> Document:
        return read_html(data, name, rules=self.rules)
