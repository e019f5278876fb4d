"""The shortcuts of the patient-attribution and timeline scans answer exactly what the scans they
replace answered.

- The timeline's time gate (``TimelineRules.time_gate``, joined by ``prefilter.AnyOf``) finds something
  in a span wherever one of the timeline's patterns does, and exactly where one of its own parts does
  (the parts standing for the number-led phrases are looser than they): over every sentence of both dev
  corpora (every patient sentence, and every sentence the splitter makes), sentences of our own,
  generated word salad and hostile text, with bounds that cut words and phrases; and the timeline dates
  the dev reports' facts alike with the gate and with one that always lets the patterns run.
- The paragraph decision of the attribution (``attribution._keep_paragraph``) asks its two scans (a case
  opener, the past tense) only where they can change the answer: equal to the old order of questions
  over every combination of counts and answers.
- The surgery test of the timeline's anchor loop (a binary search) equals the scan it replaced.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SHARED, converter, require_shared

from fhirconv.extract.attribution import _PATIENT_SECTIONS, _general_paragraph, _keep_paragraph
from fhirconv.extract.prefilter import AnyOf, union
from fhirconv.extract.text import iter_paragraphs, split_sentences
from fhirconv.extract.timeline_util import any_within
from fhirconv.model import SectionType
from fhirconv.text import fold

_SETTINGS = settings(
    deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)

_OWN = [
    "Two weeks after admission she improved; 3 days later the rash faded. On the third day of IVIg, fever.",
    "on the 2nd week following the operation and the next day she was discharged.",
    "five days before surgery, 22 years earlier, after 3 days, within the next 2 months, at follow-up.",
    "At the age of 40 years, at 12 years of age, POD 3, post-operative day 4, hospital day 2, on day 5.",
    "third day of IVIg; the third day of ivig and; on the 3rd day of the chemotherapy",
    "two weeks afterwards three months prior to admission a few days thereafter several years ago",
    # hostile: glued words, runs of spaces and punctuation, a long unbroken run, numbers without units
    "2 2 2 2 2 days" * 40 + "x" * 2000 + " on the the the third day of " + "a " * 300,
    "twoweeks later 3days later dayx 3x weeksafter" + " ." * 200 + "after after after 5",
]
_WORDS = [
    "on", "the", "third", "3rd", "day", "days", "week", "weeks", "month", "of", "after", "following",
    "before", "prior", "to", "admission", "surgery", "later", "earlier", "ago", "two", "3", "a", "few",
    "ivig", "and", "she", "was", "next", "same", "that", "within", "at", "follow-up", "age", "years",
    "old", "pod", "hospital", "xday", "dayx", ",", ".", ";", ")", " ", "\n",
]  # fmt: skip


def _gate_and_patterns() -> tuple[Callable[[str, int, int], bool], list[re.Pattern[str]]]:
    """The gate's answer, checked against its parts asked one by one, and the timeline's patterns."""
    rules = converter().extractor.timeline.rules
    gate = AnyOf(rules.time_gate, warm_up=0)
    parts = list(rules.time_gate)

    def search(text: str, s: int, e: int) -> bool:
        got = gate.search(text, s, e)
        assert got == _any(parts, text, s, e), (text[s:e], s, e)
        return got

    return search, [p for _, p in rules.patterns]


def _any(patterns: list[re.Pattern[str]], text: str, s: int, e: int) -> bool:
    return any(p.search(text, s, e) for p in patterns)


def _opens(gate: bool, want: bool) -> bool:
    """Whether the gate's answer is right: open wherever a pattern matches (it may open elsewhere)."""
    return gate or not want


def _dev_sentences() -> Iterator[tuple[str, int, int]]:
    """Every sentence the splitter makes in both dev corpora, and every patient sentence."""
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    assert len(files) > 150
    for path in files:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        folded = fold(doc.text)
        for sec in doc.sections:
            for ps, pe in iter_paragraphs(doc.text, sec.start, sec.end):
                for sent in split_sentences(doc.text, ps, pe, 0):
                    yield folded, sent.start, sent.end
        ex = conv.extractor
        with ex.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            for sent in ex.attributor.patient_sentences(doc, folded):
                yield folded, sent.start, sent.end


def test_time_gate_is_a_union_that_joins() -> None:
    """The gate is one search: if its patterns could not be joined, AnyOf would scan for each."""
    rules = converter().extractor.timeline.rules
    assert union(rules.time_gate) is not None
    assert len(rules.time_gate) < len(rules.patterns)


def test_time_gate_over_every_dev_sentence() -> None:
    gate, patterns = _gate_and_patterns()
    seen = hits = opened = 0
    for folded, s, e in _dev_sentences():
        want = _any(patterns, folded, s, e)
        got = gate(folded, s, e)
        assert _opens(got, want), folded[s:e]
        seen += 1
        hits += want
        opened += got
    assert seen > 5000 and hits > 300  # both corpora were read, and the patterns did match
    assert opened < seen // 2  # the gate is shut for most sentences


def test_time_gate_over_own_and_hostile_text_at_every_bound() -> None:
    gate, patterns = _gate_and_patterns()
    hits = 0
    for text in _OWN:
        folded = fold(text)
        n = len(folded)
        step = max(1, n // 60)
        for s in range(0, n + 1, step):
            for e in range(s, n + 1, step):
                want = _any(patterns, folded, s, e)
                assert _opens(gate(folded, s, e), want), (folded[s:e], s, e)
                hits += want
    assert hits > 100


@_SETTINGS
@given(st.lists(st.sampled_from(_WORDS), max_size=16), st.integers(0, 80), st.integers(0, 120))
@example(["on", "the", "third", "day", "of", "ivig", "."], 0, 120)
@example(["two", "weeks", "after", "admission"], 0, 120)
@example(["on", "the", "third", "day", "of", "ivig", "."], 4, 120)  # the bounds cut "on the"
def test_time_gate_on_generated_text(words: list[str], s: int, e: int) -> None:
    gate, patterns = _gate_and_patterns()
    text = " ".join(words)
    assert _opens(gate(text, s, e), _any(patterns, text, s, e))


def _calendar_has_its_year(text: str, s: int, e: int) -> bool:
    """Where the calendar finds a date in ``text[s:e]``, a year starts inside it (the timeline searches
    only such sentences for dates); returns whether a date was found."""
    rules = converter().extractor.timeline.rules
    years = [m.start() for m in rules.year_starts.finditer(text)]
    found = rules.calendar.search(text, s, e) is not None
    assert not found or any_within(years, s, e - 3), (text[s:e], s, e)
    return found


_DATES = [
    "In March 2015 she was seen; on 12 March 2015, March 12, 2015 and in 2019 again; in 1899, in 2000 mg.",
    "in 20199 in 1820x on 3 jan. 2001, dec 31,1999 in\n2018 in  2017" + " in 201" * 300 + " in 1999",
]


def test_a_calendar_date_holds_a_year_over_dev_sentences_own_and_generated_text() -> None:
    dates = sum(_calendar_has_its_year(folded, s, e) for folded, s, e in _dev_sentences())
    for text in _DATES + _OWN:
        folded = fold(text)
        step = max(1, len(folded) // 50)
        for s in range(0, len(folded) + 1, step):
            for e in range(s, len(folded) + 1, step):
                dates += _calendar_has_its_year(folded, s, e)
    assert dates > 100


@_SETTINGS
@given(
    st.lists(
        st.sampled_from(["in", "on", "march", "12", "2015", "1899", "20", "19", ",", ".", " ", "\n"]),
        max_size=14,
    ),
    st.integers(0, 60),
    st.integers(0, 80),
)
def test_a_calendar_date_holds_a_year_in_generated_text(words: list[str], s: int, e: int) -> None:
    _calendar_has_its_year(" ".join(words), s, e)


def test_anchors_with_and_without_the_year_check_are_the_same() -> None:
    """The anchors are the same whether a sentence without a year is searched for calendar dates or
    not (``year_check``): over both dev corpora and our own text."""
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    ex = conv.extractor
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    docs = [conv.read_bytes(p.read_bytes(), p.name) for p in files]
    docs += [conv.read_bytes(t.encode("utf-8"), f"own{i}.txt") for i, t in enumerate(_OWN + _DATES)]
    calendar = 0
    try:
        for doc in docs:
            facts = ex.extract(doc)
            folded = fold(doc.text)
            with ex.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
                sentences = ex.attributor.patient_sentences(doc, folded)
            ex.timeline.year_check = True
            fast = ex.timeline.anchors(doc.text, folded, sentences, facts)
            ex.timeline.year_check = False
            slow = ex.timeline.anchors(doc.text, folded, sentences, facts)
            assert fast == slow, doc.name
            calendar += sum(a.kind == "calendar" for a in fast[0])
    finally:
        ex.timeline.year_check = True
    assert calendar > 20  # dates were read


def test_time_gate_stays_linear_on_hostile_text() -> None:
    """No pattern of the gate backtracks more on long runs than the timeline's own patterns: a long
    run of amounts, ordinals and half phrases is answered at all (a blow-up would hang here)."""
    gate, patterns = _gate_and_patterns()
    text = "on the third " * 5000 + "2 days " * 5000 + "the the the " * 5000
    assert _opens(gate(text, 0, len(text)), _any(patterns, text, 0, len(text)))


class _Open:
    """A time gate that always lets the timeline's patterns run (the plain way)."""

    def search(self, text: str, pos: int, endpos: int) -> bool:
        return True


def test_the_timeline_dates_alike_with_the_gate_and_without(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate only spares the patterns' searches: every fact of the dev reports gets the same time,
    and the timeline the same anchors, as when every sentence is searched by every pattern."""
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    ex = conv.extractor
    gate = ex.timeline._any_time
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))[:40]
    anchors = 0
    for path in files:
        doc = conv.read_bytes(path.read_bytes(), path.name)
        monkeypatch.setattr(ex.timeline, "_any_time", gate)
        fast = ex.extract(doc)
        monkeypatch.setattr(ex.timeline, "_any_time", _Open())
        slow = ex.extract(doc)
        assert fast == slow, path.name
        anchors += len(fast.timeline)
    assert gate.union is not None and anchors > 100  # the union was made and asked; dates were read


def _old_keep(
    kind: SectionType,
    case_started: bool,
    anchors: int,
    general: int,
    citations: int,
    single: bool,
    opener: bool,
    narrative: bool,
) -> tuple[bool, bool]:
    """The decision as it was written before the scans were made lazy (both scans always asked)."""
    if kind in _PATIENT_SECTIONS:
        return True, case_started
    if general <= anchors + 1 and citations == 0 and opener:
        return True, True
    if not case_started:
        keep = (
            general + citations == 0 and kind is not SectionType.ABSTRACT
        ) or anchors > general + citations
        return keep, False
    return not _general_paragraph(anchors, general, citations, lambda: narrative, single), True


def _asked(answer: bool, log: list[str], name: str) -> Callable[[], bool]:
    def ask() -> bool:
        log.append(name)
        return answer

    return ask


def test_paragraph_decision_equals_the_old_order_of_questions_exhaustively() -> None:
    skipped = 0
    for kind, started, anchors, general, citations, single, opener, narrative in itertools.product(
        list(SectionType),
        [False, True],
        range(5),
        range(5),
        range(4),
        [False, True],
        [False, True],
        [False, True],
    ):
        log: list[str] = []
        got = _keep_paragraph(
            kind,
            started,
            anchors,
            general,
            citations,
            single,
            _asked(opener, log, "opener"),
            _asked(narrative, log, "narrative"),
        )
        assert got == _old_keep(kind, started, anchors, general, citations, single, opener, narrative)
        skipped += "opener" not in log
    assert skipped > 1000  # the shortcut is taken (and the scans are not asked there)


@_SETTINGS
@given(st.lists(st.integers(0, 200), max_size=12), st.integers(0, 220), st.integers(0, 220))
def test_surgery_in_sentence_by_binary_search(starts: list[int], s: int, e: int) -> None:
    assert any_within(sorted(starts), s, e) == any(s <= x < e for x in starts)


def test_surgery_sentences_over_random_layouts() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        starts = sorted(rng.randint(0, 50) for _ in range(rng.randint(0, 6)))
        s, e = sorted((rng.randint(0, 55), rng.randint(0, 55)))
        assert any_within(starts, s, e) == any(s <= x < e for x in starts)


def _mentions(facts: object) -> list[object]:
    out: list[object] = []
    for name in ("observations", "procedures", "medications", "conditions", "adverse_events"):
        for fact in getattr(facts, name):
            out.extend(fact.mentions)
    outcome = getattr(facts, "outcome", None)
    if outcome is not None:
        out.extend(outcome.mentions)
    return out


def test_remembered_times_equal_times_worked_out_afresh() -> None:
    """``When`` remembers per sentence what does not depend on the fact; asked for every mention of
    every fact of both dev corpora and our own text, in shuffled order and twice, it answers what a
    ``When`` that remembers nothing answers."""
    from fhirconv.extract.timeline_util import When, sentence_finder

    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    ex = conv.extractor
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    docs = [conv.read_bytes(p.read_bytes(), p.name) for p in files]
    docs += [conv.read_bytes(t.encode("utf-8"), f"own{i}.txt") for i, t in enumerate(_OWN)]
    rng = random.Random(13)
    asked = timed = 0
    for doc in docs:
        facts = ex.extract(doc)
        folded = fold(doc.text)
        with ex.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            sentences = ex.attributor.patient_sentences(doc, folded)
        anchors, running_at, _ = ex.timeline.anchors(doc.text, folded, sentences, facts)
        by_sentence: dict[int, list[object]] = {}
        for a in anchors:
            by_sentence.setdefault(a.sentence, []).append(a)
        finder = sentence_finder(sentences)
        remembered = When(finder, by_sentence, running_at)  # type: ignore[arg-type]
        fresh = When(finder, by_sentence, running_at, remember=False)  # type: ignore[arg-type]
        questions = [(m, r) for m in _mentions(facts) for r in (True, False)] * 2
        rng.shuffle(questions)
        for mention, running in questions:
            got = remembered(mention, running=running)  # type: ignore[arg-type]
            assert got == fresh(mention, running=running)  # type: ignore[arg-type]
            asked += 1
            timed += got is not None
    assert asked > 5000 and timed > 500  # facts of both corpora were dated


_SURGERY = [
    "A 60-year-old man presented with pain. He underwent appendectomy on day 2. On postoperative day 3 "
    "he had fever. Two days after surgery the fever resolved. The operation was performed again on day 9; "
    "on postoperative day 1 he was well. Five days after the operation he was discharged.",
    "She was admitted. Surgery was performed. On day 4 she underwent resection. On the second day after "
    "surgery she improved; pod 2 was quiet. On the third day of the operation she walked.",
    "No operation was performed. He presented with fever. On postoperative day 3 the wound was clean.",
]


def test_surgery_day_asked_late_equals_searched_every_sentence() -> None:
    """The anchors (and so every time) are the same whether the surgery day is searched at each dated
    sentence (``eager_surgery``, the way it was) or only when a pattern asks for it: over both dev
    corpora and our own reports about operations."""
    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    ex = conv.extractor
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    docs = [conv.read_bytes(p.read_bytes(), p.name) for p in files]
    docs += [conv.read_bytes(t.encode("utf-8"), f"own{i}.txt") for i, t in enumerate(_OWN + _SURGERY)]
    relative = 0
    try:
        for doc in docs:
            facts = ex.extract(doc)
            folded = fold(doc.text)
            with ex.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
                sentences = ex.attributor.patient_sentences(doc, folded)
            ex.timeline.eager_surgery = False
            late = ex.timeline.anchors(doc.text, folded, sentences, facts)
            ex.timeline.eager_surgery = True
            eager = ex.timeline.anchors(doc.text, folded, sentences, facts)
            assert late == eager, doc.name
            relative += sum(a.kind == "relative" for a in late[0])
    finally:
        ex.timeline.eager_surgery = False
    assert relative >= 3  # days counted from an operation were read


def _old_in_scope(
    rules: object,
    folded: str,
    gap: tuple[int, int],
    max_scope: int,
    terminators: list[int],
    starts: set[int],
    spans: list[tuple[int, int]],
) -> bool:
    """ConText's scope test as it was written: every word counted, the gap read character by character."""
    from fhirconv.extract.context import _LIST_GLUE, _WORD

    gs, ge = gap
    if any(gs <= p < ge for p in terminators):
        return False
    words = 0
    for m in _WORD.finditer(folded, gs, ge):
        if not any(s <= m.start() < e for s, e in spans):
            words += 1
    if words > max_scope:
        return False
    clause: bool | None = None
    for i in range(gs, ge):
        ch = folded[i]
        if ch in ";:":
            return False
        if ch == ",":
            glue = _LIST_GLUE.match(folded, i + 1)
            nxt = glue.end() if glue else i + 1
            if nxt not in starts:
                if clause is None:
                    clause = rules._clause_in(folded, gs, ge)  # type: ignore[attr-defined]
                if clause or not rules._item(folded, nxt, ge, starts):  # type: ignore[attr-defined]
                    return False
    return True


_SCOPE_WORDS = ["no", "fever", "rash", "and", "or", "was", "she", "the", "any", ",", ";", ":", "cough", "x"]


@_SETTINGS
@given(
    st.lists(st.sampled_from(_SCOPE_WORDS), max_size=16),
    st.integers(0, 90),
    st.integers(0, 90),
    st.integers(0, 8),
    st.lists(st.integers(0, 90), max_size=4),
)
@example(["no", "fever", ",", "rash", ";", "cough"], 0, 40, 8, [9])
def test_scope_reads_the_gap_as_the_old_loop_did(
    words: list[str], gs: int, ge: int, max_scope: int, mention_starts: list[int]
) -> None:
    rules = converter().extractor.context
    text = " ".join(words)
    gs, ge = sorted((min(gs, len(text)), min(ge, len(text))))
    spans = [(s, min(s + 5, len(text))) for s in mention_starts]
    starts = {s for s, _ in spans}
    args = (text, (gs, ge), max_scope, [], starts, spans)
    assert rules._in_scope(*args) == _old_in_scope(rules, *args)


def test_scope_over_every_dev_sentence_as_extraction_asks_it() -> None:
    """Every scope question extraction asks over both dev corpora and our own text is answered as the
    old loop answered it (a wrapper asks both)."""
    from fhirconv.extract.context import ContextRules

    require_shared("corpora", "maccrobat2020", "dev")
    conv = converter()
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    texts = [p.read_bytes() for p in files] + [t.encode("utf-8") for t in _OWN + _SURGERY]
    texts.append(("no fever, rash; cough: and no " * 12 + "no, , , ,,, fever" * 6).encode("utf-8"))
    new = ContextRules._in_scope
    asked = [0, 0]

    def both(self: ContextRules, *args: object) -> bool:
        got = new(self, *args)  # type: ignore[arg-type]
        assert got == _old_in_scope(self, *args), args[1]  # type: ignore[arg-type]
        asked[0] += 1
        asked[1] += got
        return got

    ContextRules._in_scope = both  # type: ignore[method-assign]
    try:
        for i, data in enumerate(texts):
            conv.extractor.extract(conv.read_bytes(data, f"doc{i}.txt"))
    finally:
        ContextRules._in_scope = new  # type: ignore[method-assign]
    assert asked[0] > 2000 and 0 < asked[1] < asked[0]  # asked often, with both answers
