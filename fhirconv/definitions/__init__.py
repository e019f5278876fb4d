"""FHIR R4 definitions: the shared package cache, its installer, and the compiled provider.

``load_definitions()`` is what validation calls: it finds the R4 package in ``~/.fhir/packages`` (or
``$FHIRCONV_PACKAGE_CACHE``), installs it from a registry on first need unless told not to, compiles it
once into ``~/.cache/fhirconv`` and returns a :class:`CompiledDefinitions` (a DefinitionsProvider).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import DefinitionsError, DefinitionsNotInstalled
from .compiled import CompiledDefinitions, compile_package, compiled_dir, is_current
from .registry import (
    CORE_CANDIDATES,
    DEFAULT_REGISTRY,
    InstalledPackage,
    Progress,
    find_installed,
    install_from_file,
    install_from_registry,
    package_cache_root,
    primary_registry,
)

__all__ = [
    "CORE_CANDIDATES",
    "DEFAULT_REGISTRY",
    "CompiledDefinitions",
    "DefinitionsStatus",
    "InstalledPackage",
    "Progress",
    "definitions_status",
    "install",
    "load_definitions",
    "package_cache_root",
    "primary_registry",
    "reset_cache",
]

OFFLINE_ENV = "FHIRCONV_OFFLINE"
_lock = threading.Lock()
_loaded: CompiledDefinitions | None = None


@dataclass(frozen=True, slots=True)
class DefinitionsStatus:
    package: InstalledPackage | None
    compiled: Path | None
    cache_root: Path


def install(
    *,
    registry: str | None = None,
    from_file: Path | None = None,
    progress: Progress | None = None,
    root: Path | None = None,
) -> tuple[InstalledPackage, Path]:
    """Install (from a registry or a local .tgz) and compile; return the package and its compiled folder."""
    pkg = (
        install_from_file(from_file, root=root)
        if from_file
        else install_from_registry(registry, root=root, progress=progress)
    )
    if (pkg.name, pkg.version) not in CORE_CANDIDATES:
        raise DefinitionsError(
            f"{pkg.spec} installed, but validation needs one of "
            + ", ".join(f"{n}#{v}" for n, v in CORE_CANDIDATES),
            source=str(from_file) if from_file else None,
        )
    out = compile_package(pkg, progress=progress)
    reset_cache()
    return pkg, out


def definitions_status(root: Path | None = None) -> DefinitionsStatus:
    pkg = find_installed(root)
    compiled = compiled_dir(pkg) if pkg is not None else None
    if pkg is not None and compiled is not None and not is_current(pkg, compiled):
        compiled = None
    return DefinitionsStatus(pkg, compiled, root or package_cache_root())


def load_definitions(
    *, auto_install: bool | None = None, registry: str | None = None, progress: Progress | None = None
) -> CompiledDefinitions:
    """The process-wide provider; compiled once, installed on first need.

    ``auto_install`` defaults to true unless ``FHIRCONV_OFFLINE=1``; when nothing is installed and
    installing is off or fails, raises DefinitionsNotInstalled saying how to install.
    """
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        if auto_install is None:
            auto_install = os.environ.get(OFFLINE_ENV) != "1"
        pkg = find_installed()
        if pkg is None:
            if not auto_install:
                raise DefinitionsNotInstalled(
                    f"no FHIR R4 definitions in {package_cache_root()}. Install them with "
                    "`fhirconv definitions install` (needs a package registry) or "
                    "`fhirconv definitions install --from hl7.fhir.r4.core-4.0.1.tgz`."
                )
            pkg = install_from_registry(registry, progress=progress)
        folder = compiled_dir(pkg)
        if not is_current(pkg, folder):
            folder = compile_package(pkg, progress=progress)
        _loaded = CompiledDefinitions(folder, pkg)
        return _loaded


def reset_cache() -> None:
    """Forget the loaded provider (after an install, or in tests that switch caches)."""
    global _loaded
    with _lock:
        _loaded = None
