"""Synthetic demo data: one account per role and synthetic cases across the 11 countries.

Every person made here is invented by Faker and flagged is_synthetic; pages say so.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.demo.screenings import screen_case
from amparo.demo.stages import advance_case
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.enums import Sex

DEMO_PASSWORD = "amparo-demo-2026"  # noqa: S105  (synthetic demo accounts only)

# (username, agency code, role): one account per role, plus a case manager per country.
DEMO_ACCOUNTS: list[tuple[str, str, Role]] = [
    ("officer.mx", "mx-oim", Role.FRONT_LINE_OFFICER),
    ("manager.mx", "mx-oim", Role.CASE_MANAGER),
    ("supervisor.mx", "mx-oim", Role.SUPERVISOR),
    ("receiving.mx", "mx-comar", Role.RECEIVING_OFFICER),
    ("focal.mx", "mx-inm", Role.FOCAL_POINT),
    ("analyst", "cr-oim", Role.REGIONAL_ANALYST),
    ("trainer.mx", "mx-oim", Role.TRAINER),
    ("trainee.mx", "mx-inm", Role.TRAINEE),
    ("admin.mx", "mx-oim", Role.ADMINISTRATOR),
]
COUNTRY_MANAGERS = ["gt", "hn", "sv", "cr", "pa", "ni", "do", "bz", "ca", "us"]
# Stages the demo walks cases to, in turn, so that every stage is represented.
DEMO_TARGETS = [
    "identified", "registered", "immediate_needs", "assessed",
    "plan_agreed", "in_progress", "monitoring", "closed",
]  # fmt: skip

_LOCALES = {
    "MX": "es_MX", "GT": "es_MX", "HN": "es_MX", "SV": "es_MX", "NI": "es_MX",
    "CR": "es_ES", "PA": "es_ES", "DO": "es_ES", "BZ": "en_US", "CA": "fr_CA", "US": "es_MX",
}  # fmt: skip
_NATIONALITIES = ["GT", "HN", "SV", "NI", "VE", "HT", "CU", "CO", "EC", "MX", "CM", "IN"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: str


def demo_accounts_exist() -> bool:
    return User.objects.filter(username="manager.mx").exists()


def create_demo_accounts() -> list[DemoAccount]:
    accounts = list(DEMO_ACCOUNTS)
    accounts += [(f"manager.{c}", f"{c}-oim", Role.CASE_MANAGER) for c in COUNTRY_MANAGERS]
    accounts += [(f"supervisor.{c}", f"{c}-oim", Role.SUPERVISOR) for c in COUNTRY_MANAGERS]
    made = []
    for username, agency_code, role in accounts:
        agency = Agency.objects.get(code=agency_code)
        language = "en" if agency.country_id in {"BZ", "US"} else "es"
        language = "fr" if agency.country_id == "CA" else language
        create_staff_user(
            username, password=DEMO_PASSWORD, memberships=[(agency, role)], language=language
        )
        made.append(DemoAccount(username, role, agency_code))
    return made


def _person_data(fake: Faker, rng: random.Random, country: str) -> PersonData:
    sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN])
    given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
    age = rng.choice([rng.randint(8, 17), rng.randint(18, 45), rng.randint(46, 75)])
    birth = dt.date.today() - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    nationality = rng.choice(_NATIONALITIES)
    documents = []
    if rng.random() < 0.6:
        documents = [
            {
                "type": "passport",
                "number": fake.bothify("??#######").upper(),
                "country": nationality,
            }
        ]
    return PersonData(
        given_names=given,
        first_surname=fake.last_name(),
        second_surname=fake.last_name() if rng.random() < 0.8 else "",
        sex=sex,
        birth_date=birth,
        birth_date_is_approximate=rng.random() < 0.2,
        nationalities=[nationality],
        languages=["fr", "ht"] if nationality == "HT" else ["es"],
        documents=documents,
        phone=fake.numerify("+52 ### ### ####") if rng.random() < 0.5 else "",
    )


def seed_demo_cases(total: int = 200, seed: int = 2026) -> int:
    """Create `total` synthetic persons and cases spread over the 11 countries and all stages.

    Each case is walked through the real domain functions up to its stage (see demo_stages).
    """
    rng = random.Random(seed)
    managers = _by_country("manager.")
    supervisors = _by_country("supervisor.")
    officer = User.objects.get(username="officer.mx")
    comar = User.objects.prefetch_related("memberships__agency").get(username="receiving.mx")
    countries = sorted(managers)
    with transaction.atomic():
        for index in range(total):
            country = countries[index % len(countries)]
            fake = Faker(_LOCALES[country])
            fake.seed_instance(seed + index)
            manager = managers[country]
            agency = manager.memberships.all()[0].agency
            creator = officer if country == "MX" and index % 3 == 0 else manager
            data = _person_data(fake, rng, country)
            person = register_person(data, actor=creator, is_synthetic=True)
            case = open_case(person, actor=creator, agency=agency, assigned_to=manager)
            screen_case(case, actor=manager, index=index)
            target = DEMO_TARGETS[(index // len(countries)) % len(DEMO_TARGETS)]
            receiver = comar if country == "MX" else None
            approver = supervisors.get(country)
            advance_case(
                case, actor=manager, target=target, rng=rng, approver=approver, receiver=receiver
            )
    return total


def _by_country(prefix: str) -> dict[str, User]:
    users = User.objects.filter(username__startswith=prefix).prefetch_related("memberships__agency")
    return {u.memberships.all()[0].agency.country_id: u for u in users}
