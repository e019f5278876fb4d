"""``fold``'s ASCII path gives what the whole table gives: on every word, line and text of the dev
corpora and samples, and on any ASCII text (hypothesis), the result equals the table's replacements
followed by ``str.lower`` with the per-character fallback, as ``fold`` computes a non-ASCII text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from support import require_shared

from fhirconv import text as fold_module
from fhirconv.text import fold

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _table_fold(text: str) -> str:
    """The fold of every text through the whole table (the path a non-ASCII text takes)."""
    out = text
    for old, new in fold_module._FOLD_PAIRS:
        if old in out:
            out = out.replace(old, new)
    low = out.lower()
    if len(low) == len(out):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


def _corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.txt"))]
    for corpus in ("maccrobat2020", "e3c-en-layer1"):
        dev = require_shared("corpora", corpus, "dev")
        texts += [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))]
    return texts


def test_fold_is_the_table_fold_on_real_text() -> None:
    ascii_seen = 0
    for text in _corpus():
        pieces = [text, *text.splitlines(), *text.split()]
        for piece in pieces:
            assert fold(piece) == _table_fold(piece), piece[:60]
            ascii_seen += piece.isascii()
    assert ascii_seen > 10_000


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_is_the_table_fold_on_any_ascii(text: str) -> None:
    assert fold(text) == _table_fold(text)
    assert len(fold(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ -`'\u2010\u2019\u00b5\u00a0\u0130K\u201c\t")))
def test_fold_is_the_table_fold_near_the_table(text: str) -> None:
    assert fold(text) == _table_fold(text)
