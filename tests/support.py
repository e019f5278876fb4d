"""Helpers importable from any test module (``from support import require_shared``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FHIRCONV_SHARED", str(REPO.parent / "shared"))).resolve()
SAMPLES = REPO / "samples"
T = TypeVar("T")
# a program that runs the command line as the installed script does, then reports on stderr whether
# Typer was imported (the direct convert/validate paths must not import it)
TYPER_PROBE = (
    "import sys\n"
    "from fhirconv.cli.app import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    sys.stderr.write(f'TYPER={\"typer\" in sys.modules}\\n')\n"
)


def require_shared(*parts: str) -> Path:
    """Path inside ../shared, or skip (fail under FHIRCONV_REQUIRE_SHARED=1) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        msg = f"needs shared data {path} (absent; set FHIRCONV_SHARED or place ../shared)"
        if os.environ.get("FHIRCONV_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and FHIRCONV_REQUIRE_SHARED=1", pytrace=False)
        pytest.skip(msg)
    return path


def shared_json_files() -> list[Path]:
    """Every JSON file of ../shared's official examples and validator test cases, in a fixed order
    (or skip/fail as ``require_shared``); more than 500 of them, so a test over them cannot pass on none."""
    files = [
        p
        for folder in (require_shared("fhir-r4"), require_shared("fhir-test-cases"))
        for p in sorted(folder.rglob("*.json"))
    ]
    assert len(files) > 500, len(files)
    return files


@lru_cache(maxsize=1)
def report_long_words() -> tuple[str, ...]:
    """The distinct folded words of 8 letters or more of both dev corpora and the sample texts, sorted
    (or skip/fail as ``require_shared``): the words a misspelt-drug lookup is asked about."""
    import re

    from fhirconv.readers import read_bytes
    from fhirconv.text import fold

    long_word = re.compile(r"[a-z]{8,}")
    files = sorted(require_shared("corpora", "maccrobat2020", "dev").glob("*.txt"))
    files += sorted(require_shared("corpora", "e3c-en-layer1", "dev").glob("*.txt"))
    files += sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix == ".txt")
    words: set[str] = set()
    for f in files:
        words |= set(long_word.findall(fold(read_bytes(f.read_bytes(), f.name).text)))
    return tuple(sorted(words))


def sentence_contexts(ex: Any, doc: Any, keep: Callable[[Any, Any], T]) -> list[T]:
    """``keep(sentence, context)`` for each patient sentence of ``doc`` and its shared context, as
    ``Extractor.extract`` builds them (``ex`` an Extractor: the per-document readings set up, then
    ``_context`` per sentence); ``keep`` runs as each context is made, before the next one."""
    from fhirconv.text import fold

    folded = fold(doc.text)
    ex.triggers.read(folded)
    try:
        with ex.lexicon.reading(folded, [(sec.start, sec.end) for sec in doc.sections]):
            sentences = ex.attributor.patient_sentences(doc, folded)
            aliases = ex.mentions.aliases(doc, folded)
            return [
                keep(s, ex._context(doc.text, folded, i, s.start, s.end, aliases))
                for i, s in enumerate(sentences)
            ]
    finally:
        ex.triggers.done()


@lru_cache(maxsize=1)
def converter() -> Any:
    """One converter (compiled mappings) for the whole test session."""
    from fhirconv.pipeline import Converter, ConvertOptions

    return Converter(ConvertOptions())


def facts_of(text: str) -> Any:
    """Extraction for a one-paragraph narrative written in a test."""
    from fhirconv.readers import read_bytes

    doc = read_bytes(text.encode("utf-8"), "sentence.txt")
    return converter().extract(doc)


def bundle_of(text: str) -> dict[str, Any]:
    from fhirconv.readers import read_bytes

    doc = read_bytes(text.encode("utf-8"), "sentence.txt")
    result: dict[str, Any] = converter().convert(doc)
    return result


def resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def minimal_observation(subject: Any, **extra: Any) -> dict[str, Any]:
    """The smallest valid Observation about ``subject`` (a Reference object), with ``extra`` elements:
    the validator tests' carrier for a reference."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
        "subject": subject,
        **extra,
    }


def broken_reference_copies(bundle: dict[str, Any], extensions: bool = False) -> list[dict[str, Any]]:
    """Copies of a converted bundle whose references go wrong in each way a fast reference path must hand
    over to the exact one: to an entry of a type the element does not allow, to no entry, with a
    Reference.type, to an entry whose resourceType is no R4 type, a fullUrl used twice; with
    ``extensions``, also every derivation extension's valueReference pointed at the patient (a
    remembered extension verdict's replayed site)."""
    import copy

    entries = bundle["entry"]
    patient = next(e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Patient")
    other = next(e["fullUrl"] for e in entries if e["resource"]["resourceType"] not in ("Patient", "Group"))
    out = []
    for change in ("other", "missing", "typed", "no-type", "twice", "extension")[: 6 if extensions else 5]:
        data = copy.deepcopy(bundle)
        for e in data["entry"]:
            res = e["resource"]
            if change == "extension":
                for ext in res.get("extension", []):
                    for sub in ext.get("extension", []):
                        if "valueReference" in sub:
                            sub["valueReference"]["reference"] = patient
            subject = res.get("subject")
            if not isinstance(subject, dict) or subject.get("reference") != patient:
                continue
            if change == "other":
                subject["reference"] = other
            elif change == "missing":
                subject["reference"] = "urn:uuid:00000000-0000-4000-8000-00000000dead"
            elif change == "typed":
                subject["type"] = "Group"
        if change == "no-type":
            next(e for e in data["entry"] if e["fullUrl"] == patient)["resource"]["resourceType"] = "Patiente"
        if change == "twice":
            data["entry"][-1]["fullUrl"] = patient
        out.append(data)
    return out


def require_spark(pathling: bool = False) -> None:
    """Skip when pyspark (or Pathling) is not installed, unless FHIRCONV_REQUIRE_SPARK is set (CI sets it):
    then the Spark tests must run, and a missing package fails them."""
    import importlib.util

    missing = [
        m for m in ("pyspark", *(("pathling",) if pathling else ())) if importlib.util.find_spec(m) is None
    ]
    if missing:
        msg = f"needs {', '.join(missing)} (pip install -e '.[spark]')"
        if os.environ.get("FHIRCONV_REQUIRE_SPARK"):
            pytest.fail(msg + " and FHIRCONV_REQUIRE_SPARK is set", pytrace=False)
        pytest.skip(msg)
