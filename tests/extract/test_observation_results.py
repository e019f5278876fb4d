"""Issue 10: observation results -- qualitative results, shared tests, values the text states.

Team-written sentences only: every fact must be one a clinician would sign (right test, right result).
"""

from __future__ import annotations

from support import facts_of


def _obs(sentence: str) -> dict[str, list[str]]:
    """Test text (lower case) -> the result words cited for it (value, then interpretation)."""
    out: dict[str, list[str]] = {}
    for o in facts_of("A 47-year-old woman was admitted. " + sentence).observations:
        cited = [m.text for m in o.mentions if m.role.name in ("VALUE", "INTERPRETATION")]
        out.setdefault(o.text.lower(), []).extend(cited)
    return out


def test_gram_stain_words_are_no_test_called_gram() -> None:
    o = _obs("Two blood cultures grew gram-negative rods, and the sputum smear showed Gram-positive cocci.")
    assert "gram" not in o
    assert o["blood cultures"] == ["gram-negative rods"]
    assert o["sputum smear"] == ["Gram-positive cocci"]
    # a marker written with its result keeps it
    assert _obs("The spindle cells were CD117-negative.")["cd117"] == ["negative"]
