"""``Attributor.patient_sentences`` counts a paragraph's patient anchors only where the count can change
an answer (a general phrase or a citation in it, or the case not yet opened): it keeps exactly the
sentences a pass that counts every paragraph's anchors keeps (``lazy_anchors=False``).

Compared over both dev corpora, their one-line forms (the retry path, which reuses the first pass's
counts), reports joined on one line, and our own general, cited and hostile text. Broken on purpose --
the anchors it does count read as none -- the same comparison fails: the counts it still takes are ones
that matter.
"""

from __future__ import annotations

import re
from typing import Any

from support import SHARED, converter, require_shared

from fhirconv.extract.text import fold

OWN = [
    "Sarcoidosis is a granulomatous disease [1]. It has been reported in many studies (2, 3). "
    "Previous reports describe it in adults [4]. The patient was treated with steroids.",
    "A 61-year-old woman presented with fever. She was given amoxicillin. Her fever resolved.",
    "In previous studies, the disease has been reported [1-3]. Our patient had a cough.\n\n"
    "It is rare [5]. The patient was admitted. He improved. Figure 2. Chest X-ray.",
    "She was admitted [2].\n\nHe had been reported to have asthma (3, 4).\n\nThe disease is rare.",
    "[1] (2) et al. e.g. i.e. " * 100 + "The patient was well.",
    "word " * 2000,
    # where the anchors decide: one general phrase against them after the case opened, and an
    # abstract's paragraph before the case opens (later in the same abstract: no retry)
    "A 61-year-old woman presented with fever.\n\nShe can be seen in the clinic.\n\nHer rash is red.",
    "A 61-year-old woman presented with fever.\n\nShe is known to have asthma and she can be treated.",
    "Abstract\nHe has a cough and she has a rash.\n\nA 40-year-old man presented with fever.",
]


def _texts() -> list[str]:
    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    assert len(files) > 150
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    joined = " ".join(" ".join(t.split()) for t in texts[:30])
    return [*OWN, *texts, *(" ".join(t.split()) for t in texts), joined]


def _kept(attributor: Any, docs: list[tuple[Any, str]], lazy: bool) -> list[list[tuple[int, int, int]]]:
    attributor.lazy_anchors = lazy
    try:
        return [[(s.start, s.end, s.paragraph) for s in attributor.patient_sentences(d, f)] for d, f in docs]
    finally:
        attributor.lazy_anchors = True


class _NoneFound:
    """The anchor pattern, but every count it is asked for reads as none."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.asked = 0

    def findall(self, *args: Any) -> list[str]:
        self.asked += 1
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


def test_lazy_anchor_counts_keep_the_same_sentences(monkeypatch: Any) -> None:
    conv = converter()
    attributor = conv.extractor.attributor
    docs = []
    for i, text in enumerate(_texts()):
        doc = conv.read_bytes(text.encode("utf-8"), f"doc{i}.txt")
        docs.append((doc, fold(doc.text)))
    eager = _kept(attributor, docs, lazy=False)
    assert _kept(attributor, docs, lazy=True) == eager
    assert sum(map(len, eager)) > 5000

    # broken on purpose: where the lazy pass counts, the count decides something
    spy = _NoneFound(attributor._anchor)
    monkeypatch.setattr(attributor, "_anchor", spy)
    assert _kept(attributor, docs, lazy=True) != eager
    assert spy.asked > 0
