"""Why the Spark engine hung at 100,000 records (issue 9), reproduced in a minute.

pyspark hands a collected result to Python over a local socket, after a handshake. This
script makes the JVM miss that handshake's deadline the way a long garbage collection or a
machine at load 15 on 2 cores does: it stops the JVM (SIGSTOP) for STALL seconds just as
Python connects, then lets it go on. It then reports what Python and the JVM did.

    .venv/bin/python bench/spark_handshake_repro.py arrow --timeout 15s   # Spark's default
    .venv/bin/python bench/spark_handshake_repro.py arrow                 # the engine's
    .venv/bin/python bench/spark_handshake_repro.py files --timeout 15s   # no socket at all

- arrow: `toArrow()`, as `toPandas()` with Arrow on and Splink's training do;
- files: `spark_files.to_arrow`, the engine's way for large results (Parquet files).

With Spark's 15 s, the arrow run blocks for ever: Python waits in `getResult` for a JVM
whose scheduler is blocked writing the result into the socket Python gave up on (stacks
printed). The script then kills its own JVM and exits 1.
"""

import argparse
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

STALL = 20  # seconds: more than Spark's default handshake timeout (15 s)
ROWS = 200_000  # a few MB of result: more than the socket's buffers hold
PATIENCE = 90  # seconds after which the collect counts as hung


def _print_jvm_threads(pid: int) -> None:
    """The top of the JVM threads that wait on Python or write to it (jstack, if present)."""
    jstack = shutil.which("jstack")
    if not jstack:
        print("(no jstack to show the JVM's threads)")
        return
    dump = subprocess.run(  # noqa: S603  (the JDK's jstack on our own JVM)
        [jstack, str(pid)], capture_output=True, text=True, check=False
    ).stdout
    for thread in dump.split("\n\n"):
        lines = thread.strip().splitlines()
        waits = [x for x in lines if "getResult" in x or "ArrowBatchStreamWriter.write" in x]
        if waits:
            print("\n".join([lines[0], *lines[2:4], "\t...", waits[0]]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["arrow", "files"])
    parser.add_argument("--timeout", help="spark.python.authenticate.socketTimeout")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    import django

    django.setup()
    import pyspark.util

    from amparo.dedup.linkage import spark
    from amparo.dedup.linkage.spark_files import to_arrow

    if args.timeout:
        spark.HANDSHAKE_TIMEOUT = args.timeout
    with spark.spark_api() as (db, _table):
        session = db.spark
        jvm = session.sparkContext._gateway.proc
        scratch = Path(session.conf.get("spark.local.dir") or "").parent
        print(f"handshake timeout: {session.conf.get('spark.python.authenticate.socketTimeout')}")
        handshake = pyspark.util._do_server_auth

        def slow_jvm(conn: io.IOBase, auth_secret: str) -> None:
            os.kill(jvm.pid, signal.SIGSTOP)
            threading.Timer(STALL, os.kill, (jvm.pid, signal.SIGCONT)).start()
            handshake(conn, auth_secret)

        pyspark.util._do_server_auth = slow_jvm  # every socket handshake meets a slow JVM
        table = session.range(ROWS).selectExpr("id", "repeat(cast(id as string), 4) AS s")
        outcome: list[str] = []

        def collect() -> None:
            try:
                if args.mode == "arrow":
                    rows = table.toArrow().num_rows
                else:
                    with tempfile.TemporaryDirectory() as folder:
                        rows = to_arrow(table, Path(folder)).num_rows
                outcome.append(f"returned {rows:,} rows")
            except Exception as error:
                outcome.append(f"raised {type(error).__name__}: {str(error)[:200]}")

        started = time.perf_counter()
        worker = threading.Thread(target=collect, daemon=True)
        worker.start()
        worker.join(PATIENCE)
        if worker.is_alive():
            print(f"{args.mode}: still blocked after {PATIENCE} s; Python's stack:")
            frame = sys._current_frames()[worker.ident or 0]
            print("".join(traceback.format_stack(frame)[-8:-3]))
            _print_jvm_threads(jvm.pid)
            jvm.kill()  # our own JVM; Spark cannot stop itself while its scheduler is blocked
            shutil.rmtree(scratch)  # what spark_api would have removed
            os._exit(1)
        print(f"{args.mode}: {outcome[0]} after {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
