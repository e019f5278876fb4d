r"""Word-start patterns written so that Python's regex engine can jump to where a match may start.

A pattern that starts with an assertion, ``(?<!\w)(?:fever|cough)``, gives the engine nothing to look
for: ``search``/``finditer`` try the whole pattern at every character of the text. The same pattern
with the assertion asked after the first character, ``(?:f(?<!\wf)ever|c(?<!\wc)ough)``, starts with a
set of literal characters: the engine skips along the text to the next ``f`` or ``c`` and tries the
pattern only there (over the dev reports the word-list patterns were searched 2-10 times faster).

Exactness: at a position ``i`` where the text holds the literal ``c``, ``(?<!X)c`` asks "no ``X``
character at ``i - 1``" and ``c(?<!Xc)``, asked at ``i + 1``, asks "not (an ``X`` character at
``i - 1`` followed by ``c``)" -- the same question, as ``c`` is there; where the text does not hold
``c`` both fail. Both look before a search's ``pos`` alike (a lookbehind sees the whole string), and
both need ``c`` before ``endpos``. The assertion is zero-width, so groups, spans and the order in which
alternatives are tried are unchanged: ``(?<!X)(?:A|B)`` is ``(?:(?<!X)A|(?<!X)B)``, and the assertion
moves into each branch down to its first literal. A non-capturing group that is a whole branch is
spliced into the enclosing alternation (``A|(?:B|C)`` is ``A|B|C``: the same order of tries), so that
the engine sees one alternation of branches that each start with a literal.

:func:`word_start` rewrites only what it can prove by that rule (a first item that is a literal
character, or a group without a quantifier whose branches all start so) and only when the result gives
the engine a prefix to jump by; otherwise it returns the pattern as written. :func:`original` gives the
text a rewritten pattern was made from, for code that reads pattern texts (``phrase_scan``,
``prefilter``), so what that code builds is unchanged and only then rewritten as a whole.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from .regexcache import remembered

__all__ = ["WORD_STARTS", "compile_word_start", "original", "word_start"]

# the word-start assertions a pattern may begin with (one character wide: what may not stand before)
WORD_STARTS = (r"(?<!\w)", r"(?<![\w-])")

_QUANTIFIERS = frozenset("*+?{")
_SPECIAL = frozenset(".^$*+?{}[]()|\\")

try:
    _PARSER: Any = importlib.import_module("re._parser")
    _COMPILER: Any = importlib.import_module("re._compiler")
except ImportError:  # pragma: no cover - another layout of re: patterns are kept as written
    _PARSER = _COMPILER = None

_MAX_FIRST = 6
_LITERAL = getattr(importlib.import_module("re._constants"), "LITERAL", None) if _PARSER else None
_ORIGINAL: dict[str, str] = {}  # rewritten text -> the text it was made from (pattern texts of code and data)
_MAX_REMEMBERED = 10_000


class _Unsupported(Exception):
    """A shape the rewrite does not prove equal: the pattern stays as written."""


def word_start(src: str, flags: int = 0) -> str:
    r"""``src`` with its leading word-start assertion (``(?<!\w)``, ``(?<![\w-])``) moved after the
    first literal of each branch, or ``src`` itself when that cannot be done exactly or would give the
    engine no prefix to jump by (see the module's docstring)."""
    # the command line's set-up finds the text it wrote last time (regexcache: the prefix check parses
    # the pattern in pure Python, some 30 ms of a cold start over the set-up's word lists)
    out = remembered(("word_start", src, flags), lambda: _word_start(src, flags))
    if out != src and len(_ORIGINAL) < _MAX_REMEMBERED:
        _ORIGINAL[out] = src
    return out


def _word_start(src: str, flags: int) -> str:
    if flags & re.VERBOSE:  # white space would not be the literal it looks like
        return src
    firsts: set[str] = set()
    try:
        out = _rewrite(src, firsts)
    except _Unsupported:
        return src
    # more first characters than the engine can use: known without parsing the pattern (the parse is
    # the costly part of the set-up's rewrites, and the long word lists are the costly ones to parse)
    if out == src or len(firsts) > _MAX_FIRST or not _has_prefix(out, flags):
        return src
    return out


def compile_word_start(src: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of :func:`word_start`'s form of ``src``: what the pattern finds is unchanged."""
    return re.compile(word_start(src, flags), flags)


def original(src: str) -> str:
    """The pattern text :func:`word_start` made ``src`` from, or ``src`` when it made no such text."""
    return _ORIGINAL.get(src, src)


def _rewrite(src: str, firsts: set[str]) -> str:
    for assertion in WORD_STARTS:
        if src.startswith(assertion):
            rest = src[len(assertion) :]
            if len(_branches(rest)) > 1:  # the assertion belongs to the first branch alone
                raise _Unsupported
            return _lead(rest, assertion[4:-1], firsts)
    raise _Unsupported


def _lead(seq: str, before: str, firsts: set[str]) -> str:
    """``(?<!before)seq`` with the assertion after the first literal; ``seq`` has no top-level ``|``."""
    if not seq:
        raise _Unsupported
    if seq[0] == "(":
        end = _group_end(seq, 0)
        if end + 1 < len(seq) and seq[end + 1] in _QUANTIFIERS:
            raise _Unsupported
        opener = _opener(seq)
        inner = seq[len(opener) : end]
        return opener + "|".join(_lead(b, before, firsts) for b in _spliced(inner)) + ")" + seq[end + 1 :]
    if seq[0] == "\\":
        if len(seq) < 2 or seq[1].isalnum():  # a class (\d, \s) or a back-reference: not a literal
            raise _Unsupported
        atom = seq[:2]
    elif seq[0] in _SPECIAL:
        raise _Unsupported
    else:
        atom = seq[0]
    if len(seq) > len(atom) and seq[len(atom)] in _QUANTIFIERS:
        raise _Unsupported
    firsts.add(atom)
    return f"{atom}(?<!{before}{atom}){seq[len(atom) :]}"


def _opener(seq: str) -> str:
    """``(?:`` or ``(?P<name>`` opening ``seq``; any other group (a lookaround, flags) is not rewritten."""
    if seq.startswith("(?:"):
        return "(?:"
    m = re.match(r"\(\?P<[A-Za-z_]\w*>", seq)
    if m:
        return m.group(0)
    if seq.startswith("(?"):
        raise _Unsupported
    return "("


def _spliced(inner: str) -> list[str]:
    """The branches of an alternation, a branch that is one whole non-capturing group replaced by that
    group's own branches (``A|(?:B|C)`` is ``A|B|C``); an empty branch is not rewritten."""
    out: list[str] = []
    for b in _branches(inner):
        if not b:
            raise _Unsupported
        if b.startswith("(?:") and _group_end(b, 0) == len(b) - 1:
            out.extend(_spliced(b[3:-1]))
        else:
            out.append(b)
    return out


# what a pattern's structure is read from: an escape, a character class (a "]" first in it, after any
# "^", is a literal), a parenthesis or a bar; everything else is skipped by the regex engine, not Python
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\[|[()|]", re.DOTALL)


def _group_end(src: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``start``."""
    depth = 0
    for m in _TOKEN.finditer(src, start):
        c = m.group()
        if c == "[":  # a class that never closes
            raise _Unsupported
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return m.start()
    raise _Unsupported


def _branches(src: str) -> list[str]:
    """``src`` cut at each ``|`` outside every group and character class."""
    out, depth, last = [], 0, 0
    for m in _TOKEN.finditer(src):
        c = m.group()
        if c == "[":
            raise _Unsupported
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(src[last : m.start()])
            last = m.end()
    out.append(src[last:])
    return out


def _has_prefix(src: str, flags: int) -> bool:
    """Whether the engine finds a literal prefix, or a set of at most ``_MAX_FIRST`` first characters, to
    jump by. With more, most letters of a text are in the set: the engine stops at nearly every one and
    tries each branch's first letter there, which costs more than the one lookbehind it saved (measured
    on the dev reports: 2-10x faster with 1-5 first letters, even at 6-8, slower from 10 on)."""
    if _PARSER is None:
        return False
    try:
        parsed = _PARSER.parse(src, flags)
        if _COMPILER._get_literal_prefix(parsed, flags)[0]:
            return True
        charset = _COMPILER._get_charset_prefix(parsed, flags)
    except Exception:  # another layout of re's internals: keep the pattern as written
        return False
    return bool(charset) and all(op == _LITERAL for op, _ in charset) and len(charset) <= _MAX_FIRST
