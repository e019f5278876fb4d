"""A block's facts, worked out only when the layout asks for them, are those worked out eagerly (the way
they were computed for every block before): for every line of the dev texts, the samples, the real
documents' text and hostile lines, every fact and the resulting section types are the same."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import require_shared

from fhirconv.readers import _layout
from fhirconv.readers._layout import Block, _Facts, _is_menu, classify
from fhirconv.readers._rules import SectionRules, shipped_rules

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _eager(block: Block, rules: SectionRules) -> tuple[object, ...]:
    """The facts as they were computed for every block, all at once."""
    text = block.text
    words = len(text.split())
    heading = None
    if block.heading is not False and words <= rules.heading_max_words + 1:
        heading = rules.heading_type(text)
    stripped = text.rstrip(" )]\"'”’»")
    long = words >= rules.prose_long_words
    prose = long or (words >= rules.prose_min_words and stripped.endswith(tuple(rules.prose_end_chars)))
    if block.heading:
        prose = False
    alpha = [w for w in text.split() if w[0].isalpha()]
    lower_ratio = sum(1 for w in alpha if w[0].islower()) / len(alpha) if alpha else 0.0
    edge_ok = not prose and lower_ratio < rules.boilerplate_max_lower_ratio
    return (
        words,
        heading,
        rules.boilerplate_type(text, edge=False),
        rules.boilerplate_type(text, edge=True) if edge_ok else None,
        bool(rules.reference_line.search(text)),
        not prose and _is_menu(text, rules),
        prose,
        long,
        "\t" in text,
        lower_ratio,
    )


def _lazy(block: Block, rules: SectionRules, order: int) -> tuple[object, ...]:
    f = _Facts(block, rules)
    if order % 2:  # asked in another order: each fact stands on its own
        _ = (f.menu, f.reference, f.boiler_edge)
    return (
        f.words,
        f.heading,
        f.boiler_any,
        f.boiler_edge,
        f.reference,
        f.menu,
        f.prose,
        f.long,
        f.tabular,
        f.lower_ratio,
    )


HOSTILE = [
    "References",
    "1. Smith J, Jones K. A case. J Med. 2001;12:3-4.",
    "Home | About | Contact | Journals",
    "CASE PRESENTATION",
    "Copyright © 2020 Elsevier Inc. All rights reserved.",
    "Figure 1. CT of the chest.",
    "A\tB\tC",
    "x" * 5000,
    "( ) ] \" ' ” ’ »" * 200,
    "Department of Medicine, University Hospital, Boston, MA, USA",
    "a " * 3000,
    "Discussion.",
    "DOI: 10.1000/xyz123",
]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.txt"))]
    dev = require_shared("corpora", "maccrobat2020", "dev")
    texts += [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((dev.parents[2] / "real-docs").rglob("*.txt"))
    ]
    return texts


_FIELDS = ("words", "heading", "boiler_any", "boiler_edge", "reference", "menu", "prose", "long", "tabular")
_FIELDS += ("lower_ratio",)


def test_facts_asked_lazily_are_the_eager_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = shipped_rules()
    blocks = [Block(line.strip()) for text in _texts() for line in text.splitlines() if line.strip()]
    blocks += [Block(h, heading=flag) for h in HOSTILE for flag in (None, True, False)]
    assert len(blocks) > 2000
    capped = 0
    for i, block in enumerate(blocks):
        eager = _eager(block, rules)
        # the words are counted up to rules.words_counted (the rest of the facts are exact)
        assert _lazy(block, rules, i) == (min(eager[0], rules.words_counted), *eager[1:]), block.text[:80]
        capped += eager[0] > rules.words_counted
    assert capped > 100  # (the cap is met: many dev lines are paragraphs of more words)
    # and the layout over whole documents types every block as with the eager facts (true word counts)
    _same_layout(rules, monkeypatch)


def _same_layout(rules: SectionRules, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [*_texts(), "\n".join(HOSTILE), "\n".join(reversed(HOSTILE))]
    lazy = [classify([Block(x.strip()) for x in t.splitlines() if x.strip()], rules) for t in documents]
    with monkeypatch.context() as patched:
        patched.setattr(
            _layout,
            "_facts",
            lambda b, r, *_: SimpleNamespace(**dict(zip(_FIELDS, _eager(b, r), strict=True))),
        )
        eager = [classify([Block(x.strip()) for x in t.splitlines() if x.strip()], rules) for t in documents]
    assert lazy == eager
    assert len({t.type for typed in lazy for t in typed}) >= 4


@pytest.mark.parametrize(
    "changes",
    [
        {"prose_long_words": 60},
        {"heading_max_words": 50},
        {"prose_min_words": 45, "prose_long_words": 45},
        {"prose_long_words": 3, "prose_min_words": 2, "heading_max_words": 1},
    ],
)
def test_word_count_cap_follows_the_rules(changes: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules of other thresholds (a ``--mappings`` overlay) move the cap with them: the same layout as
    with true word counts."""
    rules = dataclasses.replace(shipped_rules(), **changes)
    assert rules.words_counted > max(rules.heading_max_words + 1, rules.prose_long_words, 40)
    _same_layout(rules, monkeypatch)
