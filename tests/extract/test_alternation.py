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
