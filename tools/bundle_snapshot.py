#!/usr/bin/env python3
"""Proof that a speed change changed nothing: every input converted to its bundle (extract + build, no
gate), one line per file, written to a snapshot file; a second run with ``--compare`` names the files
whose bundle differs from a saved snapshot.

usage: python tools/bundle_snapshot.py OUT.tsv [--compare BEFORE.tsv] [DIR ...]

Without DIRs it reads the MACCROBAT and E3C dev texts, the samples, the real documents and the seeds of
``../shared``. Run it at the commit before the change and after it (same corpora); identical snapshots
mean identical bundles, so identical evaluation figures and goldens.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def default_inputs() -> list[Path]:
    files = sorted((SHARED / "corpora" / "maccrobat2020" / "dev").glob("*.txt"))
    files += sorted((SHARED / "corpora" / "e3c-en-layer1" / "dev").glob("*.txt"))
    files += sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    for d in (SHARED / "real-docs", SHARED / "seeds"):
        if d.is_dir():
            files += sorted(p for p in d.rglob("*") if p.is_file() and p.name != "README.md")
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--compare", type=Path, help="a snapshot written before the change")
    args = ap.parse_args()

    from fhirconv.fhir import BundleOptions, build_bundle, dumps
    from fhirconv.pipeline import Converter, ConvertOptions

    files = [p for d in args.dirs for p in sorted(d.rglob("*")) if p.is_file()] or default_inputs()
    if not files:
        print("no input files", file=sys.stderr)
        return 2
    conv = Converter(ConvertOptions())
    bundle_type = BundleOptions(conv.options.bundle_type.value)
    cpu = time.process_time()
    lines = []
    for p in files:
        try:
            doc = conv.read_bytes(p.read_bytes(), p.name)
            bundle = build_bundle(doc, conv.extractor.extract(doc), conv.normalizer, bundle_type)
            text = dumps(bundle, "json", pretty=False).replace("\n", " ")
            lines.append(f"{p.parent.name}/{p.name}\t{text}")
        except Exception as exc:  # a reader's refusal is part of the snapshot too
            lines.append(f"{p.parent.name}/{p.name}\terror {type(exc).__name__}: {exc}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(files)} files, {time.process_time() - cpu:.2f} s CPU -> {args.out}", file=sys.stderr)
    if args.compare is None:
        return 0
    before = dict(line.split("\t", 1) for line in args.compare.read_text(encoding="utf-8").splitlines())
    after = dict(line.split("\t", 1) for line in lines)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for name in changed:
        print(f"differs: {name}")
    print(f"{len(changed)} of {len(after)} bundles differ", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
