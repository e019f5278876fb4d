"""Issue 11: ids come from the document's identity and each fact's content and sentence, so a BOM, CRLF
line endings, re-wrapped lines or an edited sentence elsewhere keep the other facts' ids."""

from __future__ import annotations

from dataclasses import replace

from support import converter

from fhirconv.fhir.bundle import document_identity
from fhirconv.fhir.ids import DOCUMENT_TAG_SYSTEM
from fhirconv.readers import read_bytes

REPORT = (
    "Chest pain in a hypertensive woman\n\n"
    "A 58-year-old woman presented with chest pain and dyspnea.\n"
    "She had a history of hypertension.\n\n"
    "Her heart rate was 104 beats per minute. Troponin was elevated.\n"
    "She was given aspirin 300 mg orally and the pain resolved.\n"
)


def _ids(data: bytes, name: str = "r.txt") -> dict[str, str]:
    bundle = converter().convert(read_bytes(data, name))
    out: dict[str, str] = {}
    for e in bundle["entry"]:
        r = e["resource"]
        label = (
            r["resourceType"]
            + ":"
            + (r.get("code") or r.get("medicationCodeableConcept") or {}).get("text", "")
        )
        out[label] = e["fullUrl"]
    return out


def test_bom_crlf_and_rewrapping_keep_every_id() -> None:
    base = _ids(REPORT.encode())
    variant = "\ufeff" + REPORT.replace("\n", "\r\n").replace("chest pain and", "chest pain  and")
    assert _ids(variant.encode("utf-8"), "other-name.txt") == base


def test_an_edited_sentence_changes_only_its_own_facts() -> None:
    base = _ids(REPORT.encode())
    edited = _ids(REPORT.replace("Troponin was elevated.", "Troponin was elevated at admission.").encode())
    kept = {k for k in base if k in edited and base[k] == edited[k]}
    assert any(k.startswith("Condition:") for k in kept)
    assert any(k.startswith("MedicationAdministration:") for k in kept)
    changed = {k for k in base if edited.get(k) != base[k]}
    # the document itself, its provenance and the facts of the edited sentence may change
    assert all(
        k.split(":")[0]
        in {"DocumentReference", "Provenance", "Observation", "Patient", "Encounter", "Device", "Condition"}
        for k in changed
    )
    assert base["Condition:hypertension"] == edited["Condition:hypertension"]


def test_added_sentence_before_keeps_later_ids() -> None:
    base = _ids(REPORT.encode())
    # after the opening words that identify a titled report (see the tests below)
    longer = _ids(
        REPORT.replace("Her heart rate", "The case was seen in a rural clinic. Her heart rate").encode()
    )
    for label in ("Condition:hypertension", "MedicationAdministration:aspirin"):
        assert longer[label] == base[label]


def _tag(data: bytes, name: str = "r.txt") -> str:
    bundle = converter().convert(read_bytes(data, name))
    tags = bundle["entry"][0]["resource"]["meta"]["tag"]
    return str(next(t["code"] for t in tags if t["system"] == DOCUMENT_TAG_SYSTEM))


def test_two_different_reports_with_the_same_title_are_two_documents() -> None:
    other = (
        "Chest pain in a hypertensive woman\n\n"
        "An 81-year-old woman with a long history of hypertension was brought in with chest pain.\n"
        "She had a history of hypertension.\n\n"
        "Her heart rate was 104 beats per minute. Troponin was elevated.\n"
        "She was given aspirin 300 mg orally and the pain resolved.\n"
    )
    assert _tag(other.encode()) != _tag(REPORT.encode())
    a, b = _ids(REPORT.encode()), _ids(other.encode())
    assert a and not set(a.values()) & set(b.values())  # not one id shared, so no upload replaces the other


def test_the_same_title_and_text_by_other_authors_is_another_document() -> None:
    doc = read_bytes(REPORT.encode(), "r.txt")
    assert doc.metadata.title  # the identity below is the titled kind
    by_a = replace(doc, metadata=replace(doc.metadata, authors=("Ada Smith",), journal="J Case Rep"))
    by_b = replace(doc, metadata=replace(doc.metadata, authors=("Bo Jones",), journal="J Case Rep"))
    assert len({document_identity(doc), document_identity(by_a), document_identity(by_b)}) == 3


def test_an_edit_after_the_opening_keeps_the_document_one_inside_it_does_not() -> None:
    base = _tag(REPORT.encode())
    variant = "\ufeff" + REPORT.replace("\n", "\r\n").replace(
        "Troponin was elevated.", "She also had a cough."
    )
    assert _tag(variant.encode("utf-8"), "renamed.txt") == base
    assert _tag(REPORT.replace("presented with", "was admitted with").encode()) != base  # documented limit


def test_the_same_fact_twice_in_identical_sentences_gets_two_ids() -> None:
    text = "He had a fever.\n\nHe had a fever.\n"
    bundle = converter().convert(read_bytes(text.encode(), "twice.txt"))
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))


def test_untitled_text_is_identified_by_its_normalised_words() -> None:
    text = "A 30-year-old man had a cough and a fever. He was given ibuprofen.\n"
    base = _ids(text.encode())
    assert _ids(("\ufeff" + text.replace(" a fever", " a   fever").replace("\n", "\r\n")).encode()) == base
    assert (
        _ids(text.replace("cough", "rash").encode())["MedicationAdministration:ibuprofen"]
        != base["MedicationAdministration:ibuprofen"]
    )
