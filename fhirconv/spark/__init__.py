"""fhirconv on Apache Spark (optional extra ``fhirconv[spark]``): convert a whole literature collection in
parallel into bulk NDJSON (or Pathling Parquet), and query it with SQL on FHIR ViewDefinitions through
Pathling. See docs/spark.md.

From a notebook::

    from fhirconv.spark import spark_convert, run_views
    result = spark_convert("s3a://bucket/case-reports/", "s3a://bucket/fhir/", spark=spark)
    views, report = run_views("s3a://bucket/fhir/", spark=spark)
    views["medications"].where("drug like '%immunoglobulin%'").show()
"""

from __future__ import annotations

from .convert import STATUS_DIR, SparkConvertResult, bulk_lines, spark_convert
from .session import local_session, pathling_context
from .views import EncodeReport, encode_output, load_views, run_views

__all__ = [
    "STATUS_DIR",
    "EncodeReport",
    "SparkConvertResult",
    "bulk_lines",
    "encode_output",
    "load_views",
    "local_session",
    "pathling_context",
    "run_views",
    "spark_convert",
]
