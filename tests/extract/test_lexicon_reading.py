"""While a document is read, the lexicon scans each section once and answers every match inside it from
that scan: the answers are exactly those of a fresh scan of the range, for ranges inside a section,
ranges across sections, ranges outside every section and other strings."""

from __future__ import annotations

import random

import pytest
from support import converter

from fhirconv.text import fold

TEXT = (
    "A 54-year-old man with type 2 diabetes mellitus and chronic kidney disease presented with fever. "
    "A chest CT showed a pulmonary embolism; heparin and warfarin were started.\n\n"
    "Serum creatinine was 2.3 mg/dL. Blood cultures grew Staphylococcus aureus. "
    "He underwent appendectomy and an echocardiogram, and aspirin was stopped. No rash, no cough."
)


def _spans(lex: object, text: str, folded: str, s: int, e: int) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.concept.id) for m in lex.match(text, folded, s, e)]  # type: ignore[attr-defined]


# descriptor-only keys ("eye movements" after "coarse") near sentence starts, where a sentence read alone
# may not see the descriptor that the section's reading saw
DESCRIBED = (
    "Examination found coarse eye movements. Increased muscle tone was noted, and reflexes were brisk.\n\n"
    "Gait was abnormal. Abnormal gait. Decreased. Muscle tone returned; jerky. Eye movements stopped. "
    "Tone increased. Reflexes coarse eye movements."
)


@pytest.mark.parametrize("text", [TEXT, DESCRIBED])
def test_matches_while_reading_are_those_of_a_fresh_scan(text: str) -> None:
    lex = converter().extractor.lexicon
    folded = fold(text)
    cut = text.index("\n\n")
    sections = [(0, cut), (cut + 2, len(text) - 10)]  # the last words are in no section
    rng = random.Random(7)
    ranges = [(0, len(text)), (0, cut), (cut + 2, len(text)), (len(text) - 10, len(text))]
    ranges += [tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(300)]
    # every sentence, and every range from a sentence start (where the section's slice is handed out)
    starts = [0, cut + 2] + [i + 2 for i in range(len(text)) if text.startswith(". ", i)]
    ranges += [(a, b) for a in starts for b in [*starts, len(text)] if a < b]
    expected = [_spans(lex, text, folded, s, e) for s, e in ranges]
    assert any(expected) and any(len(x) > 3 for x in expected)
    with lex.reading(folded, sections):
        got = [_spans(lex, text, folded, s, e) for s, e in ranges]
        # another string (a table cell, a rule's own words) is scanned on its own
        other = "aspirin and heparin"
        assert _spans(lex, other, fold(other), 0, len(other)) == _spans(lex, other, other, 0, len(other))
    assert got == expected
    assert lex._reading is None


SUFFIXED = (
    "She underwent a laparoscopic cholecystectomy and a colonoscopy. Tenosynovitis-like pain and "
    "epigastralgia followed; angiography_x and hemicolectomies. Arthroscopy\n\nosteomyelitis was seen "
    "after a mammogram. Nephrolithotripsy, lysis of adhesions and lysis  of adhesions."
)


def test_suffix_gates_let_through_every_range_with_a_suffix_word() -> None:
    """The document scan of the endings says "maybe" wherever a suffix word (or the endings gate the
    search used to ask) is found in the range itself."""
    import re

    from fhirconv.extract.match_filters import SuffixGates

    rules = converter().extractor.mentions.rules
    gates = SuffixGates(rules.suffix_endings)
    flat = {
        d: re.compile("(?:" + "|".join(map(re.escape, ends)) + r")(?!\w)")
        for d, ends in rules.suffix_endings.items()
    }
    folded = fold(SUFFIXED)
    rng = random.Random(3)
    ranges = [tuple(sorted(rng.sample(range(len(folded) + 1), 2))) for _ in range(400)]
    said = words = 0
    for s, e in ranges:
        for domain, pattern in rules.suffix_words.items():
            found = flat[domain].search(folded, s, e) is not None
            word = pattern.search(folded, s, e) is not None
            assert gates.maybe(domain, folded, s, e) or not (found or word), (domain, folded[s:e])
            assert (domain in gates.domains(folded, s, e)) == gates.maybe(domain, folded, s, e)
            said += found
            words += word
    assert said > 100 and words > 50
    assert not gates.maybe("conditions", folded, 0, 3)  # "she"


def test_misspelt_drugs_per_sentence_are_those_of_a_sentence_scan() -> None:
    from fhirconv.extract.match_filters import NearDrugs, near_drugs

    x = converter().extractor
    text = (
        "She received remifentanyl and sevofluorane. Acenocumarol was stopped; slidenafil given. "
        "Remifentanylx and xsevofluorane were not. Sevofluorane"
    )
    folded = fold(text)
    finder = NearDrugs(x.lexicon, x.mentions.rules)
    bounds = sorted({0, len(text), *(i + 1 for i, ch in enumerate(text) if ch in " .;")})
    ranges = [(a, b) for a in bounds for b in bounds if a < b] + [(14, 20), (13, 24), (92, 100)]
    found = 0
    for s, e in ranges:
        want = near_drugs(x.lexicon, x.mentions.rules, folded, s, e, [])
        got = finder.find(folded, s, e, [])
        assert [(m.start, m.end, m.concept.id) for m in got] == [(m.start, m.end, m.concept.id) for m in want]
        found += len(want)
    assert found > 10


def test_defined_abbreviations_per_range_are_those_of_a_range_scan() -> None:
    from fhirconv.extract.defined import AliasIndex
    from fhirconv.extract.lexicon import Concept

    concept = Concept("conditions", "c1", "x", "", ())
    aliases = {"OMS": (concept, "o"), "IG G": (concept, "i"), "T-B": (concept, "t"), "OM": (concept, "m")}
    text = "OMS, OMSX, xOMS, -OMS, (OMS) IGG and IG G, IG-G; T-B T-BX OM OMS. OMSOM OM"
    rng = random.Random(5)
    ranges = [tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(300)]
    index = AliasIndex(aliases)
    total = 0
    for s, e in ranges:
        want = [(m.start, m.end) for m in AliasIndex(aliases).match(text, s, e)]
        assert [(m.start, m.end) for m in index.match_in(text, s, e)] == want
        total += len(want)
    assert total > 100
    other = "OMS here"  # another text than the first: scanned on its own
    assert [(m.start, m.end) for m in index.match_in(other, 0, len(other))] == [(0, 3)]


def test_suffix_word_tries_match_as_the_flat_lists() -> None:
    """The suffix-word patterns, written as tries, find exactly what the flat longest-first lists found."""
    import re

    from fhirconv.extract.rules import RuleData
    from fhirconv.mapping import MappingStore

    data = RuleData(MappingStore().load("rules/extraction"))
    rules = converter().extractor.mentions.rules
    mods = "|".join(
        sorted((re.escape(fold(w)) for w in data.words("suffix_modifiers")), key=len, reverse=True)
    )
    text = fold(
        SUFFIXED + " Total abdominal hysterectomy, left lower lobectomy, follow up colonoscopy and "
        "contrast enhanced tomography; a partial nephrectomyx, open cholecystectomies, bilateral "
        "mammograms, right  renal angiography, chest radiography; cardiomegaly and hematuria, arthritis."
    )
    found = 0
    for domain, pattern in rules.suffix_words.items():
        ends = "|".join(re.escape(x) for x in rules.suffix_endings[domain])
        before = "" if domain == "conditions" else rf"(?:(?:{mods})\s+){{0,2}}"
        flat = re.compile(rf"(?<!\w){before}[a-z]{{3,}}(?:{ends})(?!\w)")
        for s in range(0, len(text), 7):
            want = [m.span() for m in flat.finditer(text, s)]
            assert [m.span() for m in pattern.finditer(text, s)] == want
            found += len(want)
    assert found > 100


def test_fold_is_the_translation_table_applied() -> None:
    """``fold`` replaces character by character what the table says, keeping length."""
    from fhirconv.text import _FOLD_TABLE

    rng = random.Random(9)
    alphabet = [chr(k) for k in _FOLD_TABLE] + list("aZ -'\"`μµ\u0130\u00c9xß1") + ["\u212a", "\u00a0"]
    for _ in range(2000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        out = s.translate(_FOLD_TABLE)
        low = out.lower()
        want = low if len(low) == len(out) else "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
        assert fold(s) == want and len(fold(s)) == len(s)
