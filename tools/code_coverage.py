"""Measure terminology coverage on the dev corpora: SNOMED on Conditions, RxNorm on drugs, UCUM on units.

Run ``python tools/code_coverage.py [--json]`` from a checkout with ../shared beside it. Converts MACCROBAT
dev, E3C dev and real-docs (model gate: the figures are about codes, not validity) and prints the figures
of tests/terminology.py's ``coverage`` per corpus and in total, plus the audit problems found.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from terminology import audit_bundle, coverage  # noqa: E402


def corpora(shared: Path) -> dict[str, list[Path]]:
    real = shared / "real-docs"
    return {
        "maccrobat-dev": sorted((shared / "corpora" / "maccrobat2020" / "dev").glob("*.txt")),
        "e3c-dev": sorted((shared / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt")),
        "real-docs": sorted(p for p in real.rglob("*") if p.is_file() and p.name != "README.md"),
    }


def main(argv: list[str] | None = None) -> int:
    from fhirconv.errors import FhirconvError
    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.readers import read_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    conv = Converter(ConvertOptions(gate="model"))
    report: dict[str, Any] = {}
    everything: list[dict[str, Any]] = []
    problems: Counter[str] = Counter()
    for name, paths in corpora(args.shared).items():
        bundles = []
        for p in paths:
            try:
                bundles.append(conv.convert(read_path(p)))
            except FhirconvError as exc:
                problems[f"convert failed: {type(exc).__name__}"] += 1
        for b in bundles:
            for msg in audit_bundle(b):
                problems[msg.split(":")[0] + ": " + msg.split(":", 1)[1].split("'")[0].strip()] += 1
        report[name] = {"documents": len(bundles), **coverage(bundles)}
        everything += bundles
    report["total"] = {"documents": len(everything), **coverage(everything)}
    report["audit_problems"] = dict(problems.most_common(40))
    report["audit_problem_count"] = sum(problems.values())
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
