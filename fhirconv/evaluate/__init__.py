"""Measure extraction quality: convert annotated documents and score the bundles against the gold.

Gold readers (BRAT standoff, UIMA XMI), a span mapper (derivation-reference extensions -> spans per
category), scoring (exact and overlap P/R/F1, negation accuracy, patient age/sex, medication attributes)
and reporting. The category map and matching rules are documented in docs/evaluation.md.
"""

from __future__ import annotations

from .brat import parse_brat, read_brat
from .gold import GoldDocument, Mention
from .report import markdown
from .runner import DocOutcome, discover, evaluate, summarise, write_details
from .scoring import Counts, DocScore, match_exact, match_overlap, score_document
from .spans import predicted_mentions
from .xmi import parse_xmi, read_xmi

__all__ = [
    "Counts",
    "DocOutcome",
    "DocScore",
    "GoldDocument",
    "Mention",
    "discover",
    "evaluate",
    "markdown",
    "match_exact",
    "match_overlap",
    "parse_brat",
    "parse_xmi",
    "predicted_mentions",
    "read_brat",
    "read_xmi",
    "score_document",
    "summarise",
    "write_details",
]
