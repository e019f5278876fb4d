"""Where fhirconv keeps derived data between runs, in a module with no imports beyond the standard
library's ``os`` and ``pathlib``: ``fhirconv --help`` answered from the help cache reads it before any
other part of the package is loaded."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["user_cache_dir"]


def user_cache_dir() -> Path:
    """Where derived data (compiled lexicons, definitions) is kept between runs: ``$FHIRCONV_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/fhirconv``, else ``~/.cache/fhirconv``."""
    env = os.environ.get("FHIRCONV_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fhirconv"
