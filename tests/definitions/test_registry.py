"""The package installer against a real npm-protocol registry served on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import shutil
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fhirconv.definitions import registry
from fhirconv.errors import DefinitionsNotInstalled, PackageIntegrityError


def make_tgz(name: str, version: str, files: dict[str, Any] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        entries = {"package/package.json": {"name": name, "version": version}}
        entries.update({f"package/{k}": v for k, v in (files or {}).items()})
        for path, content in entries.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class Registry:
    """Packuments and tarballs by path; records what was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        self.url = ""

    def publish(self, name: str, version: str, tgz: bytes, *, integrity: str | None = None) -> None:
        tar_path = f"/{name}/-/{name}-{version}.tgz"
        self.routes[tar_path] = (200, tgz)
        dist = {"tarball": self.url + tar_path, "integrity": integrity or sri(tgz)}
        doc = {"name": name, "versions": {version: {"name": name, "version": version, "dist": dist}}}
        self.routes[f"/{name}"] = (200, json.dumps(doc).encode())

    def publish_without_versions(self, name: str) -> None:
        self.routes[f"/{name}"] = (200, json.dumps({"name": name, "versions": {}}).encode())


@pytest.fixture
def npm() -> Iterator[Registry]:
    reg = Registry()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reg.requests.append(self.path)
            status, body = reg.routes.get(self.path, (404, b'{"error":"not found"}'))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    reg.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield reg
    server.shutdown()
    server.server_close()


def test_falls_back_to_examples_when_core_has_no_versions(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    npm.publish_without_versions("hl7.fhir.r4.core")
    npm.publish(
        "hl7.fhir.r4.examples", "4.0.1", make_tgz("hl7.fhir.r4.examples", "4.0.1", {"x.json": {"a": 1}})
    )
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", npm.url)
    events: list[registry.ProgressEvent] = []
    pkg = registry.install_from_registry(npm.url, root=tmp_path, progress=events.append)
    seen = [e.done for e in events if e.stage == "download" and e.done]
    assert (pkg.name, pkg.version, pkg.registry) == ("hl7.fhir.r4.examples", "4.0.1", npm.url)
    assert (tmp_path / "hl7.fhir.r4.examples#4.0.1" / "package" / "x.json").is_file()
    assert npm.requests[0] == "/hl7.fhir.r4.core"
    assert seen and seen[-1] > 0
    assert registry.find_installed(tmp_path) == registry.InstalledPackage(
        "hl7.fhir.r4.examples", "4.0.1", tmp_path / "hl7.fhir.r4.examples#4.0.1"
    )


def test_prefers_core_and_falls_back_to_second_registry(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    npm.publish("hl7.fhir.r4.core", "4.0.1", make_tgz("hl7.fhir.r4.core", "4.0.1"))
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", npm.url)
    # The primary registry is a closed port on loopback: unreachable, so the npm registry answers.
    pkg = registry.install_from_registry("http://127.0.0.1:9", root=tmp_path, timeout=2)
    assert pkg.spec == "hl7.fhir.r4.core#4.0.1"
    assert pkg.registry == npm.url


def test_integrity_mismatch_is_refused_and_nothing_installed(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = make_tgz("hl7.fhir.r4.core", "4.0.1")
    npm.publish("hl7.fhir.r4.core", "4.0.1", good, integrity=sri(good + b"tampered"))
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", npm.url)
    with pytest.raises(PackageIntegrityError):
        registry.install_from_registry(npm.url, root=tmp_path)
    assert registry.find_installed(tmp_path) is None


def test_offline_without_cache_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", "http://127.0.0.1:9")
    with pytest.raises(DefinitionsNotInstalled) as exc:
        registry.install_from_registry("http://127.0.0.1:9", root=tmp_path, timeout=2)
    assert "fhirconv definitions install" in str(exc.value)
    assert "--from" in str(exc.value)


def test_verify_integrity_sri_and_shasum() -> None:
    data = b"abc"
    assert registry.verify_integrity(data, {"integrity": sri(data)}, source="t").startswith("sha512-")
    sha1 = hashlib.sha1(data).hexdigest()
    assert registry.verify_integrity(data, {"shasum": sha1}, source="t") == f"sha1:{sha1}"
    with pytest.raises(PackageIntegrityError):
        registry.verify_integrity(data, {"shasum": "0" * 40}, source="t")
    with pytest.raises(PackageIntegrityError):
        registry.verify_integrity(data, {}, source="t")


def test_install_from_file_and_bad_tarballs(tmp_path: Path) -> None:
    tgz = tmp_path / "p.tgz"
    tgz.write_bytes(make_tgz("hl7.fhir.r4.core", "4.0.1", {"StructureDefinition-x.json": {}}))
    pkg = registry.install_from_file(tgz, root=tmp_path / "cache")
    assert (pkg.path / "package" / "StructureDefinition-x.json").is_file()
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(PackageIntegrityError):
        registry.install_from_file(bad, root=tmp_path / "cache")
    # A tarball that tries to escape the cache folder is refused by the 'data' extraction filter.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../../evil.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    evil = tmp_path / "evil.tgz"
    evil.write_bytes(buf.getvalue())
    with pytest.raises(PackageIntegrityError):
        registry.install_from_file(evil, root=tmp_path / "cache")
    assert not (tmp_path.parent / "evil.json").exists()


def test_reinstall_replaces_the_package_without_a_moment_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "cache"
    old = tmp_path / "old.tgz"
    old.write_bytes(make_tgz("hl7.fhir.r4.core", "4.0.1", {"StructureDefinition-old.json": {}}))
    pkg = registry.install_from_file(old, root=root)
    new = tmp_path / "new.tgz"
    new.write_bytes(make_tgz("hl7.fhir.r4.core", "4.0.1", {"StructureDefinition-new.json": {}}))
    seen: list[bool] = []  # is the package's manifest there, at each step of the replacement
    rename, rmtree = Path.rename, shutil.rmtree

    def watched_rename(self: Path, target: Path) -> Path:
        seen.append((pkg.path / "package" / "package.json").is_file())
        out = rename(self, target)
        seen.append((pkg.path / "package" / "package.json").is_file())
        return out

    during_deletion: list[bool] = []

    def watched_rmtree(path: Path, *args: object, **kwargs: object) -> None:
        during_deletion.append((pkg.path / "package" / "package.json").is_file())
        rmtree(path, *args, **kwargs)  # type: ignore[arg-type]
        during_deletion.append((pkg.path / "package" / "package.json").is_file())

    monkeypatch.setattr(Path, "rename", watched_rename)
    monkeypatch.setattr(shutil, "rmtree", watched_rmtree)
    again = registry.install_from_file(new, root=root)
    monkeypatch.undo()
    assert again.path == pkg.path
    assert (pkg.path / "package" / "StructureDefinition-new.json").is_file()
    assert not (pkg.path / "package" / "StructureDefinition-old.json").exists()
    assert sorted(p.name for p in root.iterdir()) == [pkg.path.name]  # no staging folder left
    # the old folder is deleted while the new one is already in place, and the one moment the package
    # is missing is between two renames (the old folder moved aside, the new one moved in)
    assert during_deletion and all(during_deletion), during_deletion
    gaps = "".join("." if there else "x" for there in seen).split(".")
    assert [g for g in gaps if g] == ["xx"], seen


def test_progress_announces_registry_fallback_and_download(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    npm.publish("hl7.fhir.r4.core", "4.0.1", make_tgz("hl7.fhir.r4.core", "4.0.1"))
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", npm.url)
    events: list[registry.ProgressEvent] = []
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port
    registry.install_from_registry(dead, root=tmp_path, progress=events.append, timeout=5)
    stages = [e.stage for e in events]
    assert stages[:3] == ["registry", "fallback", "registry"]
    assert dead in events[0].message and npm.url in events[2].message
    assert "cannot reach" in events[1].message and npm.url in events[1].message
    downloads = [e for e in events if e.stage == "download"]
    assert downloads[0].message.startswith("downloading hl7.fhir.r4.core#4.0.1 from " + npm.url)
    assert downloads[-1].done > 0


def test_cli_off_a_terminal_says_it_in_one_line(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from fhirconv.cli.app import app

    npm.publish("hl7.fhir.r4.core", "4.0.1", make_tgz("hl7.fhir.r4.core", "4.0.1"))
    env = {"FHIRCONV_NPM_REGISTRY": npm.url, "FHIRCONV_PACKAGE_CACHE": str(tmp_path)}
    r = CliRunner().invoke(app, ["definitions", "install", "--registry", "http://127.0.0.1:9"], env=env)
    lines = [x for x in r.output.splitlines() if x.strip()]
    announce = [x for x in lines if "first use only" in x]
    assert len(announce) == 1, r.output
    assert "http://127.0.0.1:9" in announce[0] and npm.url in announce[0]
    # the fake package holds no StructureDefinitions, so compiling it fails with a clear error (exit 5)
    assert r.exit_code == 5
    assert "[definitions/definitions]" in r.output


@pytest.mark.slow
def test_compile_reports_each_step(tmp_path: Path, definitions: Any) -> None:
    """First use compiles for seconds: every step reaches the callback, in order, ending at total."""
    from fhirconv.definitions.compiled import compile_package

    events: list[registry.ProgressEvent] = []
    compile_package(definitions.package, target=tmp_path / "compiled", progress=events.append)
    assert {e.stage for e in events} == {"compile"}
    done = [e.done for e in events]
    assert done == sorted(done) and done[0] == 0 and len(done) >= 10
    assert events[-1].done == events[-1].total and events[-1].message.startswith("compiled ")
