"""Issue 11: any report up to the documented limit converts; its text is stored in parts."""

from __future__ import annotations

import base64

from guards import finishes

from fhirconv.fhir import source_text
from fhirconv.fhir.bundle import PART_BYTES, text_parts
from fhirconv.pipeline import Converter, ConvertOptions
from fhirconv.readers import read_bytes


def test_parts_are_bounded_and_join_to_the_text() -> None:
    text = ("Él tenía fiebre; 体温 39 °C.\n" * 1000) + "x" * 5000 + "é" * 3000
    parts = text_parts(text, limit=4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert b"".join(parts).decode("utf-8") == text
    for p in parts:
        p.decode("utf-8")  # never cut inside a character


def test_small_report_keeps_one_part() -> None:
    assert len(text_parts("She had a fever.\n")) == 1


def _convert(text: str) -> tuple[int, int, str, list[tuple[int, int, str]], str]:
    bundle = Converter(ConvertOptions()).convert(read_bytes(text.encode("utf-8"), "big.txt"))
    docref = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference"
    )
    full = source_text(docref)
    spans = []
    for e in bundle["entry"]:
        for ext in e["resource"].get("extension", []):
            sub = {x["url"]: x for x in ext.get("extension", [])}
            if "offset" in sub:
                off, length = sub["offset"]["valueInteger"], sub["length"]["valueInteger"]
                spans.append((off, length, e["resource"]["resourceType"]))
    sizes = [
        len(base64.b64decode(c["attachment"]["data"])) for c in docref["content"] if "data" in c["attachment"]
    ]
    return len(sizes), max(sizes), full, spans, text


def test_report_over_one_megabyte_converts_with_offsets_into_the_joined_parts() -> None:
    facts = "A 40-year-old man presented with fever and cough. He was given paracetamol 1 g orally.\n\n"
    filler = "The family travelled by train and stayed with friends near the lake for the summer.\n\n"
    text = facts + filler * (1_100_000 // len(filler)) + facts.replace("fever", "a rash")
    n, biggest, full, spans, original = finishes(lambda: _convert(text), seconds=120)
    assert n >= 2 and biggest <= PART_BYTES
    assert full == original
    assert spans
    for off, length, _ in spans:
        assert full[off : off + length].strip()
    found = {full[o : o + n_].lower() for o, n_, t in spans if t == "Condition"}
    assert {"fever", "rash"} <= found  # the second one lies in the last part
