"""The misspelt-drug lookup that first asks whether any drug's deletion starts as the word does gives what
looking up every one-letter deletion gives (Lexicon._near_index with and without ``prune``), over the
long words of the dev reports and the samples and over drug names misspelt every way by one letter.
Issue 15."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import converter, report_long_words

from fhirconv.extract.lexicon import Lexicon
from fhirconv.extract.lexicon_cache import SortedIntMap


def _lexicon() -> Lexicon:
    lex: Lexicon = converter().extractor.lexicon
    assert isinstance(lex.near_deletions, SortedIntMap)  # the cached lexicon: the pruned way is taken
    return lex


def _same(lex: Lexicon, word: str) -> int:
    got = lex._near_index(word)
    assert got == lex._near_index(word, prune=False), word
    return got


def test_the_long_words_of_the_reports_read_alike() -> None:
    lex = _lexicon()
    words = report_long_words()
    assert len(words) > 2000
    found = [w for w in words if _same(lex, w) >= 0]
    assert found  # some long words of the reports are drugs or read as one


def _edits(name: str) -> set[str]:
    letters = "aeioulnrst"
    out = {name[:i] + name[i + 1 :] for i in range(len(name))}  # a letter lost
    out |= {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}  # two swapped
    out |= {name[:i] + c + name[i + 1 :] for i in range(len(name)) for c in letters}  # one changed
    out |= {name[:i] + c + name[i:] for i in range(len(name) + 1) for c in letters}  # one added
    return out


def test_drug_names_misspelt_every_way_read_alike() -> None:
    lex = _lexicon()
    names = sorted(lex.near_terms)[::40]
    assert len(names) > 50
    hits = 0
    for name in names:
        for word in _edits(name):
            if len(word) >= 8:
                hits += _same(lex, word) >= 0
    assert hits > 1000  # most one-letter slips of a drug's name read as that drug


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_slip_of_any_drug_name_reads_alike(data: st.DataObject) -> None:
    lex = _lexicon()
    names = sorted(lex.near_terms)
    name = names[data.draw(st.integers(0, len(names) - 1))]
    i = data.draw(st.integers(0, len(name)))
    c = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    for word in (name[:i] + c + name[i:], name[:i] + c + name[i + 1 :], name[:i] + name[i + 1 :], c + name):
        if len(word) >= 8:
            _same(lex, word)
