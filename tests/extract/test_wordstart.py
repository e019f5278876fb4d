r"""Issue 15: word-start patterns written with the assertion after their first literal
(``f(?<!\wf)ever`` for ``(?<!\w)fever``, fhirconv/wordstart.py) find exactly what they found written with
the assertion first -- the same spans and groups, from any start and within any bounds -- for every
pattern the converter rewrites: on every line of both dev corpora, the samples and the real documents,
from positions right after a word character (what the lookbehind looks at), on hypothesis text made of
the patterns' own words, and on hostile text; and the literal gate finds the same literals in them."""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import converter, require_shared

from fhirconv import wordstart
from fhirconv.extract.literals import required_literals
from fhirconv.text import fold, phrase_pattern
from fhirconv.wordstart import compile_word_start, original, word_start

_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
REPO = Path(__file__).resolve().parents[2]


def _rewritten() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(as first written, as rewritten) for every pattern the converter's set-up rewrote."""
    converter()
    pairs = [(re.compile(o), re.compile(w)) for w, o in wordstart._ORIGINAL.items()]
    assert len(pairs) >= 40, "the converter rewrites its word lists: too few found"
    return pairs


def _found(p: re.Pattern[str], text: str, pos: int, endpos: int) -> list[object]:
    return [(m.span(), m.groups(), m.groupdict()) for m in p.finditer(text, pos, endpos)]


def _texts() -> list[str]:
    files: list[Path] = []
    for corpus in ("maccrobat2020", "e3c-en-layer1"):
        files += sorted(require_shared("corpora", corpus, "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file() and p.suffix == ".txt")
    files += sorted(p for p in require_shared("real-docs").rglob("*") if p.is_file())
    assert len(files) > 200
    return [fold(p.read_text(encoding="utf-8", errors="replace")) for p in files]


def test_rewritten_patterns_find_the_same_in_every_dev_text() -> None:
    pairs = _rewritten()
    rng = random.Random(15)
    hits = 0
    for text in _texts():
        n = len(text)
        # every line on its own (the components search sentences with pos/endpos), then the whole text
        bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)] + [(0, n)]
        # starts right after a word character: the lookbehind looks before pos
        starts = [i for i in range(1, n) if text[i - 1].isalnum() and not text[i].isspace()]
        bounds += [(i, min(n, i + 120)) for i in rng.sample(starts, min(40, len(starts)))]
        for old, new in pairs:
            for s, e in bounds:
                got = _found(new, text, s, e)
                assert got == _found(old, text, s, e), (old.pattern[:80], s, e)
                hits += len(got)
    assert hits > 1000


def _words(pattern: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", pattern) if len(w) > 1][:40]


@_SETTINGS
@given(st.data())
def test_rewritten_patterns_find_the_same_on_generated_text(data: st.DataObject) -> None:
    pairs = _rewritten()
    old, new = data.draw(st.sampled_from(pairs))
    parts = st.sampled_from([*_words(old.pattern), " ", "-", "x", "1", ",", "(", "\n", "é"])
    text = "".join(data.draw(st.lists(parts, max_size=16)))
    s = data.draw(st.integers(-1, len(text) + 1))
    e = data.draw(st.integers(-1, len(text) + 2))
    assert _found(new, text, s, e) == _found(old, text, s, e)
    for i in range(len(text) + 1):
        a, b = new.search(text, i, e), old.search(text, i, e)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


def test_rewritten_patterns_on_hostile_text() -> None:
    """Long runs of the patterns' own first letters, words glued to words, no spaces: the same matches
    (the rewrite adds one fixed-width assertion per branch, so the work per position stays bounded)."""
    for old, new in _rewritten():
        words = _words(old.pattern) or ["a"]
        for text in (
            "".join(words) * 50,
            " ".join(words) * 20,
            "-".join(words) * 20,
            words[0][0] * 5000,
            (words[0] + " ") * 500,
        ):
            assert _found(new, text, 0, len(text)) == _found(old, text, 0, len(text))


def test_the_literal_gate_finds_the_same_literals() -> None:
    for old, new in _rewritten():
        assert required_literals(new) == required_literals(old), old.pattern[:80]


def test_rewrite_shapes() -> None:
    assert word_start(r"(?<!\w)(?:abc|(?:de|df))(?!\w)") == r"(?:a(?<!\wa)bc|d(?<!\wd)e|d(?<!\wd)f)(?!\w)"
    assert word_start(r"(?<![\w-])foo") == r"f(?<![\w-]f)oo"
    assert word_start(r"(?<!\w)(?P<h>ab|c)x") == r"(?P<h>a(?<!\wa)b|c(?<!\wc))x"
    assert word_start(r"(?<!\w)(?:\.ab|\-c)") == r"(?:\.(?<!\w\.)ab|\-(?<!\w\-)c)"
    assert original(word_start(r"(?<!\w)(?:ab|c)x")) == r"(?<!\w)(?:ab|c)x"
    unchanged = [
        r"(?<!\w)(?:ab)?c",  # a quantified first group: the first character may come after it
        r"(?<!\w)a+b",  # a quantified first literal
        r"(?<!\w)(?:ab|)c",  # an empty branch
        r"(?<!\w)ab|cd",  # the assertion belongs to the first branch alone
        r"(?<!\w)\d+",  # a class, not a literal
        r"(?<!\w)[ab]c",
        r"(?<!\w)(?=a)ab",  # a lookaround first
        r"(?:ab|cd)",  # no word-start assertion
        r"(?<!\w)(?:a|b|c|d|e|f|g)x",  # seven first letters: no faster (see _has_prefix)
        r"(?<!\w)(?:(?P<up>a)|(?P<down>b))",  # branches that start with a group: no prefix for the engine
    ]
    for src in unchanged:
        assert word_start(src) == src, src
    assert word_start("(?<!\\w)a b", re.VERBOSE) == "(?<!\\w)a b"


def test_lookbehind_sees_before_pos_and_the_literal_must_be_before_endpos() -> None:
    old, new = re.compile(r"(?<!\w)(?:ab|cd)"), compile_word_start(r"(?<!\w)(?:ab|cd)")
    assert new.pattern != old.pattern
    for text, pos, endpos in (("xab ab", 1, 6), ("x ab", 2, 3), ("-cd", 1, 3), ("cd", 0, 1), ("ab", 0, 2)):
        assert _found(new, text, pos, endpos) == _found(old, text, pos, endpos)
    assert [m.start() for m in new.finditer("xab ab", 1)] == [4]


def test_phrase_patterns_and_their_unions_keep_working() -> None:
    """phrase_pattern rewrites a short list; phrase_scan and prefilter read the text as first written."""
    from fhirconv.extract.phrase_scan import phrase_starts
    from fhirconv.extract.prefilter import union

    p, q = phrase_pattern(["was normal", "were normal"]), phrase_pattern(["within normal limits"])
    assert not p.pattern.startswith(r"(?<!\w)") and original(p.pattern).startswith(r"(?<!\w)(?:")
    both = phrase_starts([p, q])
    assert both is not None
    joined = union([p, q])
    assert joined is not None
    text = "bp was normal, xwithin normal limits, within normal limits"
    last = text.rindex("within")
    expected = [(3, 13), (last, last + len("within normal limits"))]
    assert [m.span() for m in both.finditer(text)] == expected
    assert [m.span() for m in joined.finditer(text)] == expected
    # the same unions as from the patterns written with the assertion first
    p0, q0 = re.compile(original(p.pattern)), re.compile(original(q.pattern))
    assert both.pattern == phrase_starts([p0, q0]).pattern  # type: ignore[union-attr]
    assert joined.pattern == union([p0, q0]).pattern  # type: ignore[union-attr]


# patterns written by hand in the same way: (as first written, the pattern in the code)
_HAND_WRITTEN = {
    "sentence end": r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s++[\"'(\[]?[A-Z0-9])",
    "defined abbreviation": r"(?<=\w)\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9]{1,7})\s*\)",
}


def _hand_written() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    from fhirconv.extract import defined, text

    return [
        (re.compile(_HAND_WRITTEN["sentence end"]), text._SENT_END),
        (re.compile(_HAND_WRITTEN["defined abbreviation"]), defined.DEFINED_ABBR),
    ]


def test_hand_written_patterns_find_the_same_in_every_dev_text() -> None:
    rng = random.Random(15)
    hits = 0
    for raw in _texts():
        n = len(raw)
        bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", raw)] + [(0, n)]
        bounds += [(i, min(n, i + 200)) for i in rng.sample(range(n), min(60, n))]
        for old, new in _hand_written():
            assert new.pattern != old.pattern
            for s, e in bounds:
                got = _found(new, raw, s, e)
                assert got == _found(old, raw, s, e), (old.pattern, s, e)
                hits += len(got)
    assert hits > 1000


@_SETTINGS
@given(st.text(alphabet=".!?\"')]([ \nAa1é\t", max_size=20), st.integers(-1, 21), st.integers(-1, 22))
def test_hand_written_patterns_find_the_same_on_generated_text(text: str, s: int, e: int) -> None:
    for old, new in _hand_written():
        assert _found(new, text, s, e) == _found(old, text, s, e)
        for i in range(len(text) + 1):
            a, b = new.search(text, i, e), old.search(text, i, e)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


def test_hand_written_patterns_on_hostile_text() -> None:
    for old, new in _hand_written():
        for text in ("." * 5000 + " A", "a" + " " * 5000 + "(", "a (" * 2000, "a." * 3000 + " B", "w" * 5000):
            assert _found(new, text, 0, len(text)) == _found(old, text, 0, len(text))
