"""Patient: age and sex from the case's first introduction, and whether the patient was admitted."""

from __future__ import annotations

import re

from ..model import Mention, MentionRole, PatientFacts, Quantity
from .quantities import Quantities, fmt_number
from .rules import AGE_UNIT_WORDS, PatientRules
from .sentence import Found, SentenceContext
from .text import Sentence

__all__ = ["PatientReader"]

# a pronoun next to an age says nothing about who is introduced ("at 40 years old, her mother ...")
_PRONOUNS = frozenset({"she", "her", "he", "his", "him"})


class PatientReader:
    def __init__(self, rules: PatientRules, quantities: Quantities) -> None:
        self.rules = rules
        self.q = quantities
        age_units = "|".join(sorted((re.escape(u) for u in rules.age_units), key=len, reverse=True))
        qty = quantities.qty_words
        self.age_re = re.compile(
            rf"(?<!\w)(?P<n>{qty})\s*(?P<u>{age_units})\.?\s*(?:old|of\s+age)(?!\w)"
            rf"|(?<!\w)aged\s+(?P<n2>{qty})\s*(?P<u2>{age_units})?(?!\w)"
            rf"|(?<!\w)(?P<n3>\d{{1,3}})\s*(?P<u3>yo|y/o|y\.o\.|yr|yrs)(?!\w)"
            r"|(?<!\w)in\s+(?:his|her|their)\s+(?:early\s+|mid\s+|late\s+)?(?P<decade>[1-9]0)'?s(?!\w)"
        )

    def run(self, ctx: SentenceContext, found: Found) -> None:
        # (once admitted, admitted: later sentences need no search)
        if not found.inpatient and self.rules.admission.search(ctx.folded, ctx.start, ctx.end):
            found.inpatient = True

    def facts(self, text: str, folded: str, sentences: list[Sentence]) -> PatientFacts:
        """Age (and the sex word next to it) from the first sentence that states an age; otherwise the
        sex the text speaks of consistently."""
        age: Quantity | None = None
        age_m: Mention | None = None
        sex: str | None = None
        sex_m: Mention | None = None
        for sent in sentences:
            m = self.age_re.search(folded, sent.start, sent.end)
            if not m:
                continue
            n = m.group("n") or m.group("n2") or m.group("n3") or m.group("decade")
            u = m.group("u") or m.group("u2") or m.group("u3") or "years"
            value = self.q.number(n)
            unit = self.rules.age_units.get(u.lower().rstrip("."), "a")
            if value is None:
                continue
            # "in her 60s": the decade's start, marked as a lower bound
            age = Quantity(fmt_number(value), AGE_UNIT_WORDS[unit], unit, ">=" if m.group("decade") else None)
            age_m = Mention(m.start(), m.end(), text[m.start() : m.end()], MentionRole.VALUE)
            window_end = min(sent.end, m.end() + 40)
            for code, pat in self.rules.sex.items():
                sm = pat.search(folded, m.end(), window_end) or pat.search(
                    folded, max(sent.start, m.start() - 25), m.start()
                )
                if sm and sm.group(0) not in _PRONOUNS:
                    sex, sex_m = (
                        code,
                        Mention(sm.start(), sm.end(), text[sm.start() : sm.end()], MentionRole.SEX),
                    )
                    break
            break
        if sex is None:
            counts = {code: 0 for code in self.rules.sex}
            nouns = {code: 0 for code in self.rules.sex}
            firsts: dict[str, tuple[int, int]] = {}
            for sent in sentences:
                for code, pat in self.rules.sex.items():
                    for sm in pat.finditer(folded, sent.start, sent.end):
                        counts[code] += 1
                        nouns[code] += sm.group(0) in self.rules.patient_nouns
                        firsts.setdefault(code, (sm.start(), sm.end()))
            best = max(counts, key=lambda c: counts[c])
            others = sum(v for c, v in counts.items() if c != best)
            # twice and consistently, or once as the noun naming the patient ("a case of a girl")
            if (counts[best] >= 2 and counts[best] >= 3 * others) or (nouns[best] and not others):
                fs, fe = firsts[best]
                sex, sex_m = best, Mention(fs, fe, text[fs:fe], MentionRole.SEX)
        return PatientFacts(age=age, age_mention=age_m, sex=sex, sex_mention=sex_m)
