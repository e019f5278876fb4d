"""Helpers importable from any test module (``from support import require_shared``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FHIRCONV_SHARED", str(REPO.parent / "shared"))).resolve()
SAMPLES = REPO / "samples"


def require_shared(*parts: str) -> Path:
    """Path inside ../shared, or skip (fail under FHIRCONV_REQUIRE_SHARED=1) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        msg = f"needs shared data {path} (absent; set FHIRCONV_SHARED or place ../shared)"
        if os.environ.get("FHIRCONV_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and FHIRCONV_REQUIRE_SHARED=1", pytrace=False)
        pytest.skip(msg)
    return path
