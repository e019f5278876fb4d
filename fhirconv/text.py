"""Text helpers shared by extraction and normalisation (both import this; neither imports the other).

``fold`` keeps string length, so an index in the folded text is an index in the original: that is what
lets every fact quote its exact words. ``phrase_pattern``/``alternation`` compile word lists from the
rule data the same way everywhere (folded, longest first, any run of spaces between words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["alternation", "fold", "norm_phrase", "phrase_pattern"]

_FOLD_TABLE: dict[int, str] = {}
for _ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-":
    _FOLD_TABLE[ord(_ch)] = " "
for _ch in "\u2018\u2019\u2032\u00b4`":
    _FOLD_TABLE[ord(_ch)] = "'"
for _ch in "\u201c\u201d\u2033":
    _FOLD_TABLE[ord(_ch)] = '"'
_FOLD_TABLE[0x00A0] = " "
_FOLD_TABLE[0x00B5] = "\u03bc"  # micro sign -> Greek mu, one spelling for units


def fold(text: str) -> str:
    """Lower-case, hyphens as spaces, one apostrophe: same length as ``text``."""
    out = text.translate(_FOLD_TABLE)
    low = out.lower()
    if len(low) == len(out):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


def norm_phrase(words: str) -> str:
    """The folded phrase with single spaces: the key rule word lists are compared by."""
    return " ".join(fold(words).split())


def alternation(words: Iterable[str]) -> str:
    """Regex alternation of folded phrases, longest first (so "were negative" beats "negative")."""
    phrases = sorted({norm_phrase(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole-word match of any of ``words`` in folded text."""
    return re.compile(r"(?<!\w)(?:" + alternation(words) + r")(?!\w)")
