"""The per-sentence context every component reads, and the per-document store they fill.

The engine computes a sentence's context once -- its bounds, the folded text, the lexicon matches
that are mentions, the test mentions, and the ConText assertion of each -- and then runs the
components over it in a declared order. Components never re-match or re-assert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Assertion, ConditionFact, FamilyFact, MedicationFact, Mention, OutcomeFact
from .lexicon import Match
from .observations import Obs

NOT_PATIENT_FACTS = frozenset({Assertion.FAMILY, Assertion.OTHER, Assertion.HYPOTHETICAL})


@dataclass(slots=True)
class SentenceContext:
    text: str  # the whole document text (offsets are document offsets)
    folded: str  # fold(text), same length
    index: int  # sentence number in reading order
    start: int
    end: int
    mentions: list[Match]  # lexicon mentions other than tests (conditions, drugs, procedures)
    assertions: list[Assertion]  # one per mention
    tests: list[Obs]  # test mentions (lexicon names and test noun phrases)
    test_assertions: list[Assertion]  # one per test
    past: list[bool] = field(default_factory=list)  # per mention: in the scope of a past-history trigger

    def is_past(self, m: Match) -> bool:
        """Whether a past-history trigger ("history of", "no history of") has this mention in scope."""
        return any(p and k is m for k, p in zip(self.mentions, self.past, strict=False))

    def asserted(self, domain: str) -> list[tuple[Match, Assertion]]:
        """Mentions of one lexicon domain with their assertion; what is about someone else or only
        hypothetical is no fact about the patient and is left out."""
        return [
            (m, a)
            for m, a in zip(self.mentions, self.assertions, strict=True)
            if m.concept.domain == domain and a not in NOT_PATIENT_FACTS
        ]


@dataclass(frozen=True, slots=True)
class ProcedureCandidate:
    """A procedure mention before merging; ``order`` keeps reading order across the components."""

    order: tuple[int, int, int]
    start: int
    end: int
    match: Match | None  # the lexicon procedure, or None for a test that is a diagnostic procedure
    test: Obs | None
    status: str
    reason: str | None = None  # why it was not done, as the text says it


@dataclass(frozen=True, slots=True)
class AdverseCandidate:
    """A reaction a sentence attributes to a drug (adverse.py), before the link step checks that both the
    reaction (a condition concept) and the drug (a given medication) are facts of the patient."""

    condition_id: str  # lexicon concept id of the reaction
    drug_id: str  # lexicon concept id of the drug (the MedicationFact key of a given drug)
    mentions: tuple[Mention, ...]
    seriousness: str | None
    hedge: str | None


@dataclass
class Found:
    """What the components found in one document, before the link step joins it up."""

    conditions: dict[tuple[str, Assertion], ConditionFact] = field(default_factory=dict)
    observations: list[Obs] = field(default_factory=list)
    procedures: list[ProcedureCandidate] = field(default_factory=list)
    medications: dict[str, MedicationFact] = field(default_factory=dict)
    # per medication key, for each mention in order: offsets where a "for <condition>" phrase ends
    reason_offsets: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    outcome: OutcomeFact | None = None
    inpatient: bool = False
    family: list[FamilyFact] = field(default_factory=list)  # conditions of relatives (family.py)
    adverse: list[AdverseCandidate] = field(default_factory=list)  # attributed reactions (adverse.py)
    # per medication key: its mentions (the very tuple) and the names its head mentions spell, so a
    # long report does not rebuild every drug's names in every "<drug>-induced" sentence (adverse.py)
    head_names: dict[str, tuple[tuple[Mention, ...], list[str]]] = field(default_factory=dict)
    # the latest start of a stored condition's last mention, as the conditions component last left the
    # store (-1: none yet): a fact a later sentence does not tell keeps its last mention (conditions.py)
    condition_reach: int = -1
