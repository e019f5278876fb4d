"""Which lexicon matches are mentions: ``MatchRules`` compiled once from ``rules/extraction.json``.

Kept apart from ``rules.py`` (the other components' rule sets) so each module stays small; the same
``RuleData`` records which keys it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import alternation, fold, norm_phrase, phrase_pattern, trie_alternation
from .compose import ProcedureComposer
from .rules import RuleData, _after, _before

__all__ = ["MatchRules"]


@dataclass(frozen=True, slots=True)
class MatchRules:
    """Which lexicon matches are mentions: stop terms, modifier heads, drug-name contexts, word suffixes."""

    descriptors: re.Pattern[str]
    condition_stop: frozenset[str]
    # "remained asymptomatic", "no recurrence": a finding of the patient also inside an outcome phrase
    outcome_findings: frozenset[str]
    modifier_head: re.Pattern[str]
    # "hepatitis B and C serology", "epistaxis severity score": the head after a coordinated condition
    # or after one more modifier word still makes the condition part of a test's name
    modifier_head_far: re.Pattern[str]
    # "HIV was negative": the condition names the test whose result follows
    result_after: re.Pattern[str]
    # "testing for syphilis": the condition names what a test looks for
    name_before: re.Pattern[str]
    # "unresponsive to digoxin": the words starting at the mention say how a treatment worked
    stop_phrases: re.Pattern[str]
    # "good bone consolidation" is a healed fracture, "cervical dilatation of 6 cm" a labour finding: the
    # word right before a condition term that gives the term another, non-disease sense
    other_senses: dict[str, frozenset[str]]
    other_senses_after: dict[str, frozenset[str]]  # "aspiration drainage": the word after does the same
    # "elevated serum creatinine of 160 umol/l": a number right after an abnormal-level condition that
    # holds a test name makes it that test's measured result
    measured_after: re.Pattern[str]
    drug_stop: frozenset[str]
    drug_level_after: re.Pattern[str]
    drug_level_before: re.Pattern[str]
    drug_not_given_after: re.Pattern[str]
    drug_not_given_before: re.Pattern[str]
    analyte_given_before: re.Pattern[str]  # "intravenous iron": an analyte's name for a drug given
    # "antipsychotics such as quetiapine": drugs named as examples of the class word right before the
    # opener are no administration ("transfusion, such as FFP and platelets" lists what was given)
    drug_examples: re.Pattern[str]
    analyte_given_after: re.Pattern[str]  # "calcium tablets"
    not_drug_endings: tuple[str, ...]  # "preceded", "biologic": never a drug name misspelt by a letter
    suffix_words: dict[str, re.Pattern[str]]
    suffix_endings: dict[str, tuple[str, ...]]  # each domain's endings (``suffix_words``' last part)
    suffix_stop: frozenset[str]
    suffix_stop_prefixes: tuple[str, ...]
    name_heads: dict[str, re.Pattern[str]]  # domain -> words after a mention that make it part of a name
    salt_cations: frozenset[str]
    salt_anions: frozenset[str]
    name_openers: re.Pattern[str]  # "department of <surgery>": the mention names an institution
    device_heads: re.Pattern[str]  # "nephrostomy drain", "gastrostomy tube": a device, not a procedure
    act_noun_endings: tuple[str, ...]  # "drainage tube", "ablation catheter": the act of placing it
    # "referred for evaluation of fatigue", "investigations for thrombophilia": a condition named as what
    # a work-up looks into is the patient's reason for it, not part of a test's name ("testing for
    # syphilis" and "biopsy of the mass" stay the test's: a target searched for, a thing sampled)
    test_object: re.Pattern[str]
    # "the resected duodenum", "seven resected lymph nodes": a participle before its noun describes a
    # specimen; the act was recorded where the text tells it ("the tumour was resected")
    participle_determiners: frozenset[str]
    attributive_breaks: frozenset[str]  # words that end a noun phrase ("was", "with", "in" ...)
    # "the drainage tube was removed", "sutures were removed": taking out a device or stitches is care
    # after the operation, not a procedure of its own
    removed_objects: re.Pattern[str]
    # "painful erythematous swelling", "diabetic ulcer": a one-word condition of adjective form right
    # before a finding noun describes that finding; the noun is the condition
    adjective_endings: tuple[str, ...]
    # what may stand between that adjective and its noun: a comma, "and"/"or" and up to two more words
    # ("perforated and ulcerated lesions", "calcified esophageal mass"), none of them a word that ends
    # the noun phrase ("lethargic with a bulging fontanelle" is two findings)
    attributive_gap: re.Pattern[str]
    # "heart failure therapy", "adjuvant therapy": procedures named by composition (compose.py)
    composer: ProcedureComposer

    @classmethod
    def from_dict(cls, data: RuleData) -> MatchRules:
        # the lists written as tries (exact literals, the same matches in the same order of preference
        # as the flat longest-first lists, see ``trie_alternation``): a flat list of endings is tried at
        # every character of every word, a trie a character or two
        mods = trie_alternation(sorted({fold(w) for w in data.words("suffix_modifiers")}), {})
        suffix_words = {}
        suffix_endings = {}
        for domain, key in (
            ("procedures", "procedure_suffixes"),
            ("tests", "test_suffixes"),
            ("conditions", "condition_suffixes"),
        ):
            suffix_endings[domain] = tuple(sorted(data.words(key), key=lambda x: (-len(x), x)))
            ends = trie_alternation(suffix_endings[domain], {})
            # a finding is the one word ("tenosynovitis"): no procedure modifiers before it
            before = "" if domain == "conditions" else rf"(?:(?:{mods})\s+){{0,2}}"
            suffix_words[domain] = re.compile(rf"(?<!\w){before}[a-z]{{3,}}(?:{ends})(?!\w)")
        return cls(
            descriptors=_before(data.words("abnormal_descriptors"), r"\s+"),
            condition_stop=frozenset(norm_phrase(t) for t in data.words("condition_stop_terms")),
            outcome_findings=frozenset(norm_phrase(t) for t in data.words("outcome_findings")),
            # "hepatitis B virus", "HIV) serology": a closing bracket may stand between
            modifier_head=_after(data.words("condition_modifier_heads"), r"\)?\s+"),
            # one more modifier word ("severity"), or a short coordinated one ("and C", "or HHV-8"):
            # a longer word after "and" starts a noun phrase of its own ("and clear cell carcinoma")
            modifier_head_far=_after(
                data.words("condition_modifier_heads"),
                r"\)?\s+(?:(?:and|or|&)\s+(?!(?:"
                + alternation(data.words("condition_attributive_breaks"))
                + r")(?!\w))(?:[a-z0-9]{1,3}|[a-z0-9]{1,10}-[a-z0-9-]{1,10})|(?!(?:and|or|"
                + alternation(data.words("condition_attributive_breaks"))
                + r")(?!\w))[a-z0-9][a-z0-9-]{0,15})\s+",
            ),
            # "positive for <mutation>" says what the lesion carries, not that a test was negative
            result_after=re.compile(
                _after(data.words("condition_result_words"), r"\s+(?:(?:was|were|is|are)\s+)?").pattern
                + r"(?!\s+for\b)"
            ),
            stop_phrases=phrase_pattern(data.words("condition_stop_phrases")),
            other_senses={
                norm_phrase(term): frozenset(fold(w) for w in words)
                for term, words in data.groups("condition_other_senses").items()
            },
            other_senses_after={
                norm_phrase(term): frozenset(fold(w) for w in words)
                for term, words in data.groups("condition_other_senses_after").items()
            },
            measured_after=re.compile(
                # "(WBC): 54,000/mm3": the test's abbreviation in brackets may stand before the value
                r"\s*(?:\(\s*[a-z][a-z0-9]{0,7}\s*\)\s*)?[:=(]?\s*(?:(?:"
                + alternation(data.words("condition_measured_links"))
                + r")\s+)?\d"
            ),
            # up to two words between, a comma after each: the next names of a list ("serologies such as
            # EBV, hepatitis A ...", "tested negative for HIV and HCV")
            name_before=_before(data.words("condition_name_openers"), r"\s+(?:[a-z0-9-]+,?\s+){0,2}"),
            drug_stop=frozenset(norm_phrase(t) for t in data.words("drug_stop_terms")),
            drug_level_after=_after(data.words("drug_level_after"), r"\s+"),
            drug_level_before=_before(data.words("drug_level_before"), r"\s+"),
            drug_not_given_after=_after(data.words("drug_not_given_after"), r"\s*"),
            # "resistant to vancomycin", "flushed with 10 mL of normal saline"
            drug_not_given_before=_before(
                data.words("drug_not_given_before"), r"\s*(?:\d[\d.,]*\s*[a-zμ]{1,4}\s+(?:of\s+)?)?"
            ),
            analyte_given_before=_before(data.words("analyte_given_before"), r"\s+"),
            drug_examples=re.compile(
                r"[a-z]\s+\(?" + phrase_pattern(data.words("drug_example_openers")).pattern + r"\s*$"
            ),
            analyte_given_after=_after(data.words("analyte_given_after"), r"\s+"),
            not_drug_endings=tuple(data.words("not_drug_word_endings")),
            suffix_words=suffix_words,
            suffix_endings=suffix_endings,
            suffix_stop=frozenset(fold(w) for w in data.words("suffix_stop_words")),
            suffix_stop_prefixes=tuple(fold(w) for w in data.words("suffix_stop_prefixes")),
            test_object=re.compile(
                r"(?:" + alternation(data.words("condition_reason_test_heads")) + r")\s+(?:of|for)"
                r"\s+(?:[a-z0-9'-]+\s+){0,3}$"
            ),
            name_heads={k: _after(v, r"\s+") for k, v in data.groups("mention_name_heads").items()},
            salt_cations=frozenset(norm_phrase(w) for w in data.words("salt_cations")),
            salt_anions=frozenset(norm_phrase(w) for w in data.words("salt_anions")),
            name_openers=_before(data.words("name_openers"), r"\s+(?:[a-z]+\s+){0,2}"),
            device_heads=_after(data.words("device_heads"), r"\s+"),
            act_noun_endings=tuple(data.words("act_noun_endings")),
            participle_determiners=frozenset(fold(w) for w in data.words("procedure_participle_determiners")),
            attributive_breaks=frozenset(fold(w) for w in data.words("condition_attributive_breaks")),
            removed_objects=_before(
                data.words("removed_objects"),
                r"\s+(?:(?:was|were|had|has|have|been|being|then|later|subsequently)\s+){1,3}",
            ),
            adjective_endings=tuple(fold(w) for w in data.words("condition_adjective_endings")),
            attributive_gap=re.compile(
                r"(?:[\s,]+(?:and|or|(?!(?:"
                + alternation(data.words("condition_attributive_breaks"))
                + r")(?!\w))[a-z][a-z-]{0,30})){0,2}\s+"
            ),
            composer=ProcedureComposer.from_dict(data),
        )
