"""Generate the R4 JSON Schema from the official StructureDefinitions, as the FHIR publisher does.

The publisher's generator (``JsonSchemaGenerator``) writes one definition per primitive type, per complex
type, per resource, and per backbone element (``<Root>_<Name>``, numbered on clashes), requires only
non-primitive mandatory elements (a primitive may be given as ``_x`` alone), and turns required bindings
to small code systems into ``enum``. Reproducing it keeps the schema out of git: it is derived from the
installed package at compile time. ``tests/definitions`` proves the result equal to the reference copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["generate_schema"]

FHIR_TYPE_EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
REGEX_EXT = "http://hl7.org/fhir/StructureDefinition/regex"
NUMBER_TYPES = {"decimal", "integer", "positiveInt", "unsignedInt"}
SD_BASE = "http://hl7.org/fhir/StructureDefinition/"
# The publisher wrote the schema from its source notation, where ``[[[X]]]`` later became a markdown link.
_LINK = re.compile(r"\[([^\]\[]+)\]\([A-Za-z0-9\-]+\.html#[^)\s]*\)")


def _type_code(t: Mapping[str, Any]) -> str:
    for ext in t.get("extension", []) or []:
        if ext.get("url") == FHIR_TYPE_EXT:
            return str(ext.get("valueUrl") or ext.get("valueUri"))
    return str(t.get("code"))


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def primitive_regex(sd: Mapping[str, Any]) -> str | None:
    for el in sd.get("snapshot", {}).get("element", []):
        if el.get("path", "").endswith(".value"):
            for t in el.get("type", []) or []:
                for ext in t.get("extension", []) or []:
                    if ext.get("url") == REGEX_EXT:
                        return str(ext.get("valueString"))
    return None


def _json_type(code: str) -> str:
    if code == "boolean":
        return "boolean"
    if code in NUMBER_TYPES:
        return "number"
    return "string"


def generate_schema(
    structures: Mapping[str, Mapping[str, Any]],
    enum_for: Callable[[str], list[str] | None],
) -> dict[str, Any]:
    """``structures``: StructureDefinitions by URL; ``enum_for(valueset_url)``: codes of a small required
    value set, or None when it cannot be enumerated."""
    base = [
        sd
        for sd in structures.values()
        if sd.get("derivation") == "specialization" or sd.get("type") in ("Element", "Resource")
    ]
    primitives = sorted((sd for sd in base if sd.get("kind") == "primitive-type"), key=lambda s: s["type"])
    complexes = [
        sd
        for sd in base
        if sd.get("kind") == "complex-type"
        and sd.get("type") not in ("BackboneElement",)
        and sd.get("url", "").startswith(SD_BASE)
    ]
    resources = sorted(
        (
            sd
            for sd in base
            if sd.get("kind") == "resource"
            and not sd.get("abstract")
            and sd.get("url", "").startswith(SD_BASE)
        ),
        key=lambda s: s["type"],
    )
    regex = {sd["type"]: primitive_regex(sd) for sd in primitives}

    defs: dict[str, Any] = {}
    names = [sd["type"] for sd in resources]
    defs["ResourceList"] = {"oneOf": [{"$ref": f"#/definitions/{n}"} for n in names]}
    for sd in primitives:
        code = sd["type"]
        entry: dict[str, Any] = {}
        if code == "xhtml":
            defs[code] = {"description": "xhtml - escaped html (see specfication)"}
            continue
        if regex.get(code) and code != "base64Binary":
            entry["pattern"] = f"(?a)^{regex[code]}$"
        entry["type"] = _json_type(code)
        entry["description"] = sd["snapshot"]["element"][0].get("definition", "")
        defs[code] = entry

    bb = structures.get(SD_BASE + "BackboneElement", {})
    modext = next(
        (
            e
            for e in bb.get("snapshot", {}).get("element", [])
            if e.get("path") == "BackboneElement.modifierExtension"
        ),
        None,
    )
    for sd in complexes + resources:
        _complex(sd, defs, regex, enum_for, modext)

    return {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "id": "http://hl7.org/fhir/json-schema/4.0",
        "description": "see http://hl7.org/fhir/json.html#schema for information about the FHIR Json Schemas",
        "discriminator": {
            "propertyName": "resourceType",
            "mapping": {n: f"#/definitions/{n}" for n in names},
        },
        "oneOf": [{"$ref": f"#/definitions/{n}"} for n in names],
        "definitions": defs,
    }


def _complex(
    sd: Mapping[str, Any],
    defs: dict[str, Any],
    regex: Mapping[str, str | None],
    enum_for: Callable[[str], list[str] | None],
    modext: Mapping[str, Any] | None,
) -> None:
    elements: list[Mapping[str, Any]] = sd["snapshot"]["element"]
    root = elements[0]
    root_path = str(root["path"])
    is_resource = sd.get("kind") == "resource"
    description = root.get("definition", "")
    # Backbone element paths -> definition names, in document order, numbered on clashes.
    backbone: dict[str, str] = {root_path: root_path}
    used: set[str] = set(defs)
    children: dict[str, list[Mapping[str, Any]]] = {}
    for el in elements[1:]:
        path = str(el["path"])
        parent = path.rsplit(".", 1)[0]
        children.setdefault(parent, []).append(el)
        codes = [_type_code(t) for t in el.get("type", []) or []]
        if (
            codes
            and codes[0] in ("BackboneElement", "Element")
            and not el.get("contentReference")
            and any(c.get("path", "").startswith(path + ".") for c in elements)
        ):
            name = f"{root_path}_{_cap(path.rsplit('.', 1)[1])}"
            if name in used:
                n = 1
                while f"{name}{n}" in used:
                    n += 1
                name = f"{name}{n}"
            used.add(name)
            backbone[path] = name

    for path, name in backbone.items():
        props: dict[str, Any] = {}
        required: list[str] = []
        if path == root_path and is_resource:
            props["resourceType"] = {"description": f"This is a {root_path} resource", "const": root_path}
        for el in children.get(path, []):
            _property(el, props, required, backbone, regex, enum_for, is_resource)
            if (
                modext is not None
                and path != root_path
                and not is_resource
                and el["path"] == path + ".extension"
                and not any(c["path"] == path + ".modifierExtension" for c in children.get(path, []))
            ):
                # the publisher's datatype backbones are BackboneElements, so they take modifierExtension
                _property(
                    {**modext, "path": path + ".modifierExtension"},
                    props,
                    required,
                    backbone,
                    regex,
                    enum_for,
                    is_resource,
                )
        if path == root_path and is_resource:
            required.append("resourceType")
        entry: dict[str, Any] = {
            "description": description,
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            entry["required"] = required
        defs[name] = entry


def _property(
    el: Mapping[str, Any],
    props: dict[str, Any],
    required: list[str],
    backbone: Mapping[str, str],
    regex: Mapping[str, str | None],
    enum_for: Callable[[str], list[str] | None],
    in_resource: bool,
) -> None:
    path = str(el["path"])
    name = path.rsplit(".", 1)[1]
    if el.get("max") == "0":
        return
    desc = _LINK.sub(r"[[[\1]]]", el.get("definition", ""))
    many = el.get("max") != "1"
    types = el.get("type", []) or []
    if el.get("contentReference"):
        target = str(el["contentReference"]).lstrip("#")
        _put(props, name, desc, {"$ref": f"#/definitions/{backbone.get(target, target)}"}, many)
        if el.get("min", 0) >= 1:
            required.append(name)
        return
    if name.endswith("[x]"):
        stem = name[:-3]
        for t in types:
            code = _type_code(t)
            pname = stem + _cap(code)
            if code[:1].islower():
                inline: dict[str, Any] = {}
                if regex.get(code):
                    inline["pattern"] = f"(?a)^{regex[code]}$"
                inline["type"] = _json_type(code)
                props[pname] = {"description": desc, **inline}
                props["_" + pname] = {
                    "description": f"Extensions for {pname}",
                    "$ref": "#/definitions/Element",
                }
            else:
                props[pname] = {"description": desc, "$ref": f"#/definitions/{_ref_name(code)}"}
        return
    raw = str(types[0].get("code")) if types else "Element"
    code = _type_code(types[0]) if types else "Element"
    system_type = raw.startswith("http://hl7.org/fhirpath/System.")
    if (
        name == "id"
        and path.count(".") == 1
        and in_resource
        and path.split(".")[0] == backbone_root(backbone)
    ):
        code = "id"
    if code in ("BackboneElement", "Element") and path in backbone:
        _put(props, name, desc, {"$ref": f"#/definitions/{backbone[path]}"}, many)
        if el.get("min", 0) >= 1:
            required.append(name)
        return
    if code[:1].islower():
        prim: dict[str, Any] = {"$ref": f"#/definitions/{code}"}
        binding = el.get("binding") or {}
        if code == "code" and binding.get("strength") == "required" and binding.get("valueSet"):
            codes = enum_for(str(binding["valueSet"]).split("|")[0])
            if codes:
                prim = {"enum": codes}
        if many and "enum" in prim:
            props[name] = {"description": desc, "items": prim, "type": "array"}
        else:
            _put(props, name, desc, prim, many)
        if code not in ("xhtml", "canonical") and not (system_type and name == "id"):
            ext: dict[str, Any] = {"$ref": "#/definitions/Element"}
            _put(props, "_" + name, f"Extensions for {name}", ext, many)
        if code in ("xhtml", "canonical") and el.get("min", 0) >= 1:
            required.append(name)
        return
    _put(props, name, desc, {"$ref": f"#/definitions/{_ref_name(code)}"}, many)
    if el.get("min", 0) >= 1:
        required.append(name)


def backbone_root(backbone: Mapping[str, str]) -> str:
    return next(iter(backbone))


def _ref_name(code: str) -> str:
    return "ResourceList" if code == "Resource" else code


def _put(props: dict[str, Any], name: str, desc: str, target: dict[str, Any], many: bool) -> None:
    if many:
        props[name] = {"description": desc, "items": target, "type": "array"}
    else:
        props[name] = {"description": desc, **target}
