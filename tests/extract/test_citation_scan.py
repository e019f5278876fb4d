"""The citation count of the attribution scans a span from the first place a citation can start (a
bracket, a parenthesis, "et al"): the same count as the scan from the span's start, over every paragraph
and sentence of both dev corpora, text of our own at every pair of bounds, and generated text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SHARED, converter, require_shared

from fhirconv.extract.attribution import _CITATION, _RANGE, _VALUE_BEFORE, _citations
from fhirconv.extract.text import iter_paragraphs, split_sentences


def _old_citations(text: str, start: int, end: int) -> int:
    """``_citations`` as it was written."""
    if (
        text.find("[", start, end) < 0
        and text.find("(", start, end) < 0
        and text.find("et al", start, end) < 0
    ):
        return 0
    n = 0
    for m in _CITATION.finditer(text, start, end):
        if text[m.start()] == "(" and _VALUE_BEFORE.search(text, max(start, m.start() - 24), m.start()):
            continue
        if any(int(a) >= int(b) for a, b in _RANGE.findall(m.group())):
            continue
        n += 1
    return n


_OWN = [
    "As reported [1, 2], and by Smith et al (3), the level was 8.2 mg/dL (1-15) and (139-116) [4-6].",
    "et al.[12] (et al) x(1) (2)(3) [ 7 ]; et alia (10\u201312) ((4)) [[5]] etal (8),",
    "(" * 50 + "[1]" + "(2) " * 40 + " et al" * 20,
]


def test_dev_spans_own_and_hostile_text_count_as_before() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    assert len(files) > 150
    spans = cited = 0
    for path in files:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        for sec in doc.sections:
            for ps, pe in iter_paragraphs(doc.text, sec.start, sec.end):
                for s, e in [(ps, pe)] + [(x.start, x.end) for x in split_sentences(doc.text, ps, pe)]:
                    n = _citations(doc.text, s, e)
                    assert n == _old_citations(doc.text, s, e), doc.text[s:e]
                    spans += 1
                    cited += n > 0
    for text in _OWN:
        step = max(1, len(text) // 60)
        for s in range(0, len(text) + 1, step):
            for e in range(s, len(text) + 1, step):
                assert _citations(text, s, e) == _old_citations(text, s, e), (s, e)
                cited += _citations(text, s, e) > 0
    assert spans > 5000 and cited > 50


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["(", ")", "[", "]", "1", "12", "-", ",", " ", "et al", "mg", ".", "x"]), max_size=30
    ),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_generated_text_counts_as_before(pieces: list[str], s: int, e: int) -> None:
    text = "".join(pieces)
    assert _citations(text, s, e) == _old_citations(text, s, e)
