"""FHIR XML input: the R4 XML form mapped to the JSON form the chain validates, with positions.

The mapping follows the R4 XML rules (http://hl7.org/fhir/R4/xml.html) and needs the definitions to be
exact: which elements repeat (JSON arrays), which are primitives (``<status value="final"/>`` becomes
``"status": "final"``; an ``id`` attribute or ``extension`` children go to ``"_status"``), the JSON type
of a primitive (boolean, integer, decimal numbers), nested resources (``<contained><Patient>``), the
XHTML narrative (kept as its XML text), ``Extension.url`` and ``Element.id`` as attributes. What the
definitions do not know is carried over as it stands, so the structure checker reports it as it would in
JSON; a repeated element that does not repeat becomes an array for the same reason. XML-only rules are
checked here: the FHIR namespace, element order (``xml.order``), text where none is allowed, unknown
attributes.

The file is parsed with the project's hardened parser (no entities, no DTD, no network). lxml gives the
line of each element; the column is found in that line's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue, Severity
from .protocols import DefinitionsProvider
from .structure import INT_TYPES, ElementInfo, TypeIndex, type_index

__all__ = ["FHIR_NS", "XmlResult", "xml_to_json"]

FHIR_NS = "http://hl7.org/fhir"
_TAGS: dict[str, re.Pattern[str]] = {}
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(slots=True)
class XmlResult:
    data: Any
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    retyped: set[str] = field(default_factory=set)  # values reported here; the JSON type finding is dropped


def _local(el: Any) -> tuple[str | None, str]:
    tag = el.tag
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


class _Mapper:
    def __init__(self, defs: DefinitionsProvider, lines: list[str]) -> None:
        self.defs = defs
        self.lines = lines
        self.out = XmlResult(None)
        self._cursor: dict[int, int] = {}  # line -> column searched up to (elements come in order)

    def where(self, el: Any) -> tuple[int, int]:
        """(line, column) of the element's start tag: lxml knows the line, the column is searched there."""
        line = int(el.sourceline or 1)
        _ns, name = _local(el)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        pattern = _TAGS.get(name)
        if pattern is None:
            pattern = _TAGS[name] = re.compile(
                r"<(?:[A-Za-z_][\w.\-]*:)?" + re.escape(name) + r"(?=[\s/>]|$)"
            )
        m = pattern.search(text, self._cursor.get(line, 0))
        if m is None:
            return line, 1
        self._cursor[line] = m.end()
        return line, m.start() + 1

    def note(self, loc: str, el: Any) -> None:
        self.out.positions[loc] = self.where(el)

    def issue(self, loc: str, message: str, rule: str, sev: Severity = Severity.ERROR) -> None:
        self.out.issues.append(Issue(sev, "structure", loc, message, rule))

    # -- resources -----------------------------------------------------------------------------------

    def resource(self, el: Any, loc: str) -> dict[str, Any]:
        ns, name = _local(el)
        if ns != FHIR_NS:
            self.issue(loc, f"<{name}> must be in the FHIR namespace {FHIR_NS}", "xml.namespace")
        self.note(loc, el)
        out: dict[str, Any] = {"resourceType": name}
        idx = type_index(self.defs, name)
        for attr in el.attrib:
            self.issue(loc, f"attribute '{attr}' is not allowed on a resource element", "xml.attribute")
        self.children(el, out, idx, idx.root if idx else None, loc)
        return out

    # -- elements ------------------------------------------------------------------------------------

    def children(
        self, el: Any, out: dict[str, Any], idx: TypeIndex | None, parent: str | None, loc: str
    ) -> None:
        if el.text and el.text.strip():
            self.issue(
                loc, "text is not allowed here (FHIR XML carries values in 'value' attributes)", "xml.text"
            )
        keys = idx.keys.get(parent, {}) if idx is not None and parent is not None else {}
        order = (
            {info.name: n for n, info in enumerate(idx.children.get(parent, ()))} if idx and parent else {}
        )
        groups: dict[str, list[Any]] = {}
        last_rank = -1
        previous = ""
        for child in el:
            ns, name = _local(child)
            if not name:
                continue
            if child.tail and child.tail.strip():
                self.issue(loc, "text is not allowed between elements", "xml.text")
            if ns != FHIR_NS and not (name == "div" and ns == XHTML_NS):
                self.issue(f"{loc}.{name}", f"<{name}> is not in the FHIR namespace", "xml.namespace")
            if name in groups and previous != name:
                self.issue(f"{loc}.{name}", f"the <{name}> elements must be next to each other", "xml.order")
            groups.setdefault(name, []).append(child)
            previous = name
            hit = keys.get(name)
            rank = order.get(hit[0].name, -1) if hit else -1
            if rank >= 0:
                if rank < last_rank:
                    self.issue(
                        f"{loc}.{name}",
                        f"<{name}> is out of order (the definition orders the elements of {parent})",
                        "xml.order",
                    )
                last_rank = max(last_rank, rank)
        for name, elements in groups.items():
            hit = keys.get(name)
            info, tcode = hit if hit is not None else (None, None)
            many = info.many if info is not None else len(elements) > 1
            many = many or len(elements) > 1  # the structure checker says it does not repeat
            self.element_group(name, elements, info, tcode, idx, out, f"{loc}.{name}", many)

    def element_group(
        self,
        name: str,
        elements: list[Any],
        info: ElementInfo | None,
        tcode: str | None,
        idx: TypeIndex | None,
        out: dict[str, Any],
        loc: str,
        many: bool,
    ) -> None:
        primitive = tcode is not None and tcode[:1].islower() and tcode != "xhtml"
        if tcode is None:  # not in the definitions: guess from the shape
            primitive = all("value" in e.attrib and len(e) == 0 for e in elements)
        if tcode == "xhtml":
            values = [self.xhtml(e, f"{loc}[{i}]" if many else loc) for i, e in enumerate(elements)]
            out[name] = values if many else values[0]
            return
        if primitive:
            vals: list[Any] = []
            exts: list[Any] = []
            for i, e in enumerate(elements):
                at = f"{loc}[{i}]" if many else loc
                self.note(at, e)
                raw = e.attrib.get("value")
                value = self.primitive(raw, tcode) if raw is not None else None
                if isinstance(value, str) and tcode in ("boolean", "decimal", *INT_TYPES):
                    # the XML form of a wrong value: say so in its words, not as a JSON type mismatch
                    self.out.issues.append(
                        Issue(Severity.ERROR, "value", at, f"'{raw}' is not a valid {tcode}", "format")
                    )
                    self.out.retyped.add(at)
                vals.append(value)
                ext = self.primitive_extension(
                    e, f"{loc[: loc.rfind('.')]}._{name}" + (f"[{i}]" if many else "")
                )
                exts.append(ext)
            if any(v is not None for v in vals) or not any(x is not None for x in exts):
                out[name] = vals if many else vals[0]
            if any(x is not None for x in exts):
                out["_" + name] = exts if many else exts[0]
            return
        items: list[Any] = []
        for i, e in enumerate(elements):
            at = f"{loc}[{i}]" if many else loc
            items.append(self.complex(e, info, tcode, idx, at))
        out[name] = items if many else items[0]

    def primitive(self, raw: str, tcode: str | None) -> Any:
        if tcode == "boolean":
            return {"true": True, "false": False}.get(raw, raw)
        if tcode in INT_TYPES:
            try:
                return int(raw) if raw.strip() == raw else raw
            except ValueError:
                return raw
        if tcode == "decimal":
            try:
                number = float(raw)
            except ValueError:
                return raw
            if raw.strip() != raw or number != number or number in (float("inf"), float("-inf")):
                return raw
            if "." not in raw and "e" not in raw.lower():
                return int(raw)
            return number
        return raw

    def primitive_extension(self, el: Any, loc: str) -> dict[str, Any] | None:
        """``id`` attribute and ``extension`` children of a primitive element (its ``_name`` object)."""
        ext: dict[str, Any] = {}
        for attr, value in el.attrib.items():
            if attr == "id":
                ext["id"] = value
            elif attr != "value":
                self.issue(loc, f"attribute '{attr}' is not allowed here", "xml.attribute")
        if len(el):
            element_idx = type_index(self.defs, "Element")
            self.note(loc, el)
            self.children(el, ext, element_idx, "Element", loc)
        return ext or None

    def complex(
        self, el: Any, info: ElementInfo | None, tcode: str | None, idx: TypeIndex | None, loc: str
    ) -> Any:
        self.note(loc, el)
        if tcode in ("Resource", "DomainResource") or (
            tcode is not None and tcode in self.defs.resource_types()
        ):
            inner = [c for c in el if _local(c)[1]]
            if len(inner) != 1:
                self.issue(loc, f"<{_local(el)[1]}> must hold exactly one resource", "xml.resource")
                return {}
            return self.resource(inner[0], loc)
        out: dict[str, Any] = {}
        for attr, value in el.attrib.items():
            if attr in ("id", "url"):
                out[attr] = value
            else:
                out[attr] = value  # the structure checker reports it as an unknown element
                self.issue(loc, f"attribute '{attr}' is not allowed here", "xml.attribute")
        if info is None or tcode is None:
            self.children(el, out, None, None, loc)
        elif info.content_ref:
            self.children(el, out, idx, info.content_ref, loc)
        elif tcode in ("BackboneElement", "Element") and idx is not None and info.path in idx.keys:
            self.children(el, out, idx, info.path, loc)
        else:
            sub = type_index(self.defs, tcode)
            self.children(el, out, sub, sub.root if sub else None, loc)
        return out

    def xhtml(self, el: Any, loc: str) -> str:
        from lxml import etree

        self.note(loc, el)
        tail, el.tail = el.tail, None
        try:
            return str(etree.tostring(el, encoding="unicode", with_tail=False))
        finally:
            el.tail = tail


def xml_to_json(data: bytes, source: str, defs: DefinitionsProvider) -> XmlResult:
    """Parse FHIR XML (hardened) and map it to the JSON form; raise MalformedInputError/HostileInputError."""
    from ..readers._xml import parse_xml

    root = parse_xml(data, source)
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = data.decode("utf-8", "replace")
    mapper = _Mapper(defs, text.split("\n"))
    _ns, name = _local(root)
    mapper.out.data = mapper.resource(root, name)
    return mapper.out
