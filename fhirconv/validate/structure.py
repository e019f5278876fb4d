"""Structure from the StructureDefinitions: cardinality, choice types, unknown elements, primitive formats.

One typed walk per resource, driven by the base definitions' snapshots. The walk also records where
typed values sit (References, Codings, CodeableConcepts, Quantities) in a :class:`WalkCache` so the
reference and lint checkers reuse it instead of walking again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from .issues import Issue, Severity
from .protocols import Context, DefinitionsProvider

__all__ = ["ElementInfo", "StructureChecker", "TypeIndex", "WalkCache", "type_index"]

FHIR_TYPE_EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
REGEX_EXT = "http://hl7.org/fhir/StructureDefinition/regex"
SD_PREFIX = "http://hl7.org/fhir/StructureDefinition/"
INT_TYPES = frozenset({"integer", "positiveInt", "unsignedInt"})
QUANTITY_TYPES = frozenset(
    {"Quantity", "Age", "Count", "Distance", "Duration", "SimpleQuantity", "MoneyQuantity"}
)
COLLECTED = frozenset({"Reference", "Coding", "CodeableConcept", "Identifier", "canonical"} | QUANTITY_TYPES)
HL7_EXTENSION_SPACE = ("http://hl7.org/fhir/", "http://hl7.org/fhir/uv/", "http://terminology.hl7.org/")
INT32 = (-(2**31), 2**31 - 1)


# Extensions under these domains may go undefined (a warning), as in the HL7 validator: they are examples
# (the R4 examples use http://example.org/... extensions nobody defines) or DICOM's. Any other undefined
# extension is an error: nothing can tell what it means or whether it may be ignored.
_EXAMPLE_DOMAINS = ("example.org", "acme.com", "nema.org")


def in_modifier(at: str) -> bool:
    """Whether the location is an item of a ``modifierExtension`` array."""
    return at.rsplit(".", 1)[-1].startswith("modifierExtension")


def is_modifier_extension(sd: dict[str, Any]) -> bool | None:
    """``Extension.isModifier`` of an extension definition's root element (None when not stated)."""
    for el in sd.get("snapshot", {}).get("element", []) or []:
        if isinstance(el, dict) and el.get("path") == "Extension":
            flag = el.get("isModifier")
            return flag if isinstance(flag, bool) else None
    return None


@dataclass(frozen=True, slots=True)
class ElementInfo:
    path: str
    name: str  # JSON name (choice stem for value[x])
    min: int
    max: int | None  # None = unbounded
    types: tuple[str, ...]
    choice: bool
    content_ref: str | None
    targets: tuple[str, ...]  # allowed Reference target types ("Resource" = any)
    binding_strength: str | None = None
    base_path: str = ""  # ElementDefinition.base.path (DomainResource.text for Patient.text)
    many: bool = field(init=False)  # repeats: a JSON array (asked for every value walked)

    def __post_init__(self) -> None:
        object.__setattr__(self, "many", self.max is None or self.max > 1)


@dataclass(slots=True)
class TypeIndex:
    """The elements of one type, by parent path and JSON key."""

    root: str
    keys: dict[str, dict[str, tuple[ElementInfo, str]]] = field(default_factory=dict)
    children: dict[str, list[ElementInfo]] = field(default_factory=dict)
    required: dict[str, list[ElementInfo]] = field(default_factory=dict)


class Site(NamedTuple):
    """A typed value the walk found (for the reference and lint checkers). A named tuple: the compiled
    validator makes thousands per bundle with ``tuple.__new__``, a C call, not a Python ``__init__``."""

    location: str
    value: Any
    type: str
    element: ElementInfo


@dataclass(slots=True)
class WalkCache:
    """Typed sites found by the structure walk, per resource location (cleared per input)."""

    sites: dict[str, list[Site]] = field(default_factory=dict)
    # the input's urn:uuid table, made once per input by the compiled walk for the reference checker
    # (references.urn_table; None when none was made for the input being checked)
    urns: Any = None

    def clear(self) -> None:
        self.sites.clear()


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _type_code(t: dict[str, Any]) -> str:
    for ext in t.get("extension", []) or []:
        if ext.get("url") == FHIR_TYPE_EXT:
            return str(ext.get("valueUrl") or ext.get("valueUri"))
    return str(t.get("code"))


def _build_index(sd: dict[str, Any]) -> TypeIndex:
    elements = sd["snapshot"]["element"]
    idx = TypeIndex(root=str(elements[0]["path"]))
    for el in elements[1:]:
        if el.get("sliceName"):
            continue
        path = str(el["path"])
        parent, _, name = path.rpartition(".")
        types = tuple(_type_code(t) for t in el.get("type", []) or [])
        targets: list[str] = []
        for t in el.get("type", []) or []:
            for prof in t.get("targetProfile", []) or []:
                targets.append(str(prof).rsplit("/", 1)[-1])
        mx = el.get("max", "*")
        info = ElementInfo(
            path=path,
            name=name[:-3] if name.endswith("[x]") else name,
            min=int(el.get("min", 0)),
            max=None if mx == "*" else int(mx),
            types=types,
            choice=name.endswith("[x]"),
            content_ref=str(el["contentReference"]).lstrip("#") if el.get("contentReference") else None,
            targets=tuple(targets),
            binding_strength=(el.get("binding") or {}).get("strength"),
            base_path=str((el.get("base") or {}).get("path") or path),
        )
        if info.max == 0:
            continue
        idx.children.setdefault(parent, []).append(info)
        if info.min > 0:
            idx.required.setdefault(parent, []).append(info)
        keys = idx.keys.setdefault(parent, {})
        if info.choice:
            for t in types:
                keys[info.name + _cap(t)] = (info, t)
        else:
            keys[info.name] = (info, types[0] if types else "BackboneElement")
    return idx


_INDEX_CACHE: dict[tuple[int, str], TypeIndex | None] = {}


def type_index(defs: DefinitionsProvider, type_name: str) -> TypeIndex | None:
    key = (id(defs), type_name)
    if key not in _INDEX_CACHE:
        sd = defs.structure_definition(type_name)
        _INDEX_CACHE[key] = _build_index(sd) if sd and sd.get("snapshot") else None
    return _INDEX_CACHE[key]


_REGEX_CACHE: dict[tuple[int, str], re.Pattern[str] | None] = {}
_PATTERNS: dict[int, dict[str, re.Pattern[str] | None]] = {}  # id(defs) -> the same, for the walk


def _regex(defs: DefinitionsProvider, code: str) -> re.Pattern[str] | None:
    key = (id(defs), code)
    if key not in _REGEX_CACHE:
        pattern: re.Pattern[str] | None = None
        sd = defs.structure_definition(code)
        for el in (sd or {}).get("snapshot", {}).get("element", []):
            if str(el.get("path", "")).endswith(".value"):
                for t in el.get("type", []) or []:
                    for ext in t.get("extension", []) or []:
                        if ext.get("url") == REGEX_EXT:
                            # FHIR regexes use ASCII classes: U+200A is not "\s" to FHIR
                            pattern = re.compile(str(ext["valueString"]), re.ASCII)
        _REGEX_CACHE[key] = pattern
    return _REGEX_CACHE[key]


_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _valid_calendar(code: str, text: str) -> bool:
    m = _YMD.match(text)
    if not m:
        return True
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


_XHTML_NS = "http://www.w3.org/1999/xhtml"


_parsers = threading.local()  # an lxml parser is reused, but never by two threads at once


@lru_cache(maxsize=16)
def parse_xhtml(text: str) -> tuple[Any, str | None]:
    """(root element, None) or (None, the parser's complaint) for a narrative div. The invariant checker's
    txt-1/txt-2 read the same div right after this walk, so the parse is shared (and never modified)."""
    from lxml import etree

    parser = getattr(_parsers, "xhtml", None)
    if parser is None:
        parser = _parsers.xhtml = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
    try:
        return etree.fromstring(text.encode("utf-8"), parser), None
    except etree.XMLSyntaxError as exc:
        return None, str(exc)


def _xhtml_problem(text: str) -> str | None:
    root, error = parse_xhtml(text)
    if root is None:
        return f"narrative is not well-formed XHTML: {error}"
    if root.tag != f"{{{_XHTML_NS}}}div":
        return "narrative root must be an XHTML <div> in the namespace http://www.w3.org/1999/xhtml"
    return None  # allowed elements and attributes are txt-1, the invariant checker's


class _Walker:
    def __init__(self, defs: DefinitionsProvider, cache: WalkCache | None) -> None:
        self.defs = defs
        self.cache = cache
        self.issues: list[Issue] = []
        self.sites: list[Site] = []
        self.patterns = _PATTERNS.setdefault(id(defs), {})  # primitive type -> value regex (or None)
        self.holder: Any = None  # the object whose ``extension`` is being walked (context checks)

    def err(self, code: str, location: str, message: str, rule: str = "structure") -> None:
        self.issues.append(Issue(Severity.ERROR, code, location, message, rule))

    def object(
        self,
        value: dict[str, Any],
        idx: TypeIndex,
        parent: str,
        loc: str,
        *,
        resource: bool,
        host: tuple[str, ...] = (),
    ) -> None:
        """Walk one JSON object; ``host`` names it for the extension contexts of its extensions (its
        element path and type, ``ext:<url>`` inside an extension)."""
        keys = idx.keys.get(parent, {})
        seen_choice: dict[str, str] = {}
        present: set[str] = set()
        for key, item in value.items():
            if resource and key == "resourceType":
                continue
            underscore = key.startswith("_")
            hit = keys.get(key[1:] if underscore else key)
            if hit is None:
                self.err("structure", f"{loc}.{key}", f"unknown element '{key}' (not in {parent})")
                continue
            info, tcode = hit
            primitive = tcode[:1].islower()
            if underscore and not primitive:
                self.err("structure", f"{loc}.{key}", f"'{key}' is only allowed for primitive elements")
                continue
            present.add(info.name)
            if info.choice and not underscore:
                other = seen_choice.get(info.name)
                if other is not None and other != key:
                    self.err(
                        "structure",
                        f"{loc}.{key}",
                        f"{info.name}[x] given twice ('{other}' and '{key}'); only one type is allowed",
                        "choice",
                    )
                seen_choice[info.name] = key
            if primitive:
                if underscore:
                    base_key = key[1:]
                    self.primitive_ext(item, info, f"{loc}.{key}", value.get(base_key), tcode, host)
                else:
                    self.primitive(item, info, tcode, f"{loc}.{key}", value.get("_" + key))
            elif key in ("extension", "modifierExtension"):
                outer_holder, self.holder = self.holder, value
                try:
                    self.complex(item, info, tcode, idx, f"{loc}.{key}", host)
                finally:
                    self.holder = outer_holder
            else:
                self.complex(item, info, tcode, idx, f"{loc}.{key}", host)
        for info in idx.required.get(parent, ()):
            if info.name not in present:
                self.err(
                    "required",
                    f"{loc}.{info.name}{'[x]' if info.choice else ''}",
                    f"{info.path} is required (min {info.min}) but missing",
                    "cardinality",
                )

    def _items(self, item: Any, info: ElementInfo, loc: str) -> list[tuple[Any, str]]:
        if info.many:
            if not isinstance(item, list):
                self.err("structure", loc, f"{info.path} repeats, so it must be a JSON array")
                return [(item, loc)]
            if not item:
                self.err("structure", loc, "arrays must not be empty")
            if info.max is not None and len(item) > info.max:
                self.err(
                    "structure",
                    loc,
                    f"{info.path} allows at most {info.max}, found {len(item)}",
                )
            return [(v, f"{loc}[{i}]") for i, v in enumerate(item)]
        if isinstance(item, list):
            self.err("structure", loc, f"{info.path} does not repeat, so it must not be a JSON array")
            return [(v, f"{loc}[{i}]") for i, v in enumerate(item)]
        return [(item, loc)]

    def primitive(self, item: Any, info: ElementInfo, code: str, loc: str, ext: Any) -> None:
        if item is not None and not info.many and not isinstance(item, list):  # the common case, inline
            self.primitive_value(item, code, loc)
            if code == "canonical" or code in COLLECTED:
                self.sites.append(Site(loc, item, code, info))
            return
        for i, (v, at) in enumerate(self._items(item, info, loc)):
            if v is None:
                has_ext = isinstance(ext, list) and i < len(ext) and ext[i] is not None
                if not has_ext:
                    self.err("structure", at, "null is only allowed where the matching '_' entry has content")
                continue
            self.primitive_value(v, code, at)
        if code == "canonical" or code in COLLECTED:
            self.sites.append(Site(loc, item, code, info))

    def primitive_value(self, v: Any, code: str, at: str) -> None:
        if code == "boolean":
            if not isinstance(v, bool):
                self.err("value", at, f"a boolean must be JSON true/false, found {type(v).__name__}", "type")
            return
        if code in INT_TYPES:
            if isinstance(v, bool) or not isinstance(v, int):
                self.err("value", at, f"{code} must be a JSON whole number, found {v!r}", "type")
                return
            lo = 1 if code == "positiveInt" else 0 if code == "unsignedInt" else INT32[0]
            if not lo <= v <= INT32[1]:
                self.err("value", at, f"{v} is out of range for {code}", "format")
            return
        if code == "decimal":
            if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
                self.err("value", at, f"a decimal must be a JSON number, found {v!r}", "type")
            return
        if not isinstance(v, str):
            self.err("value", at, f"{code} must be a JSON string, found {type(v).__name__}", "type")
            return
        if v == "" or (v.strip(" \t\r\n") == "" and code != "xhtml"):  # FHIR's whitespace is ASCII
            self.err("value", at, f"{code} value must not be empty or only whitespace", "format")
            return
        if code == "xhtml":
            problem = _xhtml_problem(v)
            if problem:
                self.err("value", at, problem, "xhtml")
            return
        try:
            pattern = self.patterns[code]
        except KeyError:
            pattern = self.patterns[code] = _regex(self.defs, code)
        if pattern is not None and pattern.fullmatch(v) is None:
            self.err("value", at, f"'{v[:80]}' is not a valid {code}", "format")
        elif code in ("date", "dateTime", "instant") and not _valid_calendar(code, v):
            self.err("value", at, f"'{v}' is not a valid calendar date", "format")
        if len(v) > 1048576:
            self.err("value", at, f"{code} exceeds 1 MB", "format")

    def primitive_ext(
        self,
        item: Any,
        info: ElementInfo,
        loc: str,
        value: Any,
        tcode: str = "",
        parent: tuple[str, ...] = (),
    ) -> None:
        element_idx = type_index(self.defs, "Element")
        if element_idx is None:
            return
        entries: list[tuple[Any, str]]
        if info.many:
            if not isinstance(item, list):
                self.err("structure", loc, "must be a JSON array, matching the primitive array")
                return
            if isinstance(value, list) and len(value) != len(item):
                self.err("structure", loc, "must have as many entries as the matching primitive array")
            entries = [(v, f"{loc}[{i}]") for i, v in enumerate(item)]
        else:
            entries = [(item, loc)]
        for v, at in entries:
            if v is None and info.many:
                continue
            if not isinstance(v, dict):
                self.err("structure", at, "must be a JSON object (id/extension of the primitive)")
                continue
            if not v:
                self.err("structure", at, "must not be empty")
            # inside an extension's value, the extension's url stays a context (``extension`` contexts)
            outer = tuple(h for h in parent if h.startswith("ext:"))
            host = (info.path, info.base_path, tcode, *outer, "@primitive")
            self.object(v, element_idx, "Element", at, resource=False, host=host)

    def complex(
        self, item: Any, info: ElementInfo, code: str, idx: TypeIndex, loc: str, host: tuple[str, ...] = ()
    ) -> None:
        for v, at in self._items(item, info, loc):
            if not isinstance(v, dict):
                self.err(
                    "structure", at, f"{info.path} must be a JSON object, found {type(v).__name__}", "type"
                )
                continue
            if code in ("Resource", "DomainResource"):
                continue  # nested resources are walked by the chain with their own location
            if not v:
                continue  # ele-1 (the invariant checker) reports empty elements
            if code == "Extension":
                inner: tuple[str, ...] = ("Extension", f"ext:{v.get('url')}", "@complex")
            else:
                kind = "@backbone" if info.content_ref or code == "BackboneElement" else "@complex"
                inner = (info.path, info.base_path, info.content_ref or code, code, kind)
            if info.content_ref:
                self.object(v, idx, info.content_ref, at, resource=False, host=inner)
            elif code in ("BackboneElement", "Element") and info.path in idx.keys:
                self.object(v, idx, info.path, at, resource=False, host=inner)
            else:
                sub = type_index(self.defs, code)
                if sub is None:
                    continue
                self.object(v, sub, sub.root, at, resource=False, host=inner)
            if code in COLLECTED:
                self.sites.append(Site(at, v, code, info))
            elif code == "Extension":
                self.extension(v, at, host)
            elif code == "Attachment":
                self.attachment(v, at)

    def extension(
        self, value: dict[str, Any], at: str, host: tuple[str, ...] = (), modifier: bool | None = None
    ) -> None:
        """An extension must be defined, used where its context allows, with a value its definition allows,
        in ``modifierExtension`` exactly when its definition makes it a modifier (``modifier``: whether it
        is there; read from ``at`` when not given).

        A URL that is no known StructureDefinition is a warning (it may come from a package not loaded);
        a relative URL is an error, except as the name of a sub-extension its parent extension defines.
        """
        url = value.get("url")
        if not isinstance(url, str):
            return  # a missing url is the cardinality finding
        parent_url = next((h[4:] for h in host if h.startswith("ext:")), None)
        if not url.startswith(("http://", "https://", "urn:")):
            self.relative_extension(value, url, at, parent_url)
            return
        sd = self.defs.structure_definition(url)
        if sd is not None:
            self.extension_modifier(url, sd, at, in_modifier(at) if modifier is None else modifier)
            self.extension_context(url, sd, at, host, parent_url)
            self.extension_value(value, sd, at)
            return
        if url.startswith(HL7_EXTENSION_SPACE):
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "not-found",
                    f"{at}.url",
                    f"extension {url} is not defined in R4 core (load the extensions pack: "
                    "--ig hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1)",
                    "extension.unknown",
                )
            )
            return
        if any(domain in url for domain in _EXAMPLE_DOMAINS):
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "not-found",
                    f"{at}.url",
                    f"the extension {url} is not defined in the installed definitions",
                    "extension.unknown",
                )
            )
            return
        self.issues.append(
            Issue(
                Severity.ERROR,
                "not-found",
                f"{at}.url",
                f"the extension {url} is not defined in the installed definitions, so it is not allowed "
                "here: load the package that defines it (--ig NAME#VERSION)",
                "extension.unknown",
            )
        )

    def extension_modifier(self, url: str, sd: dict[str, Any], at: str, modifier: bool) -> None:
        """A modifier extension changes the meaning of what holds it: it belongs in ``modifierExtension``
        (where a reader that does not know it must stop), and only a modifier belongs there."""
        defined = is_modifier_extension(sd)
        if defined is None or defined == modifier:
            return
        if defined:
            msg = f"the extension {url} is a modifier extension: it must be used in modifierExtension"
        else:
            msg = f"the extension {url} is no modifier extension: it must not be used in modifierExtension"
        self.err("structure", f"{at}.url", msg, "extension.modifier")

    def relative_extension(self, value: dict[str, Any], url: str, at: str, parent_url: str | None) -> None:
        if parent_url is None:
            self.err("value", f"{at}.url", f"Extension.url '{url}' must be an absolute URL", "extension.url")
            return
        if not parent_url.startswith(("http://", "https://", "urn:")):
            return  # inside a sub-extension: its own definition is not looked up here
        parent = self.defs.structure_definition(parent_url)
        if parent is None:
            return  # the parent is not defined here: its sub-extension names cannot be judged
        subs = sub_extensions(parent)
        if not subs:
            return
        if url not in subs:
            self.err(
                "structure",
                f"{at}.url",
                f"sub-extension '{url}' is not defined by the extension {parent_url} "
                f"(it defines {', '.join(sorted(subs))})",
                "extension.sub-unknown",
            )
            return
        self.value_types(value, subs[url], at, f"{parent_url}#{url}")

    def extension_context(
        self, url: str, sd: dict[str, Any], at: str, host: tuple[str, ...], parent_url: str | None
    ) -> None:
        """R4 ``StructureDefinition.context``: where the extension may be used."""
        contexts = sd.get("context")
        if not isinstance(contexts, list) or not contexts or not host:
            return
        allowed: list[str] = []
        for ctx in contexts:
            if not isinstance(ctx, dict):
                return
            kind, expr = ctx.get("type"), ctx.get("expression")
            if not isinstance(expr, str) or kind not in ("element", "extension", "fhirpath"):
                return
            if kind == "fhirpath":
                # ``Patient.address.where(use = 'home')`` selects Patient.address elements only; a context
                # that is not such a plain path (+ where()) cannot be judged here
                m = _FHIRPATH_CONTEXT.match(expr)
                if m is None or any(w in expr for w in ("descendants", "repeat", "%", "|", "ofType")):
                    return
                if m.group(1) in host and self.holder_matches(m.group(2), host):
                    self.context_invariants(url, sd, at, host)
                    return
                allowed.append(expr)
                continue
            if kind == "extension":
                if parent_url is not None and expr.split("|")[0] == parent_url:
                    self.context_invariants(url, sd, at, host)
                    return
                allowed.append(f"extension {expr}")
                continue
            if self.context_matches(expr, host):
                self.context_invariants(url, sd, at, host)
                return
            if not self.context_known(expr):
                return  # a context R4 does not have (a newer version's type): cannot tell
            allowed.append(expr)
        if not allowed:
            self.context_invariants(url, sd, at, host)
            return
        where = next((h for h in host if not h.startswith(("ext:", "@"))), "?")
        self.err(
            "structure",
            f"{at}.url",
            f"extension {url} is not allowed on {where} (its context allows {', '.join(allowed)})",
            "extension.context",
        )

    def holder_matches(self, criterion: str | None, host: tuple[str, ...]) -> bool:
        """The ``where(...)`` of a fhirpath context, on the element that holds the extension; True when
        there is none or it cannot be evaluated (no verdict rather than a wrong one)."""
        if not criterion or not isinstance(self.holder, dict):
            return True
        verdict = _evaluate(criterion, self.holder, host)
        return verdict is not False

    def context_invariants(self, url: str, sd: dict[str, Any], at: str, host: tuple[str, ...]) -> None:
        """R4 ``StructureDefinition.contextInvariant``: rules on the element holding the extension."""
        for expr in _as_list(sd.get("contextInvariant")):
            if not isinstance(expr, str) or not isinstance(self.holder, dict):
                continue
            if _evaluate(expr, self.holder, host) is False:
                self.err(
                    "structure",
                    f"{at}.url",
                    f"extension {url} is not allowed here (its context invariant '{expr}' is false)",
                    "extension.context",
                )

    @staticmethod
    def context_matches(expr: str, host: tuple[str, ...]) -> bool:
        if expr in host or expr == "Element":
            return True
        kind = host[-1] if host else ""
        if expr in ("Resource", "DomainResource"):
            return kind == "@resource"
        if expr == "BackboneElement":
            return kind == "@backbone"
        if expr == "DataType":
            return kind == "@complex"
        if expr == "PrimitiveType":
            return kind == "@primitive"
        return False

    def context_known(self, expr: str) -> bool:
        """Whether R4 knows the type or element path an extension context names."""
        head, _, rest = expr.partition(".")
        if self.defs.structure_definition(head) is None:
            return False
        if not rest:
            return True
        idx = type_index(self.defs, head)
        if idx is None:
            return False
        parent, _, name = expr.rpartition(".")
        return any(
            info.name == name or info.name + "[x]" == name or f"{info.name}[x]" == name
            for info in idx.children.get(parent, ())
        )

    def extension_value(self, value: dict[str, Any], sd: dict[str, Any], at: str) -> None:
        """The value[x] of a defined extension must be one of the types its definition allows."""
        allowed: tuple[str, ...] | None = None
        for el in sd.get("snapshot", {}).get("element", []):
            if el.get("path") == "Extension.value[x]" and not el.get("sliceName"):
                allowed = (
                    () if el.get("max") == "0" else tuple(_type_code(t) for t in el.get("type", []) or [])
                )
                break
        if allowed is not None:
            self.value_types(value, allowed, at, str(value.get("url")))
        self.sub_counts(value, sd, at)

    def sub_counts(self, value: dict[str, Any], sd: dict[str, Any], at: str) -> None:
        """A complex extension's sub-extensions appear as often as their slices allow (``species`` of
        ``patient-animal`` is required, at most once)."""
        limits = sub_limits(sd)
        if not limits:
            return
        nested = value.get("extension")
        urls = [e.get("url") for e in nested if isinstance(e, dict)] if isinstance(nested, list) else []
        for url, (low, high) in limits.items():
            n = urls.count(url)
            if n < low:
                self.err(
                    "required",
                    at,
                    f"the extension {value.get('url')} requires its sub-extension '{url}' (min {low})",
                    "extension.sub-cardinality",
                )
            elif high is not None and n > high:
                self.err(
                    "structure",
                    at,
                    f"the extension {value.get('url')} allows its sub-extension '{url}' at most {high} "
                    f"time(s), found {n}",
                    "extension.sub-cardinality",
                )

    def value_types(self, value: dict[str, Any], allowed: tuple[str, ...], at: str, what: str) -> None:
        for key in value:
            if key.startswith("value") and key[5:6].isupper():
                vtype = key[5:]
                if not any(vtype == _cap(t) for t in allowed):
                    kinds = ", ".join(allowed) if allowed else "no value (it has nested extensions)"
                    self.err(
                        "structure",
                        f"{at}.{key}",
                        f"extension {what} allows {kinds}, not {vtype}",
                        "extension.type",
                    )

    def attachment(self, value: dict[str, Any], at: str) -> None:
        """``size`` and ``hash`` (SHA-1, base64) must describe ``data`` (R4 Attachment; HL7 validator)."""
        size, data, digest = value.get("size"), value.get("data"), value.get("hash")
        if not isinstance(data, str):
            return
        has_size = isinstance(size, int) and not isinstance(size, bool)
        if not has_size and not isinstance(digest, str):
            return
        import base64
        import binascii
        import hashlib

        try:
            raw = base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError):
            self.err("value", f"{at}.data", "data is not valid base64", "attachment")
            return
        if isinstance(digest, str):
            actual_hash = base64.b64encode(hashlib.sha1(raw).digest()).decode("ascii")
            if digest != actual_hash:
                self.err(
                    "value",
                    f"{at}.hash",
                    f"hash '{digest[:60]}' is not the SHA-1 of the data ({actual_hash})",
                    "attachment",
                )
        if has_size:
            actual = len(raw)
            if actual != size:
                self.err(
                    "value",
                    f"{at}.size",
                    f"stated size {size} does not match the data's size {actual}",
                    "attachment",
                )


_SUBS: dict[int, dict[str, tuple[str, ...]]] = {}
_FHIRPATH_CONTEXT = re.compile(r"^([A-Z][A-Za-z]*(?:\.[a-z][A-Za-z]*)*)(?:\.where\((.*)\))?$")


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [] if v is None else [v]


def _evaluate(expression: str, holder: dict[str, Any], host: tuple[str, ...]) -> bool | None:
    """A FHIRPath expression on the element holding an extension: True/False, None when it cannot be
    evaluated."""
    from .invariants import _compile, _truthy

    compiled = _compile(expression)
    if compiled.fn is None:
        return None
    from fhirpathpy.engine.nodes import ResourceNode

    # a resource as plain JSON (fhirpathpy reads ``Patient.active`` on it by its resourceType; on a typed
    # node it finds nothing); another element typed by its path, so its children resolve
    path = "" if "resourceType" in holder else next((h for h in host if h and h[0].isupper()), "")
    create_node: Any = ResourceNode.create_node  # untyped in fhirpathpy
    try:
        result = compiled.fn(create_node(holder, path) if path else holder, {"resource": holder})
    except Exception:  # the engine raises bare Exceptions
        return None
    if not result:
        return False
    return bool(_truthy(result))


_LIMITS: dict[int, tuple[dict[str, Any], dict[str, tuple[int, int | None]]]] = {}


def sub_limits(sd: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    """The cardinality of a complex extension's sub-extension slices: url -> (min, max or None)."""
    key = id(sd)
    cached = _LIMITS.get(key)
    if cached is not None and cached[0] is sd:  # the definition itself is kept: ids are not reused
        return cached[1]
    elements = sd.get("snapshot", {}).get("element", [])
    by_id = {str(el.get("id")): el for el in elements}
    out: dict[str, tuple[int, int | None]] = {}
    for el in elements:
        if el.get("path") != "Extension.extension" or not el.get("sliceName"):
            continue
        url = by_id.get(f"{el.get('id')}.url", {}).get("fixedUri") or el.get("sliceName")
        high = el.get("max", "*")
        low = el.get("min", 0)
        out[str(url)] = (
            low if isinstance(low, int) else 0,
            int(high) if isinstance(high, str) and high.isdigit() else None,
        )
    _LIMITS[key] = (sd, out)
    return out


def sub_extensions(sd: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The sub-extensions a complex extension defines: url (the slice's fixed url) -> value types."""
    key = id(sd)
    if key not in _SUBS:
        elements = sd.get("snapshot", {}).get("element", [])
        by_id = {str(el.get("id")): el for el in elements}
        out: dict[str, tuple[str, ...]] = {}
        for el in elements:
            if el.get("path") != "Extension.extension" or not el.get("sliceName"):
                continue
            prefix = str(el.get("id"))
            url_el = by_id.get(f"{prefix}.url", {})
            url = url_el.get("fixedUri") or el.get("sliceName")
            value_el = by_id.get(f"{prefix}.value[x]", {})
            types = (
                ()
                if value_el.get("max") == "0"
                else tuple(_type_code(t) for t in value_el.get("type", []) or [])
            )
            out[str(url)] = types
        _SUBS[key] = out
    return _SUBS[key]


def walk_resource(
    resource: dict[str, Any], location: str, defs: DefinitionsProvider, cache: WalkCache | None = None
) -> list[Issue]:
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str):
        return []
    idx = type_index(defs, rtype)
    if idx is None:
        return []
    walker = _Walker(defs, cache)
    walker.object(resource, idx, idx.root, location, resource=True, host=(rtype, "@resource"))
    rid = resource.get("id")
    if rid is not None:
        id_re = _regex(defs, "id")
        if isinstance(rid, str) and id_re is not None and id_re.fullmatch(rid) is None:
            walker.err("value", f"{location}.id", f"'{rid}' is not a valid resource id", "format")
    if cache is not None:
        cache.sites[location] = walker.sites
    return walker.issues


class StructureChecker:
    name = "structure"

    def __init__(self, cache: WalkCache | None = None) -> None:
        self.cache = cache

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        return walk_resource(resource, location, ctx.definitions, self.cache)

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterator[Issue]:
        return iter(())
