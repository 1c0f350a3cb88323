"""`amparo dedup link --engine spark`: the same model as DuckDB, on Spark in local mode."""

import csv
import io
import os
import signal
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from amparo.dedup.linkage.spark import _java_major, spark_api

# The test links a CSV and touches no database, so the PostgreSQL pass of .ci/run would repeat
# the very same computation (a JVM start and a few hundred Spark jobs, the slowest test of the
# dedup suite). It runs in the SQLite pass only.
only_once = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="uses no database: runs once, in the SQLite pass",
)


def _pairs(path: Path) -> dict[tuple[str, str], float]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["id_l"], r["id_r"]): float(r["probability"]) for r in csv.DictReader(handle)}


def _clusters(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["id"], r["cluster"]) for r in csv.DictReader(handle)]


@only_once
def test_spark_and_duckdb_find_the_same_pairs(tmp_path: Path) -> None:
    people, truth = tmp_path / "people.csv", tmp_path / "truth.csv"
    call_command("dedup", "generate", "600", "--out", str(people), "--truth", str(truth),
                 "--seed", "5")  # fmt: skip
    found = {}
    for engine in ("duckdb", "spark"):
        out, clusters = tmp_path / f"{engine}.csv", tmp_path / f"{engine}-clusters.csv"
        call_command("dedup", "link", str(people), "--out", str(out), "--clusters",
                     str(clusters), "--threshold", "0.9", "--engine", engine)  # fmt: skip
        found[engine] = (_pairs(out), _clusters(clusters))
    (duckdb_pairs, duckdb_clusters), (spark_pairs, spark_clusters) = found["duckdb"], found["spark"]
    assert len(duckdb_pairs) > 100  # the population has duplicates to find
    # 600 records are fewer than u's sample (~1,400 records for max_pairs=1e6), so both
    # engines estimate u and m on exactly the same pairs; what may differ is only the order
    # of floating-point sums in Spark's parallel aggregates (seen: at most 2e-5). So the same
    # pairs, the same clusters, and probabilities equal to 1e-3.
    assert spark_pairs.keys() == duckdb_pairs.keys()
    assert all(abs(spark_pairs[k] - p) < 1e-3 for k, p in duckdb_pairs.items())
    assert spark_clusters == duckdb_clusters


@only_once
def test_a_jvm_slow_to_answer_the_socket_handshake_does_not_hang_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9's hang at 100,000 records: the JVM answered pyspark's socket handshake after
    Spark's 15 s (a long garbage collection, a loaded machine); pyspark then left the socket
    unread and Python and the JVM waited on each other for ever. Here the JVM is stopped for
    20 s as Python connects to collect a result through Arrow, as Splink's training does;
    the result must still arrive."""
    import pyspark.util

    with spark_api() as (db, _table):
        jvm = db.spark.sparkContext._gateway.proc
        handshake = pyspark.util._do_server_auth

        def slow_jvm(conn: io.IOBase, auth_secret: str) -> None:
            os.kill(jvm.pid, signal.SIGSTOP)
            threading.Timer(20, os.kill, (jvm.pid, signal.SIGCONT)).start()
            handshake(conn, auth_secret)

        monkeypatch.setattr(pyspark.util, "_do_server_auth", slow_jvm)
        # A few MB: more than the socket's buffers hold, as the predicted pairs were.
        rows = db.spark.range(200_000).selectExpr("id", "repeat(cast(id AS string), 4) AS s")
        collected: list[int] = []
        worker = threading.Thread(
            target=lambda: collected.append(rows.toArrow().num_rows), daemon=True
        )
        worker.start()
        worker.join(120)
        hung = worker.is_alive()
        if hung:
            jvm.kill()  # blocked for ever: free the test run (Spark cannot stop itself now)
        assert not hung, "Python and the JVM are waiting on each other"
        assert collected == [200_000]


def _open_the_engine(scratch: list[Path]) -> None:
    with spark_api() as (db, _table):
        scratch.append(Path(db.spark.conf.get("spark.local.dir") or "").parent)
        assert (scratch[0] / "tables").is_dir()


@only_once
def test_the_scratch_folder_goes_even_when_spark_fails_to_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The folder holds Spark's spills and the registry's names as Parquet files: it goes
    even when stopping Spark fails (its JVM gone, as after a crash)."""
    from pyspark.sql import SparkSession

    stop = SparkSession.stop

    def stop_then_fail(session: SparkSession) -> None:
        stop(session)
        raise ConnectionRefusedError("the JVM is gone")

    monkeypatch.setattr(SparkSession, "stop", stop_then_fail)
    scratch: list[Path] = []
    with pytest.raises(ConnectionRefusedError):
        _open_the_engine(scratch)
    assert scratch
    assert not scratch[0].exists()


def test_without_java_the_spark_engine_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people, truth = tmp_path / "people.csv", tmp_path / "truth.csv"
    call_command("dedup", "generate", "20", "--out", str(people), "--truth", str(truth))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as refused:
        call_command("dedup", "link", str(people), "--out", str(out), "--engine", "spark")
    message = str(refused.value)
    assert message.startswith("The Spark engine needs Java, and none was found")
    assert "version 17 or newer" in message
    assert "openjdk-17-jre-headless" in message
    assert not out.exists()


def test_java_versions_are_read_from_both_spellings() -> None:
    assert _java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert _java_major('java version "1.8.0_392"') == 8
    assert _java_major('openjdk version "21" 2023-09-19') == 21
    assert _java_major("no version here") is None
