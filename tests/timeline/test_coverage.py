"""Acceptance 1 of issue 9: >= 90 % of dated-text events carry a time, over real documents and MACCROBAT dev."""

from __future__ import annotations

from pathlib import Path

from support import converter, require_shared
from time_coverage import TIME, Coverage, coverage

from fhirconv.readers import read_path
from fhirconv.text import fold


def test_time_detector_reads_team_sentences() -> None:
    assert TIME.search(fold("Two days later, the fever settled."))
    assert TIME.search(fold("On postoperative day 3 she walked."))
    assert not TIME.search(fold("The fever settled with paracetamol."))


def _measure(paths: list[Path]) -> Coverage:
    total = Coverage()
    conv = converter()
    for p in paths:
        doc = read_path(p)
        total.add(coverage(doc.text, conv.convert(doc), p.name))
    return total


def test_real_docs_and_maccrobat_dev_are_dated(capsys: object) -> None:
    real = require_shared("real-docs")
    dev = require_shared("corpora", "maccrobat2020", "dev")
    paths = sorted(p for p in real.rglob("*") if p.is_file() and p.suffix != ".md")
    paths += sorted(dev.glob("*.txt"))
    assert len(paths) > 100
    total = _measure(paths)
    assert total.stated > 1000, total.stated
    print(f"\nissue 9 acceptance 1: {total.dated}/{total.stated} = {total.share:.1%} {total.by_type}")
    assert total.share >= 0.90, (total.share, total.missing[:20])
