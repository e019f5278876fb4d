"""Shared data model passed between stages.

Every stage reads and writes these frozen dataclasses and nothing else, which keeps the one-way flow
``readers -> extract -> normalize -> fhir`` honest. Offsets are Unicode code points into
``Document.text`` (Python ``str`` indices), the same offsets the FHIR derivation-reference extension
quotes, so any fact can be traced back to its words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "EXCLUDED_SECTION_TYPES",
    "Assertion",
    "Coding",
    "ConditionFact",
    "Document",
    "DocumentFormat",
    "Extraction",
    "FamilyFact",
    "MedicationFact",
    "Mention",
    "MentionRole",
    "Metadata",
    "ObservationFact",
    "OutcomeFact",
    "PatientFacts",
    "ProcedureFact",
    "Quantity",
    "ReferenceRange",
    "RelativeTime",
    "Section",
    "SectionType",
    "Span",
    "TimeAnchor",
]


class DocumentFormat(StrEnum):
    TEXT = "text"
    HTML = "html"
    JATS = "jats"
    BIOC = "bioc"


class SectionType(StrEnum):
    """Typed sections. Extraction reads patient facts only from the patient-bearing ones."""

    TITLE = "title"
    ABSTRACT = "abstract"
    BACKGROUND = "background"  # introduction / background: statements about the disease in general
    CASE = "case"  # case presentation / report / history
    INVESTIGATIONS = "investigations"
    TREATMENT = "treatment"
    OUTCOME = "outcome"
    DISCUSSION = "discussion"
    CONCLUSION = "conclusion"
    OTHER = "other"  # body text with no recognisable heading
    # Kept out of extraction (and, where the reader can, out of Document.text altogether):
    REFERENCES = "references"
    ACKNOWLEDGEMENTS = "acknowledgements"
    NAVIGATION = "navigation"
    FRONT_MATTER = "front-matter"  # journal banner, affiliations, correspondence, codes
    FOOTER = "footer"  # copyright, site footer


EXCLUDED_SECTION_TYPES: frozenset[SectionType] = frozenset(
    {
        SectionType.REFERENCES,
        SectionType.ACKNOWLEDGEMENTS,
        SectionType.NAVIGATION,
        SectionType.FRONT_MATTER,
        SectionType.FOOTER,
    }
)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch ``[start, end)`` of Document.text with its type and original heading (if any)."""

    type: SectionType
    start: int
    end: int
    title: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def excluded(self) -> bool:
        return self.type in EXCLUDED_SECTION_TYPES


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    journal: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    year: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD, only when the source metadata gives the full date


@dataclass(frozen=True, slots=True)
class Document:
    """What every reader produces.

    ``text`` is the cleaned text. Sections tile it in order (no overlaps, gaps allowed only for blank
    lines). ``source_sha256`` is the hash of the original bytes, used in deterministic ids.
    """

    text: str
    sections: tuple[Section, ...]
    metadata: Metadata
    format: DocumentFormat
    source_name: str
    source_sha256: str
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = field(default=())

    def section_at(self, offset: int) -> Section | None:
        for s in self.sections:
            if s.start <= offset < s.end:
                return s
        return None


# --------------------------------------------------------------------------------------------------
# Facts: what extraction found, before FHIR. Mentions keep the words; normalisation adds codes.
# --------------------------------------------------------------------------------------------------


class Assertion(StrEnum):
    PRESENT = "present"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"
    HISTORICAL = "historical"
    FAMILY = "family"  # about someone else: never becomes a patient resource
    # would / may cause / to rule out / at risk of / in case of: not a fact, never becomes a resource
    HYPOTHETICAL = "hypothetical"


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str = ""


class MentionRole(StrEnum):
    """What the words of a mention say about their fact, in neutral terms.

    Extraction speaks only of roles; ``fhir/`` alone maps a role to the element path of the resource it
    builds (``dose`` -> ``MedicationAdministration.dosage.dose``), so a change of resource shape never
    reaches extraction, and evaluation reads roles back from the bundle without parsing paths.
    """

    HEAD = "head"  # the name of the thing: condition, test, drug, procedure
    VALUE = "value"  # a measured value or finding (also the age value)
    INTERPRETATION = "interpretation"  # normal / high / positive ...
    DOSE = "dose"
    ROUTE = "route"
    FREQUENCY = "frequency"
    START = "start"  # when a treatment began ("on the third day")
    DURATION = "duration"  # how long ("for 5 days", "over the following 2 weeks")
    SEX = "sex"
    DECEASED = "deceased"
    OUTCOME = "outcome"  # the words that state the patient's final state
    RELATIONSHIP = "relationship"  # the relative a family-history condition belongs to ("her mother")
    REFERENCE_RANGE = "reference-range"  # a stated normal range ("(reference range 12-16 g/dL)")


@dataclass(frozen=True, slots=True)
class Mention:
    """Words in Document.text that support one part (``role``) of a fact."""

    start: int
    end: int
    text: str
    role: MentionRole


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount exactly as written: ``Decimal("2.40")`` keeps its trailing zero (FHIR decimals carry
    their precision; a float would say 2.4)."""

    value: Decimal
    unit: str  # as written
    ucum: str | None = None  # filled by normalisation (or by extraction for a lexicon's default unit)
    comparator: str | None = None  # ">=" for "in her 60s"

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            raise TypeError(f"Quantity.value must be a finite Decimal, not {self.value!r}")


@dataclass(frozen=True, slots=True)
class ReferenceRange:
    """A normal range stated in the text next to a value; either bound may be absent ("< 5 mg/L")."""

    low: Quantity | None
    high: Quantity | None
    text: str  # the words as written


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """A time phrase resolved to days after the index date (day 0 = presentation).

    ``end_day`` is inclusive (R4 ``Period.end``: "for five days" from day 5 ends on day 9). ``age_years``
    is set when the text gives the patient's age at the time ("at the age of 30") rather than a day.
    """

    phrase: str
    start_day: float | None = None
    end_day: float | None = None
    age_years: float | None = None


@dataclass(frozen=True, slots=True)
class TimeAnchor:
    """One time expression of the narrative as the timeline resolved it (for review and for dating)."""

    start: int
    end: int
    text: str
    kind: str  # presentation | relative | next | past | age | within | following | follow-up | ...
    sentence: int
    day: float | None = None
    end_day: float | None = None  # inclusive, for a stretch ("within eight weeks", "the next two weeks")
    age_years: float | None = None


@dataclass(frozen=True, slots=True)
class PatientFacts:
    age: Quantity | None = None
    age_mention: Mention | None = None
    sex: str | None = None  # FHIR administrative gender
    sex_mention: Mention | None = None
    deceased: bool = False
    deceased_mention: Mention | None = None


@dataclass(frozen=True, slots=True)
class ConditionFact:
    key: str
    text: str
    codings: tuple[Coding, ...]
    cls: str  # sign | disease
    assertion: Assertion
    mentions: tuple[Mention, ...]
    onset: RelativeTime | None = None
    clinical_status: str | None = None  # active | resolved | remission | inactive
    abatement: str | None = None
    abatement_time: RelativeTime | None = None  # filled by the timeline step
    noted: RelativeTime | None = None  # when the text states it (a pertinent negative's date): timeline
    # stated as past history whatever the assertion: "no history of seizures" is negated and past, so
    # it is a refuted past-history Condition, never an absent finding of today's examination
    past: bool = False
    # a diagnosis considered and excluded ("meningitis was ruled out"): a refuted Condition, never an
    # absent finding, whatever its lexicon class (rules/extraction.json ruled_out_cues)
    ruled_out: bool = False


@dataclass(frozen=True, slots=True)
class ObservationFact:
    key: str
    text: str
    codings: tuple[Coding, ...]
    category: str  # laboratory | vital-signs | imaging | exam | procedure
    mentions: tuple[Mention, ...]
    value: Quantity | None = None
    value_text: str | None = None
    interpretation: str | None = None  # normal | abnormal | high | low | positive | negative
    components: tuple[tuple[str, tuple[Coding, ...], Quantity], ...] = ()
    not_performed: bool = False
    reference_range: ReferenceRange | None = None
    time: RelativeTime | None = None  # filled by the timeline step


@dataclass(frozen=True, slots=True)
class MedicationFact:
    key: str
    text: str
    codings: tuple[Coding, ...]
    mentions: tuple[Mention, ...]
    dose: Quantity | None = None
    dose_per_day: bool = False  # the dose is a daily total ("4 mg/day")
    divided: bool = False  # the text says the daily total is divided over the day's doses
    route: str | None = None  # as written
    frequency: str | None = None  # as written
    timing: RelativeTime | None = None
    duration_days: float | None = None
    status: str = "completed"  # completed | not-done | stopped
    tapered: bool = False
    reason_keys: tuple[str, ...] = ()
    dosage_text: str | None = None
    taper: RelativeTime | None = None  # filled by the timeline step ("tapered in the following 5 days")
    history: bool = False  # taken or prescribed outside the episode (home medication): timeline step


@dataclass(frozen=True, slots=True)
class ProcedureFact:
    key: str
    text: str
    codings: tuple[Coding, ...]
    category: str  # diagnostic | surgical | therapeutic
    mentions: tuple[Mention, ...]
    status: str = "completed"  # completed | not-done
    time: RelativeTime | None = None  # filled by the timeline step
    status_reason: str | None = None  # why not done, in the text's words; None when the text does not say


@dataclass(frozen=True, slots=True)
class FamilyFact:
    """A condition of a relative (FamilyMemberHistory); ``relationship`` is an HL7 v3 RoleCode."""

    key: str
    text: str
    codings: tuple[Coding, ...]
    relationship: str
    relationship_display: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class OutcomeFact:
    kind: str  # resolved | improved | remission | died | worsened
    text: str
    mentions: tuple[Mention, ...]
    time: RelativeTime | None = None  # filled by the timeline step


@dataclass(frozen=True, slots=True)
class Extraction:
    patient: PatientFacts
    conditions: tuple[ConditionFact, ...] = ()
    observations: tuple[ObservationFact, ...] = ()
    medications: tuple[MedicationFact, ...] = ()
    procedures: tuple[ProcedureFact, ...] = ()
    outcome: OutcomeFact | None = None
    inpatient: bool = False
    timeline: tuple[TimeAnchor, ...] = ()
    family: tuple[FamilyFact, ...] = ()
    discharge: RelativeTime | None = None  # the end of the encounter, when the text dates the discharge
