import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amparo.accounts.models import Agency
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation
from tests.referrals.conftest import (
    EXAMPLES,
    HSDS,
    SERVICE_FULL,
    directory_counts,
    hsds_service,
    new_id,
    run_directory,
)

WriteJson = Callable[..., Path]
EXAMPLE_SERVICE = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
EXAMPLE_ORGANIZATION = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
EXAMPLE_LOCATION = uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5")


def test_the_official_examples_are_all_here() -> None:
    assert [path.name for path in EXAMPLES] == [
        "location.json",
        "organization_full.json",
        "organization_list.json",
        "service_at_location_full.json",
        "service_full.json",
        "service_list.json",
    ]
    assert (HSDS / "LICENSE").exists()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_every_official_example_imports(db: None, example: Path) -> None:
    outcome = run_directory("import", str(example))
    assert (outcome.status, outcome.stderr) == (0, "")
    assert outcome.stdout.startswith("Imported: ")
    assert directory_counts() != (0, 0, 0, 0)


def test_a_full_service_imports_with_its_organization_and_location(db: None) -> None:
    run_directory("import", str(SERVICE_FULL))
    service = Service.objects.get()
    assert (service.id, service.name, service.status) == (
        EXAMPLE_SERVICE,
        "Community Counselling",
        "active",
    )
    assert service.organization_id == EXAMPLE_ORGANIZATION
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.languages == ["ur"]
    assert service.free is False
    assert service.cost_description.startswith("Non-NHS patients are expected to pay")
    assert service.hours.startswith("The service is available from 10 am to 6pm weekdays.")
    assert service.last_verified == dt.date(2005, 1, 1)
    assert service.raw_hsds["accreditations"].startswith("All of our practitioners")
    location = Location.objects.get()
    assert (location.id, location.name, location.city) == (
        EXAMPLE_LOCATION,
        "MyCity Civic Center",
        "MyCity",
    )
    assert (location.region, location.postal_code, location.country_code) == (
        "MyState",
        "ABC 1234",
        "US",
    )
    assert location.organization_id == EXAMPLE_ORGANIZATION
    assert ServiceAtLocation.objects.get().location_id == EXAMPLE_LOCATION


def test_a_page_of_the_api_imports_its_contents(db: None) -> None:
    run_directory("import", str(HSDS / "examples" / "service_list.json"))
    assert directory_counts() == (1, 1, 0, 0)
    assert Organization.objects.get().name == "Example Organization Inc."


def test_importing_again_updates_in_place(db: None, write_json: WriteJson) -> None:
    run_directory("import", str(SERVICE_FULL))
    changed = json.loads(SERVICE_FULL.read_text())
    changed["name"] = "Community Counselling (renamed)"
    run_directory("import", str(write_json(changed)))
    assert directory_counts() == (1, 1, 1, 1)
    assert Service.objects.get().name == "Community Counselling (renamed)"


def test_a_list_response_does_not_blank_what_it_leaves_out(db: None) -> None:
    run_directory("import", str(SERVICE_FULL))
    run_directory("import", str(HSDS / "examples" / "service_list.json"))
    service = Service.objects.get()
    assert service.languages == ["ur"]
    assert "phones" in service.raw_hsds
    assert ServiceAtLocation.objects.count() == 1


def test_an_import_keeps_what_hsds_does_not_carry(db: None) -> None:
    run_directory("import", str(SERVICE_FULL))
    Service.objects.update(capacity=12, available=False, category="mental_health")
    run_directory("import", str(SERVICE_FULL))
    service = Service.objects.get()
    assert (service.capacity, service.available, service.category) == (
        12,
        False,
        "mental_health",
    )


def test_a_service_no_longer_listed_at_a_location_loses_it(db: None, write_json: WriteJson) -> None:
    run_directory("import", str(SERVICE_FULL))
    moved = json.loads(SERVICE_FULL.read_text())
    moved["service_at_locations"] = []
    run_directory("import", str(write_json(moved)))
    assert ServiceAtLocation.objects.count() == 0
    assert Location.objects.count() == 1


def test_services_may_name_an_organization_given_earlier_in_the_file(
    db: None, write_json: WriteJson
) -> None:
    organization = {"id": new_id(), "name": "Casa del Migrante", "description": ""}
    organization["website"] = "https://example.org"
    service = {"id": new_id(), "name": "Albergue", "status": "active"}
    service["organization_id"] = organization["id"]
    outcome = run_directory("import", str(write_json([organization, service])))
    assert outcome.status == 0
    assert Service.objects.get().organization.name == "Casa del Migrante"


# Refused files


@pytest.fixture
def existing(db: None) -> Service:
    """The directory before a refused import: the full example."""
    run_directory("import", str(SERVICE_FULL))
    return Service.objects.get()


def refused(path: Path) -> list[str]:
    """Import a file that must be refused; the problem lines it reported."""
    before = directory_counts()
    outcome = run_directory("import", str(path))
    assert outcome.status == 1
    assert outcome.stdout == ""
    assert directory_counts() == before
    assert Service.objects.get(id=EXAMPLE_SERVICE).name == "Community Counselling"
    header, *problems = outcome.stderr.splitlines()
    assert header.startswith(f"{path}: refused, nothing imported")
    return [line.strip() for line in problems]


def _renamed_example() -> dict[str, Any]:
    """A sound record that would change the directory if the file were not refused whole."""
    renamed = json.loads(SERVICE_FULL.read_text())
    renamed["name"] = "Renamed by a refused file"
    return renamed


def test_a_missing_required_field_is_refused_with_its_path(
    existing: Service, write_json: WriteJson
) -> None:
    nameless = hsds_service()
    del nameless["name"]
    page = {"total_items": 3, "page_number": 1, "size": 3, "first_page": True, "contents": []}
    page["contents"] = [_renamed_example(), hsds_service(), nameless]
    assert refused(write_json(page)) == ["$.contents[2].name: required field missing"]


def test_a_wrong_type_is_refused_with_its_path(existing: Service, write_json: WriteJson) -> None:
    aged = hsds_service(minimum_age="twelve", languages={"code": "es"})
    assert refused(write_json([_renamed_example(), aged])) == [
        "$[1].minimum_age: expected a number, found a string",
        "$[1].languages: expected a list, found an object",
    ]


def test_a_bad_nested_value_is_refused_with_its_path(
    existing: Service, write_json: WriteJson
) -> None:
    service = hsds_service(status="open")
    service["organization"]["id"] = "abc"
    assert refused(write_json([_renamed_example(), service])) == [
        "$[1].status: 'open' is not one of 'active', 'inactive', 'defunct', 'temporarily closed'",
        "$[1].organization.id: 'abc' is not a UUID",
    ]


def test_two_records_with_one_id_are_refused(existing: Service, write_json: WriteJson) -> None:
    first = hsds_service("Legal aid")
    second = hsds_service("Shelter", id=first["id"])
    assert refused(write_json([_renamed_example(), first, second])) == [
        f"$[2].id: duplicate id '{first['id']}': already at $[1]",
    ]


def test_one_organization_described_two_ways_is_refused(
    existing: Service, write_json: WriteJson
) -> None:
    first, second = hsds_service(), hsds_service()
    second["organization"] = {**first["organization"], "name": "Another name"}
    organization = first["organization"]["id"]
    assert refused(write_json([_renamed_example(), first, second])) == [
        f"$[2].organization.id: duplicate id '{organization}': "
        "a different organization has it at $[1].organization",
    ]


def test_an_id_used_for_two_kinds_of_record_is_refused(
    existing: Service, write_json: WriteJson
) -> None:
    service = hsds_service()
    service["organization"]["id"] = service["id"]
    assert refused(write_json([_renamed_example(), service])) == [
        f"$[1].id: duplicate id '{service['id']}': already the id of the organization at "
        "$[1].organization",
    ]


def test_one_organization_embedded_in_many_services_is_not_a_duplicate(
    db: None, write_json: WriteJson
) -> None:
    first = hsds_service("Legal aid")
    second = hsds_service("Shelter", organization=first["organization"])
    assert run_directory("import", str(write_json([first, second]))).status == 0
    assert directory_counts() == (1, 2, 0, 0)


def test_invalid_json_is_refused_naming_line_and_column(existing: Service, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"id": "x",\n   "name" "no colon"}\n]\n', encoding="utf-8")
    assert refused(path) == ["invalid JSON at line 3, column 11: Expecting ':' delimiter"]


def test_an_unknown_organization_is_refused_and_nothing_is_written(
    existing: Service, write_json: WriteJson
) -> None:
    orphan = hsds_service()
    missing = new_id()
    del orphan["organization"]
    orphan["organization_id"] = missing
    assert refused(write_json([_renamed_example(), orphan])) == [
        f"$[1].organization_id: unknown organization '{missing}'",
    ]


def test_a_service_without_an_organization_is_refused(
    existing: Service, write_json: WriteJson
) -> None:
    orphan = hsds_service()
    del orphan["organization"]
    assert refused(write_json([_renamed_example(), orphan])) == [
        "$[1].organization_id: required field missing (or an embedded organization)",
    ]


def test_a_record_of_no_known_kind_is_refused(existing: Service, write_json: WriteJson) -> None:
    assert refused(write_json([{"id": new_id(), "name": "What am I?"}])) == [
        "$[0]: cannot tell whether this is an organization, a service, a location or a "
        "service at location",
    ]


def test_a_file_that_is_not_an_object_or_a_list_is_refused(
    existing: Service, write_json: WriteJson
) -> None:
    assert refused(write_json("services")) == ["$: expected an object or a list, found a string"]


def test_an_unknown_amparo_code_is_refused(existing: Service, write_json: WriteJson) -> None:
    term = {"id": new_id(), "name": "x", "description": "", "code": "spaceship"}
    term["taxonomy"] = "amparo-service-category"
    service = hsds_service(attributes=[{"id": new_id(), "taxonomy_term": term}])
    assert refused(write_json([_renamed_example(), service])) == [
        "$[1].attributes[0].taxonomy_term.code: unknown code 'spaceship' in "
        "amparo-service-category",
    ]


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    outcome = run_directory("import", str(tmp_path / "absent.json"))
    assert outcome.status == 1
    assert "cannot read the file: No such file or directory" in outcome.stderr


def test_a_page_whose_envelope_is_wrong_is_refused(
    existing: Service, write_json: WriteJson
) -> None:
    page = {"total_items": "ten", "first_page": 1, "contents": {"id": new_id()}}
    assert refused(write_json(page)) == [
        "$.total_items: expected integer, found a string",
        "$.first_page: expected boolean, found a number",
        "$.contents: expected a list, found an object",
    ]


def test_a_file_can_come_from_stdin(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SERVICE_FULL.read_text()))
    outcome = run_directory("import", "-")
    assert outcome.status == 0
    assert directory_counts() == (1, 1, 1, 1)


def test_the_command_seeds_the_directory_once(reference: None) -> None:
    first = run_directory("seed")
    second = run_directory("seed")
    not_targets = {"cr-tam", "us-eoir", "gt-minex", "sv-mrree", "gt-conamigua"}
    active = Agency.objects.filter(active=True, enforcement=False)
    seeded = active.exclude(code__in=not_targets).count()
    assert first.stdout == f"Created: organizations {seeded}, services {seeded}.\n"
    assert second.stdout == "Created: organizations 0, services 0.\n"
