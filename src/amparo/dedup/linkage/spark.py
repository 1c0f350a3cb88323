"""Splink's Spark backend in local mode, for registries that outgrow one DuckDB process.

The model is the one in `model.py`; this module only starts and stops the engine: a local
Spark (`local[2]`, small driver memory, no web UI, bound to 127.0.0.1, nothing fetched from
the network) with Splink's similarity-function JAR on its class path, and a temporary folder
for Spark's scratch files and Splink's checkpoints that is removed when linkage ends.

Spark needs Java 17 or newer and pyspark (`pip install 'amparo[spark]'`); without either,
`SparkUnavailable` says what to install. AMPARO_SPARK_DRIVER_MEMORY (default 1g) and
AMPARO_SPARK_LINEAGE (persist or parquet, below) tune it for a larger registry.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

MIN_JAVA = 17
DRIVER_MEMORY = os.environ.get("AMPARO_SPARK_DRIVER_MEMORY", "1g")
# Intermediate tables written as Parquet files in the scratch folder ("parquet", Splink's
# default), or kept in Spark's memory, spilling there ("persist"). Splink never releases a
# persisted table, so with "persist" the 1 GB driver filled up and 100,000 records failed
# (a task's result lost from the block manager); with "parquet" they linked (issue 9,
# bench/RESULTS.md). "persist" is for small registries only.
LINEAGE = os.environ.get("AMPARO_SPARK_LINEAGE", "parquet")
# Two cores: a few shuffle partitions, not Spark's default 200 (one task each per stage).
SHUFFLE_PARTITIONS = 4
# How long Python and the JVM wait for each other's handshake before a result crosses their
# local socket (Spark's default: 15 s). A loaded 2-core machine or a long garbage collection
# exceeds 15 s, and pyspark 4.3 then waits for the JVM for ever instead of failing (issue 9,
# spark_files.py). Ten minutes rides out any pause; a handshake takes milliseconds.
HANDSHAKE_TIMEOUT = "10min"


class SparkUnavailable(RuntimeError):
    """Java or pyspark is missing: the message names what to install."""


def _java_major(text: str) -> int | None:
    """'openjdk version "17.0.15" ...' -> 17; 'java version "1.8.0_392"' -> 8."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _install() -> str:
    return _(
        "install a Java runtime, version %(min)s or newer (on Debian or Ubuntu: "
        "'apt-get install openjdk-17-jre-headless'), or use --engine duckdb."
    ) % {"min": MIN_JAVA}


def check_java() -> None:
    """Refuse before starting anything when Java is missing or older than 17."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).is_file():
        raise SparkUnavailable(
            _("The Spark engine needs Java, and none was found (JAVA_HOME or PATH): ") + _install()
        )
    try:
        done = subprocess.run(  # noqa: S603  (the Java found above, fixed arguments)
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as error:
        raise SparkUnavailable(
            _("The Spark engine could not run %(java)s (%(error)s): ")
            % {"java": java, "error": error.strerror}
            + _install()
        ) from None
    major = _java_major(done.stderr + done.stdout)
    if major is None or major < MIN_JAVA:
        raise SparkUnavailable(
            _("The Spark engine needs Java %(min)s or newer; %(java)s is %(found)s: ")
            % {"min": MIN_JAVA, "java": java, "found": major or "of an unknown version"}
            + _install()
        )


def _end_jvm() -> None:
    """End pyspark's JVM and wait for it. pyspark keeps one JVM per Python process, and a JVM
    keeps the scratch folder of its first session for all later ones (Spark caches its local
    directories), so a second linkage in the same process would write into a folder already
    removed, recreated without its 0700 mode and never removed again."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    SparkContext._gateway = SparkContext._jvm = None  # the next session starts a new JVM
    gateway.shutdown()
    gateway.proc.stdin.close()  # the JVM exits when its standard input closes
    gateway.proc.wait(timeout=120)


@contextmanager
def spark_api() -> Iterator[tuple[Any, Callable[[pd.DataFrame], Any]]]:
    """Splink's SparkAPI on a fresh local Spark, and how to hand it a pandas table.

    Stops Spark and removes its scratch folder on the way out, whatever happened.
    """
    check_java()
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        from amparo.dedup.linkage.spark_files import FileSparkAPI, to_spark
    except ImportError:
        raise SparkUnavailable(
            _("The Spark engine needs pyspark: pip install 'amparo[spark]'.")
        ) from None
    # Private to this process (mkdtemp: mode 0700): Spark's spills and checkpoints, and the
    # Parquet files of spark_files.py, hold the registry's names.
    scratch = Path(tempfile.mkdtemp(prefix="amparo-spark-"))
    tables = scratch / "tables"
    tables.mkdir()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Spark's Python workers (Splink collects through Arrow) must be this very Python.
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    with ExitStack() as cleanup:  # runs every step below in reverse, even if one fails
        # Even when Spark cannot stop (its JVM gone): the folder holds the registry's names.
        cleanup.callback(shutil.rmtree, scratch, ignore_errors=True)
        cleanup.callback(_end_jvm)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("amparo-dedup-link")
            .config("spark.jars", similarity_jar_location())  # jaro_winkler, damerau_levenshtein
            .config("spark.driver.memory", DRIVER_MEMORY)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.local.dir", str(scratch / "local"))
            .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
            .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
            .config("spark.default.parallelism", str(SHUFFLE_PARTITIONS))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.python.authenticate.socketTimeout", HANDSHAKE_TIMEOUT)
            .getOrCreate()
        )
        cleanup.callback(session.stop)
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
        # Registers Splink's Scala functions from the JAR put on the class path above.
        db = FileSparkAPI(
            spark_session=session, break_lineage_method=LINEAGE, results_folder=tables
        )
        yield db, lambda frame: to_spark(session, frame, tables)
