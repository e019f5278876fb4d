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
# the word or two before a bracketed number group: a number in them ("8.2 mg/dL (1-15)", "12 (10-20)")
# makes the group a stated reference range of that value, not a reference to the literature
_VALUE_BEFORE = re.compile(r"\d[^\s(]*\s*(?:[^\s\d(]+\s*)?$")


def _citations(text: str, start: int, end: int) -> int:
    """Literature references in ``text[start:end]``; a bracketed range after a value is no citation."""
    n = 0
    for m in _CITATION.finditer(text, start, end):
        if text[m.start()] == "(" and _VALUE_BEFORE.search(text, max(start, m.start() - 24), m.start()):
            continue
        n += 1
    return n


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
                citations = _citations(doc.text, ps, pe)
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
                    if self._general_sentence(doc.text, folded, sent):
                        continue
                    out.append(sent)
        if not case_started and not retry:
            # No paragraph introduced a patient: read every non-general paragraph as the case.
            return self.patient_sentences(doc, folded, retry=True)
        return out

    def _general_sentence(self, text: str, folded: str, sent: Sentence) -> bool:
        """A sentence inside a patient paragraph that speaks about the disease in general: one without a
        patient anchor whose subject is general ("has been reported", "in previous studies"), said twice
        or backed by a citation. A citation alone is no reason: case narratives cite the methods and
        criteria they applied ("confirmed following the criteria [9]"), and one word is never enough."""
        if self._anchor.search(folded, sent.start, sent.end):
            return False
        general = len(self._general.findall(folded, sent.start, sent.end))
        return general >= 2 or (general >= 1 and _citations(text, sent.start, sent.end) > 0)
