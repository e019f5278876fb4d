"""Matching and scores. Definitions (also in docs/evaluation.md):

* **exact**: a predicted span matches a gold span of the same category with identical start and end.
* **overlap**: spans of the same category sharing at least one code point. Matching is one-to-one and
  greedy over candidate pairs ordered by (longest shared stretch, closest starts, closest ends, gold
  position, predicted position): each predicted span matches at most one gold span and vice versa, so a long
  prediction covering two gold findings earns one true positive, not two.
* precision = TP / predicted, recall = TP / gold, each undefined (None) when its denominator is 0;
  F1 = 2TP / (gold + predicted), their harmonic mean, undefined only when both are 0.
* corpus scores are micro-averaged: counts summed over documents, then divided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Span
from .gold import (
    AGE,
    ATTRIBUTE_KINDS,
    BODYPART,
    CONDITION,
    EVENT,
    HISTORY,
    MEDICATION,
    SEX,
    SPAN_CATEGORIES,
    GoldDocument,
    Mention,
)

__all__ = [
    "Counts",
    "DocScore",
    "FactResult",
    "gold_age_value",
    "gold_sex_value",
    "match_exact",
    "match_overlap",
    "score_document",
]


@dataclass(slots=True)
class Counts:
    gold: int = 0
    predicted: int = 0
    tp: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.tp += other.tp

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """2TP / (gold + predicted): the harmonic mean of P and R, and 0 (not undefined) when one side is
        empty but the other is not -- finding nothing of 500 gold mentions is a score of 0."""
        total = self.gold + self.predicted
        return 2 * self.tp / total if total else None


def match_exact(pred: Sequence[Span], gold: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) of identical spans."""
    free: dict[Span, list[int]] = {}
    for gi, g in enumerate(gold):
        free.setdefault(g, []).append(gi)
    pairs = []
    for pi, p in enumerate(pred):
        slots = free.get(p)
        if slots:
            pairs.append((pi, slots.pop(0)))
    return pairs


def match_overlap(pred: Sequence[Span], gold: Sequence[Span]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping spans, best-overlapping pairs first."""
    candidates = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            if p.overlaps(g):
                shared = min(p.end, g.end) - max(p.start, g.start)
                candidates.append((-shared, abs(p.start - g.start), abs(p.end - g.end), gi, pi))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, _, _, gi, pi in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return sorted(pairs)


_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_WORDS.split())}
_AGE_TEXT = re.compile(
    r"\b(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(\s+and\s+a\s+half)?\s*-?\s*"
    r"(years?|yrs?|y|months?|mos?|weeks?|wks?|days?)\b",
    re.IGNORECASE,
)
_AGE_UNIT = {"y": "a", "m": "mo", "w": "wk", "d": "d"}
_SEX_WORDS = {
    "male": "male",
    "man": "male",
    "boy": "male",
    "gentleman": "male",
    "he": "male",
    "his": "male",
    "him": "male",
    "female": "female",
    "woman": "female",
    "girl": "female",
    "lady": "female",
    "she": "female",
    "her": "female",
}


def gold_age_value(text: str) -> str | None:
    """Gold age phrase "34-yr-old" -> "34 a"; None where the phrase gives no single number ("mid-teens")."""
    m = _AGE_TEXT.search(text)
    if not m:
        return None
    raw = m.group(1).lower()
    number = str(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else raw
    if m.group(2):  # "4 and a half years"
        number = f"{float(number) + 0.5:g}"
    return f"{number} {_AGE_UNIT[m.group(3)[0].lower()]}"


def gold_sex_value(text: str) -> str | None:
    return _SEX_WORDS.get(text.strip().lower())


def _same_age(a: str, b: str) -> bool:
    try:
        na, ua = a.split(" ", 1)
        nb, ub = b.split(" ", 1)
        return ua == ub and float(na) == float(nb)
    except ValueError:
        return a == b


@dataclass(slots=True)
class FactResult:
    """A per-document fact (age, sex): ``status`` is correct, wrong, missed, spurious or absent."""

    status: str
    gold: str | None = None
    predicted: str | None = None


@dataclass(slots=True)
class DocScore:
    doc_id: str
    exact: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)
    # Negation on overlap-matched condition mentions, NEG as the positive class.
    negation: dict[str, int] = field(
        default_factory=lambda: {"matched": 0, "correct": 0, "tp": 0, "fp": 0, "fn": 0}
    )
    attributes: dict[str, Counts] = field(default_factory=dict)
    neutral: dict[str, int] = field(default_factory=dict)  # predictions left out (see GoldDocument.neutral)
    neutral_by: dict[str, dict[str, int]] = field(default_factory=dict)  # cat -> reason label -> count
    neutral_predictions: list[tuple[Mention, str]] = field(default_factory=list)  # (prediction, reason)
    by_label: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # cat -> label -> [gold, found]
    facts: dict[str, FactResult] = field(default_factory=dict)
    false_positives: list[Mention] = field(default_factory=list)
    false_negatives: list[Mention] = field(default_factory=list)
    negation_errors: list[tuple[Mention, Mention]] = field(default_factory=list)  # (gold, predicted)
    attribute_errors: list[tuple[str, str, Span]] = field(default_factory=list)  # (fp|fn, kind, span)
    problems: list[str] = field(default_factory=list)


def _fact(
    name: str, gold: list[Mention], pred: list[Mention], gold_value: list[str | None], compare: str
) -> FactResult:
    if not gold:
        return FactResult("spurious" if pred else "absent", None, pred[0].value if pred else None)
    known = [v for v in gold_value if v]
    shown = known[0] if known else None
    if not pred:
        return FactResult("missed", shown, None)
    p = pred[0]
    if known and p.value:
        ok = any((_same_age(v, p.value) if compare == "age" else v == p.value) for v in known)
    else:
        ok = any(p.span.overlaps(g.span) for g in gold)
    return FactResult("correct" if ok else "wrong", shown, p.value)


def score_document(gold: GoldDocument, predicted: Sequence[Mention]) -> DocScore:
    """Score one document's predictions against its gold, category by annotated category."""
    score = DocScore(gold.doc_id)
    by_cat_gold: dict[str, list[Mention]] = {}
    by_cat_pred: dict[str, list[Mention]] = {}
    for m in gold.mentions:
        by_cat_gold.setdefault(m.category, []).append(m)
    for m in predicted:
        by_cat_pred.setdefault(m.category, []).append(m)

    for cat in SPAN_CATEGORIES:
        if cat not in gold.annotated:
            continue
        g = _unique(by_cat_gold.get(cat, []))
        p = by_cat_pred.get(cat, [])
        gs, ps = [m.span for m in g], [m.span for m in p]
        pairs = match_overlap(ps, gs)
        neutral = [n for n in gold.neutral if n.category == cat]
        if neutral:  # drop unmatched predictions on spans the gold scheme makes neither right nor wrong
            matched = {pi for pi, _ in pairs}
            keep: list[int] = []
            for i, m in enumerate(p):
                why = None if i in matched else _neutral_reason(m, neutral)
                if why is None:
                    keep.append(i)
                    continue
                by = score.neutral_by.setdefault(cat, {})
                by[why] = by.get(why, 0) + 1
                score.neutral_predictions.append((m, why))
            score.neutral[cat] = len(p) - len(keep)
            p = [p[i] for i in keep]
            ps = [m.span for m in p]
            pairs = match_overlap(ps, gs)  # same pairs: only unmatched predictions were dropped
        score.exact[cat] = Counts(len(g), len(p), len(match_exact(ps, gs)))
        score.overlap[cat] = Counts(len(g), len(p), len(pairs))
        matched_p = {pi for pi, _ in pairs}
        matched_g = {gi for _, gi in pairs}
        score.false_positives += [m for i, m in enumerate(p) if i not in matched_p]
        score.false_negatives += [m for i, m in enumerate(g) if i not in matched_g]
        for i, m in enumerate(g):
            tally = score.by_label.setdefault(cat, {}).setdefault(m.label, [0, 0])
            tally[0] += 1
            tally[1] += i in matched_g
        if cat == CONDITION:
            for pi, gi in pairs:
                gm, pm = g[gi], p[pi]
                neg = score.negation
                neg["matched"] += 1
                neg["correct"] += gm.negated == pm.negated
                neg["tp"] += gm.negated and pm.negated
                neg["fp"] += pm.negated and not gm.negated
                neg["fn"] += gm.negated and not pm.negated
                if gm.negated != pm.negated:
                    score.negation_errors.append((gm, pm))
        if cat == MEDICATION:
            for kind in ATTRIBUTE_KINDS:
                if kind in gold.annotated:
                    score.attributes[kind] = Counts()
            for pi, gi in pairs:
                _score_attributes(score, g[gi], p[pi])

    if AGE in gold.annotated:
        ages = by_cat_gold.get(AGE, [])
        values = [m.value or gold_age_value(gold.text[m.span.start : m.span.end]) for m in ages]
        score.facts[AGE] = _fact(AGE, ages, by_cat_pred.get(AGE, []), values, "age")
    if SEX in gold.annotated:
        sexes = by_cat_gold.get(SEX, [])
        values = [m.value or gold_sex_value(gold.text[m.span.start : m.span.end]) for m in sexes]
        score.facts[SEX] = _fact(SEX, sexes, by_cat_pred.get(SEX, []), values, "sex")
    score.false_positives.sort(key=lambda m: (m.span.start, m.span.end, m.category))
    score.false_negatives.sort(key=lambda m: (m.span.start, m.span.end, m.category))
    return score


def _score_attributes(score: DocScore, gold_drug: Mention, pred_drug: Mention) -> None:
    for kind, counts in score.attributes.items():
        g = [a.span for a in gold_drug.attributes if a.kind == kind]
        p = [a.span for a in pred_drug.attributes if a.kind == kind]
        pairs = match_overlap(p, g)
        counts.add(Counts(len(g), len(p), len(pairs)))
        mp, mg = {pi for pi, _ in pairs}, {gi for _, gi in pairs}
        score.attribute_errors += [("fp", kind, s) for i, s in enumerate(p) if i not in mp]
        score.attribute_errors += [("fn", kind, s) for i, s in enumerate(g) if i not in mg]


def _neutral_reason(pred: Mention, neutral: list[Mention]) -> str | None:
    """Why an unmatched prediction is left out, or None when it counts.

    A repeat mention (Coreference) is neutral for any prediction; a gold History span only for a
    prediction reported as past history -- a present finding there is still a false positive; an E3C
    BODYPART span only for a prediction wholly inside it (words the scheme types as a body part); an E3C
    actual EVENT outside every CLINENTITY only for a prediction holding the whole event word with the same
    polarity (a finding the scheme records as an event but not as a disorder).
    """
    for n in neutral:
        if not pred.span.overlaps(n.span):
            continue
        if n.label == HISTORY and not pred.historical:
            continue
        if n.label == BODYPART and not (n.span.start <= pred.span.start and pred.span.end <= n.span.end):
            continue
        if n.label == EVENT and not (
            pred.span.start <= n.span.start and n.span.end <= pred.span.end and pred.negated == n.negated
        ):
            continue
        return n.label
    return None


def _unique(mentions: list[Mention]) -> list[Mention]:
    """Identical gold spans of one category (Sign_symptom and Disease_disorder on the same words) count once;
    negated if any copy is."""
    out: dict[Span, Mention] = {}
    for m in mentions:
        if m.span in out:
            prev = out[m.span]
            if m.negated and not prev.negated:
                out[m.span] = m
        else:
            out[m.span] = m
    return sorted(out.values(), key=lambda m: (m.span.start, m.span.end))
