"""Extraction: patient sentences -> mentions -> facts about this patient.

The engine is built once per mapping set (lexicon automaton, compiled phrase patterns) and then
reused for every document; it holds no per-document state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..mapping import MappingStore
from ..model import (
    Assertion,
    Coding,
    ConditionFact,
    Document,
    Extraction,
    MedicationFact,
    Mention,
    ObservationFact,
    OutcomeFact,
    PatientFacts,
    ProcedureFact,
    Quantity,
    RelativeTime,
)
from .attribution import Attributor
from .context import ContextRules, Target
from .lexicon import AliasIndex, Concept, Lexicon, Match
from .text import Sentence, fold

__all__ = ["Extractor"]

# Mentions kept per fact: enough to show where it is said, bounded so a term repeated thousands of
# times costs linear time and a bundle of reasonable size.
MAX_MENTIONS = 50

_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+"
_PRONOUNS = frozenset({"she", "her", "he", "his", "him"})
_DOMAIN_TARGET = {"conditions": "condition", "tests": "test", "drugs": "drug", "procedures": "procedure"}


def _phrases(words: Iterable[str]) -> re.Pattern[str]:
    alts = sorted({" ".join(fold(w).split()) for w in words}, key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts) + r")(?!\w)"
    )


def _codings(c: Concept) -> tuple[Coding, ...]:
    return tuple(Coding(s, k, d) for s, k, d in c.codings)


def _clean_number(raw: str) -> str:
    return raw.replace(",", "")


@dataclass
class _Obs:
    start: int
    end: int
    text: str
    codings: tuple[Coding, ...]
    category: str
    concept_id: str
    unit: str | None = None
    value: Quantity | None = None
    value_span: tuple[int, int] | None = None
    value_text: str | None = None
    interpretation: str | None = None
    interp_span: tuple[int, int] | None = None
    not_performed: bool = False
    components: list[tuple[str, tuple[Coding, ...], Quantity]] = field(default_factory=list)
    umbrella: bool = False


class Extractor:
    def __init__(self, store: MappingStore) -> None:
        self.rules = store.load("rules/extraction")
        self.context = ContextRules(store.load("rules/context"))
        self.attributor = Attributor(self.rules)
        self.lexicon = Lexicon.load(store)
        self.lexicon.descriptors = re.compile(_phrases(self.rules["abnormal_descriptors"]).pattern + r"\s+$")
        self._condition_stop = {" ".join(fold(t).split()) for t in self.rules["condition_stop_terms"]}
        self._drug_stop = {" ".join(fold(t).split()) for t in self.rules["drug_stop_terms"]}
        self._drug_level_after = re.compile(
            _phrases(self.rules["drug_level_after"]).pattern.replace("(?<!\\w)", "\\s+", 1)
        )
        self._drug_level_before = re.compile(_phrases(self.rules["drug_level_before"]).pattern + r"\s+$")
        self._drug_ng_after = re.compile(
            _phrases(self.rules["drug_not_given_after"]).pattern.replace("(?<!\\w)", "\\s*", 1)
        )
        self._drug_ng_before = re.compile(_phrases(self.rules["drug_not_given_before"]).pattern + r"\s*$")
        mods = "|".join(
            sorted((re.escape(fold(w)) for w in self.rules["suffix_modifiers"]), key=len, reverse=True)
        )
        self._suffix_words = {}
        for domain, key in (("procedures", "procedure_suffixes"), ("tests", "test_suffixes")):
            ends = "|".join(re.escape(x) for x in sorted(self.rules[key], key=len, reverse=True))
            self._suffix_words[domain] = re.compile(
                rf"(?<!\w)(?:(?:{mods})\s+){{0,2}}[a-z]{{3,}}(?:{ends})(?!\w)"
            )
        self._suffix_stop = {fold(w) for w in self.rules["suffix_stop_words"]}
        self._modifier_head = re.compile(
            _phrases(self.rules["condition_modifier_heads"]).pattern.replace("(?<!\\w)", "\\s+", 1)
        )
        units = store.load("codes/units")["rows"]
        # a dose is an amount, never a length of time ("for 5 days" is a duration)
        self._duration_units = {
            " ".join(fold(k).split())
            for k, v in units.items()
            if (v.get("ucum") or "") in {"s", "min", "h", "d", "wk", "mo", "a"}
        }
        routes = store.load("codes/routes")["rows"]
        freqs = store.load("codes/frequencies")["rows"]
        self.unit_keys = sorted((k for k in units if k != "__default__"), key=len, reverse=True)
        unit_alt = "|".join(re.escape(fold(u)).replace(r"\ ", r"\s*") for u in self.unit_keys)
        self._unit = unit_alt
        self._value_re = re.compile(
            rf"(?P<num>{_NUM})(?:\s*(?:-|to|\u2013)\s*(?P<num2>{_NUM}))?\s*(?P<unit>(?:{unit_alt}))(?![a-z])"
            rf"(?P<perkg>\s*/\s*kg|\s+per\s+kg)?(?P<perday>\s*/\s*(?:day|d|24\s*h)\b|\s+per\s+day|\s+daily|\s+a\s+day)?"
            r"(?:\s*/\s*(?P<route>orally|oral|po|iv|im|sc|intravenously|intramuscularly|subcutaneously)\b)?"
        )
        self._route_re = _phrases(k for k in routes if k != "__default__")
        self._freq_re = _phrases(k for k in freqs if k != "__default__")
        r = self.rules
        self._sex = {sex: _phrases(words) for sex, words in r["sex_words"].items()}
        self._results = [(kind, _phrases(words)) for kind, words in r["result_phrases"].items()]
        self._not_performed = _phrases(r["not_performed_phrases"])
        self._test_heads = _phrases(r["test_heads"])
        self._head_words = {" ".join(fold(w).split()) for w in r["test_heads"]}
        self._result_kind = {
            " ".join(fold(w).split()): kind
            for kind, words in r["result_phrases"].items()
            for w in words
            if " " not in w
        }
        res_alt = _alternation(self._result_kind)
        self._subject_result = re.compile(
            r"\s*(?:(?:the|his|her|their|a|an|both|all)\s+)?"
            r"(?P<np>[a-z][a-z0-9'/ -]{1,60}?)\s+(?:was|were|is|are|remained|became|appeared)\s+"
            r"(?:(?:all|also|still|completely|entirely|markedly|mildly|slightly|strongly|highly|within)\s+)?"
            rf"(?P<res>{res_alt})(?!\w)"
        )
        tw = r["trend_words"]
        self._trend = re.compile(
            rf"(?<!\w)(?:(?P<up>{_alternation(tw['high'])})|(?P<down>{_alternation(tw['low'])}))(?!\w)"
        )
        # "<test> revealed <finding>": the finding runs to the clause end (a decimal point is not an end)
        self._finding = re.compile(
            rf"\s*(?:\([^)]*\)\s*)?(?:{_alternation(r['finding_verbs'])})\s+"
            r"(?P<f>(?:[^.;,]|\.(?=\d)|,(?!\s*(?:and|but|which|while|whereas)\b))+)"
        )
        self._value_lead = re.compile(
            rf"[\s:=,(]*(?:(?:{_alternation(r['value_lead_words'])})\s+){{0,4}}[\s:=(]*"
        )
        self._outcome_negated = re.compile(rf"\b(?:{_alternation(r['outcome_negators'])})\s+(?:\w+\s+)?$")
        self._test_stop = set(r["test_modifier_stop"])
        self._drug_neg = _phrases(r["drug_negation_phrases"])
        self._taper = _phrases(r["taper_words"])
        self._stop = _phrases(r["stop_words"])
        self._outcomes = [(kind, _phrases(words)) for kind, words in r["outcome_phrases"].items()]
        self._admission = _phrases(r["admission_phrases"])
        self._category_words = {k: _phrases(v) for k, v in r["test_category_words"].items()}
        self._diag_proc = _phrases(r["diagnostic_procedure_words"])
        nums = "|".join(sorted((re.escape(w) for w in r["number_words"]), key=len, reverse=True))
        self._numword = r["number_words"]
        self._ordinal = r["ordinal_words"]
        self._time_units = r["time_units"]
        tu = "|".join(sorted((re.escape(u) for u in r["time_units"]), key=len, reverse=True))
        self._qty_words = rf"(?:{_NUM}|(?:{nums})(?:\s+(?:{nums}))?)"
        age_units = "|".join(sorted((re.escape(u) for u in r["age_units"]), key=len, reverse=True))
        self._age_re = re.compile(
            rf"(?<!\w)(?P<n>{self._qty_words})\s*(?P<u>{age_units})\.?\s*(?:old|of\s+age)(?!\w)"
            rf"|(?<!\w)aged\s+(?P<n2>{self._qty_words})\s*(?P<u2>{age_units})?(?!\w)"
            rf"|(?<!\w)(?P<n3>\d{{1,3}})\s*(?P<u3>yo|y/o|y\.o\.|yr|yrs)(?!\w)"
            r"|(?<!\w)in\s+(?:his|her|their)\s+(?:early\s+|mid\s+|late\s+)?(?P<decade>[1-9]0)'?s(?!\w)"
        )
        self._duration_re = re.compile(
            rf"(?<!\w)for\s+(?:the\s+(?:past|last|next|following)\s+|about\s+|over\s+)?(?P<n>{self._qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        self._following_re = re.compile(
            rf"(?<!\w)(?:in|over|during)\s+the\s+(?:following|next)\s+(?P<n>{self._qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        ords = "|".join(sorted((re.escape(w) for w in r["ordinal_words"]), key=len, reverse=True))
        self._start_re = re.compile(
            rf"(?<!\w)on\s+(?:the\s+)?(?:(?P<ord>{ords})|(?P<ordn>\d+)(?:st|nd|rd|th))\s+(?P<u>day|week|month)(?!\w)|(?<!\w)on\s+day\s+(?P<n>\d+)(?!\w)"
        )
        self._within_re = re.compile(
            rf"(?<!\w)(?:within|after|in)\s+(?P<n>{self._qty_words})\s+(?P<u>{tu})(?!\w)"
        )
        self._reason_re = _phrases(r["reason_phrases"])
        # the reason phrase must be followed directly by the condition: "for <condition>"
        self._reason_re = re.compile(
            self._reason_re.pattern + r"\s+(?:(?:the|his|her|their|presumed|suspected|possible|an?)\s+)?"
        )
        self._paren_abbr = re.compile(r"\s*\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9\- ]{0,9}?)\s*\)")

    # ------------------------------------------------------------------ helpers
    def _number(self, raw: str) -> float | None:
        raw = raw.strip().lower()
        if re.fullmatch(_NUM, raw):
            return float(_clean_number(raw))
        total = 0
        for w in raw.split():
            if w not in self._numword:
                return None
            total += self._numword[w]
        return float(total)

    def _days(self, n: str, unit: str) -> float | None:
        value = self._number(n)
        code = self._time_units.get(unit.lower().rstrip("."))
        if value is None or code is None:
            return None
        return value * {"min": 1 / 1440, "h": 1 / 24, "d": 1, "wk": 7, "mo": 30, "a": 365}[code]

    # ------------------------------------------------------------------ main
    def extract(self, doc: Document) -> Extraction:
        text = doc.text
        folded = fold(text)
        sentences = self.attributor.patient_sentences(doc, folded)
        aliases = self._aliases(doc, text, folded)
        patient = self._patient(text, folded, sentences)

        conditions: dict[tuple[str, Assertion], ConditionFact] = {}
        observations: list[_Obs] = []
        medications: dict[str, MedicationFact] = {}
        procedures: dict[tuple[str, str], ProcedureFact] = {}
        outcome: OutcomeFact | None = None
        inpatient = False
        for sent in sentences:
            s, e = sent.start, sent.end
            if self._admission.search(folded, s, e):
                inpatient = True
            matches = self.lexicon.match(text, folded, s, e) + self._alias_matches(text, aliases, s, e)
            matches = _dedupe(matches + self._suffix_matches(text, folded, s, e, matches))
            matches = self._drug_context(folded, s, e, matches)
            outcome_spans = [
                (om.start(), om.end()) for _, pat in self._outcomes for om in pat.finditer(folded, s, e)
            ]
            matches = [
                m
                for m in matches
                if m.concept.domain != "conditions"
                or (
                    " ".join(folded[m.start : m.end].split()) not in self._condition_stop
                    and not any(os_ <= m.start and m.end <= oe for os_, oe in outcome_spans)
                    and not self._modifier_head.match(folded, m.end, e)
                )
            ]
            tests = self._tests(text, folded, s, e, [m for m in matches if m.concept.domain == "tests"])
            test_spans = [(t.start, t.end) for t in tests]
            kept = [
                m
                for m in matches
                if m.concept.domain != "tests"
                and not any(ts <= m.start and m.end <= te for ts, te in test_spans)
            ]
            targets = [Target(m.start, m.end, _DOMAIN_TARGET[m.concept.domain]) for m in kept]
            targets += [Target(t.start, t.end, "test") for t in tests]
            assertions = self.context.assert_targets(folded, s, e, targets)
            self._results_for(text, folded, s, e, tests)
            n_tests = len(tests)
            self._listed_results(text, folded, s, e, tests, kept)
            assertions = assertions + [Assertion.PRESENT] * (len(tests) - n_tests)
            for t, a in zip(tests, assertions[len(kept) :], strict=True):
                if a is Assertion.NEGATED and t.interpretation is None and not t.not_performed:
                    t.not_performed = bool(self._not_performed.search(folded, t.end, e))
                if a is not Assertion.FAMILY:
                    observations.append(t)
                    if t.category in ("imaging", "procedure") or self._diag_proc.search(
                        folded, t.start, t.end
                    ):
                        self._add_procedure(
                            procedures,
                            text,
                            t.start,
                            t.end,
                            t.codings,
                            "diagnostic",
                            "not-done" if t.not_performed else "completed",
                            t.concept_id,
                        )
            drug_matches = [m for m in kept if m.concept.domain == "drugs"]
            for m, a in zip(kept, assertions[: len(kept)], strict=True):
                dom = m.concept.domain
                if a is Assertion.FAMILY:
                    continue
                if dom == "conditions":
                    self._add_condition(conditions, text, m, a)
                elif dom == "procedures":
                    status = (
                        "not-done"
                        if a is Assertion.NEGATED or self._not_performed.search(folded, m.end, e)
                        else "completed"
                    )
                    self._add_procedure(
                        procedures,
                        text,
                        m.start,
                        m.end,
                        _codings(m.concept),
                        "surgical" if m.concept.cls == "surgical" else "therapeutic",
                        status,
                        m.concept.id,
                    )
            reasons = {
                m.start: f"{m.concept.id}|{a.value}"
                for m, a in zip(kept, assertions[: len(kept)], strict=True)
                if m.concept.domain == "conditions" and a in (Assertion.PRESENT, Assertion.UNCERTAIN)
            }
            for i, m in enumerate(drug_matches):
                nxt = drug_matches[i + 1].start if i + 1 < len(drug_matches) else e
                self._add_medication(medications, text, folded, m, nxt, s, e, drug_matches, reasons)
            found = self._outcome(text, folded, s, e)
            if found is not None:
                outcome = _merge_outcome(outcome, found)
            self._onsets(text, folded, s, e, conditions)

        obs_facts = self._observation_facts(text, observations)
        cond_facts = list(conditions.values())
        if outcome is not None and outcome.kind in ("resolved", "remission"):
            status = "resolved" if outcome.kind == "resolved" else "remission"
            cond_facts = [
                replace(c, clinical_status=status, abatement=outcome.text)
                if c.assertion in (Assertion.PRESENT, Assertion.UNCERTAIN) and c.clinical_status is None
                else c
                for c in cond_facts
            ]
        if outcome is not None and outcome.kind == "died":
            death = outcome.mentions[0]
            patient = replace(
                patient, deceased=True, deceased_mention=replace(death, path="Patient.deceased[x]")
            )
        return Extraction(
            patient=patient,
            conditions=tuple(cond_facts),
            observations=tuple(obs_facts),
            medications=tuple(medications.values()),
            procedures=tuple(procedures.values()),
            outcome=outcome,
            inpatient=inpatient,
        )

    # ------------------------------------------------------------------ abbreviations
    def _aliases(self, doc: Document, text: str, folded: str) -> dict[str, tuple[Concept, str]]:
        """Abbreviations the text defines right after a matched term: "syndrome (OMS)"."""
        out: dict[str, tuple[Concept, str]] = {}
        for sec in doc.sections:
            if sec.excluded:
                continue
            for m in self.lexicon.match(text, folded, sec.start, sec.end):
                pm = self._paren_abbr.match(text, m.end)
                if not pm:
                    continue
                abbr = pm.group("abbr").strip()
                if not any(ch.isupper() for ch in abbr) or len(abbr) < 2:
                    continue
                if abbr[0].lower() != text[m.start].lower():
                    continue
                if fold(abbr) == fold(text[m.start : m.end]):
                    continue
                out.setdefault(abbr, (m.concept, " ".join(text[m.start : m.end].split())))
        return AliasIndex(out)

    def _alias_matches(
        self, text: str, aliases: dict[str, tuple[Concept, str]], s: int, e: int
    ) -> list[Match]:
        return AliasIndex.of(aliases).match(text, s, e)

    def _drug_context(self, folded: str, s: int, e: int, matches: list[Match]) -> list[Match]:
        """A drug name is not always a drug given: "serum digoxin level" is a test, "anti-insulin
        antibodies" and "insulin-dependent" are neither, and "medications" names no drug."""
        out: list[Match] = []
        for m in matches:
            if m.concept.domain != "drugs":
                out.append(m)
                continue
            if " ".join(folded[m.start : m.end].split()) in self._drug_stop:
                continue
            before = folded[max(s, m.start - 25) : m.start]
            if self._drug_ng_before.search(before) or self._drug_ng_after.match(folded, m.end, e):
                continue
            if self._drug_level_after.match(folded, m.end, e) or self._drug_level_before.search(before):
                c = m.concept
                test = Concept(
                    "tests", f"level:{c.id}", f"{c.display} level", "lab", c.codings, None, "laboratory"
                )
                out.append(Match(m.start, m.end, test, m.expansion))
                continue
            out.append(m)
        return out

    def _suffix_matches(self, text: str, folded: str, s: int, e: int, known: list[Match]) -> list[Match]:
        """Words the lexicons lack but whose form says what they are: "-ectomy" is surgery,
        "-graphy"/"-scopy" a test ("hemicolectomy", "cholangiopancreatography")."""
        out: list[Match] = []
        for domain, pat in self._suffix_words.items():
            for m in pat.finditer(folded, s, e):
                head = folded[m.start() : m.end()].split()[-1]
                if head in self._suffix_stop or any(k.start < m.end() and m.start() < k.end for k in known):
                    continue
                words = " ".join(folded[m.start() : m.end()].split())
                if domain == "procedures":
                    concept = Concept("procedures", f"sfx:{words}", text[m.start() : m.end()], "surgical", ())
                else:
                    concept = Concept(
                        "tests", f"sfx:{words}", text[m.start() : m.end()], "diagnostic", (), None, None
                    )
                out.append(Match(m.start(), m.end(), concept))
        return out

    # ------------------------------------------------------------------ patient
    def _patient(self, text: str, folded: str, sentences: list[Sentence]) -> PatientFacts:
        age: Quantity | None = None
        age_m: Mention | None = None
        sex: str | None = None
        sex_m: Mention | None = None
        for sent in sentences:
            m = self._age_re.search(folded, sent.start, sent.end)
            if not m:
                continue
            n = m.group("n") or m.group("n2") or m.group("n3") or m.group("decade")
            u = m.group("u") or m.group("u2") or m.group("u3") or "years"
            value = self._number(n)
            unit = self.rules["age_units"].get(u.lower().rstrip("."), "a")
            if value is None:
                continue
            words = {"a": "years", "mo": "months", "wk": "weeks", "d": "days"}[unit]
            # "in her 60s": the decade's start, marked as a lower bound
            age = Quantity(_fmt(value), words, unit, ">=" if m.group("decade") else None)
            age_m = Mention(m.start(), m.end(), text[m.start() : m.end()], "Observation.value[x]")
            window_end = min(sent.end, m.end() + 40)
            for code, pat in self._sex.items():
                sm = pat.search(folded, m.end(), window_end) or pat.search(
                    folded, max(sent.start, m.start() - 25), m.start()
                )
                if sm and sm.group(0) not in _PRONOUNS:
                    sex, sex_m = (
                        code,
                        Mention(sm.start(), sm.end(), text[sm.start() : sm.end()], "Patient.gender"),
                    )
                    break
            break
        if sex is None:
            counts = {code: 0 for code in self._sex}
            firsts: dict[str, tuple[int, int]] = {}
            for sent in sentences:
                for code, pat in self._sex.items():
                    for sm in pat.finditer(folded, sent.start, sent.end):
                        counts[code] += 1
                        firsts.setdefault(code, (sm.start(), sm.end()))
            best = max(counts, key=lambda c: counts[c])
            others = sum(v for c, v in counts.items() if c != best)
            if counts[best] >= 2 and counts[best] >= 3 * others:
                fs, fe = firsts[best]
                sex, sex_m = best, Mention(fs, fe, text[fs:fe], "Patient.gender")
        return PatientFacts(age=age, age_mention=age_m, sex=sex, sex_mention=sex_m)

    # ------------------------------------------------------------------ conditions
    def _add_condition(
        self, store: dict[tuple[str, Assertion], ConditionFact], text: str, m: Match, a: Assertion
    ) -> None:
        key = (m.concept.id, a)
        mention = Mention(m.start, m.end, text[m.start : m.end], "Condition.code")
        if key in store:
            old = store[key]
            if len(old.mentions) < MAX_MENTIONS:  # repeats past the cap add nothing but size
                store[key] = replace(old, mentions=(*old.mentions, mention))
            return
        store[key] = ConditionFact(
            key=f"{m.concept.id}|{a.value}",
            text=_surface(text, m),
            codings=_codings(m.concept),
            cls=m.concept.cls or "sign",
            assertion=a,
            mentions=(mention,),
        )

    def _onsets(
        self, text: str, folded: str, s: int, e: int, conditions: dict[tuple[str, Assertion], ConditionFact]
    ) -> None:
        """ "presented with vertigo for ten days": onset ten days before day 0 for the sentence's findings."""
        dm = self._duration_re.search(folded, s, e)
        if not dm:
            return
        days = self._days(dm.group("n"), dm.group("u"))
        if days is None:
            return
        for key, c in list(conditions.items()):
            if c.assertion is not Assertion.PRESENT or c.onset is not None:
                continue
            if any(s <= mm.start < dm.start() for mm in c.mentions):
                conditions[key] = replace(c, onset=RelativeTime(text[dm.start() : dm.end()], -days, None))

    # ------------------------------------------------------------------ tests / observations
    def _tests(self, text: str, folded: str, s: int, e: int, lex_tests: list[Match]) -> list[_Obs]:
        """Test mentions: lexicon names and generic noun phrases ending in a test word ("serological
        tests for infections", "oncological bands work-up"), each with an "of/for <target>" tail."""
        out: list[_Obs] = []
        # generic words ("tests", "work-up") are heads of a longer name, not names of their own
        lex_tests = [
            m for m in lex_tests if " ".join(folded[m.start : m.end].split()) not in self._head_words
        ]
        for m in lex_tests:
            end = self._test_tail(folded, m.end, e)
            hm = self._test_heads.match(folded, end, e) if re.match(r"\s", folded[end : end + 1]) else None
            c = m.concept
            out.append(
                _Obs(
                    m.start,
                    end,
                    text[m.start : end],
                    _codings(c),
                    c.category or self._category(folded, m.start, end, c.cls),
                    c.id,
                    unit=c.unit,
                )
            )
            self._shared_head(text, folded, s, m.start, m.end, out, hm)
        for hm in self._test_heads.finditer(folded, s, e):
            hs, he = hm.start(), hm.end()
            if any(o.start <= hs < o.end for o in out):
                continue
            # walk left over modifiers
            base = max(s, hs - 60)
            start, count = hs, 0
            for w in reversed(list(re.finditer(r"[a-z][a-z0-9']*", folded[base:hs]))):
                ws = base + w.start()
                if (
                    folded[ws + len(w.group(0)) : start].strip()
                    or w.group(0) in self._test_stop
                    or count >= 3
                ):
                    break
                if any(o.start <= ws < o.end for o in out):
                    break
                start, count = ws, count + 1
            end = self._test_tail(folded, he, e)
            if count == 0 and end == he:
                continue
            cat = self._category(folded, start, end, "")
            out.append(
                _Obs(start, end, text[start:end], (), cat, "np:" + " ".join(folded[start:end].split()))
            )
            self._shared_head(text, folded, s, start, he, out, hm)
        out.sort(key=lambda o: (o.start, -(o.end - o.start)))
        # a name inside a longer test phrase is the same test ("assays for paraneoplastic antibodies")
        out = [
            o
            for o in out
            if not any(
                p is not o and p.start <= o.start and o.end <= p.end and (p.end - p.start) > (o.end - o.start)
                for p in out
            )
        ]
        # an umbrella term followed by a parenthesised list of tests: the list carries the results
        for i, o in enumerate(out):
            if re.match(r"\s*\(", folded[o.end : e]) and i + 1 < len(out) and out[i + 1].start <= o.end + 3:
                o.umbrella = True
        return out

    _TAIL = re.compile(
        r"\s+(?:for|of)\s+(?:the\s+)?(?:(?!and\b|or\b)[a-z]+\s+){0,2}(?!and\b|or\b)[a-z]+(?=\s*(?:[,;:.)]|and\b|or\b|was\b|were\b|is\b|are\b|revealed\b|"
        r"showed\b|could\b|couldn't\b|after\b|in\b|at\b|on\b|during\b|since\b|$))"
    )

    def _test_tail(self, folded: str, end: int, e: int) -> int:
        """Extend a test name over its "of the brain" / "for infections" target."""
        tail = self._TAIL.match(folded, end, e)
        return tail.end() if tail else end

    def _shared_head(
        self,
        text: str,
        folded: str,
        s: int,
        start: int,
        end: int,
        out: list[_Obs],
        head: re.Match[str] | None,
    ) -> None:
        """ "urine and cerebrospinal fluid examination": the coordinated modifier shares the head word."""
        if head is None and not self._test_heads.search(folded, max(s, end - 15), end):
            return
        co = re.search(r"(?<!\w)([a-z]+)\s+and\s+$", folded[max(s, start - 30) : start])
        if not co or co.group(1) in self._test_stop:
            return
        cs = max(s, start - 30) + co.start(1)
        ce = cs + len(co.group(1))
        if any(o.start <= cs < o.end for o in out):
            return
        word = text[head.start() : head.end()] if head else folded[max(s, end - 15) : end].split()[-1]
        cat = self._category(folded, cs, ce, "")
        out.append(_Obs(cs, ce, f"{text[cs:ce]} {word}", (), cat, f"np:{co.group(1)} {word.lower()}"))

    def _listed_results(
        self, text: str, folded: str, s: int, e: int, tests: list[_Obs], taken: list[Match]
    ) -> None:
        """Results named after the word positive/negative: "positive for CD34 and S100 protein",
        "catalase-negative". Items that are conditions stay conditions (ConText negates them)."""
        busy = [(t.start, t.end) for t in tests] + [(m.start, m.end) for m in taken]

        def add(start: int, end: int, kind: str, ks: int, ke: int) -> None:
            if end - start < 2:
                return
            known = [t for t in tests if t.start < end and start < t.end]
            for t in known:  # already a test by name: it gets the result
                if t.interpretation is None and t.value is None and not t.not_performed:
                    t.interpretation, t.interp_span = kind, (ks, ke)
            if known or any(a < end and start < b for a, b in busy):
                return
            name = " ".join(text[start:end].split())
            key = "np:" + " ".join(folded[start:end].split())
            obs = _Obs(start, end, name, (), "laboratory", key, interpretation=kind, interp_span=(ks, ke))
            tests.append(obs)
            busy.append((start, end))

        for m in _FOR_LIST.finditer(folded, s, e):
            kind = "negative" if m.group("kind") == "negative" else "positive"
            pos = m.start("list")
            for part in re.finditer(r"[^,]+", folded[pos : m.end("list")]):
                for item in re.split(r"\s+(?:and|or|as well as)\s+", part.group(0)):
                    item_s = pos + part.start() + part.group(0).find(item)
                    item_e = item_s + len(item)
                    paren = folded.find("(", item_s, item_e)
                    if paren >= 0:
                        item_e = paren
                    while item_s < item_e and not folded[item_s].isalnum():
                        item_s += 1
                    while item_e > item_s and not folded[item_e - 1].isalnum():
                        item_e -= 1
                    if 0 < len(folded[item_s:item_e].split()) <= 4:
                        add(item_s, item_e, kind, m.start("kind"), m.end("kind"))
        for m in _HYPHEN_RESULT.finditer(text, s, e):
            add(m.start("name"), m.end("name"), m.group("kind"), m.start("kind"), m.end("kind"))
        # "<something> was/were <result>": the subject of the clause is what was observed
        starts = [s] + [c.end() for c in _CLAUSE_START.finditer(folded, s, e)]
        for pos in starts:
            sm = self._subject_result.match(folded, pos, e)
            if sm is None:
                continue
            words = sm.group("np").split()
            if not words or words[0] in self._test_stop or len(words) > 6:
                continue
            found = self._result_kind.get(sm.group("res"))
            if found:
                add(sm.start("np"), sm.end("np"), found, sm.start("res"), sm.end("res"))

    def _results_for(self, text: str, folded: str, s: int, e: int, tests: list[_Obs]) -> None:
        """Values, qualitative results and "not performed", distributed over coordinated tests."""
        if not tests:
            return
        for i, t in enumerate(tests):
            nxt = tests[i + 1].start if i + 1 < len(tests) else e
            window = folded[t.end : nxt]
            if re.search(r"blood pressure|\bbp\b", folded[t.start : t.end]):
                bm = re.search(r"(?P<sys>\d{2,3})\s*/\s*(?P<dia>\d{2,3})", window[:40])
                if bm:
                    vs = t.end + bm.start()
                    ve = t.end + bm.end()
                    um = re.match(r"\s*mm\s*hg", folded[ve:nxt])
                    if um:
                        ve += um.end()
                    t.value_span = (vs, ve)
                    t.components = [
                        (
                            "Systolic blood pressure",
                            (Coding("http://loinc.org", "8480-6", "Systolic blood pressure"),),
                            Quantity(bm.group("sys"), "mmHg", "mm[Hg]"),
                        ),
                        (
                            "Diastolic blood pressure",
                            (Coding("http://loinc.org", "8462-4", "Diastolic blood pressure"),),
                            Quantity(bm.group("dia"), "mmHg", "mm[Hg]"),
                        ),
                    ]
                    continue
            vm = self._value_lead.match(window)
            start_at = vm.end() if vm else 0
            qm = self._value_re.match(window, start_at)
            if qm is None:
                plain = re.match(rf"(?P<num>{_NUM})(?!\s*/\s*\d)(?![\w.%/])", window[start_at:])
                if plain and t.unit is not None and start_at <= 25:
                    vs = t.end + start_at + plain.start()
                    ve = t.end + start_at + plain.end()
                    t.value = Quantity(_clean_number(plain.group("num")), t.unit, None)
                    t.value_span = (vs, ve)
                    continue
            if qm is not None and start_at <= 25:
                vs, ve = t.end + qm.start(), t.end + qm.end()
                unit_raw = text[t.end + qm.start("unit") : t.end + qm.end("unit")]
                t.value = Quantity(_clean_number(qm.group("num")), unit_raw)
                # "decreased to 90%": the trend word is part of the result and says which way it went
                trend = self._trend.search(window, 0, start_at)
                if trend:
                    vs = t.end + trend.start()
                    t.interpretation = t.interpretation or ("high" if trend.group("up") else "low")
                t.value_span = (vs, ve)
                continue
        # qualitative results: a result phrase applies to every test before it in its clause
        pending: list[_Obs] = []
        order = sorted(tests, key=lambda o: o.start)
        cursor = 0
        events: list[tuple[int, int, str]] = []
        for kind, pat in self._results:
            for m in pat.finditer(folded, s, e):
                if any(o.start <= m.start() < o.end for o in order):
                    continue
                events.append((m.start(), m.end(), kind))
        for m in self._not_performed.finditer(folded, s, e):
            events.append((m.start(), m.end(), "not-performed"))
        events = _longest(events)
        for es, ee, kind in events:
            while cursor < len(order) and order[cursor].start < es:
                pending.append(order[cursor])
                cursor += 1
            targets = [
                o
                for o in pending
                if o.value is None and not o.components and o.interpretation is None and not o.not_performed
            ]
            # results right before a test ("normal EEG", "elevated CRP") belong to the next test
            if not targets and cursor < len(order) and 0 <= order[cursor].start - ee <= 2:
                targets = [order[cursor]]
            for o in targets:
                if kind == "not-performed":
                    o.not_performed = True
                else:
                    o.interpretation = kind
                    o.interp_span = (es, ee)
            pending = []
        # exam-style findings: "<exam> revealed <finding>" keeps the finding as the value text
        for t in tests:
            if t.value or t.interpretation or t.not_performed or t.components:
                continue
            fm = self._finding.match(folded, t.end, e)
            if not fm:
                continue
            fs, fe = fm.start("f"), fm.end("f")
            # the finding stops where the next test of the sentence begins ("revealed a troponin of ...")
            fe = min([fe, *(o.start for o in tests if fs <= o.start < fe)])
            cut = re.search(r"(?:,\s*|\s+)(?:and|but|which|while|with)?\s*$", folded[fs:fe])
            if cut:
                fe = fs + cut.start()
            words = [w for w in folded[fs:fe].split() if w not in self._test_stop]
            if len(words) >= 1 and len("".join(words)) >= 3:
                t.value_text = text[fs:fe].strip()
                t.value_span = (fs, fe)

    def _observation_facts(self, text: str, obs: list[_Obs]) -> list[ObservationFact]:
        out: dict[str, ObservationFact] = {}
        for o in obs:
            if o.umbrella and o.value is None and not o.components:
                continue
            mentions = [_mention(text, (o.start, o.end), "Observation.code")]
            if o.value_span:
                mentions.append(_mention(text, o.value_span, "Observation.value[x]"))
            if o.interp_span:
                mentions.append(_mention(text, o.interp_span, "Observation.interpretation"))
            key = f"{o.concept_id}@{o.start}"
            out[key] = ObservationFact(
                key=key,
                text=o.text,
                codings=o.codings,
                category=o.category,
                mentions=tuple(mentions),
                value=o.value,
                value_text=o.value_text,
                interpretation=o.interpretation,
                components=tuple(o.components),
                not_performed=o.not_performed,
                default_unit=o.unit,
            )
        return list(out.values())

    def _category(self, folded: str, s: int, e: int, cls: str) -> str:
        """Observation category from the lexicon class, else from the words of the test name."""
        if cls == "vital":
            return "vital-signs"
        for cat, key in (("imaging", "imaging"), ("exam", "exam"), ("procedure", "diagnostic")):
            if cls == key or self._category_words[cat].search(folded, s, e):
                return cat
        return "laboratory"

    # ------------------------------------------------------------------ procedures
    def _add_procedure(
        self,
        store: dict[tuple[str, str], ProcedureFact],
        text: str,
        s: int,
        e: int,
        codings: tuple[Coding, ...],
        category: str,
        status: str,
        concept_id: str,
    ) -> None:
        key = (concept_id, status)
        mention = Mention(s, e, text[s:e], "Procedure.code")
        if key in store:
            old = store[key]
            if len(old.mentions) < MAX_MENTIONS:  # repeats past the cap add nothing but size
                store[key] = replace(old, mentions=(*old.mentions, mention))
            return
        store[key] = ProcedureFact(f"{concept_id}|{status}", text[s:e], codings, category, (mention,), status)

    # ------------------------------------------------------------------ medications
    def _add_medication(
        self,
        store: dict[str, MedicationFact],
        text: str,
        folded: str,
        m: Match,
        window_end: int,
        s: int,
        e: int,
        drugs: list[Match],
        reasons: dict[int, str],
    ) -> None:
        c = m.concept
        head = Mention(m.start, m.end, text[m.start : m.end], "MedicationAdministration.medication[x]")
        extra: list[Mention] = []
        dose: Quantity | None = None
        per_day = False
        route: str | None = None
        freq: str | None = None
        # skip an abbreviation in parentheses right after the name
        w_start = m.end
        pm = self._paren_abbr.match(text, m.end)
        if pm and pm.end() <= window_end:
            w_start = pm.end()
        qm = None
        for cand in self._value_re.finditer(folded, w_start, window_end):
            if cand.start() - w_start > 40:
                break
            if " ".join(cand.group("unit").split()) not in self._duration_units:
                qm = cand
                break
        if qm is None:
            # the dose written before the name: "60 mg prednisolone", "40 mg of intravenous furosemide"
            for cand in self._value_re.finditer(folded, max(s, m.start - 40), m.start):
                between = folded[cand.end() : m.start]
                if " ".join(cand.group("unit").split()) in self._duration_units:
                    continue
                if re.fullmatch(r"\s*(?:of\s+)?(?:[a-z.]+\s+){0,2}", between) and not any(
                    d.end <= cand.start() < m.start for d in drugs if d is not m
                ):
                    qm = cand
        dosage_bits: list[str] = []
        if qm is not None:
            unit = text[qm.start("unit") : qm.end("unit")]
            pd = re.search(r"\s*(?:/\s*(?:day|d|24\s*h)|per\s+day|daily)$", unit, flags=re.IGNORECASE)
            if pd:
                unit = unit[: pd.start()]
                per_day = True
            else:
                per_day = False
            if qm.group("perkg"):
                unit = unit + "/kg"
            per_day = per_day or bool(qm.group("perday"))
            dose = Quantity(_clean_number(qm.group("num")), unit)
            extra.append(
                Mention(
                    qm.start(), qm.end(), text[qm.start() : qm.end()], "MedicationAdministration.dosage.dose"
                )
            )
            dosage_bits.append(text[qm.start() : qm.end()])
            if qm.group("route"):
                route = qm.group("route")
                extra.append(
                    Mention(
                        qm.start("route"),
                        qm.end("route"),
                        text[qm.start("route") : qm.end("route")],
                        "MedicationAdministration.dosage.route",
                    )
                )
        rm = self._route_re.search(folded, m.start, m.end) or self._route_re.search(
            folded, w_start, window_end
        )
        if route is None and rm is None:
            # a route word written right before the name: "oral prednisolone"
            for back in self._route_re.finditer(folded, max(s, m.start - 20), m.start):
                if not folded[back.end() : m.start].strip():
                    rm = back
        if route is None and rm is not None:
            route = rm.group(0)
            if not (m.start <= rm.start() < m.end):
                extra.append(
                    Mention(
                        rm.start(),
                        rm.end(),
                        text[rm.start() : rm.end()],
                        "MedicationAdministration.dosage.route",
                    )
                )
        fm = self._freq_re.search(folded, w_start, window_end)
        if fm:
            freq = fm.group(0)
            if qm is None or not (qm.start() <= fm.start() < qm.end()):
                dosage_bits.append(text[fm.start() : fm.end()])
            extra.append(
                Mention(
                    fm.start(),
                    fm.end(),
                    text[fm.start() : fm.end()],
                    "MedicationAdministration.dosage.rate[x]",
                )
            )
        duration = None
        dm = self._duration_re.search(folded, w_start, window_end)
        if dm:
            duration = self._days(dm.group("n"), dm.group("u"))
            dosage_bits.append(text[dm.start() : dm.end()])
            extra.append(
                Mention(
                    dm.start(), dm.end(), text[dm.start() : dm.end()], "MedicationAdministration.effective[x]"
                )
            )
        timing = None
        # the start phrase may follow the whole drug clause ("IVIg (...) was added on the sixth day")
        clause_end = e if m is drugs[-1] else window_end
        sm = self._start_re.search(folded, w_start, clause_end)
        if sm:
            n = sm.group("ord") or sm.group("ordn") or sm.group("n")
            if sm.group("ord"):
                day = float(self._ordinal[sm.group("ord")] - 1)
            elif sm.group("ordn"):
                day = float(int(n) - 1)
            else:
                day = float(int(n))
            unit = sm.group("u") or "day"
            day *= {"day": 1, "week": 7, "month": 30}[unit]
            timing = RelativeTime(text[sm.start() : sm.end()], day, day + duration if duration else None)
            extra.append(
                Mention(
                    sm.start(), sm.end(), text[sm.start() : sm.end()], "MedicationAdministration.effective[x]"
                )
            )
        reason_keys: tuple[str, ...] = ()
        for rm_ in self._reason_re.finditer(folded, w_start, clause_end):
            if rm_.end() in reasons:
                reason_keys = (reasons[rm_.end()],)
                break
        status = "completed"
        if self._drug_neg.search(folded, max(s, m.start - 30), clause_end):
            status = "not-done"
        tapered = bool(self._taper.search(folded, m.end, clause_end))
        if self._stop.search(folded, m.end, clause_end) and status != "not-done":
            status = "stopped" if not tapered else "completed"
        key = c.id
        if key in store:
            old = store[key]
            if tapered and old.timing is not None and old.timing.end_day is None:
                fw = self._following_re.search(folded, m.end, e)
                if fw:
                    d = self._days(fw.group("n"), fw.group("u"))
                    if d is not None:
                        extra.append(
                            Mention(
                                fw.start(),
                                fw.end(),
                                text[fw.start() : fw.end()],
                                "MedicationAdministration.effective[x]",
                            )
                        )
            store[key] = replace(
                old,
                mentions=(*old.mentions, head, *extra)[:MAX_MENTIONS],
                dose=old.dose or dose,
                dose_per_day=old.dose_per_day or (per_day and old.dose is None),
                route=old.route or route,
                frequency=old.frequency or freq,
                timing=old.timing or timing,
                duration_days=old.duration_days or duration,
                tapered=old.tapered or tapered,
                status=status if status != "completed" else old.status,
                dosage_text=old.dosage_text or ("; ".join(dosage_bits) or None),
                reason_keys=old.reason_keys or reason_keys,
            )
            return
        store[key] = MedicationFact(
            key=key,
            text=_surface(text, m),
            codings=_codings(c),
            mentions=(head, *extra),
            dose=dose,
            dose_per_day=per_day,
            route=route,
            frequency=freq,
            timing=timing,
            duration_days=duration,
            status=status,
            tapered=tapered,
            dosage_text="; ".join(dosage_bits) or None,
            reason_keys=reason_keys,
        )

    # ------------------------------------------------------------------ outcome
    def _outcome(self, text: str, folded: str, s: int, e: int) -> OutcomeFact | None:
        best: tuple[int, int, str] | None = None
        rank = {"died": 5, "resolved": 4, "remission": 3, "improved": 2, "worsened": 1}
        for kind, pat in self._outcomes:
            for m in pat.finditer(folded, s, e):
                before = folded[max(s, m.start() - 25) : m.start()]
                if self._outcome_negated.search(before):
                    continue
                if (
                    best is None
                    or rank[kind] > rank[best[2]]
                    or (rank[kind] == rank[best[2]] and m.end() - m.start() > best[1] - best[0])
                ):
                    best = (m.start(), m.end(), kind)
        if best is None:
            return None
        ms, me, kind = best
        return OutcomeFact(
            kind, text[s:e].strip(), (Mention(ms, me, text[ms:me], "ClinicalImpression.summary"),)
        )


# "positive for S-100 protein, vimentin and CD68": one result per listed item
_FOR_LIST = re.compile(
    r"(?<!\w)(?:(?:strongly|weakly|focally|diffusely|also|all)\s+)*(?P<kind>positive|negative|reactive)\s+for\s+"
    r"(?P<list>(?:[^.;:]|\.(?=\d))+)"
)
_CLAUSE_START = re.compile(r"[,;(]|\b(?:and|but|while|whereas)\b")
# "catalase-negative": a result written onto the test name
_HYPHEN_RESULT = re.compile(
    r"(?<![\w-])(?P<name>[A-Za-z0-9]{2,})-(?P<kind>negative|positive)(?!\w)", re.IGNORECASE
)


def _alternation(words: Any) -> str:
    """Regex alternation of folded phrases, longest first (so "were negative" beats "negative")."""
    phrases = sorted({" ".join(fold(w).split()) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


def _mention(text: str, span: tuple[int, int], path: str) -> Mention:
    return Mention(span[0], span[1], text[span[0] : span[1]], path)


def _surface(text: str, m: Match) -> str:
    """The words as written; an abbreviation gets its long form so the resource reads on its own."""
    words = " ".join(text[m.start : m.end].split())
    expansion = m.expansion
    if (
        expansion is None
        and len(words) <= 8
        and words.upper() == words
        and fold(words) != fold(m.concept.display)
    ):
        expansion = m.concept.display
    return f"{words} ({expansion})" if expansion else words


def _merge_outcome(old: OutcomeFact | None, new: OutcomeFact) -> OutcomeFact:
    """The outcome is the final state: death wins wherever it is said; otherwise the last statement."""
    if old is None:
        return new
    if old.kind == "died" and new.kind != "died":
        return old
    if new.kind == "died" and old.kind == "died":
        return OutcomeFact("died", f"{old.text} {new.text}", (*old.mentions, *new.mentions))
    return new


def _dedupe(matches: list[Match]) -> list[Match]:
    matches = sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Match] = []
    for m in matches:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def _longest(events: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    events.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str]] = []
    for ev in events:
        if out and ev[0] < out[-1][1]:
            continue
        out.append(ev)
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)
