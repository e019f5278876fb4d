"""Validation speed: cold single-bundle wall time and warm resources/s over the official examples.

Figures, not pass/fail. Needs the installed definitions (``fhirconv definitions install``) and the
shared examples (``../shared/fhir-r4/examples`` or ``$FHIRCONV_SHARED``). Usage::

    python benchmarks/validate.py [--repeat 3] [--skip-cold]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FHIRCONV_SHARED", str(REPO.parent / "shared")))


def fifty_entry_bundle(examples: Path) -> dict[str, object]:
    """A 50-entry transaction bundle of official example resources (the issue's reference size)."""
    entries = []
    for path in sorted(examples.glob("*.json")):
        res = json.loads(path.read_text(encoding="utf-8"))
        if res["resourceType"] in ("Bundle", "Parameters") or "contained" in res:
            continue
        n = len(entries)
        url = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        entries.append(
            {"fullUrl": url, "resource": res, "request": {"method": "POST", "url": res["resourceType"]}}
        )
        if len(entries) == 50:
            break
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _child_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold(bundle_file: Path, repeat: int) -> tuple[list[float], list[float], list[float]]:
    """Fresh interpreter each time: library call, and the CLI end to end."""
    lib = (
        "import sys; from fhirconv.validate import validate_paths; "
        "r = list(validate_paths([sys.argv[1]])); print(len(r[0].errors))"
    )
    lib_times, cli_times, cpu_times = [], [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), _child_cpu()
        subprocess.run([sys.executable, "-c", lib, str(bundle_file)], check=True, capture_output=True)
        lib_times.append(time.perf_counter() - t)
        cpu_times.append(_child_cpu() - c)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "fhirconv", "validate", str(bundle_file)], check=False, capture_output=True
        )
        cli_times.append(time.perf_counter() - t)
    return lib_times, cli_times, cpu_times


def warm(examples: Path, repeat: int) -> tuple[int, list[float], list[float], dict[str, float]]:
    from fhirconv.validate import default_chain, parse_json, validate_json

    docs = [parse_json(p.read_bytes(), p.name) for p in sorted(examples.glob("*.json"))]
    for d in docs:
        validate_json(d)  # warm-up: compiles every type's plans once
    chain = default_chain()
    per_checker: dict[str, float] = {}

    def timed(name, method):  # type: ignore[no-untyped-def]
        def run(*args):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            out = list(method(*args))
            per_checker[name] = per_checker.get(name, 0.0) + time.perf_counter() - t0
            return out

        return run

    times, cpu = [], []
    count = 0
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        count = sum(validate_json(d).resource_count for d in docs)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    # a separate pass: the timer costs time itself
    for checker in chain.checkers:
        checker.check_resource = timed(checker.name, checker.check_resource)
        checker.check_root = timed(checker.name, checker.check_root)
    try:
        for d in docs:
            validate_json(d)
    finally:
        for checker in chain.checkers:
            del checker.check_resource, checker.check_root
    return count, times, cpu, per_checker


def warm_paths(examples: Path, repeat: int) -> tuple[int, list[float], list[float]]:
    """The whole ``fhirconv validate`` path, warm: read, parse strictly, validate, per file
    (``validate_paths`` over the example files), CPU time of each pass; and, alternating with it, the
    validation alone (``validate_json`` of the same files parsed beforehand), so that the difference is
    what the input side costs (read, strict parse, naming and sniffing each file)."""
    from fhirconv.validate import parse_json, validate_json, validate_paths

    files = [str(p) for p in sorted(examples.glob("*.json"))]
    count = sum(r.resource_count for r in validate_paths(files))  # warm-up
    cpu, alone = [], []
    for _ in range(repeat):
        c = time.process_time()
        for _report in validate_paths(files):
            pass
        cpu.append(time.process_time() - c)
        docs = [(parse_json(Path(f).read_bytes(), f), f) for f in files]
        c = time.process_time()
        for doc, name in docs:
            validate_json(doc, name)
        alone.append(time.process_time() - c)
    return count, cpu, alone


def warm_cli(examples: Path, repeat: int) -> tuple[int, dict[str, list[float]]]:
    """What ``fhirconv validate FILES --format F`` does after start-up, warm, CPU time per pass: the
    reports of ``validate_paths``, each located as the command does before keeping it (``locate_for``:
    line and column of the findings the format prints with them) and then rendered as text and as
    JSON."""
    from fhirconv.cli.validate import render
    from fhirconv.validate import validate_paths

    try:
        from fhirconv.cli.validate import locate_for
    except ImportError:  # a tree from before locate_for: the command located every finding

        def locate_for(report: Any, fmt: str) -> Any:
            return report.locate()

    files = [str(p) for p in sorted(examples.glob("*.json"))]
    count = sum(r.locate().resource_count for r in validate_paths(files))  # warm-up
    cpu: dict[str, list[float]] = {"text": [], "json": []}
    for _ in range(repeat):
        for fmt in cpu:
            c = time.process_time()
            render([locate_for(r, fmt) for r in validate_paths(files)], fmt)
            cpu[fmt].append(time.process_time() - c)
    return count, cpu


_FIRST_CALL = """
import sys, time
from fhirconv.cli.validate import locate_for, render
from fhirconv.validate import validate_paths
fmt, files = sys.argv[1], sys.argv[2:]
c = time.process_time()
reports = [locate_for(r, fmt) for r in validate_paths(files)]
render(reports, fmt)
print(time.process_time() - c, sum(r.resource_count for r in reports))
"""


def first_call(examples: Path, repeat: int) -> dict[str, tuple[int, list[float]]]:
    """What one ``fhirconv validate FILES --format F`` call costs after start-up in a FRESH process (the
    warm figures above time repeated passes, when every lazily built per-type plan and memo is hot): a
    child imports fhirconv and the validate entry points (start-up, excluded), then times with
    process_time one ``validate_paths`` + ``locate_for`` + ``render`` over the example files; per
    format, ``repeat`` children after one that fills the disk caches."""
    files = [str(p) for p in sorted(examples.glob("*.json"))]
    # bytecode as a user's installation has it (with PYTHONDONTWRITEBYTECODE the lazily imported modules
    # were compiled from source in every child, ~0.5 s of the figure)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out: dict[str, tuple[int, list[float]]] = {}
    subprocess.run(
        [sys.executable, "-c", _FIRST_CALL, "text", *files], check=True, capture_output=True, env=env
    )
    for fmt in ("text", "json"):
        times, count = [], 0
        for _ in range(repeat):
            done = subprocess.run(
                [sys.executable, "-c", _FIRST_CALL, fmt, *files],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            cpu, n = done.stdout.split()
            times.append(float(cpu))
            count = int(n)
        out[fmt] = (count, times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-cold", action="store_true", help="skip the fresh-interpreter runs")
    args = ap.parse_args()
    examples = SHARED / "fhir-r4" / "examples"
    if not examples.is_dir():
        sys.exit(f"needs {examples}")
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as tmp:
            bundle_file = Path(tmp) / "bundle-50.json"
            bundle_file.write_text(json.dumps(fifty_entry_bundle(examples)), encoding="utf-8")
            lib_times, cli_times, cpu_times = cold(bundle_file, args.repeat)
        print(
            f"cold, 50-entry bundle, fresh interpreter, library: median {statistics.median(lib_times):.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in lib_times)})"
        )
        print(
            f"cold, library call, CPU time (user+sys, less sensitive to other load): median "
            f"{statistics.median(cpu_times):.2f} s; load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"cold, 50-entry bundle, `fhirconv validate` CLI: median {statistics.median(cli_times):.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in cli_times)})"
        )
    count, times, cpu, per_checker = warm(examples, args.repeat)
    best, best_cpu = min(times), min(cpu)
    print(
        f"warm, {count} resources in 527 example files: best {best:.2f} s = {count / best:,.0f} resources/s; "
        f"CPU time best {best_cpu:.2f} s = {count / best_cpu:,.0f} resources/s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    n_files, paths_cpu, alone_cpu = warm_paths(examples, args.repeat)
    print(
        f"warm, `fhirconv validate` path (read + strict parse + validate, validate_paths) over the same "
        f"files: CPU time best {min(paths_cpu):.3f} s = {n_files / min(paths_cpu):,.0f} resources/s; "
        f"validation alone (validate_json, alternating) best {min(alone_cpu):.3f} s, so the input side "
        f"(read, strict parse, per-file naming and sniffing) ~{min(paths_cpu) - min(alone_cpu):.3f} s"
    )
    n_cli, cli_cpu = warm_cli(examples, args.repeat)
    print(
        "warm, `fhirconv validate` after start-up (validate_paths, locate, render) over the same files: "
        + "; ".join(
            f"--format {fmt} CPU best {min(v):.3f} s = {n_cli / min(v):,.0f} resources/s"
            for fmt, v in cli_cpu.items()
        )
    )
    print(
        "first call in a fresh process (start-up excluded; validate_paths, locate, render) over the same "
        "files: "
        + "; ".join(
            f"--format {fmt} CPU median {statistics.median(v):.3f} s = {n / statistics.median(v):,.0f} "
            f"resources/s (runs {', '.join(f'{t:.2f}' for t in v)})"
            for fmt, (n, v) in first_call(examples, args.repeat).items()
        )
    )
    total = sum(per_checker.values())
    print(
        "warm time by checker (an extra, timed pass): "
        + ", ".join(
            f"{k} {v:.2f} s ({v / total:.0%})" for k, v in sorted(per_checker.items(), key=lambda kv: -kv[1])
        )
    )


if __name__ == "__main__":
    main()
