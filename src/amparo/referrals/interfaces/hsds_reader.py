"""Reading HSDS 3.0 records into unsaved directory rows, collecting problems by JSON path.

Nested records get rows of their own: a service's organization and its services at
locations, an organization's locations and services, a service at location's service and
location. The same id may appear more than once when it names the same record (a location
listed under its organization and under a service); two top-level records with one id, a
record whose modelled fields differ from another with its id, or one id used for two kinds
of record is a duplicate.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from amparo.referrals.domain.directory import DirectoryBatch, Reference
from amparo.referrals.enums import CATEGORY_TAXONOMY, PROFILE_TAXONOMY
from amparo.referrals.interfaces.hsds_check import key_path, object_problems
from amparo.referrals.interfaces.hsds_fields import (
    TAXONOMY_CODES,
    country_code,
    date_of,
    free_of,
    given_fields,
    hours_of,
    language_codes,
    main_address,
    our_taxonomy,
)
from amparo.referrals.interfaces.hsds_tables import kind_of
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation

JsonObject = dict[str, Any]
Row = Organization | Service | Location | ServiceAtLocation

_MAX_AGE = 150
# Stands in for a link that is missing or contradictory: a problem is recorded with it, so
# the batch holding it is refused and never written.
_UNRESOLVED = uuid.UUID(int=0)
_CLASSIFICATION = {"category", "profiles", "sex"}

_KIND_NAMES: dict[type[Row], str] = {
    Organization: "organization",
    Service: "service",
    Location: "location",
    ServiceAtLocation: "service at location",
}


def _without(record: JsonObject, *keys: str) -> JsonObject:
    return {key: value for key, value in record.items() if key not in keys}


@dataclass
class _Seen:
    row: Row
    given: set[str]
    path: str
    top_level: bool


class HsdsReader:
    """Collects rows and problems from the records of one file."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: dict[uuid.UUID, _Seen] = {}
        self.references: list[Reference] = []
        self.sites_given_for: set[uuid.UUID] = set()

    def read_records(self, records: list[tuple[str, Any]]) -> None:
        kinds = {kind_of(record) for _, record in records} - {None}
        hint = kinds.pop() if len(kinds) == 1 else None
        for path, record in records:
            self.read_record(record, path, kind_of(record) or hint)

    def read_record(self, record: Any, path: str, kind: str | None) -> None:
        if kind is None:
            self.problems.append(
                f"{path}: cannot tell whether this is an organization, a service, a location "
                "or a service at location"
            )
            return
        problems = object_problems(record, kind, path)
        if problems:
            self.problems += problems
            return
        readers = {
            "organization": self._organization,
            "service": self._service,
            "location": self._location,
            "service_at_location": self._service_at_location,
        }
        readers[kind](record, path, top_level=True)

    def _in_file(self, reference: Reference) -> bool:
        seen = self.seen.get(reference.id)
        return seen is not None and isinstance(seen.row, reference.model)

    def batch(self) -> DirectoryBatch:
        """The rows read; ids named but not given in the file are left for the database."""
        rows = [seen.row for seen in self.seen.values()]
        return DirectoryBatch(
            organizations=[row for row in rows if isinstance(row, Organization)],
            services=[row for row in rows if isinstance(row, Service)],
            locations=[row for row in rows if isinstance(row, Location)],
            service_at_locations=[row for row in rows if isinstance(row, ServiceAtLocation)],
            references=[ref for ref in self.references if not self._in_file(ref)],
            sites_given_for=self.sites_given_for,
            given={key: frozenset(seen.given) for key, seen in self.seen.items()},
        )

    # Registering rows and links

    def _register(self, row: Row, given: set[str], path: str, *, top_level: bool) -> None:
        earlier = self.seen.get(row.pk)
        if earlier is None:
            self.seen[row.pk] = _Seen(row, given, path, top_level)
            return
        where = f"{path}.id: duplicate id '{row.pk}'"
        other = _KIND_NAMES[type(earlier.row)]
        if type(earlier.row) is not type(row):
            self.problems.append(f"{where}: already the id of the {other} at {earlier.path}")
        elif earlier.top_level and top_level:
            self.problems.append(f"{where}: already at {earlier.path}")
        elif any(getattr(earlier.row, f) != getattr(row, f) for f in earlier.given & given):
            self.problems.append(f"{where}: a different {other} has it at {earlier.path}")
        else:
            self._merge(earlier, row, given)

    @staticmethod
    def _merge(earlier: _Seen, row: Row, given: set[str]) -> None:
        """One record mentioned twice: what the later mention adds joins the first."""
        for name in given - earlier.given:
            setattr(earlier.row, name, getattr(row, name))
        earlier.given |= given
        earlier.row.raw_hsds = {**row.raw_hsds, **earlier.row.raw_hsds}

    def _link(
        self,
        path: str,
        candidates: list[uuid.UUID | None],
        model: type[Organization] | type[Service] | type[Location],
        reference: uuid.UUID | None,
    ) -> uuid.UUID:
        """The one id a record links to, from its parent, nested object and `*_id` field."""
        ids = {candidate for candidate in [*candidates, reference] if candidate is not None}
        name = model._meta.model_name
        if len(ids) > 1:
            named = " and ".join(sorted(f"'{linked}'" for linked in ids))
            self.problems.append(f"{path}: {named} name two different {name} records")
            return _UNRESOLVED
        if not ids:
            self.problems.append(f"{path}: required field missing (or an embedded {name})")
            return _UNRESOLVED
        linked = ids.pop()
        if linked not in candidates:
            self.references.append(Reference(model, linked, path))
        return linked

    def _nested(self, record: JsonObject, key: str, path: str, **kwargs: Any) -> uuid.UUID | None:
        if key not in record:
            return None
        readers = {
            "organization": self._organization,
            "service": self._service,
            "location": self._location,
        }
        return readers[key](record[key], key_path(path, key), top_level=False, **kwargs)

    # One reader per kind of record; each returns the id it read.

    def _organization(self, record: JsonObject, path: str, *, top_level: bool) -> uuid.UUID:
        organization = Organization(
            id=uuid.UUID(record["id"]),
            name=record["name"],
            alternate_name=record.get("alternate_name", ""),
            description=record.get("description", ""),
            website=record.get("website", ""),
            email=record.get("email", ""),
            raw_hsds=_without(record, "services", "locations"),
        )
        self._register(organization, given_fields(organization, record), path, top_level=top_level)
        for index, location in enumerate(record.get("locations", [])):
            self._location(
                location, f"{path}.locations[{index}]", top_level=False, parent=organization.id
            )
        for index, service in enumerate(record.get("services", [])):
            self._service(
                service, f"{path}.services[{index}]", top_level=False, parent=organization.id
            )
        return organization.id

    def _service(
        self,
        record: JsonObject,
        path: str,
        *,
        top_level: bool,
        parent: uuid.UUID | None = None,
    ) -> uuid.UUID:
        service_id = uuid.UUID(record["id"])
        nested = self._nested(record, "organization", path)
        organization_id = self._link(
            key_path(path, "organization_id"),
            [parent, nested],
            Organization,
            _uuid_or_none(record.get("organization_id")),
        )
        service = Service(
            id=service_id,
            organization_id=organization_id,
            raw_hsds=_without(record, "organization", "service_at_locations"),
            **self._service_fields(record, path),
        )
        given = given_fields(service, record, "organization_id")
        if self._classify(service, record, path):
            given |= _CLASSIFICATION
        self._register(service, given, path, top_level=top_level)
        if "service_at_locations" in record:
            self.sites_given_for.add(service_id)
        for index, site in enumerate(record.get("service_at_locations", [])):
            self._service_at_location(
                site, f"{path}.service_at_locations[{index}]", top_level=False, parent=service_id
            )
        return service_id

    def _service_fields(self, record: JsonObject, path: str) -> dict[str, Any]:
        return {
            "name": record["name"],
            "description": record.get("description", ""),
            "status": record["status"],
            "url": record.get("url", ""),
            "email": record.get("email", ""),
            "minimum_age": self._age(record, "minimum_age", path),
            "maximum_age": self._age(record, "maximum_age", path),
            "languages": language_codes(record.get("languages", [])),
            "hours": hours_of(record.get("schedules", [])),
            "free": free_of(record.get("cost_options", [])),
            "cost_description": record.get("fees_description") or record.get("fees", ""),
            "last_verified": date_of(record.get("assured_date")),
        }

    def _age(self, record: JsonObject, key: str, path: str) -> int | None:
        value = record.get(key)
        if value is None:
            return None
        if not float(value).is_integer() or not 0 <= value <= _MAX_AGE:
            self.problems.append(
                f"{key_path(path, key)}: expected a whole number of years from 0 to {_MAX_AGE}"
            )
            return None
        return int(value)

    def _classify(self, service: Service, record: JsonObject, path: str) -> bool:
        """Our category, profiles and sex, from the attributes an Amparo export wrote.

        True when the record carries them; the other attributes stay in `raw_hsds`.
        """
        classified = False
        kept = []
        for index, attribute in enumerate(record.get("attributes", [])):
            taxonomy = our_taxonomy(attribute)
            if taxonomy is None:
                kept.append(attribute)
                continue
            where = f"{path}.attributes[{index}].taxonomy_term.code"
            self._apply_code(service, taxonomy, attribute["taxonomy_term"].get("code"), where)
            classified = True
        if "attributes" in record:
            service.raw_hsds["attributes"] = kept
        return classified

    def _apply_code(self, service: Service, taxonomy: str, code: object, where: str) -> None:
        if code not in TAXONOMY_CODES[taxonomy]:
            self.problems.append(f"{where}: unknown code {code!r} in {taxonomy}")
        elif taxonomy == PROFILE_TAXONOMY:
            service.profiles = [*service.profiles, code]
        elif taxonomy == CATEGORY_TAXONOMY:
            service.category = str(code)
        else:
            service.sex = str(code)

    def _location(
        self,
        record: JsonObject,
        path: str,
        *,
        top_level: bool,
        parent: uuid.UUID | None = None,
    ) -> uuid.UUID:
        given = _uuid_or_none(record.get("organization_id"))
        if parent and given and parent != given:
            self.problems.append(f"{path}.organization_id: names two different organizations")
        address = main_address(record.get("addresses", [])) or {}
        location = Location(
            id=uuid.UUID(record["id"]),
            organization_id=given or parent,
            location_type=record["location_type"],
            name=record.get("name", ""),
            description=record.get("description", ""),
            latitude=record.get("latitude"),
            longitude=record.get("longitude"),
            address_1=address.get("address_1", ""),
            address_2=address.get("address_2", ""),
            city=address.get("city", ""),
            region=address.get("state_province", ""),
            postal_code=address.get("postal_code", ""),
            country_code=country_code(address),
            raw_hsds=dict(record),
        )
        if given and given != parent:
            self.references.append(Reference(Organization, given, f"{path}.organization_id"))
        fields = given_fields(location, record, "organization_id")
        self._register(location, fields, path, top_level=top_level)
        return location.id

    def _service_at_location(
        self,
        record: JsonObject,
        path: str,
        *,
        top_level: bool,
        parent: uuid.UUID | None = None,
    ) -> uuid.UUID:
        service_id = self._link(
            key_path(path, "service_id"),
            [parent, self._nested(record, "service", path)],
            Service,
            _uuid_or_none(record.get("service_id")),
        )
        location_id = self._link(
            key_path(path, "location_id"),
            [self._nested(record, "location", path)],
            Location,
            _uuid_or_none(record.get("location_id")),
        )
        site = ServiceAtLocation(
            id=uuid.UUID(record["id"]),
            service_id=service_id,
            location_id=location_id,
            raw_hsds=_without(record, "service", "location"),
        )
        self._register(site, {"service_id", "location_id"}, path, top_level=top_level)
        return site.id


def _uuid_or_none(value: object) -> uuid.UUID | None:
    return uuid.UUID(value) if isinstance(value, str) else None
