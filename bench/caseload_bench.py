"""Caseload page, case list and case page with a large registry: server time p50 and p95.

Builds --cases synthetic cases (bulk inserted, encrypted like any other) spread over the
agencies of the 11 countries; the measured case manager holds 300 of them and 200 open tasks,
the supervisor's agency holds a share of the rest.
Run: .venv/bin/python bench/caseload_bench.py --cases 100000 \
     --database-url postgresql://postgres@127.0.0.1:5432/amparo_bench
"""

import argparse
import datetime as dt
import random
import time

from _common import machine, percentiles, setup_django


def build(total: int) -> tuple[object, object, list[int]]:
    from django.utils import timezone

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.casework.models import Task
    from amparo.people.enums import CaseStatus
    from amparo.people.models import Case, Person

    load_reference_data()
    agencies = list(Agency.objects.filter(kind="international_organisation"))
    home = Agency.objects.get(code="mx-oim")
    manager = create_staff_user(
        "bench.manager", password="bench-password-123", memberships=[(home, Role.CASE_MANAGER)]
    )
    supervisor = create_staff_user(
        "bench.super", password="bench-password-123", memberships=[(home, Role.SUPERVISOR)]
    )
    rng = random.Random(7)
    statuses = list(CaseStatus.values)
    batch = 5000
    for start in range(0, total, batch):
        size = min(batch, total - start)
        persons = Person.objects.bulk_create(
            [
                Person(
                    given_names=f"Synth{start + i}",
                    first_surname="Bench",
                    second_surname="Load",
                    birth_year=1990,
                    is_synthetic=True,
                )
                for i in range(size)
            ]
        )
        cases = []
        for offset, person in enumerate(persons):
            index = start + offset
            mine = index < 300
            agency = home if mine or index % 11 == 0 else rng.choice(agencies)
            cases.append(
                Case(
                    reference=f"{agency.country_id}-2026-{index:07d}",
                    person=person,
                    agency=agency,
                    country_id=agency.country_id,
                    assigned_to=manager if mine else None,
                    status=rng.choice(statuses[:-1]) if mine else rng.choice(statuses),
                    is_synthetic=True,
                )
            )
        Case.objects.bulk_create(cases)
    mine = list(Case.objects.filter(assigned_to=manager).values_list("pk", flat=True))
    now = timezone.now()
    Task.objects.bulk_create(
        [
            Task(
                case_id=pk,
                title="Follow up",
                due_at=now + dt.timedelta(hours=rng.randint(-48, 96)),
                assigned_to=manager,
            )
            for pk in mine[:200]
        ]
    )
    return manager, supervisor, mine


def measure(client: object, urls: list[str], requests: int) -> list[float]:
    rng = random.Random(3)
    for url in urls[:10]:
        client.get(url)  # type: ignore[attr-defined]
    samples = []
    for _ in range(requests):
        url = rng.choice(urls)
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.test import Client

    started = time.perf_counter()
    manager, supervisor, mine = build(args.cases)
    built = time.perf_counter() - started
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}")
    print(f"{engine}: built {args.cases:,} cases in {built:.1f} s")
    client = Client()
    client.force_login(manager)
    caseload = percentiles(measure(client, ["/caseload/"], args.requests))
    print(f"caseload page (case manager, 300 cases, 200 tasks): {caseload}")
    case_urls = [f"/cases/{pk}/" for pk in mine]
    print(f"case page (audited read): {percentiles(measure(client, case_urls, args.requests))}")
    boss = Client()
    boss.force_login(supervisor)
    listing = percentiles(measure(boss, ["/cases/"], args.requests))
    print(f"case list (supervisor, agency with ~{args.cases // 11:,} cases): {listing}")


if __name__ == "__main__":
    main()
