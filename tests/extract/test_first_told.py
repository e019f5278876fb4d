"""Work done only where its result is used gives the same facts as doing it always:

- a condition's text is made only when its fact is new (``Conditions._add``): a repeated condition keeps
  the words it was first told with, whatever form the later mentions take;
- the lexicon's overlap resolution (``Lexicon._longest_first``) sorts plain tuples: it keeps exactly
  what a stable sort of the candidates by (longest, domain priority, earlier) and a pairwise sweep keep,
  ties (the same span and priority) in the order given.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import converter

from fhirconv.extract.lexicon import Concept, Lexicon
from fhirconv.readers import read_bytes


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
