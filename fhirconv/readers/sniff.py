"""Format sniffing: content first, file name second.

Content wins because real files are misnamed (publisher pages saved as ``.php``, JATS as ``.xml``);
the extension only breaks ties and names formats the content cannot show (``.txt``).
"""

from __future__ import annotations

import re

from ..errors import UnsupportedFormatError
from ..model import DocumentFormat
from ._common import strip_bom

__all__ = ["is_fhir_output", "sniff_format"]

_EXTENSIONS: dict[str, DocumentFormat] = {
    ".txt": DocumentFormat.TEXT,
    ".text": DocumentFormat.TEXT,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".xhtml": DocumentFormat.HTML,
    ".php": DocumentFormat.HTML,
    ".nxml": DocumentFormat.JATS,
    ".jats": DocumentFormat.JATS,
    ".bioc": DocumentFormat.BIOC,
}
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0", "OLE/Word"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)
_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_HTML_ANY = re.compile(rb"<(?:html|body|div|p|head)\b", re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]")
_PROLOG = re.compile(rb"^(?:\s*<\?[^>]*\?>|\s*<!--.*?-->|\s*<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*\s*", re.S)
_JATS_ROOTS = frozenset({b"article", b"articles", b"pmc-articleset", b"book", b"book-part"})


def _extension(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".bioc.xml", ".bioc")):
        return ".bioc"
    dot = lower.rfind(".")
    return lower[dot:] if dot >= 0 else ""


def sniff_format(data: bytes, name: str = "") -> DocumentFormat:
    """Guess the format; raise UnsupportedFormatError for binary formats and unknown XML."""
    head, bom = strip_bom(data[:8192])
    if bom is not None and bom != "utf-8":
        head = head.decode(bom, "ignore").encode("utf-8")
    for magic, label in _BINARY_MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormatError(f"{label} files are not supported; give text, HTML, JATS or BioC")
    ext = _extension(name)
    stripped = head.lstrip()
    if stripped.startswith(b"<"):
        if _HTML_START.match(stripped):
            return DocumentFormat.HTML
        m = _PROLOG.match(stripped)
        rest = stripped[m.end() :] if m else stripped
        root = _ROOT.match(rest)
        if root:
            local = root.group(2).lower()
            if local == b"collection":
                return DocumentFormat.BIOC
            if local in _JATS_ROOTS:
                return DocumentFormat.JATS
            if local == b"html":
                return DocumentFormat.HTML
        if b"JATS" in stripped[:2048] or b"NLM//DTD" in stripped[:2048]:
            return DocumentFormat.JATS
        if ext in _EXTENSIONS and _EXTENSIONS[ext] is not DocumentFormat.TEXT:
            return _EXTENSIONS[ext]
        if _HTML_ANY.search(stripped):
            return DocumentFormat.HTML
        if root is not None and (ext == ".xml" or (ext == "" and stripped.startswith(b"<?xml"))):
            found = root.group(2).decode("ascii", "replace")
            raise UnsupportedFormatError(f"XML with root <{found}> is neither JATS nor BioC")
    if ext == ".json" or (ext == "" and stripped.startswith(b"{")):
        raise UnsupportedFormatError(
            "JSON input is not a document format fhirconv reads (did you mean validate?)"
        )
    if ext in _EXTENSIONS and _EXTENSIONS[ext] is not DocumentFormat.TEXT and stripped.startswith(b"<"):
        return _EXTENSIONS[ext]
    return DocumentFormat.TEXT


def is_fhir_output(name: str, head: bytes) -> bool:
    """Whether a file (its name and first bytes) is FHIR that a converter wrote, never a case report.

    A second run over a folder holding its own output must not read its bundles as case reports; both
    ``fhirconv convert`` and the Spark runner ask this one question so they pick the same inputs.
    """
    text = head[:4096].decode("utf-8", "replace")
    if name.lower().endswith((".json", ".ndjson")):
        return '"resourceType"' in text
    start = text.find("<", text.find("?>") + 2 if text.lstrip().startswith("<?xml") else 0)
    while start != -1 and text.startswith(("<!--", "<!"), start):
        start = text.find("<", text.find(">", start) + 1)
    if start == -1:
        return False
    end = text.find(">", start)
    return 'xmlns="http://hl7.org/fhir"' in text[start : end + 1 if end != -1 else len(text)]
