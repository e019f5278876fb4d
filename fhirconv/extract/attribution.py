"""Which passages speak about *this* patient.

Case reports open with background on the disease and close with discussion; their diseases, tumours
and viruses are not the patient's. Typed sections decide where the reader found headings; untitled
text is classified paragraph by paragraph: the case starts at the first paragraph that introduces
the patient, and later paragraphs stay patient text unless they read as general statements.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..model import Document, Section, SectionType
from .rules import AttributionRules
from .text import Sentence, iter_paragraphs, split_sentences

__all__ = ["Attributor"]

_PATIENT_SECTIONS = {SectionType.CASE, SectionType.INVESTIGATIONS, SectionType.TREATMENT, SectionType.OUTCOME}
_GENERAL_SECTIONS = {
    SectionType.BACKGROUND,
    SectionType.DISCUSSION,
    SectionType.CONCLUSION,
    SectionType.TITLE,
}
_CITATION = re.compile(
    r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]|\(\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\)(?=[\s.,;])|\bet al\b"
)


# Any other structured-abstract label ("CASE SUMMARY:", "Case presentation:", "FINDINGS:") ends a part.
_CASE_LABEL = re.compile(r"[A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}:\s")


_LABEL_START = re.compile(r"(?<=[.!?])\s+(?=[A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}:\s)")


def _label_parts(text: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """A paragraph cut where a structured-abstract label ("CASE PRESENTATION:") starts a sentence."""
    cuts = [m.end() for m in _LABEL_START.finditer(text, ps, pe)]
    bounds = [ps, *cuts, pe]
    return [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]


class Attributor:
    def __init__(self, rules: AttributionRules) -> None:
        self._anchor = rules.anchors
        self._general = rules.general
        self._opener = rules.openers
        self._caption = rules.caption
        self._general_label = rules.general_label

    def patient_sentences(self, doc: Document, folded: str, *, retry: bool = False) -> list[Sentence]:
        """Sentences that may carry patient facts, in text order."""
        out: list[Sentence] = []
        sections = [s for s in doc.sections if not s.excluded] or [
            Section(SectionType.OTHER, 0, len(doc.text))
        ]
        case_started = retry or any(s.type in _PATIENT_SECTIONS for s in sections)
        para_no = 0
        for sec in sections:
            if sec.type in _GENERAL_SECTIONS:
                continue
            paragraphs = list(iter_paragraphs(doc.text, sec.start, sec.end))
            if sec.type is SectionType.ABSTRACT:  # each part of a structured abstract on its own
                paragraphs = [part for ps, pe in paragraphs for part in _label_parts(doc.text, ps, pe)]
            for ps, pe in paragraphs:
                para_no += 1
                if self._caption.match(folded, ps):
                    continue  # a figure or table caption describes an image, not the case as it unfolded
                anchors = len(self._anchor.findall(folded, ps, pe))
                general = len(self._general.findall(folded, ps, pe))
                citations = len(_CITATION.findall(doc.text, ps, pe))
                opener = self._opener.search(folded, ps, pe) is not None
                if sec.type in _PATIENT_SECTIONS:
                    keep = True
                elif opener and general <= anchors + 1 and citations == 0:
                    # "A 58-year-old man had ..." opens the case even without a pronoun yet
                    case_started = True
                    keep = True
                elif not case_started:
                    # before the case opens, keep only what reads as this patient, never as general
                    keep = (
                        general + citations == 0 and sec.type is not SectionType.ABSTRACT
                    ) or anchors > general + citations
                else:
                    keep = general + citations == 0 or anchors >= general + citations
                if not keep:
                    continue
                label = False
                sents = split_sentences(doc.text, ps, pe, para_no)
                skipped = (
                    self._abstract_skips(doc.text, folded, sents)
                    if sec.type is SectionType.ABSTRACT
                    else set()
                )
                for sent in sents:
                    if sent.start in skipped:
                        continue
                    if label:  # the caption after a bare "Figure 2." label
                        label = False
                        continue
                    if self._caption.match(folded, sent.start):
                        label = len(folded[sent.start : sent.end].split()) <= 3
                        continue
                    if (sent.start, sent.end) == (ps, pe):
                        # the sentence is the whole paragraph: its counts are the paragraph's
                        if _general_by_counts(anchors, general, citations):
                            continue
                    elif self._general_sentence(doc.text, folded, sent):
                        continue
                    out.append(sent)
        if not case_started and not retry:
            # No paragraph introduced a patient: read every non-general paragraph as the case.
            return self.patient_sentences(doc, folded, retry=True)
        return out

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
        """A sentence inside a patient paragraph that cites literature or generalises."""
        if _CITATION.search(text, sent.start, sent.end):
            return not self._anchor.search(folded, sent.start, sent.end)
        general = len(self._general.findall(folded, sent.start, sent.end))
        return general >= 2 and self._anchor.search(folded, sent.start, sent.end) is None


def _general_by_counts(anchors: int, general: int, citations: int) -> bool:
    """:meth:`Attributor._general_sentence` from counts already taken over the same span."""
    if citations:
        return anchors == 0
    return general >= 2 and anchors == 0
