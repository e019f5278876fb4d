"""Compile an installed FHIR package into a compact cache, and serve it as a DefinitionsProvider.

Parsing the package's 3,000+ conformance JSON files takes seconds; the compiled cache (pickles of the
trimmed StructureDefinitions, the ValueSets, the CodeSystems and the generated JSON Schema, each loaded
only when first asked for) keeps a cold ``fhirconv validate`` well under a second. The cache is keyed by
the package and by ``COMPILER_VERSION`` so a changed compiler never reads a stale layout.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import DefinitionsError, DefinitionsNotInstalled
from .jsonschema_gen import generate_schema
from .registry import InstalledPackage

__all__ = ["COMPILER_VERSION", "CompiledDefinitions", "compile_package", "compiled_dir", "expand_simple"]

COMPILER_VERSION = "2"
CACHE_ENV = "FHIRCONV_CACHE_DIR"
_PARTS = ("structures", "valuesets", "codesystems", "searchparams", "schema")

# What validation needs of an ElementDefinition; the rest (mappings, comments, examples) is dropped.
_ELEMENT_KEYS = (
    "id",
    "path",
    "sliceName",
    "min",
    "max",
    "base",
    "type",
    "contentReference",
    "constraint",
    "binding",
    "fixedUri",
    "maxLength",
    "isModifier",
)
_SD_KEYS = ("resourceType", "id", "url", "name", "type", "kind", "abstract", "baseDefinition", "derivation")


def compiled_dir(pkg: InstalledPackage) -> Path:
    env = os.environ.get(CACHE_ENV)
    base = Path(env).expanduser() if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    if not env:
        base = base / "fhirconv"
    return base / "definitions" / f"{pkg.name}#{pkg.version}" / f"v{COMPILER_VERSION}"


def _trim_element(el: dict[str, Any]) -> dict[str, Any]:
    out = {k: el[k] for k in _ELEMENT_KEYS if k in el}
    if "constraint" in out:
        out["constraint"] = [
            {k: c[k] for k in ("key", "severity", "human", "expression", "source") if k in c}
            for c in out["constraint"]
        ]
    if "binding" in out:
        out["binding"] = {k: out["binding"][k] for k in ("strength", "valueSet") if k in out["binding"]}
    return out


def _trim_sd(sd: dict[str, Any]) -> dict[str, Any]:
    out = {k: sd[k] for k in _SD_KEYS if k in sd}
    out["snapshot"] = {"element": [_trim_element(e) for e in sd.get("snapshot", {}).get("element", [])]}
    return out


def _iter_resources(folder: Path, prefix: str) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob(f"{prefix}-*.json")):
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise DefinitionsError(f"unreadable package file: {exc}", source=str(path)) from exc
        if isinstance(data, dict) and data.get("resourceType") == prefix and isinstance(data.get("url"), str):
            yield data


def _flat(concepts: list[dict[str, Any]] | None) -> Iterator[dict[str, Any]]:
    for c in concepts or []:
        yield c
        yield from _flat(c.get("concept"))


def _selectable(concept: dict[str, Any]) -> bool:
    for prop in concept.get("property", []) or []:
        if prop.get("code") in ("notSelectable", "abstract") and prop.get("valueBoolean") is True:
            return False
    return True


def expand_simple(
    url: str, valuesets: dict[str, dict[str, Any]], codesystems: dict[str, dict[str, Any]]
) -> list[str] | None:
    """Codes of a value set built only from whole local code systems or explicit code lists, else None."""
    vs = valuesets.get(url)
    if vs is None:
        return None
    compose = vs.get("compose") or {}
    if compose.get("exclude"):
        return None
    codes: list[str] = []
    for inc in compose.get("include", []) or []:
        if inc.get("valueSet") or inc.get("filter"):
            return None
        if inc.get("concept"):
            codes.extend(str(c["code"]) for c in inc["concept"])
            continue
        cs = codesystems.get(str(inc.get("system")))
        if cs is None or cs.get("content") != "complete":
            return None
        codes.extend(str(c["code"]) for c in _flat(cs.get("concept")) if _selectable(c))
    return codes or None


def compile_package(pkg: InstalledPackage, *, target: Path | None = None) -> Path:
    """Read the package's conformance resources and write the compiled cache; return its folder."""
    folder = pkg.path / "package"
    if not folder.is_dir():
        raise DefinitionsNotInstalled(f"package folder missing: {folder}")
    structures = {sd["url"]: sd for sd in _iter_resources(folder, "StructureDefinition")}
    valuesets = {vs["url"]: vs for vs in _iter_resources(folder, "ValueSet")}
    codesystems = {cs["url"]: cs for cs in _iter_resources(folder, "CodeSystem")}
    searchparams = {
        sp["url"]: {k: sp[k] for k in ("url", "code", "type", "base", "expression", "target") if k in sp}
        for sp in _iter_resources(folder, "SearchParameter")
    }
    if not structures:
        raise DefinitionsError(f"{pkg.spec} holds no StructureDefinitions", source=str(folder))
    schema = generate_schema(structures, lambda url: expand_simple(url, valuesets, codesystems))
    parts: dict[str, Any] = {
        "structures": {url: _trim_sd(sd) for url, sd in structures.items()},
        "valuesets": valuesets,
        "codesystems": codesystems,
        "searchparams": searchparams,
        "schema": schema,
    }
    out = target or compiled_dir(pkg)
    out.mkdir(parents=True, exist_ok=True)
    for name, value in parts.items():
        with tempfile.NamedTemporaryFile(dir=out, delete=False, suffix=".tmp") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        Path(fh.name).replace(out / f"{name}.pickle")
    _compile_fast_schema(schema, out)
    stamp = {"package": pkg.spec, "compiler": COMPILER_VERSION, "source": _fingerprint(folder)}
    (out / "index.json").write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return out


def fast_schema_file(folder: Path) -> Path:
    return folder / f"fastschema-py{sys.version_info[0]}{sys.version_info[1]}.marshal"


def _compile_fast_schema(schema: dict[str, Any], out: Path) -> None:
    """Generate fastjsonschema code for every resource type once (slow: ~25 s) and keep its bytecode.

    The schema checker runs this code as a fast first pass and asks jsonschema for the full list of
    findings only when it fails, so warm validation pays microseconds per valid resource.
    """
    try:
        import fastjsonschema
    except ImportError:
        return
    definitions = dict(schema["definitions"])
    definitions["ResourceList"] = {"type": "object"}  # nested resources are validated on their own
    names = list(schema["discriminator"]["mapping"])
    root = {
        "$schema": schema.get("$schema"),
        "definitions": definitions,
        "anyOf": [{"$ref": f"#/definitions/{n}"} for n in names],
    }
    code = compile(fastjsonschema.compile_to_code(root), "<fhir-r4-schema>", "exec")
    target = fast_schema_file(out)
    with tempfile.NamedTemporaryFile(dir=out, delete=False, suffix=".tmp") as fh:
        marshal.dump(code, fh)
    Path(fh.name).replace(target)


def _fingerprint(folder: Path) -> str:
    """Cheap identity of an unpacked package (its manifest), so a reinstall triggers a recompile."""
    manifest = folder / "package.json"
    h = hashlib.sha256(manifest.read_bytes() if manifest.is_file() else b"")
    h.update(str(sum(1 for _ in folder.iterdir())).encode())
    return h.hexdigest()


def is_current(pkg: InstalledPackage, out: Path) -> bool:
    try:
        stamp = json.loads((out / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        stamp.get("compiler") == COMPILER_VERSION
        and stamp.get("source") == _fingerprint(pkg.path / "package")
        and all((out / f"{p}.pickle").is_file() for p in _PARTS)
    )


class CompiledDefinitions:
    """DefinitionsProvider over a compiled cache; each part is unpickled on first use."""

    def __init__(self, folder: Path, package: InstalledPackage | None = None) -> None:
        self.folder = folder
        self.package = package
        self._parts: dict[str, Any] = {}
        self._by_type: dict[str, dict[str, Any]] | None = None
        self._expansions: dict[str, list[str] | None] = {}

    def _part(self, name: str) -> Any:
        if name not in self._parts:
            try:
                with (self.folder / f"{name}.pickle").open("rb") as fh:
                    self._parts[name] = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError) as exc:
                raise DefinitionsError(
                    f"compiled definitions unreadable ({exc}); run `fhirconv definitions install --force`",
                    source=str(self.folder),
                ) from exc
        return self._parts[name]

    @property
    def structures(self) -> dict[str, dict[str, Any]]:
        value: dict[str, dict[str, Any]] = self._part("structures")
        return value

    def _types(self) -> dict[str, dict[str, Any]]:
        if self._by_type is None:
            by_type: dict[str, dict[str, Any]] = {}
            for sd in self.structures.values():
                base = sd.get("derivation") == "specialization" or "baseDefinition" not in sd
                if base and str(sd.get("url", "")).startswith("http://hl7.org/fhir/StructureDefinition/"):
                    by_type.setdefault(str(sd["type"]), sd)
            self._by_type = by_type
        return self._by_type

    def structure_definition(self, url_or_type: str) -> dict[str, Any] | None:
        if "/" in url_or_type:
            return self.structures.get(url_or_type.split("|")[0])
        return self._types().get(url_or_type)

    def value_set(self, url: str) -> dict[str, Any] | None:
        vs: dict[str, Any] | None = self._part("valuesets").get(url.split("|")[0])
        return vs

    def code_system(self, url: str) -> dict[str, Any] | None:
        cs: dict[str, Any] | None = self._part("codesystems").get(url.split("|")[0])
        return cs

    def search_parameter(self, url: str) -> dict[str, Any] | None:
        """An official SearchParameter (url, code, type, base, expression, target), or None."""
        sp: dict[str, Any] | None = self._part("searchparams").get(url.split("|")[0])
        return sp

    def resource_types(self) -> frozenset[str]:
        return frozenset(
            name
            for name, sd in self._types().items()
            if sd.get("kind") == "resource" and not sd.get("abstract")
        )

    def fast_schema(self) -> dict[str, Any] | None:
        """Namespace of the generated fastjsonschema functions, or None when not compiled."""
        if "fast" not in self._parts:
            ns: dict[str, Any] | None = None
            try:
                with fast_schema_file(self.folder).open("rb") as fh:
                    code = marshal.load(fh)
                ns = {}
                exec(code, ns)
            except (OSError, ValueError, EOFError, TypeError):
                ns = None
            self._parts["fast"] = ns
        fast: dict[str, Any] | None = self._parts["fast"]
        return fast

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self._part("schema")
        return schema

    def simple_expansion(self, url: str) -> list[str] | None:
        """Codes of a value set made of whole local code systems or code lists (None: cannot expand)."""
        key = url.split("|")[0]
        if key not in self._expansions:
            self._expansions[key] = expand_simple(key, self._part("valuesets"), self._part("codesystems"))
        return self._expansions[key]
