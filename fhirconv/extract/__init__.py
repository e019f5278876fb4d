"""Extraction of patient facts from a Document: one shared context per sentence, one component per fact
type (patient, observations, conditions, procedures, medications, outcome), then the link step."""

from __future__ import annotations

from .engine import ORDER, Extractor

__all__ = ["ORDER", "Extractor"]
