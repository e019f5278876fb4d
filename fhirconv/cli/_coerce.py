"""Command-line values that need no pydantic.

typer 0.29 coerces every option through a pydantic ``TypeAdapter`` it builds on first use; importing
pydantic and building the adapters cost ~0.06 s of CPU, about a seventh of a cold one-file
``fhirconv convert``, for values that are already what the command wants (the strings of ``argv``, the
defaults). :func:`install` puts a stand-in in front of typer's per-parameter coercion that answers the
cases whose result is known exactly — no value (``None``), a ``str`` for a ``str`` option, a list of
strings for a ``list[str]`` argument, an ``int`` default within its bounds, a file name for a ``Path``
option (typer's own path checks still run) — and hands every other value to the adapter typer would have
used, built then. The stand-in is installed only on the typer versions it was checked against (their
private names are used); on any other version typer works as it ships.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["TESTED_TYPER", "install"]

TESTED_TYPER = ("0.29.",)  # typer's private coercion API the stand-in relies on, as of these releases
_PASS = object()


def install() -> bool:
    """Route typer's parameter coercion through :class:`_Lean`; False when this typer is not one the
    stand-in was checked against (nothing changed)."""
    try:
        import typer
        from typer import _coercion, _param_types, core

        version = str(typer.__version__)
        param_cls: Any = core._TyperParameter
        ready = (
            version.startswith(TESTED_TYPER)
            and callable(getattr(_coercion, "build_runtime_param", None))
            and callable(getattr(_param_types, "coerce_cli_path", None))
            and callable(getattr(param_cls, "get_runtime_param", None))
        )
    except (ImportError, AttributeError):
        return False
    if not ready:
        return False
    if getattr(param_cls.get_runtime_param, "_fhirconv_lean", False):
        return True

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = _Lean(self)
        return self._runtime_param

    get_runtime_param._fhirconv_lean = True  # type: ignore[attr-defined]
    param_cls.get_runtime_param = get_runtime_param
    return True


class _Lean:
    """One parameter's coercion: exact answers for plain values, typer's own runtime parameter (with
    its pydantic adapter) for anything else."""

    __slots__ = ("_param",)

    def __init__(self, param: Any) -> None:
        self._param = param

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # what typer's RuntimeParam.coerce answers before any adapter is involved
            return () if param.multiple or param.nargs == -1 else None
        if not (param.multiple or param.nargs == -1) or isinstance(value, (list, tuple)):
            done = _plain(self._param.type_descriptor, value, param, ctx)
            if done is not _PASS:
                return done
        from typer._coercion import build_runtime_param

        real = build_runtime_param(self._param.type_descriptor)
        self._param._runtime_param = real  # later values go straight to typer's coercion
        return real.coerce(value, param=param, ctx=ctx)


def _plain(descriptor: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The value typer's adapter would return, when that is certain; else ``_PASS``."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return _PASS
    annotation = descriptor.annotation
    if annotation is str:
        return value if type(value) is str else _PASS
    if annotation == list[str]:
        if isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
            return list(value)
        return _PASS
    if annotation is int:
        if type(value) is not int or info.clamp:
            return _PASS
        if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
            return _PASS  # typer's message says why
        return value
    if annotation is Path and info.path_type is None and type(value) is str:
        from typer._param_types import coerce_cli_path

        # typer's adapter turns the text into a Path (pydantic: Path(text)), then runs these checks
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return _PASS
