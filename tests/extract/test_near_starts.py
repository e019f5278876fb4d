"""The misspelt-drug lookup that skips the forms whose first letters no drug's deletion has
(SortedIntMap.starts) gives what looking up every one-letter deletion gives (Lexicon._near_index with
``prune=False``), over the long words of both dev corpora and the samples and over drug names misspelt
every way by one letter; the set is what it says (every key's start), made only after its warm-up, and
a set that lacks one start changes the answers (so the comparison can fail). Issue 15."""

from __future__ import annotations

import copy

from support import converter, report_long_words

from fhirconv.extract.lexicon import Lexicon
from fhirconv.extract.lexicon_cache import SortedIntMap

_START = 5  # (lexicon._NEAR_START)


def _fresh() -> tuple[Lexicon, SortedIntMap]:
    """The converter's lexicon with a deletions map of its own (no set made yet)."""
    lex: Lexicon = copy.copy(converter().extractor.lexicon)
    dels = lex.near_deletions
    assert isinstance(dels, SortedIntMap)  # the cached lexicon
    packed = SortedIntMap.pack(dels)
    assert packed is not None
    fresh = SortedIntMap(*packed)
    lex.near_deletions = fresh
    lex._near_seen = {}
    return lex, fresh


def _misspelt(lex: Lexicon) -> list[str]:
    out: set[str] = set()
    for name in sorted(lex.near_terms)[::25]:
        out |= {name[:i] + name[i + 1 :] for i in range(len(name))}
        out |= {name[:i] + c + name[i + 1 :] for i in range(len(name)) for c in "aeiou"}
        out |= {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}
    return sorted(w for w in out if len(w) >= 8)


def test_the_set_is_every_keys_start_after_its_warm_up() -> None:
    _, dels = _fresh()
    for _ in range(3):
        assert dels.starts(_START, warm_up=3) is None
    got = dels.starts(_START, warm_up=3)
    assert got is not None
    assert got == {k[:_START] for k in dels}
    assert dels.starts(_START) is got  # made once


def test_words_and_misspellings_read_alike_with_the_set() -> None:
    lex, dels = _fresh()
    assert dels.starts(_START, warm_up=0) is not None
    words = list(report_long_words()) + _misspelt(lex)
    assert len(words) > 5000
    found = 0
    for w in words:
        got = lex._near_index(w)
        assert got == lex._near_index(w, prune=False), w
        found += got >= 0
    assert found > 500  # many of them read as a drug


def test_a_set_without_one_start_reads_otherwise() -> None:
    lex, dels = _fresh()
    made = dels.starts(_START, warm_up=0)
    assert made is not None
    name = next(n for n in sorted(lex.near_terms) if lex._near_index(n[:-1] + "q") >= 0)
    slip = name[:-1] + "q"  # its last letter changed: found through the deletion name[:-1]
    assert lex._near_index(slip) == lex._near_index(slip, prune=False)
    dels._starts = (_START, made - {name[:_START]})  # broken on purpose
    assert lex._near_index(slip) != lex._near_index(slip, prune=False)
