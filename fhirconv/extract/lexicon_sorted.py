"""The misspelt-drug deletions of a cached lexicon: a read-only str -> int mapping kept as one string of
sorted keys and an array of values (loaded in place from the cache file, no dict of ninety thousand
keys made at start-up), and the set of the keys' first letters, which rules out most absent keys
without the bisection (kept apart from lexicon_cache.py to keep modules small; the lexicon's cache key
covers this file too)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["NEAR_START", "STARTS_WARM_UP", "SortedIntMap"]

_SEP = "\0"  # between the keys of a SortedIntMap: never part of a lexicon word

# questions to SortedIntMap.starts answered None (a one-document process asks fewer: see there)
STARTS_WARM_UP = 64
# the first letters of a word the misspelt-drug lookup asks the drugs' deletions about (Lexicon._near_index)
NEAR_START = 5


class SortedIntMap(Mapping[str, int]):
    """A read-only str -> int mapping kept as sorted keys and their values; lookups bisect."""

    __slots__ = ("_asked", "_given", "_joined", "_keys", "_starts", "_values")

    def __init__(self, joined: str, values: array[int], starts: tuple[int, str] | None = None) -> None:
        if not isinstance(joined, str) or not isinstance(values, array):
            raise TypeError("sorted map: a string of keys and an array of values")
        if (joined.count(_SEP) + 1 if joined or len(values) else 0) != len(values):
            raise ValueError("sorted map: keys and values differ in number")  # checked before use
        self._joined, self._values = joined, values
        self._keys: list[str] | None = None
        self._asked = 0  # questions to ``starts`` so far
        self._starts: tuple[int, frozenset[str]] | None = None
        # (n, the keys' distinct first n characters joined as the keys are): ``starts(n)``, as written
        # with the map into the cache (``pack_starts``), so that no process makes it from all the keys
        self._given = starts if isinstance(starts, tuple) and isinstance(starts[1], str) else None

    def starts(self, n: int, warm_up: int = STARTS_WARM_UP) -> frozenset[str] | None:
        """Every key's first ``n`` characters (a string whose first ``n`` are not among them is no key),
        or None for the first ``warm_up`` questions: the set costs a pass over all the keys, which the
        few lookups of a one-document process would not earn back; a batch asks many times."""
        made = self._starts
        if made is not None and made[0] == n:
            return made[1]
        self._asked += 1
        if self._asked <= warm_up:
            return None
        given = self._given
        if given is not None and given[0] == n and len(self._values):
            got = frozenset(given[1].split(_SEP))
        else:
            got = frozenset(k[:n] for k in self._sorted())
        self._starts = (n, got)
        return got

    def pack_starts(self, n: int) -> tuple[int, str]:
        """What the constructor takes as ``starts`` for ``n``."""
        return n, _SEP.join(sorted({k[:n] for k in self._sorted()}))

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
