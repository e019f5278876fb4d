"""Never write over an input: the inputs are resolved once per batch (``ResolvedPaths``), and a write
through a link or a ``..`` path to one of them is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirconv.fileio import ResolvedPaths, atomic_write


def test_write_over_an_input_is_refused_however_it_is_named(tmp_path: Path) -> None:
    src = tmp_path / "in" / "report.txt"
    src.parent.mkdir()
    src.write_text("the report", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(src)
    protect = ResolvedPaths([src])
    for target in (src, link, tmp_path / "in" / ".." / "in" / "report.txt"):
        with pytest.raises(FileExistsError):
            atomic_write(target, "{}", protect=protect)
        with pytest.raises(FileExistsError):  # a plain list is resolved by atomic_write itself
            atomic_write(target, "{}", protect=[link])
    assert src.read_text(encoding="utf-8") == "the report"
    out = tmp_path / "out.json"
    atomic_write(out, "{}", protect=protect)
    assert out.read_text(encoding="utf-8") == "{}"


def test_resolved_paths_resolve_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    paths = ResolvedPaths([tmp_path / "a" / ".." / "x.txt"])
    assert paths == frozenset({(tmp_path / "x.txt").resolve()})
