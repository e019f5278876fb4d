"""The stand-in for typer's option coercion (fhirconv/cli/_coerce.py) answers exactly what typer's own
pydantic-based coercion answers, for every parameter of every command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from fhirconv.cli import _coerce
from fhirconv.cli.app import app

pytestmark = pytest.mark.skipif(
    not str(typer.__version__).startswith(_coerce.TESTED_TYPER),
    reason=f"typer {typer.__version__}: the stand-in is not installed on this version",
)


def _params() -> list[tuple[Any, Any]]:
    from typer._click import Context
    from typer.main import get_command

    root = get_command(app)
    out = []
    for cmd in [root, *getattr(root, "commands", {}).values()]:
        for sub in [cmd, *getattr(cmd, "commands", {}).values()]:
            ctx = Context(sub)
            out.extend((p, ctx) for p in sub.params)
    return out


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        value = fn()
    except Exception as exc:  # the same error, worded the same, is part of "the same answer"
        return "error", (type(exc).__name__, str(exc))
    return type(value).__name__, value


def _values(tmp: Path) -> list[Any]:
    (tmp / "file.txt").write_text("x")
    return [
        "json",
        "",
        " 2 ",
        "-",
        "3",
        "0",
        "x.json",
        str(tmp / "file.txt"),
        str(tmp),
        str(tmp / "absent"),
        1,
        0,
        7,
        True,
        2.5,
        ("a.txt", "b.txt"),
        ["-"],
        (),
        ("a", 3),
        b"bytes",
    ]


def test_install_is_active() -> None:
    assert _coerce.install() is True
    from typer.core import _TyperParameter

    assert getattr(_TyperParameter.get_runtime_param, "_fhirconv_lean", False)


def test_same_answers_as_typer(tmp_path: Path) -> None:
    from typer._coercion import build_runtime_param

    _coerce.install()
    params = _params()
    assert len(params) > 40  # every command's options, not an empty loop
    kinds = set()
    compared = 0
    for param, ctx in params:
        for value in [None, param.default, *_values(tmp_path)]:
            if param.type_descriptor.annotation is bool and isinstance(value, bool):
                continue  # typer never coerces these (process_value skips them)
            lean = _outcome(lambda p=param, v=value, c=ctx: _coerce._Lean(p).coerce(v, param=p, ctx=c))
            real = _outcome(
                lambda p=param, v=value, c=ctx: build_runtime_param(p.type_descriptor).coerce(
                    v, param=p, ctx=c
                )
            )
            assert lean == real, (param.name, value)
            kinds.add(lean[0])
            compared += 1
    assert compared > 500
    assert {"str", "list", "int", "PosixPath", "NoneType", "tuple", "error"} <= kinds


def test_plain_values_need_no_adapter(tmp_path: Path) -> None:
    """The values of an ordinary one-file conversion are answered by the stand-in itself."""
    _coerce.install()
    by_name = {p.name: (p, ctx) for p, ctx in _params() if ctx.command.name == "convert"}
    cases = {
        "inputs": ("a.txt",),
        "output": str(tmp_path / "x.json"),
        "fmt": "json",
        "gate": "full",
        "jobs": 1,
        "pretty": None,
    }
    for name, value in cases.items():
        param, ctx = by_name[name]
        lean = _coerce._Lean(param)
        lean.coerce(value, param=param, ctx=ctx)
        assert param._runtime_param is None, name  # typer's own (pydantic) coercion never built
