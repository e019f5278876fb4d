"""Extraction: patient sentences -> one shared context per sentence -> components -> linked facts.

The engine is built once per mapping set (lexicon automaton, typed rules, compiled patterns) and then
reused for every document; it holds no per-document state. For each patient sentence it computes the
context once (mentions, test mentions, ConText assertions), runs the components in ``ORDER``, and
finally the link step joins the facts up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from ..mapping import MappingStore
from ..model import Document, Extraction
from ..text import fold
from .attribution import Attributor
from .conditions import Conditions
from .context import ContextRules, Target
from .family import Family, FamilyRules
from .lexicon import Lexicon
from .link import Linker
from .match_rules import MatchRules
from .medications import Medications
from .mentions import Aliases, MentionFinder
from .observations import Observations
from .outcome import Outcomes
from .patient import PatientReader
from .procedures import Procedures
from .quantities import Quantities
from .rules import (
    AttributionRules,
    ConditionRules,
    MedicationRules,
    ObservationRules,
    OutcomeRules,
    PatientRules,
    ProcedureRules,
    QuantityRules,
    RuleData,
)
from .sentence import Found, SentenceContext
from .timeline import Timeline
from .timeline_rules import TimelineRules

__all__ = ["ORDER", "Extractor"]

_DOMAIN_TARGET = {"conditions": "condition", "drugs": "drug", "procedures": "procedure"}
# The components, in the order they read each sentence. Observations come first: they add the
# results the later components must not take for their own.
ORDER = ("patient", "observations", "conditions", "procedures", "medications", "outcome", "family")


class Component(Protocol):
    def run(self, ctx: SentenceContext, found: Found) -> None: ...


class Extractor:
    def __init__(self, store: MappingStore) -> None:
        data = RuleData(store.load("rules/extraction"))
        self.rule_data = data
        quantities = Quantities(QuantityRules.from_dict(data), store)
        outcome_rules = OutcomeRules.from_dict(data)
        match_rules = MatchRules.from_dict(data)
        procedure_rules = ProcedureRules.from_dict(data)
        self.context_data = RuleData(store.load("rules/context"), "rules/context")
        self.context = ContextRules(self.context_data)
        self.attributor = Attributor(AttributionRules.from_dict(data))
        self.lexicon = Lexicon.load(store)
        self.lexicon.descriptors = match_rules.descriptors
        self.mentions = MentionFinder(self.lexicon, match_rules, outcome_rules)
        self.patient = PatientReader(PatientRules.from_dict(data), quantities)
        self.observations = Observations(ObservationRules.from_dict(data), quantities)
        self.family_data = RuleData(store.load("rules/family"), "rules/family")
        components: dict[str, Component] = {
            "patient": self.patient,
            "observations": self.observations,
            "conditions": Conditions(ConditionRules.from_dict(data), quantities, self.lexicon),
            "procedures": Procedures(procedure_rules),
            "medications": Medications(MedicationRules.from_dict(data), quantities, store),
            "outcome": Outcomes(outcome_rules),
            "family": Family(FamilyRules.from_dict(self.family_data)),
        }
        self.components = tuple(components[name] for name in ORDER)
        self.linker = Linker(procedure_rules, self.observations)
        # the timeline dates the linked facts ("the third day of IVIg" counts from the drug's start)
        self.timeline_data = RuleData(store.load("rules/timeline"), "rules/timeline")
        medication_rules = MedicationRules.from_dict(data)
        self.timeline = Timeline(
            TimelineRules.from_dict(self.timeline_data, quantities),
            quantities,
            outcome_rules,
            medication_rules.taper,
        )

    def extract(self, doc: Document) -> Extraction:
        text = doc.text
        folded = fold(text)
        sentences = self.attributor.patient_sentences(doc, folded)
        aliases = self.mentions.aliases(doc, folded)
        found = Found()
        for index, sent in enumerate(sentences):
            ctx = self._context(text, folded, index, sent.start, sent.end, aliases)
            for component in self.components:
                component.run(ctx, found)
        patient = self.patient.facts(text, folded, sentences)
        facts = replace(self.linker.link(text, folded, patient, found), family=tuple(found.family))
        return self.timeline.date(text, folded, sentences, facts)

    def _context(
        self, text: str, folded: str, index: int, s: int, e: int, aliases: Aliases
    ) -> SentenceContext:
        """Mentions, test mentions and their assertions for sentence ``[s, e)``, computed once."""
        matches = self.mentions.find(text, folded, s, e, aliases)
        tests = self.observations.find_tests(
            text, folded, s, e, [m for m in matches if m.concept.domain == "tests"]
        )
        test_spans = [(t.start, t.end) for t in tests]
        kept = [
            m
            for m in matches
            if m.concept.domain != "tests" and not any(ts <= m.start and m.end <= te for ts, te in test_spans)
        ]
        targets = [Target(m.start, m.end, _DOMAIN_TARGET[m.concept.domain]) for m in kept]
        targets += [Target(t.start, t.end, "test") for t in tests]
        assertions, past = self.context.assert_with_past(folded, s, e, targets)
        return SentenceContext(
            text,
            folded,
            index,
            s,
            e,
            kept,
            assertions[: len(kept)],
            tests,
            assertions[len(kept) :],
            past[: len(kept)],
        )
