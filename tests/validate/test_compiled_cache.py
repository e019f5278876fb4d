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
    assert set(program.units) == {k for k in blobs if not k.startswith("\0")}  # (not the code tables)
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


def test_element_definitions_written_into_the_code_equal_the_type_index() -> None:
    """Every element the generated code names (``_info``) is rebuilt from fields written into the cached
    bytecode, not from its type's index: each must equal the index's own, for every unit (a field left out
    or misordered by ``_info_fields`` fails here)."""
    import marshal

    from fhirconv.validate.structure import type_index

    program = _program(build_chain())
    defs = program.defs
    seen: list[tuple[str, str, str, Any]] = []
    ns = dict(program.ns)
    real = ns["_info"]

    def record(root: str, parent: str, key: str, fields: tuple[Any, ...]) -> Any:
        seen.append((root, parent, key, real(root, parent, key, fields)))
        return seen[-1][3]

    ns["_info"] = record
    for unit in program.units:
        blob, _deps = program.units[unit]
        exec(marshal.loads(blob), ns)
    roots = {root for root, _p, _k, _i in seen}
    assert len(seen) > 500 and {"Observation", "Patient", "Bundle", "Extension"} <= roots
    for root, parent, key, info in seen:
        idx = type_index(defs, root)
        assert idx is not None
        assert info == idx.keys[parent][key][0], (root, parent, key)


def _program_read_from_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The compiled program of a chain built after a first chain generated and wrote the cache file in a
    fresh cache folder: so the second reads the file (its stored tables are what is tested)."""
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    build_chain().validate(dict(PATIENT))  # generates and writes the file
    return _program(build_chain())


def test_stored_code_tables_equal_the_computed_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code tables kept in the cache file (each code system's hierarchy and case sensitivity) are
    what LocalTerminology computes from the CodeSystem, for every code system of the package; a
    damaged or foreign table is computed instead."""
    import marshal

    from fhirconv.validate.terminology import LocalTerminology

    program = _program_read_from_its_file(tmp_path, monkeypatch)
    tables = program.code_tables
    assert isinstance(tables, mod._CodeTables)  # read from the file
    defs = program.defs
    systems = list(defs.code_system_urls())
    assert len(systems) > 500 and set(tables) == set(systems)
    plain = LocalTerminology(defs)
    stored = LocalTerminology(defs)
    stored.use_stored(defs, tables)
    complete = 0
    for system in systems:
        assert marshal.loads(tables[system]) == (plain._hierarchy(system), plain.case_sensitive(system))
        assert stored._hierarchy(system) == plain._hierarchy(system)
        assert stored.case_sensitive(system) == plain.case_sensitive(system)
        complete += plain._hierarchy(system) is not None
    assert complete > 500 and any(not plain.case_sensitive(s) for s in systems)
    gender = "http://hl7.org/fhir/administrative-gender"
    damaged = LocalTerminology(defs)
    damaged.use_stored(defs, {gender: b"\x00not marshal"})
    assert damaged.knows_code(gender, "female") and damaged.knows_code(gender, "nobody") is False
    foreign = LocalTerminology(defs)
    foreign.use_stored(object(), {gender: marshal.dumps(({}, True))})  # another package's tables
    assert foreign.knows_code(gender, "female")


def test_stored_expansions_equal_the_computed_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The expansions kept in the cache file are what LocalTerminology computes, first thing in a fresh
    provider, for every value set of the package; a provider reading them answers as one computing
    them; a damaged or foreign entry is computed instead."""
    import marshal

    from fhirconv.validate.terminology import LocalTerminology

    program = _program_read_from_its_file(tmp_path, monkeypatch)
    stored_vs = program.expansions
    assert isinstance(stored_vs, mod._CodeTables)  # read from the file
    defs = program.defs
    urls = list(defs.value_set_urls())
    assert len(urls) > 1000 and set(stored_vs) == set(urls)
    stored = LocalTerminology(defs)
    stored.use_stored(defs, program.code_tables, stored_vs)
    enumerated = 0
    for url in urls:
        plain = LocalTerminology(defs).expand(url)
        assert plain is not None
        codes, open_systems, complete = marshal.loads(stored_vs[url])
        assert (set(codes), set(open_systems), complete) == (plain.codes, plain.open_systems, plain.complete)
        assert stored._stored_expansion(url) == plain  # read, not computed
        assert stored.expand(url) == plain
        enumerated += bool(plain.codes)
    assert enumerated > 1000
    gender = "http://hl7.org/fhir/ValueSet/administrative-gender"
    system = "http://hl7.org/fhir/administrative-gender"
    damaged_blobs = [
        b"\x00not marshal",
        marshal.dumps(([1, 2], (), True)),  # codes not a tuple
        marshal.dumps(((("x", "y"),), (), 1)),  # complete not a bool
        marshal.dumps(((("x",),), (), True)),  # a code not a pair
        marshal.dumps((("x", "y"), (), True)),  # codes not tuples
        marshal.dumps(((), (1,), True)),  # an open system not a string
    ]
    for blob in damaged_blobs:
        damaged = LocalTerminology(defs)
        damaged.use_stored(defs, {}, {gender: blob})
        assert damaged._stored_expansion(gender) is None
        assert damaged.validate_code(gender, system, "female") is True
        assert damaged.validate_code(gender, system, "nobody") is False
    foreign = LocalTerminology(defs)
    foreign.use_stored(object(), {}, {gender: marshal.dumps(((), (), True))})  # another package's
    assert foreign.validate_code(gender, system, "female") is True
