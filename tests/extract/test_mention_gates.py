"""Mention finding's document-level shortcuts give each sentence what its own search gives.

- The suffix-word gate (``SuffixGates.domains`` with the sentence's known matches) leaves a domain out
  only where every ending in the sentence lies inside a known match: the suffix words found then are
  exactly those of every domain's own search, over every sentence of both dev corpora, the samples and
  hostile text, and over random ranges with random known matches.
(Both shortcuts are switched off with ``MentionFinder.shortcuts``: tests/extract/test_sentence_shortcuts.py
compares every sentence's mentions with and without them.)
"""

from __future__ import annotations

import random
from pathlib import Path

from support import converter, require_shared

from fhirconv.extract.lexicon import Concept, Match
from fhirconv.extract.mentions import _SUFFIX_CLASS
from fhirconv.text import fold

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

HOSTILE = (
    "Laparoscopic cholecystectomy_x and colonoscopy- then gastritis; tenosynovitis-like, arthroscopy"
    "\n\nosteomyelitis hemicolectomies ÉPIGASTRALGIA epigastralgia2 angiography. Nephrolithotripsy"
)


def _texts() -> list[str]:
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(require_shared("corpora", "e3c-en-layer1", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")
    return [f.read_text(encoding="utf-8", errors="replace") for f in files] + [HOSTILE]


Found = list[tuple[int, int, str, str, str]]


def _plain_suffix_words(finder: object, text: str, folded: str, s: int, e: int, known: list[Match]) -> Found:
    """``_suffix_matches`` the plain way: every domain's pattern searched in the range."""
    rules = finder.rules  # type: ignore[attr-defined]
    out: Found = []
    for domain, pat in rules.suffix_words.items():
        for m in pat.finditer(folded, s, e):
            head = folded[m.start() : m.end()].split()[-1]
            if head.startswith(rules.suffix_stop_prefixes):
                continue
            if head in rules.suffix_stop or any(k.start < m.end() and m.start() < k.end for k in known):
                continue
            if domain == "conditions" and "-" in text[m.start() - 1 : m.end() + 1]:
                continue
            words = " ".join(folded[m.start() : m.end()].split())
            out.append((m.start(), m.end(), domain, f"sfx:{words}", _SUFFIX_CLASS[domain]))
    return out


def _spans(found: list[Match]) -> Found:
    return [(m.start, m.end, m.concept.domain, m.concept.id, m.concept.cls) for m in found]


def test_suffix_words_per_sentence_are_those_of_every_domains_search() -> None:
    x = converter().extractor
    finder = x.mentions
    sentences = found = skipped = 0
    for text in _texts():
        doc = converter().read_bytes(text.encode(), "x.txt")
        folded = fold(doc.text)
        with x.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            for sent in x.attributor.patient_sentences(doc, folded):
                s, e = sent.start, sent.end
                known = x.lexicon.match(doc.text, folded, s, e)
                want = _plain_suffix_words(finder, doc.text, folded, s, e, known)
                assert _spans(finder._suffix_matches(doc.text, folded, s, e, known)) == want
                gates = finder._suffix_gates
                everything = gates.domains(folded, s, e)
                sentences += 1
                found += len(want)
                skipped += bool(everything) and not gates.domains(folded, s, e, known)
    # suffix words were found, and sentences with endings (all inside known words) were passed by
    assert sentences > 2000 and found > 20 and skipped > 100


def test_suffix_gate_with_random_known_matches() -> None:
    x = converter().extractor
    finder = x.mentions
    text = " ".join(_texts()[:3]) + " " + HOSTILE
    folded = fold(text)
    rng = random.Random(11)
    dummy = Concept("tests", "x", "x", "", ())
    found = 0
    for _ in range(600):
        s, e = sorted(rng.sample(range(len(folded) + 1), 2))
        e = min(e, s + 400)
        known: list[Match] = []
        for _ in range(rng.choice((0, 1, 2, 3, 70))):  # (70: more than SuffixGates asks)
            a = rng.randrange(s, e + 1)
            known.append(Match(a, min(e, a + rng.randrange(1, 25)), dummy))
        want = _plain_suffix_words(finder, text, folded, s, e, known)
        assert _spans(finder._suffix_matches(text, folded, s, e, known)) == want, (s, e)
        found += len(want)
    assert found > 20


def test_paren_abbreviation_needs_a_space_or_bracket_first() -> None:
    """``MentionFinder.aliases`` asks PAREN_ABBR only after a match followed by a space or "(": at every
    position of the texts where anything else follows, the pattern finds nothing."""
    from fhirconv.extract.mentions import PAREN_ABBR

    tried = found = 0
    for text in [*_texts(), "x (AB)", "x\u2003(AB) y\u00a0(CD)", "x(", "(", ""]:
        for i in range(len(text) + 1):
            if (c := text[i : i + 1]) != "(" and not c.isspace():
                assert PAREN_ABBR.match(text, i) is None, (text[i : i + 20], i)
                tried += 1
            else:
                found += PAREN_ABBR.match(text, i) is not None
    assert tried > 100_000 and found > 100
