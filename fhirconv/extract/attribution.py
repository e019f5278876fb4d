"""Which passages speak about *this* patient.

Case reports open with background on the disease and close with discussion; their diseases, tumours
and viruses are not the patient's. Typed sections decide where the reader found headings; untitled
text is classified paragraph by paragraph: the case starts at the first paragraph that introduces
the patient, and later paragraphs stay patient text unless they read as general statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

from ..model import Document, Section, SectionType
from .rules import AttributionRules
from .text import Sentence, iter_paragraphs, split_sentences

__all__ = ["Attributor"]

_NONE_SKIPPED: frozenset[int] = frozenset()
_PATIENT_SECTIONS = {SectionType.CASE, SectionType.INVESTIGATIONS, SectionType.TREATMENT, SectionType.OUTCOME}
# general text in which a sentence whose subject is the patient still speaks of the case
_SUBJECT_SECTIONS = {SectionType.DISCUSSION, SectionType.CONCLUSION}
_GENERAL_SECTIONS = {
    SectionType.BACKGROUND,
    SectionType.DISCUSSION,
    SectionType.CONCLUSION,
    SectionType.TITLE,
}
_CITATION = re.compile(
    r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]|\(\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\)(?=[\s.,;])|\bet al\b"
)
# the word or two before a bracketed number group: a number in them ("8.2 mg/dL (1-15)", "12 (10-20)")
# makes the group a stated reference range of that value, not a reference to the literature
_VALUE_BEFORE = re.compile(r"\d[^\s(]*\s*(?:[^\s\d(]+\s*)?$")


_RANGE = re.compile(r"(\d+)\s*[\u2013-]\s*(\d+)")


def _citations(text: str, start: int, end: int) -> int:
    """Literature references in ``text[start:end]``. A bracketed range after a value is no citation,
    and neither is a range that runs downwards ("(139-116)"): reference lists are cited in order."""
    # every citation the pattern knows starts with one of these: most sentences have none, and no
    # citation starts before the first of them, so the scan starts there
    bracket, paren, et_al = (
        text.find("[", start, end),
        text.find("(", start, end),
        text.find("et al", start, end),
    )
    if bracket < 0 and paren < 0 and et_al < 0:
        return 0
    n = 0
    for m in _CITATION.finditer(text, min(i for i in (bracket, paren, et_al) if i >= 0), end):
        if text[m.start()] == "(" and _VALUE_BEFORE.search(text, max(start, m.start() - 24), m.start()):
            continue
        if any(int(a) >= int(b) for a, b in _RANGE.findall(m.group())):
            continue
        n += 1
    return n


# Any other structured-abstract label ("CASE SUMMARY:", "Case presentation:", "FINDINGS:") ends a part.
_CASE_LABEL = re.compile(r"[A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}:\s")


_LABEL_START = re.compile(r"(?<=[.!?])\s+(?=[A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}:\s)")


def _label_parts(text: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """A paragraph cut where a structured-abstract label ("CASE PRESENTATION:") starts a sentence."""
    cuts = [m.end() for m in _LABEL_START.finditer(text, ps, pe)]
    bounds = [ps, *cuts, pe]
    return [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]


@dataclass
class _Read:
    """What a pass of :meth:`Attributor.patient_sentences` read, for the retry: each paragraph's
    (start, end, number) counts of anchors (None: not counted, see ``patient_sentences``), general
    phrases and citations and its sentences, and whether a sentence (by its start) is general."""

    paragraphs: dict[tuple[int, int, int], tuple[int | None, int, int, list[Sentence]]] = field(
        default_factory=dict
    )
    general: dict[int, bool] = field(default_factory=dict)


class Attributor:
    def __init__(self, rules: AttributionRules) -> None:
        self._anchor = rules.anchors
        self._general = rules.general
        self._opener = rules.openers
        self._caption = rules.caption
        self._general_label = rules.general_label
        self._narrative = rules.narrative
        self._subject = rules.subject
        # False: every paragraph's patient anchors are counted (the way the tests compare against)
        self.lazy_anchors = True

    def patient_sentences(
        self, doc: Document, folded: str, *, retry: bool = False, _read: _Read | None = None
    ) -> list[Sentence]:
        """Sentences that may carry patient facts, in text order. ``_read``: what the first pass counted
        and split, for the retry (the same paragraphs again: on a report without a case opener, such as
        a whole report on one line, the retry doubled the scans of every paragraph)."""
        read = _Read() if _read is None else _read
        out: list[Sentence] = []
        sections = [s for s in doc.sections if not s.excluded] or [
            Section(SectionType.OTHER, 0, len(doc.text))
        ]
        case_started = retry or any(s.type in _PATIENT_SECTIONS for s in sections)
        para_no = 0
        for sec in sections:
            if sec.type in _SUBJECT_SECTIONS:
                for ps, pe in iter_paragraphs(doc.text, sec.start, sec.end):
                    para_no += 1
                    out.extend(self._subject_sentences(doc.text, folded, ps, pe, para_no))
                continue
            if sec.type in _GENERAL_SECTIONS:
                continue
            paragraphs = list(iter_paragraphs(doc.text, sec.start, sec.end))
            if sec.type is SectionType.ABSTRACT:  # each part of a structured abstract on its own
                paragraphs = [part for ps, pe in paragraphs for part in _label_parts(doc.text, ps, pe)]
            for ps, pe in paragraphs:
                para_no += 1
                if self._caption.match(folded, ps):
                    continue  # a figure or table caption describes an image, not the case as it unfolded
                known = read.paragraphs.get((ps, pe, para_no))
                if known is None:
                    known = read.paragraphs[ps, pe, para_no] = (
                        None if self.lazy_anchors else len(self._anchor.findall(folded, ps, pe)),
                        len(self._general.findall(folded, ps, pe)),
                        _citations(doc.text, ps, pe),
                        split_sentences(doc.text, ps, pe, para_no),
                    )
                counted, general, citations, sents = known
                if counted is None and (general or citations or not case_started):
                    counted = len(self._anchor.findall(folded, ps, pe))
                    read.paragraphs[ps, pe, para_no] = (counted, general, citations, sents)
                # the patient anchors are counted only where they can change an answer: in a paragraph
                # with no general phrase and no citation after the case has opened, every use below
                # answers the same whatever their number (keep it, the case goes on, not general)
                anchors = 0 if counted is None else counted
                single = len(sents) == 1
                keep, case_started = _keep_paragraph(
                    sec.type,
                    case_started,
                    anchors,
                    general,
                    citations,
                    single,
                    partial(_found, self._opener, folded, ps, pe),
                    partial(_found, self._narrative, folded, ps, pe),
                )
                if not keep:
                    continue
                label = False
                skipped = (
                    self._abstract_skips(doc.text, folded, sents)
                    if sec.type is SectionType.ABSTRACT
                    else _NONE_SKIPPED
                )
                for sent in sents:
                    if sent.start in skipped:
                        continue
                    if label:  # the caption after a bare "Figure 2." label
                        label = False
                        continue
                    # (a sentence at the paragraph's start: the paragraph's own caption test said no)
                    if sent.start != ps and self._caption.match(folded, sent.start):
                        label = len(folded[sent.start : sent.end].split()) <= 3
                        continue
                    if sent.start == ps and sent.end == pe:
                        # the sentence is the whole paragraph: its counts are the paragraph's
                        if _general_by_counts(anchors, general, citations):
                            continue
                    else:
                        is_general = read.general.get(sent.start)
                        if is_general is None:
                            is_general = read.general[sent.start] = self._general_sentence(
                                doc.text, folded, sent
                            )
                        if is_general:
                            continue
                    out.append(sent)
        if not case_started and not retry:
            # No paragraph introduced a patient: read every non-general paragraph as the case.
            return self.patient_sentences(doc, folded, retry=True, _read=read)
        return out

    def _subject_sentences(self, text: str, folded: str, ps: int, pe: int, para_no: int) -> list[Sentence]:
        """The sentences of a discussion or conclusion paragraph whose subject is this patient ("Our
        patient had ...", "In our case, ...", "The patient described here showed ..."): the discussion
        speaks of the disease in general, but a sentence about the patient is never skipped for where it
        stands. A figure caption is never the case as it unfolded."""
        if self._caption.match(folded, ps):
            return []
        sents = split_sentences(text, ps, pe, para_no)
        return [x for x in sents if self._subject.match(folded, x.start, x.end)]

    def title_sentences(self, doc: Document) -> list[Sentence]:
        """The sentences of the article title: a case report's title names the patient's main
        conditions (read for conditions only, and only where the body does not speak of them)."""
        out: list[Sentence] = []
        for sec in doc.sections:
            if sec.type is SectionType.TITLE and not sec.excluded:
                out.extend(split_sentences(doc.text, sec.start, sec.end, 0))
        return out

    def _abstract_skips(self, text: str, folded: str, sents: list[Sentence]) -> set[int]:
        """Starts of abstract sentences that are not about the patient: the parts a structured abstract
        labels as background, discussion or conclusion (unless the part opens the case: "BACKGROUND: A
        72-year-old man ..."), and, before the sentence that introduces the patient, sentences with
        nothing of the patient in them ("X is treated with A, B and C. We present a girl who ...")."""
        skipped: set[int] = set()
        parts: list[list[Sentence]] = [[]]
        general: list[bool] = [False]
        for sent in sents:
            lm = self._general_label.match(folded, sent.start, sent.end)
            if lm is not None or _CASE_LABEL.match(text, sent.start, sent.end):
                parts.append([])
                general.append(lm is not None)
            parts[-1].append(sent)
        for part, is_general in zip(parts, general, strict=True):
            openers = [i for i, x in enumerate(part) if self._opener.search(folded, x.start, x.end)]
            if is_general and not openers:
                skipped.update(x.start for x in part)
                continue
            first = openers[0] if openers else 0
            for x in part[:first]:
                if not self._anchor.search(folded, x.start, x.end):
                    skipped.add(x.start)
        return skipped

    def _general_sentence(self, text: str, folded: str, sent: Sentence) -> bool:
        """A sentence inside a patient paragraph that speaks about the disease in general: one without a
        patient anchor whose subject is general ("has been reported", "in previous studies"), said twice
        or backed by a citation. A citation alone is no reason: case narratives cite the methods and
        criteria they applied ("confirmed following the criteria [9]"), and one word is never enough."""
        if self._anchor.search(folded, sent.start, sent.end):
            return False
        general = len(self._general.findall(folded, sent.start, sent.end))
        return general >= 2 or (general >= 1 and _citations(text, sent.start, sent.end) > 0)


def _found(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return pattern.search(text, start, end) is not None


def _keep_paragraph(
    kind: SectionType,
    case_started: bool,
    anchors: int,
    general: int,
    citations: int,
    single: bool,
    opener: Callable[[], bool],
    narrative: Callable[[], bool],
) -> tuple[bool, bool]:
    """Whether a paragraph of a section of ``kind`` may carry patient facts, and whether the case has
    started after it. ``opener()`` (a case opener in it) and ``narrative()`` (the past tense) are scans
    of the paragraph, asked only where the counts leave the answer open."""
    if kind in _PATIENT_SECTIONS:
        return True, case_started
    if case_started and citations == 0 and anchors >= general:
        # an opener would keep it (the case has already started), and so would the counts without one
        # (anchors outweigh general phrases, nothing is cited): the opener scan cannot change the answer
        return True, True
    if general <= anchors + 1 and citations == 0 and opener():
        return True, True  # "A 58-year-old man had ..." opens the case even without a pronoun yet
    if not case_started:
        # before the case opens, keep only what reads as this patient, never as general
        return (
            general + citations == 0 and kind is not SectionType.ABSTRACT
        ) or anchors > general + citations, False
    return not _general_paragraph(anchors, general, citations, narrative, single), True


def _general_paragraph(
    anchors: int, general: int, citations: int, narrative: Callable[[], bool], single: bool
) -> bool:
    """Whether a paragraph after the case has opened is general text, not the patient's.

    Its general phrases and citations must outweigh its patient anchors, and be more than one word or
    a bracket: two general phrases, one with a citation, or either in a paragraph that narrates
    nothing in the past tense ("Erlotinib is tolerable up to 2000 mg [4]."). A bracket or one phrase
    in a narrated paragraph ("the field test, which can be unreliable, was repeated"; "the anion gap
    (139-116) was 23") is no reason to drop what the case reports. A one-sentence paragraph is judged
    on its words alone: its patient anchors keep it against as many general phrases, whatever it cites
    ("We started X based on previous studies [11].").
    ``narrative()`` (whether the paragraph narrates in the past tense, a scan of it) is asked last, only
    when the counts leave the answer open.
    """
    if anchors >= general + citations or (single and anchors > 0 and anchors >= general):
        return False
    if general >= 2 or (general >= 1 and citations >= 1):
        return True
    return not narrative()


def _general_by_counts(anchors: int, general: int, citations: int) -> bool:
    """:meth:`Attributor._general_sentence` from counts already taken over the same span."""
    if anchors:
        return False
    return general >= 2 or (general >= 1 and citations > 0)
