"""The link step: joins what the components found into facts that refer to each other.

Runs once per document, after every sentence: a test that is a diagnostic procedure also becomes a
Procedure; a drug given "for <condition>" gets that condition as its reason; the outcome closes the
patient's conditions (resolved, remission) or records the death on the patient.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Assertion, Extraction, MedicationFact, MentionRole, PatientFacts
from .observations import Observations
from .procedures import Procedures
from .rules import ProcedureRules
from .sentence import Found, ProcedureCandidate

__all__ = ["Linker"]

_DIAGNOSTIC_CATEGORIES = frozenset({"imaging", "procedure"})


class Linker:
    def __init__(self, rules: ProcedureRules, observations: Observations) -> None:
        self.rules = rules
        self.observations = observations

    def link(self, text: str, folded: str, patient: PatientFacts, found: Found) -> Extraction:
        procedures = Procedures.merge(text, [*self._test_procedures(folded, found), *found.procedures])
        conditions = list(found.conditions.values())
        medications = self._reasons(found)
        outcome = found.outcome
        if outcome is not None and outcome.kind in ("resolved", "remission"):
            status = "resolved" if outcome.kind == "resolved" else "remission"
            conditions = [
                replace(c, clinical_status=status, abatement=outcome.text)
                if c.assertion in (Assertion.PRESENT, Assertion.UNCERTAIN) and c.clinical_status is None
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
        )

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
