"""The literal gate in front of the components' patterns answers exactly what the patterns answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.extract.literals import required_literals
from fhirconv.extract.triggers import GatedPattern, Triggers


def test_required_literals_of_common_shapes() -> None:
    assert required_literals(re.compile(r"(?<!\w)(?:was|were)\s+(?:given|started)(?!\w)")) == {
        "given",
        "started",
    }
    assert required_literals(re.compile(r"follow(?:\s+up|up)")) == {"follow"}
    # "years?" spells "year" or "years": both are required forms, the shorter one is enough
    assert required_literals(re.compile(r"\d+\s+years?\s+old")) == {"year", "years"}
    # an optional part requires nothing; a branch with a bare alternative requires nothing
    assert required_literals(re.compile(r"(?:fever)?\s*[a-z]+")) is None
    # a number is a requirement of its own (any decimal digit, the mark U+E000 stands for all)
    assert required_literals(re.compile(r"(?:fever)?\s*\d+")) == {"\ue000"}
    assert required_literals(re.compile(r"(?:fever|\d+)")) == {"fever", "\ue000"}
    assert required_literals(re.compile(r"(?:fever|[a-z]+)")) is None
    # case-insensitive patterns are never gated, nor are literals too short to be worth it
    assert required_literals(re.compile(r"fever", re.IGNORECASE)) is None
    assert required_literals(re.compile(r"(?:on|at)\s+[a-z]+")) is None


@dataclass
class _Rules:
    patterns: list[tuple[str, re.Pattern[str]]]
    one: re.Pattern[str]


_PATTERNS = [
    r"(?<!\w)(?:was|were)\s+(?:given|started)(?!\w)",
    r"(?<!\w)(?:fever|chills|rigors)(?!\w)",
    r"(?:ectomy|otomy|scopy)(?!\w)",
    r"(?P<n>\d+)\s+(?:days?|weeks?)\s+later",
    r"(?<!\w)follow(?:\s+up|up)(?!\w)",
    r"(?P<n>\d+(?:\.\d+)?)\s*mg(?!\w)",
]
_TEXT = (
    "she was given aspirin. fever and chills followed 3 days later. a colectomy was done; "
    "at follow up she was well. no rigors. endoscopy was started 2 weeks later, and then follow-up; "
    "prednisone 7.5 mg, then \u0663 mg daily; the dose was given"
)


def test_gated_patterns_answer_as_the_patterns_do() -> None:
    raw = [re.compile(p) for p in _PATTERNS]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[1])
    triggers = Triggers(warm_up=0, gain_s=-1.0)  # every gate stays on
    assert triggers.gate_all(rules, __name__) == len(raw) + 1  # places: ``one`` holds a listed pattern
    assert rules.one is rules.patterns[1][1]  # one pattern held twice: one gate
    assert all(isinstance(p, GatedPattern) for _, p in rules.patterns)
    folded = _TEXT
    bounds = [(a, b) for a in range(0, len(folded), 7) for b in range(a, len(folded) + 3, 11)]
    triggers.read(folded)
    try:
        for (_, gated), pat in zip(rules.patterns, raw, strict=True):
            for a, b in bounds:
                got = gated.search(folded, a, b)
                want = pat.search(folded, a, b)
                assert (got and got.span()) == (want and want.span()), (pat.pattern, a, b)
                assert [m.span() for m in gated.finditer(folded, a, b)] == [
                    m.span() for m in pat.finditer(folded, a, b)
                ]
                assert gated.findall(folded, a, b) == pat.findall(folded, a, b)
            # another string than the document's folded text: the pattern itself
            other = "fever was given after the colectomy"
            g, w = gated.search(other), pat.search(other)
            assert (g and g.span()) == (w and w.span())
    finally:
        triggers.done()
    # a gate that does not pay is taken away again: the raw pattern is back where it was
    off = Triggers(warm_up=0, gain_s=1.0)
    rules2 = _Rules([(str(i), re.compile(p)) for i, p in enumerate(_PATTERNS)], re.compile(_PATTERNS[0]))
    off.gate_all(rules2, __name__)
    off.read(folded)
    off.done()
    assert all(isinstance(p, re.Pattern) for _, p in rules2.patterns)
    assert isinstance(rules2.one, re.Pattern)


_PIECES = [
    "fever",
    "chills",
    " ",
    "  ",
    "was given",
    "3",
    "12",
    " days later",
    "ectomy",
    "follow",
    "-up",
    "x",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.tuples(st.integers(-3, 220), st.integers(-3, 220)), min_size=1, max_size=12),
)
def test_gates_answer_as_the_patterns_do_at_any_bounds(text: str, bounds: list[tuple[int, int]]) -> None:
    """The gate's quick answers (the last literal before ``endpos``, then the walk back) agree with the
    pattern at every bounds, negative and past the end included."""
    raw = [re.compile(p) for p in _PATTERNS]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[0])
    triggers = Triggers(warm_up=0, gain_s=-1.0)
    triggers.gate_all(rules, __name__)
    triggers.read(text)
    try:
        for (_, gated), pat in zip(rules.patterns, raw, strict=True):
            for a, b in bounds:
                got, want = gated.search(text, a, b), pat.search(text, a, b)
                assert (got and got.span()) == (want and want.span()), (pat.pattern, a, b)
                assert [m.span() for m in gated.finditer(text, a, b)] == [
                    m.span() for m in pat.finditer(text, a, b)
                ]
                assert gated.findall(text, a, b) == pat.findall(text, a, b)
    finally:
        triggers.done()
