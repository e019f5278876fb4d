"""The learned mention tagger (fhirconv/extract/tagger.py): proposals only where the rules found
nothing, the normal ConText reading applied to them, and the shipped model's metadata honest.

The small models here are trained in the test on sentences written by the team for this file (a real
CRFsuite model, not a mock); none is taken from a corpus or a real report.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pycrfsuite
import pytest

from fhirconv.extract import Extractor
from fhirconv.extract.lexicon import Concept, Match
from fhirconv.extract.tagger import (
    FEATURE_VERSION,
    MentionTagger,
    features,
    token_spans,
    vocabulary,
    vocabulary_lists,
)
from fhirconv.mapping import MappingStore
from fhirconv.model import Assertion
from fhirconv.readers import read_bytes
from fhirconv.text import fold

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "mappings" / "models"

# (sentence, the words labelled as a condition) -- invented finding names the lexicon does not hold
_TRAIN = [
    ("She had marked glimmerosis of the hands.", "marked glimmerosis"),
    ("Examination showed severe glimmerosis.", "severe glimmerosis"),
    ("He developed florid glimmerosis after the fall.", "florid glimmerosis"),
    ("There was mild glimmerosis on both legs.", "mild glimmerosis"),
    ("The patient reported intermittent glimmerosis.", "intermittent glimmerosis"),
    ("The scan was normal.", ""),
    ("She was discharged home on day five.", ""),
]
_VOCAB = vocabulary(vocabulary_lists({"conditions": ["glimmer rash"]}))


def _train(tmp_path: Path) -> bytes:
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence, target in _TRAIN:
        folded = fold(sentence)
        spans, feats = features(sentence, folded, 0, len(sentence), [], _VOCAB)
        start = sentence.find(target) if target else -1
        labels = []
        for a, b in spans:
            inside = target and start <= a and b <= start + len(target)
            labels.append(("B-COND" if a == start else "I-COND") if inside else "O")
        trainer.append(feats, labels)
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 60})
    path = tmp_path / "tiny.crfsuite"
    trainer.train(str(path))
    return path.read_bytes()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _train(tmp_path_factory.mktemp("tagger"))


def test_tokens_are_words_and_single_marks() -> None:
    text = "b/l lesions, 3.5cm"
    assert [text[a:b] for a, b in token_spans(fold(text), 0, len(text))] == [
        "b",
        "/",
        "l",
        "lesions",
        ",",
        "3",
        ".",
        "5cm",
    ]


def test_features_carry_the_lexicon_match_and_vocabulary() -> None:
    text = "Glimmer rash was seen."
    concept = Concept("conditions", "x", "glimmer rash", "sign", ())
    _, feats = features(text, fold(text), 0, len(text), [Match(0, 12, concept)], _VOCAB)
    assert "L=B-C" in feats[0] and "L=I-C" in feats[1] and "L=O" in feats[2]
    assert "hC" in feats[1] and "vC" in feats[0] and "hC" not in feats[0]
    assert "sh=Aa" in feats[0] and "BOS" in feats[0] and "EOS" in feats[-1]


def test_a_proposal_is_a_codeless_condition_mention(tiny: bytes) -> None:
    text = "On admission she had severe glimmerosis."
    found = MentionTagger(tiny, 0.5, _VOCAB).propose(text, fold(text), 0, len(text), [])
    assert [(text[m.start : m.end], m.concept.domain, m.concept.codings) for m in found] == [
        ("severe glimmerosis", "conditions", ())
    ]


def test_no_proposal_where_a_rule_mention_stands(tiny: bytes) -> None:
    text = "On admission she had severe glimmerosis."
    rule = Match(28, 39, Concept("tests", "t", "glimmerosis", "lab", ()))
    assert MentionTagger(tiny, 0.5, _VOCAB).propose(text, fold(text), 0, len(text), [rule]) == []


def test_the_threshold_keeps_uncertain_proposals_out(tiny: bytes) -> None:
    text = "On admission she had severe glimmerosis."
    assert MentionTagger(tiny, 1.0, _VOCAB).propose(text, fold(text), 0, len(text), []) == []


def test_conversion_reads_a_proposal_like_any_mention(tiny: bytes) -> None:
    """ConText applies to what the tagger proposes: a denied finding is a negated condition."""
    extractor = Extractor(MappingStore())
    extractor.tagger = MentionTagger(tiny, 0.5, _VOCAB)
    text = "A 40-year-old woman was admitted. She had no glimmerosis. Later she had severe glimmerosis."
    facts = extractor.extract(read_bytes(text.encode(), "case.txt"))
    found = {(c.text.lower(), c.assertion) for c in facts.conditions if "glimmerosis" in c.text.lower()}
    assert ("glimmerosis", Assertion.NEGATED) in found
    assert any(assertion is Assertion.PRESENT for _, assertion in found)


@pytest.mark.parametrize("enabled", [False, True])
def test_a_mappings_overlay_switches_the_tagger(tmp_path: Path, enabled: bool) -> None:
    """The switch is data: an overlay of models/tagger.json turns the shipped model on or off."""
    meta = json.loads((MODELS / "tagger.json").read_text(encoding="utf-8"))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tagger.json").write_text(json.dumps({**meta, "enabled": enabled}))
    tagger = MentionTagger.load(MappingStore(tmp_path))
    assert (tagger is not None) is enabled
    if tagger is not None:
        assert tagger.threshold == meta["threshold"] and tagger.features.vocab
        assert Extractor(MappingStore(tmp_path), tagger=False).tagger is None


def test_a_model_of_other_features_is_refused(tmp_path: Path) -> None:
    from fhirconv.errors import MappingError

    meta = json.loads((MODELS / "tagger.json").read_text(encoding="utf-8"))
    (tmp_path / "models").mkdir()
    stale = {**meta, "enabled": True, "feature_version": FEATURE_VERSION - 1}
    (tmp_path / "models" / "tagger.json").write_text(json.dumps(stale))
    with pytest.raises(MappingError, match="retrain"):
        MentionTagger.load(MappingStore(tmp_path))


def test_the_shipped_model_matches_its_metadata() -> None:
    meta = json.loads((MODELS / "tagger.json").read_text(encoding="utf-8"))
    model = (MODELS / meta["model"]).read_bytes()
    assert hashlib.sha256(model).hexdigest() == meta["model_sha256"]
    assert len(model) <= 20 * 1024 * 1024
    assert meta["feature_version"] == FEATURE_VERSION
    assert (MODELS / meta["vocabulary_file"]).is_file()
    # the figures behind the shipped threshold: pooled 5-fold CV, conditions precision kept at 0.90
    chosen = meta["cross_validation"][f"tagger@{meta['threshold']:g} condition"]
    assert chosen["precision"] >= 0.90
    assert "CC BY 4.0" in meta["training"]["corpus_licence"] and "MACCROBAT" in meta["training"]["corpus"]
    tagger = MentionTagger.load(MappingStore())
    assert (tagger is not None) == meta["enabled"]


def test_an_unknown_kind_is_refused(tiny: bytes) -> None:
    from fhirconv.errors import MappingError

    with pytest.raises(MappingError):
        MentionTagger(tiny, 0.5, _VOCAB, ("DRUG",))


def test_a_word_the_rules_never_take_alone_is_not_proposed(tiny: bytes) -> None:
    """The rules' condition stop words ("symptoms", "abnormality") bind the tagger too."""
    text = "On admission she had severe glimmerosis."
    tagger = MentionTagger(tiny, 0.5, _VOCAB, stop=frozenset({"severe glimmerosis"}))
    assert tagger.propose(text, fold(text), 0, len(text), []) == []


def test_no_proposal_over_a_lexicon_match_the_rules_set_aside(tiny: bytes) -> None:
    text = "On admission she had severe glimmerosis."
    refused = Match(21, 39, Concept("conditions", "c", "glimmerosis", "sign", ()))
    assert MentionTagger(tiny, 0.5, _VOCAB).propose(text, fold(text), 0, len(text), [], [refused]) == []
