"""The walk over the rules' object graph that finds the patterns the components hold (for
:mod:`.triggers`), and the file of the literal gates' remembered decisions (in the user cache).

The cost model by which a gate is kept (:meth:`.triggers.GatedPattern.saved`) counts work, never
time. The walk reaches every pattern held by the engine's objects, lists, tuples and dict values, and
can swap each one for another (a gate, or the raw pattern back). The decisions file maps each pattern's
(source, flags) to the literals of its gate or None (no gate); it is keyed by the patterns it was
settled for, and one that is absent, damaged or of other patterns reads as None.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..diskcache import read_used, write_whole
from ..reparse import CONSTANTS, PARSER
from .literals import READING
from .prefilter import AnyOf

__all__ = ["Decisions", "digest", "heads", "load", "save", "walk"]

# the parser behind re.compile (private, Python >= 3.11): where a search tries a match (else: anywhere)
_P, _C = PARSER, CONSTANTS

# What a gate saves and costs, in seconds of a reference host (this project's 2-core AMD EPYC, quiet):
# only their ratios decide, so the decisions are the same on any host and under any load. A failing
# search costs a call, a scan of its bounds for the places a match may start (the engine skips to a
# fixed start, or to a first letter of its branches -- a slower scan, a class test per character --
# else it tries everywhere) and a try at each: fitted to the replayed failing searches of the warm-up
# reports (the engine's patterns, each within about 1.5x). The gate answers "nothing" in a Python
# call, and costs a Python call more where the pattern runs.
CALL = 230e-9
PER_CHAR = 6.5e-9
PER_CHAR_SET = 13e-9
PER_TRY = 50e-9
GATE_ABSENT = 400e-9
GATE_PRESENT = 500e-9

_MAX_WALK = 2000  # containers larger than this are data (word lists, indexes), not rules
_ATOMS = frozenset({str, int, float, bool, type(None), bytes})  # values that hold no pattern

Decisions = dict[tuple[str, int], frozenset[str] | None]

# of the decisions file; 2: settled by the counted cost model (1: by the clock, host-dependent); 3: the
# unions of AnyOf made at the gates' set-up and settled with the rest (a file of 2 may lack them)
FORMAT = 3
SUFFIX = ".gates"


def load(path: Path, digest: str) -> Decisions | None:
    """The decisions file at ``path``; None when absent, damaged or not of ``digest``'s patterns."""
    try:
        # (only ever a file this code wrote into the user's own cache folder)
        fmt, key, decisions = pickle.loads(read_used(path))
    except Exception:  # whatever a damaged pickle raises (many kinds): measure instead
        return None
    if fmt != FORMAT or key != digest or not isinstance(decisions, dict):
        return None
    for k, v in decisions.items():
        if not (isinstance(k, tuple) and len(k) == 2 and isinstance(k[0], str) and isinstance(k[1], int)):
            return None
        if v is not None and not (
            isinstance(v, frozenset) and v and all(isinstance(x, str) and x for x in v)
        ):
            return None
    return decisions


def digest(keys: Iterable[tuple[str, int]]) -> str:
    """The key of the decisions for these patterns (and this fhirconv): what names the file."""
    return hashlib.sha256(repr((FORMAT, READING, __version__, sorted(set(keys)))).encode()).hexdigest()[:32]


def save(folder: Path, key: str, decisions: Decisions) -> None:
    """Write the decisions whole; a cache that cannot be written costs the next run its measuring."""
    blob = pickle.dumps((FORMAT, key, decisions), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):
        write_whole(folder / f"{key}{SUFFIX}", blob)


def heads(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The fixed starts of ``pattern``'s branches (the first of each), where the engine tries a match
    after skipping to it; None where it tries at every place (a leading look-behind or class, an
    optional or empty start, a parse this reading does not know)."""
    if _P is None or pattern.pattern.startswith("(?<!"):
        return None  # (the unions of many words open so: no parse of 10 KB of alternation)
    try:
        return _starts(list(_P.parse(pattern.pattern, pattern.flags)))
    except Exception:  # whatever an unexpected tree shape raises: tried everywhere
        return None


def _starts(items: list[Any]) -> tuple[str, ...] | None:
    run: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            break
        if op is _C.SUBPATTERN and not av[1] and not av[2]:
            return _starts(list(av[3]))
        if op is _C.BRANCH:
            firsts: list[str] = []
            for branch in av[1]:
                heads = _starts(list(branch))
                if not heads:
                    return None
                firsts += heads
            return tuple(dict.fromkeys(h[0] for h in firsts))
        return None
    return ("".join(run),) if run else None


def walk(
    root: object,
    package: str,
    swap: Any,
    *,
    kinds: tuple[type, ...],
    opaque: tuple[type, ...] = (),
    barren: set[int] | None = None,
    skip: frozenset[int] = frozenset(),
    any_of: Callable[[AnyOf], None] | None = None,
) -> int:
    """Replace each pattern ``p`` (an instance of ``kinds``) held by ``root`` (or by the lists, tuples,
    dicts and objects of ``package`` it holds) with ``swap(p)``; returns in how many places it was
    replaced. ``barren`` gets the ids of the containers holding no pattern; those in ``skip`` (found
    barren before) are passed by: a pattern put there since stays as it is -- ungated, or gated though
    switched off -- and answers exactly what it answers (only its speed is at stake). Instances of
    ``opaque`` are not entered; ``any_of`` is called with each :class:`~.prefilter.AnyOf` met, before
    its slots are walked."""
    held: dict[int, bool | None] = {}  # id -> a pattern found under it (None: being walked, a cycle)
    empty: set[int] = set()  # tuples under which no pattern was found
    count = 0

    # (the rules' data is mostly strings and numbers: they are passed over without a call, and a
    # container is written to only where a pattern was swapped, so a walk costs a few milliseconds)
    def walk(value: Any) -> tuple[Any, bool]:
        nonlocal count
        if isinstance(value, kinds):
            new = swap(value)
            count += new is not value
            return new, True
        if type(value) in _ATOMS or isinstance(value, opaque):
            return value, False
        key = id(value)
        if key in held:
            known = held[key]
            return value, known is None or known
        if key in skip:
            return value, False
        if isinstance(value, (list, dict)) and len(value) > _MAX_WALK:
            return value, False  # a word list or an index, not where rules keep their patterns
        found = False
        if isinstance(value, list):
            held[key] = None
            for i, v in enumerate(value):
                if type(v) not in _ATOMS:
                    w, f = walk(v)
                    found |= f
                    if w is not v:
                        value[i] = w
        elif isinstance(value, tuple):
            # (a tuple is walked wherever it is held, as each holder gets its own new tuple)
            if all(type(v) in _ATOMS for v in value):
                return value, False
            pairs = [walk(v) for v in value]
            found = any(f for _, f in pairs)
            new = tuple(w for w, _ in pairs)
            if not found:
                empty.add(key)
            if not all(a is b for a, b in zip(new, value, strict=True)):
                return _same_kind(value, new), found
            return value, found
        elif isinstance(value, dict):
            held[key] = None
            for k, v in list(value.items()):
                if type(v) not in _ATOMS:
                    w, f = walk(v)
                    found |= f
                    if w is not v:
                        value[k] = w
        elif type(value).__module__.startswith(package):
            held[key] = None
            if any_of is not None and isinstance(value, AnyOf):
                any_of(value)
            for name in _attributes(value):
                old = getattr(value, name, None)
                new_value, f = walk(old)
                found |= f
                if new_value is not old:
                    object.__setattr__(value, name, new_value)
        else:
            return value, False
        held[key] = found
        return value, found

    walk(root)
    if barren is not None:
        barren.update(key for key, found in held.items() if found is False)
        barren.update(empty)
    return count


def _attributes(obj: object) -> list[str]:
    names: list[str] = [f.name for f in fields(obj)] if is_dataclass(obj) else []
    names += getattr(obj, "__dict__", {})
    for cls in type(obj).__mro__:
        names += [s for s in getattr(cls, "__slots__", ()) if isinstance(s, str) and not s.startswith("__")]
    return names


def _same_kind(old: tuple[Any, ...], new: tuple[Any, ...]) -> tuple[Any, ...]:
    """A tuple like ``old`` (a named tuple keeps its class) holding ``new``."""
    if type(old) is tuple:
        return new
    return type(old)(*new)
