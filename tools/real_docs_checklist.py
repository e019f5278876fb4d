"""Score fhirconv on the shared real documents against the team-written fact checklists.

Run ``python tools/real_docs_checklist.py [--shared DIR] [--json] [--verbose]`` from a checkout with
../shared beside it. Every document in ``real-docs/{jats,html,bioc,text}`` is converted by the normal
pipeline (full R4 output gate, as ``fhirconv convert`` does) and its bundle scored with
``../shared/eval/score.py`` against ``tests/data/checklists/real-docs/<stem>.expected.json``. Prints the
aggregate (facts found / total, traps asserted) and one line per document. Exit 1 when a document has
no checklist, a checklist has no document, or a conversion fails: a figure over fewer documents than
the checklists describe would be misleading.

Why a separate script from ``fhirconv evaluate``: the checklists are recall of what a human abstractor
records (patient-level facts with values, doses, negation and traps), scored by the shared scorer the
seed uses; ``evaluate`` is span overlap on annotated corpora.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHECKLISTS = REPO / "tests" / "data" / "checklists" / "real-docs"
FORMATS = ("jats", "html", "bioc", "text")
SUFFIX = ".expected.json"


@dataclass
class DocScore:
    """One document's score line (``missed``/``violations`` as score.py words them)."""

    name: str
    found: int = 0
    total: int = 0
    traps: int = 0
    missed: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    error: str | None = None


def stem_of(path: Path) -> str:
    """``bioc_cdr_1.bioc.xml`` -> ``bioc_cdr_1``: the checklist name drops every suffix."""
    return path.name.split(".", 1)[0]


def documents(shared: Path) -> list[Path]:
    root = shared / "real-docs"
    return sorted(p for f in FORMATS if (root / f).is_dir() for p in (root / f).iterdir() if p.is_file())


def score_one(doc: Path, checklist: Path, score_py: Path, converter: Any, workdir: Path) -> DocScore:
    from fhirconv.fhir.serialize import dumps_json
    from fhirconv.readers import read_path

    result = DocScore(doc.name)
    try:
        bundle = converter.convert(read_path(doc))
    except Exception as exc:  # a failed conversion is reported, never hidden
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    out = workdir / f"{stem_of(doc)}.json"
    out.write_text(dumps_json(bundle), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(score_py), str(out), str(checklist), "--verbose"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        result.error = f"score.py failed: {run.stderr.strip()[-300:]}"
        return result
    scored = json.loads(run.stdout)
    result.found, result.total, result.traps = scored["found"], scored["total"], scored["traps"]
    result.missed, result.violations = scored.get("missed", []), scored["violations"]
    return result


def score_all(shared: Path, checklists: Path = CHECKLISTS) -> dict[str, Any]:
    """Convert and score every real document; the summary dict the CLI prints and the test asserts on."""
    from fhirconv.pipeline import Converter, ConvertOptions

    score_py = shared / "eval" / "score.py"
    docs = documents(shared)
    by_stem = {stem_of(p): p for p in docs}
    lists = {p.name[: -len(SUFFIX)]: p for p in sorted(checklists.glob("*" + SUFFIX))}
    problems = [f"no checklist for {by_stem[s].name}" for s in sorted(set(by_stem) - set(lists))]
    problems += [f"no document for checklist {s}" for s in sorted(set(lists) - set(by_stem))]
    converter = Converter(ConvertOptions())
    scores: list[DocScore] = []
    with tempfile.TemporaryDirectory(prefix="fhirconv-checklist-") as tmp:
        for stem in sorted(set(by_stem) & set(lists)):
            scores.append(score_one(by_stem[stem], lists[stem], score_py, converter, Path(tmp)))
    problems += [f"{s.name}: {s.error}" for s in scores if s.error]
    found = sum(s.found for s in scores)
    total = sum(s.total for s in scores)
    return {
        "documents": len(scores),
        "found": found,
        "total": total,
        "share": round(found / total, 4) if total else 0.0,
        "traps": sum(s.traps for s in scores),
        "problems": problems,
        "per_document": [s.__dict__ for s in scores],
    }


def markdown(summary: dict[str, Any]) -> str:
    """The section scripts/quality-report puts into docs/quality.md."""
    lines = [
        "### Real documents, team-written fact checklists",
        "",
        f"{summary['documents']} documents of `real-docs` (JATS, HTML, BioC, text), converted with the full "
        "gate and scored by `eval/score.py` against `tests/data/checklists/real-docs` "
        "(`tools/real_docs_checklist.py`).",
        "",
        "| facts found | share | traps asserted |",
        "|---:|---:|---:|",
        f"| {summary['found']} / {summary['total']} | {summary['share']:.3f} | {summary['traps']} |",
        "",
    ]
    if summary["problems"]:
        lines += ["Problems: " + "; ".join(summary["problems"]), ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("FHIRCONV_SHARED", REPO.parent / "shared"))
    )
    ap.add_argument("--json", action="store_true", help="print the whole summary as JSON")
    ap.add_argument("--verbose", action="store_true", help="list missed facts and traps per document")
    args = ap.parse_args()
    if not (args.shared / "real-docs").is_dir() or not (args.shared / "eval" / "score.py").is_file():
        print(f"needs {args.shared}/real-docs and {args.shared}/eval/score.py", file=sys.stderr)
        return 1
    summary = score_all(args.shared)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        for s in summary["per_document"]:
            print(f"{s['found']:3d}/{s['total']:3d} traps {s['traps']}  {s['name']}")
            if args.verbose:
                for m in s["missed"]:
                    print(f"      missed: {m}")
                for v in s["violations"]:
                    print(f"      TRAP:   {v}")
        print(
            f"facts found {summary['found']}/{summary['total']} = {summary['share']:.3f}; "
            f"traps {summary['traps']}; documents {summary['documents']}"
        )
        for p in summary["problems"]:
            print(f"problem: {p}")
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
