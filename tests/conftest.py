"""Session fixtures shared by all tests. Keep this the only conftest.py (subfolders have none)."""

from __future__ import annotations

from pathlib import Path

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
