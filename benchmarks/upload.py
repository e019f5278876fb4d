"""Upload throughput: ``fhirconv`` (Uploader: chunking, retries, counting) vs a bare httpx loop.

    python benchmarks/upload.py [--server URL] [-n 100] [--docs DIR] [--synthetic]

Bundles: ``-n`` documents converted with ``fhirconv.pipeline.convert_path`` (default: the MACCROBAT dev
texts in ../shared), or with ``--synthetic`` hand-written contract bundles (tests/integration). Each run
gets its own uuids (every uuid in a bundle is mapped through uuid5 with a per-run namespace), so every
run creates the same number of new resources and no run profits from an earlier one's conditional
matches. A third run re-uploads fhirconv's bundles to time the idempotent path (all ``unchanged``).
Figures, not pass/fail. Needs a running server (scripts/hapi-test-server start).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FHIRCONV_SHARED", str(REPO.parent / "shared")))
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def converted_bundles(docs: Path, n: int) -> list[dict[str, Any]]:
    from fhirconv.pipeline import convert_path

    out: list[dict[str, Any]] = []
    failed = 0
    for path in sorted(docs.glob("*.txt")):
        if len(out) >= n:
            break
        try:
            out.append(convert_path(path))
        except Exception as exc:  # a benchmark reports bad inputs and goes on
            failed += 1
            print(f"  skip {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    if failed:
        print(f"  {failed} documents failed to convert", file=sys.stderr)
    return out


def synthetic_bundles(n: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    from contract_bundles import contract_bundle

    return [contract_bundle(i) for i in range(n)]


def fresh_ids(bundles: list[dict[str, Any]], run: str) -> list[dict[str, Any]]:
    """The same bundles with every uuid replaced consistently, so that a run creates everything anew."""
    ns = uuid.uuid5(uuid.NAMESPACE_URL, f"fhirconv-benchmark:{run}")
    text = json.dumps(bundles)
    text = _UUID.sub(lambda m: str(uuid.uuid5(ns, m.group(0))), text)
    result: list[dict[str, Any]] = json.loads(text)
    return result


def run_bare(url: str, bundles: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    with httpx.Client(timeout=300) as client:
        for b in bundles:
            r = client.post(url, json=b, headers={"Content-Type": "application/fhir+json"})
            r.raise_for_status()
    return time.perf_counter() - start


def run_fhirconv(url: str, bundles: list[dict[str, Any]]) -> tuple[float, dict[str, int]]:
    from fhirconv.upload import FhirClient, Uploader

    totals = {"created": 0, "updated": 0, "unchanged": 0}
    start = time.perf_counter()
    with FhirClient(url, timeout=300) as client:
        uploader = Uploader(client)
        for i, b in enumerate(bundles):
            t = uploader.upload(b, source=f"bundle {i}").totals()
            totals["created"] += t.created
            totals["updated"] += t.updated
            totals["unchanged"] += t.unchanged
    return time.perf_counter() - start, totals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", default=os.environ.get("FHIRCONV_HAPI_URL"))
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--docs", type=Path, default=SHARED / "corpora" / "maccrobat2020" / "dev")
    ap.add_argument("--synthetic", action="store_true", help="use hand-written contract bundles")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds of each (best is reported)")
    args = ap.parse_args()
    url = (
        args.server
        or subprocess.run(
            [str(REPO / "scripts" / "hapi-test-server"), "url"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    url = url.rstrip("/")
    httpx.get(url + "/metadata", timeout=30).raise_for_status()

    t0 = time.perf_counter()
    if args.synthetic:
        bundles, kind = synthetic_bundles(args.n), "synthetic contract bundles"
    else:
        bundles, kind = converted_bundles(args.docs, args.n), f"bundles converted from {args.docs}"
    prep = time.perf_counter() - t0
    resources = sum(len(b.get("entry", [])) for b in bundles)
    print(f"{len(bundles)} {kind}, {resources} resources (prepared in {prep:.1f}s); server {url}")
    if len(bundles) < args.n:
        print(f"note: fewer than the {args.n} bundles asked for")

    # Warm the server (JIT, caches) so that the first measured run does not pay for it alone.
    run_bare(url, fresh_ids(bundles[: max(10, len(bundles) // 4)], f"warm-up-{time.time_ns()}"))

    # Alternate the two so that a server warming up or a busy machine does not favour either.
    bare_times: list[float] = []
    fc_times: list[float] = []
    fc_counts: dict[str, int] = {}
    mine: list[dict[str, Any]] = []
    for r in range(args.rounds):
        bare_times.append(run_bare(url, fresh_ids(bundles, f"bare-{r}-{time.time_ns()}")))
        mine = fresh_ids(bundles, f"fhirconv-{r}-{time.time_ns()}")
        secs, fc_counts = run_fhirconv(url, mine)
        fc_times.append(secs)
    again_s, again_counts = run_fhirconv(url, mine)

    def row(name: str, secs: float, counts: object = "") -> None:
        print(f"{name:45} {secs:8.2f} {resources / secs:12.1f}  {counts}")

    print(f"{'run':45} {'seconds':>8} {'resources/s':>12}  counts")
    for r in range(args.rounds):
        row(f"bare httpx loop, round {r + 1}", bare_times[r])
        row(f"fhirconv Uploader, round {r + 1}", fc_times[r], fc_counts)
    row("fhirconv Uploader, re-upload (idempotent)", again_s, again_counts)
    bare_best, fc_best = min(bare_times), min(fc_times)
    print(
        f"best of {args.rounds}: bare {resources / bare_best:.1f} resources/s, fhirconv "
        f"{resources / fc_best:.1f} resources/s; ratio fhirconv/bare = {bare_best / fc_best:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
