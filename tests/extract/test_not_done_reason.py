"""A procedure not done says why only when the text does (issue 8 class 1): one sentence of our own each."""

from __future__ import annotations

from typing import Any

from support import bundle_of, resources


def _proc(text: str, word: str) -> list[dict[str, Any]]:
    return [r for r in resources(bundle_of(text), "Procedure") if word in r["code"]["text"].lower()]


def test_not_done_with_a_stated_reason_carries_it() -> None:
    (p,) = _proc(
        "A 45-year-old woman had gallstones. Cholecystectomy was not performed because of severe "
        "thrombocytopenia.",
        "cholecystectomy",
    )
    assert p["status"] == "not-done"
    assert p["statusReason"]["text"] == "because of severe thrombocytopenia"


def test_not_done_without_a_reason_has_no_status_reason() -> None:
    (p,) = _proc("A 45-year-old woman had gallstones. Cholecystectomy was not performed.", "cholecystectomy")
    assert p["status"] == "not-done" and "statusReason" not in p


def test_a_reason_before_the_procedure_is_not_taken() -> None:
    (p,) = _proc(
        "A 45-year-old woman had gallstones. Because of pain she was admitted and cholecystectomy was not "
        "performed.",
        "cholecystectomy",
    )
    assert p["status"] == "not-done" and "statusReason" not in p
