"""Text helpers shared by extraction and normalisation (both import this; neither imports the other).

``fold`` keeps string length, so an index in the folded text is an index in the original: that is what
lets every fact quote its exact words. ``phrase_pattern``/``alternation`` compile word lists from the
rule data the same way everywhere (folded, longest first, any run of spaces between words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .regexcache import remembered
from .wordstart import word_start

__all__ = ["alternation", "flat_alternation", "fold", "norm_phrase", "phrase_pattern", "trie_alternation"]

_FOLD_TABLE: dict[int, str] = {}
for _ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-":
    _FOLD_TABLE[ord(_ch)] = " "
for _ch in "\u2018\u2019\u2032\u00b4`":
    _FOLD_TABLE[ord(_ch)] = "'"
for _ch in "\u201c\u201d\u2033":
    _FOLD_TABLE[ord(_ch)] = '"'
_FOLD_TABLE[0x00A0] = " "
_FOLD_TABLE[0x00B5] = "\u03bc"  # micro sign -> Greek mu, one spelling for units


# (the table as replacements: ``str.translate`` with a dict looks up every character of a report, one
# ``str.replace`` per character the table changes runs at memory speed; no replacement makes a
# character another one replaces, so applying them in turn is the translation)
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD_TABLE.items())
assert not {v for _, v in _FOLD_PAIRS} & {k for k, _ in _FOLD_PAIRS}


# the characters of the table that are ASCII: all an ASCII text can hold of it
_FOLD_ASCII = tuple((old, new) for old, new in _FOLD_PAIRS if old.isascii())


def fold(text: str) -> str:
    """Lower-case, hyphens as spaces, one apostrophe: same length as ``text``."""
    if text.isascii():
        # (most words and phrases folded: the table's other characters cannot be in it, and the
        # lower case of an ASCII text has its length -- the same result as below, fewer scans)
        for old, new in _FOLD_ASCII:
            if old in text:
                text = text.replace(old, new)
        return text.lower()
    out = text
    for old, new in _FOLD_PAIRS:
        if old in out:
            out = out.replace(old, new)
    low = out.lower()
    if len(low) == len(out):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


def norm_phrase(words: str) -> str:
    """The folded phrase with single spaces: the key rule word lists are compared by. Remembered for
    short phrases: the same mention words are looked up several times a sentence, and again in the
    next report."""
    if len(words) > 64:
        return " ".join(fold(words).split())
    got = _NORM.get(words)
    if got is None:
        if len(_NORM) >= 50_000:  # bounded, whatever the input
            _NORM.clear()
        got = _NORM[words] = " ".join(fold(words).split())
    return got


_NORM: dict[str, str] = {}


def alternation(words: Iterable[str]) -> str:
    """Regex alternation of folded phrases, longest first (so "were negative" beats "negative").

    Written as a trie ("was (?:not(?:ed)?|seen)") rather than a flat list: Python's regex engine tries
    the branches of an alternation one after the other at every position, so a list of 300 phrases
    cost 300 tests per character of every sentence, a trie a handful. The two match exactly the same
    text in the same order of preference (see :func:`trie_alternation`); ``flat_alternation`` is kept
    for the cases the trie cannot stand for exactly and for the tests that prove the equivalence.
    """
    # sorted: the text does not depend on the order here (see trie_alternation), but the set-up's cache
    # of texts (regexcache.remembered) is keyed by it, and a set's order changes with the hash seed
    return trie_alternation(sorted({norm_phrase(w) for w in words}))


def _longest_first(phrase: str) -> tuple[int, str]:
    """Longest first, then by text: equal lengths never compete for the same text, and the pattern is
    written the same in every process (a set's order varies with the hash seed), as the on-disk
    pattern cache (:mod:`fhirconv.regexcache`) needs."""
    return -len(phrase), phrase


def flat_alternation(phrases: Iterable[str]) -> str:
    """The phrases (already folded, single spaces) as one flat alternation, longest first."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=_longest_first))


_MAX_TRIE_DEPTH = 200


def trie_alternation(phrases: Iterable[str], pieces: dict[str, str] | None = None) -> str:
    """The flat, longest-first alternation of ``phrases`` (folded, single spaces) factored into a trie.

    Exactness: at one position the phrases that match the text are prefixes of one another (two phrases
    of equal length that both match are equal: a space matches ``\\s+`` and nothing else does), so the
    flat list tries them longest first; the trie tries a node's longer continuations before ending at
    it, which is the same order, and siblings never compete (they start with different characters, and
    for ASCII no two lower-case characters match the same text even under IGNORECASE). Phrases with
    other characters, capitals or more than ``_MAX_TRIE_DEPTH`` characters (the regex parser recurses
    once per nested group) get the flat list.

    ``pieces`` writes some characters as other patterns (units: a space as ``\\s*``, "/" as
    ``\\s?/\\s?``); the phrases are then used case-sensitively as given. A piece that can match
    nothing competes with its siblings, so below a node that has one among others the phrases stay a
    flat, longest-first list.
    """
    unique = list(dict.fromkeys(phrases))  # in the given order: it breaks ties of length, as a flat list
    # the command line's set-up finds the text it built last time from the same inputs (regexcache)
    key = ("trie", tuple(unique), None if pieces is None else tuple(pieces.items()))
    return remembered(key, lambda: _trie(unique, pieces))


def _trie(unique: list[str], pieces: dict[str, str] | None) -> str:
    if pieces is None:
        if not all(p.isascii() and p == p.lower() and len(p) <= _MAX_TRIE_DEPTH for p in unique):
            return flat_alternation(unique)
        table = {" ": r"\s+"}
    else:
        if not all(len(p) <= _MAX_TRIE_DEPTH for p in unique):
            return "|".join(_written(p, pieces) for p in sorted(unique, key=len, reverse=True))
        table = pieces
    root: dict[str, Any] = {}
    for i, p in enumerate(unique):
        node = root
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = i  # a phrase ends here: its place in the given order
    optional = {ch for ch, piece in table.items() if re.fullmatch(piece, "")}
    # re.escape's own table, with the pieces on top: a run of characters is written in one translate
    written = {**_SPECIAL, **{ord(ch): piece for ch, piece in table.items()}}
    return _emit(root, written, optional)


_SPECIAL = {i: "\\" + chr(i) for i in b"()[]{}?*+-|^$\\.&~# \t\n\r\v\f"}  # as re.escape


def _written(phrase: str, table: dict[str, str]) -> str:
    return phrase.translate({**_SPECIAL, **{ord(ch): piece for ch, piece in table.items()}})


def _suffixes(node: dict[str, Any], prefix: str = "") -> list[tuple[int, int, str]]:
    """(-length, place in the given order, suffix) of every phrase below ``node``."""
    out = [(-len(prefix), node[""], prefix)] if "" in node else []
    for ch, child in node.items():
        if ch:
            out += _suffixes(child, prefix + ch)
    return out


def _emit(node: dict[str, Any], written: dict[int, str], optional: set[str]) -> str:
    keys = [ch for ch in node if ch]
    if len(node) > 1 and any(ch in optional for ch in keys):
        # a piece that may match nothing lets a sibling's phrase match the same text: below here the
        # phrases stay the flat list, longest first and equal lengths in the given order
        flat = [x for _, _, x in sorted(_suffixes(node))]
        return "(?:" + "|".join(x.translate(written) for x in flat) + ")"
    branches = []
    for ch in sorted(keys):
        run = [ch]
        child = node[ch]
        while len(child) == 1 and "" not in child:  # a chain of single letters: no group, no recursion
            ((c, child),) = child.items()
            run.append(c)
        branches.append("".join(run).translate(written) + _emit(child, written, optional))
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    # the empty branch last: a phrase ending here is tried after every longer one through this node
    return "(?:" + "|".join(branches) + ("|" if "" in node else "") + ")"


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole-word match of any of ``words`` in folded text."""
    return re.compile(word_start(r"(?<!\w)(?:" + alternation(words) + r")(?!\w)"))
