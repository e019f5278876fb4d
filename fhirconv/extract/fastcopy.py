"""``dataclasses.replace`` for the frozen facts, at a third of its price.

The components and the timeline copy facts with one field changed thousands of times per batch (a
condition gains a mention, a fact gets its time). ``dataclasses.replace`` walks the class's fields,
checks each, builds keyword arguments and calls ``__init__``, which sets every field again through
``object.__setattr__``: about half the time of a sentence's condition component went there. For a
frozen dataclass with no ``__post_init__`` and every field in ``__init__`` (all of ``fhirconv.model``'s
facts), that call does nothing but copy the fields, so :func:`replaced` copies them with a function
made once per class. Any other class goes to ``dataclasses.replace`` itself.

For a class with ``slots=True`` (all of ``fhirconv.model``'s facts) each field is set through its own
slot descriptor (``Class.field.__set__``), which is what ``object.__setattr__`` ends up calling after
looking the name up along the class's bases: the copy of a 13-field ``ConditionFact`` costs ~40 % less
(the same fields, the same values; ``tests/extract/test_fastcopy.py``).

A call site changes the same few fields every time (a fact's ``time``, a condition's ``onset``): the copier
is made per class *and* per names changed, and takes those from the changes and every other field
straight from the object, instead of asking the changes for each of the 13 fields.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable
from typing import Any, TypeVar, cast

__all__ = ["maker", "replaced"]

_T = TypeVar("_T")
_Copier = Callable[[Any, dict[str, Any]], Any]
# per class and the names changed (in the order given): its copier. The call sites name a few fixed
# sets of fields, so this stays small; past the bound a copy is made by the class's general copier.
_COPIERS: dict[tuple[type, tuple[str, ...]], _Copier | None] = {}
_MAX_COPIERS = 512


def replaced(obj: _T, /, **changes: Any) -> _T:
    """``dataclasses.replace(obj, **changes)``: the same new object, made faster."""
    cls: type = type(obj)
    key = (cls, tuple(changes))
    try:
        copier = _COPIERS[key]
    except KeyError:
        if len(_COPIERS) < _MAX_COPIERS:
            copier = _COPIERS[key] = _copier(*key)
        else:
            copier = _general(cls)
    if copier is None:
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    new: _T = copier(obj, changes)
    return new


@functools.lru_cache(maxsize=256)
def _general(cls: type) -> _Copier | None:
    """The copier of ``cls`` for any changes (past the bound of ``_COPIERS``)."""
    return _copier(cls)


def _copier(cls: type, changed: tuple[str, ...] | None = None) -> _Copier | None:
    """A function ``(obj, changes) -> copy`` for a plain frozen dataclass, else None. With ``changed``
    (the names ``changes`` will hold, all of them fields), the copy takes each of those from
    ``changes`` and every other field from ``obj`` without asking ``changes`` for each field."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    params = getattr(cls, "__dataclass_params__", None)
    fields = dataclasses.fields(cls)
    if params is None or not params.frozen or any(not f.init for f in fields):
        return None
    names = [f.name for f in fields]
    if not all(n.isidentifier() for n in names):
        return None
    slots = [_slot(cls, n) for n in names]
    scope: dict[str, Any] = {
        "_new": object.__new__,
        "_cls": cls,
        "_set": object.__setattr__,
        "_names": frozenset(names),
    }
    if changed is not None and not set(changed) <= set(names):
        changed = None  # (the general copy refuses the unknown names, as dataclasses.replace does)
    if all(slot is not None for slot in slots):
        # each field's own slot setter, bound once: no name lookup along the bases per field
        scope.update({f"_set{i}": slot.__set__ for i, slot in enumerate(slots) if slot is not None})
        if changed is not None:
            body = "".join(
                f"    _set{i}(new, changes[{n!r}])\n" if n in changed else f"    _set{i}(new, obj.{n})\n"
                for i, n in enumerate(names)
            )
            src = "def copy(obj, changes):\n    new = _new(_cls)\n" + body + "    return new\n"
            exec(src, scope)
            specific: _Copier = scope["copy"]
            return specific
        body = "".join(f"    _set{i}(new, get({n!r}, obj.{n}))\n" for i, n in enumerate(names))
    else:
        body = "".join(f"    _set(new, {n!r}, get({n!r}, obj.{n}))\n" for n in names)
    src = (
        "def copy(obj, changes):\n"
        "    if not changes.keys() <= _names:\n"
        "        raise TypeError(f'unknown fields {sorted(changes.keys() - _names)}')\n"
        "    new = _new(_cls)\n"
        "    get = changes.get\n" + body + "    return new\n"
    )
    exec(src, scope)
    copy: Callable[[Any, dict[str, Any]], Any] = scope["copy"]
    return copy


def maker(cls: type[_T]) -> type[_T]:
    """A function with ``cls``'s own signature (the same parameters, the same defaults) that makes the same
    object at about half the price, for a plain frozen slots dataclass; ``cls`` itself for any other.
    The generated ``__init__`` of a frozen class sets each field through ``object.__setattr__`` (a name
    lookup along the bases per field); this one sets it through the field's own slot descriptor. For the
    objects made per mention (a ``Mention``, a condition fact). (Typed as the class so that every call
    is checked against the class's own parameters; it is only ever called, never an ``isinstance``
    argument.)"""
    if _copier(cls) is None:
        return cls
    fields = dataclasses.fields(cast(Any, cls))
    slots = [_slot(cls, f.name) for f in fields]
    if (
        not all(slot is not None for slot in slots)
        or any(f.name.startswith("_") or f.default_factory is not dataclasses.MISSING for f in fields)
        or any(f.kw_only for f in fields)
    ):
        return cls
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    scope.update({f"_set{i}": slot.__set__ for i, slot in enumerate(slots) if slot is not None})
    scope.update({f"_default{i}": f.default for i, f in enumerate(fields)})
    params = ", ".join(
        f.name if f.default is dataclasses.MISSING else f"{f.name}=_default{i}" for i, f in enumerate(fields)
    )
    body = "".join(f"    _set{i}(new, {f.name})\n" for i, f in enumerate(fields))
    exec(f"def make({params}):\n    new = _new(_cls)\n{body}    return new\n", scope)
    return cast("type[_T]", scope["make"])


def _slot(cls: type, name: str) -> types.MemberDescriptorType | None:
    """The slot descriptor that holds field ``name`` of ``cls`` (declared by it or a base), or None when
    the field lives elsewhere (an instance ``__dict__``, a property)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            found = vars(klass)[name]
            return found if isinstance(found, types.MemberDescriptorType) else None
    return None
