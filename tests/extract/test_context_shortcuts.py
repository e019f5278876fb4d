"""ConText's shortcuts answer exactly what the code they replace answered.

- A trigger written as its literal is looked up as it is (its spacing folded only when it differs), and
  the pseudo-trigger filter runs only where a pseudo-trigger was found. (Skipping the filter everywhere
  was tried: no test fails, because the filter drops nothing -- ``finditer``'s matches never overlap, so
  none lies inside another; the longest-first trie already prefers "no change" to "no". It is kept,
  guarded, for a trigger pattern that might one day report overlapping matches.)
- What each trigger does (targets, directions, assertion, past history, rank) is read off its rule once.

Both are compared with the old code (kept here as written) on every question extraction asks over
both dev corpora, sentences of our own (pseudo-triggers, odd spacing, terminators, lists) and hostile
text, and on generated trigger salad with random targets.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SHARED, converter, require_shared

from fhirconv.extract.context import _CATEGORY, _RANK, ContextRule, ContextRules, Target
from fhirconv.model import Assertion

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def _old_triggers(
    rules: ContextRules, folded: str, start: int, end: int
) -> list[tuple[int, int, ContextRule]]:
    found = []
    for m in rules._pattern.finditer(folded, start, end):
        key = " ".join(m.group(0).split())
        found.append((m.start(), m.end(), rules._rules[key]))
    pseudo = [(s, e) for s, e, r in found if r.category == "pseudo"]
    return [
        (s, e, r)
        for s, e, r in found
        if r.category == "pseudo" or not any(ps <= s and e <= pe for ps, pe in pseudo)
    ]


def _old_assert_with_past(
    rules: ContextRules, folded: str, start: int, end: int, targets: Sequence[Target]
) -> tuple[list[Assertion], list[bool]]:
    """``ContextRules.assert_with_past`` as it was written."""
    result = [Assertion.PRESENT] * len(targets)
    past = [False] * len(targets)
    if not targets:
        return result, past
    triggers = _old_triggers(rules, folded, start, end)
    if not triggers:
        return result, past
    terminators = [s for s, _, r in triggers if r.category == "terminate"]
    starts = {t.start for t in targets}
    spans = [(t.start, t.end) for t in targets]
    for ts, te, rule in triggers:
        if rule.category in ("pseudo", "terminate"):
            continue
        if any(s <= ts and te <= e for s, e in spans):
            continue
        for i, t in enumerate(targets):
            if t.domain not in rule.applies_to:
                continue
            if ts < t.end and t.start < te:
                continue
            if rule.direction in ("forward", "bidirectional") and t.start >= te:
                gap = (te, t.start)
            elif rule.direction in ("backward", "bidirectional") and t.end <= ts:
                gap = (t.end, ts)
            else:
                continue
            if rules._in_scope(folded, gap, rule.max_scope, terminators, starts, spans):
                cat = _CATEGORY[rule.category]
                if rule.past or cat is Assertion.HISTORICAL:
                    past[i] = True
                if _RANK[cat] > _RANK.get(result[i], 0):
                    result[i] = cat
    return result, past


_OWN = [
    "There was no fever, cough or rash, but she had a headache.",
    "No  change in\tthe rash was seen; no   evidence of  pneumonia, which resolved.",
    "He denied chest pain. The biopsy was negative for malignancy. No history of seizures.",
    "Her mother had breast cancer; a family history of diabetes was noted. Rule out sepsis.",
    "Lack of effect of the drug: no increase in fever. Not only fever but also rash.",
    "The patient never had asthma; possible pneumonia; suspected tuberculosis; if fever recurs.",
    # hostile: runs of triggers, lists and punctuation
    "no fever, rash; cough: and no " * 40 + "no, , , ,,, fever " * 20 + "x" * 500,
    "no no no no " * 200 + "but which however " * 50,
]


def test_every_question_of_extraction_is_answered_as_before() -> None:
    """Over both dev corpora and our own text, a wrapper asks the new code and the old one each time."""
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    assert len(files) > 150
    texts = [p.read_bytes() for p in files] + [t.encode("utf-8") for t in _OWN]
    new = ContextRules.assert_with_past
    asked = {"calls": 0, "with_triggers": 0, "not_present": 0, "past": 0, "pseudo": 0, "spaced": 0}

    def both(
        self: ContextRules,
        folded: str,
        start: int,
        end: int,
        targets: Sequence[Target],
        triggers: list[tuple[int, int, ContextRule]] | None = None,
    ) -> tuple[list[Assertion], list[bool]]:
        # (the engine passes the triggers ``acting`` found; a sentence without an acting trigger is not
        # asked at all: tests/extract/test_sentence_shortcuts.py proves that shortcut)
        got = new(self, folded, start, end, targets, triggers)
        assert got == _old_assert_with_past(self, folded, start, end, targets), folded[start:end]
        asked["calls"] += 1
        found = _old_triggers(self, folded, start, end)
        asked["with_triggers"] += bool(found and targets)
        asked["not_present"] += any(a is not Assertion.PRESENT for a in got[0])
        asked["past"] += any(got[1])
        asked["pseudo"] += any(r.category == "pseudo" for _, _, r in found)
        asked["spaced"] += any(folded[s:e] != r.literal for s, e, r in found)
        return got

    ContextRules.assert_with_past = both  # type: ignore[method-assign]
    try:
        for i, data in enumerate(texts):
            conv.extractor.extract(conv.read_bytes(data, f"doc{i}.txt"))
    finally:
        ContextRules.assert_with_past = new  # type: ignore[method-assign]
    # asked often, with every kind of answer and both the looked-up and the folded spelling
    assert asked["calls"] > 500 and asked["with_triggers"] > 500, asked
    assert all(asked[k] > 0 for k in ("not_present", "past", "pseudo", "spaced")), asked


_WORDS = [
    "no", "not", "without", "denied", "negative", "for", "history", "of", "family", "mother", "possible",
    "suspected", "rule", "out", "but", "which", "however", "change", "lack", "effect", "evidence",
    "fever", "rash", "cough", "and", "or", "was", ",", ";", ":", ".", "  ", "\t", "if", "never", "had",
]  # fmt: skip


@_SETTINGS
@given(
    st.lists(st.sampled_from(_WORDS), max_size=24),
    st.lists(
        st.tuples(
            st.integers(0, 150),
            st.integers(1, 12),
            st.sampled_from(["condition", "test", "drug", "procedure"]),
        ),
        max_size=5,
    ),
)
@example(["no", "fever", ",", "rash", "but", "cough"], [(3, 5, "condition"), (14, 4, "condition")])
@example(["lack", "of", "effect", "no", "change", "fever"], [(30, 5, "condition")])
def test_generated_triggers_and_targets(words: list[str], spans: list[tuple[int, int, str]]) -> None:
    rules = converter().extractor.context
    text = " ".join(words)
    targets = sorted(
        {Target(min(s, len(text)), min(s + n, len(text)), d) for s, n, d in spans}, key=lambda t: t.start
    )
    for start, end in ((0, len(text)), (min(3, len(text)), max(0, len(text) - 2))):
        assert rules.assert_with_past(text, start, end, targets) == _old_assert_with_past(
            rules, text, start, end, targets
        )
