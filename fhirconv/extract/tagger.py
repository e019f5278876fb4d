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

__all__ = [
    "FEATURE_VERSION",
    "LABELS",
    "Featuriser",
    "MentionTagger",
    "Vocabulary",
    "features",
    "token_spans",
    "vocabulary",
]

# Bumped whenever ``features`` changes, so a model trained on other features is refused, not misread.
FEATURE_VERSION = 2
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


# Per word, the feature strings saying which lexicon vocabulary holds it ("a word of some condition
# name", "the last word of some condition name"): this is how the tagger generalises to names the
# lexicon lacks but whose words it knows ("hypodense lesion", "facial puffiness").
Vocabulary = dict[str, tuple[str, ...]]
# vocabulary kinds: (lexicon domain, which words) -> feature
VOCAB_KINDS = {
    ("conditions", "word"): "vC",
    ("conditions", "head"): "hC",
    ("drugs", "word"): "vD",
    ("tests", "head"): "hT",
    ("procedures", "head"): "hP",
}


def vocabulary(lists: dict[str, list[str]]) -> Vocabulary:
    """The per-word feature table from the model metadata's word lists (feature -> words)."""
    table: dict[str, list[str]] = {}
    for feature in sorted(lists):
        for w in lists[feature]:
            table.setdefault(w, []).append(feature)
    return {w: tuple(fs) for w, fs in table.items()}


def vocabulary_lists(terms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Word lists per vocabulary feature from each domain's lexicon terms (run by the training tool;
    the lists are stored with the model so conversion sees the words the model was trained with)."""
    out: dict[str, set[str]] = {feature: set() for feature in VOCAB_KINDS.values()}
    for (domain, which), feature in VOCAB_KINDS.items():
        for term in terms.get(domain, ()):
            words = [term[a:b] for a, b in token_spans(term, 0, len(term)) if _WORDY.match(term, a)]
            if words:
                out[feature].update(words if which == "word" else words[-1:])
    return {f: sorted(ws) for f, ws in out.items()}


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


_PAD = ("<s>", "</s>")
# Word-level feature strings are cached per word (bounded): a report repeats its words, and building
# the strings was half of the tagger's cost.
_CACHE_MAX = 50_000


class Featuriser:
    """Feature strings of a sentence's tokens; one per vocabulary, reused for every document."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._shapes: dict[str, str] = {}

    def _word(self, w: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the word's own features, its features as a neighbour: w-1, w+1, w-2, w+2, s3-1, s3+1)."""
        got = self._words.get(w)
        if got is None:
            if len(self._words) >= _CACHE_MAX:
                self._words.clear()
            s3 = w[-3:]
            own = ("w=" + w, "s3=" + s3, "s4=" + w[-4:], "p3=" + w[:3])
            near = ("w-1=" + w, "w+1=" + w, "w-2=" + w, "w+2=" + w, "s3-1=" + s3, "s3+1=" + s3)
            got = self._words[w] = (own, near)
        return got

    def _shape(self, token: str) -> str:
        got = self._shapes.get(token)
        if got is None:
            if len(self._shapes) >= _CACHE_MAX:
                self._shapes.clear()
            got = self._shapes[token] = "sh=" + _RUNS.sub(r"\1", token.translate(_SHAPE))
        return got

    def __call__(
        self, text: str, folded: str, s: int, e: int, matches: Sequence[Match]
    ) -> tuple[list[tuple[int, int]], list[list[str]]]:
        """The tokens of sentence ``[s, e)`` and each token's feature strings (CRFsuite attributes)."""
        spans = token_spans(folded, s, e)
        words = [folded[a:b] for a, b in spans]
        lex = _lexicon_tags(spans, matches)
        n = len(spans)
        near = [self._word(w)[1] for w in words]
        pad_near = [self._word(p)[1] for p in _PAD]
        before = [pad_near[0], pad_near[0], *near]
        after = [*near, pad_near[1], pad_near[1]]
        padded = ["<s>", *words, "</s>"]
        lex_padded = ["<s>", *lex, "</s>"]
        out: list[list[str]] = []
        vocab = self.vocab
        for i, (a, b) in enumerate(spans):
            w = words[i]
            prev, nxt = before[i + 1], after[i + 1]
            f = [
                *self._word(w)[0],
                self._shape(text[a:b]),
                "L=" + lex[i],
                "L-1=" + lex_padded[i],
                "L+1=" + lex_padded[i + 2],
                prev[0],
                nxt[1],
                before[i][2],
                after[i + 2][3],
                "w-1w=" + padded[i] + "|" + w,
                "ww+1=" + w + "|" + padded[i + 2],
                prev[4],
                nxt[5],
            ]
            f.extend(vocab.get(w, ()))
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            out.append(f)
        return spans, out


def features(
    text: str, folded: str, s: int, e: int, matches: Sequence[Match], vocab: Vocabulary
) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """One sentence's features with a fresh :class:`Featuriser` (tests, one-off use)."""
    return Featuriser(vocab)(text, folded, s, e, matches)


class MentionTagger:
    """A loaded CRF model and the rules for taking its proposals (kinds, threshold)."""

    def __init__(
        self,
        model: bytes,
        threshold: float,
        vocab: Vocabulary,
        kinds: Sequence[str] = ("COND",),
        stop: frozenset[str] = frozenset(),
    ) -> None:
        import pycrfsuite

        # CRFsuite reads the model in place: the bytes must live as long as the tagger
        self._model = model
        self._tagger: Any = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)
        self.threshold = threshold
        self.features = Featuriser(vocab)
        # words the rules never take as a condition on their own ("symptoms", "abnormality")
        self.stop = stop
        unknown = [k for k in kinds if k not in _DOMAIN]
        if unknown:
            raise MappingError(
                f"models/tagger.json: kinds {unknown} cannot be proposed (only {list(_DOMAIN)})"
            )
        self.kinds = frozenset(kinds)

    @classmethod
    def load(cls, store: MappingStore, stop: frozenset[str] = frozenset()) -> MentionTagger | None:
        """The shipped (or ``--mappings``-overlaid) tagger, or None when its metadata disables it."""
        meta = store.load("models/tagger")
        if not meta["enabled"]:
            return None
        if meta["feature_version"] != FEATURE_VERSION:
            raise MappingError(
                f"models/tagger.json: model built with features v{meta['feature_version']}, "
                f"this fhirconv computes v{FEATURE_VERSION}; retrain with tools/train_tagger.py"
            )
        model = store.blob(f"models/{meta['model']}")
        words = store.load(f"models/{meta['vocabulary_file'].removesuffix('.json')}")["words"]
        return cls(model, float(meta["threshold"]), vocabulary(words), meta["kinds"], stop)

    def propose(
        self,
        text: str,
        folded: str,
        s: int,
        e: int,
        matches: Sequence[Match],
        refused: Sequence[Match] = (),
    ) -> list[Match]:
        """Mentions of sentence ``[s, e)`` the model finds with confidence and that touch neither a rule
        mention (``matches``) nor a lexicon match the rules set aside (``refused``)."""
        spans, feats = self.features(text, folded, s, e, matches)
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
                match = self._take(text, folded, spans, tags, i, j, kind, [*matches, *refused])
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
        words = norm_phrase(folded[start:end])
        if words in self.stop:
            return None
        domain, cls = _DOMAIN[kind]
        return Match(start, end, Concept(domain, f"crf:{words}", " ".join(text[start:end].split()), cls, ()))
