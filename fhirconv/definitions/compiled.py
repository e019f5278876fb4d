"""Compile an installed FHIR package into a compact cache, and serve it as a DefinitionsProvider.

Parsing the package's 3,000+ conformance JSON files takes seconds; the compiled cache (pickles of the
trimmed StructureDefinitions, the ValueSets, the CodeSystems, the parsed FHIRPath of every constraint and
the generated JSON Schema, each part loaded only when first asked for) keeps a cold ``fhirconv validate``
under a second. Definitions, value sets, code systems and FHIRPath trees are pickled one by one inside
their part, so a run unpickles only the few dozen it meets. The cache is keyed by the package and by
``COMPILER_VERSION`` so a changed compiler never reads a stale layout.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import CodeType, FunctionType
from typing import Any

from ..diskcache import IndexedBlobs, stamped, write_indexed
from ..errors import DefinitionsError, DefinitionsNotInstalled
from .registry import InstalledPackage, Progress, ProgressEvent

__all__ = ["COMPILER_VERSION", "CompiledDefinitions", "compile_package", "compiled_dir", "expand_simple"]

# 10: main's 8 plus FHIR regexes with ASCII classes ("(?a)"); 9 is stale. 11: the lazy parts are indexed
# blob files (diskcache.write_indexed), read one definition at a time
COMPILER_VERSION = "11"
CACHE_ENV = "FHIRCONV_CACHE_DIR"
_PARTS = ("structures", "types", "valuesets", "codesystems", "searchparams", "schema", "fhirpath")
_LAZY_PARTS = frozenset({"structures", "valuesets", "codesystems", "fhirpath"})  # url/text -> pickle bytes

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
    "slicing",
)
_SD_KEYS = (
    "resourceType",
    "id",
    "url",
    "version",
    "name",
    "type",
    "kind",
    "abstract",
    "baseDefinition",
    "derivation",
    "context",
)


def compiled_dir(pkg: InstalledPackage) -> Path:
    env = os.environ.get(CACHE_ENV)
    base = Path(env).expanduser() if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    if not env:
        base = base / "fhirconv"
    return base / "definitions" / f"{pkg.name}#{pkg.version}" / f"v{COMPILER_VERSION}"


def _trim_element(el: dict[str, Any]) -> dict[str, Any]:
    out = {k: el[k] for k in _ELEMENT_KEYS if k in el}
    for key, value in el.items():  # fixed[x] / pattern[x]: what profiles (core's too) pin down
        if key.startswith(("fixed", "pattern")):
            out[key] = value
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
    if sd.get("derivation") == "constraint" and sd.get("differential"):
        out["differential"] = {"element": [_trim_element(e) for e in sd["differential"].get("element", [])]}
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
    url: str, valuesets: Mapping[str, dict[str, Any]], codesystems: Mapping[str, dict[str, Any]]
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


def _types_index(structures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Base definition per type name and the concrete resource types, without unpickling every SD."""
    by_type: dict[str, str] = {}
    for url, sd in structures.items():
        base = sd.get("derivation") == "specialization" or "baseDefinition" not in sd
        if base and url.startswith("http://hl7.org/fhir/StructureDefinition/"):
            by_type.setdefault(str(sd["type"]), url)
    resources = sorted(
        name
        for name, url in by_type.items()
        if structures[url].get("kind") == "resource" and not structures[url].get("abstract")
    )
    return {"by_type": by_type, "resources": resources}


def _fhirpath_trees(structures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Parsed FHIRPath of every constraint expression (parsing costs ~10 ms each at run time)."""
    try:
        from fhirpathpy.parser import parse as _parse
    except ImportError:
        return {}
    parse: Any = _parse  # untyped in fhirpathpy
    texts = {
        str(c["expression"])
        for sd in structures.values()
        for el in sd["snapshot"]["element"]
        for c in el.get("constraint") or []
        if c.get("expression")
    }
    trees: dict[str, Any] = {}
    for text in sorted(texts):
        try:
            trees[text] = parse(text)
        except Exception:  # the parser raises bare Exceptions; the checker reports these itself
            continue
    return trees


def _one_by_one(items: dict[str, Any]) -> dict[str, bytes]:
    return {key: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) for key, value in items.items()}


def compile_package(
    pkg: InstalledPackage, *, target: Path | None = None, progress: Progress | None = None
) -> Path:
    """Read the package's conformance resources and write the compiled cache; return its folder.

    ``progress`` hears each step (``compile``, ``done`` of ``total``): this takes seconds on first use.
    """
    steps = ["read", "JSON Schema", *_PARTS, "fast schema"]

    def step(name: str) -> None:
        if progress is not None:
            what = f"compiling {pkg.spec}" + (f": {name}" if name != "read" else "")
            progress(ProgressEvent("compile", what, steps.index(name), len(steps)))

    step("read")
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
    from .jsonschema_gen import generate_schema

    step("JSON Schema")
    schema = generate_schema(structures, lambda url: expand_simple(url, valuesets, codesystems))
    trimmed = {url: _trim_sd(sd) for url, sd in structures.items()}
    parts: dict[str, Any] = {
        "structures": _one_by_one(trimmed),
        "types": _types_index(trimmed),
        "valuesets": _one_by_one(valuesets),
        "codesystems": _one_by_one(codesystems),
        "searchparams": searchparams,
        "schema": schema,
        "fhirpath": _one_by_one(_fhirpath_trees(trimmed)),
    }
    out = target or compiled_dir(pkg)
    out.mkdir(parents=True, exist_ok=True)
    for name, value in parts.items():
        step(name)
        with tempfile.NamedTemporaryFile(dir=out, delete=False, suffix=".tmp") as fh:
            if name in _LAZY_PARTS:  # url/text -> pickle bytes, each read from the file when needed
                write_indexed(fh, value)
            else:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        Path(fh.name).replace(out / f"{name}.pickle")
    step("fast schema")
    _compile_fast_schema(schema, out)
    if progress is not None:
        progress(ProgressEvent("compile", f"compiled {pkg.spec}", len(steps), len(steps)))
    stamp = {"package": pkg.spec, "compiler": COMPILER_VERSION, "source": _fingerprint(folder)}
    (out / "index.json").write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return out


_VERSION_LINE = re.compile(r"""^VERSION\s*=\s*(['"])([\w.+!-]+)\1\s*$""", re.MULTILINE)


def _fastjsonschema_version() -> str | None:
    # the module's own VERSION (its release, what the distribution's metadata says too): reading the
    # metadata imports importlib.metadata, ~0.01 s of every cold start; importing the package (its four
    # draft generators) to read it, ~0.006 s of a cold conversion that never runs them. So the line
    # ``VERSION = '2.22.3'`` of its version.py, which the package imports as its VERSION, is read as
    # text; the import stays the way when the package is loaded already or its file says otherwise.
    if "fastjsonschema" not in sys.modules:
        found = _fastjsonschema_version_file()
        if found is not None:
            return found
    try:
        import fastjsonschema
    except ImportError:
        return None
    found = getattr(fastjsonschema, "VERSION", None)
    if isinstance(found, str):
        return found
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("fastjsonschema")
    except PackageNotFoundError:
        return None


def _fastjsonschema_version_file() -> str | None:
    """The VERSION line of the installed fastjsonschema's ``version.py``, read without importing the
    package; None when there is no such package, file or single plain line."""
    try:
        from importlib.util import find_spec

        spec = find_spec("fastjsonschema")
        if spec is None or not spec.submodule_search_locations:
            return None
        for folder in spec.submodule_search_locations:
            text = (Path(folder) / "version.py").read_text(encoding="utf-8")
            found = _VERSION_LINE.findall(text)
            return found[0][1] if len(found) == 1 else None
    except (ImportError, OSError, ValueError):
        return None
    return None


def fast_schema_file(folder: Path) -> Path:
    """The generated validators for this Python and this fastjsonschema: its generated code imports
    names that differ between releases (JsonSchemaValuesException), so one file per version."""
    fjs = _fastjsonschema_version() or "none"
    return folder / f"fastschema-py{sys.version_info[0]}{sys.version_info[1]}-fjs{fjs}.marshal"


def _compile_fast_schema(schema: dict[str, Any], out: Path) -> None:
    """Generate fastjsonschema code for every resource type once (the slow part of compiling) and keep its
    bytecode, one code object per validator.

    The schema checker runs this code as a fast first pass and asks jsonschema for the full list of
    findings only when it fails, so warm validation pays microseconds per valid resource.
    """
    try:
        import fastjsonschema
    except ImportError:
        return
    # Descriptions would be copied into every generated exception (a third of the code): drop them.
    definitions: dict[str, Any] = {}
    for name, definition in schema["definitions"].items():
        slim = {k: v for k, v in definition.items() if k != "description"}
        if isinstance(slim.get("properties"), dict):
            slim["properties"] = {
                prop: {k: v for k, v in sub.items() if k != "description"}
                for prop, sub in slim["properties"].items()
            }
        definitions[name] = slim
    definitions["ResourceList"] = {"type": "object"}  # nested resources are validated on their own
    names = list(schema["discriminator"]["mapping"])
    root = {
        "$schema": schema.get("$schema"),
        "definitions": definitions,
        "anyOf": [{"$ref": f"#/definitions/{n}"} for n in names],
    }
    try:
        header, code, calls = _split_module(fastjsonschema.compile_to_code(root))
    except DefinitionsError:
        return  # a fastjsonschema whose output we cannot split: jsonschema alone checks then (slower)
    # Layout: 8-byte length of a marshalled index, the index (set-up code; name -> offset, size, calls),
    # then the marshalled code objects, read by offset on first use.
    index: dict[str, Any] = {"header": header, "functions": {}}
    offset = 0
    for name, blob in code.items():
        index["functions"][name] = (offset, len(blob), calls[name])
        offset += len(blob)
    head = marshal.dumps(index)
    target = fast_schema_file(out)
    with tempfile.NamedTemporaryFile(dir=out, delete=False, suffix=".tmp") as fh:
        fh.write(len(head).to_bytes(8, "little"))
        fh.write(head)
        for blob in code.values():
            fh.write(blob)
    Path(fh.name).replace(target)


_CALL = re.compile(r"\b(validate\w*)\(")


def _split_module(source: str) -> tuple[bytes, dict[str, bytes], dict[str, tuple[str, ...]]]:
    """The generated module as its set-up code plus one code object per function and the functions each
    calls, so a run loads only the validators of the types it meets (all of them: ~0.1-0.2 s).

    fastjsonschema writes set-up statements, then only top-level ``def`` blocks whose literals are all on
    one line, so the text splits at each line that starts with ``def``; cutting the text keeps memory at
    the code generation's peak (a syntax tree of the whole module would add ~1 GB).
    """
    header, *chunks = source.split("\ndef ")
    names = [chunk[: chunk.index("(")] for chunk in chunks]
    functions = set(names)
    code: dict[str, bytes] = {}
    calls: dict[str, tuple[str, ...]] = {}
    for name, chunk in zip(names, chunks, strict=True):
        compiled = compile("def " + chunk, "<fhir-r4-schema>", "exec")
        if compiled.co_names != (name,):  # not exactly one definition: the layout assumption broke
            raise DefinitionsError(f"unexpected fastjsonschema output near def {name}")
        code[name] = marshal.dumps(compiled)
        calls[name] = tuple(sorted(set(_CALL.findall(chunk)) & functions - {name}))
    return marshal.dumps(compile(header, "<fhir-r4-schema>", "exec")), code, calls


# A validator not yet made: its first call makes it (``_FastSchema._make``) and calls it. The generated
# functions call each other by their global names, so once made the real one is what every later call
# finds; its name rides in a keyword-only default (one shared code object for every stub).
_STUB_CODE = next(
    c
    for c in compile(
        "def _stub(*a, _fhirconv_fn='', **k):\n    return _fhirconv_make(_fhirconv_fn)(*a, **k)\n",
        "<fhir-r4-schema-stub>",
        "exec",
    ).co_consts
    if isinstance(c, CodeType)
)


class _FastSchema(Mapping[str, Any]):
    """The generated validators by function name; a function is made on first use from its slice of the
    memory-mapped bytecode file, and the functions it calls on their own first call (a resource's
    validator reaches nearly every datatype's through Extension.value[x]; a resource uses a few)."""

    def __init__(self, path: Path) -> None:
        import mmap

        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        size = int.from_bytes(self._map[:8], "little")
        index = marshal.loads(self._map[8 : 8 + size])
        self._base = 8 + size
        self._functions: dict[str, tuple[int, int, tuple[str, ...]]] = index["functions"]
        self._ns: dict[str, Any] = {"_fhirconv_make": self._make}
        exec(marshal.loads(index["header"]), self._ns)

    def _make(self, name: str) -> Any:
        """The validator ``name``, made now if it is not yet (or is a stub); the functions it calls
        that are not made get stubs."""
        fn = self._ns.get(name)
        if fn is None or getattr(fn, "__code__", None) is _STUB_CODE:
            offset, size, calls = self._functions[name]
            start = self._base + offset
            exec(marshal.loads(self._map[start : start + size]), self._ns)
            for callee in calls:
                if callee not in self._ns:
                    stub = FunctionType(_STUB_CODE, self._ns, callee)
                    stub.__kwdefaults__ = {"_fhirconv_fn": callee}
                    self._ns[callee] = stub
            fn = self._ns[name]
        return fn

    def __getitem__(self, name: str) -> Any:
        if name not in self._functions:
            raise KeyError(name)
        return self._make(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._functions)

    def __len__(self) -> int:
        return len(self._functions)


def _fingerprint(folder: Path, memo: Path | None = None) -> str:
    """Cheap identity of an unpacked package (its manifest), so a reinstall triggers a recompile. With
    ``memo`` (a file), remembered there under the stamps of the folder and its manifest (diskcache.
    stamped): listing the package's 5,000 files was ~3 ms of every cold start."""
    manifest = folder / "package.json"

    def compute() -> str:
        h = hashlib.sha256(manifest.read_bytes() if manifest.is_file() else b"")
        h.update(str(len(os.listdir(folder))).encode())  # as many as iterdir() yields, without 5,000 Paths
        return h.hexdigest()

    return compute() if memo is None else stamped(memo, ("package", str(folder)), [folder, manifest], compute)


def is_current(pkg: InstalledPackage, out: Path) -> bool:
    try:
        stamp = json.loads((out / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        stamp.get("compiler") == COMPILER_VERSION
        and stamp.get("source") == _fingerprint(pkg.path / "package", out / "stamps.digests")
        and all((out / f"{p}.pickle").is_file() for p in _PARTS)
        and (_fastjsonschema_version() is None or fast_schema_file(out).is_file())
    )


class _Lazy(Mapping[str, Any]):
    """A read-only mapping over separately pickled values, each unpickled on first access."""

    __slots__ = ("_done", "_raw")

    def __init__(self, raw: Mapping[str, bytes]) -> None:
        self._raw = raw
        self._done: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = pickle.loads(self._raw[key])  # KeyError when absent, as a mapping should
            self._done[key] = value
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class CompiledDefinitions:
    """DefinitionsProvider over a compiled cache; each part is unpickled on first use."""

    def __init__(self, folder: Path, package: InstalledPackage | None = None) -> None:
        self.folder = folder
        self.package = package
        self._parts: dict[str, Any] = {}
        self._expansions: dict[str, list[str] | None] = {}
        self._resource_types: frozenset[str] | None = None

    def _part(self, name: str) -> Any:
        if name not in self._parts:
            try:
                path = self.folder / f"{name}.pickle"
                if name in _LAZY_PARTS:
                    # the header only: a conversion's gate reads a few hundred of the package's
                    # definitions, and unpickling the whole 30 MB was a tenth of a cold convert
                    self._parts[name] = _Lazy(IndexedBlobs(path))
                else:
                    with path.open("rb") as fh:
                        self._parts[name] = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
                raise DefinitionsError(
                    f"compiled definitions unreadable ({exc}); run `fhirconv definitions install --force`",
                    source=str(self.folder),
                ) from exc
        return self._parts[name]

    @property
    def structures(self) -> Mapping[str, dict[str, Any]]:
        value: Mapping[str, dict[str, Any]] = self._part("structures")
        return value

    def structure_definition(self, url_or_type: str) -> dict[str, Any] | None:
        if "/" in url_or_type:
            return self.structures.get(url_or_type.split("|")[0])
        url = self._part("types")["by_type"].get(url_or_type)
        return self.structures.get(url) if url is not None else None

    def fhirpath_tree(self, expression: str) -> Any | None:
        """fhirpathpy's parse tree of a constraint expression of the package, or None (parse it then)."""
        tree: Any | None = self._part("fhirpath").get(expression)
        return tree

    def value_set(self, url: str) -> dict[str, Any] | None:
        vs: dict[str, Any] | None = self._part("valuesets").get(url.split("|")[0])
        return vs

    def code_system(self, url: str) -> dict[str, Any] | None:
        cs: dict[str, Any] | None = self._part("codesystems").get(url.split("|")[0])
        return cs

    def code_system_urls(self) -> Iterator[str]:
        """The URL of every CodeSystem of the package (the validator stores a table of each)."""
        return iter(self._part("codesystems"))

    def value_set_urls(self) -> Iterator[str]:
        """The URL of every ValueSet of the package (the validator stores the expansion of each)."""
        return iter(self._part("valuesets"))

    def search_parameter(self, url: str) -> dict[str, Any] | None:
        """An official SearchParameter (url, code, type, base, expression, target), or None."""
        sp: dict[str, Any] | None = self._part("searchparams").get(url.split("|")[0])
        return sp

    def resource_types(self) -> frozenset[str]:
        if self._resource_types is None:
            self._resource_types = frozenset(self._part("types")["resources"])
        return self._resource_types

    def fast_schema(self) -> Mapping[str, Any] | None:
        """The generated fastjsonschema functions by name, or None when not compiled."""
        if "fast" not in self._parts:
            ns: Mapping[str, Any] | None = None
            try:
                ns = _FastSchema(fast_schema_file(self.folder))
            except (OSError, ValueError, EOFError, TypeError, KeyError):
                ns = None
            self._parts["fast"] = ns
        fast: Mapping[str, Any] | None = self._parts["fast"]
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
