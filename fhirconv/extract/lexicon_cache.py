"""Shapes of the cached lexicon that load in a few milliseconds.

A cold one-file conversion unpickles the whole cached lexicon, yet reads a few hundred of its 30,000
concepts and looks up one or two misspelt words. Two of its parts cost more to rebuild as Python objects
than they are used: the concept rows (200,000 objects, ~0.02 s) and the misspelt-drug index of 90,000
one-letter deletions (a dict: ~0.02 s to rehash). Here the rows are one byte string with offsets, each
row unpickled when first asked for, and the deletions are a sorted key list searched by bisection,
split out of one string when first asked for. Both answer exactly what the list and the dict answered.

:func:`read_cache` and :func:`write_cache` are the cached lexicon's file (``Lexicon.load`` keys it); a
file that is absent, damaged or of another format reads as None and is rebuilt by the caller.
"""

from __future__ import annotations

import contextlib
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

import ahocorasick

from ..diskcache import mark_used, write_whole

__all__ = ["CACHE_FORMAT", "Cached", "PackedRows", "SortedIntMap", "read_cache", "write_cache"]

CACHE_FORMAT = 4  # 4: rows packed, misspelt-drug deletions sorted (3: a list of rows and a dict)

_SEP = "\0"  # between the keys of a SortedIntMap: never part of a lexicon word


class PackedRows(Sequence[tuple[Any, ...]]):
    """Tuples pickled one after another into one byte string; row ``i`` is unpickled on access."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, blob: bytes, offsets: array[int]) -> None:
        if not isinstance(offsets, array) or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(blob):
            raise ValueError("packed rows: offsets do not cover the data")
        self._blob, self._offsets = memoryview(blob), offsets

    @classmethod
    def pack(cls, rows: Sequence[tuple[Any, ...]]) -> tuple[bytes, array[int]]:
        """What the constructor takes back: (data, offsets)."""
        parts = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in rows]
        offsets = array("q", [0])
        for p in parts:
            offsets.append(offsets[-1] + len(p))
        return b"".join(parts), offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[Any, ...]]: ...

    def __getitem__(self, i: int | slice) -> tuple[Any, ...] | list[tuple[Any, ...]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("row index out of range")
        row = pickle.loads(self._blob[self._offsets[i] : self._offsets[i + 1]])
        if not isinstance(row, tuple):
            raise ValueError("packed rows: a row is not a tuple")
        return row


class SortedIntMap(Mapping[str, int]):
    """A read-only str -> int mapping kept as sorted keys and their values; lookups bisect."""

    __slots__ = ("_joined", "_keys", "_values")

    def __init__(self, joined: str, values: array[int]) -> None:
        if not isinstance(joined, str) or not isinstance(values, array):
            raise TypeError("sorted map: a string of keys and an array of values")
        if (joined.count(_SEP) + 1 if joined or len(values) else 0) != len(values):
            raise ValueError("sorted map: keys and values differ in number")  # checked before use
        self._joined, self._values = joined, values
        self._keys: list[str] | None = None

    @classmethod
    def pack(cls, mapping: Mapping[str, int]) -> tuple[str, array[int]] | None:
        """What the constructor takes back, or None when a key holds the separator (not packable)."""
        keys = sorted(mapping)
        if any(_SEP in k for k in keys):
            return None
        return _SEP.join(keys), array("q", [mapping[k] for k in keys])

    def _sorted(self) -> list[str]:
        keys = self._keys
        if keys is None:
            keys = self._keys = self._joined.split(_SEP) if len(self._values) else []
        return keys

    def get(self, key: str, default: Any = None) -> Any:  # the hot path: most lookups miss
        keys = self._sorted()
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self._values[i]
        return default

    def has_prefix(self, prefix: str) -> bool:
        """Whether a key starts with ``prefix`` (one bisection: the keys are sorted)."""
        keys = self._sorted()
        i = bisect_left(keys, prefix)
        return i < len(keys) and keys[i].startswith(prefix)

    def __getitem__(self, key: str) -> int:
        keys = self._sorted()
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self._values[i]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorted())

    def __len__(self) -> int:
        return len(self._values)


class Cached(NamedTuple):
    """A cached lexicon's parts: concept rows, automaton, packed key values, misspelt-drug index
    (one-word drug names, their one-letter deletions, the lexicons' own words)."""

    rows: PackedRows
    automaton: Any
    values: array[int]
    near: tuple[dict[str, int], SortedIntMap, frozenset[str]]


def read_cache(path: Path) -> Cached | None:
    """The cached lexicon at ``path``; None when absent, unreadable or of another format."""
    try:
        # only ever a file this code wrote into the user's own cache folder; unpickled as it is read
        # (reading the 33 MB whole first cost another ~0.015 s)
        with path.open("rb", buffering=1 << 20) as fh:
            fmt, rows, automaton, values, near = pickle.load(fh)
        mark_used(path)
        if (
            fmt == CACHE_FORMAT
            and isinstance(rows, tuple)
            and isinstance(automaton, ahocorasick.Automaton)
            and isinstance(values, array)
            and len(values) == len(automaton)
            and isinstance(near, tuple)
            and len(near) == 4
            and isinstance(near[0], dict)
            and isinstance(near[3], frozenset)
        ):
            return Cached(
                PackedRows(*rows), automaton, values, (near[0], SortedIntMap(near[1], near[2]), near[3])
            )
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError, IndexError):
        pass  # absent, or corrupt: the caller rebuilds it
    return None


def write_cache(
    path: Path,
    rows: Sequence[tuple[Any, ...]],
    automaton: Any,
    values: array[int],
    near: tuple[Mapping[str, int], Mapping[str, int], frozenset[str]],
) -> None:
    """Write the lexicon whole (and prune older ones); a cache that cannot be written (read-only home),
    or a deletion key that cannot be packed, only costs the next start its build time."""
    deletions = SortedIntMap.pack(near[1])
    if deletions is None:
        return
    blob = (CACHE_FORMAT, PackedRows.pack(rows), automaton, values, (dict(near[0]), *deletions, near[2]))
    with contextlib.suppress(OSError):
        write_whole(path, pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL))
