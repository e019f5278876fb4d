#!/usr/bin/env python3
"""The output gate's share of warm conversion, for each way of gating, in one process.

For every MACCROBAT dev report: read, extract + build (``Converter.convert`` with the model gate's
work subtracted is not separable, so the bundle is built with ``gate="model"`` and the gates are timed
on copies of it), then each gate on the same bundle:

- ``compiled``: today's default ``--gate full`` (the compiled validator + the rest of the chain);
- ``chain``: the checker-by-checker chain (``build_chain(compiled=False)``), the previous validator;
- ``model``: the fhir.resources model checks;
- ``before``: model + chain, the previous default ``--gate full``.

CPU time (``time.process_time``), best of ``--repeat`` passes, so other load on the machine matters
less. Figures, not pass/fail. Usage::

    python benchmarks/gate.py [--repeat 3] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "maccrobat2020" / "dev"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from fhirconv.fhir import check_models_each
    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.validate import build_chain, validate_json

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    conv = Converter(ConvertOptions(gate="model"))
    compiled, chain = build_chain(), build_chain(compiled=False)

    def gate_compiled(b: dict[str, Any]) -> None:
        validate_json(b, chain=compiled)

    def gate_chain(b: dict[str, Any]) -> None:
        validate_json(b, chain=chain)

    def gate_before(b: dict[str, Any]) -> None:
        check_models_each(b)
        validate_json(b, chain=chain)

    gates = {
        "compiled": gate_compiled,
        "chain": gate_chain,
        "model": check_models_each,
        "before": gate_before,
    }
    docs = [conv.read_path(f) for f in files]
    bundles = [conv.convert(d) for d in docs]  # warm-up: validators compile, caches fill
    for b in bundles:
        for fn in gates.values():
            fn(copy.deepcopy(b))
    resources = sum(len(b.get("entry") or []) + 1 for b in bundles)
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        t = time.process_time()
        for d in docs:
            conv.convert(d)
        convert_model = time.process_time() - t
        t = time.process_time()
        for b in bundles:
            check_models_each(b)
        build = convert_model - (time.process_time() - t)  # read excluded: extraction + building
        best["build"] = min(best.get("build", 1e9), build)
        for name, fn in gates.items():
            copies = [copy.deepcopy(b) for b in bundles]
            t = time.process_time()
            for b in copies:
                fn(b)
            best[name] = min(best.get(name, 1e9), time.process_time() - t)
    n = len(files)
    print(f"{n} reports, {resources} resources; CPU seconds, best of {args.repeat}")
    print(f"  extract + build: {best['build']:.3f} s ({best['build'] / n * 1000:.1f} ms/report)")
    for name in gates:
        total = best["build"] + best[name]
        print(
            f"  gate {name:>8}: {best[name]:.3f} s = {resources / best[name]:,.0f} resources/s; "
            f"{best[name] / total:.0%} of extract+build+gate; {n / total:.1f} reports/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
