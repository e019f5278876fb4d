"""The boilerplate rules a document's blocks are searched with are those that may match one of them
(``SectionRules.possible_boilerplate``): a rule left out matches no block, so every block is typed as
when every rule is tried -- on every line of the dev corpora, samples and real documents, on hostile
text (upper case, the four non-ASCII case kin of ASCII letters), and on text generated from each
pattern (hypothesis)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import require_shared

from fhirconv.readers._layout import _Facts, classify
from fhirconv.readers._rules import (
    _ASCII_CASE_KIN,
    _UNGATED_DOCUMENTS,
    SectionRules,
    _may_match,
    _needs,
    shipped_rules,
)
from fhirconv.readers.text import _lines

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

HOSTILE = [
    "Copyright 2020. ALL RIGHTS RESERVED.",
    "All Rights Reserved",
    "all rights\nreserved",
    "ALL RIGHT\u017f RESERVED",  # long s: matches "s" case-insensitively
    "\u212aEY WORDS: fever",  # Kelvin sign: matches "k"
    "PR\u0130NT THIS PAGE",  # dotted capital I
    "pr\u0131nt this article",  # dotless i
    "Back to cited text no. 3",
    "KEYWORDS. case report",
    "Correspondence: Dr A",
    "Reprints available from the author",
    "CODE NUMBER: 12",
    "[PDF]",
    "Department of Medicine, University Hospital, Boston",
    "Published online 2020",
    "Terms of Use | Privacy Policy",
    "ISSN: 1234-5678",
]


def _documents() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.txt"))]
    for corpus in ("maccrobat2020", "e3c-en-layer1"):
        dev = require_shared("corpora", corpus, "dev")
        texts += [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))]
    real = require_shared("corpora", "maccrobat2020", "dev").parents[2] / "real-docs"
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(real.rglob("*.txt"))]
    texts += ["\n".join(HOSTILE), *HOSTILE, "\n".join(reversed(HOSTILE)) + "\n" + "x " * 300]
    return texts


def _every_rule(self: SectionRules, texts: list[str]) -> tuple[tuple[object, ...], tuple[object, ...]]:
    return tuple(r for r in self.boilerplate if r.anywhere), self.boilerplate


def _gated_rules() -> SectionRules:
    """Rules past the documents read with every rule (``_UNGATED_DOCUMENTS``)."""
    rules = dataclasses.replace(shipped_rules())
    for _ in range(_UNGATED_DOCUMENTS):
        assert rules.possible_boilerplate(["x"]) == (
            tuple(r for r in rules.boilerplate if r.anywhere),
            rules.boilerplate,
        )
    return rules


def test_rules_left_out_match_no_block_and_types_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _gated_rules()
    left_out = 0
    documents = _documents()
    gated = []
    for text in documents:
        blocks = _lines(text)[0]
        anywhere, every = rules.possible_boilerplate([b.text for b in blocks])
        assert anywhere == tuple(r for r in every if r.anywhere)
        for rule in rules.boilerplate:
            if rule not in every:
                left_out += len(blocks)
                assert not any(rule.pattern.search(b.text) for b in blocks), rule.pattern.pattern
        for b in blocks:  # each block's facts, with the document's rules and with all
            with_gate, plain = _Facts(b, rules, (anywhere, every)), _Facts(b, rules)
            assert (with_gate.boiler_any, with_gate.boiler_edge) == (plain.boiler_any, plain.boiler_edge)
        gated.append(classify(blocks, rules))
    assert left_out > 10_000  # the gate does leave rules out
    monkeypatch.setattr(SectionRules, "possible_boilerplate", _every_rule)
    assert gated == [classify(_lines(text)[0], rules) for text in documents]
    assert sum(t.type.value != "case" for typed in gated for t in typed) > 0


def test_hostile_lines_keep_their_rules() -> None:
    rules = _gated_rules()
    for line in HOSTILE:
        anywhere, every = rules.possible_boilerplate([line])
        assert rules.boilerplate_type(line, edge=False) == _first(anywhere, line), line
        assert rules.boilerplate_type(line, edge=True) == _first(every, line), line
    # the case kin are matched by the patterns: the gate must have let their rules through
    assert rules.boilerplate_type("ALL RIGHT\u017f RESERVED", edge=False) is not None
    assert rules.boilerplate_type("\u212aEY WORDS: fever", edge=False) is not None


def _first(rules: tuple[object, ...], text: str) -> object:
    for rule in rules:
        if rule.pattern.search(text):  # type: ignore[attr-defined]
            return rule.type  # type: ignore[attr-defined]
    return None


_PATTERNS = [b.pattern.pattern for b in shipped_rules().boilerplate if _needs(b.pattern.pattern)]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), index=st.integers(0, len(_PATTERNS) - 1))
def test_generated_matches_hold_a_needed_string(data: st.DataObject, index: int) -> None:
    """Any text a (case-insensitive) rule finds a match in holds one of its needed strings in lower
    case, unless it holds one of the case kin (then every rule is tried)."""
    import re

    pattern = re.compile(_PATTERNS[index], re.IGNORECASE)
    try:
        text = data.draw(st.from_regex(pattern))
    except Exception:  # (a construct hypothesis cannot generate from)
        assume(False)
        return
    assume(pattern.search(text) is not None)
    if not any(kin in text for kin in _ASCII_CASE_KIN):
        assert _may_match(_PATTERNS[index], text.lower()), (text, _PATTERNS[index])


def test_needs_of_written_patterns() -> None:
    assert _needs(r"\ball rights reserved\b") == ("all rights reserved",)
    # (the parser takes the branches' common prefix out: every match holds it)
    assert _needs(r"^\s*(correspondence|corresponding author)\b") == ("correspond",)
    assert _needs(r"^\s*(copyright\b|©)") is None  # a branch without three ASCII characters
    assert _needs(r"(?i:abc)def") == ("def",)
    assert _needs(r"x(?:abc)?") is None
    assert _needs(r"(?:abcd)+") == ("abcd",)
    assert _needs("[") is None
