"""Spelling variants of lexicon terms: plural, British/American, nominalised inversions, the forms
written after a descriptor, and one-letter deletions for misspelt drug names.

Kept apart from the matcher (``lexicon.py``) because they decide which keys the automaton holds; the
lexicon cache key includes this file, so a change here rebuilds cached lexicons.
"""

from __future__ import annotations

import re

from .text import fold

__all__ = ["NEAR_MIN", "deletions", "descriptor_variants", "variants"]

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


NEAR_MIN = 8  # letters a drug name needs before a one-letter slip is read as that drug


def deletions(word: str) -> set[str]:
    """Every form of ``word`` with one letter deleted."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


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
