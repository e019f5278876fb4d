"""Adverse drug reactions: a present condition the text attributes to a drug this patient was given.

Precision first: a sentence yields a candidate only when its own words attribute the reaction to the
drug -- "<reaction> attributed to / induced by / secondary to <drug>", "after starting <drug> ...
<reaction>", "<drug>-induced <reaction>" (``mappings/rules/events.json``). A negator just before the cue
("not attributed to", "unlikely to be related to") or a general marker anywhere in the sentence ("is a
known side effect of", "can cause") means no candidate; so does a reaction that ConText marks negated,
uncertain, hypothetical or about a relative, and a drug that was not given. The link step keeps a
candidate only when both ends became facts of the patient (``link.py``). Mentions carry neutral roles
(head = the reaction, suspect = the drug, causality = the cue); ``fhir/`` alone knows element paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import MappingError
from ..model import Assertion, Coding, Mention, MentionRole
from ..text import alternation, phrase_pattern
from .lexicon import Match
from .rules import RuleData
from .sentence import AdverseCandidate, Found, SentenceContext

__all__ = ["Adverse", "AdverseRules"]

_WORD = re.compile(r"\w+")
# a clause that starts after a strong break is about something else: ";" or a sentence-like colon
_BREAK = re.compile(r"[;:()\[\]]")
_GAP_BREAK = re.compile(r"[,;:.()]")
# after "after starting <drug>" the dose may follow in parentheses: "clonidine (0.15 mg bid), she developed"
_AFTER_BREAK = re.compile(r"[;:]")
# what may stand between a drug's name and its suffix cue: "levetiracetam (LEV)-induced"
_ABBR_TAIL = re.compile(r"\s?(?:\([^()]{1,12}\))?\s?$")
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)")
_REACTION_ASSERTIONS = frozenset({Assertion.PRESENT, Assertion.HISTORICAL})
_SERIOUSNESS = ("death", "life-threatening", "hospitalisation")
_HEDGES = ("probable", "possible")
OUTCOME_KINDS = ("died", "resolved", "worsened", "improved", "remission")


@dataclass(frozen=True, slots=True)
class AdverseRules:
    reaction_cue: re.Pattern[str]  # <reaction> CUE <drug>
    start_cue: re.Pattern[str]  # CUE <drug> ... <reaction>
    suffix_cue: re.Pattern[str]  # <drug>-CUE <reaction>, matched right at the drug's end
    suffix_word: re.Pattern[str]  # the same words anywhere: whether a sentence needs the search at all
    max_gap: int  # words allowed between a cue and its drug ("attributed to the use of <drug>")
    max_reaction: int  # words allowed between a reaction and its cue
    negated: re.Pattern[str]  # a negator in the words just before a cue
    hedges: tuple[tuple[str, re.Pattern[str]], ...]
    general: re.Pattern[str]
    indication: re.Pattern[str]  # "for <condition>" after a drug names why it was given, not its effect
    seriousness: tuple[tuple[str, re.Pattern[str]], ...]
    chronic: re.Pattern[str]
    states: re.Pattern[str]  # a state of health ("asymptomatic", "alert"): no recovery closes it either
    outcome_codes: dict[str, Coding | None]

    @classmethod
    def from_dict(cls, data: RuleData) -> AdverseRules:
        hedges = data.groups("hedges")
        serious = data.groups("seriousness")
        if set(hedges) != set(_HEDGES) or set(serious) != set(_SERIOUSNESS):
            raise MappingError(f"{data.name}.json: hedges/seriousness need keys {_HEDGES}, {_SERIOUSNESS}")
        codes: dict[str, Coding | None] = {}
        raw_codes = data.table("outcome_codes", object)
        for kind in OUTCOME_KINDS:
            row = raw_codes.get(kind)
            if isinstance(row, dict):
                codes[kind] = Coding(row["system"], row["code"], row["display"])
            else:
                codes[kind] = None
        return cls(
            reaction_cue=phrase_pattern(data.words("reaction_cues")),
            start_cue=phrase_pattern(data.words("start_cues")),
            # "levetiracetam (LEV)-induced": an abbreviation may stand between the name and the suffix
            suffix_cue=re.compile(
                r"(?:\s?\([^()]{1,12}\))?\s?(?:" + alternation(data.words("suffix_cues")) + r")(?!\w)"
            ),
            suffix_word=phrase_pattern(data.words("suffix_cues")),
            max_gap=data.integer("max_gap_words"),
            max_reaction=data.integer("max_reaction_words"),
            negated=phrase_pattern(data.words("negators")),
            hedges=tuple((k, phrase_pattern(hedges[k])) for k in _HEDGES),
            general=phrase_pattern(data.words("general_markers")),
            indication=phrase_pattern(data.words("indication_words")),
            seriousness=tuple((k, phrase_pattern(serious[k])) for k in _SERIOUSNESS),
            chronic=phrase_pattern(data.words("chronic_condition_words")),
            states=phrase_pattern(data.words("state_condition_words")),
            outcome_codes=codes,
        )


def _words(folded: str, start: int, end: int) -> int:
    return len(_WORD.findall(folded, start, end)) if end > start else 0


def _before(folded: str, start: int, limit: int, words: int = 5) -> int:
    """Where the ``words`` words before ``start`` begin, within its clause (not before ``limit`` nor
    before a comma): "is not thought to be related to", but not "which was not itchy, was attributed to"."""
    lo = max(limit, start - 60)
    comma = max(folded.rfind(",", lo, start), folded.rfind(";", lo, start))
    lo = max(lo, comma + 1)
    found = [m.start() for m in _WORD.finditer(folded, lo, start)]
    return found[-words] if len(found) >= words else lo


@dataclass(frozen=True, slots=True)
class _Drug:
    start: int
    end: int
    drug_id: str  # lexicon concept id: the key of the MedicationFact of a drug given


class Adverse:
    # ``run`` returns at once without a reaction mention (the engine skips such sentences)
    needs = frozenset(("conditions", a) for a in _REACTION_ASSERTIONS)

    def __init__(self, rules: AdverseRules) -> None:
        self.rules = rules

    def run(self, ctx: SentenceContext, found: Found) -> None:
        folded, s, e = ctx.folded, ctx.start, ctx.end
        pairs = list(zip(ctx.mentions, ctx.assertions, strict=True))
        reactions = [m for m, a in pairs if m.concept.domain == "conditions" and a in _REACTION_ASSERTIONS]
        if not reactions:
            return
        drugs = [
            _Drug(m.start, m.end, m.concept.id)
            for m, a in pairs
            if m.concept.domain == "drugs" and a is Assertion.PRESENT
        ]
        # a reaction is attributed to a drug of this sentence or to one glued to a suffix cue
        # ("<drug>-induced", _suffixed): with neither, nothing below adds anything, and the sentence
        # is not scanned for general statements (most reaction sentences name no drug)
        if not drugs and self.rules.suffix_word.search(folded, s, e) is None:
            return
        if self.rules.general.search(folded, s, e):
            return
        # a cue names a drug of this sentence (_drug_after): with none, the cues need no scanning
        if drugs:
            for cue in self.rules.reaction_cue.finditer(folded, s, e):
                drug = self._drug_after(folded, cue.end(), drugs)
                if drug is not None:
                    for reaction in self._before_cue(folded, cue.start(), reactions):
                        self._add(ctx, found, reaction, drug, cue.start(), cue.end())
            for cue in self.rules.start_cue.finditer(folded, s, e):
                drug = self._drug_after(folded, cue.end(), drugs)
                if drug is None:
                    continue
                after = [
                    r
                    for r in reactions
                    if r.start >= drug.end
                    and not _AFTER_BREAK.search(folded, drug.end, r.start)
                    and not self.rules.indication.search(folded, drug.end, r.start)
                ]
                chosen = after[:1] or self._before_cue(folded, cue.start(), reactions)
                for reaction in chosen:
                    self._add(ctx, found, reaction, drug, cue.start(), cue.end())
        for drug, suffix in self._suffixed(ctx, found, drugs):
            after = [r for r in reactions if r.start >= suffix.end()]
            if after and _words(folded, suffix.end(), after[0].start) <= self.rules.max_gap:
                self._add(ctx, found, after[0], drug, drug.end, suffix.end(), negate_from=drug.start)

    def _suffixed(
        self, ctx: SentenceContext, found: Found, drugs: list[_Drug]
    ) -> list[tuple[_Drug, re.Match[str]]]:
        """ "<drug>-induced": the drug's name glued to a suffix cue. The mention finder does not take a
        name inside such a compound for a drug given, so the names of this sentence's drugs and of the
        drugs given so far are looked for here."""
        if not self.rules.suffix_word.search(ctx.folded, ctx.start, ctx.end):
            return []  # most sentences: no "induced", "related" ... at all
        names: dict[str, str] = {" ".join(ctx.folded[d.start : d.end].split()): d.drug_id for d in drugs}
        for key, med in found.medications.items():
            if med.status == "not-done":
                continue
            memo = found.head_names.get(key)
            if memo is None or memo[0] is not med.mentions:  # the same tuple: the same mentions
                heads = (
                    " ".join(ctx.folded[x.start : x.end].split())
                    for x in med.mentions
                    if x.role is MentionRole.HEAD
                )
                memo = found.head_names[key] = (med.mentions, list(dict.fromkeys(heads)))
            for name in memo[1]:
                names.setdefault(name, key)
        out: list[tuple[_Drug, re.Match[str]]] = []
        # for each suffix word, the one to four words before it (past an abbreviation in parentheses) are
        # looked up among the names: a few dictionary lookups per cue, whatever the number of drugs
        for w in self.rules.suffix_word.finditer(ctx.folded, ctx.start, ctx.end):
            lo = max(ctx.start, w.start() - 80)
            head = _ABBR_TAIL.sub("", ctx.folded[lo : w.start()])
            words = list(_WORD.finditer(ctx.folded, lo, lo + len(head)))
            for k in range(min(4, len(words)), 0, -1):
                first, last = words[-k], words[-1]
                drug_id = names.get(" ".join(x.group(0) for x in words[-k:]))
                suffix = self.rules.suffix_cue.match(ctx.folded, last.end(), ctx.end)
                if drug_id is not None and suffix is not None:
                    out.append((_Drug(first.start(), last.end(), drug_id), suffix))
                    break
        return out

    def _before_cue(self, folded: str, at: int, reactions: list[Match]) -> list[Match]:
        """The reaction ending nearest before a cue, in its clause and at most ``max_reaction`` words from
        it, with the reactions listed with it ("bradycardia, hypothermia and respiratory failure")."""
        near = [
            r
            for r in reactions
            if r.end <= at
            and not _BREAK.search(folded, r.end, at)
            and _words(folded, r.end, at) <= self.rules.max_reaction
        ]
        if not near:
            return []
        out = [near[-1]]
        for r in reversed(near[:-1]):
            if not _LIST_GLUE.fullmatch(folded, r.end, out[0].start):
                break
            out.insert(0, r)
        return out

    def _drug_after(self, folded: str, at: int, drugs: list[_Drug]) -> _Drug | None:
        """The drug a cue names: the first one after it, at most ``max_gap`` words on, no break between."""
        for d in drugs:
            if d.start < at:
                continue
            if _words(folded, at, d.start) > self.rules.max_gap or _GAP_BREAK.search(folded, at, d.start):
                return None
            return d
        return None

    def _add(
        self,
        ctx: SentenceContext,
        found: Found,
        reaction: Match,
        drug: _Drug,
        cue_start: int,
        cue_end: int,
        *,
        negate_from: int | None = None,
    ) -> None:
        folded, text, s = ctx.folded, ctx.text, ctx.start
        lead = _before(folded, negate_from if negate_from is not None else cue_start, s)
        lead_end = negate_from if negate_from is not None else cue_start
        if self.rules.negated.search(folded, lead, lead_end):
            return  # "was not attributed to", "unlikely to be related to"
        hedge = next((k for k, pat in self.rules.hedges if pat.search(folded, lead, lead_end)), None)
        serious: tuple[str, int, int] | None = None
        for kind, pat in self.rules.seriousness:
            m = pat.search(folded, s, ctx.end)
            if m is not None:
                serious = (kind, m.start(), m.end())
                break
        cs, ce = min(cue_start, drug.start), max(cue_end, drug.end)
        mentions = [
            Mention(reaction.start, reaction.end, text[reaction.start : reaction.end], MentionRole.HEAD),
            Mention(drug.start, drug.end, text[drug.start : drug.end], MentionRole.SUSPECT),
            # the attributing words with the drug: "attributed to allopurinol", "allopurinol-induced"
            Mention(cs, ce, text[cs:ce], MentionRole.CAUSALITY),
        ]
        if serious is not None:
            ss, se = serious[1], serious[2]
            mentions.append(Mention(ss, se, text[ss:se], MentionRole.SERIOUSNESS))
        found.adverse.append(
            AdverseCandidate(
                reaction.concept.id,
                drug.drug_id,
                tuple(mentions),
                serious[0] if serious else None,
                hedge,
            )
        )
