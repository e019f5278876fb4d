"""Issue 11: long reports are streamed (built, gated and written a window at a time) with the same bytes
as the in-memory path, a gate that still sees every resource, and never partial output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import fhirconv.streaming as streaming
from fhirconv.cli.app import app
from fhirconv.errors import BuildError, OutputGateError
from fhirconv.fhir import bundle as bundle_module
from fhirconv.fhir import dumps
from fhirconv.fileio import SpooledText
from fhirconv.pipeline import Converter, ConvertOptions
from fhirconv.readers import read_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
REPORT = (
    "Case report. A 52-year-old woman presented with fever, cough and chest pain. Her temperature was "
    "38.9 °C and her heart rate 112 beats per minute. She had a history of hypertension treated with "
    "lisinopril 10 mg daily. Chest radiography showed pneumonia. She was given ceftriaxone 1 g "
    "intravenously and recovered. There was no rash.\n\n"
)


def _samples() -> list[Path]:
    found = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html", ".xml"))
    assert len(found) >= 3  # the comparison below must not pass on nothing
    return found


@pytest.mark.parametrize("pretty", [True, False])
@pytest.mark.parametrize("bundle_type", ["transaction", "collection"])
def test_streamed_bytes_equal_the_in_memory_bundle(bundle_type: str, pretty: bool) -> None:
    converter = Converter(ConvertOptions(gate="model", bundle_type=bundle_type))
    for path in _samples():
        doc = converter.read_path(path)
        expected = dumps(converter.convert(doc), "json", pretty=pretty)
        spooled = streaming.write_streamed(converter, doc, window=3, pretty=pretty)  # many windows
        try:
            assert spooled.read() == expected, path.name
        finally:
            spooled.discard()


def test_full_gate_passes_across_windows(definitions: Any) -> None:
    """Forward and backward references between windows (DocumentReference -> Patient, Provenance ->
    everything) resolve over the whole stream, so a valid report passes the windowed full gate."""
    converter = Converter(ConvertOptions(gate="full"))
    doc = read_bytes((REPORT * 5).encode("utf-8"), "long.txt")
    spooled = streaming.write_streamed(converter, doc, window=2)
    try:
        assert spooled.read() == dumps(converter.convert(doc), "json")
    finally:
        spooled.discard()


def _entry(url: str, ref: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient", "gender": "female"}
    if ref is not None:
        resource["link"] = [{"other": {"reference": ref}, "type": "seealso"}]
    return {"fullUrl": url, "resource": resource, "request": {"method": "POST", "url": "Patient"}}


def _writer(out: Any, full: bool) -> streaming._Writer:
    writer = streaming._Writer(out, full, "test", window=1)
    # a transaction: there an unresolved urn:uuid reference is an error (in a collection, a warning)
    writer.start({"resourceType": "Bundle", "type": "transaction"})
    return writer


def test_a_reference_no_entry_has_fails_at_the_end(definitions: Any, tmp_path: Path) -> None:
    a, b = (
        "urn:uuid:" + "1" * 8 + "-1111-4111-8111-" + "1" * 12,
        "urn:uuid:" + "2" * 8 + "-2222-4222-8222-" + "2" * 12,
    )
    with open(tmp_path / "ok.json", "w", encoding="utf-8") as out:
        writer = _writer(out, True)
        writer.add(_entry(a, ref=b))  # a forward reference: resolved by the next window
        writer.add(_entry(b))
        writer.close()
    with open(tmp_path / "bad.json", "w", encoding="utf-8") as out:
        writer = _writer(out, True)
        writer.add(_entry(a, ref=b))
        with pytest.raises(OutputGateError, match="matches no entry fullUrl"):
            writer.close()


def test_a_repeated_full_url_fails(tmp_path: Path) -> None:
    url = "urn:uuid:" + "3" * 8 + "-3333-4333-8333-" + "3" * 12
    with open(tmp_path / "out.json", "w", encoding="utf-8") as out:
        writer = _writer(out, False)
        writer.add(_entry(url))
        with pytest.raises(OutputGateError, match="not unique"):
            writer.add(_entry(url))


def test_an_invalid_resource_in_a_late_window_fails_and_leaves_no_file(
    definitions: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bundle_module._Builder.provenance

    def broken(self: Any) -> None:  # the last resource of the bundle, long after the first windows
        self.sink({"fullUrl": "urn:uuid:not-a-uuid", "resource": {"resourceType": "Device", "status": "x"}})
        real(self)

    monkeypatch.setattr(bundle_module._Builder, "provenance", broken)
    converter = Converter(ConvertOptions(gate="full"))
    doc = read_bytes((REPORT * 3).encode("utf-8"), "long.txt")
    with pytest.raises(BuildError):
        streaming.write_streamed(converter, doc, window=2, directory=str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # never partial output


def test_the_cli_streams_long_reports_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "long.txt"
    report.write_text(REPORT * 4, encoding="utf-8")
    converter = Converter(ConvertOptions(gate="model"))
    expected = dumps(converter.convert(converter.read_path(report)), "json")

    def in_memory(self: Any, doc: Any) -> Any:
        raise AssertionError("a long report was built in memory")

    monkeypatch.setattr(streaming, "STREAM_CHARS", 100)
    monkeypatch.setattr(Converter, "convert", in_memory)
    runner = CliRunner()
    out = tmp_path / "out.json"
    r = runner.invoke(app, ["convert", str(report), "-o", str(out), "--gate", "model"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8") == expected
    r = runner.invoke(app, ["convert", str(report), "--out-dir", str(tmp_path / "dir"), "--gate", "model"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "dir" / "long.json").read_text(encoding="utf-8") == expected
    r = runner.invoke(app, ["convert", str(report), "--gate", "model"])
    assert r.exit_code == 0
    assert r.stdout == expected
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_spooled_text_moves_across_file_systems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from fhirconv.fileio import atomic_write

    src = tmp_path / "spool.json"
    src.write_text('{"a": 1}\n', encoding="utf-8")
    real = os.replace
    calls = []

    def cross_device(a: Any, b: Any) -> None:
        calls.append(a)
        if len(calls) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(a, b)

    monkeypatch.setattr(os, "replace", cross_device)
    atomic_write(tmp_path / "out" / "b.json", SpooledText(str(src)))
    assert (tmp_path / "out" / "b.json").read_text(encoding="utf-8") == '{"a": 1}\n'
    assert not src.exists()
    assert len(calls) == 2


# ------------------------------------------------- windows judge references as the whole bundle does
def _uuid(n: int) -> str:
    return f"urn:uuid:{n:08x}-0000-4000-8000-{n:012x}"


def _issues(issues: Any, shift: int = 0) -> list[tuple[str, ...]]:
    """Errors and warnings, located in the whole bundle (information issues summarise each input, so a
    window's summary differs from the bundle's)."""
    out = []
    for i in issues:
        if str(i.severity) not in ("error", "fatal", "warning"):
            continue
        loc = streaming._ENTRY_AT.sub(
            lambda m: f"Bundle.entry[{shift + int(m.group(1))}]", i.location, count=1
        )
        out.append((str(i.severity), i.code, loc, i.message, str(i.rule)))
    return out


def _windowed(bundle: dict[str, Any], size: int) -> list[tuple[str, ...]]:
    """The issues of ``bundle`` validated as the streaming writer validates it, ``size`` entries at a time
    (its own registration of fullUrls, its locations), plus the forward references judged at the end."""
    writer = streaming._Writer(None, "full", "test", window=size)  # type: ignore[arg-type]
    writer.header = {k: v for k, v in bundle.items() if k != "entry"}
    found: list[tuple[str, ...]] = []
    entries = bundle["entry"]
    for start in range(0, len(entries), size):
        report = writer._check(entries[start : start + size])
        found += _issues(report.issues, shift=writer.count)
        writer.count += len(entries[start : start + size])
    return sorted(found + _issues(writer.other.check_forward()))


def _whole(bundle: dict[str, Any]) -> list[tuple[str, ...]]:
    from fhirconv.validate import validate_json

    return sorted(_issues(validate_json(bundle, source="test").issues))


def _reference_sites(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths (keys and indexes) to every Reference-shaped object with a urn:uuid reference."""
    out = []
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str) and node["reference"].startswith("urn:uuid:"):
            out.append(path)
        for k, v in node.items():
            out += _reference_sites(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _reference_sites(v, (*path, i))
    return out


@pytest.fixture(scope="module")
def converted() -> dict[str, Any]:
    converter = Converter(ConvertOptions(gate="model"))
    bundle = converter.convert(read_bytes((REPORT * 3).encode("utf-8"), "long.txt"))
    assert len(bundle["entry"]) > 20 and _reference_sites(bundle["entry"])  # something to mutate
    return bundle


def test_windows_give_the_whole_bundles_issues_for_converted_bundles(definitions: Any) -> None:
    converter = Converter(ConvertOptions(gate="model"))
    for path in _samples():
        bundle = converter.convert(converter.read_path(path))
        whole = _whole(bundle)
        for size in (1, 3, 256):
            assert _windowed(bundle, size) == whole, (path.name, size)


def test_a_wrong_target_type_in_another_window_is_found(definitions: Any, converted: dict[str, Any]) -> None:
    """Before, a window reported a reference to another window's entry as unresolved, set it aside and
    only checked that some entry had the fullUrl: a Patient where an Encounter must be went through."""
    import copy

    bundle = copy.deepcopy(converted)
    entries = bundle["entry"]
    patient = next(e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Patient")
    later = next(e for e in entries[5:] if isinstance(e["resource"].get("encounter"), dict))
    later["resource"]["encounter"]["reference"] = patient  # backward, across windows
    early = next(e["resource"] for e in entries[1:] if isinstance(e["resource"].get("subject"), dict))
    last = entries[-1]
    assert last["resource"]["resourceType"] == "Provenance"  # which no subject may name
    early["subject"]["reference"] = last["fullUrl"]  # forward, to the last entry
    whole = _whole(bundle)
    assert len([i for i in whole if i[4] == "reference.target-type"]) == 2
    for size in (1, 2, 5):
        assert _windowed(bundle, size) == whole, size
    with pytest.raises(OutputGateError, match="is not allowed here"):
        writer = streaming._Writer(open(os.devnull, "w"), "full", "test", window=3)  # noqa: SIM115
        writer.start({k: v for k, v in bundle.items() if k != "entry"})
        for entry in bundle["entry"]:
            writer.add(entry)
        writer.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_windows_give_the_whole_bundles_issues_under_mutation(
    definitions: Any, converted: dict[str, Any], data: Any
) -> None:
    """References pointed at random entries (any type: many not allowed there), at no entry, with a
    Reference.type that may disagree: the windows and the end of the stream report exactly what the
    whole bundle reports, whatever the window size."""
    import copy

    bundle = copy.deepcopy(converted)
    entries = bundle["entry"]
    sites = [(i, p) for i, e in enumerate(entries) for p in _reference_sites(e["resource"])]
    for _ in range(data.draw(st.integers(1, 6))):
        i, path = data.draw(st.sampled_from(sites))
        ref: Any = entries[i]["resource"]
        for key in path:
            ref = ref[key]
        j = data.draw(st.integers(-1, len(entries) - 1))
        ref["reference"] = entries[j]["fullUrl"] if j >= 0 else _uuid(data.draw(st.integers(1, 3)))
        if data.draw(st.booleans()):
            ref["type"] = data.draw(st.sampled_from(["Patient", "Encounter", "Observation", "Condition"]))
    size = data.draw(st.integers(1, len(entries)))
    assert _windowed(bundle, size) == _whole(bundle)


@pytest.mark.parametrize("garbage", [False, True])
def test_cyclic_garbage_is_collected_once_it_piles_up(
    garbage: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paused collector runs when the stream has made ``GARBAGE`` objects, not after every window."""
    import gc

    calls: list[int] = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(generation) or real(generation))
    monkeypatch.setattr(streaming, "GARBAGE", 20_000)
    from fhirconv.fhir import check_models_each

    check_models_each({"resourceType": "Bundle", "type": "transaction", "entry": [_entry(_uuid(9))]})  # warm
    was = gc.isenabled()
    gc.disable()  # as write_streamed runs the writer
    try:
        with open(tmp_path / "out.json", "w", encoding="utf-8") as out:
            writer = streaming._Writer(out, "model", "test", window=1)
            writer.start({"resourceType": "Bundle", "type": "transaction"})
            for n in range(1, 4):
                for _ in range(10_000 if garbage else 0):  # cycles only the collector frees
                    cycle: list[Any] = []
                    cycle.append(cycle)
                writer.add(_entry(_uuid(n)))
            writer.close()
            after = gc.get_count()[0] - writer.young
    finally:
        if was:
            gc.enable()
    assert (len(calls) >= 1) if garbage else (calls == [])
    assert after <= 20_000 + 1_000
