"""The parser behind :func:`re.compile` and its opcode names, read once for every module that reads a
pattern's structure (the literal gates' requirements and cost model, the readers' boilerplate
prefilter). They are private modules of Python >= 3.11, so each is None where absent, and every reader
of them then falls back to running the pattern itself."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CONSTANTS", "PARSER"]

PARSER: Any
CONSTANTS: Any
try:
    PARSER = importlib.import_module("re._parser")
    CONSTANTS = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - a Python without them: nothing is read from patterns
    PARSER = CONSTANTS = None
