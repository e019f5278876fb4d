"""Compiled section rules from ``mappings/sections.json``.

The rules are data so a new journal's furniture or heading style is a data change, not a code change;
this module only compiles the regexes once per mapping store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import MappingError
from ..mapping import MappingStore
from ..model import SectionType
from ..reparse import CONSTANTS, PARSER

__all__ = ["TITLE_MAX_WORDS", "SectionRules", "load_rules", "shipped_rules"]

# the parser behind re.compile (private, Python >= 3.11); without it no boilerplate rule is skipped
_PARSER, _C = PARSER, CONSTANTS

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s*")
_TRAILING_CHARS = " \t\n\r\f\v:.-–—"
# a block of more words is no title candidate (the layout's title choice)
TITLE_MAX_WORDS = 40


@dataclass(frozen=True, slots=True)
class Boilerplate:
    pattern: re.Pattern[str]
    type: SectionType
    anywhere: bool


@dataclass(frozen=True, slots=True)
class SectionRules:
    headings: tuple[tuple[re.Pattern[str], SectionType], ...]
    heading_max_words: int
    boilerplate: tuple[Boilerplate, ...]
    reference_line: re.Pattern[str]
    caption_line: re.Pattern[str]
    menu_separators: re.Pattern[str]
    menu_min_items: int
    menu_min_words_unseparated: int
    menu_max_item_words: int
    menu_max_word_chars: int
    prose_min_words: int
    prose_long_words: int
    prose_end_chars: str
    boilerplate_max_lower_ratio: float
    html_drop_tags: frozenset[str]
    html_boilerplate_class: re.Pattern[str]
    jats_sec_types: dict[str, SectionType]
    bioc_passage_types: dict[str, SectionType]
    # how far the layout counts a block's words: one more than the largest count it compares one with
    # (heading, prose, long prose, title), so that a longer block's count -- this number -- is on the
    # same side of every comparison as its true count (``str.split(None, n - 1)``: ``min(words, n)``
    # pieces; a paragraph's hundred words are never split out)
    words_counted: int = field(init=False)
    # documents asked about (``possible_boilerplate``): the first few are searched with every rule
    _asked: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        counted = 1 + max(
            self.heading_max_words + 1, self.prose_min_words, self.prose_long_words, TITLE_MAX_WORDS
        )
        object.__setattr__(self, "words_counted", counted)
        object.__setattr__(self, "_asked", [0])

    def heading_type(self, text: str) -> SectionType | None:
        """The section type a heading names, or None when the text is not a known heading."""
        words = text.split()
        if not words or len(words) > self.heading_max_words + 1:
            return None
        # words joined first and trailing punctuation stripped, not matched with "[...]+$": a regex
        # ending in "+$" retries at every position of a long run and was quadratic on it
        key = " ".join(_NUMBERING.sub("", " ".join(words)).split()).rstrip(_TRAILING_CHARS).strip()
        if not key or len(key.split()) > self.heading_max_words:
            return None
        for pattern, type_ in self.headings:
            if pattern.fullmatch(key):
                return type_
        return None

    def boilerplate_type(self, text: str, *, edge: bool) -> SectionType | None:
        for rule in self.boilerplate:
            if (edge or rule.anywhere) and rule.pattern.search(text):
                return rule.type
        return None

    def possible_boilerplate(
        self, texts: list[str]
    ) -> tuple[tuple[Boilerplate, ...], tuple[Boilerplate, ...]]:
        """The boilerplate rules that may match one of ``texts`` (a document's blocks), in order: those
        that apply anywhere, and all (no rule that applies only in the zones is left out). A rule left
        out matches none of them, so the first rule that matches a block is the same among these as
        among all (``boilerplate_type``): every line of a report is searched with the rules that apply
        anywhere, and most of them cannot match in it.

        A rule is left out when none of the strings every match of it holds (``_needs``, lower-case
        ASCII) is in the lower-cased text. Exact: matched case-insensitively, a pattern's ASCII
        character matches an ASCII character of the same lower case, or one of the four non-ASCII
        letters Python's ``re`` documents as the case kin of ASCII letters (U+0130, U+0131, U+017F,
        U+212A) -- a text holding one of those gets every rule. Otherwise the characters a match spends
        on a required string are ASCII, in a row, and lower-case to that string in the lower-cased text
        (``str.lower`` keeps a run of ASCII characters a run of their lower case)."""
        every = self.boilerplate
        anywhere = tuple(r for r in every if r.anywhere)
        # (reading the rules' parse trees costs more than a one-file conversion's lines save: the
        # first documents a process reads are searched with every rule)
        self._asked[0] += 1
        if self._asked[0] <= _UNGATED_DOCUMENTS:
            return anywhere, every
        joined = "\n".join(texts)
        if any(kin in joined for kin in _ASCII_CASE_KIN):
            return anywhere, every
        low = joined.lower()
        # (only the rules that apply anywhere are asked: the others search the few lines of the zones)
        kept = tuple(r for r in every if not r.anywhere or _may_match(r.pattern.pattern, low))
        return tuple(r for r in kept if r.anywhere), kept

    def jats_type(self, sec_type: str) -> SectionType:
        return self.jats_sec_types.get(sec_type.strip().lower(), self.jats_sec_types["__default__"])

    def bioc_type(self, passage_type: str) -> SectionType:
        return self.bioc_passage_types.get(
            passage_type.strip().lower(), self.bioc_passage_types["__default__"]
        )


def first_boilerplate(rules: tuple[Boilerplate, ...], text: str) -> SectionType | None:
    """The type of the first of ``rules`` whose pattern is found in ``text``."""
    for rule in rules:
        if rule.pattern.search(text):
            return rule.type
    return None


_UNGATED_DOCUMENTS = (
    2  # documents read with every boilerplate rule before the gate (see possible_boilerplate)
)
# the non-ASCII letters that match ASCII letters case-insensitively (the ``re`` documentation, IGNORECASE)
_ASCII_CASE_KIN = ("\u0130", "\u0131", "\u017f", "\u212a")


def _may_match(pattern: str, low: str) -> bool:
    needs = _needs(pattern)
    if needs is None:
        return True
    return any(n in low for n in needs)


@lru_cache(maxsize=512)
def _needs(pattern: str) -> tuple[str, ...] | None:
    """Lower-case ASCII strings one of which every match of ``pattern`` holds (its characters matched
    case-insensitively or not), or None when no such set of strings of three characters or more is
    known. Read off the parse tree: a run of literal characters, a group, each branch of an alternation
    (one of the branches' strings), a repeat done at least once; anything else (classes, assertions,
    flags set inside) requires nothing. Remembered per pattern text (a pure function, bounded)."""
    try:
        tree = _PARSER.parse(pattern) if _PARSER is not None else None
    except re.error:
        return None
    found = _required(list(tree)) if tree is not None else None
    if not found or any(len(s) < 3 or not s.isascii() for s in found):
        return None
    return tuple(sorted({s.lower() for s in found}))


def _required(items: list[Any]) -> set[str] | None:
    """One set of strings that every match of the sequence ``items`` holds one of (see ``_needs``)."""
    best: set[str] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, {"".join(run)})
            run = []
        found: set[str] | None = None
        if op is _C.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            found = None if add_flags or del_flags else _required(list(sub))
        elif op is _C.BRANCH:
            parts = [_required(list(branch)) for branch in av[1]]
            found = None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]
        elif op is _C.MAX_REPEAT or op is _C.MIN_REPEAT:
            lo, _, sub = av
            found = _required(list(sub)) if lo >= 1 else None
        best = _better(best, found)
    return best


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more telling requirement: the longer shortest string, then the fewer strings."""
    if a is None or b is None:
        return a if b is None else b
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise MappingError(f"sections.json: bad regex in {where}: {exc}") from exc
    fast = literal_first(pattern)
    return compiled if fast == pattern else re.compile(fast, re.IGNORECASE)


# ``\b`` then a letter or digit, then a plain character or the pattern's end (no quantifier on it)
_WORD_START_LETTER = re.compile(r"\\b([A-Za-z0-9])(?![*+?{])")
# what may make a "|" outside every group, or put a "\b" in a class: the rewrite stays away from both
_STRUCTURE = re.compile(r"[|\[\]]")


def literal_first(src: str) -> str:
    r"""``\bword...`` as ``w(?<!\ww)ord...``: the same matches, found faster.

    Every line of a report is searched with the boilerplate patterns that apply anywhere, and those that
    open with ``\b`` and a word ("all rights reserved") cost most: matched case-insensitively, a
    pattern that starts with an assertion gives the engine nothing to jump by, so it is tried at every
    character; opening with the literal (both cases) it jumps from one "a" or "A" to the next.

    Exactness: before a word character ``c`` at ``i``, ``\b`` means "no word character at ``i - 1``".
    ``c(?<!\wc)``, asked at ``i + 1`` where ``c`` matched, means "not (a word character at ``i - 1``
    followed by ``c``)", and the ``c`` is there (whatever its case: the lookbehind matches as
    case-insensitively as ``c`` did), so it asks the same; a lookbehind sees before a search's ``pos``
    as ``\b`` does. Only a pattern without ``|`` or a character class is rewritten (so the ``\b``
    governs every match), and only when a letter or digit without a quantifier follows it; any other
    pattern is returned as it is (``tests/readers/test_section_patterns.py``).
    """
    m = _WORD_START_LETTER.match(src)
    if m is None or _STRUCTURE.search(src):
        return src
    c = m.group(1)
    return f"{c}(?<!\\w{c}){src[m.end() :]}"


def _table(raw: dict[str, str]) -> dict[str, SectionType]:
    return {key.lower() if key != "__default__" else key: SectionType(value) for key, value in raw.items()}


@lru_cache(maxsize=8)
def _load(store: MappingStore) -> SectionRules:
    return _build_checked(store)


def _build_checked(store: MappingStore) -> SectionRules:
    try:
        return _build(store.load("sections"))
    except (KeyError, ValueError, TypeError) as exc:  # only reachable when schema checks are off
        raise MappingError(f"sections.json is not usable: {exc!r}") from exc


def _build(data: dict[str, Any]) -> SectionRules:
    menu = data["menu"]
    prose = data["prose"]
    return SectionRules(
        headings=tuple(
            (_compile(h["pattern"], "headings"), SectionType(h["type"])) for h in data["headings"]
        ),
        heading_max_words=int(data["heading_max_words"]),
        boilerplate=tuple(
            Boilerplate(_compile(b["pattern"], "boilerplate"), SectionType(b["type"]), b["zone"] == "any")
            for b in data["boilerplate"]
        ),
        reference_line=_compile(data["reference_line"], "reference_line"),
        caption_line=_compile(data["caption_line"], "caption_line"),
        menu_separators=_compile(menu["separators"], "menu.separators"),
        menu_min_items=int(menu["min_items"]),
        menu_min_words_unseparated=int(menu["min_words_unseparated"]),
        menu_max_item_words=int(menu["max_item_words"]),
        menu_max_word_chars=int(menu["max_word_chars"]),
        prose_min_words=int(prose["min_words"]),
        prose_long_words=int(prose["long_words"]),
        prose_end_chars=str(prose["end_chars"]),
        boilerplate_max_lower_ratio=float(prose["boilerplate_max_lower_ratio"]),
        html_drop_tags=frozenset(data["html"]["drop_tags"]),
        html_boilerplate_class=_compile(data["html"]["boilerplate_class"], "html.boilerplate_class"),
        jats_sec_types=_table(data["jats_sec_types"]),
        bioc_passage_types=_table(data["bioc_passage_types"]),
    )


def load_rules(store: MappingStore) -> SectionRules:
    """The section rules of ``store`` (its ``--mappings`` overlay included), compiled once per store."""
    return _load(store)


@lru_cache(maxsize=1)
def shipped_rules() -> SectionRules:
    """The shipped rules, for callers that pass none (the readers' default)."""
    return _build_checked(MappingStore())
