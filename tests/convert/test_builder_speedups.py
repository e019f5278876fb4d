"""The builder's shortcuts give what the plain computations give: the sentence anchor of a fact id (one
boundary index per document instead of four searches per fact) and the uuid5 ids (without UUID objects)."""

from __future__ import annotations

import random
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.fhir.bundle import _Anchors
from fhirconv.fhir.ids import _NAMESPACE, document_tag, resource_uuid


def _plain_anchor(text: str, start: int, end: int) -> str:
    """The anchor as four bounded searches each way (the definition)."""
    lo = max(0, start - 2000)
    hi = min(len(text), end + 2000)
    starts = [i + len(p) for p in ("\n", ". ", "! ", "? ") if (i := text.rfind(p, lo, start)) >= 0]
    a = max(starts, default=lo)
    found = [i for i in (text.find(p, end, hi) for p in ("\n", ". ", "! ", "? ")) if i >= 0]
    b = min(found) + 1 if found else hi
    return " ".join(text[a:b].lower().split())


@settings(deadline=None, max_examples=300)
@given(
    st.lists(st.sampled_from(["a", "Bc", " ", ".", "!", "?", "\n", ". ", "x" * 700]), max_size=30), st.data()
)
def test_anchor_is_the_sentence_the_searches_find(parts: list[str], data: st.DataObject) -> None:
    text = "".join(parts)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _Anchors(text)(start, end) == _plain_anchor(text, start, end)


def test_anchor_on_long_lines_and_prose() -> None:
    rng = random.Random(3)
    words = ["fever", "was", "noted", ".", "!", "?", "\n", "CT", "showed", "a", "mass"]
    text = " ".join(rng.choice(words) for _ in range(3000)) + " " + "y" * 5000 + " end."
    anchors = _Anchors(text)
    for _ in range(500):
        s = rng.randrange(len(text))
        e = min(len(text), s + rng.randrange(30))
        assert anchors(s, e) == _plain_anchor(text, s, e)


def test_ids_are_uuid5() -> None:
    for doc, rtype, key in [("pmid:1", "Condition", "fever|she had fever."), ("t", "Patient", "é|ü\u2013")]:
        assert resource_uuid(doc, rtype, key) == str(uuid.uuid5(_NAMESPACE, f"{doc}|{rtype}|{key}"))
        assert document_tag(doc) == str(uuid.uuid5(_NAMESPACE, f"{doc}|document"))
