"""The file to hand ``spark-submit``: it runs the fhirconv CLI in the driver spark-submit started.

spark-submit runs a Python *file*, never a module (it has no ``-m``), so this is that file::

    spark-submit --master yarn --py-files fhirconv-*.whl \\
        "$(python -c 'import fhirconv.spark.submit as s; print(s.__file__)')" \\
        spark-convert hdfs:///corpus/ hdfs:///fhir/

Under spark-submit the session is spark-submit's (:func:`fhirconv.spark.session.submitted`), so
``--master`` and ``--packages`` given to spark-submit are the ones used.
"""

from __future__ import annotations

if __name__ == "__main__":
    from fhirconv.cli.app import main

    main()
