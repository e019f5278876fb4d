"""ConText-style assertion (Chapman et al.): triggers with a direction put mentions in their scope.

Scope ends at the sentence end, at a terminator ("but", "which" ...), after ``max_scope`` words, and at a
comma unless the comma continues a list of mentions ("no fever, cough or rash"). Pseudo-triggers
("no change", "lack of effect") switch off the triggers they contain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import MappingError
from ..model import Assertion
from ..text import trie_alternation
from .rules import RuleData

__all__ = ["ContextRule", "ContextRules", "Target"]

_CATEGORY = {
    "negated": Assertion.NEGATED,
    "uncertain": Assertion.UNCERTAIN,
    "historical": Assertion.HISTORICAL,
    "family": Assertion.FAMILY,
    "other": Assertion.OTHER,
    "hypothetical": Assertion.HYPOTHETICAL,
}
_RANK = {
    Assertion.FAMILY: 6,
    Assertion.OTHER: 5,
    Assertion.HYPOTHETICAL: 4,
    Assertion.NEGATED: 3,
    Assertion.UNCERTAIN: 2,
    Assertion.HISTORICAL: 1,
}
_DEFAULT_APPLIES = ("condition", "test", "procedure")
_DEFAULT_SCOPE = 12
_WORD = re.compile(r"\w+")
_LIST_GLUE = re.compile(r"\s*(?:(?:and|or|nor|and/or)\s+)?(?:(?:any|other|the|a|an|some)\s+)?")


@dataclass(frozen=True, slots=True)
class Target:
    start: int
    end: int
    domain: str  # condition | test | drug | procedure


_CATEGORIES = frozenset({*_CATEGORY, "pseudo", "terminate"})
_DIRECTIONS = frozenset({"forward", "backward", "bidirectional", "terminate", "pseudo"})
_DOMAINS = frozenset({"condition", "test", "drug", "procedure"})


@dataclass(frozen=True, slots=True)
class ContextRule:
    """One trigger (as medspaCy's ``ConTextRule``): its literal, what it asserts and over what scope."""

    literal: str  # folded, hyphens as spaces, single spaces
    category: str
    direction: str
    max_scope: int = _DEFAULT_SCOPE
    applies_to: tuple[str, ...] = _DEFAULT_APPLIES
    # the trigger also says the scope is past history ("no history of", "never had"): the mention is
    # negated AND about the past, which a single assertion value cannot carry
    past: bool = False

    @classmethod
    def from_dict(cls, raw: Any) -> ContextRule:
        """A checked rule; a bad one raises MappingError naming its literal."""
        if not isinstance(raw, dict) or not isinstance(raw.get("literal"), str) or not raw["literal"].strip():
            raise MappingError(f"rules/context.json: a rule without a literal: {raw!r}")
        literal = " ".join(raw["literal"].lower().replace("-", " ").split())
        category, direction = raw.get("category"), raw.get("direction")
        max_scope = raw.get("max_scope", _DEFAULT_SCOPE)
        applies = raw.get("applies_to", list(_DEFAULT_APPLIES))
        past = raw.get("past", False)
        if category not in _CATEGORIES or direction not in _DIRECTIONS:
            raise MappingError(
                f"rules/context.json: {literal!r} has category {category!r}, direction {direction!r}"
            )
        if not isinstance(max_scope, int) or max_scope < 0:
            raise MappingError(f"rules/context.json: {literal!r} has a bad max_scope {max_scope!r}")
        if not isinstance(applies, list) or not applies or not set(applies) <= _DOMAINS:
            raise MappingError(f"rules/context.json: {literal!r} applies to unknown targets {applies!r}")
        if not isinstance(past, bool):
            raise MappingError(f"rules/context.json: {literal!r} has a bad past flag {past!r}")
        return cls(literal, category, direction, max_scope, tuple(applies), past)


class ContextRules:
    def __init__(self, data: Mapping[str, Any] | RuleData) -> None:
        rules = data if isinstance(data, RuleData) else RuleData(data, "rules/context")
        raw = rules.items("rules")
        # a list item that is no mention ("pus discharge") still continues the list when it is short
        # and holds no word that starts a clause ("was", "she")
        self._item_words = rules.integer("list_item_max_words")
        self._breakers = frozenset(rules.words("list_breakers"))
        self._rules: dict[str, ContextRule] = {}
        for r in raw:
            rule = ContextRule.from_dict(r)
            self._rules[rule.literal] = rule
        # what each trigger that puts mentions in its scope does, read off its rule once: the targets
        # it applies to, its directions, its assertion, whether it also says past history, its rank
        self._acting: dict[str, tuple[frozenset[str], bool, bool, Assertion, bool, int]] = {
            lit: (
                frozenset(r.applies_to),
                r.direction in ("forward", "bidirectional"),
                r.direction in ("backward", "bidirectional"),
                _CATEGORY[r.category],
                r.past or _CATEGORY[r.category] is Assertion.HISTORICAL,
                _RANK[_CATEGORY[r.category]],
            )
            for lit, r in self._rules.items()
            if r.category not in ("pseudo", "terminate")
        }
        # the literals are folded with single spaces: one trie, the longest trigger first
        self._pattern = re.compile(rf"(?<!\w)(?:{trie_alternation(self._rules)})(?!\w)")

    def _triggers(self, folded: str, start: int, end: int) -> list[tuple[int, int, ContextRule]]:
        rules = self._rules
        found = []
        any_pseudo = False
        for m in self._pattern.finditer(folded, start, end):
            # a trigger written as its literal (single spaces) is its own key; another spacing is folded
            said = m.group()
            rule = rules.get(said)
            if rule is None:
                rule = rules[" ".join(said.split())]
            found.append((m.start(), m.end(), rule))
            any_pseudo = any_pseudo or rule.category == "pseudo"
        if not any_pseudo:
            return found  # (no pseudo-trigger: none is switched off)
        pseudo = [(s, e) for s, e, r in found if r.category == "pseudo"]
        return [
            (s, e, r)
            for s, e, r in found
            if r.category == "pseudo" or not any(ps <= s and e <= pe for ps, pe in pseudo)
        ]

    def acting(self, folded: str, start: int, end: int) -> list[tuple[int, int, ContextRule]] | None:
        """The triggers of sentence ``folded[start:end]`` for :meth:`assert_with_past`, or None when none
        of them puts anything in its scope (none found, or only pseudo-triggers and terminators): then
        every target of the sentence is present and none is past, and the caller need not make them."""
        triggers = self._triggers(folded, start, end)
        acting = self._acting
        for _, _, rule in triggers:
            if rule.literal in acting:
                return triggers
        return None

    def assert_targets(self, folded: str, start: int, end: int, targets: Sequence[Target]) -> list[Assertion]:
        """Assertion for each target of one sentence ``folded[start:end]``."""
        return self.assert_with_past(folded, start, end, targets)[0]

    def assert_with_past(
        self,
        folded: str,
        start: int,
        end: int,
        targets: Sequence[Target],
        triggers: list[tuple[int, int, ContextRule]] | None = None,
    ) -> tuple[list[Assertion], list[bool]]:
        """Assertion for each target, and whether a past-history trigger has it in scope. ``triggers``:
        the sentence's, as :meth:`acting` found them (else they are looked for here).

        The second list keeps what ranking drops: "no history of seizures" is negated (the rank wins)
        and also about past history, which is how a reader files it.
        """
        result = [Assertion.PRESENT] * len(targets)
        past = [False] * len(targets)
        if not targets:
            return result, past
        if triggers is None:
            triggers = self._triggers(folded, start, end)
        if not triggers:
            return result, past
        terminators = [s for s, _, r in triggers if r.category == "terminate"]
        starts = {t.start for t in targets}
        spans = [(t.start, t.end) for t in targets]
        acting = self._acting
        for ts, te, rule in triggers:
            how = acting.get(rule.literal)
            if how is None:
                continue  # a pseudo-trigger or a terminator: it puts nothing in its scope
            if any(s <= ts and te <= e for s, e in spans):
                continue  # part of a mention's own name ("absent tendon reflexes"): no trigger for others
            applies, forward, backward, cat, marks_past, rank = how
            for i, t in enumerate(targets):
                if t.domain not in applies:
                    continue
                if ts < t.end and t.start < te:  # the trigger is part of the mention itself
                    continue
                if forward and t.start >= te:
                    gap = (te, t.start)
                elif backward and t.end <= ts:
                    gap = (t.end, ts)
                else:
                    continue
                if self._in_scope(folded, gap, rule.max_scope, terminators, starts, spans):
                    if marks_past:
                        past[i] = True
                    if rank > _RANK.get(result[i], 0):
                        result[i] = cat
        return result, past

    def _item(self, folded: str, at: int, end: int, starts: set[int]) -> bool:
        """Whether ``folded[at:]`` up to the next comma or mention is a short list item, no clause."""
        stop = end
        for i in range(at, end):
            if folded[i] == "," or i in starts:
                stop = i
                break
        words = _WORD.findall(folded, at, stop)
        return len(words) <= self._item_words and not any(w in self._breakers for w in words)

    def _clause_in(self, folded: str, start: int, end: int) -> bool:
        """Whether a word that starts a clause stands in ``folded[start:end]`` ("no rash was seen, ..."
        is a sentence of its own, not a list)."""
        return any(w in self._breakers for w in _WORD.findall(folded, start, end))

    def _in_scope(
        self,
        folded: str,
        gap: tuple[int, int],
        max_scope: int,
        terminators: list[int],
        starts: set[int],
        spans: list[tuple[int, int]],
    ) -> bool:
        gs, ge = gap
        if any(gs <= p < ge for p in terminators):
            return False
        words = 0
        for m in _WORD.finditer(folded, gs, ge):
            at = m.start()
            if not any(s <= at < e for s, e in spans):
                words += 1
                if words > max_scope:  # (the count only grows: no need to read on)
                    return False
        # a semicolon or colon anywhere in the gap ends the scope; each comma is a list or a clause
        # (every way out below is "not in scope", so the order they are looked at does not matter)
        if folded.find(";", gs, ge) >= 0 or folded.find(":", gs, ge) >= 0:
            return False
        clause: bool | None = None
        i = folded.find(",", gs, ge)
        while i >= 0:
            glue = _LIST_GLUE.match(folded, i + 1)
            nxt = glue.end() if glue else i + 1
            if nxt not in starts:
                # a list item the lexicon lacks: short, and no clause anywhere in the gap (checked
                # once per gap, so a run of commas costs linear time)
                if clause is None:
                    clause = self._clause_in(folded, gs, ge)
                if clause or not self._item(folded, nxt, ge, starts):
                    return False
            i = folded.find(",", i + 1, ge)
        return True
