"""Install FHIR packages into the shared package cache over the npm package protocol.

The cache layout (``~/.fhir/packages/<name>#<version>/package/...``) is the one the HL7 validator, SUSHI
and Firely use, so a package installed here serves them too and vice versa. The FHIR package registry
(packages.fhir.org) and the npm registry speak the same protocol: ``GET <registry>/<name>`` returns a
"packument" whose ``versions[v].dist`` names the tarball and its hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DefinitionsNotInstalled, PackageIntegrityError, RegistryError

__all__ = [
    "CORE_CANDIDATES",
    "DEFAULT_REGISTRY",
    "InstalledPackage",
    "Progress",
    "ProgressEvent",
    "fallback_registry",
    "find_installed",
    "install_from_file",
    "install_from_registry",
    "package_cache_root",
    "primary_registry",
    "verify_integrity",
]

DEFAULT_REGISTRY = "https://packages.fhir.org"
NPM_DEFAULT = "https://registry.npmjs.org/"
REGISTRY_ENV = "FHIRCONV_FHIR_REGISTRY"
NPM_REGISTRY_ENV = "FHIRCONV_NPM_REGISTRY"
CACHE_ENV = "FHIRCONV_PACKAGE_CACHE"

# The R4 core package first; hl7.fhir.r4.examples carries the complete R4 conformance set too and is the
# one the npm registry actually has (hl7.fhir.r4.core is published there without versions).
CORE_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("hl7.fhir.r4.core", "4.0.1"),
    ("hl7.fhir.r4.examples", "4.0.1"),
)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One step of getting the definitions ready, for the caller to show (the library prints nothing).

    ``stage`` is ``registry`` (asking a registry for the package), ``fallback`` (that registry failed:
    ``message`` says why and which one is next), ``download`` (``done`` of ``total`` bytes; total None
    when the server does not say), ``compile`` (``done`` of ``total`` steps) or ``ready``.
    """

    stage: str
    message: str
    done: int = 0
    total: int | None = None


#: ``progress(event)``: called as installing and compiling go (see ProgressEvent).
Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    name: str
    version: str
    path: Path  # the <name>#<version> folder
    registry: str | None = None

    @property
    def spec(self) -> str:
        return f"{self.name}#{self.version}"


def package_cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".fhir" / "packages"


def primary_registry(explicit: str | None = None) -> str:
    return (explicit or os.environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY).rstrip("/")


def fallback_registry() -> str:
    """The npm registry this machine is configured for (``npm config get registry``)."""
    import shutil
    import subprocess

    env = os.environ.get(NPM_REGISTRY_ENV)
    if env:
        return env.rstrip("/")
    npm = shutil.which("npm")
    if npm:
        try:
            out = subprocess.run(
                [npm, "config", "get", "registry"], capture_output=True, text=True, timeout=20, check=False
            )
            value = out.stdout.strip()
            if out.returncode == 0 and value.startswith(("http://", "https://")):
                return value.rstrip("/")
        except (OSError, subprocess.SubprocessError):
            pass
    return NPM_DEFAULT.rstrip("/")


def find_installed(root: Path | None = None) -> InstalledPackage | None:
    """The first core candidate present in the cache (a complete ``package/package.json``)."""
    base = root or package_cache_root()
    for name, version in CORE_CANDIDATES:
        folder = base / f"{name}#{version}"
        if (folder / "package" / "package.json").is_file():
            return InstalledPackage(name, version, folder)
    return None


def verify_integrity(data: bytes, dist: dict[str, Any], *, source: str) -> str:
    """Check a tarball against the registry's ``integrity`` (SRI) or ``shasum``; return what matched."""
    integrity = dist.get("integrity")
    if isinstance(integrity, str) and integrity:
        for token in integrity.split():
            algo, _, expected = token.partition("-")
            if algo not in ("sha512", "sha384", "sha256", "sha1"):
                continue
            actual = base64.b64encode(hashlib.new(algo, data).digest()).decode("ascii")
            if actual != expected:
                raise PackageIntegrityError(
                    f"{algo} of the downloaded tarball is {actual}, registry says {expected}", source=source
                )
            return token
    shasum = dist.get("shasum")
    if isinstance(shasum, str) and shasum:
        actual = hashlib.sha1(data).hexdigest()
        if actual != shasum.lower():
            raise PackageIntegrityError(
                f"sha1 of the downloaded tarball is {actual}, registry says {shasum}", source=source
            )
        return f"sha1:{shasum}"
    raise PackageIntegrityError("the registry gives no integrity hash for this tarball", source=source)


def _extract(data: bytes, root: Path, *, source: str, expect: tuple[str, str] | None) -> InstalledPackage:
    import shutil  # installing only: validation never pays for these imports
    import tarfile

    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PackageIntegrityError(f"not a gzip tarball: {exc}", source=source) from exc
    root.mkdir(parents=True, exist_ok=True)
    with tar, tempfile.TemporaryDirectory(dir=root, prefix=".install-") as tmp:
        try:
            tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise PackageIntegrityError(f"cannot unpack the tarball: {exc}", source=source) from exc
        manifest = Path(tmp) / "package" / "package.json"
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            name, version = str(meta["name"]), str(meta["version"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PackageIntegrityError(
                "the tarball has no valid package/package.json", source=source
            ) from exc
        if expect is not None and (name, version) != expect:
            raise PackageIntegrityError(
                f"tarball holds {name}#{version}, expected {expect[0]}#{expect[1]}", source=source
            )
        target = root / f"{name}#{version}"
        staged = Path(tmp) / "staged"
        staged.mkdir()
        (Path(tmp) / "package").rename(staged / "package")
        # Replaced by two renames, the old folder deleted only after: a process reading or looking for
        # the package meanwhile (another conversion, a second install) never finds it missing, which
        # made it start an install of its own that deleted the folder under this one's compile.
        if target.exists():
            target.rename(Path(tmp) / "old")
        staged.rename(target)
        shutil.rmtree(Path(tmp) / "old", ignore_errors=True)
    return InstalledPackage(name, version, target)


def install_from_file(path: Path, *, root: Path | None = None) -> InstalledPackage:
    """Unpack a local ``.tgz`` FHIR package into the cache (no registry hash to check against)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DefinitionsNotInstalled(f"cannot read package file: {exc}", source=str(path)) from exc
    return _extract(data, root or package_cache_root(), source=str(path), expect=None)


def _get(client: Any, url: str, progress: Progress | None, what: str) -> bytes:
    import httpx

    try:
        with client.stream("GET", url, headers={"Accept": "application/json, */*"}) as resp:
            if resp.status_code == 404:
                raise RegistryError(f"not found (404): {url}")
            if resp.status_code >= 400:
                raise RegistryError(f"registry answered {resp.status_code} for {url}")
            total_raw = resp.headers.get("content-length")
            total = int(total_raw) if total_raw and total_raw.isdigit() else None
            chunks: list[bytes] = []
            done = 0
            for chunk in resp.iter_bytes():
                chunks.append(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(ProgressEvent("download", what, done, total))
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise RegistryError(f"cannot reach {url}: {exc}") from exc


def _resolve(client: Any, registry: str, name: str, version: str) -> dict[str, Any] | None:
    """The ``dist`` record of name@version, or None when the registry does not have that version."""
    try:
        body = _get(client, f"{registry}/{name}", None, name)
    except RegistryError as exc:
        if "(404)" in exc.message:
            return None
        raise
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise RegistryError(f"{registry}/{name} did not answer JSON") from exc
    versions = doc.get("versions") if isinstance(doc, dict) else None
    if not isinstance(versions, dict) or version not in versions:
        return None
    dist = versions[version].get("dist") if isinstance(versions[version], dict) else None
    if not isinstance(dist, dict) or not isinstance(dist.get("tarball"), str):
        return None
    return dist


def install_from_registry(
    registry: str | None = None,
    *,
    root: Path | None = None,
    progress: Progress | None = None,
    candidates: tuple[tuple[str, str], ...] = CORE_CANDIDATES,
    timeout: float = 30.0,
) -> InstalledPackage:
    """Fetch the first candidate package any registry has, verify its hash, and unpack it.

    Registries tried in order: ``registry`` (or ``$FHIRCONV_FHIR_REGISTRY``, default packages.fhir.org),
    then the machine's npm registry. Raises DefinitionsNotInstalled when none can deliver.
    """
    import httpx

    registries = [primary_registry(registry)]
    npm = fallback_registry()
    if npm not in registries:
        registries.append(npm)
    failures: list[str] = []

    def tell(stage: str, message: str) -> None:
        if progress is not None:
            progress(ProgressEvent(stage, message))

    with httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=True) as client:
        for n, reg in enumerate(registries):
            if n:
                tell("fallback", f"{'; '.join(failures[-len(candidates) :])}; trying {reg}")
            tell("registry", f"looking for the FHIR R4 definitions at {reg}")
            for name, version in candidates:
                try:
                    dist = _resolve(client, reg, name, version)
                except RegistryError as exc:
                    failures.append(exc.message)
                    break  # this registry is unreachable or broken: try the next one
                if dist is None:
                    failures.append(f"{reg}: {name}#{version} has no such version")
                    continue
                tarball = str(dist["tarball"])
                size = dist.get("unpackedSize")
                tell(
                    "download",
                    f"downloading {name}#{version} from {reg}"
                    + (f" (~{int(size) // 1_000_000} MB unpacked)" if isinstance(size, int) else ""),
                )
                data = _get(client, tarball, progress, f"{name}#{version}")
                verify_integrity(data, dist, source=tarball)
                pkg = _extract(data, root or package_cache_root(), source=tarball, expect=(name, version))
                return InstalledPackage(pkg.name, pkg.version, pkg.path, registry=reg)
    raise DefinitionsNotInstalled(
        "could not install the FHIR R4 definitions: "
        + "; ".join(failures)
        + ". Run `fhirconv definitions install --registry URL` with a reachable registry, or "
        "`fhirconv definitions install --from hl7.fhir.r4.core-4.0.1.tgz` with a downloaded package."
    )
