"""docs/api.md runs as written (doctest), and a client script using the API passes ``mypy --strict``."""

from __future__ import annotations

import doctest
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

DOC = REPO / "docs" / "api.md"


@pytest.mark.hapi
def test_api_doc_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    from hapi_server import ensure_server

    server = ensure_server()
    monkeypatch.chdir(REPO)  # the examples name samples/ relative to the checkout
    result = doctest.testfile(
        str(DOC), module_relative=False, globs={"server": server}, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted >= 30
    assert result.failed == 0


CLIENT = '''\
"""A small program using fhirconv the way a user would."""

from decimal import Decimal
from pathlib import Path

from fhirconv import (
    BundleType,
    ConvertOptions,
    FhirconvError,
    Gate,
    OutputFormat,
    convert_file,
    convert_text,
    to_text,
    validate_fhir,
    write_bulk,
)


def main(folder: Path) -> int:
    options = ConvertOptions(bundle_type=BundleType.COLLECTION, gate=Gate.MODEL)
    bundles: list[dict[str, object]] = []
    for path in sorted(folder.glob("*.txt")):
        try:
            bundles.append(convert_file(path, options=options))
        except FhirconvError as exc:
            print(exc.stage, exc.code, exc.exit_code)
    one = convert_text("Serum potassium was 2.40 mmol/L.", options=options)
    text: str = to_text(one, OutputFormat.XML)
    ok: bool = validate_fhir(one).ok
    manifest = write_bulk(bundles, folder / "bulk")
    value = Decimal("2.40")
    return 0 if ok and text and manifest and value else 1
'''


def test_client_script_passes_mypy_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed in this environment (pip install -e .[test])")
    script = tmp_path / "client.py"
    script.write_text(CLIENT, encoding="utf-8")
    env = dict(os.environ, MYPYPATH=str(REPO))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--follow-imports=silent",
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # and it would catch a misuse: a wrong option type is an error
    script.write_text(CLIENT.replace("gate=Gate.MODEL", "gate=3"), encoding="utf-8")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--follow-imports=silent",
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert bad.returncode == 1 and "arg-type" in bad.stdout
