"""The compiled lexicon is cached by content: a second load reads the cache, a changed lexicon does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirconv.extract.lexicon import Lexicon
from fhirconv.extract.text import fold
from fhirconv.mapping import MappingStore

TEXT = "She had vertigo and a zzqxitis."


def _spans(lex: Lexicon) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.concept.id) for m in lex.match(TEXT, fold(TEXT), 0, len(TEXT))]


def test_cache_hit_and_invalidation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path / "cache"))
    first = Lexicon.load(MappingStore(), domains=("conditions",))
    files = list((tmp_path / "cache" / "lexicons").glob("*.pickle"))
    assert len(files) == 1
    again = Lexicon.load(MappingStore(), domains=("conditions",))
    assert _spans(again) == _spans(first)
    assert not any("zzqx" in s[2] for s in _spans(first))

    overlay = tmp_path / "overlay" / "lexicons"
    overlay.mkdir(parents=True)
    extra = {
        "schema": "lexicon",
        "version": "1.0.0",
        "description": "test",
        "source": "test",
        "licence": "CC0-1.0",
        "domain": "conditions",
        "concepts": [
            {
                "id": "test:zzqx",
                "display": "Zzqxitis",
                "class": "disease",
                "terms": ["zzqxitis"],
                "codings": [],
            }
        ],
    }
    (overlay / "extra.json").write_text(json.dumps(extra))
    changed = Lexicon.load(MappingStore(tmp_path / "overlay"), domains=("conditions",))
    assert any(s[2] == "test:zzqx" for s in _spans(changed))
    assert len(list((tmp_path / "cache" / "lexicons").glob("*.pickle"))) == 2
