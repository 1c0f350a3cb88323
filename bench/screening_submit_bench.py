"""Submitting screenings under load: POST /api/screenings from 20 concurrent clients against
gunicorn started the way `amparo serve` starts it, on a throwaway SQLite database (or the
PostgreSQL URL given).

Each request validates and evaluates the answers, reads the agencies of the country of
identification, saves the screening with its answers and result encrypted, its profile
decisions and one audit event (the chain lock serialises every write). Prints the server
time per request as gunicorn measures it (%(D)s: from reading the request to the end of the
response, without the wait in the socket backlog), the round trip the clients saw (which
includes that wait), the throughput and the machine.

Run: .venv/bin/python bench/screening_submit_bench.py [--clients 20] [--requests 25]
     [--workers 2] [--database-url postgresql://postgres@127.0.0.1:5432/amparo_bench]
"""

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import machine, percentiles, setup_django

CHILD = {
    "age_years": 15,
    "sex": "male",
    "nationality": "GT",
    "country_of_identification": "MX",
    "travelling_alone": True,
    "fear_of_return": False,
}
ADULT_AT_RISK = {
    "age_years": 27,
    "sex": "female",
    "nationality": "HN",
    "country_of_identification": "MX",
    "fear_of_return": True,
    "persecution_grounds": ["gang_violence"],
    "crimes_in_transit": ["robbery", "sexual_violence"],
    "days_since_sexual_violence": 2,
    "injuries_visible": True,
}
EXTRA_CONTINENTAL = {
    "age_years": 31,
    "sex": "male",
    "nationality": "CM",
    "country_of_identification": "MX",
    "speaks_local_language": False,
    "abandoned_by_smuggler": True,
    "fear_of_return": False,
}
ANSWER_SETS = [CHILD, ADULT_AT_RISK, EXTRA_CONTINENTAL]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session_cookies(count: int) -> list[str]:
    """One signed-in session per client, for a case manager at IOM Mexico."""
    from django.test import Client

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.protection.domain.keys import assert_keys_usable

    load_reference_data()
    assert_keys_usable()  # creates the key canary, as `amparo serve` would
    agency = Agency.objects.get(code="mx-oim")
    cookies = []
    for index in range(count):
        user = create_staff_user(
            f"bench.{index}",
            password="bench-password-123",
            memberships=[(agency, Role.CASE_MANAGER)],
        )
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def _start_gunicorn(port: int, workers: int, access_log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the arguments of `amparo serve`, plus an access log of server times."""
    argv = [
        sys.executable, "-m", "gunicorn", "amparo.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--no-control-socket", "--timeout", "60",
        "--access-logfile", str(access_log), "--access-logformat", "%(s)s %(D)s",
    ]  # fmt: skip
    process = subprocess.Popen(argv, env=os.environ.copy())  # noqa: S603 (our own interpreter)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def _client(port: int, cookie: str, requests: int, seed: int, samples: list[float]) -> None:
    token = secrets.token_hex(16)  # a CSRF secret: sent as the cookie and as the header
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"sessionid={cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Referer": f"http://127.0.0.1:{port}/",
    }
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(requests):
        body = json.dumps({"answers": rng.choice(ANSWER_SETS), "lang": "es"})
        start = time.perf_counter()
        connection.request("POST", "/api/screenings", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 201:
            raise SystemExit(f"POST /api/screenings answered {response.status}")


def _server_times(access_log: Path) -> list[float]:
    """Server times (ms) of the screening submissions in gunicorn's access log."""
    times = []
    for line in access_log.read_text().splitlines():
        status, micros = line.split()
        if status == "201":
            times.append(int(micros) / 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    setup_django(args.database_url)
    cookies = _session_cookies(args.clients)
    from django.db import connections

    connections.close_all()  # gunicorn's workers open their own
    port = _free_port()
    access_log = Path(tempfile.mkdtemp(prefix="amparo-bench-")) / "access.log"
    server = _start_gunicorn(port, args.workers, access_log)
    try:
        _client(port, cookies[0], 5, 0, [])  # warm-up: imports, protocol cache, connections
        time.sleep(0.5)  # gunicorn logs a request after answering it
        access_log.write_text("")
        samples: list[float] = []
        threads = [
            threading.Thread(target=_client, args=(port, cookie, args.requests, n, samples))
            for n, cookie in enumerate(cookies)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        time.sleep(0.5)  # let gunicorn flush its access log
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    total = args.clients * args.requests
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end")
    print(
        f"screening submissions on {engine}, gunicorn {args.workers} workers, "
        f"{args.clients} concurrent clients, {total} requests, {total / elapsed:.1f} requests/s"
    )
    print(f"  server time:       {percentiles(_server_times(access_log))}")
    print(f"  client round trip: {percentiles(samples)}")


if __name__ == "__main__":
    main()
