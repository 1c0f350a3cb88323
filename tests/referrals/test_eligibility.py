"""Matching's denormalised eligibility table: the same results as scoring every candidate in
Python, kept in step with the directory by its write functions (issue 13, item 11)."""

import copy
import importlib
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.referrals.domain.eligibility import (
    PROFILE_BITS,
    eligibility_differences,
    rebuild_eligibility,
)
from amparo.referrals.domain.matching import (
    Candidate,
    Needs,
    ServiceMatch,
    _text,
    match_services,
    score,
)
from amparo.referrals.domain.queries import code_in_list, in_country
from amparo.referrals.domain.safety import (
    BID_FIRST_KINDS,
    agencies_matching_leaves_out,
    facts_of,
)
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.enums import (
    CATEGORY_TAXONOMY,
    PROFILE_TAXONOMY,
    ServedProfile,
    ServiceCategory,
    ServiceStatus,
)
from amparo.referrals.interfaces.hsds_fields import classification_attribute
from amparo.referrals.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceCode,
    ServiceEligibility,
)
from tests.referrals.conftest import SERVICE_FULL, run_directory, screen

WriteJson = Callable[..., Path]

# --- The matching of before the table, kept here as the reference ------------------------------


def _old_candidates(case: Case, needs: Needs) -> QuerySet[Service]:
    relevant = Q()
    for profile in needs.profiles:
        relevant |= code_in_list("profiles", profile)
    if needs.categories:
        relevant |= Q(category__in=needs.categories)
    rows = Service.objects.filter(Q(status=ServiceStatus.ACTIVE) & in_country(case.country_id))
    rows = rows.filter(relevant) if relevant else rows
    facts = facts_of(case)
    rows = rows.exclude(organization__agency_id__in=agencies_matching_leaves_out(case, facts))
    if facts.bid_first:
        rows = rows.exclude(category__in=BID_FIRST_KINDS)
    return rows


def old_match_services(case: Case, needs: Needs, *, limit: int = 20) -> list[ServiceMatch]:
    rows = _old_candidates(case, needs).values_list(
        Cast("id", TextField()),
        "category",
        Cast("profiles", TextField()),
        Cast("languages", TextField()),
        "minimum_age",
        "maximum_age",
        "sex",
        "available",
        "capacity",
    )
    scored = [score(Candidate(*row), needs) for row in rows]
    shown = sorted((s for s in scored if s.fits), key=lambda s: -s.score)[:limit]
    ids = {s.candidate.pk: uuid.UUID(s.candidate.pk) for s in shown}
    services = Service.objects.select_related("organization").in_bulk(list(ids.values()))
    return [
        ServiceMatch(services[ids[s.candidate.pk]], s.score, _text(s.fits), _text(s.misfits))
        for s in sorted(shown, key=lambda s: (-s.score, services[ids[s.candidate.pk]].name))
    ]


def _shown(matches: list[ServiceMatch]) -> list[tuple[Any, ...]]:
    return [(m.service.pk, m.score, m.fits, m.misfits) for m in matches]


# --- A random directory ------------------------------------------------------------------------

_NAMES = ["Albergue", "Casa", "Clínica", "Defensoría", "Oficina", "Refugio"]
_LANGUAGES = ["es", "en", "fr", "ht", "pt"]
_UNKNOWN_PROFILE = "not_in_the_enum"  # written by hand, not by the import: still matched


def _random_directory(rng: random.Random, services: int) -> None:
    # The seeded organisations hold the agencies (consulates, enforcement bodies...).
    organizations = list(Organization.objects.filter(country_id__in=["MX", "GT"]))
    for index in range(20):
        country = rng.choice(["MX", "MX", "GT", None])
        organizations.append(
            Organization.objects.create(id=uuid.uuid4(), name=f"Org {index}", country_id=country)
        )
    places = [
        Location.objects.create(id=uuid.uuid4(), name=f"Site {code}", country_code=code)
        for code in ["MX", "MX", "GT", ""]
    ]
    profiles = [*ServedProfile.values, _UNKNOWN_PROFILE]
    for index in range(services):
        service = Service.objects.create(
            id=uuid.uuid4(),
            organization=rng.choice(organizations),
            name=f"{rng.choice(_NAMES)} {index % 7}",
            status=rng.choice([ServiceStatus.ACTIVE] * 5 + [ServiceStatus.INACTIVE]),
            category=rng.choice(["", *ServiceCategory.values]),
            profiles=rng.sample(profiles, k=rng.choice([0, 1, 2, 3])),
            languages=rng.sample(_LANGUAGES, k=rng.choice([0, 1, 2])),
            minimum_age=rng.choice([None, None, 0, 12, 18]),
            maximum_age=rng.choice([None, None, 17, 59]),
            sex=rng.choice(["", "", "female", "male"]),
            available=rng.random() > 0.2,
            capacity=rng.choice([None, 0, 3]),
        )
        for place in rng.sample(places, k=rng.choice([0, 0, 1, 2])):
            ServiceAtLocation.objects.create(id=uuid.uuid4(), service=service, location=place)
    # Rows written with the ORM bypass the directory's write functions.
    rebuild_eligibility()


def _random_needs(rng: random.Random) -> Needs:
    profiles = [*ServedProfile.values, _UNKNOWN_PROFILE]
    return Needs(
        profiles=tuple(rng.sample(profiles, k=rng.choice([0, 1, 2, 3]))),
        categories=tuple(rng.sample(ServiceCategory.values, k=rng.choice([0, 1, 3]))),
        languages=tuple(rng.sample(_LANGUAGES, k=rng.choice([0, 1, 2]))),
        age=rng.choice([None, 8, 16, 30, 70]),
        sex=rng.choice(["", "female", "male"]),
    )


@pytest.mark.parametrize("situation", ["no screening", "feared country, a child", "consul ok"])
def test_the_table_gives_the_same_matches_and_reasons_as_scoring_every_candidate(
    reference: None, mx_case: Case, mx_caseworker: User, situation: str
) -> None:
    if situation == "feared country, a child":
        screen(mx_case, mx_caseworker, age_years=15, travelling_alone=True, fear_of_return=True)
    elif situation == "consul ok":
        screen(mx_case, mx_caseworker, fear_of_return=False)
    seed_directory_from_agencies()
    rng = random.Random(f"eligibility {situation}")  # noqa: S311  (a reproducible directory)
    _random_directory(rng, services=250)
    shown = 0
    for _ in range(40):
        needs = _random_needs(rng)
        limit = rng.choice([5, 20, 500])
        expected = _shown(old_match_services(mx_case, needs, limit=limit))
        assert _shown(match_services(mx_case, needs, limit=limit)) == expected, needs
        shown += len(expected)
    assert shown > 100  # the comparison is not over empty lists


# --- The table follows every write of the directory --------------------------------------------


def _eligibility(service_id: uuid.UUID) -> list[tuple[Any, ...]]:
    rows = ServiceEligibility.objects.filter(service_id=service_id)
    return list(rows.values_list("country", "category", "profile_bits", "available"))


def _codes(service_id: uuid.UUID) -> list[tuple[str, str]]:
    return list(ServiceCode.objects.filter(service_id=service_id).values_list("kind", "code"))


def _full_service() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SERVICE_FULL.read_text())
    return data


def test_an_hsds_import_creates_edits_moves_and_deactivates_the_rows(
    reference: None, write_json: WriteJson
) -> None:
    assert run_directory("import", str(SERVICE_FULL)).status == 0
    record = _full_service()
    service_id = uuid.UUID(record["id"])
    # Delivered at a location in the United States; HSDS names no organisation country.
    assert _eligibility(service_id) == [("US", "", 0, True)]
    assert _codes(service_id) == [("language", "ur")]
    assert eligibility_differences() == []

    edited = copy.deepcopy(record)
    edited["attributes"] = [
        classification_attribute(service_id, CATEGORY_TAXONOMY, "legal"),
        classification_attribute(service_id, PROFILE_TAXONOMY, "trafficking"),
    ]
    edited["languages"].append({"id": str(uuid.uuid4()), "code": "es"})
    for location in [
        edited["service_at_locations"][0]["location"],
        *edited["organization"].get("locations", []),
    ]:
        location["addresses"][0]["country"] = "MX"
    assert run_directory("import", str(write_json(edited))).status == 0
    trafficking = PROFILE_BITS["trafficking"]
    assert _eligibility(service_id) == [("MX", "legal", trafficking, True)]
    assert _codes(service_id) == [
        ("language", "es"),
        ("language", "ur"),
        ("profile", "trafficking"),
    ]
    assert eligibility_differences() == []

    deactivated = {**edited, "status": "inactive"}
    assert run_directory("import", str(write_json(deactivated))).status == 0
    assert (_eligibility(service_id), _codes(service_id)) == ([], [])
    assert eligibility_differences() == []

    without_sites = {**edited, "service_at_locations": []}
    assert run_directory("import", str(write_json(without_sites))).status == 0
    assert _eligibility(service_id) == []  # active, but delivered in no known country
    assert eligibility_differences() == []


def test_a_location_moved_by_itself_moves_its_services(
    reference: None, write_json: WriteJson
) -> None:
    assert run_directory("import", str(SERVICE_FULL)).status == 0
    location = _full_service()["service_at_locations"][0]["location"]
    moved = copy.deepcopy(location)
    moved["addresses"][0]["country"] = "GT"
    assert run_directory("import", str(write_json(moved))).status == 0
    service_id = uuid.UUID(_full_service()["id"])
    assert [row[0] for row in _eligibility(service_id)] == ["GT"]
    assert eligibility_differences() == []


def test_a_failed_import_leaves_the_rows_as_they_were(
    reference: None, write_json: WriteJson
) -> None:
    assert run_directory("import", str(SERVICE_FULL)).status == 0
    before = list(ServiceEligibility.objects.values_list("service_id", "country", "category"))
    broken = {**_full_service(), "organization_id": str(uuid.uuid4()), "organization": None}
    assert run_directory("import", str(write_json(broken))).status == 1
    after = list(ServiceEligibility.objects.values_list("service_id", "country", "category"))
    assert after == before


def test_seeding_fills_the_rows_of_every_seeded_service(reference: None) -> None:
    seed_directory_from_agencies()
    active = Service.objects.filter(status=ServiceStatus.ACTIVE).count()
    assert active > 50
    assert ServiceEligibility.objects.count() == active  # one country each
    assert eligibility_differences() == []


def test_the_check_names_a_service_whose_rows_are_stale(reference: None) -> None:
    seed_directory_from_agencies()
    comar = Service.objects.get(organization__agency__code="mx-comar")
    Service.objects.filter(pk=comar.pk).update(category="legal")  # behind the write functions
    ServiceCode.objects.filter(service=comar, code="stateless").delete()
    problems = eligibility_differences()
    assert len(problems) == 1
    assert problems[0].startswith(f"service {comar.pk}: ")
    assert "missing profile 'stateless'" in problems[0]
    rebuild_eligibility()
    assert eligibility_differences() == []


def test_the_migration_fills_the_table_for_services_that_exist(reference: None) -> None:
    seed_directory_from_agencies()
    ServiceEligibility.objects.all().delete()
    ServiceCode.objects.all().delete()
    migration = importlib.import_module("amparo.referrals.migrations.0004_service_eligibility")
    state = MigrationExecutor(connection).loader.project_state(
        ("referrals", "0004_service_eligibility")
    )
    migration.fill(state.apps, None)
    assert ServiceEligibility.objects.count() > 50
    assert eligibility_differences() == []


def test_every_served_profile_has_its_own_bit() -> None:
    assert set(PROFILE_BITS) == set(ServedProfile.values)
    bits = list(PROFILE_BITS.values())
    assert len(set(bits)) == len(bits)
    assert all(bit > 0 and bit & (bit - 1) == 0 and bit < 2**62 for bit in bits)


def test_a_stale_table_never_lets_a_refused_recipient_through(
    reference: None, mx_case: Case, mx_caseworker: User
) -> None:
    seed_directory_from_agencies()
    screen(mx_case, mx_caseworker, age_years=15, travelling_alone=True, fear_of_return=True)
    # The copy forgets every agency and calls the return services legal aid.
    ServiceEligibility.objects.update(agency=None)
    ServiceEligibility.objects.filter(category__in=BID_FIRST_KINDS).update(category="legal")
    needs = Needs(
        profiles=("international_protection", "unaccompanied_child", "smuggled_vulnerable"),
        categories=("documentation", "return_reintegration", "family_tracing", "legal"),
    )
    matches = match_services(mx_case, needs, limit=500)
    codes = {m.service.organization.agency.code for m in matches if m.service.organization.agency}
    assert "mx-pfpnna" in codes
    assert codes & {"mx-consulado-hn", "mx-consulado-gt", "mx-consulado-sv"} == set()
    assert codes & {"mx-inm", "mx-upmrip"} == set()
    assert all(m.service.category not in BID_FIRST_KINDS for m in matches)


def test_the_command_checks_and_derives_the_table_again(reference: None) -> None:
    seed_directory_from_agencies()
    assert run_directory("eligibility", "--check").status == 0
    ServiceEligibility.objects.filter(country="MX").delete()
    stale = run_directory("eligibility", "--check")
    assert stale.status == 1
    assert "missing or stale row for MX" in stale.stderr
    assert run_directory("eligibility").status == 0
    assert run_directory("eligibility", "--check").status == 0
