"""Helpers shared by the readers: decoding, hashing, and turning typed block runs into Sections."""

from __future__ import annotations

import codecs
import hashlib

from ..chars import fhir_safe, looks_binary
from ..errors import InputError, MalformedInputError
from ..model import Section, SectionType
from ._layout import Typed

__all__ = ["checked_text", "decode_text", "sections_from_runs", "sha256", "strip_bom"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], encoding
    return data, None


def decode_text(data: bytes, name: str, *, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode as BOM says, else UTF-8, else the declared 8-bit charset, else cp1252, else latin-1.

    Real case-report files are often Latin-1/cp1252 without saying so; rather than fail we fall back
    and leave a warning, so nothing is lost and the user can see the guess.
    """
    warnings: list[str] = []
    body, bom = strip_bom(data)
    if bom is not None:
        try:
            return checked_text(body.decode(bom), name), bom, warnings
        except UnicodeDecodeError as exc:
            raise MalformedInputError(
                f"byte order mark says {bom} but byte {exc.start} is not valid {bom}", source=name
            ) from exc
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if declared and declared not in ("utf-8", "ascii") and not body.isascii():
            warnings.append(f"declared charset {declared} but the bytes are valid UTF-8; read as UTF-8")
        return checked_text(text, name), "utf-8", warnings
    candidates = [c for c in (declared, "cp1252", "latin-1") if c and c not in ("utf-8", "ascii")]
    for encoding in dict.fromkeys(candidates):
        try:
            text = body.decode(encoding)
        except (UnicodeError, LookupError):  # also codecs that exist but cannot decode ("undefined")
            continue
        warnings.append(f"not valid UTF-8 (first bad byte at offset {first_bad}); decoded as {encoding}")
        return checked_text(text, name), encoding, warnings
    raise MalformedInputError("bytes could not be decoded", source=name)  # pragma: no cover - latin-1 total


def checked_text(text: str, name: str) -> str:
    """Decoded text made safe for FHIR (same length), or an input error when it is a binary file."""
    if "\x00" in text or looks_binary(text):
        raise MalformedInputError(
            "control characters throughout: this looks like a binary file, not a report", source=name
        )
    return fhir_safe(text)


def check_not_empty(text: str, name: str) -> None:
    if not text.strip():
        raise InputError("input is empty (no text to read)", source=name)


def sections_from_runs(spans: list[tuple[int, int]], typed: list[Typed]) -> tuple[Section, ...]:
    """One Section per run of blocks sharing a section number, from the first block's start to the
    last block's end (blank lines between runs stay uncovered)."""
    sections: list[Section] = []
    run_start = 0
    for i in range(1, len(typed) + 1):
        if i == len(typed) or typed[i].section != typed[run_start].section:
            t = typed[run_start]
            sections.append(Section(t.type, spans[run_start][0], spans[i - 1][1], t.title))
            run_start = i
    return tuple(sections)


def first_title(sections: tuple[Section, ...], text: str) -> str | None:
    for s in sections:
        if s.type is SectionType.TITLE:
            return " ".join(text[s.start : s.end].split())
    return None
