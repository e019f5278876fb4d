"""Issue 11: ids come from the document's identity and each fact's content and sentence, so a BOM, CRLF
line endings, re-wrapped lines or an edited sentence elsewhere keep the other facts' ids."""

from __future__ import annotations

from support import converter

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
    longer = _ids(REPORT.replace("\n\n", "\n\nThe case was seen in a rural clinic.\n", 1).encode())
    for label in ("Condition:hypertension", "MedicationAdministration:aspirin"):
        assert longer[label] == base[label]


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
