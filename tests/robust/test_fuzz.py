"""Issue 11, acceptance 1: a fuzz suite over text, HTML, JATS, BioC and bundles.

Every generated input must end in a bundle or an input error (exit 3): no other exception, no error of
the internal class (exit 6), no case over 10 s, and never a partial output file. Hypothesis runs
derandomised (a fixed seed) with a bounded number of examples per format (about 2,400 in all, a few
minutes on two cores); ``FHIRCONV_FUZZ_SCALE`` multiplies them for a longer local run.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import converter

from fhirconv.errors import EXIT_INPUT, FhirconvError
from fhirconv.fhir import dumps_json
from fhirconv.model import DocumentFormat
from fhirconv.readers import read_bytes

SCALE = float(os.environ.get("FHIRCONV_FUZZ_SCALE", "1"))
CASE_SECONDS = 10


def _settings(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        derandomize=True,  # a fixed seed: the same cases on every run and in CI
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


@contextmanager
def _no_hang() -> Iterator[None]:
    def alarm(*_: object) -> None:
        raise TimeoutError(f"a single fuzz case ran over {CASE_SECONDS} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(CASE_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _convert(data: bytes, name: str, fmt: DocumentFormat | None = None) -> None:
    """Convert through the full gate; only a bundle or an input error is an acceptable end."""
    with _no_hang():
        try:
            bundle = converter().convert(read_bytes(data, name, format=fmt))
        except FhirconvError as exc:
            assert exc.exit_code == EXIT_INPUT, f"{type(exc).__name__} (exit {exc.exit_code}): {exc}"
            return
    dumps_json(bundle)  # serialisable, no NaN/Infinity
    assert bundle["resourceType"] == "Bundle" and bundle["entry"]


WORDS = [
    "fever",
    "cough",
    "pain",
    "aspirin",
    "mg",
    "mg/dL",
    "mmol/L",
    "was",
    "given",
    "no",
    "denied",
    "history",
    "of",
    "diabetes",
    "years",
    "days",
    "for",
    "ago",
    "she",
    "he",
    "patient",
    "CT",
    "MRI",
    "showed",
    "normal",
    "elevated",
    "blood",
    "pressure",
    "120/80",
    "mmHg",
    "°C",
    "38.5",
    "1,000",
    "×10⁹/L",
    "Case",
    "report",
    "Discussion",
    "References",
    "Abstract",
    "(",
    ")",
    ".",
    ",",
    ";",
    ":",
    "-",
    "/",
    "e.g.",
    "Dr.",
    "i.v.",
    "3000",
    "9" * 40,
    "1e999",
    "NaN",
    "\u200a",
    "\u00a0",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1f",
    "\ufeff",
    "\ufffe",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "😀",
    "<",
    ">",
    "&",
    '"',
    "'",
]
_pieces = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["x", " ", ".", "\n", "(", "a.", "fever "]), st.integers(20, 600)
    ),
)
prose = st.lists(_pieces, max_size=40).map(" ".join)


@_settings(700)
@given(prose)
def test_fuzz_text(text: str) -> None:
    _convert(text.encode("utf-8", "surrogatepass"), "fuzz.txt", DocumentFormat.TEXT)


@_settings(200)
@given(st.binary(max_size=3000))
def test_fuzz_bytes_sniffed(data: bytes) -> None:
    _convert(data, "fuzz.dat")


CHARSETS = ["utf-8", "undefined", "latin-1", "x-bogus", "rot13", "utf-16", "windows-1252", "hex", ""]
TAGS = ["p", "h1", "h2", "div", "span", "script", "style", "nav", "table", "td", "br", "b", "sup"]


@st.composite
def html_docs(draw: Callable[..., Any]) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    parts = [f'<html><head><meta charset="{charset}"><title>{draw(prose)}</title></head><body>']
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(st.sampled_from(TAGS))
        body = draw(prose)
        body = escape(body) if draw(st.booleans()) else body
        close = f"</{tag}>" if draw(st.booleans()) else ""
        parts.append(f"<{tag}>{body}{close}")
    parts.append("</body></html>")
    raw = "".join(parts).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        raw += draw(st.binary(max_size=20))
    return raw


@_settings(450)
@given(html_docs())
def test_fuzz_html(data: bytes) -> None:
    _convert(data, "fuzz.html", DocumentFormat.HTML)


@st.composite
def jats_docs(draw: Callable[..., Any]) -> bytes:
    def t() -> str:
        s = draw(prose)
        return escape(s) if draw(st.integers(0, 4)) else s  # sometimes unescaped: malformed XML

    secs = "".join(
        f'<sec sec-type="{draw(st.sampled_from(["cases", "intro", "discussion", "", "x"]))}"><title>{t()}</title><p>{t()}</p></sec>'
        for _ in range(draw(st.integers(0, 5)))
    )
    pmid = draw(
        st.sampled_from(
            [
                "",
                '<article-id pub-id-type="pmid">12345</article-id>',
                '<article-id pub-id-type="doi">10.1/x</article-id>',
            ]
        )
    )
    return (
        f'<?xml version="1.0"?><article><front><article-meta>{pmid}<title-group><article-title>{t()}'
        f"</article-title></title-group></article-meta></front><body>{secs}</body></article>"
    ).encode("utf-8", "surrogatepass")


@_settings(350)
@given(jats_docs())
def test_fuzz_jats(data: bytes) -> None:
    _convert(data, "fuzz.nxml", DocumentFormat.JATS)


@st.composite
def bioc_docs(draw: Callable[..., Any]) -> bytes:
    passages = "".join(
        f'<passage><infon key="type">{draw(st.sampled_from(["title", "abstract", "paragraph", "ref", "x"]))}</infon>'
        f"<offset>{draw(st.integers(-5, 10**6))}</offset><text>{escape(draw(prose))}</text></passage>"
        for _ in range(draw(st.integers(0, 6)))
    )
    return (
        f'<?xml version="1.0"?><collection><source>fuzz</source><document><id>1</id>{passages}'
        "</document></collection>"
    ).encode("utf-8", "surrogatepass")


@_settings(350)
@given(bioc_docs())
def test_fuzz_bioc(data: bytes) -> None:
    _convert(data, "fuzz.bioc.xml", DocumentFormat.BIOC)


# ------------------------------------------------------------------------------------------ bundles
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@st.composite
def bundle_texts(draw: Callable[..., Any]) -> str:
    base: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": draw(st.sampled_from(["transaction", "collection", "batch", "searchset"])),
        "entry": [],
    }
    for _ in range(draw(st.integers(0, 4))):
        resource = {"resourceType": draw(st.sampled_from(["Patient", "Observation", "Condition", "X", ""]))}
        resource.update(
            draw(
                st.dictionaries(
                    st.sampled_from(
                        [
                            "id",
                            "status",
                            "code",
                            "subject",
                            "valueQuantity",
                            "extension",
                            "identifier",
                            "meta",
                        ]
                    ),
                    json_values,
                    max_size=4,
                )
            )
        )
        entry: dict[str, Any] = {"resource": resource}
        if draw(st.booleans()):
            entry["fullUrl"] = draw(st.sampled_from(["urn:uuid:1", "urn:uuid:2", "Patient/1", ""]))
        if draw(st.booleans()):
            entry["request"] = draw(json_values)
        base["entry"].append(entry)
    text = json.dumps(base)
    mutation = draw(st.sampled_from(["none", "nan", "deep", "surrogate", "truncate", "dup"]))
    if mutation == "nan":
        text = text.replace('"resourceType": "Bundle"', '"resourceType": "Bundle", "x": NaN', 1)
    elif mutation == "deep":
        n = draw(st.integers(50, 3000))
        text = text[:-1] + ', "deep": ' + "[" * n + "]" * n + "}"
    elif mutation == "surrogate":
        text = text[:-1] + ', "s": "\\ud83d"}'
    elif mutation == "truncate":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    elif mutation == "dup":
        text = text[:-1] + ', "type": "collection"}'
    return text


@_settings(400)
@given(bundle_texts())
def test_fuzz_bundles_validate_and_plan(text: str) -> None:
    from fhirconv import strictjson
    from fhirconv.upload import Uploader
    from fhirconv.validate import validate_text

    with _no_hang():
        reports = validate_text(text, "fuzz.json")
        assert reports
        try:
            bundle = strictjson.loads(text, "fuzz.json")
            if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
                return
            Uploader(None).dry_run(bundle, source="fuzz.json")
        except FhirconvError as exc:
            assert exc.exit_code in (EXIT_INPUT, 4), f"{type(exc).__name__} (exit {exc.exit_code}): {exc}"


# --------------------------------------------------------------------------- CLI: no partial output
@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary",
        b"A 30-year-old man had a fever for 3000 years and sodium 1e999 mmol/L.\x01\n",
        b'<html><head><meta charset="undefined"></head><body><p>Fi\xe8vre.</p></body></html>',
        b"<article><body><p>unclosed",
    ],
)
def test_cli_writes_a_whole_bundle_or_nothing(tmp_path: Path, data: bytes) -> None:
    from typer.testing import CliRunner

    from fhirconv.cli.app import app

    src = tmp_path / "in.txt"
    src.write_bytes(data)
    out = tmp_path / "out.json"
    r = CliRunner().invoke(app, ["convert", str(src), "-o", str(out)])
    assert r.exit_code in (0, 3), r.output
    assert "Traceback" not in r.output
    if r.exit_code == 0:
        assert json.loads(out.read_text())["resourceType"] == "Bundle"
    else:
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("in.txt", "out.json")] == []
