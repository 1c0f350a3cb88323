"""HSDS 3.0 directory interchange: import and export time for --services synthetic services.

The file is a JSON list of HSDS services, each embedding its organization (one of
--organizations, so most are repeats, as in a real export) and one service at location with
its location and address. Times run the `amparo directory` command end to end: reading and
checking the file, then the one-transaction write; querying, then writing the JSON.
Run: .venv/bin/python bench/hsds_bench.py [--database-url postgresql://postgres@127.0.0.1:5432/amparo_bench]
"""

import argparse
import io
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from faker import Faker

from _common import machine, setup_django

CATEGORIES = ["asylum", "shelter", "health", "legal", "child_protection", "food"]
PROFILES = ["international_protection", "trafficking", "unaccompanied_child", "woman_at_risk"]


def _organization(fake: Faker) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=fake.random.getrandbits(128), version=4)),
        "name": fake.company(),
        "description": fake.catch_phrase(),
        "website": fake.url(),
        "email": fake.company_email(),
    }


def _term(fake: Faker, taxonomy: str, code: str) -> dict[str, Any]:
    term = {"id": fake.uuid4(), "code": code, "name": code, "description": "", "taxonomy": taxonomy}
    return {"id": fake.uuid4(), "value": code, "taxonomy_term": term}


def _location(fake: Faker) -> dict[str, Any]:
    address = {
        "id": fake.uuid4(),
        "address_1": fake.street_address(),
        "city": fake.city(),
        "state_province": fake.state(),
        "postal_code": fake.postcode(),
        "country": "MX",
        "address_type": "physical",
    }
    return {
        "id": fake.uuid4(),
        "location_type": "physical",
        "name": fake.street_name(),
        "latitude": float(fake.latitude()),
        "longitude": float(fake.longitude()),
        "addresses": [address],
    }


def _service(fake: Faker, organization: dict[str, Any]) -> dict[str, Any]:
    attributes = [_term(fake, "amparo-service-category", random.choice(CATEGORIES))]
    attributes += [_term(fake, "amparo-served-profile", random.choice(PROFILES))]
    return {
        "id": fake.uuid4(),
        "name": fake.bs().capitalize(),
        "description": fake.paragraph(),
        "status": "active",
        "url": fake.url(),
        "minimum_age": random.choice([0, 12, 18]),
        "languages": [{"id": fake.uuid4(), "code": random.choice(["es", "en", "fr"])}],
        "schedules": [{"id": fake.uuid4(), "opens_at": "09:00", "closes_at": "17:00"}],
        "attributes": attributes,
        "organization": organization,
        "service_at_locations": [{"id": fake.uuid4(), "location": _location(fake)}],
    }


def synthetic_services(count: int, organizations: int) -> list[dict[str, Any]]:
    fake = Faker("es_MX")
    Faker.seed(1)
    random.seed(1)
    providers = [_organization(fake) for _ in range(organizations)]
    return [_service(fake, random.choice(providers)) for _ in range(count)]


def _timed(*args: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("directory", *args, stdout=out, stderr=out)
    return time.perf_counter() - start, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--organizations", type=int, default=500)
    args = parser.parse_args()
    setup_django(args.database_url)

    folder = Path(tempfile.mkdtemp(prefix="amparo-hsds-bench-"))
    source, target = folder / "directory.json", folder / "export.json"
    source.write_text(json.dumps(synthetic_services(args.services, args.organizations)))
    import_seconds, imported = _timed("import", str(source))
    reimport_seconds, _ = _timed("import", str(source))
    export_seconds, _ = _timed("export", "--format", "hsds", "--out", str(target))
    exported = len(json.loads(target.read_text()))

    engine = "PostgreSQL" if args.database_url else "SQLite"
    megabytes = source.stat().st_size / 1_000_000
    print(f"machine: {machine()}")
    print(f"HSDS file: {args.services} services, {megabytes:.1f} MB; {imported}")
    print(f"import into an empty directory on {engine}: {import_seconds:.2f} s (target < 30 s)")
    print(f"import again, every record an update: {reimport_seconds:.2f} s")
    print(f"export of {exported} services: {export_seconds:.2f} s (target < 10 s)")


if __name__ == "__main__":
    main()
