"""The safety checks of referrals: time of `check_recipient_allowed` and of the part of
matching that leaves out forbidden recipients, for a case with screenings on record.

Run: .venv/bin/python bench/referral_safety_bench.py [--database-url postgresql://...]
"""

import argparse
import os
import time

from _common import machine, percentiles, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--screenings", type=int, default=5)
    args = parser.parse_args()
    setup_django(args.database_url)

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.people.domain.cases import PersonData, open_case, register_person
    from amparo.referrals.domain.safety import (
        agencies_matching_leaves_out,
        check_recipient_allowed,
        facts_of,
    )
    from amparo.referrals.domain.seed import seed_directory_from_agencies
    from amparo.screening.domain.screenings import (
        attach_to_case,
        decide_profiles,
        submit_screening,
    )

    load_reference_data()
    seed_directory_from_agencies()
    oim = Agency.objects.get(code="mx-oim")
    actor = create_staff_user("bench.safety", password="x", memberships=[(oim, Role.CASE_MANAGER)])
    person = register_person(
        PersonData(given_names="Synth", nationalities=["HN"], languages=["es"]), actor=actor
    )
    case = open_case(person, actor=actor, agency=oim, assigned_to=actor)
    for index in range(args.screenings):
        answers = {"age_years": 30, "nationality": "HN", "country_of_identification": "MX",
                   "fear_of_return": index == args.screenings - 1}  # fmt: skip
        screening = submit_screening(actor=actor, agency=oim, answers=answers)
        codes = [d.code for d in screening.decisions.all()]
        decide_profiles(screening, actor=actor, decisions=dict.fromkeys(codes, (True, "")))
        attach_to_case(screening, actor=actor, case=case)
    consulate = Agency.objects.get(code="mx-consulado-hn")
    assert check_recipient_allowed(case, consulate, "documentation") is not None
    timings: dict[str, list[float]] = {"check": [], "matching part": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        check_recipient_allowed(case, consulate, "documentation")
        middle = time.perf_counter()
        agencies_matching_leaves_out(case, facts_of(case))
        end = time.perf_counter()
        timings["check"].append((middle - start) * 1000)
        timings["matching part"].append((end - middle) * 1000)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    for name, samples in timings.items():
        print(f"safety {name}, {args.screenings} screenings, {engine}: {percentiles(samples)}")


if __name__ == "__main__":
    main()
