"""Session fixtures shared by all tests. Keep this the only conftest.py (subfolders have none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_shared


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()
