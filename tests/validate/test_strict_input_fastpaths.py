"""The ``fhirconv validate`` input path's shortcuts decide as the long way does.

- ``strictjson``: a text that cannot hold a lone surrogate is checked for depth only
  (``_check_depth``); on any JSON text, the error (or none) is the one the full walk gives;
- ``_looks_ndjson`` reads the first three non-blank lines instead of splitting the whole file;
- ``_real_key`` resolves each folder once, and a symlinked file on its own, like ``Path.resolve``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirconv import strictjson
from fhirconv.errors import MalformedInputError
from fhirconv.validate import _looks_ndjson, _real_key


def _outcome(text: str | bytes) -> str | None:
    try:
        strictjson.loads(text, "t")
    except MalformedInputError as exc:
        return exc.message
    return None


def _long_way(text: str | bytes) -> str | None:
    """strictjson.loads with the full walk on every value (as before the shortcut)."""
    saved = strictjson._surrogates_possible
    strictjson._surrogates_possible = lambda _text: True
    try:
        return _outcome(text)
    finally:
        strictjson._surrogates_possible = saved


def _short_way(text: str | bytes) -> str | None:
    return _outcome(text)


_PIECES = st.sampled_from(
    [
        '"a"',
        '"\\ud800"',
        '"\\uD83D\\uDE00"',
        '"\\\\ud800"',
        '"\\udc00x"',
        "1",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"k"',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_surrogate_and_depth_verdicts_agree(pieces: list[str]) -> None:
    text = "".join(pieces)
    for form in (text, text.encode("utf-8", "surrogatepass")):
        assert _short_way(form) == _long_way(form), form


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('{"a": "\\ud800"}', True),
        ('{"\\udfff": 1}', True),
        (b'{"a": "\xed\xa0\x80"}', True),
        ('{"a": "\ud800"}', True),
        ("[" * 101 + "]" * 101, True),
        ('{"a": ' + "[" * 100 + "]" * 100 + "}", True),
        ("[" * 100 + "]" * 100, False),
        ('"plain"', False),
        ("5", False),
        ('{"a": "\\ud83d\\ude00"}', False),
        ('{"a": "\\\\ud800"}', False),
    ],
)
def test_written_cases_agree(text: str | bytes, refused: bool) -> None:
    forms: list[str | bytes] = [text]
    if isinstance(text, str) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        forms.append(text.encode("utf-8"))
    for form in forms:
        assert _short_way(form) == _long_way(form), form
        assert (_short_way(form) is not None) == refused, form


def _ndjson_long_way(data: bytes) -> bool:
    lines = [ln for ln in data.strip().splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    return all(ln.lstrip().startswith(b"{") and ln.rstrip().endswith(b"}") for ln in lines[:3])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"{", b"}", b"x", b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x0b", b"\x0c"]), max_size=25
    )
)
def test_ndjson_sniffing_agrees(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert _looks_ndjson(data) == _ndjson_long_way(data)


def test_real_key_is_resolve(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.json").write_text("{}")
    (real / "b.json").write_text("{}")
    os.symlink(real, tmp_path / "linked")
    os.symlink(real / "a.json", real / "alias.json")
    paths: list[Any] = [
        real / "a.json",
        tmp_path / "linked" / "a.json",
        real / "alias.json",
        tmp_path / "linked" / "alias.json",
        real / "missing.json",
        tmp_path / "linked" / ".." / "real" / "b.json",
        real / ".",
        Path("relative.json"),
    ]
    folders: dict[Path, Path] = {}
    for p in paths:
        assert _real_key(p, folders) == str(p.resolve()), p
    assert len({_real_key(p, folders) for p in paths[:4]}) == 1  # the same file four ways
