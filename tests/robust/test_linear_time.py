"""Issue 11: every stage linear on hostile input. Inputs are written here, in the shapes that used to
take minutes (long letter runs, long whitespace inside a heading, thousands of overlapping matches)."""

from __future__ import annotations

import random
import re

from guards import finishes
from support import converter

from fhirconv.extract.defined import AliasIndex
from fhirconv.extract.lexicon import Concept, Lexicon
from fhirconv.extract.text import MAX_SENTENCE_CHARS, split_sentences
from fhirconv.readers import read_bytes


def _facts(text: str) -> dict[str, list[str]]:
    doc = read_bytes(text.encode("utf-8"), "hostile.txt")
    facts = converter().extract(doc)
    return {
        "conditions": [c.text for c in facts.conditions],
        "medications": [m.text for m in facts.medications],
    }


def test_long_letter_run_before_a_sentence_end_is_linear() -> None:
    text = "q" * 80_000 + " was admitted. She received heparin."
    facts = finishes(lambda: _facts(text))
    assert any("heparin" in m.lower() for m in facts["medications"])


def test_sentence_split_keeps_abbreviations_and_dotted_words() -> None:
    text = "Seen by Dr. Smith, e.g. on rounds. She was well. Then i.v. fluids. Done."
    got = [text[s.start : s.end] for s in split_sentences(text, 0, len(text))]
    assert got == ["Seen by Dr. Smith, e.g. on rounds.", "She was well.", "Then i.v. fluids.", "Done."]


def test_runs_of_stops_and_spaces_split_in_linear_time() -> None:
    text = "Fever." + "." * 50_000 + " " * 50_000 + "x " + "!" * 30_000 + "\t" * 30_000 + "End."
    sentences = finishes(lambda: [(s.start, s.end) for s in split_sentences(text, 0, len(text))])
    assert sentences and all(e - s <= MAX_SENTENCE_CHARS for s, e in sentences)


def test_overlong_sentence_is_cut_at_whitespace() -> None:
    text = ("the patient had a cough and " * 400).strip() + "."
    sentences = split_sentences(text, 0, len(text))
    assert len(sentences) > 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sentences)
    for s in sentences:  # never inside a word
        assert s.start == 0 or text[s.start - 1].isspace()
        assert s.end == len(text) or text[s.end].isspace()


def test_long_whitespace_inside_a_heading_line_is_linear() -> None:
    text = "Discussion" + " \t" * 60_000 + "notes\n\nThe patient had a rash.\n"
    facts = finishes(lambda: _facts(text))
    assert facts["conditions"]


def test_thousands_of_overlapping_lexicon_matches_are_linear() -> None:
    text = "nausea " * 50_000
    facts = finishes(lambda: _facts(text))
    assert facts["conditions"] == ["nausea"]


def test_one_fact_keeps_a_bounded_number_of_mentions() -> None:
    from fhirconv.extract.text import MAX_MENTIONS

    doc = read_bytes(("She had a cough. " * 500).encode(), "repeat.txt")
    (cough,) = converter().extract(doc).conditions
    assert len(cough.mentions) == MAX_MENTIONS


def test_overlap_sweep_equals_pairwise_resolution() -> None:
    """The sort-and-sweep keeps exactly what the old pairwise check kept."""
    lex = Lexicon()
    lex.concepts = [
        Concept(d, f"{d}{i}", "x", "", ()) for i, d in enumerate(["tests", "drugs", "conditions"])
    ]
    rng = random.Random(11)
    for _ in range(300):
        cands = []
        for _ in range(rng.randint(0, 40)):
            s = rng.randint(0, 90)
            cands.append((s, s + rng.randint(1, 12), rng.randint(0, 2)))
        order = sorted(cands, key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
        taken: list[tuple[int, int, int]] = []
        for s, e, i in order:
            if not any(s < te and ts < e for ts, te, _ in taken):
                taken.append((s, e, i))
        want = sorted(taken, key=lambda c: c[0])
        assert lex._longest_first(list(cands), 0, 110) == want


def test_alias_index_matches_like_one_regex_per_abbreviation() -> None:
    concept = Concept("conditions", "c1", "x", "", ())
    aliases = {"OMS": (concept, "opsoclonus"), "IG G": (concept, "immunoglobulin"), "T-B": (concept, "tb")}
    text = "OMS, OMSX, xOMS, -OMS, (OMS) IGG and IG G, IG-G; T-B T-BX"
    got = [(m.start, m.end) for m in AliasIndex(aliases).match(text, 0, len(text))]
    want = sorted(
        (m.start(), m.end())
        for abbr in aliases
        for m in re.finditer(r"(?<![\w-])" + re.escape(abbr).replace(r"\ ", r"\s?") + r"(?![\w-])", text)
    )
    assert got == want and len(got) == 5


def test_many_defined_abbreviations_in_a_long_document_are_linear() -> None:
    parts = [f"Finding {i}: fever (F{i:04d}) was noted. F{i:04d} resolved." for i in range(3000)]
    text = "\n".join(parts)
    facts = finishes(lambda: _facts(text))
    assert "fever" in [c.lower() for c in facts["conditions"]]
