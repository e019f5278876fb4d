"""The literal strings a regex cannot match without: read off the pattern's parse tree.

Used by :mod:`.triggers` to skip a pattern where none of them is in the text. Conservative: where the
walk cannot tell (an unknown node, a case-insensitive part), the pattern has no requirement, never a
wrong one. A decimal digit (what ``\\d`` matches, in any script) is one mark, :data:`DIGIT`, in the
literals and in the text the literals are looked for in (:func:`digits_marked`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..reparse import CONSTANTS, PARSER

__all__ = ["DIGIT", "READING", "digits_marked", "note_union", "required_literals"]

# the parser behind re.compile (private, Python >= 3.11); without it nothing is gated
_P, _C = PARSER, CONSTANTS

_MAX_PRODUCT = 64  # strings a run of fixed parts may spell out before it is cut
_MAX_LITERALS = 4000  # a larger requirement is no gate worth its scan
_MIN_LENGTH = 3  # a shorter literal is in nearly every sentence: no gate
# any decimal digit (what ``\d`` matches), in literals and in the scanned text alike: "a number" is a
# requirement as telling as a word of three letters (half the sentences have none)
DIGIT = "\ue000"
_DIGIT_WEIGHT = 2
# how requirements are read off; part of the key of the gates' remembered decisions (gate_store), which
# hold each pattern's literals: the literals another reading settled are not this one's
READING = 2


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or None when no useful set is known."""
    if _P is None or pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    key = (pattern.pattern, pattern.flags)
    if key in _KNOWN:
        return _KNOWN[key]
    found = _read_off(pattern)
    _remember(key, found)
    return found


def note_union(union: re.Pattern[str], parts: Sequence[re.Pattern[str]]) -> None:
    """Record what ``union`` requires -- an alternation matching exactly where one of ``parts`` does
    (:func:`.prefilter.union`) -- as the union of what each part requires: every match of the union is
    a match of one part, so it holds one of that part's literals. Reading that off the union's own parse
    tree (10 KB of pattern) cost ~5 ms on first use; the parts' requirements are known by then."""
    key = (union.pattern, union.flags)
    if key in _KNOWN or _P is None or union.flags & re.IGNORECASE:
        return
    out: set[str] = set()
    for part in parts:
        req = required_literals(part)
        if req is None:
            _remember(key, None)
            return
        out |= req
    _remember(key, frozenset(out) if len(out) <= _MAX_LITERALS else None)


_KNOWN: dict[tuple[str, int], frozenset[str] | None] = {}  # (pattern, flags) -> its requirement


def _remember(key: tuple[str, int], found: frozenset[str] | None) -> None:
    if len(_KNOWN) >= 4096:  # bounded: the rules hold a few hundred patterns
        _KNOWN.clear()
    _KNOWN[key] = found


def _read_off(pattern: re.Pattern[str]) -> frozenset[str] | None:
    try:
        _, req, starts = _sequence(list(_P.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an unexpected tree shape: no gate, the pattern runs as always
        return None
    req = _better(req, starts)
    if not req or len(req) > _MAX_LITERALS or _score(req)[0] < _MIN_LENGTH:
        return None
    return frozenset(req)


# (exactly what it matches, what every match contains, what every match starts with); each None when
# unknown. The third makes a word list written as a trie ("s(?:creen|erolog(?:y|ies))") require its
# whole words ("screen", "serolog"): without it the walk kept only the pieces after the last branch
# point ("creen", "erolog", even "ale" or "ere"), which nearly every sentence holds.
_Info = tuple[set[str] | None, set[str] | None, set[str] | None]


def _score(req: set[str] | None) -> tuple[int, int]:
    """How telling a requirement is: its shortest string (a digit counts for three letters), then fewer."""
    if not req:
        return (-1, 0)
    return min(len(r) + _DIGIT_WEIGHT * (DIGIT in r) for r in req), -len(req)


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more telling of two requirements (``a`` on a tie)."""
    return b if b and _score(b) > _score(a) else a


def _product(heads: set[str] | None, tails: set[str] | None) -> set[str] | None:
    """Each of ``heads`` followed by each of ``tails``, or None when either is unknown or too many."""
    if heads is None or tails is None or len(heads) * len(tails) > _MAX_LITERALS:
        return None
    return {a + b for a in heads for b in tails}


def _sequence(items: list[Any]) -> _Info:
    """Concatenation: the product of consecutive fixed parts is required; so is any part's requirement,
    and the fixed parts right before a part followed by how that part starts."""
    run: set[str] | None = {""}
    whole: set[str] | None = {""}
    best: set[str] | None = None
    starts: set[str] | None = None  # how every match starts, once a part that is not fixed is met

    def keep(cand: set[str] | None) -> None:
        nonlocal best
        if cand and _score(cand) > _score(best):
            best = cand

    for op, av in items:
        exact, req, first = _node(op, av)
        if exact is not None:
            if run is not None and len(run) * len(exact) <= _MAX_PRODUCT:
                run = {a + b for a in run for b in exact}
            else:
                keep(run)
                run = set(exact)
            if whole is not None:
                whole = (
                    {a + b for a in whole for b in exact} if len(whole) * len(exact) <= _MAX_PRODUCT else None
                )
        else:
            if whole is not None:  # the first part that is not fixed: what went before, then its start
                starts = _product(whole, first) or whole
            keep(run)
            keep(_product(run, first))  # (the run ends right where this part's match begins)
            run = {""}
            whole = None
            keep(req)
    keep(run)
    return whole, best, whole if whole is not None else starts


def _node(op: Any, av: Any) -> _Info:
    C = _C
    if op is C.LITERAL:
        return {_char(av)}, None, {_char(av)}
    if op is C.IN:
        if list(av) == [(C.CATEGORY, C.CATEGORY_DIGIT)]:
            return {DIGIT}, None, {DIGIT}
        chars = set()
        for iop, iav in av:
            if iop is not C.LITERAL:
                return None, None, None
            chars.add(_char(iav))
        return (chars, None, chars) if 0 < len(chars) <= 4 else (None, None, None)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}, None, {""}  # consumes nothing
    if op is C.SUBPATTERN:
        _, add_flags, _, sub = av
        if add_flags & re.IGNORECASE:
            return None, None, None
        return _sequence(list(sub))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is C.BRANCH:
        _, alts = av
        infos = [_sequence(list(a)) for a in alts]
        exacts = [x for x, _, _ in infos]
        exact: set[str] | None = None
        if all(x is not None for x in exacts):
            union = set().union(*(x for x in exacts if x is not None))
            exact = union if len(union) <= _MAX_PRODUCT else None
        firsts: set[str] | None = set()
        for _, _, f in infos:
            firsts = firsts | f if firsts is not None and f is not None else None
        if firsts is not None and len(firsts) > _MAX_LITERALS:
            firsts = None
        req: set[str] = set()
        for x, r, f in infos:
            need = _better(_better(x, r), f)
            if not need:
                return exact, None, firsts
            req |= need
        return exact, req, firsts
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        once, within, first = _sequence(list(sub))
        if lo == 0:
            return ({""} | once if hi == 1 and once is not None else None), None, None
        if lo == hi == 1:
            return once, within, first
        return None, _better(once, within), first
    return None, None, None


def _char(code: int) -> str:
    c = chr(code)
    return DIGIT if c.isdecimal() else c


_ANY_DIGIT = re.compile(r"\d")


def digits_marked(text: str) -> str:
    """The text with every decimal digit (what ``\\d`` matches, any script) written as the digit mark."""
    return _ANY_DIGIT.sub(DIGIT, text)
