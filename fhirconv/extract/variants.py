"""Spelling variants of lexicon terms: plural (English, Latin and Greek), British/American, organ
adjective/noun pairs, nominalised inversions, the forms written after a descriptor, and one-letter
deletions for misspelt drug names.

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
    (r"penia\b", "paenia"),
    (r"penia\b", "poenia"),
    (r"rrhea\b", "rrhoea"),
    (r"pnea\b", "pnoea"),
    (r"(?<!o)edema", "oedema"),
    (r"esthe", "aesthe"),
    (r"cesarean", "caesarean"),
    (r"behavior", "behaviour"),
]
_BRITISH = [(re.compile(a), re.sub(r"\\b|\(\?<!\w\)", "", a), b) for a, b in _BRITISH_RULES]


NEAR_MIN = 8  # letters a drug name needs before a one-letter slip is read as that drug


def deletions(word: str) -> set[str]:
    """Every form of ``word`` with one letter deleted."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# Latin and Greek plurals of clinical nouns: "thrombus" -> "thrombi", "bulla" -> "bullae", "varix" ->
# "varices", "diverticulum" -> "diverticula", "carcinoma" -> "carcinomata" (besides the English plural).
# A feminine "-a" only after l or r ("fistulae", "vertebrae"): "influenzae" names a bacterium.
_LATIN_PLURALS: tuple[tuple[str, str], ...] = (
    ("us", "i"),
    ("um", "a"),
    ("ula", "ulae"),
    ("lla", "llae"),
    ("ra", "rae"),
    ("ix", "ices"),
    ("ex", "ices"),
    ("oma", "omata"),
)
# endings of adjectives that have no Latin plural ("nervous")
_NOT_LATIN = ("ous",)


def _plural(term: str) -> list[str]:
    words = term.split(" ")
    last = words[-1]
    if len(last) < 3 or not last.isalpha():
        return []
    latin = [
        last[: -len(sg)] + pl
        for sg, pl in _LATIN_PLURALS
        if last.endswith(sg) and len(last) >= len(sg) + 2 and not last.endswith(_NOT_LATIN)
    ]
    return [" ".join([*words[:-1], f]) for f in (*_english_plural(last), *latin)]


def _english_plural(last: str) -> list[str]:
    if last.endswith(("s", "x", "z", "ch", "sh")):
        forms = [last + "es"] if not last.endswith("s") else []
    elif last.endswith("y") and last[-2] not in "aeiou":
        forms = [last[:-1] + "ies"]
    elif last.endswith("is"):
        forms = [last[:-2] + "es"]
    else:
        forms = [last + "s"]
    return forms


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


# Organ adjectives and the nouns clinicians write for the same organ: "renal failure" is also "kidney
# failure", "liver abscess" also "hepatic abscess". Swapped only before the last word (the head stays).
_ORGAN_PAIRS = (
    ("hepatic", "liver"),
    ("renal", "kidney"),
    ("pulmonary", "lung"),
    ("cardiac", "heart"),
    ("cerebral", "brain"),
    ("gastric", "stomach"),
    ("splenic", "spleen"),
    ("intestinal", "bowel"),
    ("colonic", "colon"),
    ("ocular", "eye"),
    ("cutaneous", "skin"),
    ("osseous", "bone"),
    ("pancreatic", "pancreas"),
    ("uterine", "uterus"),
    ("ovarian", "ovary"),
    ("testicular", "testis"),
    ("mammary", "breast"),
    ("dental", "tooth"),
    ("nasal", "nose"),
    ("vesical", "bladder"),
)
_ORGAN_SWAP = {a: b for a, b in _ORGAN_PAIRS} | {b: a for a, b in _ORGAN_PAIRS}


def _organ_forms(base: str) -> list[str]:
    words = base.split(" ")
    return [
        " ".join([*words[:i], _ORGAN_SWAP[w], *words[i + 1 :]])
        for i, w in enumerate(words[:-1])
        if w in _ORGAN_SWAP
    ]


def _difficulty_forms(base: str) -> list[str]:
    """ "difficulty swallowing" is also written "difficulty in swallowing" and "difficulty with ..."."""
    words = base.split(" ")
    if len(words) < 2 or words[0] not in ("difficulty", "difficulties") or not words[1].endswith("ing"):
        return []
    rest = " ".join(words[1:])
    return [f"{words[0]} in {rest}", f"{words[0]} with {rest}"]


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
    out.update(_organ_forms(base))
    out.update(_difficulty_forms(base))
    if inversions:
        out.update(_inversions(base))
    for t in list(out):
        out.update(_plural(t))
    return {t for t in out if t}
