#!/usr/bin/env python3
"""Hostile inputs: extraction CPU time per character of reports made of number-like runs (issue 15).

Each shape (one long run of digits, "1.1.1...", "1-1-1-...", "1/1/1/...", digits between single spaces,
"1,000,000,...", "1mg1mg...", runs of digits between points) is extracted at two sizes; a flat
microseconds-per-character column across the sizes shows linear time, and its height the constant.
CPU time (time.process_time), so figures compare on a loaded machine.

usage: python benchmarks/hostile.py [--sizes 10000,20000] [shape ...]
Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fhirconv.pipeline import Converter, ConvertOptions  # noqa: E402
from fhirconv.readers import read_bytes  # noqa: E402

SHAPES: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "7" * n,
    "dots": lambda n: ("1." * n)[:n],
    "dashes": lambda n: ("1-" * n)[:n],
    "slashes": lambda n: ("1/" * n)[:n],
    "spaced": lambda n: ("1 " * n)[:n],
    "thousands": lambda n: ("1" + ",000" * n)[:n],
    "mg": lambda n: ("1mg" * n)[:n],
    "digit-runs": lambda n: (("7" * 50 + ".") * (n // 51 + 1))[:n],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,20000")
    ap.add_argument("shapes", nargs="*", help=f"any of {', '.join(SHAPES)} (default: all)")
    args = ap.parse_args()
    unknown = [s for s in args.shapes if s not in SHAPES]
    if unknown:
        ap.error(f"unknown shape(s): {', '.join(unknown)}")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    conv = Converter(ConvertOptions())
    conv.extract(read_bytes(b"Warm-up: aspirin 75 mg daily; hemoglobin 12 g/dl.", "warm.txt"))
    print(f"{'shape':12s} {'chars':>8s} {'cpu s':>8s} {'us/char':>8s}")
    for name in args.shapes or list(SHAPES):
        for n in sizes:
            doc = read_bytes(SHAPES[name](n).encode("utf-8"), "hostile.txt")
            t0 = time.process_time()
            conv.extract(doc)
            dt = time.process_time() - t0
            print(f"{name:12s} {n:8d} {dt:8.3f} {dt / n * 1e6:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
