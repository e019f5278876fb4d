"""Skip a regex where the words it needs are absent: one automaton scan per document instead of
hundreds of pattern searches per sentence that find nothing.

Every component asks its patterns of every sentence (about ninety regex calls a sentence), and most
find nothing: each failing search still walks the whole sentence. Most patterns cannot match without
one of a few literal strings ("after", "day", "revealed"...): :func:`required_literals` reads that
set off the pattern's parse tree. :class:`Triggers` scans each document once with one Aho-Corasick
automaton of all those literals, and :class:`GatedPattern` -- a stand-in for the compiled pattern that
the engine puts in place of every pattern its components hold -- answers ``search``/``finditer``/
``findall`` over the document's folded text with "nothing" at once when none of its literals lies
inside the bounds; otherwise, and for any other string or method, the real pattern runs.

Exactness: a match of the pattern consumes one of its required literals (that is what the parse tree
walk proves, conservatively: where it cannot tell, the pattern gets no gate), and a match found with
``pos``/``endpos`` lies inside them, so the literal lies inside them too. Where no literal does, the
pattern has no match there, and the answer "nothing" is the pattern's own answer. Patterns matched
case-insensitively are never gated (case folding of a literal is not one string).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ahocorasick

from . import gate_store
from .literals import DIGIT, digits_marked, required_literals
from .prefilter import AnyOf

__all__ = ["GatedPattern", "Triggers"]


class Triggers:
    """The literals of the gated patterns, found in one scan of the document being read.

    A gate costs a little on every call (a Python call and a lookup) and saves the pattern's own search
    where it answers "nothing": worth it for the patterns that are slow to find nothing (long
    alternations, a try at every position), a loss for the rest. So the first ``warm_up`` documents
    are read with no gate at all (a single short report would not earn back the set-up); then every
    pattern with literals gets one and runs as before while its calls are counted: how often the gate
    would have answered, and the work of the searches it would have spared (characters scanned, places
    a match is tried: a cost model, never a clock, so that a loaded host or a noisy timer cannot change
    a decision). At the 4 x ``warm_up``-th document the gate stays in front of the patterns where it
    saves more than it costs (``gain_s`` more, in the model's seconds); every other pattern is put back
    as it was; the last settling is at the 8 x ``warm_up``-th. The unions of :class:`~.prefilter.AnyOf`
    are made at the set-up (their ``prepare``), gated and settled with the rest. The same patterns and
    warm-up documents give the same gates; what any pattern answers never depends on them.

    Measuring and settling cost ~0.35 ms a document over a batch of a hundred. With a ``remember``
    folder (the user cache), the settled decisions (per pattern its literals, or "no gate") are written
    there, keyed by the patterns' sources and flags and fhirconv's version; a later process with the
    same patterns installs them at the ``warm_up``-th document in one walk (a union: when made), with no
    measuring or settling. A file absent, damaged or of other patterns is passed by: measured afresh.
    """

    def __init__(self, *, warm_up: int = 2, gain_s: float = 0.0, remember: Path | None = None) -> None:
        self._gated: list[GatedPattern] = []
        self._of: dict[int, GatedPattern] = {}  # id of a raw pattern -> its gate
        self._plain: set[int] = set()  # ids of the patterns no literal gate can stand for
        self._automaton: Any = None
        self._marked = True  # whether a literal of the automaton holds a digit mark
        self.folded: str | None = None  # the folded text of the document being read
        # the gates the automaton was built for (not switched off); None: a gate was added or put back
        self._live: list[GatedPattern] | None = None
        self._warm_up, self._gain_s, self._read = warm_up, gain_s, 0
        self._root: tuple[object, str] | None = None
        self._pending = False  # gate_all still to do (see ``watch``)
        # ids of the containers the last walk found holding no pattern: the settling walks pass them by
        self._barren: set[int] = set()
        self._folder = remember
        self._digest: str | None = None  # the key of the patterns' decisions file (see ``_recall``)
        self._measuring = True  # False: the gates were installed from remembered decisions
        self._remembered: dict[tuple[str, int], frozenset[str] | None] = {}

    def gate_all(self, root: object, package: str) -> int:
        """Put a gate in front of every pattern held by ``root`` or the objects it holds (attributes,
        lists, tuples, dict values) whose classes come from ``package``; returns in how many places."""
        self._root = (root, package)
        return _walk(root, package, self._gate, barren=self._barren, any_of=self._measure)

    def _measure(self, any_of: AnyOf) -> None:  # (a union: made at its next question, then measured)
        any_of.gate = self._gate
        any_of.prepare()

    def watch(self, root: object, package: str) -> None:
        """:meth:`gate_all` at the ``warm_up``-th document: reading the patterns' parse trees costs more
        than a single short report would win back (a one-file ``convert`` never pays it)."""
        self._root = (root, package)
        self._pending = True

    def _gate(self, pattern: Any) -> Any:
        if isinstance(pattern, GatedPattern) or not isinstance(pattern, re.Pattern):
            return pattern
        known = self._of.get(id(pattern))
        if known is not None:
            return known  # one pattern held in several places: one gate
        lits = required_literals(pattern)
        if lits is None:
            self._plain.add(id(pattern))
            return pattern
        gated = GatedPattern(pattern, self, len(self._gated), lits)
        self._gated.append(gated)
        self._of[id(pattern)] = gated
        self._automaton = None
        return gated

    def read(self, folded: str) -> None:
        """Scan a document's folded text for the literals of the gated patterns."""
        if self._read == self._warm_up and self._pending and self._root is not None:
            self._pending = False
            if not self._recall():
                self.gate_all(*self._root)
        if self._measuring and self._read in (4 * self._warm_up, 8 * self._warm_up):
            last = self._read == 8 * self._warm_up
            self._settle(last=last)
            if last:
                self._save()
        self._read += 1
        live = self._live
        if live is None or self._automaton is None:
            live = self._live = [g for g in self._gated if g.state != _OFF]
            self._automaton = None
        # each live gate keeps its two lists (literals' ends, starts); a literal's value holds their appends
        for g in live:
            g.own_ends.clear()
            g.own_starts.clear()
        if live:
            if self._automaton is None:
                literals: dict[str, list[tuple[Any, Any]]] = {}
                for g in live:
                    for lit in g.literals:
                        literals.setdefault(lit, []).append((g.own_ends.append, g.own_starts.append))
                automaton = ahocorasick.Automaton()
                for lit, adders in literals.items():
                    # (the first gate's two appends in the value itself: most literals have one gate)
                    automaton.add_word(lit, (len(lit), *adders[0], tuple(adders[1:])))
                automaton.make_automaton()
                self._automaton = automaton
                # (no literal with a digit mark: found at the same places in the text itself)
                self._marked = any(DIGIT in lit or any(map(str.isdecimal, lit)) for lit in literals)
            seen = digits_marked(folded) if self._marked else folded
            for last, (length, add_end, add_start, more) in self._automaton.iter(seen):
                e = last + 1
                s = e - length
                add_end(e)
                add_start(s)
                for add_end, add_start in more:
                    add_end(e)
                    add_start(s)
        # each gate holds its literals' places and the text: its hot path reads its own slots
        for g in live:  # (a gate put back answers nothing more: it keeps the None of ``done``)
            g.ends, g.starts = g.own_ends, g.own_starts
            g.folded = folded
        self.folded = folded  # (last: a gate asks of this text only once its literals are known)

    def done(self) -> None:
        self.folded = None
        for g in self._live or ():  # (only the gates ``read`` gave the text)
            g.folded, g.ends, g.starts = None, _NONE, _NONE

    def _settle(self, last: bool) -> None:
        """After the warm-up: keep the gates that pay, put the other patterns back. A pattern made since
        the last walk gets a gate now and is measured until the ``last`` settling."""
        for g in self._gated:
            if g.state == _MEASURE and (g.calls or last):
                g.state = _ON if g.saved() > self._gain_s else _OFF

        def swap(p: Any) -> Any:
            if isinstance(p, GatedPattern):
                return p.raw if p.state == _OFF else p
            return p if last or id(p) in self._of or id(p) in self._plain else self._gate(p)

        if self._root is not None:
            # (the rules' data holds no pattern: the walk before noted where, this one passes it by)
            _walk(*self._root, swap, barren=self._barren, skip=frozenset(self._barren))
        self._automaton = None

    def _recall(self) -> bool:
        """Install the remembered decisions for the patterns ``root`` holds, when a file has them."""
        if self._folder is None or self._root is None:
            return False
        root, package = self._root
        seen: dict[int, tuple[str, int]] = {}
        unions: set[int] = set()

        def collect(p: Any) -> Any:
            seen[id(p)] = (p.pattern, p.flags)
            return p

        def note(any_of: AnyOf) -> None:
            unions.add(id(any_of.union))

        barren: set[int] = set()
        _walk(root, package, collect, barren=barren, any_of=note)
        # (the unions made before now depend on which documents came first: not part of the key)
        digest = self._digest = gate_store.digest(k for i, k in seen.items() if i not in unions)
        decisions = gate_store.load(self._folder / f"{digest}{gate_store.SUFFIX}", digest)
        if decisions is None:
            return False
        self._measuring, self._remembered, self._barren = False, decisions, barren
        _walk(root, package, self._install, skip=frozenset(barren), any_of=self._hook)
        self._automaton = None
        return True

    def _hook(self, any_of: AnyOf) -> None:
        any_of.gate = self._install
        any_of.prepare()  # (made at its next question, with its remembered gate)

    def _install(self, pattern: Any) -> Any:
        """The remembered gate of ``pattern``, switched on, or the pattern itself (no gate)."""
        if isinstance(pattern, GatedPattern) or not isinstance(pattern, re.Pattern):
            return pattern
        known = self._of.get(id(pattern))
        if known is not None:
            return known
        lits = self._remembered.get((pattern.pattern, pattern.flags))
        if not lits:
            return pattern
        gated = GatedPattern(pattern, self, len(self._gated), lits)
        gated.state = _ON
        self._gated.append(gated)
        self._of[id(pattern)] = gated
        self._automaton = None
        return gated

    def _save(self) -> None:
        """Write the settled decisions (after the last settling of a measuring process)."""
        if self._folder is None or self._digest is None:
            return
        decisions = {
            (g.raw.pattern, g.raw.flags): (g.literals if g.state == _ON else None) for g in self._gated
        }
        gate_store.save(self._folder, self._digest, decisions)

    def present(self, pid: int, pos: int, endpos: int) -> bool:
        """Whether one of pattern ``pid``'s literals lies inside ``[pos, endpos)`` of the folded text."""
        g = self._gated[pid]
        return bool(g.ends) and _inside(g.ends, g.starts, g.min_len, pos, endpos)


def _inside(ends: list[int], starts: list[int], min_len: int, pos: int, endpos: int) -> bool:
    """Whether one of the literals ``[starts[i], ends[i])`` (ascending ends) lies inside ``[pos, endpos)``."""
    pos = max(pos, 0)
    floor = pos + min_len
    i = bisect_right(ends, endpos)
    while i > 0:
        i -= 1
        if ends[i] < floor:
            return False
        if starts[i] >= pos:
            return True
    return False


_MEASURE, _ON, _OFF = 0, 1, 2
_NONE: list[int] = []  # (never appended to)


class GatedPattern:
    """A compiled pattern that first asks :class:`Triggers` whether it can match in the folded text of
    the document being read; every other use goes to the pattern itself."""

    __slots__ = (
        "_triggers",
        "absent",
        "calls",
        "ends",
        "flags",
        "folded",
        "groupindex",
        "groups",
        "heads",
        "literals",
        "min_len",
        "own_ends",
        "own_starts",
        "pattern",
        "pid",
        "raw",
        "starts",
        "state",
        "work",
    )

    def __init__(
        self, pattern: re.Pattern[str], triggers: Triggers, pid: int, literals: frozenset[str]
    ) -> None:
        self.raw, self._triggers, self.pid = pattern, triggers, pid
        self.literals, self.min_len = literals, min(map(len, literals))
        self.pattern, self.flags = pattern.pattern, pattern.flags
        self.groups, self.groupindex = pattern.groups, pattern.groupindex
        self.state, self.calls, self.absent, self.work = _MEASURE, 0, 0, 0.0
        self.heads: tuple[str, ...] | None = ()  # where a search tries a match (``_heads``; (): unread)
        # the document being read (set by Triggers.read): its folded text, this pattern's literals in it
        self.folded: str | None = None
        self.ends: list[int] = _NONE
        self.starts: list[int] = _NONE
        self.own_ends: list[int] = []  # (the lists ``ends``/``starts`` are while a document is read)
        self.own_starts: list[int] = []

    def _measured(self, method: Any, string: str, pos: int, endpos: int) -> Any:
        """The pattern's own answer, counted: whether the gate would have given it at once, and the
        work of the search it would have spared (see :meth:`saved`)."""
        self.calls += 1
        if not self._triggers.present(self.pid, pos, endpos):
            self.absent += 1
            lo = pos if pos > 0 else 0
            span = max(0, min(endpos, len(string)) - lo)
            heads = self.heads
            if heads == ():
                heads = self.heads = gate_store.heads(self.raw)
            if heads is None:
                work = gate_store.PER_CHAR * span + gate_store.PER_TRY * span
            else:
                tries = sum(string.count(h, lo, lo + span) for h in heads)
                scan = gate_store.PER_CHAR if len(heads) == 1 else gate_store.PER_CHAR_SET
                work = scan * span + gate_store.PER_TRY * tries
            self.work += gate_store.CALL + work
        return method(string, pos, endpos)

    def saved(self) -> float:
        """What the gate saves a call, by the counts so far, in the seconds of :mod:`.gate_store`'s cost
        model (0 uncalled)."""
        if not self.calls:
            return 0.0
        present = self.calls - self.absent
        return (
            self.work - self.absent * gate_store.GATE_ABSENT - present * gate_store.GATE_PRESENT
        ) / self.calls

    # (each method inlines the gate: it runs ninety times a sentence)
    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if string is self.folded:
            if self.state == _ON:
                # (the last literal ending by ``endpos`` answers most calls; _inside walks back further)
                ends = self.ends
                if not ends:
                    return None
                i = bisect_right(ends, endpos)
                lo = pos if pos > 0 else 0
                if not i or ends[i - 1] < lo + self.min_len:
                    return None
                if self.starts[i - 1] < lo and not _inside(ends, self.starts, self.min_len, pos, endpos):
                    return None
            elif self.state == _MEASURE:
                found: re.Match[str] | None = self._measured(self.raw.search, string, pos, endpos)
                return found
        return self.raw.search(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if string is self.folded:
            if self.state == _ON:
                ends = self.ends
                if not ends:
                    return iter(())
                i = bisect_right(ends, endpos)
                lo = pos if pos > 0 else 0
                if not i or ends[i - 1] < lo + self.min_len:
                    return iter(())
                if self.starts[i - 1] < lo and not _inside(ends, self.starts, self.min_len, pos, endpos):
                    return iter(())
            elif self.state == _MEASURE:
                every: Iterator[re.Match[str]] = self._measured(self.raw.finditer, string, pos, endpos)
                return every
        return self.raw.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        if string is self.folded:
            if self.state == _ON:
                ends = self.ends
                if not ends:
                    return []
                i = bisect_right(ends, endpos)
                lo = pos if pos > 0 else 0
                if not i or ends[i - 1] < lo + self.min_len:
                    return []
                if self.starts[i - 1] < lo and not _inside(ends, self.starts, self.min_len, pos, endpos):
                    return []
            elif self.state == _MEASURE:
                listed: list[Any] = self._measured(self.raw.findall, string, pos, endpos)
                return listed
        return self.raw.findall(string, pos, endpos)

    def __getattr__(self, name: str) -> Any:  # match, fullmatch, sub, split, ...: the pattern's own
        return getattr(self.raw, name)

    def __repr__(self) -> str:
        return f"GatedPattern({self.raw!r})"


def _walk(root: object, package: str, swap: Any, **kwargs: Any) -> int:
    """:func:`.gate_store.walk` for patterns and their gates."""
    return gate_store.walk(
        root, package, swap, kinds=(re.Pattern, GatedPattern), opaque=(Triggers,), **kwargs
    )
