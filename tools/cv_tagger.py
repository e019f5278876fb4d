"""K-fold cross-validation of the CRF mention tagger on MACCROBAT dev (the only corpus it may learn from).

The documents, sorted by id, go to fold ``i % k``. For each fold a model is trained on the other folds
(tools/tagger_data.py, the shipped training parameters) and the held-out documents are converted by
the real pipeline with that model; the held-out outcomes of all folds are pooled and scored like
``fhirconv evaluate`` (overlap P/R/F1 per category). No figure here comes from a model that saw the
document it scores. "rules" is the same pooled run with the tagger off.

    python3 tools/cv_tagger.py ../shared/corpora/maccrobat2020/dev --folds 5 --thresholds 0.6,0.7,0.8
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tagger_data as td

from fhirconv.errors import InputError
from fhirconv.evaluate.gold import GoldDocument
from fhirconv.evaluate.runner import evaluate, summarise
from fhirconv.extract.tagger import MentionTagger, vocabulary
from fhirconv.model import DocumentFormat
from fhirconv.pipeline import Converter, ConvertOptions
from fhirconv.readers import read_path

CATEGORIES = (
    "condition",
    "observation",
    "observation.test",
    "observation.value",
    "medication",
    "procedure",
)


def folds_of(docs: list[td.DocData], k: int) -> list[list[td.DocData]]:
    return [[d for i, d in enumerate(docs) if i % k == f] for f in range(k)]


def cross_validate(
    corpus: Path, k: int, thresholds: list[float], kinds: list[str]
) -> dict[str, dict[str, Any]]:
    docs, lists = td.load_corpus(corpus)
    vocab = vocabulary(lists)
    folds = folds_of(docs, k)
    models: list[bytes] = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in range(k):
            train = [d for g, fold in enumerate(folds) if g != f for d in fold]
            path = Path(tmp) / f"fold{f}.crfsuite"
            td.train(train, path)
            models.append(path.read_bytes())
            print(f"fold {f}: trained on {len(train)} documents", file=sys.stderr)
    conv = Converter(ConvertOptions())
    stop = conv.extractor.mentions.rules.condition_stop

    def convert(gold: GoldDocument) -> dict[str, Any]:
        assert gold.text_path is not None
        doc = read_path(gold.text_path, format=DocumentFormat.TEXT)
        if doc.text != gold.text:
            raise InputError("reader text differs from the annotated text", source=gold.doc_id)
        return conv.convert(doc)

    results: dict[str, dict[str, Any]] = {}
    for label, threshold in [("rules", None), *[(f"tagger@{t:g}", t) for t in thresholds]]:
        outcomes = []
        for f, fold in enumerate(folds):
            conv.extractor.tagger = (
                None if threshold is None else MentionTagger(models[f], threshold, vocab, kinds, stop)
            )
            outcomes += evaluate([d.path for d in fold], fmt="brat", converter=convert)
        summary = summarise(outcomes, "brat")
        results[label] = {
            cat: summary["categories"][cat]["overlap"] for cat in CATEGORIES if cat in summary["categories"]
        }
        print(f"{label}: done", file=sys.stderr)
    return results


def table(results: dict[str, dict[str, Any]]) -> str:
    head = "| run | " + " | ".join(f"{c} P/R/F1" for c in CATEGORIES) + " |"
    lines = [head, "|" + "---|" * (len(CATEGORIES) + 1)]
    for label, cats in results.items():
        cells = [
            f"{c['precision']:.3f}/{c['recall']:.3f}/{c['f1']:.3f}" if c else "-"
            for c in (cats.get(cat) for cat in CATEGORIES)
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.9")
    ap.add_argument("--kinds", default="COND")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",") if t]
    results = cross_validate(args.corpus, args.folds, thresholds, args.kinds.split(","))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
