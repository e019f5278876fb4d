#!/usr/bin/env python3
"""Conversion speed, stage by stage: warm documents/s over the MACCROBAT dev reports, reports of 0.1, 1
and 5 MB, the time against input size (1, 5 and 20 MB, in paragraphs and on one line), cold single-file
latency, ``fhirconv --help``, and ``--jobs 2`` against ``--jobs 1``.

usage: python benchmarks/convert.py [--corpus DIR] [--sizes 0.1,1,5] [--curve 1,5,20] [--cold-runs 5]
                                    [--gate full|model] [--jobs-check COPIES] [--skip-cold] [--best-of K]
                                    [--json] [--serve]

Every stage (read, extract, build, gate, serialise) is timed in CPU seconds of this process
(``time.process_time``) as well as wall seconds: on a shared machine CPU time is the figure that does
not depend on what else runs. Reports of a given size are the dev texts joined in file order and cut at
the size (deterministic). Figures, not pass/fail: run before and after a change and compare;
``scripts/performance-report`` writes them into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "maccrobat2020" / "dev"
COLD_FILE = REPO / "samples" / "chest_pain_stemi.txt"
STAGES = ("read", "extract", "build", "gate", "serialise")
MB = 1_000_000


class Clock:
    """CPU and wall seconds per stage."""

    def __init__(self) -> None:
        self.cpu = dict.fromkeys(STAGES, 0.0)
        self.wall = dict.fromkeys(STAGES, 0.0)

    def run(self, stage: str, fn: Any, *args: Any) -> Any:
        c, w = time.process_time(), time.perf_counter()
        out = fn(*args)
        self.cpu[stage] += time.process_time() - c
        self.wall[stage] += time.perf_counter() - w
        return out


def convert_all(conv: Any, inputs: list[tuple[str, bytes]], gate: str, *, pretty: bool) -> dict[str, Any]:
    """Convert each (name, bytes) through the pipeline's own stages, timing each."""
    from fhirconv.fhir import BundleOptions, build_bundle, dumps
    from fhirconv.pipeline import _no_cyclic_gc
    from fhirconv.pipeline import gate as output_gate

    clock = Clock()
    resources = chars = out_bytes = 0
    bundle_type = BundleOptions(conv.options.bundle_type.value)
    for name, data in inputs:
        with _no_cyclic_gc():  # as Converter.convert does
            doc = clock.run("read", conv.read_bytes, data, name)
            facts = clock.run("extract", conv.extractor.extract, doc)
            bundle = clock.run("build", build_bundle, doc, facts, conv.normalizer, bundle_type)
            clock.run("gate", output_gate, bundle, gate, name)
        text = clock.run("serialise", _writer(dumps, pretty), bundle)
        chars += len(doc.text)
        resources += len(bundle.get("entry", []))
        out_bytes += len(text.encode("utf-8"))
    cpu = sum(clock.cpu.values())
    wall = sum(clock.wall.values())
    n = len(inputs)
    return {
        "documents": n,
        "chars": chars,
        "resources": resources,
        "output_bytes": out_bytes,
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "docs_per_cpu_s": round(n / cpu, 2),
        "resources_per_cpu_s": round(resources / cpu, 1),
        "docs_per_wall_s": round(n / wall, 2),
        "stages_cpu_ms_per_doc": {s: round(clock.cpu[s] * 1000 / n, 2) for s in STAGES},
        "stages_cpu_share": {s: round(clock.cpu[s] / cpu, 3) for s in STAGES},
    }


def _writer(dumps: Any, pretty: bool) -> Any:
    """``dumps(bundle, "json", pretty=...)``; a checkout from before ``pretty`` existed writes indented JSON
    (so this script also measures the "before" of a comparison)."""
    import inspect

    if "pretty" in inspect.signature(dumps).parameters:
        return lambda b: dumps(b, "json", pretty=pretty)
    return lambda b: dumps(b, "json")


def sized_reports(
    files: list[Path], sizes: list[float], single_line: bool = False
) -> list[tuple[str, bytes]]:
    """One report per size: the dev texts joined in file order, repeated as needed, cut at the size."""
    base = "\n\n".join(f.read_text(encoding="utf-8", errors="replace").strip() for f in files)
    if single_line:
        base = " ".join(base.split())
    out = []
    for mb in sizes:
        size = int(mb * MB)
        reps = size // max(1, len(base.encode("utf-8"))) + 1
        text = ("\n\n" if not single_line else " ").join([base] * reps).encode("utf-8")[:size]
        out.append(
            (f"{mb:g}MB{'-one-line' if single_line else ''}.txt", text.decode("utf-8", "ignore").encode())
        )
    return out


def convert_streamed(conv: Any, name: str, data: bytes, gate: str) -> dict[str, Any]:
    """One long report the way ``fhirconv convert`` writes it: read, extract, then built, gated and written
    a window of entries at a time into a temporary file (``fhirconv.streaming``: memory holds the text and
    its facts, never the whole bundle, so a 20 MB report fits where its in-memory bundle, gate and JSON
    text would take several GB). Stages are timed as in :func:`convert_all`: the windows' gate and JSON
    writing are clocked inside the stream, building is the rest. A checkout without the streaming writer
    is measured in memory (:func:`convert_all`)."""
    try:
        import fhirconv.streaming as streaming
    except ImportError:  # an old checkout
        return convert_all(conv, [(name, data)], gate, pretty=False)
    import inspect

    if "pretty" not in inspect.signature(streaming.write_streamed).parameters:
        return convert_all(conv, [(name, data)], gate, pretty=False)
    from fhirconv.pipeline import _no_cyclic_gc

    clock = Clock()
    with _no_cyclic_gc():
        doc = clock.run("read", conv.read_bytes, data, name)
        facts = clock.run("extract", conv.extractor.extract, doc)

    class Prepared:
        """The converter with this report's facts already extracted (timed above)."""

        options = conv.options
        normalizer = conv.normalizer

        @staticmethod
        def extract(_doc: Any) -> Any:
            return facts

    gate_cpu = [0.0, 0.0]
    write_cpu = [0.0, 0.0]

    def timed(fn: Any, acc: list[float]) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            c, w = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[0] += time.process_time() - c
                acc[1] += time.perf_counter() - w

        return run

    writer_gate, dumps_json = streaming._Writer._gate, streaming.dumps_json
    streaming._Writer._gate = timed(writer_gate, gate_cpu)  # type: ignore[method-assign]
    streaming.dumps_json = timed(dumps_json, write_cpu)
    c, w = time.process_time(), time.perf_counter()
    try:
        out = streaming.write_streamed(Prepared(), doc, pretty=False)
    finally:
        streaming._Writer._gate = writer_gate  # type: ignore[method-assign]
        streaming.dumps_json = dumps_json
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    out_bytes = os.path.getsize(out.path)
    out.discard()
    clock.cpu["gate"], clock.wall["gate"] = gate_cpu
    clock.cpu["serialise"], clock.wall["serialise"] = write_cpu
    clock.cpu["build"] = cpu - gate_cpu[0] - write_cpu[0]
    clock.wall["build"] = wall - gate_cpu[1] - write_cpu[1]
    total = sum(clock.cpu.values())
    return {
        "documents": 1,
        "chars": len(doc.text),
        "output_bytes": out_bytes,
        "cpu_s": round(total, 3),
        "wall_s": round(sum(clock.wall.values()), 3),
        "stages_cpu_ms_per_doc": {s: round(clock.cpu[s] * 1000, 2) for s in STAGES},
        "stages_cpu_share": {s: round(clock.cpu[s] / total, 3) for s in STAGES},
        "streamed": True,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def curve(
    conv: Any,
    files: list[Path],
    sizes: list[float],
    gate: str,
    measured: list[dict[str, Any]],
    *,
    streamed: bool = True,
) -> list[dict[str, Any]]:
    """Each size in paragraphs and on one line (no line break at all: the sentence splitter and every
    window then work on one multi-megabyte line), converted as ``fhirconv convert`` converts a long
    report (streamed; ``streamed=False``: in memory, as the stage table, which then lends its paragraph
    reports of the same size). Linear time shows as flat seconds per MB. Sizes go up, so the peak memory
    after a point is that point's (or a smaller one's) peak."""
    points = []
    for mb in sizes:
        for one_line in (False, True):
            r = next((s for s in measured if s["mb"] == mb), None) if not (one_line or streamed) else None
            points.append(curve_point(conv, files, mb, one_line, gate, streamed=streamed, measured=r))
    return points


def curve_point(
    conv: Any,
    files: list[Path],
    mb: float,
    one_line: bool,
    gate: str,
    *,
    streamed: bool = True,
    measured: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One point of :func:`curve` (``measured``: a stage-table result of the same report to reuse)."""
    r = measured
    if r is None:
        ((name, data),) = sized_reports(files, [mb], single_line=one_line)
        if streamed:
            r = convert_streamed(conv, name, data, gate)
        else:
            r = convert_all(conv, [(name, data)], gate, pretty=False)
        r["mb"] = round(len(data) / MB, 3)
        del data
    st = r["stages_cpu_ms_per_doc"]
    return {
        "mb": r["mb"],
        "layout": "one line" if one_line else "paragraphs",
        "extract_s": round(st["extract"] / 1000, 2),
        "extract_s_per_mb": round(st["extract"] / 1000 / r["mb"], 2),
        "convert_s": round(r["cpu_s"], 2),
        "convert_s_per_mb": round(r["cpu_s"] / r["mb"], 2),
        "stages_cpu_ms_per_doc": st,
        "streamed": bool(r.get("streamed")),
        "peak_rss_mb": peak_rss_mb(),
    }


def child_cpu(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median CPU (user + system) and wall seconds of ``runs`` fresh processes."""
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {
        "cpu_s_median": round(statistics.median(cpu), 3),
        "wall_s_median": round(statistics.median(wall), 3),
        "cpu_runs": [round(c, 3) for c in cpu],
    }


def cold_figures(gate: str, runs: int) -> dict[str, Any]:
    """Fresh processes of the checkout being measured, median of ``runs`` each: ``fhirconv convert`` of
    one sample (on-disk caches warm), the same with bytecode compiled, ``fhirconv --help``, and
    ``python -c pass`` for scale."""
    result: dict[str, Any] = {}
    import fhirconv  # the checkout being measured (PYTHONPATH may name another than this script's)

    code = str(Path(fhirconv.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=code + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "o.json")
        cmd = [
            sys.executable,
            "-m",
            "fhirconv.cli",
            "convert",
            str(COLD_FILE),
            "-o",
            out,
            "--gate",
            gate,
        ]
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # fills the on-disk caches
        result["cold_convert"] = child_cpu(cmd, runs, env) | {"file": COLD_FILE.name}
        # As installed by pip (which compiles every module to bytecode even with
        # PYTHONDONTWRITEBYTECODE=1): the bytecode goes to a temporary folder, never the checkout.
        # A checkout run with PYTHONDONTWRITEBYTECODE=1 (the figure above, when it is set) compiles
        # every imported module from source on every start, ~0.17 s of CPU.
        installed = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        installed["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "bytecode")
        subprocess.run(cmd, check=True, capture_output=True, env=installed)  # writes the bytecode
        result["cold_convert_bytecode"] = child_cpu(cmd, runs, installed) | {
            "file": COLD_FILE.name,
            "sources_only": bool(env.get("PYTHONDONTWRITEBYTECODE")),
        }
    result["help"] = child_cpu([sys.executable, "-m", "fhirconv.cli", "--help"], runs, env)
    result["python_start"] = child_cpu([sys.executable, "-c", "pass"], runs, env)
    return result


def jobs_check(files: list[Path], gate: str, copies: int) -> dict[str, Any]:
    """``convert_paths`` with 1 and 2 processes over the dev reports (``copies`` times): wall seconds,
    and CPU seconds of this process and its workers. On a loaded machine the wall ratio mostly measures
    the load; the CPU-normalised figure is 2 x CPU(1 job) / CPU(2 jobs) with the workers' set-up counted,
    the speed-up two free cores would give."""
    from fhirconv.pipeline import ConvertOptions, convert_paths

    paths = files * copies
    out: dict[str, Any] = {"documents": len(paths)}
    for jobs in (1, 2):
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        failed = sum(1 for _, _, err in convert_paths(paths, ConvertOptions(gate=gate), jobs=jobs) if err)
        wall = time.perf_counter() - t
        me2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(
            getattr(b, f) - getattr(a, f)
            for a, b in ((me, me2), (kids, kids2))
            for f in ("ru_utime", "ru_stime")
        )
        out[f"jobs{jobs}"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "failed": failed}
    out["wall_speedup"] = round(out["jobs1"]["wall_s"] / out["jobs2"]["wall_s"], 2)
    out["cpu_normalised_speedup"] = round(2 * out["jobs1"]["cpu_s"] / out["jobs2"]["cpu_s"], 2)
    return out


def best_of(conv: Any, inputs: list[tuple[str, bytes]], gate: str, passes: int) -> dict[str, Any]:
    """``passes`` warm passes over ``inputs`` in this process, each stage's best (least CPU) pass: the
    figure of a minute in which the machine was not slowed by something else (a shared host's speed
    drifts 20-40 % from one minute to the next). docs/s and resources/s are from the sum of the best
    stages; ``passes_docs_per_cpu_s`` lists each whole pass's figure, so the noise stays visible."""
    runs = [convert_all(conv, inputs, gate, pretty=False) for _ in range(max(1, passes))]
    if len(runs) == 1:
        return runs[0] | {"passes": 1, "passes_docs_per_cpu_s": [runs[0]["docs_per_cpu_s"]]}
    ms = {s: min(r["stages_cpu_ms_per_doc"][s] for r in runs) for s in STAGES}
    n = runs[0]["documents"]
    cpu = sum(ms.values()) * n / 1000
    return runs[0] | {
        "cpu_s": round(cpu, 3),
        "wall_s": round(min(r["wall_s"] for r in runs), 3),
        "docs_per_cpu_s": round(n / cpu, 2),
        "resources_per_cpu_s": round(runs[0]["resources"] / cpu, 1),
        "docs_per_wall_s": max(r["docs_per_wall_s"] for r in runs),
        "stages_cpu_ms_per_doc": {s: round(v, 2) for s, v in ms.items()},
        "stages_cpu_share": {s: round(ms[s] / sum(ms.values()), 3) for s in STAGES},
        "passes": len(runs),
        "passes_docs_per_cpu_s": [r["docs_per_cpu_s"] for r in runs],
    }


def serve(files: list[Path], gate: Any) -> int:
    """Worker mode (``--serve``) for ``scripts/performance-report --baseline``: set up and warm up once,
    then measure one small unit per request, so that the report can alternate two code trees unit by
    unit (each tree's worker idles while the other measures). Requests are JSON lines on stdin
    (``{"op": "dev" | "size" | "curve" | "cold" | "jobs", ...}``), answers JSON lines on the original
    stdout; anything else printed goes to stderr. The first answer is the set-up's."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    t0, c0 = time.perf_counter(), time.process_time()
    from fhirconv.pipeline import Converter, ConvertOptions

    conv = Converter(ConvertOptions(gate=gate))
    setup = {"cpu_s": round(time.process_time() - c0, 3), "wall_s": round(time.perf_counter() - t0, 3)}
    dev = [(f.name, f.read_bytes()) for f in files]
    warm_up(conv, dev, gate)
    ready = {
        "op": "setup",
        "setup": setup,
        "documents": len(dev),
        "output_bytes_pretty": convert_all(conv, dev[:20], gate, pretty=True)["output_bytes"],
        "output_bytes_compact": convert_all(conv, dev[:20], gate, pretty=False)["output_bytes"],
        # which interpreter ran this worker: the same code is ~1.2x apart on two builds of one CPython
        # version (docs/performance.md, "The interpreter build")
        "python": {"executable": sys.executable, "version": sys.version.replace("\n", " ")},
    }
    answers.write(json.dumps(ready) + "\n")
    answers.flush()
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "quit":
            break
        result: dict[str, Any]
        if op == "dev":
            result = best_of(conv, dev, gate, int(req.get("best_of", 3)))
        elif op == "size":
            ((name, data),) = sized_reports(files, [float(req["mb"])])
            result = best_of(conv, [(name, data)], gate, int(req.get("best_of", 1)))
            result["mb"] = round(len(data) / MB, 3)
        elif op == "curve":
            result = curve_point(conv, files, float(req["mb"]), bool(req["one_line"]), gate)
        elif op == "cold":
            result = cold_figures(gate, int(req["runs"]))
        elif op == "jobs":
            result = jobs_check(files, gate, int(req["copies"]))
        else:
            raise ValueError(f"unknown request {op!r}")
        answers.write(json.dumps({"op": op, "result": result}) + "\n")
        answers.flush()
    return 0


def warm_up(conv: Any, dev: list[tuple[str, bytes]], gate: str) -> None:
    """First use (lazy imports, the validator's compile, patterns compiled at their first need) is not part
    of a warm figure: convert the repository's samples (every reader, all kinds of facts) and three dev
    reports, so that no one-off compile lands inside a timed pass; the other dev reports are still
    converted once each per pass, as a batch sees them."""
    samples = sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
    convert_all(conv, [(p.name, p.read_bytes()) for p in samples] + dev[:3], gate, pretty=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="0.1,1,5", help="report sizes in MB ('' for none)")
    ap.add_argument(
        "--curve",
        default="",
        help="report sizes in MB for the time-against-size curve, each in paragraphs and on one line "
        "(e.g. 1,5,20; '' for none)",
    )
    ap.add_argument(
        "--curve-in-memory",
        action="store_true",
        help="convert the curve's reports in memory, as the stage table (default: streamed, as fhirconv "
        "convert writes a long report; the in-memory bundle of 20 MB takes several GB)",
    )
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--gate", default="full", choices=["full", "model"])
    ap.add_argument(
        "--jobs-check",
        type=int,
        default=0,
        metavar="COPIES",
        help="also time --jobs 1 vs 2 over the dev reports repeated COPIES times",
    )
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument(
        "--best-of",
        type=int,
        default=1,
        metavar="K",
        help="warm passes over the dev reports, each stage's best kept (default 1: one pass)",
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--serve",
        action="store_true",
        help="worker for scripts/performance-report --baseline: measure one unit per JSON request line",
    )
    args = ap.parse_args()

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    os.environ.setdefault("FHIRCONV_MAX_INPUT_BYTES", str(100 * MB))
    if args.serve:
        return serve(files, args.gate)
    result: dict[str, Any] = {"gate": args.gate, "corpus": str(args.corpus)}
    result["load_average_at_start"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None

    t0, c0 = time.perf_counter(), time.process_time()
    from fhirconv.pipeline import Converter, ConvertOptions

    conv = Converter(ConvertOptions(gate=args.gate))
    result["setup"] = {
        "cpu_s": round(time.process_time() - c0, 3),
        "wall_s": round(time.perf_counter() - t0, 3),
    }
    dev = [(f.name, f.read_bytes()) for f in files]
    warm_up(conv, dev, args.gate)
    result["dev"] = best_of(conv, dev, args.gate, args.best_of)
    result["dev"]["output_bytes_pretty"] = convert_all(conv, dev[:20], args.gate, pretty=True)["output_bytes"]
    result["dev"]["output_bytes_compact"] = convert_all(conv, dev[:20], args.gate, pretty=False)[
        "output_bytes"
    ]
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    result["sizes"] = []
    for name, data in sized_reports(files, sizes):
        r = convert_all(conv, [(name, data)], args.gate, pretty=False)
        r["mb"] = round(len(data) / MB, 3)
        result["sizes"].append(r)
    curve_sizes = [float(s) for s in args.curve.split(",") if s.strip()]
    result["curve"] = curve(
        conv, files, curve_sizes, args.gate, result["sizes"], streamed=not args.curve_in_memory
    )
    result["peak_rss_mb"] = peak_rss_mb()
    if not args.skip_cold:
        result |= cold_figures(args.gate, args.cold_runs)
    if args.jobs_check:
        result["jobs"] = jobs_check(files, args.gate, args.jobs_check)
    result["load_average_at_end"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(render(result))
    return 0


def render(r: dict[str, Any]) -> str:
    """The figures as plain text tables."""
    lines = [f"gate {r['gate']}; set-up {r['setup']['cpu_s']} s CPU"]
    head = f"{'input':>14} {'docs':>5} {'docs/s':>8} {'res/s':>8} " + " ".join(f"{s:>9}" for s in STAGES)
    lines.append(head + "   (ms CPU per document)")
    rows = [("dev reports", r["dev"])] + [(f"{s['mb']:g} MB", s) for s in r["sizes"]]
    for label, s in rows:
        stages = " ".join(f"{s['stages_cpu_ms_per_doc'][k]:>9.1f}" for k in STAGES)
        lines.append(
            f"{label:>14} {s['documents']:>5} {s['docs_per_cpu_s']:>8} {s['resources_per_cpu_s']:>8} {stages}"
        )
    for p in r.get("curve", []):
        lines.append(
            f"{p['mb']:>6g} MB {p['layout']:<10} extract {p['extract_s']:>7.2f} s "
            f"({p['extract_s_per_mb']:.2f} s/MB)  conversion {p['convert_s']:>7.2f} s "
            f"({p['convert_s_per_mb']:.2f} s/MB){'  streamed' if p.get('streamed') else ''}"
            + (f"  peak RSS {p['peak_rss_mb']} MB" if "peak_rss_mb" in p else "")
        )
    for key in ("cold_convert", "cold_convert_bytecode", "help", "python_start", "jobs"):
        if key in r:
            lines.append(f"{key}: {json.dumps(r[key])}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
