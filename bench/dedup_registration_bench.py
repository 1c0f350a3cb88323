"""The registration check (search before create) against a large encrypted registry.

Builds N synthetic persons (`amparo.dedup.synthetic`, with known duplicates), each encrypted
with its blind indexes and one case at one agency, whose supervisor runs the check: the widest
scope there is. Q records that have a duplicate in the registry are held out and searched for;
recall@10 is the share whose person is among the ten suggestions. Every check is the real
`search_persons`, audit event included.

    .venv/bin/python bench/dedup_registration_bench.py --records 1000000
    .venv/bin/python bench/dedup_registration_bench.py --records 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/amparo_dedup_bench

The bulk load writes what `create_person` and `open_case` write (the same encrypted values,
the same blind indexes from `people.domain.cases._identifiers`' rules) but as rows, not model
instances: persons, cases and identifiers are encrypted and hashed in Python, inserted in
batches of 50,000 in one transaction (`executemany` on SQLite, `COPY` on PostgreSQL), with the
identifier table's indexes dropped during the load and rebuilt after it, then `ANALYZE`. On
PostgreSQL the load runs with `session_replication_role = replica` (foreign-key triggers off:
the rows are consistent by construction, and 10 M deferred checks would be queued in memory).

`--data-dir DIR` keeps the SQLite database and its keys in DIR; a later run with the same
`--data-dir` (or the same `--database-url`) and `--reuse` skips the load and only measures.
"""

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import machine, percentiles

BATCH = 50_000
KEYS = {  # fixed bench keys, so that a kept database can be measured again (--reuse)
    "AMPARO_KEYS": base64.urlsafe_b64encode(b"bench-encryption-key-0123456789a").decode(),
    "AMPARO_INDEX_KEY": "a" * 43 + "=",
    "AMPARO_AUDIT_KEY": "b" * 43 + "=",
    "AMPARO_CHECKPOINT_KEY": "c" * 43 + "=",
}


def setup(database_url: str, data_dir: str, reuse: bool) -> None:
    import tempfile

    os.environ["AMPARO_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="amparo-bench-")
    os.environ.update(KEYS)
    os.environ["AMPARO_REQUIRE_2FA"] = "false"
    os.environ["AMPARO_LOCKOUT_ENABLED"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "amparo.settings"
    if database_url:
        if not reuse:
            from _common import _recreate_postgres_database

            _recreate_postgres_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        if not reuse:
            Path(os.environ["AMPARO_DATA_DIR"], "amparo.sqlite3").unlink(missing_ok=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)  # on a kept database: the migrations since its load


class Rows:
    """The database rows of one person, its case and its identifiers, as create_person and
    open_case would write them, computed without model instances."""

    def __init__(self) -> None:
        from amparo.people.enums import IdentifierKind
        from amparo.protection import crypto

        self.encrypt = crypto.encrypt
        key = crypto.key_ring().index_key
        self.kinds = IdentifierKind
        self.macs = {
            kind: hmac.new(key, f"{kind}\x00".encode(), hashlib.sha256)
            for kind in IdentifierKind.values
        }

    def digest(self, kind: str, value: str) -> str:
        mac = self.macs[kind].copy()
        mac.update(value.encode())
        return mac.hexdigest()

    def person(self, record: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        from amparo.lib.names import name_keys
        from amparo.lib.text import normalise_document, normalise_name, normalise_phone

        birth = record["birth_date"]
        documents = (
            [{"type": "passport", "number": record["document_number"], "country": "HN"}]
            if record["document_number"]
            else []
        )
        names = [record["given_name"], record["surname"], record["second_surname"]]
        full_name = " ".join(p for p in names if p)
        enc = self.encrypt
        values = {
            "given_names": enc(record["given_name"]),
            "first_surname": enc(record["surname"]) if record["surname"] else "",
            "second_surname": enc(record["second_surname"]) if record["second_surname"] else "",
            "sex": record["sex"] or "unknown",
            "birth_date": enc(birth) if birth else "",
            "birth_year": int(birth[:4]) if birth else None,
            "nationalities": json.dumps([record["nationality"]]),
            "documents": enc(json.dumps(documents, ensure_ascii=False, sort_keys=True)),
            "phone": enc(record["phone"]) if record["phone"] else "",
        }
        kind = self.kinds
        identifiers = []
        if full := normalise_name(full_name):
            identifiers.append((kind.NAME, self.digest(kind.NAME, full)))
        for key in sorted(name_keys(full_name)):
            identifiers.append((kind.NAME_KEY, self.digest(kind.NAME_KEY, key)))
        if number := normalise_document(record["document_number"]):
            identifiers.append((kind.DOCUMENT, self.digest(kind.DOCUMENT, number)))
        if phone := normalise_phone(record["phone"]):
            identifiers.append((kind.PHONE, self.digest(kind.PHONE, phone)))
        return values, identifiers


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _template(model: Any, **values: Any) -> dict[str, Any]:
    """Every column of one row with its database value (defaults), to copy and override."""
    from django.db import connection

    instance = model(**values)
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            setattr(instance, field.attname, dt.datetime.now(dt.UTC))
    row = {}
    for field in model._meta.concrete_fields:
        value = field.get_db_prep_save(getattr(instance, field.attname), connection)
        row[field.column] = getattr(value, "obj", value)  # psycopg's Jsonb wraps the value
    if "nationalities" in row or "languages" in row:
        for column in ("nationalities", "languages"):
            if column in row and not isinstance(row[column], str):
                row[column] = json.dumps(row[column])
    return row


class Writer:
    """Batched inserts of explicit rows: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        quoted = ", ".join(f'"{c}"' for c in columns)
        with self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
                with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                statement = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
                cursor.connection.executemany(statement, rows)

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the table's indexes that are not its primary key."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL",
                    [table],
                )
            return list(cursor.fetchall())

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)

    def reset_sequence(self, table: str, last: int) -> None:
        if self.postgres:
            self.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {last})")


def analyse(writer: "Writer") -> None:
    """Planner statistics after a bulk load, as autovacuum would gather them; on PostgreSQL
    also the visibility map (VACUUM), which lets the check read the identifier index alone."""
    writer.execute("VACUUM ANALYZE" if writer.postgres else "ANALYZE")


def build(records: list[tuple[dict[str, str], int]]) -> tuple[Any, dict[int, int]]:
    """Insert the records; returns the supervisor and person primary key -> person number."""
    from django.db import transaction

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.people.models import Case, Person, PersonIdentifier

    load_reference_data()
    agency = Agency.objects.get(code="mx-oim")
    supervisor = create_staff_user(
        "bench.super", password="bench-password-123", memberships=[(agency, Role.SUPERVISOR)]
    )
    writer = Writer()
    rows = Rows()
    person_table, case_table = Person._meta.db_table, Case._meta.db_table
    identifier_table = PersonIdentifier._meta.db_table
    person_template = _template(Person, given_names="x", is_synthetic=True)
    case_template = _template(
        Case, reference="x", person_id=1, agency=agency, country_id=agency.country_id,
        is_synthetic=True,
    )  # fmt: skip
    person_columns, case_columns = list(person_template), list(case_template)
    identifier_columns = ["person_id", "kind", "digest"]
    first = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    owner: dict[int, int] = {}
    started = time.perf_counter()
    with transaction.atomic():
        if writer.postgres:
            writer.execute("SET LOCAL session_replication_role = replica")
            writer.execute("SET LOCAL maintenance_work_mem = '1GB'")
        else:
            writer.execute("PRAGMA cache_size = -1000000")  # 1 GB while loading and indexing
        indexes = writer.secondary_indexes(identifier_table)
        for name, _ in indexes:
            writer.execute(f'DROP INDEX "{name}"')
        for start in range(0, len(records), BATCH):
            persons, cases, identifiers = [], [], []
            for offset, (record, number) in enumerate(records[start : start + BATCH]):
                pk, case_pk = first + start + offset, first_case + start + offset
                values, keys = rows.person(record)
                person_row = {**person_template, **values, "id": pk}
                persons.append(tuple(person_row[c] for c in person_columns))
                case_row = {**case_template, "id": case_pk, "person_id": pk,
                            "reference": f"MX-B-{pk:08d}"}  # fmt: skip
                cases.append(tuple(case_row[c] for c in case_columns))
                identifiers.extend((pk, kind, digest) for kind, digest in keys)
                owner[pk] = number
            writer.insert(person_table, person_columns, persons)
            writer.insert(case_table, case_columns, cases)
            writer.insert(identifier_table, identifier_columns, identifiers)
            done = start + len(persons)
            rate = done / (time.perf_counter() - started)
            print(f"  {done:,} persons ({rate:,.0f}/s)", file=sys.stderr, flush=True)
        loaded = time.perf_counter()
        for _, statement in indexes:
            writer.execute(statement)
        print(f"  indexes rebuilt in {time.perf_counter() - loaded:.0f} s", file=sys.stderr)
    last = first + len(records) - 1
    writer.reset_sequence(person_table, last)
    writer.reset_sequence(case_table, first_case + len(records) - 1)
    analyse(writer)
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
    parser.add_argument("--data-dir", default="", help="keep the SQLite database here")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept before")
    args = parser.parse_args()
    setup(args.database_url, args.data_dir, args.reuse)
    from amparo.accounts.models import User
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
    if args.reuse:
        supervisor = User.objects.get(username="bench.super")
        owner = {pk: number for pk, (_, number) in enumerate(registry, start=1)}
        analyse(Writer())
        print(f"reusing {len(registry):,} encrypted persons")
    else:
        started = time.perf_counter()
        supervisor, owner = build(registry)
        elapsed = time.perf_counter() - started
        print(f"built {len(registry):,} encrypted persons in {elapsed:.0f} s")
    present = set(owner.values())
    queries = [(r, n) for r, n in held_out if n in present]
    search_persons(supervisor, _query(queries[0][0]), limit=10)  # warm the caches once
    timings, found = [], 0
    for record, number in queries:
        started = time.perf_counter()
        matches = search_persons(supervisor, _query(record), limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        found += any(owner[m.person.pk] == number for m in matches)
    print(f"registration check: {percentiles(timings)}, recall@10 {found / len(queries):.3f}")


if __name__ == "__main__":
    main()
