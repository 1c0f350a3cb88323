"""Service matching for a case over a directory of 10,000 services: time per match.

All services are placed in the case's country (the worst case: every one is a candidate).
Run: .venv/bin/python bench/matching_bench.py [--database-url postgresql://...] [--services 10000]
"""

import argparse
import random
import time
import uuid

from _common import machine, percentiles, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_django(args.database_url)

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.models import Agency, Country, User
    from amparo.people.domain.cases import PersonData, open_case, register_person
    from amparo.referrals.domain.eligibility import rebuild_eligibility
    from amparo.referrals.domain.matching import Needs, match_services, ranked_service_ids
    from amparo.referrals.domain.safety import agencies_matching_leaves_out, facts_of
    from amparo.referrals.enums import ServedProfile, ServiceCategory
    from amparo.referrals.models import Organization, Service, search_text_of

    load_reference_data()
    rng = random.Random(5)
    mexico = Country.objects.get(code="MX")
    orgs = Organization.objects.bulk_create(
        [
            Organization(id=uuid.uuid4(), name=f"Synthetic org {i}", country=mexico)
            for i in range(500)
        ]
    )
    services = []
    for i in range(args.services):
        name = f"Synthetic service {i}"
        services.append(
            Service(
                id=uuid.uuid4(),
                organization=orgs[i % len(orgs)],
                name=name,
                search_text=search_text_of(name, ""),
                category=rng.choice(ServiceCategory.values),
                profiles=rng.sample(ServedProfile.values, k=2),
                languages=rng.sample(["es", "en", "fr", "ht", "pt"], k=2),
                minimum_age=rng.choice([None, 0, 18]),
            )
        )
    Service.objects.bulk_create(services, batch_size=2000)
    # Bulk rows bypass the directory's write functions: derive matching's table once.
    start = time.perf_counter()
    rebuild_eligibility()
    rebuild_ms = (time.perf_counter() - start) * 1000
    actor = User.objects.create(username="bench")
    person = register_person(
        PersonData(given_names="Synth", languages=["ht"], nationalities=["HT"]), actor=actor
    )
    case = open_case(person, actor=actor, agency=Agency.objects.get(code="mx-oim"))
    needs = Needs(
        profiles=("international_protection", "unaccompanied_child"),
        categories=("asylum",),
        languages=("ht",),
        age=16,
    )
    match_services(case, needs)
    samples, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        found = match_services(case, needs)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    # The parts: the safety reads (safety.py) and the ranking query alone.
    safety, ranking = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        facts = facts_of(case)
        leaves_out = agencies_matching_leaves_out(case, facts)
        middle = time.perf_counter()
        ranked_service_ids(case, needs, facts, leaves_out, 20)
        end = time.perf_counter()
        safety.append((middle - start) * 1000)
        ranking.append((end - middle) * 1000)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}")
    print(f"eligibility table derived for {args.services:,} services in {rebuild_ms:.0f} ms")
    print(
        f"matching over {args.services:,} services on {engine} ({len(found)} shown): "
        f"{percentiles(samples)}"
    )
    # On a shared machine the wall time waits for the cores; this process's CPU time does not
    # (nor does it count PostgreSQL's own work).
    print(f"  CPU time of this process: {percentiles(cpu)}")
    print(f"  of which the safety reads (facts, recipients left out): {percentiles(safety)}")
    print(f"  of which the ranking query: {percentiles(ranking)}")


if __name__ == "__main__":
    main()
