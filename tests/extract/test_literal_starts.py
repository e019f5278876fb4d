"""The literal gate's requirement of a word list written as a trie is its whole words (how each match
starts), not the pieces after the trie's last branch point ("ere", "ale", "reen" held by nearly every
sentence); and whatever the walk reads off, every match of every pattern the extractor holds contains one
of its literals, in the dev reports and the samples (or the gate would skip a sentence the pattern
matches). Issue 15."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SAMPLES, converter, require_shared

from fhirconv.extract import gate_store
from fhirconv.extract.literals import digits_marked, required_literals
from fhirconv.readers import read_bytes
from fhirconv.text import fold, phrase_pattern

_SETTINGS = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])


def test_a_trie_of_words_requires_its_whole_words() -> None:
    words = ["screen", "screening", "serology", "serologies", "scale of", "assay for", "panel for", "test"]
    lits = required_literals(phrase_pattern(words))
    assert lits is not None
    assert all(any(w.startswith(x) for w in words) for x in lits), sorted(lits)
    assert not {"ale", "reen", "erolog"} & lits
    # a fixed run right before a repeated part joins that part's start (a space, then a number)
    assert required_literals(re.compile(r"\d{1,3}(?:[ ,]\d{3})+")) == {" \ue000", ",\ue000"}


_VOCABULARY = ["screen", "screening", "serology", "sera", "test", "tests", "titer", "titre", "scan", "scale"]


@_SETTINGS
@given(st.lists(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3), min_size=1, max_size=8))
def test_each_phrase_of_a_trie_holds_one_of_its_literals(phrases: list[list[str]]) -> None:
    written = [" ".join(p) for p in phrases]
    pattern = phrase_pattern(written)
    lits = required_literals(pattern)
    assert lits is not None  # (every word is of three letters or more)
    for phrase in written:
        m = pattern.search(f"x {phrase.replace(' ', '  ')} y")
        assert m is not None and any(x in m.group(0) for x in lits), (phrase, sorted(lits))


def _patterns() -> list[re.Pattern[str]]:
    """Every pattern the extractor holds (its gates' own patterns), without changing what it holds."""
    found: dict[int, re.Pattern[str]] = {}

    def note(p: Any) -> Any:
        raw = getattr(p, "raw", p)
        if isinstance(raw, re.Pattern):
            found[id(raw)] = raw
        return p

    from fhirconv.extract.triggers import GatedPattern

    gate_store.walk(converter().extractor, "fhirconv.extract", note, kinds=(re.Pattern, GatedPattern))
    return list(found.values())


def _texts() -> list[str]:
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix == ".txt")
    assert len(files) > 100
    return [fold(read_bytes(f.read_bytes(), f.name).text) for f in files]


def test_every_match_of_every_extractor_pattern_holds_a_literal() -> None:
    patterns = [(p, required_literals(p)) for p in _patterns()]
    gated = [(p, lits) for p, lits in patterns if lits]
    assert len(gated) > 100
    matched = 0
    for text in _texts():
        marked = digits_marked(text)  # (the gate looks for its literals in the text so marked)
        for p, lits in gated:
            for m in p.finditer(text):
                held = marked[m.start() : m.end()]
                assert any(x in held for x in lits), (p.pattern[:80], m.group(0))
                matched += 1
    assert matched > 1000
