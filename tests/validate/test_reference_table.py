"""The input's urn:uuid table (``references.urn_table``): the compiled walk leaves out the Reference sites
it proves good, and the reports are what recording every site gives.

Each input is validated twice with the default chain: with the table (as the gate runs) and with the
walk given no table (every site recorded, judged by ``ReferenceChecker.check_root`` as before). The two
reports must be equal issue for issue, the sites recorded with the table must be those without it less
some References, and each Reference left out must be one the exact path (``_check_ref`` with the
bundle's own tables) has nothing to say about. Inputs: hand-written bundles with every kind of
reference, the converted samples and broken copies of them, and (with ../shared) the 527 official
examples, the fhir-test-cases JSON inputs and every bundle converted from both dev corpora.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from support import broken_reference_copies, minimal_observation, require_shared

from fhirconv.validate import compiled, default_chain, validate_json
from fhirconv.validate.chain import resource_list
from fhirconv.validate.references import NO_URNS, ReferenceChecker, reference_guard, urn_table
from fhirconv.validate.structure import Site, WalkCache

_CONTAINED = re.compile(r"^(.*)\.contained\[\d+\]$")


def _references() -> ReferenceChecker:
    found = [c for c in default_chain().checkers if isinstance(c, ReferenceChecker)]
    assert found
    return found[0]


@contextmanager
def _no_table() -> Iterator[None]:
    """The walk given no table: every Reference site recorded (as before the table)."""

    def none(ctx: Any, cache: WalkCache | None) -> Any:
        if cache is not None:
            cache.urns = None
        return NO_URNS

    saved = compiled.urn_table
    compiled.urn_table = none  # type: ignore[assignment]
    try:
        yield
    finally:
        compiled.urn_table = saved  # type: ignore[assignment]


def _sites(data: Any) -> tuple[list[Any], dict[str, list[Site]]]:
    cache = _references().cache
    cache.sites.clear()
    issues = validate_json(data).issues
    return issues, {loc: list(sites) for loc, sites in cache.sites.items()}


def _exact_path_silent(data: dict[str, Any], location: str, site: Site) -> bool:
    """``_check_ref`` on the site, with the tables the bundle pass makes of ``data``: no issue."""
    chain = default_chain()
    checker = ReferenceChecker(WalkCache())
    known = chain.definitions.resource_types()
    by_url: dict[str, Any] = {}
    entry_base: dict[str, str] = {}
    checker._bundle_type = data.get("type") if data.get("resourceType") == "Bundle" else None
    if data.get("resourceType") == "Bundle":
        checker._bundle(data, by_url, entry_base, known, {})
    located = {loc: res for res, loc in resource_list(data, str(data.get("resourceType")))}
    m = _CONTAINED.match(location)
    container = located.get(m.group(1), located[location]) if m else located[location]
    found = checker._check_ref(
        site.value, site.location, site, container, by_url, entry_base, location, known
    )
    return found == []


def both_ways(data: Any) -> int:
    """Validate ``data`` with and without the table; assert the same report and that every site left out
    is a Reference the exact path passes. The number of sites left out."""
    validate_json(data)  # (lint's systems found good, which its site guard reads, as in both runs below)
    fast, fast_sites = _sites(data)
    with _no_table():
        slow, slow_sites = _sites(data)
    assert fast == slow
    assert set(fast_sites) == set(slow_sites)
    left_out = 0
    for location, every in slow_sites.items():
        kept = iter(fast_sites[location])
        nxt = next(kept, None)
        for site in every:
            if nxt is not None and nxt.location == site.location and nxt.value is site.value:
                assert nxt.type == site.type and nxt.element is site.element
                nxt = next(kept, None)
                continue
            assert site.type == "Reference", site
            assert _exact_path_silent(data, location, site), site
            left_out += 1
        assert nxt is None  # (the sites kept are those recorded without the table, in order)
    return left_out


# -- hand-written bundles ---------------------------------------------------------------------------------

_P, _O, _D, _F, _X = (f"urn:uuid:00000000-0000-4000-8000-00000000000{i}" for i in range(1, 6))


def _derived(ref: Any) -> dict[str, Any]:
    """The converter's derivation-reference extension shape, holding ``ref`` as its valueReference."""
    return {
        "url": "http://hl7.org/fhir/StructureDefinition/derivation-reference",
        "extension": [
            {"url": "reference", "valueReference": ref},
            {"url": "path", "valueString": "Observation.code"},
            {"url": "offset", "valueInteger": 3},
            {"url": "length", "valueInteger": 4},
        ],
    }


def _kinds() -> list[Any]:
    """References of every kind, each in an entry of a bundle whose fullUrls are distinct urn:uuids (the
    table's case), plus bundles where no table is made."""
    refs: list[Any] = [
        {"reference": _P},  # the commonest: allowed type
        {"reference": _D},  # a DocumentReference where a Patient/Group/... is asked: wrong type
        {"reference": _X},  # no such entry
        {"reference": _P, "type": "Patient"},
        {"reference": _P, "type": "Group"},
        {"reference": _P, "type": None},
        {"reference": _P, "display": "the patient"},
        {"reference": _F},  # an entry whose resourceType is no R4 type
        {"reference": "Patient/p1"},
        {"reference": "Patient/p1/_history/2"},
        {"reference": "Foo/x"},
        {"reference": "http://example.org/fhir/Patient/p1"},
        {"reference": "#c1"},
        {"reference": "#"},
        {"reference": "#none"},
        {"reference": "urn:oid:1.2.3"},
        {"identifier": {"system": "http://x.org", "value": "1"}},
        {"display": "display only"},
        {"reference": 7},
        {"reference": [_P]},
        _P,  # no object
    ]
    entries: list[dict[str, Any]] = [
        {"fullUrl": _P, "resource": {"resourceType": "Patient", "id": "p1"}},
        {
            "fullUrl": _D,
            "resource": {
                "resourceType": "DocumentReference",
                "status": "current",
                "content": [{"attachment": {"contentType": "text/plain"}}],
            },
        },
        {"fullUrl": _F, "resource": {"resourceType": "Foo"}},
    ]
    for i, ref in enumerate(refs):
        entries.append(
            {
                "fullUrl": f"urn:uuid:10000000-0000-4000-8000-{i:012d}",
                "resource": minimal_observation(
                    ref,
                    focus=[ref, {"reference": _D}],  # (Reference(Any))
                    performer=[{"reference": _P}, ref],
                    extension=[_derived(ref), _derived({"reference": _D})],
                    # (a contained resource no reference names is an error: the walk hands it over)
                    **(
                        {"contained": [{"resourceType": "Patient", "id": "c1"}]}
                        if ref == {"reference": "#c1"}
                        else {}
                    ),
                ),
            }
        )
    # a contained resource with references of its own
    entries.append(
        {
            "fullUrl": "urn:uuid:20000000-0000-4000-8000-000000000001",
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"},
                "subject": {"reference": "#c2"},
                "contained": [minimal_observation({"reference": _P}, id="c2", focus=[{"reference": _D}])],
            },
        }
    )
    out: list[Any] = []
    for btype in ("collection", "document", "transaction", "batch", "message"):
        bundle: dict[str, Any] = {"resourceType": "Bundle", "type": btype, "entry": copy.deepcopy(entries)}
        if btype in ("transaction", "batch"):
            for e in bundle["entry"]:
                e["request"] = {"method": "POST", "url": e["resource"]["resourceType"]}
        out.append(bundle)
    # no table: a RESTful fullUrl, a duplicate urn:uuid, a missing request, no fullUrl, entries no list
    rest = copy.deepcopy(out[0])
    rest["entry"][0]["fullUrl"] = "http://a.org/fhir/Patient/p1"
    dup = copy.deepcopy(out[0])
    dup["entry"][-1]["fullUrl"] = _P
    norequest = copy.deepcopy(out[2])
    del norequest["entry"][-1]["request"]
    nourl = copy.deepcopy(out[0])
    del nourl["entry"][1]["fullUrl"]
    out += [rest, dup, norequest, nourl, {"resourceType": "Bundle", "type": "collection", "entry": 3}]
    out += [
        minimal_observation({"reference": _P}),
        minimal_observation({"reference": "Patient/p1"}),
    ]  # standalone resources
    return out


def test_every_reference_kind_both_ways() -> None:
    left_out = sum(both_ways(data) for data in _kinds())
    assert left_out >= 5 * 40  # the commonest reference, per bundle type, in the elements and the extensions


def test_no_table_for_other_inputs() -> None:
    ctx = type("Ctx", (), {})()
    ctx.definitions = default_chain().definitions
    for data in _kinds()[5:]:
        ctx.root = data
        assert urn_table(ctx, WalkCache()) is NO_URNS
    ctx.root = _kinds()[0]
    cache = WalkCache()
    table = urn_table(ctx, cache)
    assert table[_P] == "Patient" and _F not in table and cache.urns is not None


def test_reference_guard_is_check_roots_first_test() -> None:
    """The recorded-site test, as source, against check_root's own first test written plainly."""
    urn = {_P: "Patient", _D: "DocumentReference"}
    x = type("X", (), {"urn": urn})()
    values: list[dict[str, Any]] = [
        {"reference": _P},
        {"reference": _D},
        {"reference": _X},
        {"reference": _P, "type": "Patient"},
        {"reference": _P, "display": "d"},
        {"reference": 7},
        {"display": "d"},
        {"reference": "Patient/p1"},
    ]
    for targets in [(), ("Patient", "Group"), ("Resource",), ("DocumentReference",), ("Group",)]:
        guard = compile(reference_guard(targets), "<guard>", "eval")
        for y in values:
            rtype = urn.get(y["reference"]) if "type" not in y and type(y.get("reference")) is str else None
            passed = rtype is not None and (not targets or rtype in targets or "Resource" in targets)
            assert eval(guard, {"X": x, "y": y}) is (not passed), (targets, y)


# -- converted bundles -------------------------------------------------------------------------------------


def _converted_samples() -> list[dict[str, Any]]:
    from fhirconv.pipeline import Converter, ConvertOptions

    conv = Converter(ConvertOptions(gate="model"))
    samples = sorted(p for p in (Path(__file__).parents[2] / "samples").iterdir() if p.suffix == ".txt")
    return [conv.convert(conv.read_path(p)) for p in samples]


def test_converted_samples_and_broken_copies_both_ways() -> None:
    left_out = 0
    for bundle in _converted_samples():
        left_out += both_ways(bundle)
        for data in broken_reference_copies(bundle, extensions=True):
            both_ways(data)
    assert left_out > 100  # (nearly every reference of a converted bundle)


# -- shared inputs -----------------------------------------------------------------------------------------


def _differential() -> Any:
    sys.path.insert(0, str(Path(__file__).parents[1]))
    import differential

    return differential


def test_official_examples_both_ways() -> None:
    shared = require_shared("fhir-r4", "examples").parents[1]
    examples = _differential().official_examples(shared)
    assert len(examples) > 500
    for _name, data in examples:
        both_ways(data)


def test_fhir_test_cases_both_ways() -> None:
    shared = require_shared("fhir-test-cases").parent
    files = _differential().validator_case_files(shared)
    assert files
    n = 0
    for path in files:
        try:
            data = json.loads(path.read_bytes())
        except ValueError:
            continue
        both_ways(data)
        n += 1
    assert n > 50


@pytest.mark.slow
def test_converted_dev_bundles_both_ways() -> None:
    shared = require_shared("corpora").parent
    left_out = n = 0
    for _name, bundle in _differential().converted_bundles(shared):
        left_out += both_ways(bundle)
        n += 1
    assert n > 150 and left_out > 100 * n  # (the conversions that succeed: 175 of 230)
