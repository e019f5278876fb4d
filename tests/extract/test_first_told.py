"""Work done only where its result is used gives the same facts as doing it always:

- a condition's text is made only when its fact is new (``Conditions._add``): a repeated condition keeps
  the words it was first told with, whatever form the later mentions take;
- ``Conditions._dated_history`` looks for its number-first pattern only in a sentence holding one of its
  time words ("ago", "earlier"): every match of the pattern holds one (proven over both dev corpora,
  hostile text and generated text, within any bounds);
- the lexicon's overlap resolution (``Lexicon._longest_first``) sorts plain tuples: it keeps exactly
  what a stable sort of the candidates by (longest, domain priority, earlier) and a pairwise sweep keep,
  ties (the same span and priority) in the order given.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SHARED, converter, require_shared

from fhirconv.extract.lexicon import Concept, Lexicon
from fhirconv.readers import read_bytes
from fhirconv.text import fold


def _conditions(text: str) -> list[tuple[str, str, list[str]]]:
    got = converter().extract(read_bytes(text.encode(), "told.txt")).conditions
    return [(c.text, c.assertion.value, [m.text for m in c.mentions]) for c in got]


def test_a_repeated_condition_keeps_the_words_it_was_first_told_with() -> None:
    assert _conditions("She had Fever on admission. Later she had fever again. The fever went on.") == [
        ("Fever", "present", ["Fever", "fever", "fever"])
    ]
    assert _conditions("There was no Rash. Later there was no rash at all.") == [
        ("Rash", "negated", ["Rash", "rash"])
    ]
    # an absence word tells the denied condition by its own name; a later present one is its own fact
    assert _conditions("She was afebrile. Later she developed Fever. The fever resolved.") == [
        ("Fever", "negated", ["afebrile"]),
        ("Fever", "present", ["Fever", "fever"]),
    ]


def test_a_repeated_dated_history_keeps_its_first_words() -> None:
    got = _conditions(
        "He had Myocardial Infarction 10 years earlier. He had myocardial infarction 12 years earlier."
    )
    assert [(t, a) for t, a, _ in got] == [("Myocardial Infarction", "historical")]
    assert len(got[0][2]) == 2


def _reference(lex: Lexicon, cands: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The plain way: a stable sort by (longest, priority, earlier), then a pairwise overlap check."""
    prio = {d: i for i, d in enumerate(("tests", "drugs", "procedures", "conditions"))}
    order = sorted(cands, key=lambda c: (-(c[1] - c[0]), prio[lex.concepts[c[2]].domain], c[0]))
    taken: list[tuple[int, int, int]] = []
    for s, e, i in order:
        if not any(s < te and ts < e for ts, te, _ in taken):
            taken.append((s, e, i))
    return sorted(taken, key=lambda c: c[0])


_LEX = Lexicon()
# several concepts share a domain (so the same span and priority can tie between different concepts)
_LEX.concepts = [
    Concept(d, f"{d}{i}", "x", "", ())
    for i, d in enumerate(["tests", "drugs", "conditions", "conditions", "drugs", "procedures"])
]
_CAND = st.tuples(st.integers(0, 60), st.integers(1, 12), st.integers(0, len(_LEX.concepts) - 1)).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)


@settings(deadline=None, max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CAND, max_size=40))
def test_longest_first_keeps_what_the_plain_way_keeps(cands: list[tuple[int, int, int]]) -> None:
    assert _LEX._longest_first(list(cands), 0, 80) == _reference(_LEX, cands)


def test_longest_first_keeps_the_first_given_of_a_tie() -> None:
    # the same span, the same domain: the one given first wins, whichever its index
    assert _LEX._longest_first([(0, 5, 3), (0, 5, 2)], 0, 10) == [(0, 5, 3)]
    assert _LEX._longest_first([(0, 5, 2), (0, 5, 3)], 0, 10) == [(0, 5, 2)]


_HOSTILE = [
    "fever 15 years earlier, rash 3 months ago and 2 weeks before; 10 days prior" * 20,
    "1 1 1 1 1 1 1 1 1 1 years years years " * 200 + "ago",
    "earlier" * 300 + " 12 years" + " " * 500 + "ago",
    "two years earlierx, three weeks agoo, 4 months priorly, several years previously.",
]


def _gate_holds(text: str, s: int, e: int) -> None:
    conditions = converter().extractor.conditions
    if conditions.history.search(text, s, e) is not None:
        assert conditions.history_gate.search(text, s, e) is not None, text[s:e][:200]


def test_every_dated_history_holds_a_time_word() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    texts = [
        fold(p.read_text()) for p in sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    ]
    texts += [
        fold(p.read_text()) for p in sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    ]
    texts += [fold(t) for t in _HOSTILE]
    assert len(texts) > 150
    history = converter().extractor.conditions.history
    matched = 0
    for text in texts:
        for hm in history.finditer(text):
            matched += 1
            _gate_holds(text, hm.start(), hm.end())
        # and in every window a sentence might be: each line, and each span between full stops
        pos = 0
        for piece in text.replace("\n", ".").split("."):
            _gate_holds(text, pos, pos + len(piece))
            pos += len(piece) + 1
    assert matched > 50  # (the corpora do date past conditions so)


_TIME_WORDS = ["15", "two", "a", "few", "years", "months", "weeks", "days", "ago", "earlier", "before"]
_TIME_WORDS += ["prior", "previously", "agox", "x", " ", "  ", "\n", ",", "-", "fever"]


@settings(deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TIME_WORDS), max_size=30), st.integers(0, 200), st.integers(0, 200))
def test_the_time_word_gate_within_any_bounds(words: list[str], s: int, e: int) -> None:
    text = " ".join(words)
    _gate_holds(text, s, e)
