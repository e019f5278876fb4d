"""The faster ways of the lexicon and mention layer find exactly what the slow ways they replace found:
the defined abbreviations tried only where a bracket opens (``defined.abbreviations_defined`` against
``DEFINED_ABBR.finditer``), and a document's aliases matched by its one automaton, with no regex compiled
per abbreviation -- on the dev texts, on hostile text and on generated text, within any bounds."""

from __future__ import annotations

import re
import sys

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import converter, require_shared

from fhirconv.extract.defined import DEFINED_ABBR, abbreviations_defined
from fhirconv.extract.lexicon import Concept
from fhirconv.text import fold

_SETTINGS = settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])


def _found(ms: object) -> list[tuple[tuple[int, int], str, tuple[int, int]]]:
    return [(m.span(), m.group("abbr"), m.span("abbr")) for m in ms]  # type: ignore[attr-defined]


def _same(text: str, pos: int, endpos: int) -> int:
    want = _found(DEFINED_ABBR.finditer(text, pos, endpos))
    assert _found(abbreviations_defined(text, pos, endpos)) == want, (text[pos:endpos], pos, endpos)
    return len(want)


def test_whitespace_is_what_re_calls_whitespace_for_every_code_point() -> None:
    """The step back over the whitespace before a bracket uses ``str.isspace``: exactly ``re``'s ``\\s``."""
    space = re.compile(r"\s")
    differ = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() != bool(space.match(c))]
    assert differ == []


# pieces that make and break definitions: words, whitespace of every kind, brackets, long tokens
_PIECES = ["word", "PE", "EMB", "x1", "A", "Ig", "ABCDEFGHI", "(", ")", " ", "  ", "\n", "\t", "\u2009"]
_PIECES += ["\x1c", "-", ".", ",", "_", "é", "9", "((", "( ", " )"]


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=24), st.integers(0, 80), st.integers(0, 120))
@example(["plasma", " ", "exchange", " ", "(", "PE", ")"], 0, 120)
@example(["word", "  ", "(", " ", "EMB", " ", ")", "(", "PE", ")"], 5, 120)  # bounds inside the space run
@example(["word", "(", "PE", ")", "(", "EMB", ")"], 0, 9)  # the end cuts a definition
def test_bracket_starts_find_what_the_pattern_finds(pieces: list[str], pos: int, endpos: int) -> None:
    text = "".join(pieces)
    _same(text, pos, endpos)
    _same(text, 0, len(text))


def test_hostile_text_gives_the_same_matches_in_linear_time() -> None:
    n = 50_000
    texts = [
        "a" + " " * n + "(AB)",
        "(" * n,
        "a(" * n,
        "ab (" + " " * n + "CD)",
        "x (AB) " * (n // 7),
        ("word" + " \t" * 50 + "(") * 500,
        "a (ABCDEFGHIJ " * 2000,
    ]
    total = 0
    for text in texts:
        total += _same(text, 0, len(text))
        total += _same(text, 1, len(text) - 1)
    assert total > 10_000


def test_dev_texts_give_the_same_matches() -> None:
    folder = require_shared("corpora", "maccrobat2020", "dev")
    files = sorted(folder.glob("*.txt"))
    assert len(files) > 100
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        total += _same(text, 0, len(text))
        # every line on its own, as the sentences and sections read it
        pos = 0
        for line in text.split("\n"):
            total += _same(text, pos, pos + len(line))
            pos += len(line) + 1
    assert total > 100


def test_aliases_are_one_index_matched_like_one_regex_each() -> None:
    """A document's aliases, made without a regex per abbreviation, match every whole-token occurrence
    (what the per-abbreviation pattern matched); letters defined for words the lexicon does not know
    carry the concept that sets the lexicon's reading aside."""
    conv = converter()
    mentions, lex = conv.extractor.mentions, conv.extractor.lexicon
    text = (
        "She had opsoclonus-myoclonus syndrome (OMS) and an endomyocardial biopsy (EMB) was done. "
        "OMS recurred; EMB showed fibrosis. xOMS, OMSX and -EMB are other tokens. Plasma exchange (PE) "
        "was started, and PE was repeated."
    )
    doc = conv.read_bytes(text.encode(), "aliases.txt")
    assert doc.text == text
    folded = fold(text)
    with lex.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
        aliases = mentions.aliases(doc, folded)
    assert {"OMS", "EMB", "PE"} <= set(aliases)
    for concept, long_form in aliases.values():
        assert isinstance(concept, Concept) and long_form
    assert aliases["EMB"][0].domain == "__foreign__"  # the lexicon's ethambutol is not meant here
    got = [(m.start, m.end, text[m.start : m.end]) for m in aliases.match_in(text, 0, len(text))]
    want = sorted(
        (m.start(), m.end(), m.group())
        for abbr in aliases
        for m in re.finditer(r"(?<![\w-])" + re.escape(abbr).replace(r"\ ", r"\s?") + r"(?![\w-])", text)
    )
    assert got == want and len(got) >= 6


# the sentence-end pattern as first written: the lookbehind in front, tried at every character
_SENT_END_BEFORE = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s++[\"'(\[]?[A-Z0-9])")
_SENT_PIECES = [
    ".",
    "!",
    "?",
    "...",
    "'",
    '"',
    ")",
    "]",
    "(",
    "[",
    " ",
    "  ",
    "\n",
    "\t",
    "A",
    "b",
    "7",
    "e.g",
]


def _ends(p: re.Pattern[str], text: str, pos: int, endpos: int) -> list[tuple[int, int]]:
    return [m.span() for m in p.finditer(text, pos, endpos)]


@_SETTINGS
@given(st.lists(st.sampled_from(_SENT_PIECES), max_size=30), st.integers(0, 40), st.integers(0, 60))
@example([".", ".", " ", "A"], 1, 60)  # a scan starting inside a run of stops
@example(["b", "!", "?", ")", "'", " ", "'", "A"], 0, 60)
def test_sentence_ends_stop_first_are_the_lookbehind_firsts(pieces: list[str], pos: int, endpos: int) -> None:
    from fhirconv.extract.text import _SENT_END

    text = "".join(pieces)
    assert _ends(_SENT_END, text, pos, endpos) == _ends(_SENT_END_BEFORE, text, pos, endpos)


def test_sentence_ends_of_dev_and_hostile_texts_are_the_same() -> None:
    from fhirconv.extract.text import _SENT_END

    folder = require_shared("corpora", "maccrobat2020", "dev")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    texts += ["." * 100_000 + " A", ".!?" * 30_000, ". " * 50_000 + "A", ".)" * 40_000 + " B", "a. " * 30_000]
    total = 0
    for text in texts:
        want = _ends(_SENT_END_BEFORE, text, 0, len(text))
        assert _ends(_SENT_END, text, 0, len(text)) == want
        assert _ends(_SENT_END, text, 1, len(text) - 1) == _ends(_SENT_END_BEFORE, text, 1, len(text) - 1)
        total += len(want)
    assert total > 2000
