"""The literal gate in front of the components' patterns answers exactly what the patterns answer."""

from __future__ import annotations

import pickle
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv.extract.literals import required_literals
from fhirconv.extract.prefilter import AnyOf
from fhirconv.extract.triggers import GatedPattern, Triggers


def test_required_literals_of_common_shapes() -> None:
    assert required_literals(re.compile(r"(?<!\w)(?:was|were)\s+(?:given|started)(?!\w)")) == {
        "given",
        "started",
    }
    assert required_literals(re.compile(r"follow(?:\s+up|up)")) == {"follow"}
    # "years?" spells "year" or "years": both are required forms, the shorter one is enough
    assert required_literals(re.compile(r"\d+\s+years?\s+old")) == {"year", "years"}
    # an optional part requires nothing; a branch with a bare alternative requires nothing
    assert required_literals(re.compile(r"(?:fever)?\s*[a-z]+")) is None
    # a number is a requirement of its own (any decimal digit, the mark U+E000 stands for all)
    assert required_literals(re.compile(r"(?:fever)?\s*\d+")) == {"\ue000"}
    assert required_literals(re.compile(r"(?:fever|\d+)")) == {"fever", "\ue000"}
    assert required_literals(re.compile(r"(?:fever|[a-z]+)")) is None
    # case-insensitive patterns are never gated, nor are literals too short to be worth it
    assert required_literals(re.compile(r"fever", re.IGNORECASE)) is None
    assert required_literals(re.compile(r"(?:on|at)\s+[a-z]+")) is None


@dataclass
class _Rules:
    patterns: list[tuple[str, re.Pattern[str]]]
    one: re.Pattern[str]


_PATTERNS = [
    r"(?<!\w)(?:was|were)\s+(?:given|started)(?!\w)",
    r"(?<!\w)(?:fever|chills|rigors)(?!\w)",
    r"(?:ectomy|otomy|scopy)(?!\w)",
    r"(?P<n>\d+)\s+(?:days?|weeks?)\s+later",
    r"(?<!\w)follow(?:\s+up|up)(?!\w)",
    r"(?P<n>\d+(?:\.\d+)?)\s*mg(?!\w)",
]
_TEXT = (
    "she was given aspirin. fever and chills followed 3 days later. a colectomy was done; "
    "at follow up she was well. no rigors. endoscopy was started 2 weeks later, and then follow-up; "
    "prednisone 7.5 mg, then \u0663 mg daily; the dose was given"
)


def test_gated_patterns_answer_as_the_patterns_do() -> None:
    raw = [re.compile(p) for p in _PATTERNS]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[1])
    triggers = Triggers(warm_up=0, gain_s=-1.0)  # every gate stays on
    assert triggers.gate_all(rules, __name__) == len(raw) + 1  # places: ``one`` holds a listed pattern
    assert rules.one is rules.patterns[1][1]  # one pattern held twice: one gate
    assert all(isinstance(p, GatedPattern) for _, p in rules.patterns)
    folded = _TEXT
    bounds = [(a, b) for a in range(0, len(folded), 7) for b in range(a, len(folded) + 3, 11)]
    triggers.read(folded)
    try:
        for (_, gated), pat in zip(rules.patterns, raw, strict=True):
            for a, b in bounds:
                got = gated.search(folded, a, b)
                want = pat.search(folded, a, b)
                assert (got and got.span()) == (want and want.span()), (pat.pattern, a, b)
                assert [m.span() for m in gated.finditer(folded, a, b)] == [
                    m.span() for m in pat.finditer(folded, a, b)
                ]
                assert gated.findall(folded, a, b) == pat.findall(folded, a, b)
            # another string than the document's folded text: the pattern itself
            other = "fever was given after the colectomy"
            g, w = gated.search(other), pat.search(other)
            assert (g and g.span()) == (w and w.span())
    finally:
        triggers.done()
    # a gate that does not pay is taken away again: the raw pattern is back where it was
    off = Triggers(warm_up=0, gain_s=1.0)
    rules2 = _Rules([(str(i), re.compile(p)) for i, p in enumerate(_PATTERNS)], re.compile(_PATTERNS[0]))
    off.gate_all(rules2, __name__)
    off.read(folded)
    off.done()
    assert all(isinstance(p, re.Pattern) for _, p in rules2.patterns)
    assert isinstance(rules2.one, re.Pattern)


_PIECES = [
    "fever",
    "chills",
    " ",
    "  ",
    "was given",
    "3",
    "12",
    " days later",
    "ectomy",
    "follow",
    "-up",
    "x",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.tuples(st.integers(-3, 220), st.integers(-3, 220)), min_size=1, max_size=12),
)
def test_gates_answer_as_the_patterns_do_at_any_bounds(text: str, bounds: list[tuple[int, int]]) -> None:
    """The gate's quick answers (the last literal before ``endpos``, then the walk back) agree with the
    pattern at every bounds, negative and past the end included."""
    raw = [re.compile(p) for p in _PATTERNS]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[0])
    triggers = Triggers(warm_up=0, gain_s=-1.0)
    triggers.gate_all(rules, __name__)
    triggers.read(text)
    try:
        for (_, gated), pat in zip(rules.patterns, raw, strict=True):
            for a, b in bounds:
                got, want = gated.search(text, a, b), pat.search(text, a, b)
                assert (got and got.span()) == (want and want.span()), (pat.pattern, a, b)
                assert [m.span() for m in gated.finditer(text, a, b)] == [
                    m.span() for m in pat.finditer(text, a, b)
                ]
                assert gated.findall(text, a, b) == pat.findall(text, a, b)
    finally:
        triggers.done()


def test_settling_walks_pass_barren_data_by_and_miss_no_pattern() -> None:
    """The settling walks pass by the containers the walk before found holding no pattern (the rules'
    word lists and tables); they still reach every pattern a full walk reaches: after the last settling
    a full walk finds no gate left switched off and no pattern that was never looked at (each one a
    gate, or known to need none). A converter of its own: the shared one has settled long ago."""
    from support import SHARED, require_shared

    from fhirconv.extract import triggers as module
    from fhirconv.pipeline import Converter, ConvertOptions

    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:24]
    assert len(files) == 24
    conv = Converter(ConvertOptions())
    triggers = conv.extractor.triggers
    triggers._folder = None  # measured, not installed from remembered decisions
    skipped: list[int] = []
    walk = module._walk

    def counting(*args: object, **kwargs: object) -> int:
        skip = kwargs.get("skip", frozenset())
        assert isinstance(skip, frozenset)
        skipped.append(len(skip))
        return walk(*args, **kwargs)  # type: ignore[arg-type]

    module._walk = counting  # type: ignore[assignment]
    try:
        for path in files:  # past the 8 x warm_up-th document: both settlings done
            conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
    finally:
        module._walk = walk
    assert len(skipped) == 3 and skipped[0] == 0 and skipped[1] > 100  # gate_all, then two settlings
    assert triggers._root is not None
    missed: list[str] = []

    def check(p: object) -> object:
        if isinstance(p, GatedPattern):
            if p.state == module._OFF:
                missed.append(f"switched off but in place: {p.pattern[:60]}")
        elif isinstance(p, re.Pattern) and id(p) not in triggers._of and id(p) not in triggers._plain:
            missed.append(f"never looked at: {p.pattern[:60]}")
        return p

    places = walk(*triggers._root, check)  # a full walk: nothing passed by
    assert places == 0 and not missed, missed[:5]
    assert sum(g.state == module._ON for g in triggers._gated) > 0
    assert sum(g.state == module._OFF for g in triggers._gated) > 0  # some gates were taken away


def test_a_pattern_put_into_barren_data_later_answers_as_itself() -> None:
    """What the pruning gives up: a pattern placed into a container that held none at the last walk stays
    as it is (ungated) -- and answers exactly as it always does."""

    @dataclass
    class _Holder:
        words: list[object]
        pats: list[re.Pattern[str]]

    raw = re.compile(_PATTERNS[1])
    holder = _Holder(["fever", ["chills", "rigors"]], [raw])
    triggers = Triggers(warm_up=0, gain_s=-1.0)
    triggers.gate_all(holder, __name__)
    assert isinstance(holder.pats[0], GatedPattern)
    late = re.compile(_PATTERNS[2])
    inner = holder.words[1]
    assert isinstance(inner, list)
    inner.append(late)  # into a list the walk found barren
    triggers.read(_TEXT)
    triggers.done()
    triggers._settle(last=False)
    assert inner[-1] is late  # passed by
    assert [m.span() for m in inner[-1].finditer(_TEXT)] == [m.span() for m in late.finditer(_TEXT)]


def test_each_document_starts_with_empty_places() -> None:
    """A gate's lists are kept from one document to the next and emptied at each read: the places of
    the literals in one text never stand for another's, and a text without them has none."""
    raw = [re.compile(p) for p in _PATTERNS]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[0])
    triggers = Triggers(warm_up=0, gain_s=-1.0)
    triggers.gate_all(rules, __name__)
    gated = rules.patterns[1][1]
    assert isinstance(gated, GatedPattern)
    triggers.read("fever and chills")
    assert gated.ends == [5, 16] and gated.starts == [0, 10]
    triggers.done()
    assert gated.ends == [] and gated.folded is None
    triggers.read("no such words here, twice over")
    assert gated.ends == [] and gated.search("no such words here, twice over") is None
    triggers.done()
    triggers.read("rigors")
    assert gated.ends == [6] and gated.starts == [0]
    triggers.done()


@dataclass
class _WithUnion:
    patterns: list[tuple[str, re.Pattern[str]]]
    one: re.Pattern[str]
    any_of: AnyOf


def _rules(sources: list[str]) -> _WithUnion:
    raw = [re.compile(p) for p in sources]
    return _WithUnion([(str(i), p) for i, p in enumerate(raw)], raw[0], AnyOf(raw[1:3], warm_up=0))


def _run(rules: _WithUnion, triggers: Triggers, texts: list[str]) -> None:
    triggers.watch(rules, "")  # (every module: the AnyOf too)
    for text in texts:
        triggers.read(text)
        rules.any_of.search(text, 0, len(text))  # the union is made on the first question
        triggers.done()


def _gates(rules: _WithUnion) -> dict[str, frozenset[str] | None]:
    """Each pattern ``rules`` holds (and the union) -> the literals of its gate, None when ungated."""
    held: list[object] = [p for _, p in rules.patterns] + [rules.one, rules.any_of.union]
    return {
        (p.pattern if isinstance(p, (re.Pattern, GatedPattern)) else "?"): (
            p.literals if isinstance(p, GatedPattern) else None
        )
        for p in held
    }


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.gates"))


def test_remembered_decisions_install_the_gates_measuring_decided(tmp_path: Path) -> None:
    """A process with the decisions file installs exactly the gates the measuring process settled on --
    whatever its own timing would have said (its ``gain_s`` would switch every gate the other way) --
    at once, with no measuring and no settling walks; the gates answer as the patterns do."""
    texts = [_TEXT, "fever and chills 3 days later", _TEXT[40:]]
    for gain, other in ((-1.0, 1.0), (1.0, -1.0)):
        folder = tmp_path / str(gain)
        first = _rules(_PATTERNS)
        _run(first, Triggers(warm_up=1, gain_s=gain, remember=folder), texts * 3)
        measured = _gates(first)
        assert len(_files(folder)) == 1
        assert all(v is not None for v in measured.values()) == (gain < 0)
        assert any(v is not None for v in measured.values()) == (gain < 0)
        again = _rules(_PATTERNS)
        triggers = Triggers(warm_up=1, gain_s=other, remember=folder)
        _run(again, triggers, texts)
        assert not triggers._measuring
        assert _gates(again) == measured
        assert all(g.state == 2 - 1 and g.calls == 0 for g in triggers._gated)  # on, never measured
        triggers.read(_TEXT)
        try:
            for (_, gated), src in zip(again.patterns, _PATTERNS, strict=True):
                pat = re.compile(src)
                for a in range(0, len(_TEXT), 9):
                    for b in range(a, len(_TEXT) + 3, 13):
                        assert [m.span() for m in gated.finditer(_TEXT, a, b)] == [
                            m.span() for m in pat.finditer(_TEXT, a, b)
                        ]
        finally:
            triggers.done()


def test_a_union_made_later_gets_its_remembered_gate(tmp_path: Path) -> None:
    first = _rules(_PATTERNS)
    _run(first, Triggers(warm_up=1, gain_s=-1.0, remember=tmp_path), [_TEXT] * 9)
    later = _rules(_PATTERNS)
    triggers = Triggers(warm_up=0, gain_s=1.0, remember=tmp_path)
    triggers.watch(later, "")
    triggers.read("no words")  # installed before the union is made
    triggers.done()
    assert later.any_of.union is None
    assert later.any_of.search(_TEXT, 0, len(_TEXT))
    assert isinstance(later.any_of.union, GatedPattern)
    assert _gates(later) == _gates(first)


def test_a_damaged_or_foreign_decisions_file_is_passed_by(tmp_path: Path) -> None:
    texts = [_TEXT] * 9
    _run(_rules(_PATTERNS), Triggers(warm_up=1, gain_s=-1.0, remember=tmp_path), texts)
    (path,) = _files(tmp_path)
    good = path.read_bytes()
    for bad in (
        b"",
        b"not a pickle",
        good[: len(good) // 2],
        pickle.dumps((1, "other", {})),
        pickle.dumps(3),
    ):
        path.write_bytes(bad)
        rules = _rules(_PATTERNS)
        triggers = Triggers(warm_up=1, gain_s=1.0, remember=tmp_path)
        _run(rules, triggers, texts)
        assert triggers._measuring  # measured afresh: every gate off by its own timing
        assert all(v is None for v in _gates(rules).values())
        assert path.read_bytes() != bad  # and the file written anew


def test_a_changed_pattern_is_measured_afresh(tmp_path: Path) -> None:
    texts = [_TEXT] * 9
    _run(_rules(_PATTERNS), Triggers(warm_up=1, gain_s=-1.0, remember=tmp_path), texts)
    changed = [*_PATTERNS[:-1], r"(?P<n>\d+(?:\.\d+)?)\s*mcg(?!\w)"]
    rules = _rules(changed)
    triggers = Triggers(warm_up=1, gain_s=1.0, remember=tmp_path)
    _run(rules, triggers, texts)
    assert triggers._measuring
    assert all(v is None for v in _gates(rules).values())
    assert len(_files(tmp_path)) == 2  # one file for each set of patterns


def test_a_later_converter_installs_the_settled_gates_without_measuring(tmp_path: Path) -> None:
    """The engine's own patterns: a converter measuring over the first reports writes its decisions; a
    second one reading the same reports installs the very gates the first settled on, in two walks (one
    to key the file, one to install), with nothing measured and no settling walk."""
    from support import SHARED, require_shared

    from fhirconv.extract import triggers as module
    from fhirconv.pipeline import Converter, ConvertOptions

    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:20]
    assert len(files) == 20

    def run() -> tuple[dict[tuple[str, int], frozenset[str]], module.Triggers, int]:
        conv = Converter(ConvertOptions())
        triggers = conv.extractor.triggers
        triggers._folder = tmp_path
        walks = 0
        walk = module._walk

        def counting(*args: Any, **kwargs: Any) -> int:
            nonlocal walks
            walks += 1
            return walk(*args, **kwargs)

        module._walk = counting
        try:
            for path in files:
                conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
        finally:
            module._walk = walk
        on = {(g.raw.pattern, g.raw.flags): g.literals for g in triggers._gated if g.state == module._ON}
        return on, triggers, walks

    measured, first, _ = run()
    assert first._measuring and measured
    assert len(_files(tmp_path)) == 1
    installed, second, walks = run()
    assert not second._measuring and walks == 2
    assert all(g.calls == 0 for g in second._gated)
    assert installed == measured


def test_a_literal_of_several_gates_is_filed_for_each() -> None:
    """The automaton files a hit of a literal for every gate that has it (the first gate's appends are
    kept apart from the others'): three patterns with the same literals each see every place."""
    raw = [
        re.compile(r"(?<!\w)(?:fever|chills)(?!\w)"),
        re.compile(r"(?<!\w)(?:fever|chills)(?=\s)"),
        re.compile(r"(?:fever|chills)\s+and"),
    ]
    rules = _Rules([(str(i), p) for i, p in enumerate(raw)], raw[0])
    triggers = Triggers(warm_up=0, gain_s=-1.0)
    triggers.gate_all(rules, __name__)
    gates = [p for _, p in rules.patterns]
    assert all(isinstance(g, GatedPattern) and g.literals == {"fever", "chills"} for g in gates)
    text = "fever and chills; no fever, chills and fever"
    triggers.read(text)
    try:
        for gated, pat in zip(gates, raw, strict=True):
            assert isinstance(gated, GatedPattern)
            assert gated.ends == [5, 16, 26, 34, 44] and gated.starts == [0, 10, 21, 28, 39]
            for a in range(len(text) + 1):
                for b in range(a, len(text) + 2):
                    assert [m.span() for m in gated.finditer(text, a, b)] == [
                        m.span() for m in pat.finditer(text, a, b)
                    ]
    finally:
        triggers.done()


def test_the_gates_settled_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which gates stay is decided by counts (calls, the answers the gate would have given, the work of
    the searches it would have spared), never by a clock: one made 1000 times slower, or noisy, settles
    the same gates (the timed rule switched every gate on under the slow one)."""
    texts = [_TEXT, "fever and chills 3 days later", _TEXT[40:], "no words of theirs here at all; " * 9]

    def settle() -> dict[str, frozenset[str] | None]:
        rules = _rules(_PATTERNS)
        _run(rules, Triggers(warm_up=1), texts * 3)
        return _gates(rules)

    plain = settle()
    assert None in plain.values() and any(v is not None for v in plain.values())
    real = time.perf_counter
    monkeypatch.setattr(time, "perf_counter", lambda: real() * 1000.0)
    assert settle() == plain
    noise = random.Random(15)
    monkeypatch.setattr(time, "perf_counter", lambda: real() + noise.random())
    assert settle() == plain


def test_the_engines_gates_are_settled_alike_under_any_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's own patterns over the first dev reports: a noisy clock settles the very gates a plain
    one does; and where the cost model counts the places a search tries (a fixed start, the first
    letters of its branches), every match of the pattern in those reports starts at one of them."""
    from support import SHARED, require_shared

    from fhirconv.extract import gate_store
    from fhirconv.pipeline import Converter, ConvertOptions

    require_shared("corpora", "maccrobat2020", "dev")
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:20]

    def settle() -> tuple[dict[tuple[str, int], bool], list[GatedPattern], list[str]]:
        conv = Converter(ConvertOptions())
        triggers = conv.extractor.triggers
        triggers._folder = None  # measured here, whatever the user cache holds
        texts = []
        for path in files:
            doc = conv.read_bytes(path.read_bytes(), path.name)
            texts.append(doc.text)
            conv.extractor.extract(doc)
        assert not triggers._pending and triggers._measuring
        return {(g.raw.pattern, g.raw.flags): g.state == 1 for g in triggers._gated}, triggers._gated, texts

    plain, gated, texts = settle()
    assert len(set(plain.values())) == 2  # some gates kept, some put back
    noise = random.Random(15)
    real = time.perf_counter
    monkeypatch.setattr(time, "perf_counter", lambda: real() + noise.random())
    assert settle()[0] == plain
    monkeypatch.undo()
    from fhirconv.text import fold

    folded = [fold(t) for t in texts]
    counted = 0
    for g in gated:
        heads = gate_store.heads(g.raw)
        if heads is None:
            continue
        counted += 1
        for text in folded:
            for m in g.raw.finditer(text):
                assert text.startswith(heads, m.start()), (g.raw.pattern, m.group())
    assert counted > 20


def test_the_timelines_union_is_made_in_time_for_its_gate() -> None:
    """The timeline's union of time patterns is made early enough to be measured, even after short
    first documents (the repository's samples, then dev reports): made after the last settling, it went
    ungated in that process and in every later one (the remembered decisions never held it)."""
    from support import REPO, SHARED, require_shared

    from fhirconv.pipeline import Converter, ConvertOptions

    require_shared("corpora", "maccrobat2020", "dev")
    samples = sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    files = samples + sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:12]
    conv = Converter(ConvertOptions())
    conv.extractor.triggers._folder = None
    for path in files:
        conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
    union = conv.extractor.timeline._any_time.union
    assert isinstance(union, GatedPattern) and union.state == 1


def test_every_union_of_the_engine_is_settled_and_remembered(tmp_path: Path) -> None:
    """Every union of :class:`AnyOf` the engine holds is made at the gates' set-up (whatever its own
    warm-up: the outcome phrases' union, made at its 257th question, used to come after the last
    settling and went ungated in every process), measured and settled with the other patterns, and its
    decision is remembered: a later converter installs it. The unions answer as their patterns do."""
    from support import REPO, SHARED, require_shared

    from fhirconv.extract import gate_store
    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.text import fold

    require_shared("corpora", "maccrobat2020", "dev")
    # short documents first (the repository's samples, as a benchmark warms up): few questions each
    samples = sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    files = samples + sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:12]

    def run() -> tuple[Any, list[AnyOf]]:
        conv = Converter(ConvertOptions())
        conv.extractor.triggers._folder = tmp_path
        for i, path in enumerate(files):
            conv.extractor.extract(conv.read_bytes(path.read_bytes(), path.name))
            if i == conv.extractor.triggers._warm_up:  # the set-up was at this document's start
                assert all(u.union is not None for u in _unions_of(conv.extractor))
        return conv, _unions_of(conv.extractor)

    _, unions = run()
    assert len(unions) >= 2 and all(u.union is not None for u in unions)
    (path,) = _files(tmp_path)
    digest = path.name[: -len(gate_store.SUFFIX)]
    decisions = gate_store.load(path, digest)
    assert decisions is not None
    for u in unions:
        raw = u.union.raw if isinstance(u.union, GatedPattern) else u.union
        assert raw is not None and (raw.pattern, raw.flags) in decisions
    later, again = run()
    assert not later.extractor.triggers._measuring
    for u in again:
        raw = u.union.raw if isinstance(u.union, GatedPattern) else u.union
        assert raw is not None
        want = decisions[raw.pattern, raw.flags]
        assert (u.union.literals if isinstance(u.union, GatedPattern) else None) == want
    # the gated unions answer as their patterns (every sentence of the reports read, with the gates on)
    extractor, asked = later.extractor, 0
    for path in files:
        doc = later.read_bytes(path.read_bytes(), path.name)
        folded = fold(doc.text)
        extractor.triggers.read(folded)
        try:
            with extractor.lexicon.reading(folded, [(s.start, s.end) for s in doc.sections]):
                sentences = extractor.attributor.patient_sentences(doc, folded)
            for sent in sentences:
                for u in again:
                    u._last = None
                    want_hit = any(p.search(folded, sent.start, sent.end) for p in u._patterns)
                    assert u.search(folded, sent.start, sent.end) == want_hit
                    asked += 1
        finally:
            extractor.triggers.done()
    assert asked > 500


def _unions_of(root: Any) -> list[AnyOf]:
    """The AnyOf objects the engine holds (found by the gates' own walk)."""
    from fhirconv.extract.triggers import _walk

    found: dict[int, AnyOf] = {}

    def note(any_of: AnyOf) -> None:
        found[id(any_of)] = any_of

    _walk(root, "fhirconv.extract", lambda p: p, any_of=note)
    return list(found.values())


def test_prepare_makes_the_union_at_the_next_question_once() -> None:
    made: list[int] = []
    from fhirconv.extract import prefilter

    real = prefilter.union

    def counting(patterns: Any) -> Any:
        made.append(1)
        return real(patterns)

    prefilter.union = counting
    try:
        joined = AnyOf([re.compile("fever"), re.compile("rash")], warm_up=256)
        joined.prepare()
        assert joined.union is None and len(made) == 0
        assert joined.search("a rash", 0, 6) and joined.union is not None and len(made) == 1
        joined.prepare()  # made already: nothing more
        assert joined.search("none", 0, 4) is False and len(made) == 1
        unjoinable = AnyOf([re.compile(r"(a)\1"), re.compile("b")], warm_up=256)
        unjoinable.prepare()
        for _ in range(3):
            assert unjoinable.search("x", 0, 1)  # cannot be joined: always "maybe", tried once
            unjoinable.prepare()
        assert unjoinable.union is None and len(made) == 2
    finally:
        prefilter.union = real
