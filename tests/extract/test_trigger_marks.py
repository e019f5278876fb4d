"""The literal gates' scan reads the folded text itself, not a copy with every digit marked, when no
literal of the automaton holds the digit mark: a literal without a digit or the mark is found at the
same places in both (the copy differs only where a digit stands, and such a literal matches there in
neither). Proven here for the engine's own gates over both dev corpora, the samples and hostile text
(ASCII, Arabic-Indic and fullwidth digits, the mark itself), each gate's places compared with those the
marked copy gives; gates with a digit literal still read the marked copy and answer as their patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from support import REPO, SHARED, converter, require_shared

from fhirconv.extract.literals import DIGIT
from fhirconv.extract.triggers import GatedPattern, Triggers
from fhirconv.text import fold

_HOSTILE = [
    "fever 38.5 and chills 3 days later, \u0663 mg daily; \uff15 weeks; mark \ue000 here; 7\ue0007",
    "no rigors" * 50 + "1234567890" * 40 + "\u0660\u0661 given was started",
    "",
    "9",
]


def _texts() -> list[str]:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file() and p.suffix == ".txt")
    assert len(files) > 150
    return [fold(p.read_text(encoding="utf-8", errors="replace")) for p in files] + _HOSTILE


def _places(triggers: Triggers, folded: str, marked: bool) -> list[tuple[list[int], list[int]]]:
    triggers.read(folded)  # (builds the automaton when needed: ``_marked`` is set then)
    triggers.done()
    triggers._marked = marked
    triggers.read(folded)
    try:
        return [(list(g.ends), list(g.starts)) for g in triggers._live or ()]
    finally:
        triggers.done()


def test_the_engines_gates_find_the_same_places_in_the_text_as_in_the_marked_copy() -> None:
    conv = converter()
    ex = conv.extractor
    texts = _texts()
    triggers = ex.triggers
    while triggers._read <= 8 * triggers._warm_up:  # past the last settling: the gates stay as they are
        ex.extract(conv.read_bytes(texts[triggers._read % 50].encode(), "warm.txt"))
    triggers.read(texts[0])
    triggers.done()
    assert triggers._live and triggers._automaton is not None
    own = triggers._marked
    # which gates stay on depends on what the set-up measured (timings): a gate with a digit literal
    # may be among them, and then the engine reads the marked copy (``own``); every gate whose literals
    # hold neither a digit nor the mark must find the same places in the text and in the copy
    plain_gates = [
        not any(DIGIT in lit or any(map(str.isdecimal, lit)) for lit in g.literals) for g in triggers._live
    ]
    assert own == (not all(plain_gates))
    assert sum(plain_gates) >= len(plain_gates) // 2
    hits = 0
    for folded in texts:
        plain = [p for p, keep in zip(_places(triggers, folded, False), plain_gates, strict=True) if keep]
        marked = [p for p, keep in zip(_places(triggers, folded, True), plain_gates, strict=True) if keep]
        assert plain == marked, folded[:60]
        hits += sum(len(e) for e, _ in plain)
    triggers._marked = own
    assert hits > 10_000


@dataclass
class _Rules:
    patterns: list[re.Pattern[str]]


def test_gates_with_a_digit_literal_read_the_marked_copy() -> None:
    raw = [
        re.compile(r"(?P<n>\d+)\s*mg(?!\w)"),
        re.compile(r"\d+"),
        re.compile(r"(?<!\w)(?:fever|chills)(?!\w)"),
    ]
    rules = _Rules(list(raw))
    triggers = Triggers(warm_up=0, gain_s=-1.0)  # every gate stays on
    triggers.gate_all(rules, __name__)
    gates = rules.patterns
    assert all(isinstance(g, GatedPattern) for g in gates)
    assert DIGIT in gates[1].literals  # type: ignore[attr-defined]
    for text in _HOSTILE:
        triggers.read(text)
        try:
            assert triggers._marked
            for gated, pat in zip(gates, raw, strict=True):
                for a in range(0, len(text) + 1, 3):
                    for b in (a, a + 5, a + 40, len(text)):
                        assert [m.span() for m in gated.finditer(text, a, b)] == [
                            m.span() for m in pat.finditer(text, a, b)
                        ], (pat.pattern, a, b)
        finally:
            triggers.done()
    # without the digit literals the same gates read the text itself, and still answer as their patterns
    plain = _Rules([raw[2]])
    words = Triggers(warm_up=0, gain_s=-1.0)
    words.gate_all(plain, __name__)
    for text in _HOSTILE:
        words.read(text)
        try:
            assert not words._marked
            got = [m.span() for m in plain.patterns[0].finditer(text)]
            assert got == [m.span() for m in raw[2].finditer(text)]
        finally:
            words.done()
