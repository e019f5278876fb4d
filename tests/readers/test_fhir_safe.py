"""``fhir_safe`` replaces exactly the characters FHIR forbids, one space each, whether the text has none
(returned as it is) or some (property test against the plain per-character definition)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.chars import fhir_safe


def _plain(text: str) -> str:
    def bad(c: str) -> bool:
        o = ord(c)
        return (o < 0x20 and c not in "\t\n\r") or o in (0xFFFE, 0xFFFF) or 0xD800 <= o <= 0xDFFF

    return "".join(" " if bad(c) else c for c in text)


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab é\t\n\r\x00\x01\x0b\x0c\x1f\x7f\ufffe\uffff\ud800\udfff–")))
def test_fhir_safe_is_the_plain_replacement(text: str) -> None:
    assert fhir_safe(text) == _plain(text)


def test_clean_text_comes_back_as_the_same_object() -> None:
    text = "A 45-year-old man – fever (39 °C).\n\tNo rash." * 100
    assert fhir_safe(text) is text
