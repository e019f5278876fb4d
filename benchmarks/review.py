#!/usr/bin/env python3
"""Review page cost against conversion: MACCROBAT dev texts converted (the full gate, as `convert` does)
and their review pages rendered from the bundles.

usage: python benchmarks/review.py [--corpus DIR] [--gate full|model] [--repeat N] [--json]
Prints conversion time, render time (page from bundle + sections, no validation) and render time with the
validation verdict (`fhirconv validate` chain again, as `fhirconv review` does), each also as a share of
conversion. Issue 13 asks rendering to stay under 10 % of conversion. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "maccrobat2020" / "dev"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gate", default="full", choices=["full", "model"])
    ap.add_argument("--repeat", type=int, default=1, help="renders per document; the fastest counts")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.readers import read_path
    from fhirconv.review import render_review, sections_of, verdict_for

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    conv = Converter(ConvertOptions(gate=args.gate))
    warm_doc = read_path(files[0])
    warm_bundle = conv.convert(warm_doc)  # warm caches (validator compile, lazy imports)
    render_review(warm_bundle, sections=sections_of(warm_doc))
    verdict_for(warm_bundle, "warm")

    # Interleaved per document, as `convert --review` runs: only one bundle alive at a time.
    convert_s = render_s = validated_s = 0.0
    size = 0
    for f in files:
        doc = read_path(f)
        t0 = time.perf_counter()
        bundle = conv.convert(doc)
        t1 = time.perf_counter()
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            page = render_review(bundle, source=f.name, sections=sections_of(doc))
            best = min(best, time.perf_counter() - t)
        t2 = time.perf_counter()
        render_review(bundle, source=f.name, sections=sections_of(doc), verdict=verdict_for(bundle, f.name))
        t3 = time.perf_counter()
        convert_s += t1 - t0
        render_s += best
        validated_s += t3 - t2
        size += len(page.encode("utf-8"))

    result = {
        "documents": len(files),
        "gate": args.gate,
        "convert_s": round(convert_s, 3),
        "render_s": round(render_s, 3),
        "render_share": round(render_s / convert_s, 4),
        "render_with_verdict_s": round(validated_s, 3),
        "render_with_verdict_share": round(validated_s / convert_s, 4),
        "pages_mib": round(size / 2**20, 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        n = len(files)
        print(f"{n} documents, convert (gate {args.gate}): {convert_s:.2f} s")
        print(
            f"render pages:             {render_s:.3f} s  ({render_s / n * 1000:.1f} ms/doc, "
            f"{render_s / convert_s:.1%} of conversion; {size / 2**20:.1f} MiB of HTML)"
        )
        print(
            f"render + validate verdict: {validated_s:.3f} s  ({validated_s / convert_s:.1%} of conversion)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
