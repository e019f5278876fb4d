#!/usr/bin/env python3
"""Scaling: conversion time and peak memory against report size (issue 11, acceptance 2).

Builds reports of 0.1, 1, 5 and 20 MB (and of 1, 5 and 20 MB on one line) by repeating the repository's
own sample narratives, converts each with ``fhirconv convert`` in a fresh process, and prints wall seconds,
CPU seconds (user + system of the process: the figure to compare on a shared, loaded machine), peak RSS
and CPU seconds per MB. Linear growth shows as a flat s/MB column.

usage: python benchmarks/scaling.py [--sizes 0.1,1,5,20] [--single-line 1,5,20] [--gate full|model] [--json]
Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1_000_000


def _narrative() -> str:
    texts = [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted((REPO / "samples").glob("*.txt"))
    ]
    return "\n\n".join(t.strip() for t in texts)


def build(size: int, *, single_line: bool) -> str:
    base = _narrative()
    if single_line:
        base = " ".join(base.split())
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        block = f"Case {i + 1}. " + base  # numbered, so repeats are not byte-identical
        parts.append(block)
        total += len(block.encode("utf-8")) + 2
        i += 1
    sep = " " if single_line else "\n\n"
    return sep.join(parts)[:size]


def run(path: Path, out: Path, gate: str) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak RSS in KB and exit code of one ``fhirconv convert`` process."""
    env = dict(os.environ, FHIRCONV_MAX_INPUT_BYTES=str(100 * MB))
    cmd = [sys.executable, "-m", "fhirconv", "convert", str(path), "-o", str(out), "--gate", gate]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        if proc.returncode:
            print(err, file=sys.stderr)
        proc.stderr.close()
    return seconds, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss), proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="0.1,1,5,20", help="MB, comma-separated")
    ap.add_argument(
        "--single-line", default="1,5,20", help="MB of one-line reports, comma-separated ('' or 0: none)"
    )
    ap.add_argument("--gate", default="full", choices=["full", "model"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cases = [(float(s), False) for s in args.sizes.split(",") if s]
    cases += [(float(s), True) for s in args.single_line.split(",") if s.strip() and float(s) > 0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb, one_line in cases:
            path = Path(tmp) / f"report-{mb}{'-line' if one_line else ''}.txt"
            path.write_text(build(int(mb * MB), single_line=one_line), encoding="utf-8")
            seconds, cpu, rss_kb, code = run(path, Path(tmp) / "out.json", args.gate)
            out_mb = (Path(tmp) / "out.json").stat().st_size / MB if code == 0 else 0.0
            rows.append(
                {
                    "mb": mb,
                    "single_line": one_line,
                    "seconds": round(seconds, 2),
                    "cpu_seconds": round(cpu, 2),
                    "cpu_s_per_mb": round(cpu / mb, 2),
                    "rss_mb": round(rss_kb / 1024, 1),
                    "exit": code,
                    "bundle_mb": round(out_mb, 1),
                }
            )
            (Path(tmp) / "out.json").unlink(missing_ok=True)
            if not args.json:
                r = rows[-1]
                kind = "one line" if one_line else "paragraphs"
                print(
                    f"{mb:>6} MB {kind:<10} {r['seconds']:>8.2f} s wall {r['cpu_seconds']:>8.2f} s CPU "
                    f"{r['cpu_s_per_mb']:>7.2f} CPU s/MB "
                    f"{r['rss_mb']:>8.1f} MB RSS  exit {code}  bundle {r['bundle_mb']} MB",
                    flush=True,
                )
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
