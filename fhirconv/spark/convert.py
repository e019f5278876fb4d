"""Corpus-scale conversion on Spark: whole documents in, bulk NDJSON (or Pathling Parquet) out.

The driver only lists, plans and renames; the work runs in ``mapPartitions`` on the executors. Each
Python worker process builds one :class:`~fhirconv.pipeline.Converter` the first time it sees a partition
(mappings compiled, R4 definitions loaded) and keeps it for every later partition and document
(``spark.python.worker.reuse``), so start-up is paid per executor process, never per document.

Every document gives its resources in bulk form (:func:`fhirconv.fhir.bulk_resources`: ids from the
deterministic fullUrls, references ``Type/id``) serialised exactly as ``fhirconv convert --format ndjson
--out-dir`` writes them, and one status row. A document that fails gives only its status row (with the
exit-code class and message of the error), never a failed job. Like the single-machine writer, a
resource id seen in several documents (the same text under two names) is written once: the line of the
document that comes last in path order.

Layout of ``OUTPUT_URI``::

    Patient/part-00000-c000.ndjson ...   one folder per resource type (Parquet: Pathling's encoding)
    _status/part-00000-c000.ndjson ...   one row per document: document, status, exit_code, error, ...
    manifest.json                        Bulk Data style: type, url (folder), count
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from ..pipeline import ConvertOptions
from ..readers.sniff import is_fhir_output

__all__ = ["STATUS_DIR", "SparkConvertResult", "bulk_lines", "spark_convert"]

STATUS_DIR = "_status"
DOC_SUFFIXES = (".txt", ".text", ".html", ".htm", ".php", ".xml", ".nxml", ".bioc")
FORMATS = ("ndjson", "parquet")
_STATUS_COLUMNS = ("document", "status", "exit_code", "error", "stage", "code", "message", "resources")


@dataclass
class SparkConvertResult:
    """What a run did: counts per status, lines per resource type, failures (document, exit code, message)."""

    output_uri: str
    documents: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    converters_built: int = 0
    partitions: int = 0
    master: str = ""


# ------------------------------------------------------------------------------------------- executor
_CONVERTERS: dict[ConvertOptions, Any] = {}


def _converter(options: ConvertOptions, built: Any) -> Any:
    """This worker process's Converter for ``options``: built on first use, then kept."""
    conv = _CONVERTERS.get(options)
    if conv is None:
        from ..pipeline import Converter

        if options.gate == "full":
            from ..definitions import load_definitions

            load_definitions()
        conv = Converter(options)
        _CONVERTERS[options] = conv
        if built is not None:
            built.add(1)
    return conv


def source_name(uri: str) -> str:
    """The name a document gets (messages, sniffing, DocumentReference title): a local path for
    ``file:`` URIs, as ``fhirconv convert`` would name it; the URI itself for other filesystems."""
    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        return unquote(parts.path)
    return unquote(uri)


def order_key(uri: str) -> str:
    """Sorts like the single-machine input order (``sorted(Path)``: by path components)."""
    return source_name(uri).replace("/", "\x00")


def bulk_lines(bundle_json: str) -> list[tuple[str, str, str]]:
    """``(resourceType, id, line)`` for each resource of a serialised bundle, written exactly as the
    single-machine bulk writer writes them (its JSON is parsed with exact decimals first, as there)."""
    from ..fhir import bulk_resources, loads_json
    from ..fhir.serialize import dumps_json

    return [
        (str(r["resourceType"]), str(r["id"]), dumps_json(r, indent=None))
        for r in bulk_resources(loads_json(bundle_json))
    ]


def _status(document: str, status: str, **kw: Any) -> str:
    row = {"document": document, "status": status, "exit_code": 0, "error": None, "stage": None}
    row.update({"code": None, "message": None, "resources": 0})
    row.update(kw)
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def convert_partition(
    rows: Iterable[Any], options: ConvertOptions, input_format: str | None, built: Any = None
) -> Iterator[tuple[str, str, str, str]]:
    """Executor side: ``(resourceType, id, order, line)`` per resource plus ``("_status", document,
    order, status-json)`` per document. Nothing raised here stops the job."""
    from ..errors import EXIT_INTERNAL, FhirconvError
    from ..fhir import dumps
    from ..model import DocumentFormat
    from ..readers import read_bytes

    fmt = DocumentFormat(input_format) if input_format else None
    for row in rows:
        uri = str(row["path"])
        order = order_key(uri)
        data = bytes(row["content"])
        name = source_name(uri)
        if is_fhir_output(name, data[:4096]):
            yield STATUS_DIR, uri, order, _status(uri, "skipped", message="FHIR output, not a case report")
            continue
        try:
            conv = _converter(options, built)
            doc = read_bytes(data, name, format=fmt)
            lines = bulk_lines(dumps(conv.convert(doc), "json"))
        except FhirconvError as exc:
            yield (
                STATUS_DIR,
                uri,
                order,
                _status(
                    uri,
                    "failed",
                    exit_code=exc.exit_code,
                    error=type(exc).__name__,
                    stage=exc.stage,
                    code=exc.code,
                    message=exc.message,
                ),
            )
            continue
        except Exception as exc:  # a bug on one document must not cost the others
            yield (
                STATUS_DIR,
                uri,
                order,
                _status(
                    uri,
                    "failed",
                    exit_code=EXIT_INTERNAL,
                    error=type(exc).__name__,
                    stage="internal",
                    code="internal",
                    message=f"internal error {type(exc).__name__}: {exc}",
                ),
            )
            continue
        for rtype, rid, line in lines:
            yield rtype, rid, order, line
        yield STATUS_DIR, uri, order, _status(uri, "ok", resources=len(lines))


# --------------------------------------------------------------------------------------------- driver
def _fs(spark: Any, uri: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def _hpath(spark: Any, uri: str) -> Any:
    return spark.sparkContext._jvm.org.apache.hadoop.fs.Path(uri)


def read_documents(spark: Any, input_uri: str) -> Any:
    """``(path, content)`` of every document under ``input_uri`` (a file or a folder, read recursively;
    in a folder only the document suffixes ``fhirconv convert`` takes). Any Hadoop filesystem URI."""
    from pyspark.sql import functions as F

    fs, path = _fs(spark, input_uri)
    if not fs.exists(path):
        from ..errors import InputError

        raise InputError("input not found", source=input_uri)
    df = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(input_uri)
    if fs.getFileStatus(path).isDirectory():
        suffix = "|".join(re.escape(s[1:]) for s in DOC_SUFFIXES)
        df = df.where(F.lower(F.col("path")).rlike(rf"\.({suffix})$"))
    return df.select("path", "content")


def _rename_outputs(spark: Any, staging: str, ext: str) -> None:
    """``resourceType=X/part-00000-<uuid>.c000.txt`` -> ``X/part-00000-c000.<ext>``; drop markers."""
    fs, root = _fs(spark, staging)
    for status in fs.listStatus(root):
        name = status.getPath().getName()
        if not status.isDirectory():
            if name.startswith(("_", ".")):
                fs.delete(status.getPath(), False)
            continue
        target_name = name.split("=", 1)[1] if "=" in name else name
        target = _hpath(spark, f"{staging}/{target_name}")
        if target_name != name:
            fs.rename(status.getPath(), target)
        for part in fs.listStatus(target):
            pname = part.getPath().getName()
            if pname.startswith((".", "_")):
                fs.delete(part.getPath(), False)
                continue
            m = re.match(r"^(part-\d+)-[0-9a-f-]{36}(\.c\d+)?\..*$", pname)
            if m and ext:
                name_out = f"{m.group(1)}-{(m.group(2) or '.c000')[1:]}.{ext}"
                fs.rename(part.getPath(), _hpath(spark, f"{staging}/{target_name}/{name_out}"))


def _drop_checksums(spark: Any, root: str) -> None:
    """Hadoop's local filesystem keeps a hidden ``.name.crc`` beside every file it writes; the bulk
    output of ``fhirconv convert`` has none, and no reader needs them. (Other filesystems keep none.)"""
    import os

    parts = urlsplit(root)
    if parts.scheme not in ("", "file"):
        return
    for folder, _, files in os.walk(unquote(parts.path)):
        for name in files:
            if name.startswith(".") and name.endswith(".crc"):
                os.unlink(os.path.join(folder, name))


def _write_text(spark: Any, uri: str, text: str) -> None:
    fs, path = _fs(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def spark_convert(
    input_uri: str,
    output_uri: str,
    *,
    spark: Any = None,
    master: str = "local[*]",
    partitions: int | None = None,
    fmt: str = "ndjson",
    options: ConvertOptions | None = None,
    input_format: str | None = None,
) -> SparkConvertResult:
    """Convert every document under ``input_uri`` into ``output_uri`` on Spark.

    ``spark``: a session to use (a notebook's, or a ``spark-submit`` job's); when None one is started on
    ``master``. ``partitions``: how many tasks the documents are spread over (default: 4 per core, so a
    slow document does not hold a whole core's share). ``fmt``: ``ndjson`` (bulk NDJSON) or ``parquet``
    (Pathling's FHIR encoding, needs Pathling). ``output_uri`` must not exist; it appears only when
    the run has succeeded (written under ``<output_uri>.fhirconv-staging`` and renamed).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    from ..errors import InputError

    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    options = options or ConvertOptions()
    if spark is None:
        from .session import local_session

        spark = local_session(master, pathling=fmt == "parquet")
    output_uri = output_uri.rstrip("/")
    fs, out_path = _fs(spark, output_uri)
    if fs.exists(out_path):
        raise InputError(
            "output exists; choose a new OUTPUT_URI (nothing is written over)", source=output_uri
        )
    staging = output_uri + ".fhirconv-staging"
    sfs, staging_path = _fs(spark, staging)
    if sfs.exists(staging_path):
        sfs.delete(staging_path, True)

    sc = spark.sparkContext
    n = partitions or max(1, sc.defaultParallelism * 4)
    docs = read_documents(spark, input_uri).repartition(n, "path")
    built = sc.accumulator(0)
    schema = StructType(
        [StructField(c, StringType(), False) for c in ("resourceType", "id", "order", "value")]
    )

    def work(rows: Iterable[Any]) -> Iterator[tuple[str, str, str, str]]:
        return convert_partition(rows, options, input_format, built)

    previous = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", str(n))
    try:
        converted = spark.createDataFrame(docs.rdd.mapPartitions(work), schema)
        # one line per (type, id): the document last in path order wins, as in the single-machine writer
        lines = (
            converted.groupBy("resourceType", "id")
            .agg(F.max_by("value", "order").alias("value"))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        try:
            if fmt == "ndjson":
                (
                    lines.select("resourceType", "value")
                    .sortWithinPartitions("resourceType", "value")
                    .write.partitionBy("resourceType")
                    .option("compression", "none")
                    .text(staging)
                )
                _rename_outputs(spark, staging, "ndjson")
            else:
                _write_parquet(spark, lines, staging)
            counts = {
                r["resourceType"]: int(r["count"])
                for r in lines.groupBy("resourceType").count().collect()
                if r["resourceType"] != STATUS_DIR
            }
            status_rows = [
                json.loads(r["value"]) for r in lines.where(F.col("resourceType") == STATUS_DIR).collect()
            ]
        finally:
            lines.unpersist()
    except BaseException:
        sfs.delete(staging_path, True)
        raise
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", previous)

    result = SparkConvertResult(
        output_uri=output_uri, partitions=n, converters_built=int(built.value), master=str(sc.master)
    )
    result.counts = dict(sorted(counts.items()))
    for row in sorted(status_rows, key=lambda r: order_key(r["document"])):
        result.documents += 1
        if row["status"] == "ok":
            result.ok += 1
        elif row["status"] == "skipped":
            result.skipped += 1
        else:
            result.failed += 1
            result.failures.append((row["document"], int(row["exit_code"]), str(row["message"])))
    manifest = {
        "transactionTime": f"{options.index_date.isoformat()}T00:00:00Z",
        "request": "fhirconv spark-convert",
        "requiresAccessToken": False,
        "output": [{"type": t, "url": f"{t}/", "count": c, "format": fmt} for t, c in result.counts.items()],
        "error": [],
        "status": {
            "url": f"{STATUS_DIR}/",
            "ok": result.ok,
            "failed": result.failed,
            "skipped": result.skipped,
        },
    }
    _write_text(spark, f"{staging}/manifest.json", json.dumps(manifest, indent=2) + "\n")
    _drop_checksums(spark, staging)
    if not sfs.rename(staging_path, out_path):
        raise InputError("cannot move the finished output into place", source=output_uri)
    return result


def _write_parquet(spark: Any, lines: Any, staging: str) -> None:
    """Each resource type through Pathling's own encoders into ``<staging>/<Type>/`` as Parquet; the
    status table as Parquet in ``<staging>/_status/``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    from .session import pathling_context

    pc = pathling_context(spark)
    types = sorted(
        r["resourceType"]
        for r in lines.select("resourceType").distinct().collect()
        if r["resourceType"] != STATUS_DIR
    )
    for rtype in types:
        text = lines.where(F.col("resourceType") == rtype).select("value")
        pc.encode(text, rtype).write.parquet(f"{staging}/{rtype}")
    status_schema = StructType(
        [
            StructField(c, IntegerType() if c in ("exit_code", "resources") else StringType(), True)
            for c in _STATUS_COLUMNS
        ]
    )
    status = lines.where(F.col("resourceType") == STATUS_DIR).select(
        F.from_json("value", status_schema).alias("s")
    )
    status.select("s.*").write.parquet(f"{staging}/{STATUS_DIR}")
    _rename_outputs(spark, staging, "")
