"""Which passages speak about *this* patient.

Case reports open with background on the disease and close with discussion; their diseases, tumours
and viruses are not the patient's. Typed sections decide where the reader found headings; untitled
text is classified paragraph by paragraph: the case starts at the first paragraph that introduces
the patient, and later paragraphs stay patient text unless they read as general statements.
"""

from __future__ import annotations

import re

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


class Attributor:
    def __init__(self, rules: AttributionRules) -> None:
        self._anchor = rules.anchors
        self._general = rules.general
        self._opener = rules.openers
        self._caption = rules.caption

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
            for ps, pe in iter_paragraphs(doc.text, sec.start, sec.end):
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
                for sent in split_sentences(doc.text, ps, pe, para_no):
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
