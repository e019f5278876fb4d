"""Issue 11: every input a user can give ends in a bundle or a one-line error with a documented exit
code; nothing FHIR forbids is copied into a resource. Inputs are written here, in the reproducers' shapes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhirconv.chars import FORBIDDEN
from fhirconv.cli.app import app
from fhirconv.errors import MalformedInputError
from fhirconv.fhir import dumps_json
from fhirconv.pipeline import Converter, ConvertOptions
from fhirconv.readers import read_bytes
from fhirconv.validate import validate_json, validate_text

runner = CliRunner()


def _bundle(data: bytes, name: str) -> dict[str, object]:
    result: dict[str, object] = Converter(ConvertOptions()).convert(read_bytes(data, name))
    return result


def _strings(node: object) -> list[str]:
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
    return out


def _clean(bundle: dict[str, object]) -> bool:
    return not any(FORBIDDEN.search(s) for s in _strings(bundle))


def test_control_characters_in_title_and_text_are_cleaned() -> None:
    text = "Rash \x02 after a hike\n\nA 12-year-old boy had a rash\x01 and\x1f a headache.\n"
    bundle = _bundle(text.encode(), "ctrl.txt")
    assert _clean(bundle)
    assert "rash" in dumps_json(bundle).lower()


def test_control_character_after_a_dropped_html_element() -> None:
    html = b"<html><body><h2>Case</h2><p>He had a cough.<style>p{}</style>\x03 and a fever.</p></body></html>"
    assert _clean(_bundle(html, "ctrl.html"))


def test_hair_space_copied_from_the_text_passes_the_gate() -> None:
    text = "A 40-year-old woman had a cough.\u200a She was given amoxicillin\u200a500 mg\u200atwice daily.\n"
    bundle = _bundle(text.encode(), "hair.txt")
    assert bundle["resourceType"] == "Bundle"


def test_fhir_regexes_use_ascii_whitespace() -> None:
    patient = {"resourceType": "Patient", "gender": "male", "name": [{"text": "Ole\u200aHansen\u2009"}]}
    assert not validate_json(patient).errors


def test_absurd_durations_and_numbers_cost_the_element_not_the_document() -> None:
    text = (
        "A 61-year-old man had hypertension for 4000 years and a cough for 12 days. "
        "His potassium was " + "7" * 350 + " mmol/L and his sodium was 1e999 mmol/L.\n"
    )
    bundle = _bundle(text.encode(), "absurd.txt")
    dumped = dumps_json(bundle)
    assert "hypertension" in dumped.lower()
    assert "7" * 30 not in dumped


def test_undefined_charset_with_a_latin1_byte() -> None:
    html = b'<html><head><meta charset="undefined"></head><body><p>Fi\xe8vre et toux chez un homme.</p></body></html>'
    assert _bundle(html, "cs.html")["resourceType"] == "Bundle"


def test_binary_without_nul_bytes_is_an_input_error() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4000))
    with pytest.raises(MalformedInputError, match="binary"):
        read_bytes(data, "blob.txt")


def test_binary_file_exits_3_on_the_command_line(tmp_path: Path) -> None:
    rng = random.Random(8)
    src = tmp_path / "blob.txt"
    src.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4000)))
    out = tmp_path / "out.json"
    r = runner.invoke(app, ["convert", str(src), "-o", str(out)])
    assert r.exit_code == 3, r.output
    assert not out.exists()
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('{"resourceType":"Patient","name":[{"text":"\\udc00x"}]}', "surrogate"),
        (
            '{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":Infinity}}',
            "Infinity",
        ),
        (
            '{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":-2e400}}',
            "too large",
        ),
        ('{"resourceType":"Patient","extension":' + "[" * 3000 + "]" * 3000 + "}", "nested deeper"),
        ('{"resourceType":"Patient","a":' + '{"b":' * 150 + "1" + "}" * 150 + "}", "nested deeper"),
        ('{"resourceType":"Patient","id":"a","id":"b"}', "duplicate"),
    ],
)
def test_validate_parses_json_strictly(doc: str, message: str) -> None:
    (report,) = validate_text(doc, "strict.json")
    assert report.errors and message in report.errors[0].message


def test_validate_cli_reports_a_lone_surrogate_without_a_traceback(tmp_path: Path) -> None:
    src = tmp_path / "s.json"
    src.write_text('{"resourceType":"Patient","name":[{"family":"\\ud9ff"}]}')
    r = runner.invoke(app, ["validate", str(src)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_upload_dry_run_on_deep_nesting_is_an_input_error(tmp_path: Path) -> None:
    deep = '{"url":"http://e","extension":[' * 250 + '{"url":"http://e","valueString":"v"}' + "]}" * 250
    src = tmp_path / "deep.json"
    src.write_text(
        '{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:1",'
        '"resource":{"resourceType":"Patient","extension":[' + deep + "]},"
        '"request":{"method":"POST","url":"Patient"}}]}'
    )
    r = runner.invoke(app, ["upload", "--dry-run", "--server", "http://127.0.0.1:9/fhir", str(src)])
    assert r.exit_code == 3, r.output
    assert "nested deeper" in r.output


def test_reference_walk_is_iterative() -> None:
    from fhirconv.upload.bundle import iter_references

    node: dict[str, object] = {"reference": "Patient/1"}
    for _ in range(20_000):
        node = {"x": [node]}
    assert [r["reference"] for r in iter_references(node)] == ["Patient/1"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--server", "http://127.0.0.1:abc/fhir"], "not a valid URL"),
        (["--server", "http://[::1/fhir"], "not a valid URL"),
        (["--server", "https://127.0.0.1:9/fhir", "--ca-cert", "/nonexistent/ca.pem"], "no such file"),
    ],
)
def test_upload_usage_errors_are_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    src = tmp_path / "b.json"
    src.write_text('{"resourceType":"Bundle","type":"transaction","entry":[]}')
    r = runner.invoke(app, ["upload", *args, str(src)])
    assert r.exit_code == 2, r.output
    assert needle in r.output and "Traceback" not in r.output


def test_a_killed_worker_fails_one_file_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fhirconv import pipeline

    monkeypatch.setattr(pipeline, "_convert_one", _dying)
    files = []
    for name in ("a.txt", "dies.txt", "c.txt", "d.txt"):
        f = tmp_path / name
        f.write_text("A 30-year-old man had a fever and a cough.\n")
        files.append(f)
    results = list(pipeline.convert_paths(files, ConvertOptions(gate="model"), jobs=2))
    assert [p.name for p, _, _ in results] == ["a.txt", "dies.txt", "c.txt", "d.txt"]
    assert [t is not None for _, t, _ in results] == [True, False, True, True]
    assert "worker process died" in str(results[1][2])


def _dying(job: tuple[str, str | None, str]) -> object:
    """A worker that is killed (as by the OOM killer) on one file (module level: it is pickled by name)."""
    import os
    import signal

    if job[0].endswith("dies.txt"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL(job)


def _real_convert_one() -> object:
    from fhirconv import pipeline

    return pipeline._convert_one


_REAL = _real_convert_one()


def test_symlinks_inside_folders_are_skipped_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret line that must not travel.\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.txt").write_text("A 50-year-old woman had a cough.\n")
    (folder / "link.txt").symlink_to(outside)
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(folder), "--out-dir", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["real.json"]
    out2 = tmp_path / "out2"
    r = runner.invoke(app, ["convert", str(folder), "--out-dir", str(out2), "--follow-symlinks"])
    assert "link.json" in {p.name for p in out2.iterdir()}


def test_stdin_is_read_with_the_size_limit(tmp_path: Path) -> None:
    data = "A 20-year-old man had a fever.\n" * 2000
    r = runner.invoke(app, ["convert", "-"], input=data, env={"FHIRCONV_MAX_INPUT_BYTES": "10000"})
    assert r.exit_code == 3, r.output
    assert "over the limit" in r.output
