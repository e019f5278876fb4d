"""Session fixtures shared by all tests. Keep this the only conftest.py (subfolders have none)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from support import require_shared


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*.json from the current converter output instead of comparing.",
    )


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def definitions() -> Any:
    """The installed R4 definitions (never installed from here: .ci/run installs them from a registry)."""
    from fhirconv.definitions import load_definitions
    from fhirconv.errors import DefinitionsNotInstalled

    try:
        return load_definitions(auto_install=False)
    except DefinitionsNotInstalled as exc:
        if os.environ.get("FHIRCONV_REQUIRE_SHARED") == "1":
            pytest.fail(f"R4 definitions not installed: {exc}", pytrace=False)
        pytest.skip(f"R4 definitions not installed: {exc}")


@pytest.fixture(autouse=True, scope="session")
def _model_check_oracle() -> Any:
    """Every bundle a test converts in this process also passes the fhir.resources model checks.

    The default output gate is the compiled R4 validator alone (the model checks left the hot path
    once ``tests/validate/test_gate.py`` showed it refuses all they refuse); here the model checks stay
    an independent oracle on every bundle the tests and goldens produce."""
    import fhirconv.pipeline as pipeline

    original = pipeline.gate

    def gate(bundle: dict[str, Any], level: Any, source: str, **options: Any) -> None:
        original(bundle, level, source, **options)
        pipeline.check_models_each(bundle)

    pipeline.gate = gate  # type: ignore[assignment]
    yield
    pipeline.gate = original  # type: ignore[assignment]
