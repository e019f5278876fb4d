"""The compiled validator's cache file: an indexed blob file whose units are read when first used, the
same answers as freshly generated code, and other versions' files kept (a few) rather than deleted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from fhirconv.diskcache import IndexedBlobs
from fhirconv.validate import build_chain, validate_json
from fhirconv.validate import compiled as mod

PATIENT = {"resourceType": "Patient", "gender": "female", "birthDate": "2000-02-30"}


def _issues(chain: Any) -> list[tuple[str, str, str]]:
    report = validate_json(dict(PATIENT), chain=chain)
    return sorted((i.severity.value, i.code, i.location) for i in report.issues)


def _program(chain: Any) -> Any:
    (checker,) = [c for c in chain.checkers if isinstance(c, mod.CompiledChecker)]
    return checker.program


def test_cached_units_are_read_lazily_and_answer_like_generated_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    first = build_chain()  # generates and writes the file
    want = _issues(first)
    assert want  # the impossible date is an error
    target = mod._cache_file(first.definitions)
    assert target is not None and target.is_file()
    blobs = IndexedBlobs(target)
    assert mod._META in blobs and len(blobs) > 100
    second = build_chain()
    assert _issues(second) == want
    program = _program(second)
    assert isinstance(program.units, mod._Units)  # from the file, not generated again
    assert set(program.units) == set(blobs) - {mod._META}
    assert 0 < len(program.loaded) < len(program.units)  # a Patient needs a few units, not all


def test_other_versions_files_are_kept_and_pruned_by_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    chain = build_chain()
    _issues(chain)
    target = mod._cache_file(chain.definitions)
    assert target is not None
    others = []
    for i in range(mod._KEEP_CODE + 1):  # files another fhirconv (or package) version wrote earlier
        other = target.with_name(f"{i:032x}.marshal")
        other.write_bytes(b"another version's code")
        os.utime(other, ns=(1_700_000_000_000_000_000 + i * 10**9,) * 2)
        others.append(other)
    target.unlink()
    _issues(build_chain())  # regenerates ours, then prunes
    left = sorted(p.name for p in target.parent.glob("*.marshal"))
    assert target.name in left and len(left) == mod._KEEP_CODE
    assert [o.name for o in others[-(mod._KEEP_CODE - 1) :]] == [n for n in left if n != target.name]
