"""The case list as a streamed CSV (`/caseload/cases.csv`): time and peak memory of one export.

Builds --cases synthetic cases (bulk inserted, every personal field encrypted as usual: names,
birth date, phone, documents) in one agency, whose supervisor exports them all: the largest
export one person can make. The export runs in a forked process that only serves it, through
Django's test client and the real view (gate, role fields, audit event, csvsafe), reading the
streamed body chunk by chunk as a browser would; the figures are that process's wall time and
peak resident memory (ru_maxrss, which includes the Django process it started as).

Run: .venv/bin/python bench/case_export_bench.py --cases 100000 \
     [--database-url postgresql://postgres@127.0.0.1:5432/amparo_bench]
"""

import argparse
import os
import random
import resource
import time

from _common import machine, setup_django


def build(total: int) -> object:
    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.people.enums import CaseStatus
    from amparo.people.models import Case, Person

    load_reference_data()
    home = Agency.objects.get(code="mx-oim")
    supervisor = create_staff_user(
        "bench.super", password="bench-password-123", memberships=[(home, Role.SUPERVISOR)]
    )
    rng = random.Random(5)
    statuses = list(CaseStatus.values)
    batch = 5000
    for start in range(0, total, batch):
        size = min(batch, total - start)
        persons = Person.objects.bulk_create(
            [
                Person(
                    given_names=f"Synth{start + i}" if i % 500 else f'=HYPERLINK("x{i}")',
                    first_surname="Bench",
                    second_surname="Load",
                    sex=rng.choice(["female", "male"]),
                    birth_date=f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    birth_year=1990,
                    nationalities=["HN", "GT"][: rng.randint(1, 2)],
                    languages=["es"],
                    documents=[
                        {"type": "passport", "number": f"X{start + i:08d}", "country": "HN"}
                    ],
                    phone=f"+52 55 {start + i:08d}",
                    is_synthetic=True,
                )
                for i in range(size)
            ]
        )
        Case.objects.bulk_create(
            [
                Case(
                    reference=f"MX-2026-{start + offset:07d}",
                    person=person,
                    agency=home,
                    country_id=home.country_id,
                    status=rng.choice(statuses),
                    is_synthetic=True,
                )
                for offset, person in enumerate(persons)
            ]
        )
    return supervisor


def export(supervisor: object, query: str) -> None:
    """In the forked process: one export, read as a stream; prints its figures."""
    from django.db import connections
    from django.test import Client

    connections.close_all()  # a connection of its own, not the parent's
    client = Client()
    client.force_login(supervisor)  # type: ignore[arg-type]
    client.get("/caseload/")  # a warm process: URLs, views and templates loaded, as in service
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(f"/caseload/cases.csv{query}")
    first = None
    size = rows = chunks = 0
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        rows += chunk.count(b"\n")
        chunks += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"export {query or '(no filter)'}: status {response.status_code}, {rows - 1:,} cases, "
          f"{size / 1e6:.1f} MB of CSV in {chunks} chunks; first bytes after {first or 0:.2f} s, "
          f"whole export {elapsed:.1f} s ({(rows - 1) / elapsed:,.0f} cases/s), "
          f"of which CPU time of this process {cpu:.1f} s")  # fmt: skip
    print(f"peak memory of the exporting process: {peak:.0f} MB "
          f"(it started the export at {before:.0f} MB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    setup_django(args.database_url)
    print(machine())
    started = time.perf_counter()
    supervisor = build(args.cases)
    print(f"{args.cases:,} synthetic cases built in {time.perf_counter() - started:.1f} s")
    from django.db import connections

    for query in ("", "?status=closed"):
        connections.close_all()
        child = os.fork()
        if child == 0:
            try:
                export(supervisor, query)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
    from amparo.protection.models import AuditEvent

    events = AuditEvent.objects.filter(action="cases.exported").values_list("payload", flat=True)
    print(f"audit events of the exports: {list(events)}")
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
