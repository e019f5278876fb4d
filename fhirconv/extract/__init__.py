"""Extraction of patient facts from a Document (mentions, assertions, values, dosage, timing, outcome)."""

from __future__ import annotations

from .engine import Extractor, facts_summary

__all__ = ["Extractor", "facts_summary"]
