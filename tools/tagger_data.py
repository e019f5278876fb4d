"""Training data for the CRF mention tagger (fhirconv/extract/tagger.py), shared by
tools/train_tagger.py and tools/cv_tagger.py.

Each MACCROBAT dev document is read by fhirconv's own text reader; each patient sentence is featurised
from the rule mentions the extractor gives the tagger at conversion time, and labelled BIO from the
gold spans of the categories fhirconv scores. Nothing of the corpus is written into the repository
except the trained weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fhirconv.evaluate.brat import read_brat
from fhirconv.evaluate.gold import (
    CONDITION,
    MEDICATION,
    OBSERVATION_TEST,
    OBSERVATION_VALUE,
    PROCEDURE,
)
from fhirconv.extract import Extractor
from fhirconv.extract.tagger import Vocabulary, features, vocabulary, vocabulary_lists
from fhirconv.mapping import MappingStore
from fhirconv.model import DocumentFormat
from fhirconv.readers import read_path
from fhirconv.text import fold

KIND = {
    CONDITION: "COND",
    OBSERVATION_TEST: "TEST",
    OBSERVATION_VALUE: "VAL",
    MEDICATION: "DRUG",
    PROCEDURE: "PROC",
}
# Fixed training parameters (L-BFGS with elastic net); crfsuite's L-BFGS has no random state, so the
# same documents in the same order give the same weights.
PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
    "feature.minfreq": 2,
}


@dataclass
class DocData:
    doc_id: str
    path: Path
    sequences: list[tuple[list[list[str]], list[str]]]


def documents(corpus: Path) -> list[Path]:
    """The gold files, sorted by document id (the order fixes the folds and the training order)."""
    return sorted(corpus.glob("*.ann"), key=lambda p: p.stem)


def doc_data(path: Path, extractor: Extractor, vocab: Vocabulary) -> DocData:
    gold = read_brat(path)
    assert gold.text_path is not None
    doc = read_path(gold.text_path, format=DocumentFormat.TEXT)
    # neutral gold spans (Coreference, History) stay O: labelled as mentions, 5-fold CV lost precision
    spans = sorted(
        ((m.span.start, m.span.end, KIND[m.category]) for m in gold.mentions if m.category in KIND),
        key=lambda t: (-(t[1] - t[0]), t[0], t[2]),  # the longest span labels a token first
    )
    folded = fold(doc.text)
    seqs = []
    for s, e, matches in extractor.sentence_matches(doc):
        tokens, feats = features(doc.text, folded, s, e, matches, vocab)
        labels = ["O"] * len(tokens)
        owner = [-1] * len(tokens)
        for n, (gs, ge, kind) in enumerate(spans):
            if ge <= s or gs >= e:
                continue
            idx = [i for i, (a, _) in enumerate(tokens) if gs <= a < ge and owner[i] < 0]
            for k, i in enumerate(idx):
                owner[i] = n
                labels[i] = ("B-" if k == 0 or idx[k - 1] != i - 1 else "I-") + kind
        if tokens:
            seqs.append((feats, labels))
    return DocData(gold.doc_id, path, seqs)


def vocab_lists(store: MappingStore) -> dict[str, list[str]]:
    """The vocabulary feature word lists, from the lexicon terms of every domain."""
    terms = {}
    for domain in ("conditions", "drugs", "tests", "procedures"):
        terms[domain] = [fold(t) for c in store.load(f"lexicons/{domain}")["concepts"] for t in c["terms"]]
    return vocabulary_lists(terms)


def load_corpus(
    corpus: Path, store: MappingStore | None = None
) -> tuple[list[DocData], dict[str, list[str]]]:
    store = store or MappingStore()
    extractor = Extractor(store, tagger=False)  # features never depend on a model
    lists = vocab_lists(store)
    vocab = vocabulary(lists)
    return [doc_data(p, extractor, vocab) for p in documents(corpus)], lists


def train(docs: Sequence[DocData], model_path: Path) -> int:
    """Train on ``docs`` (in the given order) into ``model_path``; returns the number of sentences."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    n = 0
    for d in docs:
        for feats, labels in d.sequences:
            trainer.append(feats, labels)
            n += 1
    trainer.set_params(PARAMS)
    trainer.train(str(model_path))
    return n
