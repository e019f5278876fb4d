"""Type the blocks (lines or paragraphs) of a page-like document.

Used by the text and HTML readers, whose input has no reliable structure. Three passes:
a front zone (everything before the first heading or body paragraph: banners, menus, affiliations, the
title), a tail zone (everything after the last body paragraph: citations, copyright, site footers), and
the body in between, typed by heading lines. Boilerplate patterns marked ``edge`` only apply in the two
zones so that body prose mentioning a "hospital" or a "journal" is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import EXCLUDED_SECTION_TYPES, SectionType
from ._rules import TITLE_MAX_WORDS, Boilerplate, SectionRules, first_boilerplate
from ._tables import TableText

__all__ = ["Block", "Typed", "classify", "normalise_title"]

_WS = re.compile(r"\s+")
_CAPTION_RESUMES = frozenset({SectionType.ACKNOWLEDGEMENTS, SectionType.REFERENCES})
_STICKY = EXCLUDED_SECTION_TYPES - {SectionType.FOOTER, SectionType.NAVIGATION}


@dataclass(frozen=True, slots=True)
class Block:
    """One line (text reader) or paragraph (HTML reader); ``heading`` is True for markup headings."""

    text: str
    heading: bool | None = None
    table: TableText | None = None  # a data table: ``text`` is its rows, this its cell grid


@dataclass(frozen=True, slots=True)
class Typed:
    type: SectionType
    title: str | None  # heading text that opened this section
    section: int  # blocks with the same number form one Section


def normalise_title(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def _is_menu(text: str, rules: SectionRules) -> bool:
    items = [i for i in rules.menu_separators.split(text.strip()) if i.strip()]
    if len(items) >= rules.menu_min_items:
        return all(
            len(i.split()) <= rules.menu_max_item_words
            and (i.strip()[0].isupper() or i.strip()[0].isdigit())
            and not i.rstrip().endswith(".")
            for i in items
        )
    words = text.split()
    return (
        len(words) >= rules.menu_min_words_unseparated
        and all(w[0].isupper() and len(w) <= rules.menu_max_word_chars for w in words)
        and not any(c in text for c in ",.;:()")
    )


class _Facts:
    """What the zones and the typing ask of one block. The body between the zones asks only for its
    heading and its boilerplate type: the rest (prose, letter case, edge boilerplate, citation, menu,
    about half the cost of reading a report) is worked out when first asked, each from the block's
    text alone, so what any block is typed as does not change."""

    __slots__ = (
        "_edge",
        "_edge_known",
        "_lower",
        "_menu",
        "_prose",
        "_reference",
        "boiler_any",
        "heading",
        "long",
        "possible",
        "rules",
        "tabular",
        "text",
        "words",
    )

    def __init__(
        self, block: Block, rules: SectionRules, possible: tuple[tuple[Boilerplate, ...], ...] | None = None
    ) -> None:
        """``possible``: the boilerplate rules that may match a block of this document, those that apply
        anywhere and all (``SectionRules.possible_boilerplate``); None: every rule is tried."""
        text = block.text
        self.text, self.rules, self.possible = text, rules, possible
        # the words are counted up to ``rules.words_counted`` (a paragraph's hundred are never split
        # out): every comparison the layout makes answers the same for the capped count
        words = self.words = len(text.split(None, rules.words_counted - 1))
        heading = None
        if block.heading is not False and words <= rules.heading_max_words + 1:
            heading = rules.heading_type(text)
        self.heading = heading
        self.long = words >= rules.prose_long_words
        self._prose: bool | None = False if block.heading else None
        self.boiler_any = (
            rules.boilerplate_type(text, edge=False)
            if possible is None
            else first_boilerplate(possible[0], text)
        )
        self.tabular = "\t" in text
        self._lower: float | None = None
        self._edge: SectionType | None = None
        self._edge_known = False
        self._reference: bool | None = None
        self._menu: bool | None = None

    @property
    def prose(self) -> bool:
        if self._prose is None:
            r = self.rules
            stripped = self.text.rstrip(" )]\"'”’»")
            self._prose = self.long or (
                self.words >= r.prose_min_words and stripped.endswith(tuple(r.prose_end_chars))
            )
        return self._prose

    @property
    def lower_ratio(self) -> float:
        if self._lower is None:
            alpha = [w for w in self.text.split() if w[0].isalpha()]
            self._lower = sum(1 for w in alpha if w[0].islower()) / len(alpha) if alpha else 0.0
        return self._lower

    @property
    def boiler_edge(self) -> SectionType | None:
        if not self._edge_known:
            edge_ok = not self.prose and self.lower_ratio < self.rules.boilerplate_max_lower_ratio
            if not edge_ok:
                self._edge = None
            elif self.possible is None:
                self._edge = self.rules.boilerplate_type(self.text, edge=True)
            else:
                self._edge = first_boilerplate(self.possible[1], self.text)
            self._edge_known = True
        return self._edge

    @property
    def reference(self) -> bool:
        if self._reference is None:
            self._reference = bool(self.rules.reference_line.search(self.text))
        return self._reference

    @property
    def menu(self) -> bool:
        if self._menu is None:
            self._menu = not self.prose and _is_menu(self.text, self.rules)
        return self._menu


def _facts(
    block: Block, rules: SectionRules, possible: tuple[tuple[Boilerplate, ...], ...] | None = None
) -> _Facts:
    return _Facts(block, rules, possible)


def _title_candidate(f: _Facts, text: str) -> bool:
    return (
        f.heading is None
        and f.boiler_edge is None
        and f.boiler_any is None
        and not f.menu
        and 3 <= f.words <= TITLE_MAX_WORDS
        and not text.rstrip().endswith(".")
    )


def classify(
    blocks: list[Block], rules: SectionRules, *, title_hint: str | None = None, find_title: bool = True
) -> list[Typed]:
    """A type for every block. ``title_hint`` (e.g. a citation_title meta tag) pins the title block."""
    n = len(blocks)
    # (the rules that may match some block of the document: most lines are searched with none)
    possible = rules.possible_boilerplate([b.text for b in blocks])
    facts = [_facts(b, rules, possible) for b in blocks]
    hint = normalise_title(title_hint) if title_hint else None
    title_at = None
    if hint:
        title_at = next((i for i, b in enumerate(blocks) if normalise_title(b.text) == hint), None)

    # Front zone: stop at the first heading (after a known title) or the first body paragraph.
    front = 0
    while front < n:
        f = facts[front]
        if f.heading is not None and (title_at is None or front > title_at):
            break
        # after a known title only a heading or a paragraph-length block ends the front matter
        body_like = f.long if title_at is not None and front > title_at else f.prose
        if body_like and not (f.boiler_edge or f.boiler_any or f.reference) and front != title_at:
            break
        front += 1
    if title_at is None and find_title and front:
        candidates = [i for i in range(front) if _title_candidate(facts[i], blocks[i].text)]
        if candidates:
            title_at = max(candidates, key=lambda i: (len(blocks[i].text), -i))

    # Tail zone: walk back over citations, footers and short non-sentence lines.
    tail = n
    while tail > front:
        f = facts[tail - 1]
        if f.heading is not None and f.heading not in EXCLUDED_SECTION_TYPES:
            break
        if f.tabular and not f.reference:
            break
        if not (f.reference or f.boiler_any or f.boiler_edge or f.menu):
            break
        tail -= 1

    out: list[Typed] = []
    section = 0
    for i in range(front):
        f = facts[i]
        if i == title_at:
            type_ = SectionType.TITLE
        elif f.menu:
            type_ = SectionType.NAVIGATION
        elif f.boiler_any or f.boiler_edge:
            type_ = f.boiler_any or f.boiler_edge or SectionType.FRONT_MATTER
        elif f.words >= rules.prose_min_words and f.lower_ratio >= rules.boilerplate_max_lower_ratio:
            type_ = SectionType.OTHER  # reads like a sentence: keep it in the body
        else:
            type_ = SectionType.FRONT_MATTER
        if out and out[-1].type != type_:
            section += 1
        out.append(Typed(type_, None, section))

    current = SectionType.OTHER
    heading_title: str | None = None
    section += 1
    for i in range(front, tail):
        f = facts[i]
        if f.heading is not None:
            section += 1
            current = f.heading
            heading_title = blocks[i].text.strip()
            out.append(Typed(current, heading_title, section))
            continue
        if current in _CAPTION_RESUMES and rules.caption_line.search(blocks[i].text):
            # figure/table legends after the back matter describe the patient again
            section += 1
            current, heading_title = SectionType.OTHER, None
        if f.boiler_any is not None and current not in EXCLUDED_SECTION_TYPES:
            section += 1
            out.append(Typed(f.boiler_any, None, section))
            section += 1
            continue
        if out and out[-1].section == section and out[-1].type != current:
            section += 1
        out.append(Typed(current, heading_title, section))

    for i in range(tail, n):
        f = facts[i]
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type in _STICKY
            and not (f.boiler_any or f.boiler_edge or f.menu or f.heading)
        ):
            # lines under an excluded heading (e.g. "References") stay in it
            out.append(prev)
            continue
        if f.heading is not None:
            type_ = f.heading
        elif f.reference:
            type_ = SectionType.REFERENCES
        elif f.menu:
            type_ = SectionType.NAVIGATION
        else:
            type_ = f.boiler_any or f.boiler_edge or SectionType.FOOTER
            if type_ is SectionType.FRONT_MATTER:  # affiliation-like lines after the body are site credits
                type_ = SectionType.FOOTER
        if prev is None or prev.type != type_ or f.heading is not None:
            section += 1
        title = blocks[i].text.strip() if f.heading is not None else None
        out.append(Typed(type_, title, section))
    return out
