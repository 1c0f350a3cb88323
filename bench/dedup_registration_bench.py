"""The registration check (search before create) against a large encrypted registry.

Builds N synthetic persons (`amparo.dedup.synthetic`, with known duplicates), each encrypted
with its blind indexes and one case at one agency, whose supervisor runs the check: the widest
scope there is. Q records that have a duplicate in the registry are held out and searched for;
recall@10 is the share whose person is among the ten suggestions. Every check is the real
`search_persons`, audit event included.

    .venv/bin/python bench/dedup_registration_bench.py --records 1000000
    .venv/bin/python bench/dedup_registration_bench.py --records 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/amparo_dedup_bench
"""

import argparse
import base64
import datetime as dt
import os
import time

from _common import machine, percentiles, setup_django


def _person(record: dict[str, str]) -> object:
    from amparo.people.models import Person

    birth = record["birth_date"]
    return Person(
        given_names=record["given_name"],
        first_surname=record["surname"],
        second_surname=record["second_surname"],
        sex=record["sex"],
        birth_date=birth,
        birth_year=int(birth[:4]) if birth else None,
        nationalities=[record["nationality"]],
        documents=[{"type": "passport", "number": record["document_number"], "country": "HN"}]
        if record["document_number"]
        else [],
        phone=record["phone"],
        is_synthetic=True,
    )


def build(records: list[tuple[dict[str, str], int]]) -> tuple[object, dict[int, int]]:
    """Insert the records; returns the supervisor and person number -> ... (by primary key)."""
    from django.db import connection

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.people.domain.cases import _identifiers
    from amparo.people.models import Case, Person, PersonIdentifier

    load_reference_data()
    agency = Agency.objects.get(code="mx-oim")
    supervisor = create_staff_user(
        "bench.super", password="bench-password-123", memberships=[(agency, Role.SUPERVISOR)]
    )
    owner: dict[int, int] = {}
    batch = 5000
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        persons = Person.objects.bulk_create([_person(r) for r, _ in chunk])
        PersonIdentifier.objects.bulk_create([row for p in persons for row in _identifiers(p)])
        Case.objects.bulk_create(
            [
                Case(reference=f"MX-B-{start + i:08d}", person=p, agency=agency,
                     country_id=agency.country_id, is_synthetic=True)
                for i, p in enumerate(persons)
            ]
        )  # fmt: skip
        for person, (_, number) in zip(persons, chunk, strict=True):
            owner[person.pk] = number
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics after a bulk load, as autovacuum would
    return supervisor, owner


def _query(record: dict[str, str]) -> object:
    from amparo.people.domain.search import PersonQuery

    birth = record["birth_date"]
    return PersonQuery(
        given_names=record["given_name"],
        first_surname=record["surname"],
        second_surname=record["second_surname"],
        birth_year=int(birth[:4]) if birth else None,
        document_number=record["document_number"],
        phone=record["phone"],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ.setdefault("AMPARO_AUDIT_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    setup_django(args.database_url)
    from amparo.dedup.synthetic import generate
    from amparo.people.domain.search import search_persons

    print(f"machine: {machine()}")
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}, {dt.date.today()}")
    everything = list(generate(args.records + args.queries * 3, seed=23))
    seen: dict[int, int] = {}
    for _, number in everything:
        seen[number] = seen.get(number, 0) + 1
    held_out, registry = [], []
    for record, number in everything:
        if len(held_out) < args.queries and seen[number] > 1:
            held_out.append((record, number))
            seen[number] -= 1  # the other records of this person stay in the registry
        else:
            registry.append((record, number))
    registry = registry[: args.records]
    started = time.perf_counter()
    supervisor, owner = build(registry)
    print(f"built {len(registry):,} encrypted persons in {time.perf_counter() - started:.0f} s")
    present = set(owner.values())
    queries = [(r, n) for r, n in held_out if n in present]
    timings, found = [], 0
    for record, number in queries:
        started = time.perf_counter()
        matches = search_persons(supervisor, _query(record), limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        found += any(owner[m.person.pk] == number for m in matches)
    print(f"registration check: {percentiles(timings)}, recall@10 {found / len(queries):.3f}")


if __name__ == "__main__":
    main()
