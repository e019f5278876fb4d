#!/usr/bin/env python3
"""Conversion speed: warm documents/s over MACCROBAT dev texts, and cold single-file latency.

usage: python benchmarks/convert.py [--corpus DIR] [--cold-runs N] [--gate full|model] [--json]
Figures, not pass/fail: run it before and after a change and compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "maccrobat2020" / "dev"
DEFAULT_SEED = REPO.parent / "shared" / "seeds"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--gate", default="full", choices=["full", "model"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.readers import read_path

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    conv = Converter(ConvertOptions(gate=args.gate))
    setup = time.perf_counter() - t0
    conv.convert(read_path(files[0]))  # warm caches (validator compile, lazy imports)
    chars = 0
    resources = 0
    t1 = time.perf_counter()
    for f in files:
        doc = read_path(f)
        chars += len(doc.text)
        resources += len(conv.convert(doc)["entry"])
    warm = time.perf_counter() - t1

    seed = sorted(DEFAULT_SEED.glob("*.txt"))
    target = seed[0] if seed else files[0]
    cold: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.cold_runs):
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "fhirconv.cli",
                    "convert",
                    str(target),
                    "-o",
                    str(Path(tmp) / "o.json"),
                    "--gate",
                    args.gate,
                ],
                check=True,
                capture_output=True,
            )
            cold.append(time.perf_counter() - t)
    result = {
        "corpus": str(args.corpus),
        "documents": len(files),
        "gate": args.gate,
        "setup_s": round(setup, 3),
        "warm_total_s": round(warm, 3),
        "docs_per_s": round(len(files) / warm, 2),
        "kchars_per_s": round(chars / warm / 1000, 1),
        "resources_per_s": round(resources / warm, 1),
        "cold_single_file_s_median": round(statistics.median(cold), 3),
        "cold_runs": [round(c, 3) for c in cold],
        "cold_file": target.name,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
