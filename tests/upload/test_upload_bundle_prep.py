"""Preparing bundles for upload: collection -> transaction, chunking order, classification of answers."""

from __future__ import annotations

import pytest

from fhirconv.errors import MalformedInputError, UploadError
from fhirconv.upload import chunk_entries, classify_entry, rewrite_references, to_transaction


def _entry(name: str, refs: list[str], rtype: str = "Observation") -> dict[str, object]:
    return {
        "fullUrl": f"urn:uuid:{name}",
        "resource": {
            "resourceType": rtype,
            "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{name}"}],
            "extension": [
                {
                    "url": "x",
                    "extension": [{"url": "reference", "valueReference": {"reference": f"urn:uuid:{r}"}}],
                }
                for r in refs
            ],
        },
        "request": {"method": "POST", "url": rtype},
    }


def _names(chunks: list[list[dict[str, object]]]) -> list[list[str]]:
    return [[str(e["fullUrl"]).removeprefix("urn:uuid:") for e in c] for c in chunks]


def test_chunks_put_targets_first_and_keep_cycles_together() -> None:
    # p <-> d is a cycle; c and o refer to p and d; prov refers to all.
    entries = [
        _entry("prov", ["p", "d", "c", "o"]),
        _entry("c", ["p", "d"]),
        _entry("p", ["d"]),
        _entry("d", ["p"]),
        _entry("o", ["p"]),
    ]
    chunks = _names(chunk_entries(entries, 2))
    assert all(len(c) <= 2 for c in chunks)
    seen: set[str] = set()
    deps = {"prov": {"p", "d", "c", "o"}, "c": {"p", "d"}, "p": {"d"}, "d": {"p"}, "o": {"p"}}
    for chunk in chunks:
        here = set(chunk)
        for name in chunk:
            assert deps[name] <= seen | here, f"{name} sent before its targets: {chunks}"
        seen |= here
    assert ["p", "d"] in chunks or ["d", "p"] in chunks
    assert seen == set(deps)


def test_small_bundle_is_one_chunk_in_original_order() -> None:
    entries = [_entry("a", ["b"]), _entry("b", [])]
    assert chunk_entries(entries, 10) == [entries]


def test_cycle_larger_than_chunk_is_refused() -> None:
    entries = [_entry("a", ["b"]), _entry("b", ["c"]), _entry("c", ["a"])]
    with pytest.raises(UploadError, match="cycle"):
        chunk_entries(entries, 2)


def test_rewrite_references_inside_extensions() -> None:
    entry = _entry("c", ["p"])
    assert rewrite_references(entry["resource"], {"urn:uuid:p": "Patient/7"}) == 1  # type: ignore[arg-type]
    ext = entry["resource"]["extension"][0]["extension"][0]  # type: ignore[index]
    assert ext["valueReference"]["reference"] == "Patient/7"


def test_collection_becomes_idempotent_transaction() -> None:
    collection = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:a",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:ietf:rfc:3986", "value": "urn:uuid:a"}],
                },
            },
            {
                "resource": {
                    "resourceType": "Provenance",
                    "meta": {"tag": [{"system": "urn:fhirconv:id", "code": "z"}]},
                }
            },
            {"resource": {"resourceType": "Organization", "id": "org-1"}},
        ],
    }
    tx = to_transaction(collection)
    assert tx["type"] == "transaction"
    reqs = [e["request"] for e in tx["entry"]]
    assert reqs[0] == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": "identifier=urn:ietf:rfc:3986|urn:uuid:a",
    }
    assert reqs[1] == {"method": "POST", "url": "Provenance", "ifNoneExist": "_tag=urn:fhirconv:id|z"}
    assert reqs[2] == {"method": "PUT", "url": "Organization/org-1"}
    # A made-up fullUrl is deterministic.
    assert to_transaction(collection)["entry"][1]["fullUrl"] == tx["entry"][1]["fullUrl"]
    assert tx["entry"][1]["fullUrl"].startswith("urn:uuid:")
    assert collection["type"] == "collection"  # input untouched


def test_unidentifiable_entry_is_refused() -> None:
    with pytest.raises(UploadError, match="duplicate"):
        to_transaction(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "Basic"}}],
            }
        )


def test_other_bundle_types_are_refused() -> None:
    with pytest.raises(MalformedInputError, match="searchset"):
        to_transaction({"resourceType": "Bundle", "type": "searchset"})


@pytest.mark.parametrize(
    ("method", "status", "code", "expected"),
    [
        ("POST", "201 Created", "SUCCESSFUL_CREATE_NO_CONDITIONAL_MATCH", "created"),
        ("POST", "200 OK", "SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH", "unchanged"),
        ("PUT", "200 OK", "SUCCESSFUL_UPDATE_NO_CHANGE", "unchanged"),
        ("PUT", "200 OK", "SUCCESSFUL_UPDATE", "updated"),
        ("PUT", "201 Created", "SUCCESSFUL_UPDATE_AS_CREATE", "created"),
        ("POST", "201 Created", None, "created"),
        ("POST", "200 OK", None, "unchanged"),
        ("PUT", "200 OK", None, "updated"),
    ],
)
def test_classify_entry(method: str, status: str, code: str | None, expected: str) -> None:
    response: dict[str, object] = {"status": status}
    if code:
        response["outcome"] = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "information",
                    "details": {
                        "coding": [
                            {
                                "system": "https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code",
                                "code": code,
                            }
                        ]
                    },
                }
            ],
        }
    assert classify_entry({"method": method}, response) == expected
