"""End-to-end cross-border delivery between two local nodes: two processes, two SQLite
databases, HTTP on loopback. Mexico approves --referrals referrals to Guatemala while its
outbox worker runs (or, with --queued, approves them all and then starts the worker); the
figures are the wall time until the last receipt is recorded, the throughput, and the time
from approval to receipt (p50, p95; with --queued this includes the wait in the outbox).

Run: .venv/bin/python bench/federation_delivery_bench.py [--referrals 1000] [--queued]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.federation.nodes import AMPARO, Node


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=1000)
    parser.add_argument(
        "--queued",
        action="store_true",
        help="approve them all first, then start the worker: delivery time of a full outbox",
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="amparo-federation-bench-"))
    mx, gt = Node("MX", base / "mx"), Node("GT", base / "gt")
    for node in (mx, gt):
        node.set_up()
    mx.trust(gt)
    gt.trust(mx)
    gt.env["AMPARO_WORKERS"] = "2"
    # Throughput, not the inbox limit per peer (600 a minute by default), is measured here.
    gt.env["AMPARO_FEDERATION_INBOX_PER_MINUTE"] = "1000000"
    gt.start()
    command = [*AMPARO, "federation", "deliver", "--interval", "0.05", "--backoff", "0.5"]
    worker = None
    try:
        if args.queued:
            approving = mx.call("approve_referrals", "gt-sbs", args.referrals)
        started = time.perf_counter()
        worker = subprocess.Popen(command, env=mx.env, stdout=subprocess.DEVNULL)  # noqa: S603
        if not args.queued:
            approving = mx.call("approve_referrals", "gt-sbs", args.referrals)
        while mx.call("receipts_recorded") < args.referrals:
            time.sleep(0.5)
        total = time.perf_counter() - started
    finally:
        if worker is not None:
            worker.kill()
        gt.kill()
    latencies = sorted(mx.call("approval_to_receipt_ms"))
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    n = args.referrals
    print(f"machine: {machine()}")
    print(f"referrals: {n}; approving them (draft + gates + seal + queue) took {approving:.1f} s")
    if args.queued:
        print(f"worker start to last receipt: {total:.1f} s ({n / total:.1f} envelopes/s)")
    else:
        print(f"first approval to last receipt: {total:.1f} s ({n / total:.1f} referrals/s)")
    print(
        f"approval to receipt: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
        f"max {latencies[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
