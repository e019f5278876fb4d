"""AnyOf says "nothing here" only when none of its patterns matches: the union is exact, including the
shared word-start lookbehind, sentence bounds (pos/endpos) and the patterns the extractor really uses."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import converter

from fhirconv.extract.prefilter import AnyOf, union

PATTERNS = [
    re.compile(r"(?<!\w)on\s+day\s+(?P<num>\d{1,3})(?!\w)"),
    re.compile(r"(?<!\w)(?P<n>\d+|two|three)\s+(?P<u>days?|weeks?)\s+later(?!\w)"),
    re.compile(r"(?<!\w)the\s+next\s+day(?!\w)"),
]
WORDS = ["on", "day", "3", "two", "days", "weeks", "later", "the", "next", "xday", "dayx", "3x", ",", "."]


def _any(patterns: list[re.Pattern[str]], text: str, s: int, e: int) -> bool:
    return any(p.search(text, s, e) for p in patterns)


# a loaded machine must not fail a property by slowness
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.integers(0, 40), st.integers(0, 60))
def test_union_agrees_with_each_pattern(words: list[str], s: int, e: int) -> None:
    text = " ".join(words)
    assert AnyOf(PATTERNS, warm_up=0).search(text, s, e) == _any(PATTERNS, text, s, e)


def test_lookbehind_is_factored_only_when_it_leads_the_whole_pattern() -> None:
    leading = union(PATTERNS)
    assert leading is not None and leading.pattern.startswith(r"(?<!\w)(?:")
    # "(?<!\w)a|b": the lookbehind belongs to "a" alone; "xb" matches through "b"
    mixed = [re.compile(r"(?<!\w)a|b"), re.compile(r"(?<!\w)c")]
    assert AnyOf(mixed, warm_up=0).search("xb", 0, 2) and _any(mixed, "xb", 0, 2)


def test_patterns_that_cannot_be_joined_are_scanned_as_before() -> None:
    backref = [re.compile(r"(?P<w>\w+) (?P=w)"), re.compile(r"x")]
    assert union(backref) is None and AnyOf(backref, warm_up=0).search("no match", 0, 8)
    assert union([re.compile("a"), re.compile("b", re.IGNORECASE)]) is None


def test_the_extractors_pattern_sets_on_generated_sentences() -> None:
    ex = converter().extractor
    sets = [[p for _, p in ex.timeline.rules.patterns], [p for _, p in ex.mentions.outcomes.phrases]]
    phrase = (
        "on day 3; two weeks later; the next day; at follow-up; after 5 days of fever; resolved completely; "
        "she died; remained well; postoperative day 2; at the age of 40 years; within the next 3 months"
    )
    pieces = phrase.split()
    rng = random.Random(5)
    seen = 0
    for _ in range(400):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        s, e = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
        e = max(e, len(text) - rng.randint(0, 3))
        for pats in sets:
            want = _any(pats, text, s, e)
            assert AnyOf(pats, warm_up=0).search(text, s, e) == want
            seen += want
    assert seen > 50  # the sentences did hit the patterns


def test_ending_gate_never_misses_a_word_the_suffix_pattern_finds() -> None:
    from fhirconv.extract.prefilter import ending_gate

    pat = re.compile(r"(?<!\w)(?:(?:left|partial)\s+){0,2}[a-z]{3,}(?:ectomy|scopy)(?!\w)")
    gate = ending_gate(pat)
    assert gate is not None and gate.pattern == r"(?:ectomy|scopy)(?!\w)"
    words = ["left", "partial", "colectomy", "ectomy", "endoscopy", "scopyx", "appendectomyx", "the", ","]
    rng = random.Random(3)
    found = 0
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        s, e = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
        if pat.search(text, s, e):
            found += 1
            assert gate.search(text, s, e)
    assert found > 50
    # other shapes are not gated: a top-level alternative need not end with the suffix
    assert ending_gate(re.compile(r"x|(?<!\w)[a-z]{3,}(?:ectomy)(?!\w)")) is None
    assert ending_gate(re.compile(r"(?<!\w)[a-z]{3,}(?:ectomy)")) is None


def test_warm_up_answers_maybe_then_the_union_decides() -> None:
    gate = AnyOf(PATTERNS, warm_up=3)
    assert [gate.search("nothing here", 0, 12) for _ in range(5)] == [True, True, True, False, False]
    assert gate.search("on day 4", 0, 8)


def test_top_level_alternation_is_seen_outside_groups_and_classes() -> None:
    from fhirconv.extract.prefilter import _top_level_branch

    assert _top_level_branch(r"(?<!\w)a|b")
    assert not _top_level_branch(r"(?<!\w)(?:a|b)[|]\|c")
    assert not _top_level_branch(r"(?<!\w)[]|](?:x)")
    assert _top_level_branch(r"(?<!\w)[\]]|x")


def test_a_union_requires_what_its_patterns_require() -> None:
    """The literal gate's requirement of a union is put together from its patterns' (note_union): every
    match of the union, at any bounds, holds one of those literals, as the parse-tree reading would say."""
    from fhirconv.extract import literals

    ex = converter().extractor
    sets = [[p for _, p in ex.timeline.rules.patterns], [p for _, p in ex.mentions.outcomes.phrases]]
    phrase = (
        "on day 3; two weeks later; the next day; at follow-up; after 5 days of fever; resolved completely; "
        "she died; remained well; postoperative day 2; at the age of 40 years; within the next 3 months; "
        "pod 4 hospital day 2 on the third day of ivig 22 years earlier at 30 years of age"
    )
    pieces = phrase.split()
    rng = random.Random(7)
    checked = 0
    for pats in sets:
        joined = union(pats)
        assert joined is not None
        noted = literals.required_literals(joined)
        parts = [literals.required_literals(p) for p in pats]
        if any(p is None for p in parts):
            assert noted is None
            continue
        assert noted == frozenset().union(*parts)  # type: ignore[arg-type]
        # the parse-tree reading of the union, done afresh, is a requirement too; both hold for every match
        fresh = literals._read_off(joined)
        for _ in range(1500):
            text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 24)))
            marked = literals.digits_marked(text)
            s, e = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
            for m in joined.finditer(text, s, e):
                span = marked[m.start() : m.end()]
                assert any(lit in span for lit in noted), (m.group(0), sorted(noted))
                assert fresh is None or any(lit in span for lit in fresh)
                checked += 1
    assert checked > 100
