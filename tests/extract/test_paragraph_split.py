"""``iter_paragraphs`` searches its separators within the section's bounds instead of in a copy of the
section, and tests a stretch for blankness with a search instead of a stripped copy: the same paragraphs
as the code it replaced, over every section of both dev corpora and the samples, text of our own with
every kind of line break and blank line, and generated text at every pair of bounds."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO, SHARED, converter, require_shared

from fhirconv.extract.text import _trim, iter_paragraphs


def _old_iter_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``iter_paragraphs`` as it was written."""
    chunk = text[start:end]
    sep = re.compile(r"\n[ \t]*\n+") if re.search(r"\n[ \t]*\n", chunk) else re.compile(r"\n+")
    pos = 0
    for m in sep.finditer(chunk):
        if chunk[pos : m.start()].strip():
            yield _trim(text, start + pos, start + m.start())
        pos = m.end()
    if chunk[pos:].strip():
        yield _trim(text, start + pos, end)


_OWN = [
    "One.\n\nTwo.\n \t\nThree\n\n\n\nFour\n",
    "a\nb\nc\n\n",
    "\n\n\n",
    "   \u00a0\u2003\n\u3000\n",  # whitespace of other kinds: blank as str.strip() sees it
    "x\x1c\ny\x1d\n\x1e\x1f\n\n\x0b\x0c\rz",
    "no break at all",
    "",
    "\n \n\t\n" * 50 + "end",
]


def test_dev_sections_own_and_hostile_text_split_as_before() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file() and p.suffix == ".txt")
    assert len(files) > 150
    paragraphs = 0
    for path in files:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        for sec in doc.sections:
            got = list(iter_paragraphs(doc.text, sec.start, sec.end))
            assert got == list(_old_iter_paragraphs(doc.text, sec.start, sec.end)), path.name
            paragraphs += len(got)
    for text in _OWN:
        for s in range(len(text) + 1):
            for e in range(s, len(text) + 1):
                assert list(iter_paragraphs(text, s, e)) == list(_old_iter_paragraphs(text, s, e)), (s, e)
    assert paragraphs > 2500


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["a", "b.", " ", "\t", "\n", "\n\n", " \n", "\u00a0", "\r", "\x1c"]), max_size=30
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_generated_text_splits_as_before(pieces: list[str], s: int, e: int) -> None:
    text = "".join(pieces)
    s, e = min(s, len(text)), min(e, len(text))  # (a section lies inside its text)
    assert list(iter_paragraphs(text, s, e)) == list(_old_iter_paragraphs(text, s, e))
