"""scripts/performance-report with --baseline: the interleaving order, the median / ratio arithmetic and
the section writer, on fake runs (a runner object passed in, its figures made up), and one real tiny
run that checks the section's shape. No figure is asserted about real speed."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support import require_shared

REPO = Path(__file__).resolve().parents[2]
STAGES = ("read", "extract", "build", "gate", "serialise")


def _script() -> ModuleType:
    name = "performance_report_script"
    if name in sys.modules:
        return sys.modules[name]
    loader = importlib.machinery.SourceFileLoader(name, str(REPO / "scripts" / "performance-report"))
    spec = importlib.util.spec_from_loader(name, loader)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    loader.exec_module(mod)
    return mod


pr = _script()


class FakeRunner:
    """Answers like the workers, with a host whose speed changes from one unit to the next (the same for
    both measurements of a pair) and a "new" tree exactly ``speed_up`` times cheaper in CPU."""

    def __init__(self, speed_up: float = 0.9) -> None:
        self.calls: list[tuple[str, str]] = []
        self.speed_up = speed_up

    def begin_round(self, r: int) -> None:
        self.calls.append(("begin", str(r)))

    def info(self, tree: str) -> dict[str, Any]:
        return {"op": "setup", "documents": 4, "output_bytes_pretty": 2000, "output_bytes_compact": 1000}

    def measure(self, tree: str, unit: Any) -> dict[str, Any]:
        self.calls.append((unit.key, tree))
        measured = sum(1 for c in self.calls if c[0] != "begin")
        drift = 1 + 0.4 * ((measured - 1) // 2 % 3)  # 1.0, 1.4, 1.8, ... per pair
        k = drift * (self.speed_up if tree == "new" else 1.0)
        req = unit.request()
        if unit.op in ("dev", "size"):
            ms = {s: (i + 1) * k for i, s in enumerate(STAGES)}
            total = sum(ms.values())
            n = 4 if unit.op == "dev" else 1
            return {
                "documents": n,
                "docs_per_cpu_s": 1000 / total,
                "resources_per_cpu_s": 50 * 1000 / total,
                "stages_cpu_ms_per_doc": ms,
                "stages_cpu_share": {s: v / total for s, v in ms.items()},
                "passes": req.get("best_of", 1),
            }
        if unit.op == "curve":
            mb = req["mb"]
            st = {s: 1000 * mb * k * (2 if s == "extract" else 0.5) for s in STAGES}
            cpu = sum(st.values()) / 1000
            return {
                "mb": mb,
                "stages_cpu_ms_per_doc": st,
                "convert_s": cpu,
                "convert_s_per_mb": cpu / mb,
                "peak_rss_mb": 100.0,
            }
        if unit.op == "cold":
            keys = ("cold_convert", "cold_convert_bytecode", "help", "python_start")
            return {key: {"cpu_s_median": 0.1 * k, "wall_s_median": 0.2 * k} for key in keys}
        assert unit.op == "jobs"
        return {
            "documents": 4 * req["copies"],
            "jobs1": {"wall_s": 10 * k, "cpu_s": 10 * k},
            "jobs2": {"wall_s": 6 * k, "cpu_s": 11 * k},
            "wall_speedup": 10 / 6,
            "cpu_normalised_speedup": 20 / 11,
        }


def _units(n_sizes: int = 2) -> list[Any]:
    sizes = [0.1, 1.0, 5.0][:n_sizes]
    return list(pr.units_for(sizes, [1.0], best_of=3, cold_runs=5, jobs_copies=2))


@pytest.mark.parametrize("n_sizes", [1, 2])  # an odd and an even number of units
def test_schedule_alternates_within_and_across_rounds(n_sizes: int) -> None:
    units = _units(n_sizes)
    rounds = 4
    steps = list(pr.schedule(units, rounds))
    assert len(steps) == rounds * len(units)
    assert [(r, u.key) for r, u, _ in steps] == [(r, u.key) for r in range(rounds) for u in units]
    for _, _, order in steps:
        assert sorted(order) == ["base", "new"]
    # down the units of a round: ABBA...
    for r in range(rounds):
        firsts = [order[0] for rr, _, order in steps if rr == r]
        assert all(a != b for a, b in itertools.pairwise(firsts))
    # each unit: new first in half of the rounds, and the first tree changes every round
    for unit in units:
        firsts = [order[0] for _, u, order in steps if u == unit]
        assert firsts.count("new") == rounds // 2
        assert all(a != b for a, b in itertools.pairwise(firsts))


def test_run_interleaved_measures_pairs_back_to_back_in_schedule_order() -> None:
    units = _units()
    runner = FakeRunner()
    raw = pr.run_interleaved(runner, units, 3, load=lambda: 1.5)
    expected = [(u.key, tree) for _, u, order in pr.schedule(units, 3) for tree in order]
    assert [c for c in runner.calls if c[0] != "begin"] == expected
    # a fresh pair of workers before each round's first unit
    starts = [i for i, c in enumerate(runner.calls) if c[0] == "begin"]
    assert starts == [0, 1 + 2 * len(units), 2 + 4 * len(units)]
    assert [(r["unit"], r["tree"]) for r in raw["records"]] == expected
    assert raw["units"] == [u.key for u in units]
    assert {r["load"] for r in raw["records"]} == {1.5}
    assert raw["info"]["new"]["output_bytes_compact"] == 1000


def test_ratio_is_the_median_of_back_to_back_pairs_whatever_the_drift() -> None:
    raw = pr.run_interleaved(FakeRunner(speed_up=0.9), _units(), 3)
    summary = pr.summarise(raw)
    for key, per in summary.items():
        for name in ("extract ms", "gate ms", "conversion s", "cold_convert cpu", "jobs1 wall"):
            if name in per:
                assert per[name]["ratio"]["median"] == pytest.approx(0.9), (key, name)
                assert per[name]["ratio"]["min"] == pytest.approx(0.9)
                # the per-tree figures do drift (1.0, 1.4, 1.8 x): the spread shows it
                assert per[name]["base"]["max"] > per[name]["base"]["min"] * 1.3
    dev = summary["dev:3"]
    assert dev["docs/s"]["ratio"]["median"] == pytest.approx(1 / 0.9)
    assert dev["gate share"]["ratio"]["median"] == pytest.approx(1.0)


def _raw(values: dict[str, list[float]]) -> dict[str, Any]:
    """A raw run of one dev unit whose extraction ms are ``values[tree]`` round by round."""
    records = []
    for tree, vals in values.items():
        for r, v in enumerate(vals):
            ms = dict.fromkeys(STAGES, 1.0) | {"extract": v}
            total = sum(ms.values())
            result = {
                "documents": 2,
                "docs_per_cpu_s": 1000 / total,
                "resources_per_cpu_s": 1.0,
                "stages_cpu_ms_per_doc": ms,
                "stages_cpu_share": {s: x / total for s, x in ms.items()},
            }
            records.append({"round": r, "unit": "dev:3", "op": "dev", "tree": tree, "result": result})
    return {"rounds": len(values["new"]), "units": ["dev:3"], "records": records}


def test_median_and_spread_arithmetic() -> None:
    s = pr.summarise(_raw({"new": [10.0, 12.0, 20.0], "base": [11.0, 10.0, 25.0]}))["dev:3"]["extract ms"]
    assert s["new"] == {"median": 12.0, "min": 10.0, "max": 20.0, "n": 3}
    assert s["base"] == {"median": 11.0, "min": 10.0, "max": 25.0, "n": 3}
    # ratios per round: 10/11, 12/10, 20/25 -> median 10/11 (not 12/11, the ratio of the medians)
    assert s["ratio"]["median"] == pytest.approx(10 / 11)
    assert s["ratio"]["min"] == pytest.approx(0.8)
    assert s["ratio"]["max"] == pytest.approx(1.2)
    even = pr.summarise(_raw({"new": [4.0, 8.0], "base": [2.0, 8.0]}))["dev:3"]["extract ms"]
    assert even["new"]["median"] == 6.0
    assert even["ratio"]["median"] == pytest.approx(1.5)  # (2 + 1) / 2


def test_a_round_without_its_pair_has_no_ratio() -> None:
    raw = _raw({"new": [10.0, 12.0], "base": [10.0]})
    s = pr.summarise(raw)["dev:3"]["extract ms"]
    assert s["new"]["n"] == 2
    assert s["ratio"]["n"] == 1
    assert s["ratio"]["median"] == pytest.approx(1.0)


def _table_rows(text: str, heading: str) -> list[str]:
    part = text.split(heading, 1)[1]
    rows = []
    for line in part.split("\n")[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append(line)
    return rows


def test_section_writer_on_a_fake_run() -> None:
    raw = pr.run_interleaved(FakeRunner(), _units(), 3, load=lambda: 2.0) | {"gate": "full"}
    text = pr.section_interleaved(raw, "abc1234", "Commit `x`; machine.")
    assert text.startswith(pr.BEGIN) and text.endswith(pr.END)
    for heading in ("### Stages", "### Time against input size", "### Start-up", "### `--jobs` (8 documents"):
        assert heading in text
    stages = _table_rows(text, "### Stages")
    header, rule, body = stages[0], stages[1], stages[2:]
    assert all(row.count("|") == header.count("|") == rule.count("|") for row in body)
    # per input (dev, 0.1 MB, 1 MB): this commit, the baseline, new / base
    labels = [row.split("|")[1].strip() for row in body]
    assert labels == ["this commit", "before (`abc1234`)", "new / base"] * 3
    assert "| 4 MACCROBAT dev reports |" in body[0]
    assert "0.900x [0.900-0.900]" in body[2]  # extraction ms ratio, drift cancelled
    assert "[" in body[0]  # three rounds: spreads shown
    curve = _table_rows(text, "### Time against input size")[2:]
    assert len(curve) == 6 and all("streamed" in row for row in curve)
    cold = _table_rows(text, "### Start-up")[2:]
    assert len(cold) == 12
    jobs = _table_rows(text, "### `--jobs`")[2:]
    assert [row.split("|")[1].strip() for row in jobs] == ["this commit", "before (`abc1234`)", "new / base"]
    assert "compact 1,000 bytes" in text
    assert "median" in pr.load_line(raw) and "2.0" in pr.load_line(raw)


def test_one_round_writes_no_spread() -> None:
    raw = pr.run_interleaved(FakeRunner(), _units(1), 1) | {"gate": "full"}
    text = pr.section_interleaved(raw, "abc1234", "m")
    assert "[" not in text.split("### Stages", 1)[1].split("###", 1)[0].replace("](", "")


def test_write_section_replaces_only_between_the_markers(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    out.write_text(f"# Performance\n\nbefore\n\n{pr.BEGIN}\nold\n{pr.END}\n\n## Validation\nkept\n")
    pr.write_section(out, f"{pr.BEGIN}\nnew\n{pr.END}")
    assert out.read_text() == f"# Performance\n\nbefore\n\n{pr.BEGIN}\nnew\n{pr.END}\n\n## Validation\nkept\n"


@pytest.mark.slow
@pytest.mark.shared
def test_a_real_tiny_interleaved_run(tmp_path: Path) -> None:
    """Both trees (this checkout and HEAD exported) through real workers on three dev reports, one round:
    the section has the stage table's three rows and nothing for the parts not asked for."""
    dev = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))[:3]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in dev:
        shutil.copy(f, corpus / f.name)
    out, raw_file = tmp_path / "performance.md", tmp_path / "raw.json"
    cmd = [sys.executable, str(REPO / "scripts" / "performance-report"), "--baseline", "HEAD"]
    cmd += ["--corpus", str(corpus), "--sizes", "", "--curve", "", "--rounds", "1", "--best-of", "1"]
    cmd += ["--cold-runs", "0", "--jobs-copies", "0", "--out", str(out), "--raw", str(raw_file)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=600)
    text = out.read_text()
    assert text.startswith("# Performance") and pr.BEGIN in text and pr.END in text
    assert "against `HEAD`, interleaved" in text and "cores, Python" in text and "load average" in text
    body = _table_rows(text, "### Stages")[2:]
    assert [row.split("|")[1].strip() for row in body] == ["this commit", "before (`HEAD`)", "new / base"]
    assert "| 3 MACCROBAT dev reports | 3 |" in body[0]
    assert "x |" in body[2] and "[" not in body[0]
    for absent in ("### Time against input size", "### Start-up", "### `--jobs`"):
        assert absent not in text
    raw = json.loads(raw_file.read_text())
    assert [(r["unit"], r["tree"]) for r in raw["records"]] == [("dev:1", "new"), ("dev:1", "base")]
    assert all(r["result"]["documents"] == 3 for r in raw["records"])
    # --from-raw writes the same section again
    again = tmp_path / "again.md"
    rewrite = [sys.executable, str(REPO / "scripts" / "performance-report"), "--from-raw", str(raw_file)]
    subprocess.run(
        [*rewrite, "--out", str(again)],
        check=True,
        capture_output=True,
        env=env,
    )
    assert again.read_text() == text


def test_rows_name_the_interpreter_only_when_the_workers_ran_on_different_ones() -> None:
    def raw(new: str, base: str) -> dict[str, Any]:
        info = {
            t: {"python": {"executable": p, "version": v}} for t, (p, v) in (("new", new), ("base", base))
        }
        return {"info": info}

    same = ("/usr/bin/python3", "3.11.2 (main) [GCC 12]"), ("/usr/bin/python3", "3.11.2 (main) [GCC 12]")
    assert pr.tree_names(raw(*same), "HEAD") == {"new": "this commit", "base": "before (`HEAD`)"}
    two = ("/opt/a/python", "3.11.7 (main) [GCC 12]"), ("/usr/bin/python3.11", "3.11.2 (main) [GCC 12]")
    assert pr.tree_names(raw(*two), "HEAD") == {
        "new": "this commit, `/opt/a/python` 3.11.7",
        "base": "before (`HEAD`), `/usr/bin/python3.11` 3.11.2",
    }
    # a raw file written before the workers said which interpreter ran them
    assert pr.tree_names({"info": {"new": {}, "base": {}}}, "abc")["base"] == "before (`abc`)"


def test_an_interpreter_option_needs_a_baseline() -> None:
    cmd = [sys.executable, str(REPO / "scripts" / "performance-report"), "--python", sys.executable]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--baseline" in done.stderr


def test_each_worker_runs_on_the_interpreter_named_for_its_tree(tmp_path: Path) -> None:
    """--baseline-python: the baseline's worker is started with that interpreter (here this one under
    another name: a symlink, which ``sys.executable`` reports as given), this checkout's with this script's,
    and the rows say so."""
    dev = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))[:2]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in dev:
        shutil.copy(f, corpus / f.name)
    other = tmp_path / "other-python"
    other.symlink_to(sys.executable)
    out, raw_file = tmp_path / "performance.md", tmp_path / "raw.json"
    cmd = [sys.executable, str(REPO / "scripts" / "performance-report"), "--baseline", "HEAD"]
    cmd += ["--baseline-python", str(other), "--corpus", str(corpus), "--sizes", "", "--curve", ""]
    cmd += ["--rounds", "1", "--best-of", "1", "--cold-runs", "0", "--jobs-copies", "0"]
    cmd += ["--out", str(out), "--raw", str(raw_file)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=600)
    info = json.loads(raw_file.read_text())["info"]
    assert info["new"]["python"]["executable"] == sys.executable
    assert info["base"]["python"]["executable"] == str(other)
    rows = [row.split("|")[1].strip() for row in _table_rows(out.read_text(), "### Stages")[2:]]
    assert rows[1] == f"before (`HEAD`), `{other}` {sys.version.split(' ', 1)[0]}"
    assert rows[0].startswith("this commit, `") and rows[2] == "new / base"
