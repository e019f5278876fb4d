"""One scan instead of many: whether any of several patterns matches in a span of text.

Components try a dozen patterns on every sentence (the timeline's 18 time expressions, the outcome
phrases), and most sentences hold none of them: each pattern scanning each sentence cost more than
all the dictionary matching. :class:`AnyOf` joins the patterns into one alternation, searched once; only
when it finds something do the patterns run one by one as before, so what they find is unchanged.

Exactness: the union matches at a position exactly when one of the patterns does (an alternation tries
each), so ``union.search(text, pos, endpos)`` finds something exactly when some pattern's does. Names
of groups are dropped (they do not change what matches); patterns with back-references, conditionals
or differing flags are not joined (then every sentence is scanned as before). A leading ``(?<!\\w)``
shared by every pattern is tested once per position instead of once per pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["AnyOf", "ending_gate"]

_NAME = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_UNSAFE = re.compile(r"\(\?P=|\(\?\(|\\[1-9]|\(\?[aiLmsux]+\)")
_WORD_START = r"(?<!\w)"


class AnyOf:
    """``search(text, pos, endpos)``: False only when none of ``patterns`` matches in ``text[pos:endpos]``."""

    __slots__ = ("_last", "_union")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._union = union(patterns)
        # the last answer: components asking the same question of the same sentence scan it once
        self._last: tuple[str, int, int, bool] | None = None

    def search(self, text: str, pos: int, endpos: int) -> bool:
        if self._union is None:
            return True
        last = self._last
        if last is not None and last[0] is text and last[1] == pos and last[2] == endpos:
            return last[3]
        hit = self._union.search(text, pos, endpos) is not None
        self._last = (text, pos, endpos, hit)
        return hit


def union(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` matches, or None when they cannot be joined exactly."""
    if not patterns or len({p.flags for p in patterns}) != 1:
        return None
    sources = [p.pattern for p in patterns]
    if any(_UNSAFE.search(s) for s in sources):
        return None
    bodies = [_NAME.sub("(?:", s) for s in sources]
    prefix = ""
    if all(
        s.startswith(_WORD_START) and _leading_assertion(p) for s, p in zip(sources, patterns, strict=True)
    ):
        prefix, bodies = _WORD_START, [b[len(_WORD_START) :] for b in bodies]
    try:
        return re.compile(prefix + "(?:" + "|".join(f"(?:{b})" for b in bodies) + ")", patterns[0].flags)
    except re.error:
        return None


def _leading_assertion(pattern: re.Pattern[str]) -> bool:
    """Whether the pattern is one sequence that starts with its lookbehind: ``(?<!\\w)a|b`` is not (the
    lookbehind belongs to ``a`` alone), so it could not be factored out of ``b``."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        return bool(parsed.data) and parsed.data[0][0] is _parser.ASSERT_NOT
    except Exception:  # a parser from another Python version: do not factor
        return False


_TAIL = re.compile(r"\(\?:[^()]*\)\(\?!\\w\)")


def ending_gate(pattern: re.Pattern[str], marker: str = "[a-z]{3,}") -> re.Pattern[str] | None:
    r"""For ``(?<!\w)...<marker>(?:end1|end2)(?!\w)`` (words known by their ending, "-ectomy"), the
    pattern of the ending alone: every match of the whole ends with it, so where it is not found (with
    the same bounds) the whole is not either, and the ending, a list of literals, is found fast. None
    when the pattern does not have exactly that shape."""
    src = pattern.pattern
    if src.count(marker) != 1 or not _leading_assertion(pattern):
        return None
    tail = src.split(marker, 1)[1]
    if not _TAIL.fullmatch(tail):
        return None
    try:
        return re.compile(tail, pattern.flags)
    except re.error:
        return None
