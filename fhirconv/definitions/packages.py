"""Implementation guide packages: install with their dependencies, compile lightly, layer over R4 core.

``install_packages(["hl7.fhir.uv.ips#2.0.0"])`` installs a package and, from each ``package.json``'s
``dependencies``, everything it needs, over the same registries and with the same integrity checks as the
core package (``registry.py``), into the shared cache ``~/.fhir/packages``. Registries do not serve every
version an IG names (the npm registry has ``hl7.terminology.r4`` 7.0.1 only, where IPS 2.0.0 asks for
6.5.0), so a missing version is replaced by the nearest one served, with a warning; ``hl7.fhir.r4.core``
is whatever R4 core package validation already uses (``hl7.fhir.r4.examples`` where core is not served);
what cannot be had is reported, never silently dropped.

An IG package is compiled into the definitions cache without the JSON Schema and bytecode of the core
(its profiles constrain core types, whose schema stays the core's): pickles of its StructureDefinitions
(with snapshots, and their differentials for profiles), ValueSets and CodeSystems, each entry pickled
on its own and unpickled on first use. :class:`LayeredDefinitions` serves the core first, then the
packages in load order.
"""

from __future__ import annotations

import json
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DefinitionsError, DefinitionsNotInstalled, RegistryError
from .compiled import _SD_KEYS, COMPILER_VERSION, CompiledDefinitions, _fingerprint, _Lazy, compiled_dir
from .registry import (
    InstalledPackage,
    Progress,
    _extract,
    _get,
    fallback_registry,
    find_installed,
    package_cache_root,
    primary_registry,
    verify_integrity,
)

__all__ = [
    "InstallResult",
    "LayeredDefinitions",
    "PackageDefinitions",
    "compile_ig_package",
    "install_packages",
    "load_ig_definitions",
    "load_packages",
    "nearest_version",
    "parse_spec",
    "resolve_installed",
]

CORE_NAMES = frozenset({"hl7.fhir.r4.core", "hl7.fhir.r4.examples"})
_SPEC = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._\-]{0,213})(?:[#@]([A-Za-z0-9][A-Za-z0-9.\-+]{0,63}))?$")
_PARTS = ("structures", "valuesets", "codesystems", "questionnaires", "artifacts", "versions")
_ARTIFACTS = ("Measure", "Library")  # knowledge artifacts other resources are checked against
# An IG also needs where its extensions may be used and which FHIR version it is for.
_IG_SD_KEYS = (*_SD_KEYS, "contextInvariant", "fhirVersion")


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``name#version`` (or ``name@version``, or ``name`` alone) -> (name, version or None)."""
    m = _SPEC.match(spec.strip())
    if m is None:
        raise DefinitionsError(f"'{spec}' is not a package name#version", source=spec)
    return m.group(1), m.group(2)


def _version_key(version: str) -> tuple[tuple[int, ...], int, str]:
    """Order versions: numeric parts, then a release above its pre-releases (``5.3.0-ballot`` < ``5.3.0``)."""
    core, _, pre = version.partition("-")
    nums = tuple(int(p) if p.isdigit() else 0 for p in core.split("."))
    return nums, 0 if pre else 1, pre


def nearest_version(wanted: str | None, available: Iterable[str]) -> str | None:
    """The served version closest to ``wanted``: itself; else the lowest newer one of the same major, else
    the lowest newer one, else the highest older one. No ``wanted``: the highest release."""
    versions = sorted(set(available), key=_version_key)
    if not versions:
        return None
    if wanted is None or wanted in ("current", "dev", "latest"):
        releases = [v for v in versions if "-" not in v]
        return (releases or versions)[-1]
    if wanted in versions:
        return wanted
    key = _version_key(wanted)
    newer = [v for v in versions if _version_key(v) > key]
    same_major = [v for v in newer if _version_key(v)[0][:1] == key[0][:1]]
    if same_major:
        return same_major[0]
    if newer:
        return newer[0]
    return versions[-1]


@dataclass(slots=True)
class InstallResult:
    """What ``install_packages`` did: packages in load order, substitutions and what stayed missing."""

    packages: list[InstalledPackage] = field(default_factory=list)
    substituted: list[tuple[str, str]] = field(default_factory=list)  # (asked spec, installed spec)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (spec, why)
    core: InstalledPackage | None = None

    @property
    def warnings(self) -> list[str]:
        out = [
            f"{asked}: the R4 core package stands in for it ({got}, the same R4 definitions)"
            if asked.split("#")[0] in CORE_NAMES
            else f"{asked} is not served; using {got} instead"
            for asked, got in self.substituted
        ]
        out += [f"{spec} could not be installed: {why}" for spec, why in self.unresolved]
        return out


def _installed_versions(root: Path, name: str) -> list[str]:
    return [
        p.name.split("#", 1)[1]
        for p in root.glob(f"{name}#*")
        if (p / "package" / "package.json").is_file() and "#" in p.name
    ]


def _dependencies(pkg: InstalledPackage) -> list[tuple[str, str | None]]:
    try:
        meta = json.loads((pkg.path / "package" / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    deps = meta.get("dependencies") if isinstance(meta, dict) else None
    if not isinstance(deps, dict):
        return []
    return [(str(n), str(v) if v is not None else None) for n, v in deps.items()]


class _Registries:
    """The packuments of the configured registries, fetched once per name."""

    def __init__(self, registry: str | None, timeout: float, offline: bool) -> None:
        self.offline = offline
        self.urls = [primary_registry(registry)]
        self._registry_arg = registry
        self.timeout = timeout
        self._client: Any = None
        self._docs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.failures: dict[str, list[str]] = {}  # name -> why each registry could not answer

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=10.0), follow_redirects=True
            )
            npm = fallback_registry()
            if npm not in self.urls:
                self.urls.append(npm)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def versions(self, name: str) -> list[tuple[str, dict[str, Any]]]:
        """(registry, versions map) of every registry that knows ``name``."""
        if self.offline:
            return []
        if name not in self._docs:
            client = self._http()
            found: list[tuple[str, dict[str, Any]]] = []
            for reg in self.urls:
                try:
                    body = _get(client, f"{reg}/{name}", None, name)
                    doc = json.loads(body)
                except RegistryError as exc:
                    why = "not found" if "(404)" in exc.message else exc.message
                    self.failures.setdefault(name, []).append(f"{reg}: {why}")
                    continue
                except ValueError:
                    self.failures.setdefault(name, []).append(f"{reg}/{name} did not answer JSON")
                    continue
                versions = doc.get("versions") if isinstance(doc, dict) else None
                if isinstance(versions, dict) and versions:
                    found.append((reg, versions))
            self._docs[name] = found
        return self._docs[name]


def install_packages(
    specs: Iterable[str],
    *,
    registry: str | None = None,
    root: Path | None = None,
    progress: Progress | None = None,
    offline: bool = False,
    timeout: float = 60.0,
    prefer_cache: bool = False,
) -> InstallResult:
    """Install ``specs`` and their dependencies (breadth first); reuse what the cache already holds.

    ``prefer_cache``: when the cache holds some version of a package but not the one asked for, take the
    nearest cached one without asking a registry (what ``validate --ig`` does on every run)."""
    base = root or package_cache_root()
    result = InstallResult(core=find_installed(base))
    regs = _Registries(registry, timeout, offline)
    queue: list[tuple[str, str | None, bool]] = [(*parse_spec(s), True) for s in specs]
    if prefer_cache and all(_installed_versions(base, n) for n, _v, _a in queue):
        # installed before, dependencies then resolved: what is missing now stays missing without asking
        # the registries on every run (``fhirconv definitions install`` asks again)
        regs.offline = True
    seen: set[str] = set()
    try:
        while queue:
            name, version, asked = queue.pop(0)
            if name in seen:
                continue
            seen.add(name)
            spec = f"{name}#{version}" if version else name
            if name in CORE_NAMES and version in (None, "4.0.1"):
                if result.core is None:
                    result.unresolved.append(
                        (spec, "no R4 core package installed (fhirconv definitions install)")
                    )
                elif result.core.name != name:
                    result.substituted.append((spec, result.core.spec))
                continue
            try:
                pkg, substitute = _install_one(name, version, base, regs, progress, prefer_cache)
            except DefinitionsNotInstalled as exc:
                if asked:
                    raise
                result.unresolved.append((spec, exc.message))
                continue
            if substitute:
                result.substituted.append((spec, pkg.spec))
            result.packages.append(pkg)
            queue.extend((n, v, False) for n, v in _dependencies(pkg))
    finally:
        regs.close()
    return result


def _install_one(
    name: str,
    version: str | None,
    base: Path,
    regs: _Registries,
    progress: Progress | None,
    prefer_cache: bool = False,
) -> tuple[InstalledPackage, bool]:
    """The package from the cache or a registry (nearest version when the exact one is not to be had)."""
    if version and (base / f"{name}#{version}" / "package" / "package.json").is_file():
        return InstalledPackage(name, version, base / f"{name}#{version}"), False
    cached = nearest_version(version, _installed_versions(base, name)) if prefer_cache else None
    if cached is not None:
        return InstalledPackage(
            name, cached, base / f"{name}#{cached}"
        ), version is not None and cached != version
    served = regs.versions(name)
    candidates = {v for _reg, versions in served for v in versions}
    local = _installed_versions(base, name)
    chosen = nearest_version(version, candidates | set(local))
    if chosen is None:
        why = "; ".join(regs.failures.get(name, [])) or "no registry serves it (offline: not in the cache)"
        raise DefinitionsNotInstalled(
            f"{name}{'#' + version if version else ''}: {why}. Install it with `fhirconv definitions install "
            f"--from {name}-{version or 'VERSION'}.tgz` if you have the package file."
        )
    substitute = version is not None and chosen != version
    if chosen in local:
        return InstalledPackage(name, chosen, base / f"{name}#{chosen}"), substitute
    for reg, versions in served:
        entry = versions.get(chosen)
        dist = entry.get("dist") if isinstance(entry, dict) else None
        if not isinstance(dist, dict) or not isinstance(dist.get("tarball"), str):
            continue
        tarball = str(dist["tarball"])
        data = _get(regs._http(), tarball, progress, f"{name}#{chosen}")
        verify_integrity(data, dist, source=tarball)
        pkg = _extract(data, base, source=tarball, expect=(name, chosen))
        return InstalledPackage(pkg.name, pkg.version, pkg.path, registry=reg), substitute
    raise DefinitionsNotInstalled(f"{name}#{chosen}: the registry lists no tarball for it")


def resolve_installed(specs: Iterable[str], root: Path | None = None) -> InstallResult:
    """Like ``install_packages`` but from the cache only (``FHIRCONV_OFFLINE=1``)."""
    return install_packages(specs, root=root, offline=True)


# -- compile -------------------------------------------------------------------------------------------


def _iter_package(folder: Path) -> Iterator[dict[str, Any]]:
    """The package's conformance resources (by the ``.index.json`` when present, else every JSON)."""
    names: list[str] | None = None
    index = folder / ".index.json"
    if index.is_file():
        try:
            doc = json.loads(index.read_text(encoding="utf-8"))
            names = [
                str(f["filename"])
                for f in doc.get("files", [])
                if f.get("resourceType")
                in ("StructureDefinition", "ValueSet", "CodeSystem", "Questionnaire", *_ARTIFACTS)
            ]
        except (OSError, ValueError, AttributeError, TypeError):
            names = None
    paths = [folder / n for n in names] if names is not None else sorted(folder.glob("*.json"))
    for path in paths:
        if path.name in ("package.json", ".index.json"):
            continue
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue  # a broken file in an IG package costs that file, not the package
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            yield data


def _trim_ig_sd(sd: dict[str, Any]) -> dict[str, Any]:
    from .compiled import _trim_element

    out = {k: sd[k] for k in _IG_SD_KEYS if k in sd}
    flags = _rule_extensions(sd, _SD_EXTENSIONS)
    if flags:
        out["extension"] = flags
    out["snapshot"] = {
        "element": [_trim_ig_element(e, _trim_element) for e in sd.get("snapshot", {}).get("element", [])]
    }
    if sd.get("differential"):
        out["differential"] = {
            "element": [_trim_ig_element(e, _trim_element) for e in sd["differential"].get("element", [])]
        }
    return out


_PROFILE_KEYS = (
    "slicing",
    "fixedUri",
    "mustSupport",
    "short",
)


# Element extensions that carry validation rules (the rest is documentation and is dropped).
_RULE_EXTENSIONS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/minLength",
        "http://hl7.org/fhir/StructureDefinition/narrative-language-control",
        "http://hl7.org/fhir/StructureDefinition/narrative-source-control",
        "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.mustHaveValue",
        "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives",
    }
)
_SD_EXTENSIONS = frozenset({"http://hl7.org/fhir/StructureDefinition/obligation-profile"})
_BINDING_EXTENSIONS = frozenset(
    {
        "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional",
        "http://hl7.org/fhir/tools/StructureDefinition/additional-binding",
    }
)


def _rule_extensions(el: dict[str, Any], urls: frozenset[str]) -> list[Any]:
    exts = el.get("extension")
    return [e for e in exts if isinstance(e, dict) and e.get("url") in urls] if isinstance(exts, list) else []


def _trim_ig_element(el: dict[str, Any], trim: Any) -> dict[str, Any]:
    """Core's trimmed element plus what profiles constrain: slicing, fixed[x], pattern[x], and the
    element and binding extensions that carry rules (minLength, narrative controls, additional bindings)."""
    out: dict[str, Any] = trim(el)
    for key, value in el.items():
        if key.startswith(("fixed", "pattern", "minValue", "maxValue")) or key in _PROFILE_KEYS:
            out[key] = value
    kept = _rule_extensions(el, _RULE_EXTENSIONS)
    if kept:
        out["extension"] = kept
    if isinstance(el.get("binding"), dict):
        out["binding"] = {k: el["binding"][k] for k in ("strength", "valueSet") if k in el["binding"]}
        extra = _rule_extensions(el["binding"], _BINDING_EXTENSIONS)
        if extra:
            out["binding"]["extension"] = extra
    return out


def compile_ig_package(pkg: InstalledPackage, *, target: Path | None = None) -> Path:
    """Compile an IG package's StructureDefinitions, ValueSets and CodeSystems; return the folder."""
    folder = pkg.path / "package"
    if not folder.is_dir():
        raise DefinitionsNotInstalled(f"package folder missing: {folder}")
    parts: dict[str, dict[str, Any]] = {name: {} for name in _PARTS}
    for res in _iter_package(folder):
        rtype = res.get("resourceType")
        url = str(res["url"])
        if rtype == "StructureDefinition":
            parts["structures"].setdefault(url, _trim_ig_sd(res))
            if isinstance(res.get("version"), str):
                # every version, for versioned canonicals (url|0.2) when a package holds several
                parts["versions"].setdefault(f"{url}|{res['version']}", _trim_ig_sd(res))
        elif rtype == "ValueSet":
            parts["valuesets"].setdefault(url, res)
        elif rtype == "CodeSystem":
            parts["codesystems"].setdefault(url, res)
        elif rtype == "Questionnaire":
            parts["questionnaires"].setdefault(url, res)
        elif rtype in _ARTIFACTS:
            parts["artifacts"].setdefault(f"{rtype} {url}", res)
    out = target or compiled_dir(pkg)
    out.mkdir(parents=True, exist_ok=True)
    for name, items in parts.items():
        blob = {k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for k, v in items.items()}
        with tempfile.NamedTemporaryFile(dir=out, delete=False, suffix=".tmp") as fh:
            pickle.dump(blob, fh, protocol=pickle.HIGHEST_PROTOCOL)
        Path(fh.name).replace(out / f"{name}.pickle")
    stamp = {"package": pkg.spec, "compiler": COMPILER_VERSION, "source": _fingerprint(folder), "kind": "ig4"}
    (out / "index.json").write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return out


def _ig_current(pkg: InstalledPackage, out: Path) -> bool:
    try:
        stamp = json.loads((out / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        stamp.get("compiler") == COMPILER_VERSION
        and stamp.get("kind") == "ig4"
        and stamp.get("source") == _fingerprint(pkg.path / "package")
        and all((out / f"{p}.pickle").is_file() for p in _PARTS)
    )


class PackageDefinitions:
    """One compiled IG package: its definitions by canonical URL, each unpickled on first use."""

    def __init__(self, pkg: InstalledPackage, *, folder: Path | None = None) -> None:
        self.package = pkg
        self.folder = folder or compiled_dir(pkg)
        if not _ig_current(pkg, self.folder):
            compile_ig_package(pkg, target=self.folder)
        self._parts: dict[str, Mapping[str, Any]] = {}

    def part(self, name: str) -> Mapping[str, Any]:
        if name not in self._parts:
            try:
                with (self.folder / f"{name}.pickle").open("rb") as fh:
                    self._parts[name] = _Lazy(pickle.load(fh))
            except (OSError, pickle.UnpicklingError, EOFError) as exc:
                raise DefinitionsError(
                    f"compiled package unreadable ({exc}); reinstall {self.package.spec}",
                    source=str(self.folder),
                ) from exc
        return self._parts[name]


class LayeredDefinitions:
    """A DefinitionsProvider: R4 core first, then IG packages in load order (first definition wins).

    Core keeps what only it has (resource types, JSON Schema, compiled FHIRPath); profiles, extensions,
    value sets and code systems of the packages fill in what core does not define.
    """

    def __init__(self, core: CompiledDefinitions, packages: list[PackageDefinitions]) -> None:
        self.core = core
        self.packages = packages
        self.package = core.package
        self._generated: dict[str, dict[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:  # json_schema, fast_schema, fhirpath_tree, search_parameter ...
        return getattr(self.core, name)

    def _find(self, part: str, url: str) -> dict[str, Any] | None:
        key = url.split("|")[0]
        for pkg in self.packages:
            found = pkg.part(part).get(key)
            if found is not None:
                value: dict[str, Any] = found
                return value
        return None

    def structure_definition(self, url_or_type: str) -> dict[str, Any] | None:
        found = self.core.structure_definition(url_or_type)
        if found is None and "|" in url_or_type:
            found = self._versioned(url_or_type)
            if found is not None and not found.get("snapshot", {}).get("element"):
                found = self._with_snapshot(url_or_type, found)
        if found is None and ("/" in url_or_type or ":" in url_or_type):
            found = self._find("structures", url_or_type)
            if found is not None and not found.get("snapshot", {}).get("element"):
                found = self._with_snapshot(url_or_type.split("|")[0], found)
        return found

    def _versioned(self, canonical: str) -> dict[str, Any] | None:
        """``url|version``: that version, or the highest whose version continues it (``|0.2`` finds
        0.2.1, as the HL7 validator matches a partial version); None when no package has one."""
        url, version = canonical.split("|", 1)
        for pkg in self.packages:
            part = pkg.part("versions")
            exact = part.get(canonical)
            if exact is not None:
                value: dict[str, Any] = exact
                return value
            prefix = f"{url}|{version}."
            matches = sorted(
                (k for k in part if k.startswith(prefix)), key=lambda k: _version_key(k.split("|")[-1])
            )
            if matches:
                value = part[matches[-1]]
                return value
        return None

    def _with_snapshot(self, url: str, sd: dict[str, Any]) -> dict[str, Any]:
        """A package definition that ships no snapshot gets a generated one (once; None-safe on failure)."""
        if url not in self._generated:
            from .snapshot import generate_snapshot

            self._generated[url] = sd  # a cycle through the base chain sees the differential-only form
            try:
                self._generated[url] = {**sd, "snapshot": {"element": generate_snapshot(sd, self)}}
            except (ValueError, KeyError, TypeError):
                self._generated[url] = sd  # the profile checker reports why it cannot be used
        return self._generated[url]

    def value_set(self, url: str) -> dict[str, Any] | None:
        return self.core.value_set(url) or self._find("valuesets", url)

    def code_system(self, url: str) -> dict[str, Any] | None:
        return self.core.code_system(url) or self._find("codesystems", url)

    def resource_types(self) -> frozenset[str]:
        return self.core.resource_types()

    def questionnaire(self, url: str) -> dict[str, Any] | None:
        """A Questionnaire a package ships (QuestionnaireResponse checks)."""
        return self._find("questionnaires", url)

    def artifact(self, rtype: str, url: str) -> dict[str, Any] | None:
        """A Measure or Library a package ships (MeasureReport and Measure checks)."""
        return self._find("artifacts", f"{rtype} {url.split('|')[0]}")

    def simple_expansion(self, url: str) -> list[str] | None:
        return self.core.simple_expansion(url)

    def package_of(self, url: str) -> str | None:
        """The spec of the package that defines ``url`` (for messages)."""
        key = url.split("|")[0]
        if self.core.structure_definition(key) is not None and self.core.package is not None:
            return self.core.package.spec
        for pkg in self.packages:
            if key in pkg.part("structures"):
                return pkg.package.spec
        return None

    def profiles(self) -> Iterator[str]:
        for pkg in self.packages:
            yield from pkg.part("structures")


def load_packages(core: CompiledDefinitions, result: InstallResult) -> LayeredDefinitions:
    return LayeredDefinitions(core, [PackageDefinitions(p) for p in result.packages])


def load_ig_definitions(
    specs: Iterable[str],
    *,
    registry: str | None = None,
    progress: Progress | None = None,
    offline: bool | None = None,
) -> tuple[LayeredDefinitions, InstallResult]:
    """R4 core plus ``specs`` and their dependencies (installed on first need unless offline)."""
    import os

    from . import OFFLINE_ENV, load_definitions

    if offline is None:
        offline = os.environ.get(OFFLINE_ENV) == "1"
    core = load_definitions(registry=registry, progress=progress, auto_install=not offline)
    result = install_packages(specs, registry=registry, progress=progress, offline=offline, prefer_cache=True)
    return load_packages(core, result), result
