import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from amparo.referrals.domain.queries import services_for_export
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.interfaces.hsds import services_to_hsds
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation
from tests.referrals.conftest import (
    EXAMPLES,
    SERVICE_FULL,
    directory_counts,
    run_directory,
    schema_errors,
)

WriteJson = Callable[..., Path]


def exported() -> list[dict[str, Any]]:
    outcome = run_directory("export", "--format", "hsds", "--out", "-")
    assert (outcome.status, outcome.stderr) == (0, "")
    data: list[dict[str, Any]] = json.loads(outcome.stdout)
    return data


def by_id(services: list[dict[str, Any]], service_id: str) -> dict[str, Any]:
    return next(service for service in services if service["id"] == service_id)


def test_an_empty_directory_exports_an_empty_list(db: None) -> None:
    assert exported() == []


def test_every_exported_service_validates_against_the_hsds_schema(reference: None) -> None:
    seed_directory_from_agencies()
    for example in EXAMPLES:
        run_directory("import", str(example))
    services = exported()
    assert len(services) == Service.objects.count()
    assert {service["id"]: schema_errors(service) for service in services} == {
        service["id"]: [] for service in services
    }


def test_a_full_service_round_trips(db: None) -> None:
    original = json.loads(SERVICE_FULL.read_text())
    run_directory("import", str(SERVICE_FULL))
    [service] = exported()
    assert schema_errors(service) == []
    assert (service["id"], service["name"], service["description"]) == (
        original["id"],
        original["name"],
        original["description"],
    )
    assert service["organization"]["id"] == original["organization"]["id"]
    assert service["organization"]["name"] == original["organization"]["name"]


def test_a_round_trip_keeps_the_fields_we_do_not_model(db: None) -> None:
    original = json.loads(SERVICE_FULL.read_text())
    run_directory("import", str(SERVICE_FULL))
    [service] = exported()
    links = {"organization_id", "service_id", "location_id"}
    assert _without_keys(service, links) == _without_keys(original, links)


def _without_keys(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without_keys(item, keys) for item in value]
    return value


def test_edits_in_the_directory_show_in_the_export(db: None) -> None:
    run_directory("import", str(SERVICE_FULL))
    Service.objects.update(
        description="Free counselling", hours="Mon-Fri 9:00-17:00", free=True, languages=["es"]
    )
    Location.objects.update(city="Tapachula", region="Chiapas", country_code="MX")
    [service] = exported()
    assert schema_errors(service) == []
    assert service["description"] == "Free counselling"
    assert [item["description"] for item in service["schedules"]] == ["Mon-Fri 9:00-17:00"]
    assert [item["amount"] for item in service["cost_options"]] == [0]
    assert [item["code"] for item in service["languages"]] == ["es"]
    [address] = service["service_at_locations"][0]["location"]["addresses"]
    assert (address["city"], address["state_province"], address["country"]) == (
        "Tapachula",
        "Chiapas",
        "MX",
    )
    assert address["address_1"] == "1-30 Main Street"


def test_our_classification_travels_to_another_amparo(
    reference: None, write_json: WriteJson
) -> None:
    seed_directory_from_agencies()
    comar = Service.objects.get(organization__agency__code="mx-comar")
    Service.objects.filter(id=comar.id).update(sex="female")
    services = exported()
    ServiceAtLocation.objects.all().delete()
    Service.objects.all().delete()
    Organization.objects.all().delete()
    assert run_directory("import", str(write_json(services))).status == 0
    imported = Service.objects.get(id=comar.id)
    assert (imported.category, imported.profiles, imported.sex) == (
        "asylum",
        ["international_protection", "stateless"],
        "female",
    )


def test_export_writes_a_file(db: None, tmp_path: Path) -> None:
    run_directory("import", str(SERVICE_FULL))
    out = tmp_path / "directory.json"
    outcome = run_directory("export", "--format", "hsds", "--out", str(out))
    assert outcome.status == 0
    assert outcome.stderr == f"Exported 1 services to {out}.\n"
    assert [service["name"] for service in json.loads(out.read_text())] == ["Community Counselling"]


def test_export_requires_the_format(db: None) -> None:
    with pytest.raises(CommandError, match="the following arguments are required: --format"):
        run_directory("export", "--out", "-")


def test_the_export_query_embeds_without_a_query_per_service(
    reference: None, django_assert_num_queries: Any
) -> None:
    seed_directory_from_agencies()
    run_directory("import", str(SERVICE_FULL))
    with django_assert_num_queries(4):
        services = list(services_to_hsds(services_for_export()))
    assert len(services) == directory_counts()[1]
