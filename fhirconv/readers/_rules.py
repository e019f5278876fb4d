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

__all__ = ["TITLE_MAX_WORDS", "SectionRules", "load_rules", "shipped_rules"]

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

    def __post_init__(self) -> None:
        counted = 1 + max(
            self.heading_max_words + 1, self.prose_min_words, self.prose_long_words, TITLE_MAX_WORDS
        )
        object.__setattr__(self, "words_counted", counted)

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

    def jats_type(self, sec_type: str) -> SectionType:
        return self.jats_sec_types.get(sec_type.strip().lower(), self.jats_sec_types["__default__"])

    def bioc_type(self, passage_type: str) -> SectionType:
        return self.bioc_passage_types.get(
            passage_type.strip().lower(), self.bioc_passage_types["__default__"]
        )


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
