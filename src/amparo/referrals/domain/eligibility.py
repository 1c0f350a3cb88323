"""Matching's denormalised copy of the directory: `ServiceEligibility` and `ServiceCode`.

Matching ranks thousands of services per case, so it reads one row per active service and
country with the eligibility it scores (category, ages, sex, availability, capacity, the
organisation's agency) and one row per served profile and language, all indexed, instead of
the JSON lists of `Service`. The copy is derived, never edited: every write function of the
directory (the HSDS import, the seeding from agencies) calls `refresh_eligibility` inside its
own transaction with the services, organisations and locations it wrote, and
`eligibility_differences` (`amparo directory eligibility --check`) compares the copy with
what the directory says. `rebuild_eligibility` derives it again from scratch (the data
migration that created it runs it too).
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import transaction

from amparo.referrals.enums import ServiceStatus
from amparo.referrals.models import Service, ServiceAtLocation, ServiceCode, ServiceEligibility

_CHUNK = 500
PROFILE = "profile"
LANGUAGE = "language"
_SERVICE_FIELDS = (
    "id",
    "status",
    "name",
    "category",
    "profiles",
    "languages",
    "minimum_age",
    "maximum_age",
    "sex",
    "available",
    "capacity",
    "organization__country_id",
    "organization__agency_id",
)
# The columns of ServiceEligibility that describe a row, for comparing the copy.
_ROW_FIELDS = (
    "service_id",
    "country",
    "agency_id",
    "name",
    "category",
    "minimum_age",
    "maximum_age",
    "sex",
    "available",
    "full",
    "lists_profiles",
    "profile_bits",
    "lists_languages",
)

# A stable bit for each served profile, so matching tests a needed profile with `&` on the
# row instead of a look-up per row. Never renumber (the copy would need deriving again); a
# profile added to `ServedProfile` without a bit still matches, through `ServiceCode`.
PROFILE_BITS: dict[str, int] = {
    "international_protection": 1 << 0,
    "trafficking": 1 << 1,
    "unaccompanied_child": 1 << 2,
    "separated_child": 1 << 3,
    "crime_victim_in_transit": 1 << 4,
    "smuggled_vulnerable": 1 << 5,
    "extra_continental": 1 << 6,
    "pregnant_or_lactating": 1 << 7,
    "woman_at_risk": 1 << 8,
    "older_person": 1 << 9,
    "disability": 1 << 10,
    "serious_medical_condition": 1 << 11,
    "lgbti": 1 << 12,
    "indigenous": 1 << 13,
    "stateless": 1 << 14,
}

Row = dict[str, Any]
Code = tuple[uuid.UUID, str, str]


def _chunks[T](items: Sequence[T], size: int = _CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _codes(value: object) -> list[str]:
    codes = value if isinstance(value, list) else []
    return sorted({code for code in codes if isinstance(code, str)})


def eligibility_of(
    service: Mapping[str, Any], site_countries: Iterable[str]
) -> tuple[list[Row], list[Code]]:
    """The eligibility rows and codes of one service (a `values()` row of `_SERVICE_FIELDS`):
    none unless it is active; one row per country of its organisation or of its locations.

    "Lists profiles/languages" keeps what matching always meant by it: the JSON value is
    anything but an empty list.
    """
    if service["status"] != ServiceStatus.ACTIVE:
        return [], []
    countries = {service["organization__country_id"], *site_countries} - {None, ""}
    pk = service["id"]
    profiles = _codes(service["profiles"])
    rows = [
        {
            "service_id": pk,
            "country": country,
            "agency_id": service["organization__agency_id"],
            "name": service["name"],
            "category": service["category"],
            "minimum_age": service["minimum_age"],
            "maximum_age": service["maximum_age"],
            "sex": service["sex"],
            "available": service["available"],
            "full": service["capacity"] == 0,
            "lists_profiles": service["profiles"] != [],
            "profile_bits": sum(PROFILE_BITS.get(code, 0) for code in profiles),
            "lists_languages": service["languages"] != [],
        }
        for country in sorted(countries)
    ]
    if not rows:
        return [], []
    codes = [(pk, PROFILE, code) for code in profiles]
    codes += [(pk, LANGUAGE, code) for code in _codes(service["languages"])]
    return rows, codes


def _expected(
    ids: Sequence[uuid.UUID] | None, apps: Apps
) -> Iterator[tuple[list[Row], list[Code]]]:
    """The rows and codes the directory implies, chunk by chunk (`ids` None: every service)."""
    service_model = apps.get_model("referrals", "Service")
    site_model = apps.get_model("referrals", "ServiceAtLocation")
    if ids is None:
        ids = list(service_model.objects.order_by("id").values_list("id", flat=True))
    for chunk in _chunks(ids):
        sites: dict[uuid.UUID, set[str]] = {}
        located = site_model.objects.filter(service_id__in=chunk).values_list(
            "service_id", "location__country_code"
        )
        for service_id, country in located:
            sites.setdefault(service_id, set()).add(country)
        rows: list[Row] = []
        codes: list[Code] = []
        services = service_model.objects.filter(id__in=chunk).order_by().values(*_SERVICE_FIELDS)
        for service in services:
            service_rows, service_codes = eligibility_of(service, sites.get(service["id"], ()))
            rows += service_rows
            codes += service_codes
        yield rows, codes


def _write(ids: Sequence[uuid.UUID] | None, apps: Apps) -> None:
    eligibility_model = apps.get_model("referrals", "ServiceEligibility")
    code_model = apps.get_model("referrals", "ServiceCode")
    if ids is None:
        eligibility_model.objects.all().delete()
        code_model.objects.all().delete()
    else:
        for chunk in _chunks(ids):
            eligibility_model.objects.filter(service_id__in=chunk).delete()
            code_model.objects.filter(service_id__in=chunk).delete()
    for rows, codes in _expected(ids, apps):
        eligibility_model.objects.bulk_create(
            [eligibility_model(**row) for row in rows], batch_size=_CHUNK
        )
        code_model.objects.bulk_create(
            [code_model(service_id=pk, kind=kind, code=code) for pk, kind, code in codes],
            batch_size=_CHUNK,
        )


def services_touched(
    *,
    services: Iterable[uuid.UUID] = (),
    organizations: Iterable[uuid.UUID] = (),
    locations: Iterable[uuid.UUID] = (),
) -> list[uuid.UUID]:
    """The services whose eligibility depends on these records: themselves, the services of
    the organisations (country, agency), the services delivered at the locations (country)."""
    touched = set(services)
    for chunk in _chunks(sorted(set(organizations))):
        touched |= set(
            Service.objects.filter(organization_id__in=chunk).values_list("id", flat=True)
        )
    for chunk in _chunks(sorted(set(locations))):
        sites = ServiceAtLocation.objects.filter(location_id__in=chunk)
        touched |= set(sites.values_list("service_id", flat=True))
    return sorted(touched)


def refresh_eligibility(
    *,
    services: Iterable[uuid.UUID] = (),
    organizations: Iterable[uuid.UUID] = (),
    locations: Iterable[uuid.UUID] = (),
) -> int:
    """Derive again the eligibility of every service these written records touch.

    Called by each write function of the directory, after its writes and inside its
    transaction (so the copy commits or rolls back with them). Returns how many services
    were refreshed.
    """
    ids = services_touched(services=services, organizations=organizations, locations=locations)
    with transaction.atomic():
        _write(ids, django_apps)
    return len(ids)


def rebuild_eligibility(apps: Apps = django_apps) -> None:
    """Derive the whole copy again from the directory (`apps`: the migration's models)."""
    with transaction.atomic():
        _write(None, apps)


def eligibility_differences(limit: int = 20) -> list[str]:
    """How the copy differs from what the directory implies, one line per service (at most
    `limit`); empty when they agree."""
    expected_rows: set[tuple[Any, ...]] = set()
    expected_codes: set[Code] = set()
    for rows, codes in _expected(None, django_apps):
        expected_rows |= {tuple(row[name] for name in _ROW_FIELDS) for row in rows}
        expected_codes |= set(codes)
    held_rows = set(ServiceEligibility.objects.order_by().values_list(*_ROW_FIELDS))
    held_codes = set(ServiceCode.objects.order_by().values_list("service_id", "kind", "code"))
    problems: dict[uuid.UUID, list[str]] = {}
    for row in sorted(expected_rows - held_rows, key=str):
        problems.setdefault(row[0], []).append(f"missing or stale row for {row[1]}")
    for row in sorted(held_rows - expected_rows, key=str):
        problems.setdefault(row[0], []).append(f"row for {row[1]} the directory does not imply")
    for code in sorted(expected_codes ^ held_codes, key=str):
        state = "missing" if code in expected_codes else "extra"
        problems.setdefault(code[0], []).append(f"{state} {code[1]} {code[2]!r}")
    return [f"service {pk}: {'; '.join(lines)}" for pk, lines in sorted(problems.items(), key=str)][
        :limit
    ]
