"""Rules for a StructureDefinition given as input: does it define something a validator can use?

The HL7 validator checks a StructureDefinition as a definition, not only as a resource. The rules here
(``structuredefinition.*``, errors) are those that need no terminology and no publishing context:

- the ``type`` of a logical model is an R4 type or an absolute URL (a bare name that R4 does not define
  would clash with the types of other models);
- a specialization defines a new type: its ``type`` differs from that of the structure it specializes;
- every element path starts with the type's name (the last segment of a URL type);
- a constraint cannot change a value its base fixes (``fixed[x]``);
- ``inherit-obligations`` names loaded obligation profiles on the same base;
- a discriminator's path names an element of the sliced element's type;
- a type profile is a profile of that type (``Quantity`` cannot be profiled by ``Count``, an R4 type of
  its own); element types ``Resource``/``DomainResource`` take a profile of any resource;
- a constraint given as a differential only must yield a snapshot: each differential path is an element
  of the base, of a datatype below it, or a choice element renamed for one of its types
  (``Observation.valueQuantity``), else the snapshot cannot be generated.
"""

from __future__ import annotations

import re
from typing import Any

from .issues import Issue, Severity
from .protocols import Context

__all__ = ["structure_definition_issues"]


def _err(at: str, message: str) -> Issue:
    return Issue(Severity.ERROR, "invalid", at, message, "structuredefinition")


def _elements(sd: dict[str, Any], part: str) -> list[Any]:
    holder = sd.get(part)
    elements = holder.get("element") if isinstance(holder, dict) else None
    return elements if isinstance(elements, list) else []


def structure_definition_issues(sd: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
    out: list[Issue] = []
    defs = ctx.definitions
    stype = sd.get("type")
    if not isinstance(stype, str) or not stype:
        return out  # a missing type is the cardinality finding
    absolute = stype.startswith(("http://", "https://", "urn:"))
    if sd.get("kind") == "logical" and not absolute and defs.structure_definition(stype) is None:
        out.append(
            _err(
                f"{at}.type",
                f"the type {stype} is no R4 type: the type of a logical model that R4 does not define "
                "must be an absolute URL",
            )
        )
    base_url = sd.get("baseDefinition")
    base = defs.structure_definition(base_url) if isinstance(base_url, str) else None
    if sd.get("derivation") == "specialization" and isinstance(base, dict) and base.get("type") == stype:
        out.append(
            _err(at, f"a specialization defines a new type, but {stype} is the type of {base_url} already")
        )
    name = stype.rstrip("/").rsplit("/", 1)[-1] if absolute else stype
    for part in ("differential", "snapshot"):
        for i, el in enumerate(_elements(sd, part)):
            if not isinstance(el, dict) or not isinstance(el.get("path"), str):
                continue
            path = el["path"]
            if path.split(".", 1)[0] != name:
                out.append(
                    _err(f"{at}.{part}.element[{i}]", f"the path {path} must start with the type {name}")
                )
            out.extend(_type_profiles(el, f"{at}.{part}.element[{i}]", ctx))
    if sd.get("derivation") == "constraint" and isinstance(base, dict) and base_url != sd.get("url"):
        out.extend(_fixed_changes(sd, base, at))
    if (
        sd.get("derivation") == "constraint"
        and not _elements(sd, "snapshot")
        and _elements(sd, "differential")
        and isinstance(base, dict)
    ):
        out.extend(_differential_paths(sd, base, at, ctx))
    if sd.get("derivation") == "constraint" and isinstance(base, dict):
        out.extend(_discriminator_paths(sd, base, at, ctx))
    out.extend(_inherited_obligations(sd, at, ctx))
    return out


_INHERIT = "http://hl7.org/fhir/StructureDefinition/inherit-obligations"
_OBLIGATION_PROFILE = "http://hl7.org/fhir/StructureDefinition/obligation-profile"


def _inherited_obligations(sd: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
    """``inherit-obligations`` names obligation profiles (``obligation-profile`` true) on the same base."""
    out: list[Issue] = []
    for i, ext in enumerate(sd.get("extension") or []):
        if not isinstance(ext, dict) or ext.get("url") != _INHERIT:
            continue
        url = ext.get("valueCanonical")
        other = ctx.definitions.structure_definition(url) if isinstance(url, str) else None
        if not isinstance(other, dict):
            continue  # not loaded here: not judged
        flagged = any(
            isinstance(e, dict) and e.get("url") == _OBLIGATION_PROFILE and e.get("valueBoolean") is True
            for e in other.get("extension") or []
        )
        if not flagged:
            out.append(
                _err(f"{at}.extension[{i}]", f"the profile {url} is not marked as an obligation profile")
            )
        elif other.get("baseDefinition") != sd.get("baseDefinition"):
            out.append(
                _err(
                    f"{at}.extension[{i}]",
                    f"the obligation profile {url} is based on {other.get('baseDefinition')}, "
                    f"not on {sd.get('baseDefinition')} as this profile",
                )
            )
    return out


_SIMPLE_PATH = re.compile(r"^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$")


def _discriminator_paths(sd: dict[str, Any], base: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
    """A discriminator's path names an element of the sliced element's type (a plain path's first step:
    ``url`` of an Extension, not ``type``)."""
    known = _table(base)
    if not known:
        return []
    resolver = _Resolver(known, ctx)
    out: list[Issue] = []
    for i, el in enumerate(_elements(sd, "differential")):
        slicing = el.get("slicing") if isinstance(el, dict) else None
        path = el.get("path") if isinstance(el, dict) else None
        if not isinstance(slicing, dict) or not isinstance(path, str):
            continue
        codes = [str(t.get("code")) for t in el.get("type") or [] if isinstance(t, dict)]
        if not codes:
            found = resolver.resolve(path)
            if not found:
                continue
            table, where = found[0]
            codes = table.get(where, [])
        for d, disc in enumerate(slicing.get("discriminator") or []):
            dpath = disc.get("path") if isinstance(disc, dict) else None
            if not isinstance(dpath, str) or not _SIMPLE_PATH.match(dpath):
                continue  # $this, resolve(), extension('…'), ofType(…): not judged here
            step = dpath.split(".", 1)[0]
            if _has_child(path, codes, step, resolver):
                continue
            out.append(
                _err(
                    f"{at}.differential.element[{i}].slicing.discriminator[{d}]",
                    f"the discriminator path '{dpath}' names no element of {path}",
                )
            )
    return out


def _has_child(path: str, codes: list[str], step: str, resolver: _Resolver) -> bool:
    """Whether ``step`` is a child of the element (its backbone children in the base, or its type's)."""
    if not codes or any(c in ("BackboneElement", "Element") for c in codes):
        return bool(resolver.resolve(f"{path}.{step}") or resolver.resolve(f"{path}.{step}[x]"))
    for code in codes:
        if code in ("Resource", "DomainResource") or "." in code or code[:1].islower():
            return True  # a resource of any type, or a primitive: not judged
        table = resolver.datatype(code)
        if not table or _step(table, code, step) or f"{code}.{step}[x]" in table:  # value: value[x]
            return True
    return False


def _fixed(el: dict[str, Any]) -> tuple[str, Any] | None:
    return next(((k, v) for k, v in el.items() if k.startswith("fixed")), None)


def _fixed_changes(sd: dict[str, Any], base: dict[str, Any], at: str) -> list[Issue]:
    """A constraint narrows its base: a value the base fixes cannot be fixed to another one."""
    fixed = {
        str(el.get("id") or el.get("path")): f
        for el in _elements(base, "snapshot")
        if isinstance(el, dict) and (f := _fixed(el)) is not None
    }
    out: list[Issue] = []
    for i, el in enumerate(_elements(sd, "differential")):
        mine = _fixed(el) if isinstance(el, dict) else None
        theirs = fixed.get(str(el.get("id") or el.get("path"))) if mine is not None else None
        if mine is not None and theirs is not None and mine[1] != theirs[1]:
            out.append(
                _err(
                    f"{at}.differential.element[{i}].{mine[0]}",
                    f"{el.get('path')} is fixed to {theirs[1]!r} in the base {sd.get('baseDefinition')}: "
                    f"a constraint cannot fix it to {mine[1]!r}",
                )
            )
    return out


def _type_profiles(el: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
    out: list[Issue] = []
    for t, typ in enumerate(el.get("type") or []):
        if not isinstance(typ, dict) or not isinstance(typ.get("code"), str):
            continue
        code = typ["code"]
        if code in ("Resource", "DomainResource"):
            continue
        for p, prof in enumerate(typ.get("profile") or []):
            if not isinstance(prof, str):
                continue
            found = ctx.definitions.structure_definition(prof.split("|")[0])
            ptype = found.get("type") if isinstance(found, dict) else None
            if isinstance(ptype, str) and ptype != code:
                out.append(
                    _err(
                        f"{at}.type[{t}].profile[{p}]",
                        f"the profile {prof} is a profile of {ptype}, but the element {el.get('path')} "
                        f"has the type {code}",
                    )
                )
    return out


def _differential_paths(sd: dict[str, Any], base: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
    """Differential paths the base does not have (nor a datatype below it, nor a renamed choice)."""
    known = _table(base)
    if not known:
        return []
    resolver = _Resolver(known, ctx)
    out: list[Issue] = []
    for i, el in enumerate(_elements(sd, "differential")):
        path = el.get("path") if isinstance(el, dict) else None
        if not isinstance(path, str) or resolver.resolve(path):
            continue
        out.append(
            _err(
                f"{at}.differential.element[{i}]",
                f"the snapshot cannot be generated: {path} is no element of {sd.get('baseDefinition')}",
            )
        )
    return out


def _table(sd: dict[str, Any]) -> dict[str, list[str]]:
    """Element path -> its type codes, from a snapshot."""
    out: dict[str, list[str]] = {}
    for el in _elements(sd, "snapshot"):
        if isinstance(el, dict) and isinstance(el.get("path"), str):
            codes = [str(t.get("code")) for t in el.get("type") or [] if isinstance(t, dict)]
            out.setdefault(el["path"], codes)
    return out


class _Resolver:
    """Finds a differential path in the base's snapshot, following datatypes and renamed choices."""

    def __init__(self, known: dict[str, list[str]], ctx: Context) -> None:
        self.known = known
        self.ctx = ctx
        self.types: dict[str, dict[str, list[str]]] = {}

    def datatype(self, code: str) -> dict[str, list[str]]:
        if code not in self.types:
            found = self.ctx.definitions.structure_definition(code)
            self.types[code] = _table(found) if isinstance(found, dict) else {}
        return self.types[code]

    def resolve(self, path: str, depth: int = 0) -> list[tuple[dict[str, list[str]], str]]:
        found = _step(self.known, "", path)
        if found or depth > 12:
            return found
        head, _, last = path.rpartition(".")
        if not head:
            return []
        out: list[tuple[dict[str, list[str]], str]] = []
        for table, hp in self.resolve(head, depth + 1):
            here = _step(table, hp, last)
            if here:
                out.extend(here)
                continue
            for code in table.get(hp, []):
                if code in ("BackboneElement", "Element") or "." in code:
                    continue
                out.extend(_step(self.datatype(code), code, last))
        return out


def _step(table: dict[str, list[str]], head: str, name: str) -> list[tuple[dict[str, list[str]], str]]:
    """``head.name`` in ``table`` (``name`` a full path when ``head`` is empty), directly or as a choice
    element renamed for one of its types."""
    path = f"{head}.{name}" if head else name
    if path in table:
        return [(table, path)]
    parent, _, last = path.rpartition(".")
    for cand, codes in table.items():
        if cand.endswith("[x]") and cand.rpartition(".")[0] == parent:
            stem = cand.rpartition(".")[2][:-3]
            if any(last == stem + c[:1].upper() + c[1:] for c in codes):
                return [(table, cand)]
    return []
