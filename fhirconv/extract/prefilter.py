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
from bisect import bisect_left
from collections.abc import Callable, Sequence

from ..wordstart import original, word_start
from .literals import DIGIT, note_union, required_literals

__all__ = ["AnyOf", "LiteralWindows", "ending_gate"]

_NAME = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_UNSAFE = re.compile(r"\(\?P=|\(\?\(|\\[1-9]|\(\?[aiLmsux]+\)")
_WORD_START = r"(?<!\w)"
_NEVER = 1 << 62  # (the warm-up of a union that cannot be made)


class AnyOf:
    """``search(text, pos, endpos)``: False only when none of ``patterns`` matches in ``text[pos:endpos]``.

    The union costs as much to compile as its patterns together, which a single short report would
    not earn back: it is built after the first ``warm_up`` questions (answered "maybe", so the
    patterns run as before); a batch, or a long report, uses it from then on.
    """

    __slots__ = ("_asked", "_last", "_patterns", "_union", "_warm_up", "gate")

    def __init__(self, patterns: Sequence[re.Pattern[str]], *, warm_up: int = 256) -> None:
        self._patterns = tuple(patterns)
        self._union: re.Pattern[str] | None = None
        self._asked = 0
        self._warm_up = warm_up
        # the last answer: components asking the same question of the same sentence scan it once
        self._last: tuple[str, int, int, bool] | None = None
        # what the union is put behind when it is made (the literal gate remembered for it: triggers.py)
        self.gate: Callable[[re.Pattern[str]], re.Pattern[str]] | None = None

    @property
    def union(self) -> re.Pattern[str] | None:
        """The union, once made."""
        return self._union

    def prepare(self) -> None:
        """Make the union at the next question, whatever is left of the warm-up: the literal gates'
        set-up (triggers.py) asks this of every union it meets, so that the union is measured and
        settled with the other patterns (made after the last settling, it went ungated in every
        process). A union that cannot be made is not tried again."""
        if self._union is None and self._asked < self._warm_up < _NEVER:
            self._asked = self._warm_up

    def search(self, text: str, pos: int, endpos: int) -> bool:
        if self._union is None:
            self._asked += 1
            if self._asked <= self._warm_up:
                return True
            self._union = union(self._patterns)
            if self._union is None:  # cannot be joined: ask no more
                self._warm_up = _NEVER
                return True
            if self.gate is not None:
                self._union = self.gate(self._union)
        last = self._last
        if last is not None and last[0] is text and last[1] == pos and last[2] == endpos:
            return last[3]
        hit = self._union.search(text, pos, endpos) is not None
        self._last = (text, pos, endpos, hit)
        return hit


class LiteralWindows:
    """``maybe(folded, pos, endpos)``: False only when ``pattern`` cannot match inside ``[pos, endpos)``.

    For a pattern searched in a short window before each mention (the words that make a term part of an
    institution's or a test's name): the search tries the pattern at every character of the window,
    though most documents hold its words in few places. Every match holds one of the literals that
    :func:`.literals.required_literals` reads off the pattern, inside what it matches (assertions
    match nothing); where each literal occurs in a document is found once (``str.find``, overlapping
    occurrences too), and a window holding no occurrence's start early enough for the shortest
    literal to fit is a window without a match: a bisection instead of a search. A pattern with no
    requirement known (or one that counts digits) is always "maybe".

    Reading the requirement off the pattern's parse tree costs milliseconds, which a single short
    report would not earn back: the first ``warm_up`` questions are answered "maybe" (the pattern runs
    as before), and the requirement is read at the next one.
    """

    __slots__ = ("_asked", "_folded", "_literals", "_pattern", "_shortest", "_starts", "_warm_up")

    def __init__(self, pattern: re.Pattern[str], *, warm_up: int = 256) -> None:
        self._pattern: re.Pattern[str] | None = pattern
        self._asked, self._warm_up = 0, warm_up
        self._literals: tuple[str, ...] | None = None
        self._shortest = 0
        self._folded: str | None = None
        self._starts: list[int] = []

    def maybe(self, folded: str, pos: int, endpos: int) -> bool:
        if self._literals is None:
            if self._pattern is None:
                return True  # (no requirement known)
            self._asked += 1
            if self._asked <= self._warm_up:
                return True
            lits = required_literals(self._pattern)
            self._pattern = None
            if not lits or any(DIGIT in x for x in lits):
                return True
            self._literals, self._shortest = tuple(sorted(lits)), min(map(len, lits))
        if self._folded is not folded:
            self._read(folded)
        starts = self._starts
        i = bisect_left(starts, pos)
        return i < len(starts) and starts[i] <= endpos - self._shortest

    def _read(self, folded: str) -> None:
        starts: list[int] = []
        for lit in self._literals or ():
            i = folded.find(lit)
            while i >= 0:
                starts.append(i)
                i = folded.find(lit, i + 1)
        starts.sort()
        self._starts, self._folded = starts, folded


def union(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` matches, or None when they cannot be joined exactly."""
    if not patterns or len({p.flags for p in patterns}) != 1 or patterns[0].flags & re.VERBOSE:
        return None
    sources = [original(p.pattern) for p in patterns]  # as written, before word_start
    if any(_UNSAFE.search(s) for s in sources):
        return None
    bodies = [_NAME.sub("(?:", s) for s in sources]
    prefix = ""
    if all(_leading_word_start(s) for s in sources):
        prefix, bodies = _WORD_START, [b[len(_WORD_START) :] for b in bodies]
    try:
        src = prefix + "(?:" + "|".join(f"(?:{b})" for b in bodies) + ")"
        joined = re.compile(word_start(src, patterns[0].flags), patterns[0].flags)
    except re.error:
        return None
    note_union(joined, patterns)  # (what it requires, for the literal gate: see triggers.py)
    return joined


def _leading_word_start(src: str) -> bool:
    """Whether the pattern is one sequence that starts with ``(?<!\\w)``: ``(?<!\\w)a|b`` is not (the
    lookbehind belongs to ``a`` alone), so it could not be factored out of ``b``."""
    return src.startswith(_WORD_START) and not _top_level_branch(src)


def _top_level_branch(src: str) -> bool:
    """Whether ``src`` has a ``|`` outside every group and character class."""
    depth, i, n = 0, 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # skip the class; a "]" first in it (after any "^") is a literal
            j = i + 1
            if j < n and src[j] == "^":
                j += 1
            if j < n and src[j] == "]":
                j += 1
            while j < n and src[j] != "]":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


_TAIL = re.compile(r"\(\?:[^()]*\)\(\?!\\w\)")


def ending_gate(pattern: re.Pattern[str], marker: str = "[a-z]{3,}") -> re.Pattern[str] | None:
    r"""For ``(?<!\w)...<marker>(?:end1|end2)(?!\w)`` (words known by their ending, "-ectomy"), the
    pattern of the ending alone: every match of the whole ends with it, so where it is not found (with
    the same bounds) the whole is not either, and the ending, a list of literals, is found fast. None
    when the pattern does not have exactly that shape."""
    src = original(pattern.pattern)
    if src.count(marker) != 1 or pattern.flags & re.VERBOSE or not _leading_word_start(src):
        return None
    tail = src.split(marker, 1)[1]
    if not _TAIL.fullmatch(tail):
        return None
    try:
        return re.compile(tail, pattern.flags)
    except re.error:
        return None
