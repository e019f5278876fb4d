"""Shapes of the cached lexicon that load in a few milliseconds.

A cold one-file conversion unpickles the whole cached lexicon, yet reads a few hundred of its 30,000
concepts and looks up one or two misspelt words. Two of its parts cost more to rebuild as Python objects
than they are used: the concept rows (200,000 objects, ~0.02 s) and the misspelt-drug index of 90,000
one-letter deletions (a dict: ~0.02 s to rehash). Here the rows are one byte string with offsets, each
row unpickled when first asked for, and the deletions are a sorted key list searched by bisection,
split out of one string when first asked for. Both answer exactly what the list and the dict answered.

The automaton itself (100,000 keys, 720,000 trie nodes) takes ~0.08 s to unpickle, more than a whole
one-file conversion spends on reading its text. A converter that will read one document asks for it
*piecewise* (:class:`PiecewiseAutomaton`): each text it scans gets a small automaton of exactly the keys
that occur in that text, found through an index of the keys by their last letters; past a few pages of
text, or if that fails, the whole automaton is loaded after all. Its answers are the whole automaton's.

:func:`read_cache` and :func:`write_cache` are the cached lexicon's file (``Lexicon.load`` keys it); a
file that is absent, damaged or of another format reads as None and is rebuilt by the caller.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

import ahocorasick

from ..diskcache import IndexedBlobs, mark_used, write_indexed, write_whole
from .lexicon_sorted import NEAR_START, SortedIntMap

__all__ = [
    "CACHE_FORMAT",
    "Cached",
    "PackedRows",
    "PiecewiseAutomaton",
    "SortedIntMap",
    "read_cache",
    "write_cache",
]

# 6: the misspelt-drug deletions' first letters too (SortedIntMap.starts); 5: an indexed blob file (the
# parts, the automaton, the key index apart); 4: one pickle, rows packed, misspelt-drug deletions
# sorted; 3: a list of rows and a dict
CACHE_FORMAT = 6


class PackedRows(Sequence[tuple[Any, ...]]):
    """Tuples pickled one after another into one byte string; row ``i`` is unpickled on access."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, blob: bytes | memoryview, offsets: array[int]) -> None:
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


_GRAM = 8  # a key is indexed under its last 8 letters (a shorter key under itself)
# characters a piecewise automaton scans before it loads the whole one: past this, a batch (or one long
# report) would spend more building small automata than unpickling the whole one once
PIECEWISE_LIMIT = 20_000


class PiecewiseAutomaton:
    """The lexicon's automaton for the few texts a one-document process scans, without loading it.

    ``iter(text)`` and ``key in self`` answer what the whole automaton answers: ``iter`` runs a small
    automaton holding exactly the keys that occur in ``text`` (with their values), and an Aho-Corasick
    automaton yields, at each end, the keys ending there longest first -- which depends on those keys
    alone, so on ``text`` the small one yields what the whole one yields, in the same order. The keys that
    occur are found by their last ``_GRAM`` letters (``grams``: an automaton of those endings, whose value
    is the ending's number; ``starts[g]:starts[g + 1]`` are the keys with ending ``g``, UTF-8 in ``keys``
    at ``offsets``, with their automaton values in ``values``), then each is looked for in ``text``.

    Past ``PIECEWISE_LIMIT`` characters scanned the whole automaton is loaded (``load_whole``) and used
    from then on; if it cannot be loaded (a damaged file) the small automata go on, with the same answers."""

    __slots__ = ("_grams", "_keys", "_load_whole", "_offsets", "_scanned", "_starts", "_values", "_whole")

    def __init__(
        self,
        grams: Any,
        starts: Sequence[int],
        offsets: Sequence[int],
        values: Sequence[int],
        keys: bytes | memoryview,
        load_whole: Callable[[], Any] | None = None,
    ) -> None:
        n = len(values)
        if not (
            isinstance(grams, ahocorasick.Automaton)
            and len(starts) == len(grams) + 1
            and len(offsets) == n + 1
            and (
                n == 0
                or (starts[0] == 0 and starts[-1] == n and offsets[0] == 0 and offsets[-1] == len(keys))
            )
        ):
            raise ValueError("piecewise automaton: the key index does not cover the keys")
        self._grams, self._starts, self._offsets, self._values, self._keys = (
            grams,
            starts,
            offsets,
            values,
            keys,
        )
        self._load_whole, self._whole, self._scanned = load_whole, None, 0

    @classmethod
    def index(cls, automaton: Any) -> tuple[Any, array[int], array[int], array[int], bytes]:
        """What the constructor takes (before ``load_whole``), for the keys of ``automaton``."""
        items = sorted(automaton.items(), key=lambda kv: (kv[0][-_GRAM:], kv[0]))
        grams = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        starts, offsets, values = array("q"), array("q", [0]), array("q")
        parts: list[bytes] = []
        for row, (key, value) in enumerate(items):
            ending = key[-_GRAM:]
            if ending not in grams:
                grams.add_word(ending, len(starts))
                starts.append(row)
            part = key.encode("utf-8")
            parts.append(part)
            offsets.append(offsets[-1] + len(part))
            values.append(value)
        starts.append(len(items))
        if len(grams):
            grams.make_automaton()
        return grams, starts, offsets, values, b"".join(parts)

    def __len__(self) -> int:
        return len(self._values)

    def _rows(self, ending: int) -> Iterator[tuple[str, int]]:
        keys, offsets, values = self._keys, self._offsets, self._values
        for r in range(self._starts[ending], self._starts[ending + 1]):
            yield str(keys[offsets[r] : offsets[r + 1]], "utf-8"), values[r]

    def __contains__(self, key: object) -> bool:
        if self._whole is not None:
            return key in self._whole
        if not isinstance(key, str) or not key:
            return False
        ending = self._grams.get(key[-_GRAM:], -1)
        return ending >= 0 and any(k == key for k, _ in self._rows(ending))

    def _small(self, text: str) -> Any:
        """An automaton of the keys that occur in ``text`` (None when none does)."""
        small = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        if len(self._grams):
            for ending in {g for _, g in self._grams.iter(text)}:
                for key, value in self._rows(ending):
                    if key in text:
                        small.add_word(key, value)
        if not len(small):
            return None
        small.make_automaton()
        return small

    def iter(self, text: str) -> Iterator[tuple[int, int]]:
        """(index of the last character, value) of every key occurrence in ``text``, as the whole
        automaton's ``iter`` yields them."""
        if (
            self._whole is None
            and self._load_whole is not None
            and self._scanned + len(text) > PIECEWISE_LIMIT
        ):
            load, self._load_whole = self._load_whole, None
            self._whole = load()  # None when it could not be read: the small automata go on
        if self._whole is not None:
            return iter(self._whole.iter(text))
        self._scanned += len(text)
        small = self._small(text)
        return iter(small.iter(text)) if small is not None else iter(())


class Cached(NamedTuple):
    """A cached lexicon's parts: concept rows, automaton, packed key values, misspelt-drug index
    (one-word drug names, their one-letter deletions, the lexicons' own words)."""

    rows: PackedRows
    automaton: Any  # an ahocorasick.Automaton, or a PiecewiseAutomaton answering the same
    values: array[int]
    near: tuple[dict[str, int], SortedIntMap, frozenset[str]]


# the blobs of the cache file (fhirconv.diskcache.write_indexed): the small parts every reader needs,
# the concept rows, the whole automaton, and the key index of a piecewise one. The rows, the keys and
# the index's arrays are used in place, as views of the file's map (copying and allocating them cost
# more than the few rows and keys a document reads); the arrays are machine integers of this layout.
_PARTS, _ROWS, _AUTOMATON = "parts", "rows", "automaton"
_GRAMS, _KEYS, _STARTS, _OFFSETS, _KEY_VALUES = "grams", "keys", "starts", "offsets", "key values"
_LAYOUT = (sys.byteorder, array("q").itemsize)
_READ_ERRORS = (
    OSError,
    pickle.PickleError,
    EOFError,
    AttributeError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
)


def _automaton(blobs: IndexedBlobs) -> Any:
    # only ever a file this code wrote into the user's own cache folder
    automaton = pickle.loads(blobs.view(_AUTOMATON))
    if not isinstance(automaton, ahocorasick.Automaton):
        raise TypeError("lexicon cache: not an automaton")
    return automaton


def read_cache(path: Path, *, piecewise: bool = False) -> Cached | None:
    """The cached lexicon at ``path``; None when absent, unreadable or of another format. ``piecewise``:
    its automaton as a :class:`PiecewiseAutomaton` (for a process that reads one document)."""
    try:
        blobs = IndexedBlobs(path)
        fmt, layout, row_offsets, values, near = pickle.loads(blobs.view(_PARTS))
        if not (
            fmt == CACHE_FORMAT
            and layout == _LAYOUT
            and isinstance(row_offsets, array)
            and isinstance(values, array)
            and isinstance(near, tuple)
            and len(near) == 5
            and isinstance(near[0], dict)
            and isinstance(near[3], frozenset)
            and isinstance(near[4], tuple)
        ):
            return None
        automaton: Any
        if piecewise:
            grams = pickle.loads(blobs.view(_GRAMS))
            starts, offsets, keyvalues = (blobs.view(k).cast("q") for k in (_STARTS, _OFFSETS, _KEY_VALUES))
            keys = blobs.view(_KEYS)

            def whole() -> Any:
                with contextlib.suppress(*_READ_ERRORS):
                    loaded = _automaton(blobs)
                    if len(loaded) == len(values):
                        return loaded
                return None

            automaton = PiecewiseAutomaton(grams, starts, offsets, keyvalues, keys, whole)
        else:
            automaton = _automaton(blobs)
        if len(values) != len(automaton):
            return None
        mark_used(path)
        return Cached(
            PackedRows(blobs.view(_ROWS), row_offsets),
            automaton,
            values,
            (near[0], SortedIntMap(near[1], near[2], near[4]), near[3]),
        )
    except _READ_ERRORS:
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
    row_blob, row_offsets = PackedRows.pack(rows)
    near_starts = SortedIntMap(*deletions).pack_starts(NEAR_START)
    parts = (CACHE_FORMAT, _LAYOUT, row_offsets, values, (dict(near[0]), *deletions, near[2], near_starts))
    grams, starts, offsets, key_values, keys = PiecewiseAutomaton.index(automaton)
    out = io.BytesIO()
    write_indexed(
        out,
        {
            _PARTS: pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL),
            _ROWS: row_blob,
            _AUTOMATON: pickle.dumps(automaton, protocol=pickle.HIGHEST_PROTOCOL),
            _GRAMS: pickle.dumps(grams, protocol=pickle.HIGHEST_PROTOCOL),
            _KEYS: keys,
            _STARTS: starts.tobytes(),
            _OFFSETS: offsets.tobytes(),
            _KEY_VALUES: key_values.tobytes(),
        },
    )
    with contextlib.suppress(OSError):
        write_whole(path, out.getvalue())
