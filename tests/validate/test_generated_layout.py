"""The generated validator's units leave out what nothing calls (a small object's handlers, whose bodies
it writes in line, and its dispatch table): every generated name the code refers to is still defined,
on every unit of the package, and the small objects' handlers are indeed gone."""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from types import CodeType
from typing import Any

from fhirconv.validate import build_chain
from fhirconv.validate import compiled as mod


def _program() -> Any:
    (checker,) = [c for c in build_chain().checkers if isinstance(c, mod.CompiledChecker)]
    return checker.program


def _names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _names(const)


def test_every_generated_name_referred_to_is_defined() -> None:
    program = _program()
    ns = dict(program.ns)
    codes = []
    for unit in program.units:
        blob, _deps = program.units[unit]
        code = marshal.loads(blob)
        exec(code, ns)
        codes.append(code)
    referred = {n for code in codes for n in _names(code) if n.startswith("o_")}
    missing = sorted(n for n in referred if n not in ns)
    assert not missing, missing[:10]
    assert len(referred) > 3000
    # the small objects' handlers are not there: Period (start, end, id, extension) calls none of them
    assert "o_Period__Period" in ns and "o_Period__Period__D" not in ns
    assert not [
        n for n in ns if n.startswith("o_Period__Period__") and n[len("o_Period__Period__") :].isdigit()
    ]
    # a big object keeps its table and handlers
    assert "o_Observation__Observation__D" in ns
