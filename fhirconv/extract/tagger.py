"""Learned mention proposals: a linear-chain CRF that finds condition mentions the lexicon lacks.

The rule lexicon cannot name every finding a report writes ("a hypodense lesion", "facial puffiness"),
so a CRF (CRFsuite, through python-crfsuite) tags each patient sentence with BIO labels for the
MACCROBAT entity types fhirconv scores (condition, test, value, drug, procedure). Its features are the
tokens, their shape and affixes, a context window, and the lexicon's own matches, so it learns where
the rules stop short rather than relearning them.

Precision first: the tagger only *proposes*. A proposal is kept only when it is of a kind the model
file enables (conditions), every token's marginal probability of its label reaches the model file's
threshold, and it overlaps no rule mention (a rule's type and reading always win). A kept proposal is a
plain mention with no code; ConText, attribution, composition and linking then treat it like any
lexicon mention, so a denied proposal is a negated condition and a relative's is no patient fact.

The model is data (``mappings/models/tagger.crfsuite`` with its metadata ``models/tagger.json``), built
by ``tools/train_tagger.py`` from the MACCROBAT dev corpus (CC BY 4.0) and evaluated by 5-fold
cross-validation (``tools/cv_tagger.py``). Output is deterministic: CRFsuite's Viterbi and marginals are
exact computations over fixed weights.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from ..errors import MappingError
from ..mapping import MappingStore
from ..text import norm_phrase
from .lexicon import Concept, Match

__all__ = ["FEATURE_VERSION", "LABELS", "MentionTagger", "features", "token_spans"]

# Bumped whenever ``features`` changes, so a model trained on other features is refused, not misread.
FEATURE_VERSION = 1
# Entity kinds the model labels (BIO): condition, test, value, drug, procedure.
LABELS = ("COND", "TEST", "VAL", "DRUG", "PROC")
# The lexicon domain a proposal of each kind becomes, and its concept class.
_DOMAIN = {"COND": ("conditions", "sign")}
_LEX = {"conditions": "C", "drugs": "D", "procedures": "P", "tests": "T"}
# Words of folded text: runs of letters/digits, or one other non-space character.
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]|_")
_WORDY = re.compile(r"[^\W\d_]{3}")
_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "A" * 26 + "a" * 26 + "0" * 10,
)
_RUNS = re.compile(r"(.)\1+")


def token_spans(folded: str, s: int, e: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(folded, s, e)]


def _lexicon_tags(spans: list[tuple[int, int]], matches: Sequence[Match]) -> list[str]:
    """Per token, the lexicon domain of the rule mention covering it, B or I ("B-C", "I-D", "O")."""
    tags = ["O"] * len(spans)
    starts = [a for a, _ in spans]
    for m in matches:
        code = _LEX.get(m.concept.domain)
        if code is None:
            continue
        i = bisect_left(starts, m.start)
        first = True
        while i < len(spans) and spans[i][0] < m.end:
            tags[i] = ("B-" if first else "I-") + code
            first = False
            i += 1
    return tags


def features(
    text: str, folded: str, s: int, e: int, matches: Sequence[Match]
) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """The tokens of sentence ``[s, e)`` and each token's feature strings (CRFsuite attributes).

    Cheap by design (string slices and one translate per token): the tagger runs on every sentence.
    """
    spans = token_spans(folded, s, e)
    words = [folded[a:b] for a, b in spans]
    lex = _lexicon_tags(spans, matches)
    n = len(spans)
    padded = ["<s>", "<s>", *words, "</s>", "</s>"]
    lex_padded = ["<s>", *lex, "</s>"]
    out: list[list[str]] = []
    for i, (a, b) in enumerate(spans):
        w = words[i]
        shape = _RUNS.sub(r"\1", text[a:b].translate(_SHAPE))
        f = [
            "w=" + w,
            "s3=" + w[-3:],
            "s4=" + w[-4:],
            "p3=" + w[:3],
            "sh=" + shape,
            "L=" + lex[i],
            "L-1=" + lex_padded[i],
            "L+1=" + lex_padded[i + 2],
            "w-1=" + padded[i + 1],
            "w+1=" + padded[i + 3],
            "w-2=" + padded[i],
            "w+2=" + padded[i + 4],
            "w-1w=" + padded[i + 1] + "|" + w,
            "ww+1=" + w + "|" + padded[i + 3],
            "s3-1=" + padded[i + 1][-3:],
            "s3+1=" + padded[i + 3][-3:],
        ]
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        out.append(f)
    return spans, out


class MentionTagger:
    """A loaded CRF model and the rules for taking its proposals (kinds, threshold)."""

    def __init__(self, model: bytes, threshold: float, kinds: Sequence[str] = ("COND",)) -> None:
        import pycrfsuite

        self._tagger: Any = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        self.threshold = threshold
        unknown = [k for k in kinds if k not in _DOMAIN]
        if unknown:
            raise MappingError(f"models/tagger.json: kinds {unknown} cannot be proposed (only {list(_DOMAIN)})")
        self.kinds = frozenset(kinds)

    @classmethod
    def load(cls, store: MappingStore) -> MentionTagger | None:
        """The shipped (or ``--mappings``-overlaid) tagger, or None when its metadata disables it."""
        meta = store.load("models/tagger")
        if not meta["enabled"]:
            return None
        if meta["feature_version"] != FEATURE_VERSION:
            raise MappingError(
                f"models/tagger.json: model built with features v{meta['feature_version']}, "
                f"this fhirconv computes v{FEATURE_VERSION}; retrain with tools/train_tagger.py"
            )
        return cls(store.blob(f"models/{meta['model']}"), float(meta["threshold"]), meta["kinds"])

    def propose(self, text: str, folded: str, s: int, e: int, matches: Sequence[Match]) -> list[Match]:
        """Mentions of sentence ``[s, e)`` the model finds with confidence and no rule mention touches."""
        spans, feats = features(text, folded, s, e, matches)
        if not spans:
            return []
        tags: list[str] = self._tagger.tag(feats)
        out: list[Match] = []
        i = 0
        while i < len(tags):
            tag = tags[i]
            if tag == "O":
                i += 1
                continue
            kind = tag[2:]
            j = i + 1
            while j < len(tags) and tags[j] == "I-" + kind:
                j += 1
            if kind in self.kinds:
                match = self._take(text, folded, spans, tags, i, j, kind, matches)
                if match is not None:
                    out.append(match)
            i = j
        return out

    def _take(
        self,
        text: str,
        folded: str,
        spans: list[tuple[int, int]],
        tags: list[str],
        i: int,
        j: int,
        kind: str,
        matches: Sequence[Match],
    ) -> Match | None:
        start, end = spans[i][0], spans[j - 1][1]
        if not _WORDY.search(folded, start, end):
            return None  # numbers and punctuation are no finding's name
        if any(m.start < end and start < m.end for m in matches):
            return None  # the rules read these words already: their type and assertion stand
        if min(self._tagger.marginal(tags[k], k) for k in range(i, j)) < self.threshold:
            return None
        domain, cls = _DOMAIN[kind]
        words = norm_phrase(folded[start:end])
        return Match(start, end, Concept(domain, f"crf:{words}", " ".join(text[start:end].split()), cls, ()))
