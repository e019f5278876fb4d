"""`fhirconv.__all__` names exactly what the package exports, and each name resolves."""

from __future__ import annotations

import subprocess
import sys

import fhirconv


def test_every_exported_name_resolves() -> None:
    for name in fhirconv.__all__:
        assert getattr(fhirconv, name) is not None, name


def test_unknown_name_raises() -> None:
    try:
        fhirconv.not_a_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("expected AttributeError")


def test_import_is_light() -> None:
    code = "import sys, fhirconv; print(any(m.startswith(('lxml', 'fhir.resources', 'ahocorasick')) for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
