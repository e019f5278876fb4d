"""The Spark session fhirconv starts when the caller brings none (CLI, benchmarks, tests).

A notebook or ``spark-submit`` job passes its own ``SparkSession`` to every function of
:mod:`fhirconv.spark` instead, and none of this runs. For Pathling that session needs Pathling's jar on
its classpath (``spark.jars.packages`` = :data:`PATHLING_PACKAGE`, or the jar in ``--jars``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["PATHLING_PACKAGE", "local_session", "pathling_context", "submitted"]


def _pathling_version() -> str:
    from pathling._version import __java_version__

    return str(__java_version__)


def pathling_package() -> str:
    """Maven coordinates of the Pathling jar matching the installed Python package."""
    return f"au.csiro.pathling:library-runtime:{_pathling_version()}"


PATHLING_PACKAGE = "au.csiro.pathling:library-runtime"


def submitted() -> bool:
    """True when ``spark-submit`` started this driver.

    spark-submit starts the JVM first and hands the Python driver its gateway through
    ``PYSPARK_GATEWAY_PORT`` (pyspark's own test for the same thing). The master, memory and jars are
    then the ones given to spark-submit; a ``master`` set on the session builder would silently
    override ``--master yarn`` with ``local[*]``.
    """
    return bool(os.environ.get("PYSPARK_GATEWAY_PORT"))


def local_session(
    master: str = "local[*]",
    *,
    pathling: bool = False,
    app_name: str = "fhirconv",
    conf: dict[str, str] | None = None,
) -> Any:
    """Start (or reuse) a SparkSession on ``master``.

    For a ``local`` master the Java runtime is chosen by :func:`fhirconv.spark.java.select_java_home`
    and the Python workers run this interpreter, so they import the same fhirconv. ``pathling=True``
    adds Pathling's jar (fetched once by Spark from Maven Central into the Ivy cache).

    Under ``spark-submit`` (:func:`submitted`) ``master`` is ignored and the session spark-submit
    configured is returned: its ``--master``, memory and ``--packages``/``--jars`` stand.
    """
    from pyspark.sql import SparkSession

    if submitted():
        session = SparkSession.builder.appName(app_name)
        for key, value in (conf or {}).items():
            session = session.config(key, value)
        return session.getOrCreate()

    # The JVM (and through it the Python workers) takes these from the environment when it starts;
    # they are put back afterwards so nothing else in this process sees a changed environment.
    env: dict[str, str] = {}
    java_options: str | None = None
    if master.startswith("local"):
        from .java import select_java_home, trust_store_option

        home = select_java_home()
        if home is not None:
            env["JAVA_HOME"] = str(home)
            java_options = trust_store_option()
        env["PYSPARK_PYTHON"] = os.environ.get("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # conversion is Python work: keep the JVM side small, and workers alive so each keeps its Converter
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.memory", os.environ.get("FHIRCONV_SPARK_DRIVER_MEMORY", "2g"))
    if java_options is not None:
        # the driver JVM that spark-submit launches (in local mode also the executor) downloads the jars
        builder = builder.config("spark.driver.extraJavaOptions", java_options)
    if pathling:
        builder = builder.config("spark.jars.packages", pathling_package())
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        spark = builder.getOrCreate()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    spark.sparkContext.setLogLevel(os.environ.get("FHIRCONV_SPARK_LOG_LEVEL", "ERROR"))
    return spark


def pathling_context(spark: Any) -> Any:
    """A PathlingContext on ``spark`` for fhirconv's output: extensions encoded (every derived resource
    carries derivation references), no terminology server (fhirconv works offline)."""
    from pathling import PathlingContext

    return PathlingContext.create(spark, enable_extensions=True, enable_terminology=False)
