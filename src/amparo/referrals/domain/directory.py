"""Writing a batch of directory records (an HSDS import) all or nothing."""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction

from amparo.referrals.domain.eligibility import refresh_eligibility
from amparo.referrals.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    search_text_of,
)

_CHUNK = 500


class DirectoryImportError(Exception):
    """A file or batch is refused; `problems` holds one line per problem, each with its path."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Reference:
    """An id a batch names without the record: it must already be in the directory."""

    model: type[Organization] | type[Service] | type[Location]
    id: uuid.UUID
    path: str


@dataclass
class DirectoryBatch:
    """Unsaved directory rows to create or update by id, as read from one file."""

    organizations: list[Organization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    service_at_locations: list[ServiceAtLocation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # Services whose locations the batch lists in full: locations it no longer lists go.
    sites_given_for: set[uuid.UUID] = field(default_factory=set)
    # The fields (attnames) each record gives; an existing row keeps the others.
    given: dict[uuid.UUID, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class DirectoryCounts:
    organizations: int
    services: int
    locations: int
    service_at_locations: int


def _chunks[T](items: Sequence[T], size: int = _CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _existing_values[Row: models.Model](
    model: type[Row], ids: Sequence[uuid.UUID], fields: Iterable[str]
) -> dict[uuid.UUID, dict[str, object]]:
    found: dict[uuid.UUID, dict[str, object]] = {}
    for chunk in _chunks(ids):
        for row in model._default_manager.filter(pk__in=chunk).values("pk", *fields):
            found[row.pop("pk")] = row
    return found


def missing_references(references: Sequence[Reference]) -> list[str]:
    """A problem line for each referenced id that is not in the directory."""
    found: set[tuple[type[models.Model], uuid.UUID]] = set()
    for model in {reference.model for reference in references}:
        ids = sorted({reference.id for reference in references if reference.model is model})
        for chunk in _chunks(ids):
            rows = model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True)
            found |= {(model, pk) for pk in rows}
    return [
        f"{reference.path}: unknown {reference.model._meta.model_name} '{reference.id}'"
        for reference in references
        if (reference.model, reference.id) not in found
    ]


def _keep_unsent_fields[Row: models.Model](
    model: type[Row], rows: list[Row], given: Mapping[uuid.UUID, frozenset[str]]
) -> None:
    """Rows already in the directory keep what the file does not give, our own fields (agency,
    capacity...) among them; their HSDS objects are merged, the file's keys winning."""
    fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    existing = _existing_values(model, [row.pk for row in rows], fields)
    for row in rows:
        for name, value in existing.get(row.pk, {}).items():
            if name == "raw_hsds":
                row.raw_hsds = {**value, **row.raw_hsds}  # type: ignore[attr-defined, dict-item]
            elif name not in given.get(row.pk, frozenset()):
                setattr(row, name, value)


def _upsert[Row: models.Model](model: type[Row], rows: list[Row]) -> None:
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    model._default_manager.bulk_create(
        rows,
        batch_size=_CHUNK,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=fields,
    )


def _drop_unlisted_sites(batch: DirectoryBatch) -> None:
    listed = {row.id for row in batch.service_at_locations}
    stale = []
    for chunk in _chunks(sorted(batch.sites_given_for)):
        rows = ServiceAtLocation.objects.filter(service_id__in=chunk).values_list("id", flat=True)
        stale += [row for row in rows if row not in listed]
    for chunk in _chunks(stale):
        ServiceAtLocation.objects.filter(id__in=chunk).delete()


def import_directory(batch: DirectoryBatch) -> DirectoryCounts:
    """Create or update, by HSDS id, every record of the batch; all or nothing.

    Effects, in one transaction: refuses the batch (DirectoryImportError, nothing written)
    when it names an organisation, service or location the directory does not hold; keeps,
    on rows that exist, the fields the batch does not give (HSDS carries no agency, country,
    capacity or availability); upserts organisations, locations, services and services at
    locations; removes the locations a service no longer lists; derives again matching's
    eligibility of every service the batch touches (`eligibility.refresh_eligibility`).
    """
    with transaction.atomic():
        problems = missing_references(batch.references)
        if problems:
            raise DirectoryImportError(problems)
        _keep_unsent_fields(Organization, batch.organizations, batch.given)
        _keep_unsent_fields(Location, batch.locations, batch.given)
        _keep_unsent_fields(Service, batch.services, batch.given)
        for service in batch.services:
            service.search_text = search_text_of(service.name, service.description)
        _upsert(Organization, batch.organizations)
        _upsert(Location, batch.locations)
        _upsert(Service, batch.services)
        _drop_unlisted_sites(batch)
        _upsert(ServiceAtLocation, batch.service_at_locations)
        refresh_eligibility(
            services=[
                *(row.id for row in batch.services),
                *(row.service_id for row in batch.service_at_locations),
                *batch.sites_given_for,
            ],
            organizations=[row.id for row in batch.organizations],
            locations=[row.id for row in batch.locations],
        )
    return DirectoryCounts(
        organizations=len(batch.organizations),
        services=len(batch.services),
        locations=len(batch.locations),
        service_at_locations=len(batch.service_at_locations),
    )
