"""``dataclasses.replace`` for the frozen facts, at a third of its price.

The components and the timeline copy facts with one field changed thousands of times per batch (a
condition gains a mention, a fact gets its time). ``dataclasses.replace`` walks the class's fields,
checks each, builds keyword arguments and calls ``__init__``, which sets every field again through
``object.__setattr__``: about half the time of a sentence's condition component went there. For a
frozen dataclass with no ``__post_init__`` and every field in ``__init__`` (all of ``fhirconv.model``'s
facts), that call does nothing but copy the fields, so :func:`replaced` copies them with a function
made once per class. Any other class goes to ``dataclasses.replace`` itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["replaced"]

_T = TypeVar("_T")
_COPIERS: dict[type, Callable[[Any, dict[str, Any]], Any] | None] = {}


def replaced(obj: _T, /, **changes: Any) -> _T:
    """``dataclasses.replace(obj, **changes)``: the same new object, made faster."""
    cls = type(obj)
    try:
        copier = _COPIERS[cls]
    except KeyError:
        copier = _COPIERS[cls] = _copier(cls)
    if copier is None:
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    new: _T = copier(obj, changes)
    return new


def _copier(cls: type) -> Callable[[Any, dict[str, Any]], Any] | None:
    """A function ``(obj, changes) -> copy`` for a plain frozen dataclass, else None."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    params = getattr(cls, "__dataclass_params__", None)
    fields = dataclasses.fields(cls)
    if params is None or not params.frozen or any(not f.init for f in fields):
        return None
    names = [f.name for f in fields]
    if not all(n.isidentifier() for n in names):
        return None
    body = "".join(f"    _set(new, {n!r}, get({n!r}, obj.{n}))\n" for n in names)
    src = (
        "def copy(obj, changes):\n"
        "    if not changes.keys() <= _names:\n"
        "        raise TypeError(f'unknown fields {sorted(changes.keys() - _names)}')\n"
        "    new = _new(_cls)\n"
        "    get = changes.get\n" + body + "    return new\n"
    )
    scope: dict[str, Any] = {
        "_new": object.__new__,
        "_cls": cls,
        "_set": object.__setattr__,
        "_names": frozenset(names),
    }
    exec(src, scope)
    copy: Callable[[Any, dict[str, Any]], Any] = scope["copy"]
    return copy
