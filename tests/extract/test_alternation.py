"""The trie form of a phrase alternation matches exactly what the flat, longest-first list matches: the
same spans, the same groups, in every context the rules embed an alternation in (whole words, a group
followed by a lookahead, a repeated group, a negative lookahead, IGNORECASE), within any bounds."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirconv.text import alternation, flat_alternation, norm_phrase, trie_alternation

# short words over few letters, so phrases share prefixes, contain one another and run into each other
_WORD = st.text(alphabet="ab", min_size=1, max_size=3)
_PHRASE = st.lists(_WORD, min_size=1, max_size=2).map(" ".join)
_TEXT = st.lists(
    st.sampled_from(["a", "b", "ab", "ba", "aa", " ", "  ", "\n", ",", "-", "B", "A"]), max_size=16
)

CONTEXTS = [
    "{}",
    r"(?<!\w)(?:{})(?!\w)",
    r"(?P<res>{})(?!\w)",
    r"(?:(?:{})\s+){{0,2}}b",
    r"(?:\s+(?!(?:{})(?!\w))[a-z]+)+",
    r"(?:{})\s*,?$",
]


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PHRASE, min_size=1, max_size=10), _TEXT)
def test_trie_matches_exactly_what_the_flat_list_matches(phrases: list[str], parts: list[str]) -> None:
    phrases = [norm_phrase(p) for p in phrases]
    text = "".join(parts)
    for context in CONTEXTS:
        for flags in (0, re.IGNORECASE):
            flat = re.compile(context.format(flat_alternation(phrases)), flags)
            trie = re.compile(context.format(trie_alternation(phrases)), flags)
            assert [m.regs for m in flat.finditer(text)] == [m.regs for m in trie.finditer(text)]
            for s in range(len(text) + 1):
                for e in range(s, len(text) + 1, 3):
                    a, b = flat.match(text, s, e), trie.match(text, s, e)
                    assert (a and a.regs) == (b and b.regs)


def test_longer_phrase_wins_and_shorter_one_still_matches_alone() -> None:
    pattern = re.compile(r"(?<!\w)(?:" + alternation(["negative", "were negative", "were"]) + r")(?!\w)")
    assert [m.group(0) for m in pattern.finditer("tests were  negative; were done; negative")] == [
        "were  negative",
        "were",
        "negative",
    ]
    # the trie is what is built: one branch per first letter, not one per phrase
    assert alternation(["was noted", "was seen", "was"]) == r"was(?:\s+(?:noted|seen)|)"


def test_phrases_the_trie_cannot_stand_for_exactly_get_the_flat_list() -> None:
    assert trie_alternation(["µg dose", "mg dose"]) == flat_alternation(["µg dose", "mg dose"])
    assert trie_alternation(["Ab", "ab"]) == flat_alternation(["Ab", "ab"])
    assert trie_alternation([]) == "" == flat_alternation([])


UNIT_PIECES = {" ": r"\s*", "/": r"\s?/\s?"}
_UNIT = st.lists(st.sampled_from(["m", "g", "/", " ", "l", "µ"]), min_size=1, max_size=4).map("".join)
_UNIT_TEXT = st.lists(st.sampled_from(["3", "m", "g", "l", "/", " ", "  ", "µ", ","]), max_size=14).map(
    "".join
)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_UNIT.map(str.strip).filter(bool), min_size=1, max_size=10), _UNIT_TEXT)
def test_trie_with_pieces_matches_what_the_flat_written_list_matches(units: list[str], text: str) -> None:
    """Units write a space as an optional run of spaces: a piece that can match nothing, so the trie
    must keep its siblings in the flat order ("mg dl" and "mgdl" both read "mgdl")."""
    # equal lengths in the given order (sorted() is stable): "a b" and "abc" both read "abc", differently
    ordered = sorted(dict.fromkeys(units), key=len, reverse=True)
    flat_src = "|".join("".join(UNIT_PIECES.get(ch) or re.escape(ch) for ch in u) for u in ordered)
    for context in ("(?:{})", r"\d\s*(?P<unit>(?:{}))(?![a-z0-9])", "(?:{})(?:/|,)?"):
        flat = re.compile(context.format(flat_src))
        trie = re.compile(context.format(trie_alternation(units, UNIT_PIECES)))
        assert [m.regs for m in flat.finditer(text)] == [m.regs for m in trie.finditer(text)]
        for s in range(len(text) + 1):
            a, b = flat.match(text, s), trie.match(text, s)
            assert (a and a.regs) == (b and b.regs)


def test_pieces_that_match_nothing_keep_the_given_order_of_equal_lengths() -> None:
    for units, read in ((["mgl", "m g"], "mgl"), (["m g", "mgl"], "mg"), (["m gl", "m"], "mgl")):
        pattern = re.compile("(?:" + trie_alternation(units, UNIT_PIECES) + ")")
        match = pattern.match("mgl")
        assert match is not None and match.group(0) == read, units
