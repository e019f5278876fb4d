"""Dictionary matching over folded text with Aho-Corasick (pyahocorasick).

Lexicon terms come from ``mappings/lexicons/<domain>.json``. Each term is indexed with its spelling
variants (plural, British/American, hyphen/space, which folding already unifies) so the lexicon
files can stay one entry per surface form an editor would write.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from operator import itemgetter
from pathlib import Path
from typing import Any

import ahocorasick

from ..diskcache import stamped_digest
from ..mapping import MappingStore, user_cache_dir
from .lexicon_cache import read_cache, write_cache
from .lexicon_reading import DESCRIBED_REACH, Reading, SectionReading
from .lexicon_sorted import NEAR_START as _NEAR_START
from .lexicon_sorted import SortedIntMap
from .variants import NEAR_MIN, deletions, descriptor_variants, variants

__all__ = ["DOMAINS", "Concept", "Lexicon", "Match"]

DOMAINS = ("tests", "drugs", "procedures", "conditions")
# When two domains claim the very same words, the earlier one wins (a test name is not a symptom).
_PRIORITY = {d: i for i, d in enumerate(DOMAINS)}
_START = itemgetter(0)  # a candidate's start


@dataclass(frozen=True, slots=True)
class Concept:
    domain: str
    id: str
    display: str
    cls: str
    codings: tuple[tuple[str, str, str], ...]
    unit: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True, init=False)
class Match:
    start: int
    end: int
    concept: Concept
    expansion: str | None = None  # long form, when the match is an abbreviation the document defined

    def __init__(self, start: int, end: int, concept: Concept, expansion: str | None = None) -> None:
        # each slot set through its descriptor (the dataclass's __init__ looks each name up along the class)
        _SET_START(self, start)
        _SET_END(self, end)
        _SET_CONCEPT(self, concept)
        _SET_EXPANSION(self, expansion)


_SET_START, _SET_END, _SET_CONCEPT, _SET_EXPANSION = (Match.__dict__[n].__set__ for n in Match.__slots__)


# Each key's automaton value is its ordinal in ``Lexicon._values``, which packs (key length, concept when
# written plain + 1, concept after a descriptor + 1) into one 64-bit integer: an int-valued automaton
# (STORE_INTS, values of 32 bits) holds no Python object per key: it loads 3x faster than one of tuples.
_LEN_BITS, _IDX_BITS = 12, 24
_LEN_MASK, _IDX_MASK = (1 << _LEN_BITS) - 1, (1 << _IDX_BITS) - 1
_DESCRIBED_SHIFT = _LEN_BITS + _IDX_BITS


def _pack(length: int, plain: int, described: int) -> int:
    if length > _LEN_MASK or max(plain, described) + 1 > _IDX_MASK:
        raise ValueError(f"lexicon key of {length} characters or concept {max(plain, described)}: too large")
    return length | (plain + 1) << _LEN_BITS | (described + 1) << (_LEN_BITS + _IDX_BITS)


class _ConceptTable(Sequence[Concept]):
    """The concepts of a cached lexicon, made on first use: unpickling 20,000 frozen dataclasses cost
    more than the rest of a cold start's set-up, and a report uses a few hundred of them."""

    __slots__ = ("_made", "_rows")

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._rows, self._made = rows, list[Concept | None]([None]) * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        c = self._made[i]
        if c is None:
            c = self._made[i] = Concept(*self._rows[i])
        return c


def _row(c: Concept) -> tuple[Any, ...]:
    return (c.domain, c.id, c.display, c.cls, c.codings, c.unit, c.category)


@dataclass
class Lexicon:
    """All domains' concepts in one automaton; ``match`` returns the longest non-overlapping matches."""

    concepts: Sequence[Concept] = field(default_factory=list)
    _automaton: Any = None
    _values: array[int] = field(default_factory=lambda: array("q"))
    descriptors: Any = None  # compiled pattern of words that must precede descriptor-only keys
    # one-word drug names of NEAR_MIN letters or more, and every form with one letter deleted -> concept
    # (-1 when two drugs share the form): a drug name misspelt by one letter is still that drug
    near_terms: dict[str, int] = field(default_factory=dict)
    near_deletions: Mapping[str, int] = field(default_factory=dict)
    near_words: frozenset[str] = frozenset()  # the lexicons' own words, never read as misspellings
    _reading: Reading | None = None  # the document being read (see ``reading``)
    _near_seen: dict[str, int] = field(default_factory=dict)  # near_drug's answers (concept or -1)
    _priority: dict[int, int] = field(default_factory=dict)  # concept -> its domain's priority

    @classmethod
    def load(
        cls, store: MappingStore, domains: Iterable[str] = DOMAINS, *, piecewise: bool = False
    ) -> Lexicon:
        """The compiled lexicon, from the user cache when the lexicon files and this module are unchanged
        (building the automaton from several megabytes of terms costs most of a cold start); ``piecewise``
        reads it only as far as the texts need (one document: lexicon_cache.PiecewiseAutomaton)."""
        wanted = tuple(sorted(set(domains)))
        # key: this code, how terms are spelt out, the files (read when their stamps change), the cache
        here, folder = Path(__file__), user_cache_dir() / "lexicons"
        parts: list[bytes | Traversable] = [here, here.with_name("variants.py"), repr(wanted).encode()]
        for name in store.names("lexicons"):
            parts += [name.encode() + b"\0", store.source(name)]
        parts += [here.with_name("lexicon_cache.py"), here.with_name("lexicon_sorted.py")]
        path = folder / f"{stamped_digest(parts, folder)[:32]}.pickle"
        cached = read_cache(path, piecewise=piecewise)
        if cached is not None:
            lex = cls(concepts=_ConceptTable(cached.rows))
            lex._automaton, lex._values = cached.automaton, cached.values
            # the misspelt-drug index is part of the lexicon: a cached lexicon without it would read
            # "sevofluorane" differently from a freshly built one
            lex.near_terms, lex.near_deletions, lex.near_words = cached.near
            return lex
        lex = cls._build(store, wanted)
        near = (lex.near_terms, lex.near_deletions, lex.near_words)
        write_cache(path, [_row(c) for c in lex.concepts], lex._automaton, lex._values, near)
        return lex

    @classmethod
    def _build(cls, store: MappingStore, domains: Iterable[str]) -> Lexicon:
        concepts: list[Concept] = []
        lex = cls(concepts=concepts)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        values = lex._values
        keys: dict[str, list[int]] = {}
        described: dict[str, list[int]] = {}
        wanted = set(domains)
        files = [(name, store.load(name)) for name in store.names("lexicons")]

        def order(item: tuple[str, dict[str, Any]]) -> tuple[int, bool, str]:
            name, data = item
            domain = str(data.get("domain"))
            rank = DOMAINS.index(domain) if domain in DOMAINS else len(DOMAINS)
            return rank, name != f"lexicons/{domain}", name

        # every lexicon file of a domain counts: the main one first, then curated additions
        for _, data in sorted(files, key=order):
            domain = str(data.get("domain"))
            if domain not in wanted:
                continue
            for c in data["concepts"]:
                idx = len(concepts)
                concepts.append(
                    Concept(
                        domain=domain,
                        id=c["id"],
                        display=c.get("display") or c["terms"][0],
                        cls=c.get("class", ""),
                        codings=tuple(
                            (x["system"], x["code"], x.get("display", "")) for x in c.get("codings", [])
                        ),
                        unit=c.get("unit"),
                        category=c.get("category"),
                    )
                )
                for term in c["terms"]:
                    for v in variants(term):
                        bucket = keys.setdefault(v, [])
                        if idx not in bucket:
                            bucket.append(idx)
                    for v in descriptor_variants(term):
                        described.setdefault(v, []).append(idx)
        for key in [k for k in keys if " and " in k or " or " in k]:
            # "nausea and vomiting": two findings when both halves are terms of their own
            parts = key.replace(" or ", " and ").split(" and ")
            if all(p in keys for p in parts):
                del keys[key]
        # value: (length, concept when written plain or -1, concept when after a descriptor or -1)
        for key, idxs in keys.items():
            best = sorted(idxs, key=lambda i: (_PRIORITY.get(concepts[i].domain, 9), i))
            automaton.add_word(key, len(values))
            values.append(_pack(len(key), best[0], described[key][0] if key in described else -1))
        for key, idxs in described.items():
            if key not in keys:
                automaton.add_word(key, len(values))
                values.append(_pack(len(key), -1, idxs[0]))
        automaton.make_automaton()
        lex._automaton = automaton
        lex._index_near_drugs(keys)
        return lex

    def _index_near_drugs(self, keys: dict[str, list[int]]) -> None:
        near_deletions: dict[str, int] = {}
        self.near_deletions = near_deletions
        for key, idxs in sorted(keys.items()):
            best = sorted(idxs, key=lambda i: (_PRIORITY.get(self.concepts[i].domain, 9), i))[0]
            if self.concepts[best].domain != "drugs" or len(key) < NEAR_MIN or not key.isalpha():
                continue
            self.near_terms[key] = best
            for form in deletions(key):
                old = near_deletions.get(form, best)
                near_deletions[form] = best if old == best else -1
        # a word of another domain is never a misspelt drug
        self.near_words = frozenset(k for k in keys if k.isalpha() and len(k) >= NEAR_MIN - 1)

    def near_drug(self, word: str) -> Concept | None:
        """The drug a word not in any lexicon misspells by one letter (a letter added, lost, changed, or two
        swapped: "sevofluorane", "acenocumarol", "slidenafil"), or None when no drug or several are that
        close. Remembered per word: the same long words recur in every report."""
        if len(word) < NEAR_MIN or word in self.near_words:
            return None
        idx = self._near_seen.get(word)
        if idx is None:
            idx = self._near_index(word)
            if len(self._near_seen) > 50_000:  # bounded, whatever the input
                self._near_seen.clear()
            self._near_seen[word] = idx
        return self.concepts[idx] if idx >= 0 else None

    def _near_index(self, word: str, prune: bool = True) -> int:
        """The concept ``near_drug`` gives ``word`` (-1 for none): its one-letter deletions and the word
        looked up among the drugs' names and deletions. Exactly pruned: where no drug's deletion starts as
        the word does, only deletions inside that start can be one (or a name: it has such a deletion);
        a form whose start no deletion has (SortedIntMap.starts, a set) is neither, and not bisected."""
        terms, dels = self.near_terms, self.near_deletions
        known = dels.starts(_NEAR_START) if prune and isinstance(dels, SortedIntMap) else None
        has_prefix = getattr(dels, "has_prefix", None) if prune and len(word) > _NEAR_START else None
        if known is not None:
            whole = word[:_NEAR_START] in known
        else:
            whole = has_prefix is None or has_prefix(word[:_NEAR_START])
        forms = deletions(word) if whole else {word[:i] + word[i + 1 :] for i in range(_NEAR_START)}
        found = {dels.get(word, -2)} if whole else set()
        for form in forms:
            if known is None or form[:_NEAR_START] in known:
                found.add(terms.get(form, -2))
                found.add(dels.get(form, -2))
        found.discard(-2)
        return found.pop() if len(found) == 1 else -1

    def match(self, text: str, folded: str, start: int, end: int) -> list[Match]:
        """The longest non-overlapping matches in ``text[start:end]``. While a document is read, a range
        inside one of its sections is answered from that section's reading (see ``lexicon_reading``)."""
        doc = self._reading
        if doc is not None and doc.folded is folded and (i := doc.section_of(start, end)) >= 0:
            sec = doc.sections[i]
            if sec is None:
                start_i, end_i = doc.starts[i], doc.ends[i]
                hits = self._scan(folded, start_i, end_i)
                decoded = self._decode_all(text, folded, start_i, *hits)
                sec = SectionReading(start_i, end_i, hits, decoded, self._longest_first, self._make_all)
                doc.sections[i] = sec
            kept, cands = sec.match(text, folded, start, end, self._decode, self._longest_first)
            if kept is not None:
                return kept
        else:
            ends, values = self._scan(folded, start, end)
            cands = []
            for e, value in zip(ends, values, strict=True):
                s = e - (value & _LEN_MASK)
                if s >= start and (c := self._decode(text, folded, start, s, e, value)) is not None:
                    cands.append(c)
        return self._make_all(self._longest_first(cands, start, end))

    def _decode_all(
        self, text: str, folded: str, start: int, ends: array[int], values: array[int]
    ) -> tuple[list[int], list[tuple[int, int, int] | None], list[int]]:
        """Each hit's start, its candidate when the range read starts at ``start`` (``_decode``, with the
        common case inline: a plain key of five or more characters at a word start), and the starts of
        the descriptor-only keys."""
        raw: list[int] = []
        cands: list[tuple[int, int, int] | None] = []
        described: list[int] = []
        decode = self._decode
        for e, value in zip(ends, values, strict=True):
            s = e - (value & _LEN_MASK)
            raw.append(s)
            if s < start:
                cands.append(None)
            elif value >> _DESCRIBED_SHIFT:
                described.append(s)
                cands.append(decode(text, folded, start, s, e, value))
            elif e - s > 4 and not (s > 0 and folded[s - 1].isalnum()):
                cands.append((s, e, (value >> _LEN_BITS & _IDX_MASK) - 1))
            else:
                cands.append(decode(text, folded, start, s, e, value))
        return raw, cands, described

    def _make_all(self, cands: list[tuple[int, int, int]]) -> list[Match]:
        """The matches of resolved candidates (start, end, concept index), made in one call."""
        concept = self.concepts.__getitem__
        return [Match(s, e, concept(i)) for s, e, i in cands]

    def _decode(
        self, text: str, folded: str, start: int, s: int, e: int, value: int
    ) -> tuple[int, int, int] | None:
        """The candidate a key found at ``[s, e)`` makes when the range read starts at ``start``."""
        idx = (value >> _LEN_BITS & _IDX_MASK) - 1
        described = (value >> (_LEN_BITS + _IDX_BITS)) - 1
        if described >= 0 and (descriptors := self.descriptors) is not None:
            dm = descriptors.search(folded, max(start, s - DESCRIBED_REACH), s)
            if dm is not None and not folded[dm.end() : s].strip():
                s, idx = dm.start(), described
        if idx < 0:
            return None
        if s > 0 and folded[s - 1].isalnum():
            return None
        # Short terms (abbreviations) only when written with capitals: "CT" yes, "ct" in prose no;
        # condition abbreviations all in capitals ("PH" is not "pH", "TEN" is not "Ten"); their
        # plurals too ("WBCs" yes, "pads" and "pets" in prose no).
        # (a term with a digit, such as "p63", is an identifier and never a prose word)
        if e - s <= 4:  # (longer surfaces are never short terms)
            surface = text[s:e]
            if e - s == 4 and surface[-1] in "sS" and folded[s : e - 1] in self._automaton:
                surface = surface[:-1]  # the plural of a three-letter term
            if (
                len(surface) <= 3
                and not any(ch.isdigit() for ch in surface)
                and (
                    surface.islower() or (self.concepts[idx].domain == "conditions" and not surface.isupper())
                )
            ):
                return None
        return s, e, idx

    def _scan(self, folded: str, start: int, end: int) -> tuple[array[int], array[int]]:
        """(end, packed value) of the keys in ``folded[start:end]`` ending at a word end, in automaton order.
        A slice: ``iter(folded, start, end)`` copies the whole string on every call (quadratic)."""
        values = self._values
        n = len(folded)
        ends, found = array("q"), array("q")  # (arrays: a 20 MB report has a million hits)
        for last, key in self._automaton.iter(folded[start:end]):
            e = start + last + 1
            if e < n and folded[e].isalnum():
                continue  # inside a word: most hits end here, before any other work
            ends.append(e)
            found.append(values[key])
        return ends, found

    @contextmanager
    def reading(self, folded: str, ranges: Iterable[tuple[int, int]]) -> Iterator[None]:
        """While a document is read, each of ``ranges`` (its sections) is scanned, decoded and resolved
        once, on first need, and every match inside it reuses that reading (with the same result)."""
        kept: list[tuple[int, int]] = []
        for s, e in sorted(r for r in ranges if r[1] > r[0]):  # of overlapping ranges, the first
            if not kept or s >= kept[-1][1]:
                kept.append((s, e))
        prev = self._reading
        self._reading = Reading(folded, [s for s, _ in kept], [e for _, e in kept])
        try:
            yield
        finally:
            self._reading = prev

    def _longest_first(
        self, cands: list[tuple[int, int, int]], start: int, end: int
    ) -> list[tuple[int, int, int]]:
        """Longest matches win, then domain priority, then the earlier one: sort once, then sweep with a
        character occupancy map, so resolving n overlapping matches costs O(n log n + their length)."""
        prio = self._priority
        # plain tuples sorted as they are (no key function): the place last, so ties keep the given order
        order: list[tuple[int, int, int, int]] = []
        for i, (s, e, idx) in enumerate(cands):
            p = prio.get(idx)
            if p is None:
                p = prio[idx] = _PRIORITY.get(self.concepts[idx].domain, 9)
            order.append((s - e, p, s, i))
        order.sort()
        taken = bytearray(end - start)
        kept: list[tuple[int, int, int]] = []
        for neg, _, s, i in order:
            a = s - start
            if taken.find(1, a, a - neg) >= 0:
                continue
            taken[a : a - neg] = b"\x01" * -neg
            kept.append(cands[i])
        kept.sort(key=_START)
        return kept
