"""Train the CRF mention tagger on MACCROBAT dev and write it into mappings/models/.

    python3 tools/train_tagger.py ../shared/corpora/maccrobat2020/dev --threshold 0.95 --enable \\
        --cv-json cv.json     # figures of tools/cv_tagger.py, recorded in the metadata

Reproducible: the documents are read in id order and CRFsuite's L-BFGS has no random state, so the
same corpus, lexicons and parameters give the same model bytes (the metadata records their sha256).
The corpus is MACCROBAT2020 (Caufield et al., CC BY 4.0); only the learned weights are shipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tagger_data as td

from fhirconv.extract.tagger import FEATURE_VERSION, LABELS

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "mappings" / "models"
CORPUS = "MACCROBAT2020 (Caufield JH et al., figshare, doi:10.6084/m9.figshare.9764942), dev split"
CORPUS_LICENCE = "CC BY 4.0"


def _one_list_a_line(data: dict[str, Any]) -> str:
    """JSON with each word list on one line (a diff shows which lists changed, not 25,000 lines)."""
    head = {k: v for k, v in data.items() if k != "words"}
    body = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    words = ",\n".join(
        f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(data["words"].items())
    )
    return f'{body},\n "words": {{\n{words}\n }}\n}}\n'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--threshold", type=float, required=True)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--enable", action="store_true", help="conversion runs the tagger")
    group.add_argument("--disable", action="store_true", help="ship the model, conversion ignores it")
    ap.add_argument("--cv-json", type=Path, help="tools/cv_tagger.py --json output to record")
    ap.add_argument("--out", type=Path, default=MODELS)
    args = ap.parse_args()

    docs, lists = td.load_corpus(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tagger.crfsuite"
        sentences = td.train(docs, path)
        model = path.read_bytes()
    (args.out / "tagger.crfsuite").write_bytes(model)
    meta: dict[str, Any] = {
        "schema": "tagger",
        "version": "1.0.0",
        "description": (
            "CRF mention tagger (fhirconv/extract/tagger.py): BIO labels for conditions, tests, values, "
            "drugs and procedures from tokens, shape, affixes, a context window, the lexicon's matches "
            "and lexicon vocabulary; conversion takes only condition proposals no rule mention touches, "
            "each token's marginal probability at least the threshold. Built by tools/train_tagger.py."
        ),
        "source": f"Weights learned from {CORPUS} by CRFsuite; vocabulary lists from mappings/lexicons.",
        "licence": (
            f"Model weights derived from MACCROBAT2020, {CORPUS_LICENCE} (attribution: Caufield JH, Zhou Y, "
            "Bai Y, et al. A Comprehensive Typing System for Information Extraction from Clinical "
            "Narratives. medRxiv 2019); vocabulary from the lexicons, see NOTICE.md; code Apache-2.0."
        ),
        "enabled": bool(args.enable),
        "model": "tagger.crfsuite",
        "vocabulary_file": "tagger_vocabulary.json",
        "model_sha256": hashlib.sha256(model).hexdigest(),
        "feature_version": FEATURE_VERSION,
        "labels": list(LABELS),
        "kinds": ["COND"],
        "threshold": args.threshold,
        "training": {
            "corpus": CORPUS,
            "corpus_licence": CORPUS_LICENCE,
            "documents": len(docs),
            "sentences": sentences,
            "algorithm": "lbfgs",
            "params": dict(td.PARAMS),
        },
    }
    if args.disable:
        meta["description"] += (
            " Shipped disabled: by 5-fold CV it adds little condition recall for its extraction time"
            " (docs/extraction.md); enable it with a --mappings overlay of this file."
        )
    if args.cv_json:
        cv = json.loads(args.cv_json.read_text(encoding="utf-8"))
        meta["cross_validation"] = {
            f"{run} {cat}": {k: c[k] for k in ("precision", "recall", "f1", "tp", "predicted", "gold")}
            for run, cats in cv.items()
            for cat, c in cats.items()
            if cat in ("condition", "observation")
        }
    vocabulary = {
        "schema": "tagger_vocabulary",
        "version": "1.0.0",
        "description": "Word lists of the tagger's vocabulary features (fhirconv/extract/tagger.py).",
        "source": "Words of the terms of mappings/lexicons/*.json at training time (tools/train_tagger.py).",
        "licence": "As the lexicons they come from: see NOTICE.md (lexicons/*.json).",
        "words": lists,
    }
    (args.out / "tagger_vocabulary.json").write_text(_one_list_a_line(vocabulary), encoding="utf-8")
    (args.out / "tagger.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"{len(docs)} documents, {sentences} sentences; model {len(model):,} bytes, "
        f"sha256 {meta['model_sha256']}"
    )


if __name__ == "__main__":
    main()
