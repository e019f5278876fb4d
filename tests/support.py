"""Helpers importable from any test module (``from support import require_shared``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FHIRCONV_SHARED", str(REPO.parent / "shared"))).resolve()
SAMPLES = REPO / "samples"
# a program that runs the command line as the installed script does, then reports on stderr whether
# Typer was imported (the direct convert/validate paths must not import it)
TYPER_PROBE = (
    "import sys\n"
    "from fhirconv.cli.app import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    sys.stderr.write(f'TYPER={\"typer\" in sys.modules}\\n')\n"
)


def require_shared(*parts: str) -> Path:
    """Path inside ../shared, or skip (fail under FHIRCONV_REQUIRE_SHARED=1) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        msg = f"needs shared data {path} (absent; set FHIRCONV_SHARED or place ../shared)"
        if os.environ.get("FHIRCONV_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and FHIRCONV_REQUIRE_SHARED=1", pytrace=False)
        pytest.skip(msg)
    return path


def shared_json_files() -> list[Path]:
    """Every JSON file of ../shared's official examples and validator test cases, in a fixed order
    (or skip/fail as ``require_shared``); more than 500 of them, so a test over them cannot pass on none."""
    files = [
        p
        for folder in (require_shared("fhir-r4"), require_shared("fhir-test-cases"))
        for p in sorted(folder.rglob("*.json"))
    ]
    assert len(files) > 500, len(files)
    return files


@lru_cache(maxsize=1)
def converter() -> Any:
    """One converter (compiled mappings) for the whole test session."""
    from fhirconv.pipeline import Converter, ConvertOptions

    return Converter(ConvertOptions())


def facts_of(text: str) -> Any:
    """Extraction for a one-paragraph narrative written in a test."""
    from fhirconv.readers import read_bytes

    doc = read_bytes(text.encode("utf-8"), "sentence.txt")
    return converter().extract(doc)


def bundle_of(text: str) -> dict[str, Any]:
    from fhirconv.readers import read_bytes

    doc = read_bytes(text.encode("utf-8"), "sentence.txt")
    result: dict[str, Any] = converter().convert(doc)
    return result


def resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def require_spark(pathling: bool = False) -> None:
    """Skip when pyspark (or Pathling) is not installed, unless FHIRCONV_REQUIRE_SPARK is set (CI sets it):
    then the Spark tests must run, and a missing package fails them."""
    import importlib.util

    missing = [
        m for m in ("pyspark", *(("pathling",) if pathling else ())) if importlib.util.find_spec(m) is None
    ]
    if missing:
        msg = f"needs {', '.join(missing)} (pip install -e '.[spark]')"
        if os.environ.get("FHIRCONV_REQUIRE_SPARK"):
            pytest.fail(msg + " and FHIRCONV_REQUIRE_SPARK is set", pytrace=False)
        pytest.skip(msg)
