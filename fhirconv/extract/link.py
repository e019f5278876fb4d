"""The link step: joins what the components found into facts that refer to each other.

Runs once per document, after every sentence: a test that is a diagnostic procedure also becomes a
Procedure; a drug given "for <condition>" gets that condition as its reason; a reaction a sentence
attributes to a drug becomes an adverse event when both are facts of the patient; the outcome closes the
patient's acute conditions (resolved, remission) -- never chronic background disease such as hypertension
or diabetes, which a recovery from the presenting problem does not end -- or records the death on the
patient.
"""

from __future__ import annotations

from ..model import (
    AdverseEventFact,
    Assertion,
    ConditionFact,
    Extraction,
    MedicationFact,
    MentionRole,
    PatientFacts,
)
from ..text import fold
from .adverse import AdverseRules
from .fastcopy import replaced as replace
from .observations import Observations
from .procedures import Procedures
from .rules import ProcedureRules
from .sentence import Found, ProcedureCandidate

__all__ = ["Linker"]

_DIAGNOSTIC_CATEGORIES = frozenset({"imaging", "procedure"})


class Linker:
    def __init__(self, rules: ProcedureRules, observations: Observations, events: AdverseRules) -> None:
        self.rules = rules
        self.observations = observations
        self.chronic = events.chronic  # words of chronic background disease (mappings/rules/events.json)
        self.states = events.states  # findings that are a state of health or an outcome themselves
        self.outcome_codes = events.outcome_codes

    def chronic_condition(self, c: ConditionFact) -> bool:
        """Background disease a recovery does not end: its words or its coded names say chronic; and a
        finding that is a state of health or an outcome itself ("asymptomatic", "alert", "remission"),
        which the recovery confirms rather than ends."""
        names = [c.text, *(x.display for x in c.codings if x.display)]
        return any(self.chronic.search(fold(n)) or self.states.search(fold(n)) for n in names)

    def link(self, text: str, folded: str, patient: PatientFacts, found: Found) -> Extraction:
        procedures = Procedures.merge(text, [*self._test_procedures(folded, found), *found.procedures])
        conditions = list(found.conditions.values())
        medications = self._reasons(found)
        outcome = found.outcome
        coding = self.outcome_codes.get(outcome.kind) if outcome is not None else None
        if outcome is not None and coding is not None:
            outcome = replace(outcome, codings=(coding,))
        if outcome is not None and outcome.kind in ("resolved", "remission"):
            status = "resolved" if outcome.kind == "resolved" else "remission"
            conditions = [
                replace(c, clinical_status=status, abatement=outcome.text)
                if c.assertion in (Assertion.PRESENT, Assertion.UNCERTAIN)
                and c.clinical_status is None
                and not self.chronic_condition(c)
                else c
                for c in conditions
            ]
        if outcome is not None and outcome.kind == "died":
            death = replace(outcome.mentions[0], role=MentionRole.DECEASED)
            patient = replace(patient, deceased=True, deceased_mention=death)
        return Extraction(
            patient=patient,
            conditions=tuple(conditions),
            observations=tuple(self.observations.facts(text, found.observations)),
            medications=tuple(medications),
            procedures=tuple(procedures),
            outcome=outcome,
            inpatient=found.inpatient,
            adverse_events=self._adverse(found, medications),
        )

    @staticmethod
    def _adverse(found: Found, medications: list[MedicationFact]) -> tuple[AdverseEventFact, ...]:
        """Candidates whose reaction is a present (or past) condition and whose drug was given; one event
        per reaction and drug, its words gathered from every sentence that attributes it."""
        given = {m.key for m in medications if m.status != "not-done"}
        out: dict[str, AdverseEventFact] = {}
        for cand in found.adverse:
            cond = found.conditions.get((cand.condition_id, Assertion.PRESENT)) or found.conditions.get(
                (cand.condition_id, Assertion.HISTORICAL)
            )
            if cond is None or cand.drug_id not in given:
                continue
            key = f"{cond.key}|{cand.drug_id}"
            old = out.get(key)
            if old is None:
                out[key] = AdverseEventFact(
                    key, cond.key, cand.drug_id, cand.mentions, cand.seriousness, cand.hedge
                )
            else:
                out[key] = replace(
                    old,
                    mentions=(*old.mentions, *cand.mentions),
                    seriousness=old.seriousness or cand.seriousness,
                    hedge=None if old.hedge is None or cand.hedge is None else old.hedge,
                )
        return tuple(out.values())

    def _test_procedures(self, folded: str, found: Found) -> list[ProcedureCandidate]:
        """Imaging and diagnostic procedures among the tests are also procedures done (or not done)."""
        out: list[ProcedureCandidate] = []
        for i, t in enumerate(found.observations):
            if t.category in _DIAGNOSTIC_CATEGORIES or self.rules.diagnostic_words.search(
                folded, t.start, t.end
            ):
                status = "not-done" if t.not_performed else "completed"
                # "computed tomography (CT)": the procedure is cited by its name, as the test is
                start, end = t.heads[0] if t.heads else (t.start, t.end)
                out.append(ProcedureCandidate((t.sentence, 0, i), start, end, None, t, status))
        return out

    @staticmethod
    def _reasons(found: Found) -> list[MedicationFact]:
        """A drug's reason: the first present or possible condition that a "for" phrase of it names."""
        at = {
            m.start: c.key
            for c in found.conditions.values()
            if c.assertion in (Assertion.PRESENT, Assertion.UNCERTAIN)
            for m in c.mentions
        }
        out: list[MedicationFact] = []
        for key, med in found.medications.items():
            reason = next(
                (at[off] for offsets in found.reason_offsets.get(key, ()) for off in offsets if off in at),
                None,
            )
            out.append(replace(med, reason_keys=(reason,)) if reason else med)
        return out
