"""Gold and predicted mentions, in one shape, so scoring never cares where a span came from.

Spans are code-point offsets into the document text (the same offsets BRAT, UIMA XMI and the
derivation-reference extension use). Discontinuous gold spans are kept as their covering span, as E3C
already stores them, so all three sources are compared on equal terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Span

__all__ = [
    "ADVERSE_EVENT",
    "AGE",
    "ATTRIBUTE_KINDS",
    "CONDITION",
    "EVENT",
    "FAMILY_HISTORY",
    "HISTORY",
    "MEDICATION",
    "OBSERVATION",
    "OBSERVATION_TEST",
    "OBSERVATION_VALUE",
    "OUTCOME",
    "PROCEDURE",
    "SEX",
    "SPAN_CATEGORIES",
    "Attribute",
    "GoldDocument",
    "Mention",
]

# Span categories scored with precision/recall/F1. OBSERVATION is the micro-sum of its two parts.
CONDITION = "condition"
OBSERVATION = "observation"
OBSERVATION_TEST = "observation.test"
OBSERVATION_VALUE = "observation.value"
MEDICATION = "medication"
PROCEDURE = "procedure"
OUTCOME = "outcome"
# A relative's condition (FamilyMemberHistory) and a reaction the text blames on a drug (AdverseEvent):
# scored on the reaction's or the relative's condition words (docs/evaluation.md).
FAMILY_HISTORY = "family_history"
ADVERSE_EVENT = "adverse_event"
SPAN_CATEGORIES: tuple[str, ...] = (
    CONDITION,
    OBSERVATION_TEST,
    OBSERVATION_VALUE,
    MEDICATION,
    PROCEDURE,
    OUTCOME,
    FAMILY_HISTORY,
    ADVERSE_EVENT,
)
# Gold label of past-history spans (MACCROBAT types past disease as History, never as a finding): a
# prediction reported as past history there is the same fact in another scheme, so it is neutral for
# conditions; a present prediction there is still an error.
HISTORY = "History"
# Gold label of E3C body-part spans. The E3C scheme types the words of a pathological structure ("a
# multinodular goiter", "an abdominopelvic mass", "a cervical opacity") as BODYPART, often without a
# CLINENTITY on the same words: a Condition lying wholly inside such a span names what the scheme calls a
# body part, so it is neutral for conditions (one reaching past the span is still scored).
BODYPART = "BODYPART"
# Gold label of E3C events of the patient's story that the scheme did not type as a clinical entity. E3C
# marks every event (finding, test, treatment) as EVENT with its factuality (polarity, contextual
# modality) and adds CLINENTITY only for what its guideline calls a disorder ("a definite pathologic
# process"), so many signs and findings (pallor, a distended abdomen, leucopenia, a mass on imaging) are
# ACTUAL events with no CLINENTITY. A Condition holding such an event word, with the same polarity, is a
# finding the annotators recorded as actual but outside the category: neutral for conditions. Events
# inside a CLINENTITY span, and hypothetical, hedged or generic events, never are (docs/evaluation.md).
EVENT = "EVENT"
# Per-document facts, scored as accuracy over documents that state them.
AGE = "age"
SEX = "sex"
# Medication attributes, scored on matched drugs only.
ATTRIBUTE_KINDS: tuple[str, ...] = ("dose", "route", "frequency", "duration")


@dataclass(frozen=True, slots=True)
class Attribute:
    """A dosage attribute span (dose, route, frequency, duration) attached to a drug mention."""

    kind: str
    span: Span


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of one category, from gold annotation or from a converted bundle.

    ``label`` is the source's own type (``Sign_symptom``, ``CLINENTITY``, ``Condition``...), kept for the
    details output. ``value`` carries a normalised fact where one exists: age as ``"<number> <UCUM>"``,
    sex as ``male``/``female``.
    """

    category: str
    span: Span
    label: str
    negated: bool = False
    value: str | None = None
    attributes: tuple[Attribute, ...] = ()
    ref: str = ""  # gold annotation id or predicted resource fullUrl
    historical: bool = False  # a predicted Condition reported as past history


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated document: its text, its mentions and the categories its scheme annotates at all.

    Categories outside ``annotated`` are not scored (E3C has no medication layer, so predicted drugs are
    neither right nor wrong there).
    """

    doc_id: str
    text: str
    mentions: tuple[Mention, ...]
    annotated: frozenset[str]
    text_path: Path | None = None
    warnings: tuple[str, ...] = field(default=())
    # Spans neither right nor wrong to predict, ``label`` saying why (MACCROBAT repeat mentions typed
    # Coreference; past-history spans typed History, neutral for historical predictions only): a
    # prediction overlapping one, and matching no gold mention, is left out of the counts.
    neutral: tuple[Mention, ...] = field(default=())
