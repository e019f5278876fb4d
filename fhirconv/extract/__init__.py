"""Extraction of patient facts from a Document (mentions, assertions, values, dosage, timing, outcome)."""

from __future__ import annotations

from .engine import Extractor

__all__ = ["Extractor"]
