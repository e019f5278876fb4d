"""IG packages with dependencies, against a real npm-protocol registry served on 127.0.0.1, and layered
definitions validating with an IG's extension."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fhirconv.definitions import load_definitions
from fhirconv.definitions.packages import (
    PackageDefinitions,
    install_packages,
    load_packages,
    nearest_version,
    parse_spec,
)
from fhirconv.errors import DefinitionsError, DefinitionsNotInstalled, PackageIntegrityError
from fhirconv.validate import build_chain, validate_json


def _tgz(
    name: str, version: str, deps: dict[str, str] | None = None, files: dict[str, Any] | None = None
) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        entries: dict[str, Any] = {
            "package/package.json": {"name": name, "version": version, "dependencies": deps or {}}
        }
        entries.update({f"package/{k}": v for k, v in (files or {}).items()})
        for path, content in entries.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Registry:
    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.docs: dict[str, dict[str, Any]] = {}
        self.url = ""

    def publish(self, name: str, version: str, tgz: bytes, *, bad_hash: bool = False) -> None:
        path = f"/{name}/-/{name}-{version}.tgz"
        self.routes[path] = tgz
        digest = hashlib.sha512(b"other" if bad_hash else tgz).digest()
        dist = {"tarball": self.url + path, "integrity": "sha512-" + base64.b64encode(digest).decode()}
        doc = self.docs.setdefault(name, {"name": name, "versions": {}})
        doc["versions"][version] = {"name": name, "version": version, "dist": dist}
        self.routes[f"/{name}"] = json.dumps(doc).encode()


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    reg = Registry()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = reg.routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b'{"error":"not found"}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    reg.url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("FHIRCONV_NPM_REGISTRY", reg.url)  # the only registry: both slots point here
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield reg
    server.shutdown()
    server.server_close()


def _core(root: Path) -> None:
    folder = root / "hl7.fhir.r4.examples#4.0.1" / "package"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "hl7.fhir.r4.examples", "version": "4.0.1"}')


def test_nearest_version_and_specs() -> None:
    assert nearest_version("6.5.0", ["7.0.1"]) == "7.0.1"
    assert nearest_version("5.2.0", ["5.3.0-ballot-tc1"]) == "5.3.0-ballot-tc1"
    assert nearest_version("5.2.0", ["5.1.0", "5.2.1", "6.0.0"]) == "5.2.1"
    assert nearest_version("5.2.0", ["4.0.0", "6.0.0"]) == "6.0.0"
    assert nearest_version("9.0.0", ["4.0.0", "6.0.0"]) == "6.0.0"
    assert nearest_version("1.0.0", ["1.0.0-ballot", "1.0.0"]) == "1.0.0"
    assert nearest_version(None, ["1.0.0", "2.0.0-ballot", "1.5.0"]) == "1.5.0"
    assert nearest_version("1.0.0", []) is None
    assert parse_spec("hl7.fhir.uv.ips#2.0.0") == ("hl7.fhir.uv.ips", "2.0.0")
    assert parse_spec("hl7.fhir.uv.ips") == ("hl7.fhir.uv.ips", None)
    with pytest.raises(DefinitionsError):
        parse_spec("../../etc#1")


def test_dependencies_resolved_substituted_and_reported(npm: Registry, tmp_path: Path) -> None:
    _core(tmp_path)
    deps = {"hl7.fhir.r4.core": "4.0.1", "ex.terms": "6.5.0", "ex.gone": "1.0.0"}
    npm.publish("ex.ig", "1.0.0", _tgz("ex.ig", "1.0.0", deps))
    npm.publish("ex.terms", "7.0.1", _tgz("ex.terms", "7.0.1", {"ex.base": "1.0.0"}))
    npm.publish("ex.base", "1.0.0", _tgz("ex.base", "1.0.0"))
    result = install_packages(["ex.ig#1.0.0"], registry=npm.url, root=tmp_path)
    assert [p.spec for p in result.packages] == ["ex.ig#1.0.0", "ex.terms#7.0.1", "ex.base#1.0.0"]
    assert all((p.path / "package" / "package.json").is_file() for p in result.packages)
    assert ("ex.terms#6.5.0", "ex.terms#7.0.1") in result.substituted
    assert ("hl7.fhir.r4.core#4.0.1", "hl7.fhir.r4.examples#4.0.1") in result.substituted
    assert [spec for spec, _why in result.unresolved] == ["ex.gone#1.0.0"]
    assert any("ex.gone#1.0.0" in w for w in result.warnings)
    # a second run finds everything in the cache (offline, too)
    again = install_packages(["ex.ig#1.0.0"], root=tmp_path, offline=True)
    assert [p.spec for p in again.packages] == [p.spec for p in result.packages]


def test_asked_package_missing_or_tampered(npm: Registry, tmp_path: Path) -> None:
    _core(tmp_path)
    with pytest.raises(DefinitionsNotInstalled, match=r"ex\.none"):
        install_packages(["ex.none#1.0.0"], registry=npm.url, root=tmp_path)
    npm.publish("ex.ig", "1.0.0", _tgz("ex.ig", "1.0.0", {"ex.evil": "1.0.0"}))
    npm.publish("ex.evil", "1.0.0", _tgz("ex.evil", "1.0.0"), bad_hash=True)
    with pytest.raises(PackageIntegrityError):
        install_packages(["ex.ig#1.0.0"], registry=npm.url, root=tmp_path)
    assert not (tmp_path / "ex.evil#1.0.0").exists()


EYE = "http://example.org/fhir/StructureDefinition/eye-colour"


def _extension_sd() -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": EYE,
        "name": "EyeColour",
        "status": "draft",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": "Patient"}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "snapshot": {
            "element": [
                {"id": "Extension", "path": "Extension", "min": 0, "max": "1"},
                {"id": "Extension.url", "path": "Extension.url", "min": 1, "max": "1", "fixedUri": EYE},
                {
                    "id": "Extension.value[x]",
                    "path": "Extension.value[x]",
                    "min": 1,
                    "max": "1",
                    "type": [{"code": "string"}],
                },
            ]
        },
    }


def test_an_ig_extension_is_checked_once_loaded(
    npm: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = load_definitions()  # the real R4 core of the machine's cache
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "compiled"))
    npm.publish(
        "ex.ig", "1.0.0", _tgz("ex.ig", "1.0.0", files={"StructureDefinition-eye.json": _extension_sd()})
    )
    result = install_packages(["ex.ig#1.0.0"], registry=npm.url, root=tmp_path / "packages")
    defs = load_packages(core, result)
    assert PackageDefinitions(result.packages[0]).folder.is_relative_to(tmp_path / "compiled")
    assert defs.package_of(EYE) == "ex.ig#1.0.0"
    chain = build_chain(defs)
    good = {"resourceType": "Patient", "extension": [{"url": EYE, "valueString": "green"}]}
    assert not validate_json(good, chain=chain).errors
    unknown = [i.rule for i in validate_json(good).warnings]  # R4 core alone does not know it
    assert "extension.unknown" in unknown
    wrong_type = {"resourceType": "Patient", "extension": [{"url": EYE, "valueBoolean": True}]}
    assert {(i.location, i.rule) for i in validate_json(wrong_type, chain=chain).errors} == {
        ("Patient.extension[0].valueBoolean", "extension.type")
    }
    misplaced = {"resourceType": "Patient", "name": [{"extension": [{"url": EYE, "valueString": "green"}]}]}
    assert {(i.location, i.rule) for i in validate_json(misplaced, chain=chain).errors} == {
        ("Patient.name[0].extension[0].url", "extension.context")
    }
