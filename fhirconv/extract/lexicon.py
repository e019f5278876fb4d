"""Dictionary matching over folded text with Aho-Corasick (pyahocorasick).

Lexicon terms come from ``mappings/lexicons/<domain>.json``. Each term is indexed with its spelling
variants (plural, British/American, hyphen/space, which folding already unifies) so the lexicon
files can stay one entry per surface form an editor would write.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from ..mapping import MappingStore, user_cache_dir
from .text import fold

__all__ = ["DOMAINS", "AliasIndex", "Concept", "Lexicon", "Match"]

DOMAINS = ("tests", "drugs", "procedures", "conditions")
# When two domains claim the very same words, the earlier one wins (a test name is not a symptom).
_PRIORITY = {d: i for i, d in enumerate(DOMAINS)}

# American -> British spellings, applied to lexicon terms (the lexicons are mostly American). Each rule
# carries the literal it needs, so the regex only runs on the few terms that contain it.
_BRITISH_RULES = [
    (r"\bhem", "haem"),
    (r"emia\b", "aemia"),
    (r"\besophag", "oesophag"),
    (r"\bedema", "oedema"),
    (r"tumor", "tumour"),
    (r"ization", "isation"),
    (r"ize\b", "ise"),
    (r"\bpedia", "paedia"),
    (r"\bleuk", "leuc"),
    (r"diarrhea", "diarrhoea"),
    (r"\bfet", "foet"),
    (r"ischem", "ischaem"),
    (r"\bestrog", "oestrog"),
    (r"orthoped", "orthopaed"),
    (r"gynecol", "gynaecol"),
    (r"color", "colour"),
    (r"center", "centre"),
    (r"anemia", "anaemia"),
    (r"leukemia", "leukaemia"),
    (r"hemorrhag", "haemorrhag"),
    (r"dyspnea", "dyspnoea"),
    (r"apnea", "apnoea"),
    (r"celiac", "coeliac"),
    (r"cecum", "caecum"),
    (r"\bsulfa", "sulpha"),
    (r"ameba", "amoeba"),
]
_BRITISH = [(re.compile(a), a.replace("\\b", ""), b) for a, b in _BRITISH_RULES]


@dataclass(frozen=True, slots=True)
class Concept:
    domain: str
    id: str
    display: str
    cls: str
    codings: tuple[tuple[str, str, str], ...]
    unit: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    concept: Concept
    expansion: str | None = None  # long form, when the match is an abbreviation the document defined


def _plural(term: str) -> list[str]:
    words = term.split(" ")
    last = words[-1]
    if len(last) < 3 or not last.isalpha():
        return []
    if last.endswith(("s", "x", "z", "ch", "sh")):
        forms = [last + "es"] if not last.endswith("s") else []
    elif last.endswith("y") and last[-2] not in "aeiou":
        forms = [last[:-1] + "ies"]
    elif last.endswith("is"):
        forms = [last[:-2] + "es"]
    else:
        forms = [last + "s"]
    return [" ".join([*words[:-1], f]) for f in forms]


def _inversions(base: str) -> list[str]:
    """ "unsteady gait" -> "gait unsteadiness": the nominalised form clinicians also write."""
    words = base.split(" ")
    if len(words) != 2 or not all(w.isalpha() for w in words):
        return []
    adj, noun = words
    if adj.endswith("y") and len(adj) > 4:
        return [f"{noun} {adj[:-1]}iness"]
    if adj.endswith(("ous", "ful", "less", "ive")) or adj in {
        "weak",
        "stiff",
        "numb",
        "dry",
        "tight",
        "dull",
        "tender",
    }:
        return [f"{noun} {adj}ness"]
    return []


def descriptor_variants(term: str) -> set[str]:
    """ "abnormal eye movement" -> "eye movement", valid only after a descriptor ("coarse eye movements")."""
    base = " ".join(fold(term).split())
    for prefix in ("abnormality of the ", "abnormality of ", "abnormal "):
        if base.startswith(prefix) and len(base) > len(prefix) + 3:
            return variants(base[len(prefix) :], inversions=False)
    return set()


def variants(term: str, *, inversions: bool = True) -> set[str]:
    base = " ".join(fold(term).split())
    out = {base}
    for pattern, literal, repl in _BRITISH:
        if literal not in base:
            continue
        for t in list(out):
            v = pattern.sub(repl, t)
            if v != t:
                out.add(v)
    if inversions:
        out.update(_inversions(base))
    for t in list(out):
        out.update(_plural(t))
    return {t for t in out if t}


@dataclass
class Lexicon:
    """All domains' concepts in one automaton; ``match`` returns the longest non-overlapping matches."""

    concepts: list[Concept] = field(default_factory=list)
    _automaton: Any = None
    descriptors: Any = None  # compiled pattern of words that must precede descriptor-only keys

    @classmethod
    def load(cls, store: MappingStore, domains: Iterable[str] = DOMAINS) -> Lexicon:
        """The compiled lexicon, from the user cache when the lexicon files and this module are unchanged
        (building the automaton from several megabytes of terms costs most of a cold start)."""
        wanted = tuple(sorted(set(domains)))
        names = store.names("lexicons")
        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(repr(wanted).encode())
        for name in names:
            digest.update(name.encode() + b"\0" + store.raw(name))
        path = user_cache_dir() / "lexicons" / f"{digest.hexdigest()[:32]}.pickle"
        try:
            cached = pickle.loads(path.read_bytes())
            if isinstance(cached, cls):
                return cached
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            pass
        lex = cls._build(store, wanted)
        try:  # a cache that cannot be written (read-only home) only costs speed
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(lex, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError:
            pass
        return lex

    @classmethod
    def _build(cls, store: MappingStore, domains: Iterable[str]) -> Lexicon:
        lex = cls()
        automaton = ahocorasick.Automaton()
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
                idx = len(lex.concepts)
                lex.concepts.append(
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
            best = sorted(idxs, key=lambda i: (_PRIORITY.get(lex.concepts[i].domain, 9), i))
            automaton.add_word(key, (len(key), best[0], described[key][0] if key in described else -1))
        for key, idxs in described.items():
            if key not in keys:
                automaton.add_word(key, (len(key), -1, idxs[0]))
        automaton.make_automaton()
        lex._automaton = automaton
        return lex

    def match(self, text: str, folded: str, start: int, end: int) -> list[Match]:
        cands: list[tuple[int, int, int]] = []
        # a slice, not iter(folded, start, end): pyahocorasick copies the whole string on every call,
        # which made matching sentence by sentence quadratic in the document
        for last, (length, plain, described) in self._automaton.iter(folded[start:end]):
            s, e = start + last - length + 1, start + last + 1
            idx = plain
            if described >= 0 and self.descriptors is not None:
                dm = self.descriptors.search(folded, max(start, s - 25), s)
                if dm is not None and not folded[dm.end() : s].strip():
                    s, idx = dm.start(), described
            if idx < 0:
                continue
            if s > 0 and folded[s - 1].isalnum():
                continue
            if e < len(folded) and folded[e].isalnum():
                continue
            surface = text[s:e]
            # Short terms (abbreviations) only when written with capitals: "CT" yes, "ct" in prose no;
            # condition abbreviations all in capitals ("PH" is not "pH", "TEN" is not "Ten"); their
            # plurals too ("WBCs" yes, "pads" and "pets" in prose no).
            # (a term with a digit, such as "p63", is an identifier and never a prose word)
            if e - s == 4 and surface[-1] in "sS" and folded[s : e - 1] in self._automaton:
                surface = surface[:-1]  # the plural of a three-letter term
            if (
                len(surface) <= 3
                and not any(ch.isdigit() for ch in surface)
                and (
                    surface.islower() or (self.concepts[idx].domain == "conditions" and not surface.isupper())
                )
            ):
                continue
            cands.append((s, e, idx))
        return [Match(s, e, self.concepts[idx]) for s, e, idx in self._longest_first(cands, start, end)]

    def _longest_first(
        self, cands: list[tuple[int, int, int]], start: int, end: int
    ) -> list[tuple[int, int, int]]:
        """Longest matches win, then domain priority, then the earlier one: sort once, then sweep with a
        character occupancy map, so resolving n overlapping matches costs O(n log n + their length)."""
        cands.sort(key=lambda c: (-(c[1] - c[0]), _PRIORITY.get(self.concepts[c[2]].domain, 9), c[0]))
        taken = bytearray(end - start)
        kept: list[tuple[int, int, int]] = []
        for s, e, idx in cands:
            if taken.find(1, s - start, e - start) >= 0:
                continue
            taken[s - start : e - start] = b"\x01" * (e - s)
            kept.append((s, e, idx))
        kept.sort(key=lambda c: c[0])
        return kept


class AliasIndex(dict[str, tuple[Concept, str]]):
    """Abbreviations a document defines ("syndrome (OMS)"), matched with one automaton built once per
    document instead of one regex per abbreviation per sentence (which cost aliases x sentences)."""

    _automaton: Any = None

    @classmethod
    def of(cls, aliases: dict[str, tuple[Concept, str]]) -> AliasIndex:
        return aliases if isinstance(aliases, AliasIndex) else cls(aliases)

    def _build(self) -> Any:
        automaton = ahocorasick.Automaton()
        for abbr in self:
            # a space inside an abbreviation is optional ("IG G" is also written "IGG")
            parts = abbr.split(" ")
            forms = [
                "".join(p + j for p, j in zip(parts, (*joins, ""), strict=True))
                for joins in itertools.product((" ", ""), repeat=len(parts) - 1)
            ]
            for form in forms:
                if form and form not in automaton:
                    automaton.add_word(form, (len(form), abbr))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def match(self, text: str, start: int, end: int) -> list[Match]:
        """Every whole-token occurrence of a defined abbreviation in ``text[start:end]``."""
        if not self:
            return []
        if self._automaton is None:
            self._automaton = self._build()
        out: list[Match] = []
        for last, (length, abbr) in self._automaton.iter(text[start:end]):
            s, e = start + last - length + 1, start + last + 1
            if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_-"):
                continue
            if e < len(text) and (text[e].isalnum() or text[e] in "_-"):
                continue
            concept, long_form = self[abbr]
            out.append(Match(s, e, concept, long_form))
        out.sort(key=lambda m: m.start)
        return out
