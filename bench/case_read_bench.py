"""Audited case-page read: server time p50 and p95 on SQLite and on PostgreSQL.

Each request goes through the whole Django stack (middleware, gate, audit append, template)
with the test client, against a database holding --cases synthetic cases.
Run: .venv/bin/python bench/case_read_bench.py [--database-url postgresql://postgres@127.0.0.1:5432/amparo_bench]
"""

import argparse
import os
import random
import time
from typing import TYPE_CHECKING

from _common import machine, percentiles, setup_django

if TYPE_CHECKING:
    from django.test import Client

    from amparo.accounts.models import User
    from amparo.people.models import Case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument(
        "--full", type=int, default=200, help="cases given a consent, a plan and tasks"
    )
    parser.add_argument(
        "--queries", action="store_true", help="also print the SQL of one request, numbered"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also print where 100 requests spend their time"
    )
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="keep Python's default collector settings instead of the server's (amparo.wsgi)",
    )
    args = parser.parse_args()
    os.environ.setdefault("AMPARO_AUDIT_KEY", "b" * 43 + "=")  # a throwaway key, like the others
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    setup_django(args.database_url)

    from django.test import Client

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.people.domain.cases import PersonData, open_case, register_person
    from amparo.people.models import Case

    load_reference_data()
    agency = Agency.objects.get(code="mx-oim")
    user = create_staff_user(
        "bench.mx", password="bench-password-123", memberships=[(agency, Role.SUPERVISOR)]
    )
    ids = []
    for index in range(args.cases):
        person = register_person(
            PersonData(given_names=f"Synth{index}", first_surname="Bench", nationalities=["HN"]),
            actor=user,
            is_synthetic=True,
        )
        ids.append(open_case(person, actor=user, agency=agency, assigned_to=user).pk)

    for case_id in ids[: args.full]:
        _fill(Case.objects.get(pk=case_id), user)
    ids = ids[: args.full] or ids

    client = Client()
    client.force_login(user)
    if not args.default_gc:  # as the server does once the application is loaded
        from amparo.lib.runtime import tune_garbage_collector

        tune_garbage_collector()
    rng = random.Random(1)
    for _ in range(20):  # warm-up
        client.get(f"/cases/{rng.choice(ids)}/")
    samples = []
    for _ in range(args.requests):
        case_id = rng.choice(ids)
        start = time.perf_counter()
        response = client.get(f"/cases/{case_id}/")
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    queries = _queries_of_one_request(client, ids[0])
    print(f"queries per request: {len(queries)}")
    if args.queries:
        for number, sql in enumerate(queries, 1):
            print(f"  {number:2}. {sql[:160]}")
    if args.profile:
        _profile(client, ids, rng)
    from amparo.protection.domain.audit import verify_chain

    report = verify_chain()
    print(f"audit chain after the run: intact={report.intact}, {report.checked} events")
    gc_mode = "default collector" if args.default_gc else "collector tuned as the server's"
    print(
        f"audited case-page read on {engine} ({gc_mode}) with {args.cases} cases "
        f"({args.full} with consent, plan and tasks): {percentiles(samples)}"
    )


def _queries_of_one_request(client: "Client", case_id: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/cases/{case_id}/").status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _profile(client: "Client", ids: list[int], rng: random.Random) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(100):
        client.get(f"/cases/{rng.choice(ids)}/")
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def _fill(case: "Case", user: "User") -> None:
    """What a case in progress holds: a consent, a plan of two goals, two open tasks."""
    from amparo.casework.domain.consent import ConsentInput, record_consent
    from amparo.casework.domain.plans import ActionInput, GoalInput, save_plan
    from amparo.casework.domain.tasks import create_task

    record_consent(case, ConsentInput(purpose="assistance", method="written"), actor=user)
    goals = [
        GoalInput(description=f"Goal {n}", actions=[ActionInput(description="Act")] * 2)
        for n in range(2)
    ]
    save_plan(case, actor=user, summary="Bench plan", goals=goals, expected_version=1)
    for n in range(2):
        create_task(case, actor=user, title=f"Task {n}")


if __name__ == "__main__":
    main()
