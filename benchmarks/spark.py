#!/usr/bin/env python3
"""Spark throughput: documents/s of ``spark-convert`` on local[1] and local[2] against ``fhirconv convert
--format ndjson --jobs 1/2`` on the same input, the per-executor start-up cost, and a paper estimate for
the PubMed Central case-report collection on a cluster.

usage: python benchmarks/spark.py [--sizes 1000,10000] [--masters local[1],local[2]] [--jobs 1,2]
                                  [--corpus DIR] [--collection 120000] [--cluster 8x16] [--json]

The corpus is MACCROBAT dev (``../shared``) replicated under new names up to each size. Every run is a
fresh process (a fresh JVM for Spark), timed from start to the last byte written, so Spark's session
start-up is inside the figure; the pure conversion time (``convert_s``) is given beside it. Figures, not
pass/fail: the machine is shared, so the 1- and 5-minute load averages are printed with every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "maccrobat2020" / "dev"


def make_corpus(src: Path, n: int, root: Path) -> Path:
    files = sorted(src.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {src}")
    out = root / f"corpus-{n}"
    out.mkdir(parents=True)
    for i in range(n):
        f = files[i % len(files)]
        shutil.copyfile(f, out / (f.name if i < len(files) else f"r{i // len(files)}-{f.name}"))
    return out


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def run_single(corpus: Path, out: Path, jobs: int) -> dict[str, Any]:
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "fhirconv", "convert", str(corpus), "--format", "ndjson"]
    proc = subprocess.run(
        [*cmd, "--out-dir", str(out), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"convert failed: {proc.stderr[-2000:]}")
    return {"wall_s": wall}


_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from fhirconv.spark import local_session, spark_convert
spark = local_session(sys.argv[1])
t1 = time.perf_counter()
r = spark_convert(sys.argv[2], sys.argv[3], spark=spark)
t2 = time.perf_counter()
spark.stop()
print(json.dumps({"session_s": t1 - t0, "convert_s": t2 - t1, "documents": r.documents, "ok": r.ok,
                  "partitions": r.partitions, "converters_built": r.converters_built}))
"""

_STARTUP = r"""
import json, sys, time
from fhirconv.spark import local_session
spark = local_session("local[1]")

def build(_):
    import time
    t = time.perf_counter()
    from fhirconv.definitions import load_definitions
    from fhirconv.pipeline import Converter, ConvertOptions
    load_definitions()
    Converter(ConvertOptions())
    return time.perf_counter() - t

t = time.perf_counter()
first = spark.sparkContext.parallelize([0], 1).map(build).collect()[0]
first_task = time.perf_counter() - t
t = time.perf_counter()
spark.sparkContext.parallelize([0], 1).map(lambda _: 0).collect()
empty_task = time.perf_counter() - t
spark.stop()
print(json.dumps({"converter_build_s": first, "first_task_s": first_task, "empty_task_s": empty_task}))
"""


def run_spark(corpus: Path, out: Path, master: str) -> dict[str, Any]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, master, str(corpus), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"spark-convert failed: {proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def startup() -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"start-up probe failed: {proc.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--masters", default="local[1],local[2]")
    ap.add_argument("--jobs", default="1,2", help="fhirconv convert --jobs values ('' to skip)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--collection", type=int, default=120_000, help="documents in the paper estimate")
    ap.add_argument("--cluster", default="8x16", help="NODESxCORES for the paper estimate")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    masters = [m for m in args.masters.split(",") if m]
    jobs = [int(j) for j in args.jobs.split(",") if j]

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fhirconv-spark-bench-") as tmp:
        root = Path(tmp)
        start = {"load": load(), **startup()}
        print(
            f"per-executor start-up: Converter + definitions {start['converter_build_s']:.2f} s "
            f"(first task {start['first_task_s']:.2f} s, "
            f"an empty task after it {start['empty_task_s']:.2f} s)"
            f"  load {start['load']}",
            flush=True,
        )
        for n in sizes:
            corpus = make_corpus(args.corpus, n, root)
            for m in masters:
                before = load()
                r = run_spark(corpus, root / f"spark-{n}-{m}", m)
                r["load_after"] = load()
                rows.append({"size": n, "runner": f"spark {m}", "load": before, **r})
                print(json.dumps(rows[-1]), flush=True)
                shutil.rmtree(root / f"spark-{n}-{m}", ignore_errors=True)
            for j in jobs:
                before = load()
                r = run_single(corpus, root / f"single-{n}-{j}", j)
                r["load_after"] = load()
                rows.append({"size": n, "runner": f"convert --jobs {j}", "load": before, **r})
                print(json.dumps(rows[-1]), flush=True)
                shutil.rmtree(root / f"single-{n}-{j}", ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)

    print()
    print(
        f"{'docs':>6}  {'runner':<22} {'wall s':>8} {'docs/s':>8} {'convert s':>10} {'docs/s':>8}"
        "  load 1/5 before, after"
    )
    for r in rows:
        conv = r.get("convert_s")
        print(
            f"{r['size']:>6}  {r['runner']:<22} {r['wall_s']:>8.1f} {r['size'] / r['wall_s']:>8.1f} "
            + (f"{conv:>10.1f} {r['size'] / conv:>8.1f}" if conv else f"{'':>10} {'':>8}")
            + f"  {r['load']}, {r['load_after']}"
        )
    for n in sizes:
        by = {r["runner"]: r for r in rows if r["size"] == n}
        if "spark local[1]" in by and "spark local[2]" in by:
            s = by["spark local[1]"]["wall_s"] / by["spark local[2]"]["wall_s"]
            c = by["spark local[1]"]["convert_s"] / by["spark local[2]"]["convert_s"]
            print(
                f"{n}: local[2] / local[1] speed-up {s:.2f}x wall ({c:.2f}x conversion only); "
                f"efficiency {s / 2:.0%}"
            )
    big = max(sizes)
    one = next((r for r in rows if r["size"] == big and r["runner"] == "spark local[1]"), None)
    if one:
        nodes, cores = (int(x) for x in args.cluster.split("x"))
        per_core = big / one["convert_s"]
        eff = 0.85
        secs = args.collection / (per_core * nodes * cores * eff)
        print(
            f"paper estimate: {args.collection:,} case reports at {per_core:.1f} docs/s per core "
            f"(local[1], {big:,} docs) on {nodes} nodes x {cores} cores at {eff:.0%} efficiency: "
            f"{secs / 60:.1f} min + start-up"
        )
    if args.json:
        print(json.dumps({"startup": start, "runs": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
