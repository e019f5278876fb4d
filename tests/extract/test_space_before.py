"""``space_before``: the trailing whitespace of ``text[:end]`` counted without copying the text before
``end`` (the abbreviation step asked for it once per defined abbreviation; the copy made long reports
quadratic). It must give exactly what ``len(t) - len(t.rstrip())`` gives."""

from __future__ import annotations

import pytest

from fhirconv.extract.text import space_before

CASES = [
    "heat shock protein (HSP)",
    "heat shock protein  \t(HSP)",
    "protein\u00a0\u2009(HSP)",  # no-break and thin spaces are whitespace to str.rstrip too
    "   ",
    "",
    "(HSP)",
    "line\n\n(HSP)",
]


@pytest.mark.parametrize("text", CASES)
def test_space_before_counts_what_rstrip_strips(text: str) -> None:
    for end in range(len(text) + 1):
        head = text[:end]
        assert space_before(text, end) == len(head) - len(head.rstrip()), (text, end)
