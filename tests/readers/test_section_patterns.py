"""The section rules' patterns compiled in their faster form (``_rules.literal_first``) find exactly what
the patterns as written find: every pattern of ``sections.json`` over every line of the dev texts, the
samples and hostile lines, searched from every start; and generated patterns of the rewritten shape over
generated text (case variants that fold to a pattern letter included)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import require_shared

from fhirconv.mapping import shipped_root
from fhirconv.readers import _rules
from fhirconv.readers._rules import literal_first

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# letters that match a pattern letter only case-insensitively: KELVIN SIGN (k), LONG S (s), DOTTED I
_ODD_CASES = "\u212a\u017f\u0130\u0131"
_HOSTILE = [
    "",
    "all rights reserved",
    "ALL RIGHTS RESERVED.",
    "xall rights reserved",
    "_all rights reserved",
    "1all rights reserved",
    "-all rights reserved",
    "(all rights reserved)",
    "back to cited text back to cited text",
    "Back To Cited Text" * 200,
    "a" * 5000,
    "all " * 2000,
    "\u212aall rights reserved",
    "\u017fall rights reserved",
    "éall rights reserved",
    "all rights reservedé",
    "all rights reserved_",
    "\nall rights reserved",
]


def _sources() -> list[str]:
    """Every pattern text of ``sections.json``."""
    data = json.loads((shipped_root() / "sections.json").read_text("utf-8"))
    out = [h["pattern"] for h in data["headings"]]
    out += [b["pattern"] for b in data["boilerplate"]]
    out += [data["reference_line"], data["caption_line"], data["menu"]["separators"]]
    out.append(data["html"]["boilerplate_class"])
    return out


def _lines() -> list[str]:
    dev = require_shared("corpora", "maccrobat2020", "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 100
    out = [line for f in files for line in f.read_text("utf-8", errors="replace").splitlines()]
    out += [
        line
        for f in sorted(SAMPLES.glob("*.txt"))
        for line in f.read_text("utf-8", errors="replace").splitlines()
    ]
    return out + _HOSTILE


def _same(a: re.Pattern[str], b: re.Pattern[str], text: str) -> bool:
    for pos in {0, 1, len(text) // 2, max(0, len(text) - 1)}:
        ma, mb = a.search(text, pos), b.search(text, pos)
        if (ma and ma.span()) != (mb and mb.span()):
            return False
    return True


def test_some_shipped_patterns_are_rewritten() -> None:
    # (otherwise the equality below proves nothing about the rewrite)
    rewritten = [s for s in _sources() if literal_first(s) != s]
    assert len(rewritten) >= 2


def test_shipped_patterns_find_the_same_on_every_line() -> None:
    lines = _lines()
    for src in _sources():
        fast = re.compile(literal_first(src), re.IGNORECASE)
        slow = re.compile(src, re.IGNORECASE)
        bad = [line for line in lines if not _same(fast, slow, line)]
        assert not bad, (src, bad[:3])


def test_compiled_rules_use_the_rewritten_form() -> None:
    rules = _rules._build(json.loads((shipped_root() / "sections.json").read_text("utf-8")))
    anywhere = [b.pattern.pattern for b in rules.boilerplate]
    assert r"a(?<!\wa)ll rights reserved\b" in anywhere


@pytest.mark.parametrize(
    "src",
    [r"\b(x|y)", r"\ba|b", r"\ba+b", r"\ba{2}", r"\ba?b", r"\b[ab]c", r"^\s*x", r"\b\d", r"\b-x", "plain"],
)
def test_other_shapes_are_left_as_written(src: str) -> None:
    assert literal_first(src) == src


_WORDS = st.text(alphabet="abkst1_", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    word=_WORDS,
    tail=st.sampled_from(["", r"\b", r"\s*:", r".*,", r"(?:x|y)?"]),
    text=st.text(alphabet="abkstABKST1_ -é" + _ODD_CASES, max_size=40),
    flags=st.sampled_from([0, re.IGNORECASE]),
)
def test_generated_patterns_find_the_same(word: str, tail: str, text: str, flags: int) -> None:
    src = r"\b" + re.escape(word) + tail
    fast = re.compile(literal_first(src), flags)
    slow = re.compile(src, flags)
    for pos in range(len(text) + 1):
        ma, mb = fast.search(text, pos), slow.search(text, pos)
        assert (ma and ma.span()) == (mb and mb.span()), (src, text, pos)
