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


def test_all_names_exactly_the_lazy_exports_and_the_typed_imports() -> None:
    import ast
    from pathlib import Path

    exports = set(fhirconv._EXPORTS)
    assert set(fhirconv.__all__) == exports | {"__version__"}
    tree = ast.parse(Path(fhirconv.__file__).read_text())
    typed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                typed |= {a.asname or a.name for a in stmt.names}
    assert typed == exports  # what mypy sees is what runtime exports


def test_unknown_option_values_raise() -> None:
    import pytest

    from fhirconv import BundleType, ConvertOptions, Gate

    with pytest.raises(ValueError, match="unknown gate 'none': use one of full, model"):
        ConvertOptions(gate="none")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown bundle type 'batch'"):
        ConvertOptions(bundle_type="batch")  # type: ignore[arg-type]
    opts = ConvertOptions(gate="model", bundle_type="collection")  # type: ignore[arg-type]
    assert opts.gate is Gate.MODEL and opts.bundle_type is BundleType.COLLECTION
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        fhirconv.to_text({}, "yaml")
