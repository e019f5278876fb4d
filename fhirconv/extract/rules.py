"""Typed extraction rules: ``mappings/rules/extraction.json`` compiled once, one frozen set per component.

Each component reads its own keys through ``from_dict`` (as medspaCy's ``ConTextRule`` does), which
checks the type of every value and compiles the phrase lists into patterns, so a malformed overlay
fails at load time with the key's name instead of deep inside a document. ``RuleData`` records which
keys were read: a key no component reads is dead data, and a test fails on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import MappingError
from ..text import alternation, norm_phrase, phrase_pattern
from ..wordstart import compile_word_start

__all__ = [
    "AttributionRules",
    "MedicationRules",
    "ObservationRules",
    "OutcomeRules",
    "PatientRules",
    "ProcedureRules",
    "QuantityRules",
    "RuleData",
]

METADATA_KEYS = frozenset({"schema", "version", "description", "source", "licence"})


class RuleData:
    """Typed, recorded access to one rules file."""

    def __init__(self, data: Mapping[str, Any], name: str = "rules/extraction") -> None:
        self._data = data
        self.name = name
        self.used: set[str] = set()

    def keys(self) -> set[str]:
        return set(self._data) - METADATA_KEYS

    def _get(self, key: str) -> Any:
        self.used.add(key)
        if key not in self._data:
            raise MappingError(f"{self.name}.json: missing rule key {key!r}")
        return self._data[key]

    def words(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(w, str) and w.strip() for w in value)
        ):
            raise MappingError(f"{self.name}.json: {key!r} must be a non-empty list of phrases")
        return tuple(value)

    def items(self, key: str) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list) or not value:
            raise MappingError(f"{self.name}.json: {key!r} must be a non-empty list")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MappingError(f"{self.name}.json: {key!r} must be a non-negative integer")
        return value

    def groups(self, key: str) -> dict[str, tuple[str, ...]]:
        value = self._get(key)
        if not isinstance(value, dict) or not value:
            raise MappingError(f"{self.name}.json: {key!r} must map names to lists of phrases")
        out: dict[str, tuple[str, ...]] = {}
        for name, words in value.items():
            if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
                raise MappingError(f"{self.name}.json: {key}.{name} must be a non-empty list of phrases")
            out[name] = tuple(words)
        return out

    def table(self, key: str, kind: type) -> dict[str, Any]:
        value = self._get(key)
        if not isinstance(value, dict) or not value or not all(isinstance(v, kind) for v in value.values()):
            raise MappingError(f"{self.name}.json: {key!r} must map words to {kind.__name__} values")
        return dict(value)

    def table_in(self, key: str, allowed: Mapping[str, Any]) -> dict[str, str]:
        out = self.table(key, str)
        bad = sorted(v for v in out.values() if v not in allowed)
        if bad:
            raise MappingError(f"{self.name}.json: {key!r} has unknown values {bad}")
        return out


def _after(words: tuple[str, ...], lead: str) -> re.Pattern[str]:
    """Phrases that must follow a mention after ``lead`` (a whitespace regex) instead of a word boundary."""
    return re.compile(lead + r"(?:" + alternation(words) + r")(?!\w)")


def _before(words: tuple[str, ...], gap: str) -> re.Pattern[str]:
    """Phrases that must end right before a mention (searched in the text just before it)."""
    return re.compile(phrase_pattern(words).pattern + gap + r"$")


# Days per time unit code (the values of ``time_units``).
DAYS_PER_UNIT: dict[str, float] = {"min": 1 / 1440, "h": 1 / 24, "d": 1, "wk": 7, "mo": 30, "a": 365}
AGE_UNIT_WORDS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days"}


@dataclass(frozen=True, slots=True)
class QuantityRules:
    """Number words, ordinals and time units shared by every component that reads amounts of time."""

    number_words: dict[str, int]
    ordinal_words: dict[str, int]
    time_units: dict[str, str]

    @classmethod
    def from_dict(cls, data: RuleData) -> QuantityRules:
        return cls(
            number_words=data.table("number_words", int),
            ordinal_words=data.table("ordinal_words", int),
            time_units=data.table_in("time_units", DAYS_PER_UNIT),
        )


@dataclass(frozen=True, slots=True)
class AttributionRules:
    """Which paragraphs and sentences speak about this patient."""

    anchors: re.Pattern[str]
    general: re.Pattern[str]
    openers: re.Pattern[str]
    caption: re.Pattern[str]  # "Figure 2.", "Fig. 3A", "Table 1": a caption, not the case narrative
    # "DISCUSSION:", "Conclusions:" inside a structured abstract: the part it opens is not the case
    general_label: re.Pattern[str]
    # "was", "were": a paragraph told in the past tense narrates the case, not the disease in general
    narrative: re.Pattern[str]
    # "Our patient", "In our case,": a discussion sentence that opens with them is about the patient
    subject: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> AttributionRules:
        labels = alternation(data.words("abstract_general_labels"))
        return cls(
            anchors=phrase_pattern(data.words("patient_anchors")),
            general=phrase_pattern(data.words("general_markers")),
            openers=phrase_pattern(data.words("case_openers")),
            caption=re.compile(rf"(?:{alternation(data.words('caption_openers'))})\.?\s*(?:\d|[ivx]+\b)"),
            general_label=re.compile(rf"(?<![\w-])(?:{labels})\s*:"),
            narrative=phrase_pattern(data.words("narrative_markers")),
            subject=re.compile(rf"(?:{alternation(data.words('patient_subjects'))})(?!\w)"),
        )


@dataclass(frozen=True, slots=True)
class PatientRules:
    sex: dict[str, re.Pattern[str]]
    age_units: dict[str, str]
    admission: re.Pattern[str]
    # "woman", "boy": nouns that name the patient (never a relative's "mother" or a pronoun)
    patient_nouns: frozenset[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> PatientRules:
        sex = data.groups("sex_words")
        bad = sorted(set(sex) - {"female", "male", "other", "unknown"})
        if bad:
            raise MappingError(f"{data.name}.json: sex_words names no administrative gender: {bad}")
        return cls(
            sex={code: phrase_pattern(words) for code, words in sex.items()},
            age_units=data.table_in("age_units", AGE_UNIT_WORDS),
            admission=phrase_pattern(data.words("admission_phrases")),
            patient_nouns=frozenset(norm_phrase(w) for w in data.words("comorbidity_nouns")),
        )


@dataclass(frozen=True, slots=True)
class ConditionRules:
    """Absence words, state changes, resolution and dated history of conditions."""

    absence_terms: dict[str, str]  # "afebrile" -> "fever": the word says the condition is absent
    absence_after: re.Pattern[str]  # "angina-free", "seizure free": the suffix says it is absent
    state_change: re.Pattern[str]  # "became" right before an absence word: the condition resolved
    resolution_after: re.Pattern[str]  # "<condition> resolved"
    resolution_before: re.Pattern[str]  # "resolution of <condition>"
    history_words: str  # alternation: "<n> <unit> ago/earlier/before/previously/prior"
    history_min_days: int  # that far back, a condition is past history, not the presentation
    onset_verbs: re.Pattern[str]  # "3 years ago she noticed a lump": the start of what is still there
    ruled_out: re.Pattern[str]  # "excluded", "ruled out" near a negated mention: a diagnosis excluded
    # "no cause of the fever was found", "other causes of anaemia were excluded": the negation is of the
    # cause (or the symptoms), not of the condition named after it, which is left unsaid
    effect_before: re.Pattern[str]
    # "a 46-year-old woman with diabetes presented with ...", "a diabetic woman complained of ...": a
    # disease named with the patient before the presenting verb is a known, pre-existing one
    comorbidity_with: re.Pattern[str]
    comorbidity_noun: re.Pattern[str]
    presenting: re.Pattern[str]
    # "she has been asymptomatic for two years": a state reached after the illness, which a duration
    # never dates back from the presentation (the outcome words that are findings, outcome_findings)
    reached_states: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> ConditionRules:
        absence = {
            norm_phrase(w): norm_phrase(target)
            for target, words in data.groups("absence_terms").items()
            for w in words
        }
        return cls(
            absence_terms=absence,
            absence_after=re.compile(
                r"(?:" + "|".join(re.escape(w) for w in data.words("absence_suffixes")) + r")(?![\w-])"
            ),
            state_change=_before(data.words("state_change_words"), r"\s+(?:\w+\s+)?"),
            resolution_after=_after(
                data.words("resolution_after"),
                r"\s+(?:(?:had|has|have|was|were|then|completely|fully|gradually|eventually|later)\s+){0,2}",
            ),
            resolution_before=_before(
                data.words("resolution_before"), r"\s+(?:(?:the|her|his|their|all)\s+)?"
            ),
            history_words=alternation(data.words("history_time_words")),
            history_min_days=data.integer("history_min_days"),
            onset_verbs=phrase_pattern(data.words("onset_verbs")),
            ruled_out=phrase_pattern(data.words("ruled_out_cues")),
            effect_before=_before(data.words("condition_effect_openers"), r"\s+(?:[a-z0-9-]+,?\s+){0,2}"),
            comorbidity_with=compile_word_start(
                r"(?<!\w)(?:" + alternation(data.words("comorbidity_nouns")) + r"),?\s+with\s"
            ),
            comorbidity_noun=_after(data.words("comorbidity_nouns"), r"\s+"),
            presenting=phrase_pattern(data.words("presenting_verbs")),
            reached_states=phrase_pattern(data.words("outcome_findings")),
        )


# test categories (groups of test_category_words) whose result is a finding, not a number: an exam, an
# imaging study or a procedure. One set for the rules check, the value reader and the finding reader.
FINDING_CATEGORIES = frozenset({"exam", "imaging", "procedure"})


@dataclass(frozen=True, slots=True)
class ObservationRules:
    results: tuple[tuple[str, re.Pattern[str]], ...]
    result_kind: dict[str, str]  # one-word result phrase -> kind
    not_performed: re.Pattern[str]
    test_heads: re.Pattern[str]
    head_words: frozenset[str]
    test_stop: frozenset[str]
    category_words: dict[str, re.Pattern[str]]
    finding_verbs: str
    finding_adverbs: str  # "cultures later grew", "MRI subsequently showed"
    culture_after: str  # "<test> grew <organism>" (organisms.py)
    culture_before: str  # "<organism> was isolated from <test>"
    trend: re.Pattern[str]
    value_lead: re.Pattern[str]
    subject_result: re.Pattern[str]
    measured_kinds: frozenset[str]  # unit kinds whose quantities are results even without a known test
    # "fermentation of glucose", "colonies on blood agar": the sentence tests a micro-organism, so an
    # analyte it names without a value is the organism's substrate, not the patient's result
    organism_test: re.Pattern[str]
    # "fever (39.5 C)", "polypneic (26 cpm)": a finding named for a vital sign -> the test its value is of
    vital_tests: dict[str, str]
    hyphen_not_tests: frozenset[str]  # "gram-negative rods": the word before the hyphen is no test
    measure_heads: frozenset[str]  # "peak gradient of 70 mmHg": a name ending so is a measurement's name
    finding_parts: frozenset[str]  # test concepts that are words of a finding ("in the inferior leads")
    analyte_results: frozenset[str]  # "detected": a result of an analyte, never of an exam or image
    cells: frozenset[str]  # cell tests that need a result to be a test: "an infiltrate rich in neutrophils"

    @classmethod
    def from_dict(cls, data: RuleData) -> ObservationRules:
        results = data.groups("result_phrases")
        result_kind = {norm_phrase(w): kind for kind, words in results.items() for w in words if " " not in w}
        heads = data.words("test_heads")
        lead = data.words("value_lead_words")
        # "sodium level, 131 mEq/L": a lead word that names the measure may be followed by a comma
        nominal = tuple(w for w in lead if norm_phrase(w) in {norm_phrase(h) for h in heads}) or lead
        trend = data.groups("trend_words")
        categories = data.groups("test_category_words")
        culture = data.groups("culture_result_verbs")
        missing = FINDING_CATEGORIES - set(categories)
        if missing or {"high", "low"} - set(trend) or {"after", "before"} - set(culture):
            raise MappingError(
                f"{data.name}.json: test_category_words, trend_words or culture_result_verbs lack a group"
                f" ({sorted(missing)})"
            )
        return cls(
            results=tuple((kind, phrase_pattern(words)) for kind, words in results.items()),
            result_kind=result_kind,
            not_performed=phrase_pattern(data.words("not_performed_phrases")),
            test_heads=phrase_pattern(heads),
            head_words=frozenset(norm_phrase(w) for w in heads),
            test_stop=frozenset(data.words("test_modifier_stop")),
            category_words={k: phrase_pattern(v) for k, v in categories.items()},
            finding_verbs=alternation(data.words("finding_verbs")),
            finding_adverbs=alternation(data.words("finding_adverbs")),
            culture_after=alternation(culture["after"]),
            culture_before=alternation(culture["before"]),
            trend=re.compile(
                rf"(?<!\w)(?:(?P<up>{alternation(trend['high'])})|(?P<down>{alternation(trend['low'])}))(?!\w)"
            ),
            value_lead=re.compile(
                rf"[\s:=,()]*(?:(?:{alternation(lead)})\s+|(?:{alternation(nominal)})\s*[,:=]\s*){{0,4}}[\s:=(]*"
            ),
            subject_result=re.compile(
                r"\s*(?:(?:the|his|her|their|a|an|both|all)\s+)?"
                r"(?P<np>[a-z][a-z0-9'/ -]{1,60}?)\s+(?:was|were|is|are|remained|became|appeared)\s+"
                r"(?:(?:all|also|still|completely|entirely|markedly|mildly|slightly|strongly|highly|within)\s+)?"
                rf"(?P<res>{alternation(result_kind)})(?!\w)"
            ),
            measured_kinds=frozenset(data.words("measured_unit_kinds")),
            organism_test=phrase_pattern(data.words("organism_test_words")),
            vital_tests={norm_phrase(k): v for k, v in data.table("finding_vital_tests", str).items()},
            hyphen_not_tests=frozenset(norm_phrase(w) for w in data.words("hyphen_result_not_tests")),
            measure_heads=frozenset(norm_phrase(w) for w in data.words("measured_name_heads")),
            finding_parts=frozenset(data.words("finding_part_tests")),
            analyte_results=frozenset(norm_phrase(w) for w in data.words("analyte_only_results")),
            cells=frozenset(data.words("cell_tests_needing_result")),
        )


@dataclass(frozen=True, slots=True)
class ProcedureRules:
    not_performed: re.Pattern[str]
    diagnostic_words: re.Pattern[str]
    not_done_reason: re.Pattern[str]  # "because of", "declined": the text says why it was not done

    @classmethod
    def from_dict(cls, data: RuleData) -> ProcedureRules:
        return cls(
            not_performed=phrase_pattern(data.words("not_performed_phrases")),
            diagnostic_words=phrase_pattern(data.words("diagnostic_procedure_words")),
            not_done_reason=phrase_pattern(data.words("not_done_reason_cues")),
        )


@dataclass(frozen=True, slots=True)
class MedicationRules:
    negation: re.Pattern[str]
    taper: re.Pattern[str]
    stop: re.Pattern[str]
    reason: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: RuleData) -> MedicationRules:
        # the reason phrase must be followed directly by the condition: "for <condition>"
        reason = phrase_pattern(data.words("reason_phrases")).pattern
        return cls(
            negation=phrase_pattern(data.words("drug_negation_phrases")),
            taper=phrase_pattern(data.words("taper_words")),
            stop=phrase_pattern(data.words("stop_words")),
            reason=re.compile(reason + r"\s+(?:(?:the|his|her|their|presumed|suspected|possible|an?)\s+)?"),
        )


OUTCOME_RANK = {"died": 5, "resolved": 4, "remission": 3, "improved": 2, "worsened": 1}


@dataclass(frozen=True, slots=True)
class OutcomeRules:
    phrases: tuple[tuple[str, re.Pattern[str]], ...]
    negated: re.Pattern[str]
    of_what: re.Pattern[str]  # "recovery of renal function": about a test or drug, not the patient
    other_person: re.Pattern[str]  # "her brother had died": someone else's outcome

    @classmethod
    def from_dict(cls, data: RuleData) -> OutcomeRules:
        phrases = data.groups("outcome_phrases")
        bad = sorted(set(phrases) - set(OUTCOME_RANK))
        if bad:
            raise MappingError(f"{data.name}.json: outcome_phrases has unknown kinds {bad}")
        return cls(
            phrases=tuple((kind, phrase_pattern(words)) for kind, words in phrases.items()),
            negated=re.compile(rf"\b(?:{alternation(data.words('outcome_negators'))})\s+(?:\w+\s+)?$"),
            other_person=compile_word_start(
                rf"(?<!\w)(?:{alternation(data.words('outcome_other_persons'))})(?!\w)(?:[^,;.]{{0,40}})$"
            ),
            of_what=re.compile(
                rf"\s+(?:{alternation(data.words('outcome_subject_words'))})\s+(?:(?:the|his|her|their|serum|blood)\s+)*"
            ),
        )
