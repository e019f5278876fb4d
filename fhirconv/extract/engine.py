"""Extraction: patient sentences -> one shared context per sentence -> components -> linked facts.

The engine is built once per mapping set (lexicon automaton, typed rules, compiled patterns) and then
reused for every document; it holds no per-document state. For each patient sentence it computes the
context once (mentions, test mentions, ConText assertions), runs the components in ``ORDER``, and
finally the link step joins the facts up.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, Protocol

from ..mapping import MappingStore, user_cache_dir
from ..model import Assertion, Document, Extraction
from ..text import fold
from .adverse import Adverse, AdverseRules
from .attribution import Attributor
from .conditions import Conditions
from .context import ContextRules, Target
from .course import CourseRules, CourseStatements
from .family import Family, FamilyRules
from .fastcopy import maker
from .fastcopy import replaced as replace
from .finding_phrase import Composer
from .findings import vital_concepts
from .lexicon import Lexicon, Match
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
from .tables import TableRules, Tables
from .tagger import MentionTagger
from .text import Sentence
from .timeline import Timeline
from .timeline_rules import TimelineRules
from .triggers import Triggers

# one per mention and test of every sentence: made at about half the price (fastcopy.maker)
_target = maker(Target)

__all__ = ["ORDER", "Extractor"]

_PRESENT = Assertion.PRESENT
_DOMAIN_TARGET = {"conditions": "condition", "drugs": "drug", "procedures": "procedure"}
# The components, in the order they read each sentence. Observations come first: they add the
# results the later components must not take for their own.
ORDER = ("patient", "observations", "conditions", "procedures", "medications", "adverse", "outcome", "family")


_Run = Callable[[SentenceContext, Found], None]
_Step = tuple[_Run, frozenset[Any] | None]
_MAX_STEPS = 1024
_domain = attrgetter("concept.domain")


class Component(Protocol):
    def run(self, ctx: SentenceContext, found: Found) -> None: ...


class Extractor:
    def __init__(self, store: MappingStore, *, tagger: bool = True, one_document: bool = False) -> None:
        """``tagger=False`` leaves the learned tagger out whatever its metadata says (its training
        tool featurises with the rules alone); ``one_document``: the lexicon's automaton is read only as
        far as the text needs (a one-file command; the same matches, see Lexicon.load)."""
        data = RuleData(store.load("rules/extraction"))
        self.rule_data = data
        quantities = Quantities(QuantityRules.from_dict(data), store)
        outcome_rules = OutcomeRules.from_dict(data)
        match_rules = MatchRules.from_dict(data)
        procedure_rules = ProcedureRules.from_dict(data)
        self.context_data = RuleData(store.load("rules/context"), "rules/context")
        self.context = ContextRules(self.context_data)
        self.attributor = Attributor(AttributionRules.from_dict(data))
        self.lexicon = Lexicon.load(store, piecewise=one_document)
        self.lexicon.descriptors = match_rules.descriptors
        self.mentions = MentionFinder(self.lexicon, match_rules, outcome_rules)
        # learned proposals for what the lexicon lacks (None when models/tagger.json disables it)
        self.tagger = MentionTagger.load(store, match_rules.condition_stop) if tagger else None
        self.patient = PatientReader(PatientRules.from_dict(data), quantities)
        course = CourseStatements(CourseRules(data))
        self.observations = Observations(ObservationRules.from_dict(data), quantities, course)
        self.observations.vitals = vital_concepts(self.lexicon, self.observations.rules.vital_tests)
        self.family_data = RuleData(store.load("rules/family"), "rules/family")
        self.events_data = RuleData(store.load("rules/events"), "rules/events")
        self.adverse_rules = AdverseRules.from_dict(self.events_data)
        self.conditions = Conditions(
            ConditionRules.from_dict(data), quantities, self.lexicon, Composer.from_dict(data)
        )
        components: dict[str, Component] = {
            "patient": self.patient,
            "observations": self.observations,
            "conditions": self.conditions,
            "procedures": Procedures(procedure_rules),
            "medications": Medications(MedicationRules.from_dict(data), quantities, store),
            "adverse": Adverse(self.adverse_rules),
            "outcome": Outcomes(outcome_rules, self.mentions.any_outcome),
            "family": Family(FamilyRules.from_dict(self.family_data)),
        }
        self.components = tuple(components[name] for name in ORDER)
        # per component, the (domain, assertion) pairs of the mentions without which its ``run`` adds
        # nothing to what was found (None: it runs on every sentence); ``skip=False`` runs every
        # component on every sentence, the way the skipping is proven exact (test_component_skip.py)
        self.skip = True
        self._plan: tuple[_Step, ...] = tuple((c.run, getattr(c, "needs", None)) for c in self.components)
        self._plan_all: tuple[_Step, ...] = tuple((c.run, None) for c in self.components)
        # the steps of a plan that run on a sentence, per set of its mentions' (domain, assertion)
        # pairs (a few dozen sets occur; bounded), for the plan they were chosen from
        self._steps_for: tuple[_Step, ...] | None = None
        self._steps: dict[frozenset[tuple[str, Assertion]], tuple[_Run, ...]] = {}
        self.linker = Linker(procedure_rules, self.observations, self.adverse_rules)
        # the timeline dates the linked facts ("the third day of IVIg" counts from the drug's start)
        self.timeline_data = RuleData(store.load("rules/timeline"), "rules/timeline")
        medication_rules = MedicationRules.from_dict(data)
        self.timeline = Timeline(
            TimelineRules.from_dict(self.timeline_data, quantities),
            quantities,
            outcome_rules,
            medication_rules.taper,
            (
                medication_rules.stop,
                self.adverse_rules.reaction_cue,
                self.adverse_rules.start_cue,
            ),
        )
        rules = TableRules.from_dict(data)
        self.tables = Tables(rules, self.mentions, self.observations, quantities, self.timeline.column_time)
        # every pattern the components hold answers "nothing" at once where its words are absent
        # (the gates settled by an earlier process are remembered beside the compiled lexicons)
        triggers = Triggers(remember=user_cache_dir() / "gates")
        triggers.watch(self, __package__ or "fhirconv.extract")
        self.triggers = triggers

    def extract(self, doc: Document) -> Extraction:
        folded = fold(doc.text)
        # each section is scanned by the lexicon once, for its abbreviations and all its sentences,
        # and the document once for the words the components' patterns need
        self.triggers.read(folded)
        try:
            with self.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
                return self._extract(doc, folded)
        finally:
            self.triggers.done()

    def _extract(self, doc: Document, folded: str) -> Extraction:
        text = doc.text
        sentences = self.attributor.patient_sentences(doc, folded)
        if doc.tables:
            # table rows are read cell by cell with their headers, never as sentences
            sentences = [s for s in sentences if not any(t.start <= s.start < t.end for t in doc.tables)]
        aliases = self.mentions.aliases(doc, folded)
        found = Found()
        plan = self._plan if self.skip and _in_order(sentences) else self._plan_all
        if self._steps_for is not plan:
            self._steps_for, self._steps = plan, {}
        steps_of = self._steps
        for index, sent in enumerate(sentences):
            ctx = self._context(text, folded, index, sent.start, sent.end, aliases)
            # a component whose ``needs`` no mention of the sentence meets would add nothing: skipped
            # (which components run depends on the (domain, assertion) pairs alone: chosen once per set)
            have = frozenset(zip(map(_domain, ctx.mentions), ctx.assertions, strict=True))
            steps = steps_of.get(have)
            if steps is None:
                steps = _steps(plan, have)
                if len(steps_of) < _MAX_STEPS:
                    steps_of[have] = steps
            for run in steps:
                run(ctx, found)
        self._title_conditions(doc, text, folded, len(sentences), aliases, found)
        if doc.tables:
            starts = [s.start for s in sentences]
            self.tables.read(doc, folded, aliases, found, lambda offset: bisect_left(starts, offset))
        patient = self.patient.facts(text, folded, sentences)
        facts = replace(self.linker.link(text, folded, patient, found), family=tuple(found.family))
        return self.timeline.date(text, folded, sentences, facts)

    def sentence_matches(self, doc: Document) -> list[tuple[int, int, list[Match]]]:
        """Each patient sentence with its rule mentions, as the tagger sees them: its training data
        (tools/train_tagger.py) is made from exactly what it is given at conversion time."""
        folded = fold(doc.text)
        with self.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            sentences = self.attributor.patient_sentences(doc, folded)
            if doc.tables:
                sentences = [s for s in sentences if not any(t.start <= s.start < t.end for t in doc.tables)]
            aliases = self.mentions.aliases(doc, folded)
            return [
                (s.start, s.end, self.mentions.find(doc.text, folded, s.start, s.end, aliases))
                for s in sentences
            ]

    def _title_conditions(
        self, doc: Document, text: str, folded: str, first: int, aliases: Aliases, found: Found
    ) -> None:
        """Conditions the title names and the body does not mention at all (the body's own statement of a
        condition -- present, negated, past or suspected -- always wins, so a title never contradicts
        the case, and what both say is one fact). Only conditions: a title's drugs and procedures are
        often the topic ("endoscopic versus surgical intervention"), not what was done."""
        title = Found()
        for i, sent in enumerate(self.attributor.title_sentences(doc)):
            ctx = self._context(text, folded, first + i, sent.start, sent.end, aliases)
            self.observations.run(ctx, Found())  # a result in the title is no condition either
            self.conditions.run(ctx, title)
        body_keys = {key for key, _ in found.conditions}
        for (key, assertion), fact in title.conditions.items():
            if key not in body_keys and assertion in (Assertion.PRESENT, Assertion.UNCERTAIN):
                found.conditions[key, assertion] = fact

    def _context(
        self, text: str, folded: str, index: int, s: int, e: int, aliases: Aliases
    ) -> SentenceContext:
        """Mentions, test mentions and their assertions for sentence ``[s, e)``, computed once."""
        matches = self.mentions.find(text, folded, s, e, aliases)
        if self.tagger is not None:
            # what the lexicon matched and a rule then set aside ("toxic shock syndrome toxin") is a
            # reading the rules refused: no proposal there either
            refused = self.lexicon.match(text, folded, s, e)
            proposed = self.tagger.propose(text, folded, s, e, matches, refused)
            if proposed:
                matches = sorted([*matches, *proposed], key=lambda m: m.start)
        tests = self.observations.find_tests(
            text, folded, s, e, [m for m in matches if m.concept.domain == "tests"]
        )
        test_spans = [(t.start, t.end) for t in tests]
        examined = self.mentions.rules.test_object
        kept = (
            [
                m
                for m in matches
                if m.concept.domain != "tests"
                and not any(
                    ts <= m.start
                    and m.end <= te
                    # what a work-up looks into ("evaluation of fatigue") stays a condition of its own
                    and not (m.concept.domain == "conditions" and examined.match(folded, ts, m.start))
                    for ts, te in test_spans
                )
            ]
            if test_spans or not self.mentions.shortcuts
            else [m for m in matches if m.concept.domain != "tests"]  # (most sentences name no test)
        )
        triggers = self.context.acting(folded, s, e) if (kept or tests) and self.mentions.shortcuts else None
        if triggers is None and self.mentions.shortcuts:
            # no trigger of the sentence puts anything in its scope (most sentences): all present, none
            # past, and no targets made for the ConText step
            return SentenceContext(
                text,
                folded,
                index,
                s,
                e,
                kept,
                [_PRESENT] * len(kept),
                tests,
                [_PRESENT] * len(tests),
                [False] * len(kept),
            )
        targets = [_target(m.start, m.end, _DOMAIN_TARGET[m.concept.domain]) for m in kept]
        targets += [_target(t.start, t.end, "test") for t in tests]
        assertions, past = self.context.assert_with_past(folded, s, e, targets, triggers)
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


def _steps(plan: tuple[_Step, ...], have: frozenset[tuple[str, Assertion]]) -> tuple[_Run, ...]:
    """The runs of ``plan`` whose ``needs`` (None: every sentence) meet ``have``, in order."""
    return tuple(run for run, needs in plan if needs is None or not needs.isdisjoint(have))


def _in_order(sentences: Sequence[Sentence]) -> bool:
    """Whether the sentences follow one another without overlap: the condition onset rule (which the
    skipping relies on) knows a fact's mentions are all before a sentence by its last one."""
    end = -1
    for sent in sentences:
        if sent.start < end:
            return False
        end = sent.end
    return True
