"""The HSDS 3.0 objects as data: required fields and the kind of every field.

Transcribed from the Open Referral Human Services Data Specification 3.0 JSON schemas
(https://openreferral.org/, CC BY-SA 4.0). The importer checks files against this table
instead of the 2 MB compiled schema, so it can name every problem by its JSON path.
"""

from dataclasses import dataclass, field
from typing import Any

# Field kinds: a scalar kind, a tuple of allowed strings (an enum), or a nested table
# written "table" (one object) or "[table]" (a list of objects).
STRING = "string"
UUID = "uuid"
EMAIL = "email"
URI = "uri"
DATE_TIME = "date-time"
NUMBER = "number"

Kind = str | tuple[str, ...]


@dataclass(frozen=True)
class Table:
    required: tuple[str, ...]
    fields: dict[str, Kind] = field(default_factory=dict)


_COMMON: dict[str, Kind] = {"attributes": "[attribute]", "metadata": "[metadata]"}


def _table(required: tuple[str, ...], fields: dict[str, Kind], *, common: bool = True) -> Table:
    merged: dict[str, Kind] = {"id": UUID, **fields}
    if common:
        merged.update(_COMMON)
    return Table(required=required, fields=merged)


STATUS = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")

TABLES: dict[str, Table] = {
    "organization": _table(
        ("id", "name", "description"),
        {
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "email": EMAIL,
            "website": URI,
            "tax_status": STRING,
            "tax_id": STRING,
            "year_incorporated": NUMBER,
            "legal_status": STRING,
            "logo": STRING,
            "uri": URI,
            "parent_organization_id": UUID,
            "funding": "[funding]",
            "contacts": "[contact]",
            "phones": "[phone]",
            "locations": "[location]",
            "programs": "[program]",
            "organization_identifiers": "[organization_identifier]",
            "services": "[service]",  # in the API's full organization response
        },
    ),
    "service": _table(
        ("id", "name", "status"),
        {
            "organization_id": UUID,
            "program_id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "url": URI,
            "email": EMAIL,
            "status": STATUS,
            "interpretation_services": STRING,
            "application_process": STRING,
            "fees_description": STRING,
            "wait_time": STRING,
            "fees": STRING,
            "accreditations": STRING,
            "eligibility_description": STRING,
            "minimum_age": NUMBER,
            "maximum_age": NUMBER,
            "assured_date": STRING,
            "assurer_email": EMAIL,
            "licenses": STRING,
            "alert": STRING,
            "last_modified": DATE_TIME,
            "phones": "[phone]",
            "schedules": "[schedule]",
            "service_areas": "[service_area]",
            "service_at_locations": "[service_at_location]",
            "languages": "[language]",
            "organization": "organization",
            "funding": "[funding]",
            "cost_options": "[cost_option]",
            "program": "program",
            "required_documents": "[required_document]",
            "contacts": "[contact]",
        },
    ),
    "location": _table(
        ("id", "location_type"),
        {
            "location_type": LOCATION_TYPES,
            "url": URI,
            "organization_id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "transportation": STRING,
            "latitude": NUMBER,
            "longitude": NUMBER,
            "external_identifier": STRING,
            "external_identifier_type": STRING,
            "languages": "[language]",
            "addresses": "[address]",
            "contacts": "[contact]",
            "accessibility": "[accessibility]",
            "phones": "[phone]",
            "schedules": "[schedule]",
        },
    ),
    "service_at_location": _table(
        ("id",),
        {
            "service_id": UUID,
            "location_id": UUID,
            "description": STRING,
            "contacts": "[contact]",
            "phones": "[phone]",
            "schedules": "[schedule]",
            "location": "location",
            "service": "service",  # in the API's full service-at-location response
        },
    ),
    "address": _table(
        ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        {
            "location_id": UUID,
            "attention": STRING,
            "address_1": STRING,
            "address_2": STRING,
            "city": STRING,
            "region": STRING,
            "state_province": STRING,
            "postal_code": STRING,
            "country": STRING,
            "address_type": LOCATION_TYPES,
        },
    ),
    "accessibility": _table(
        ("id",),
        {"location_id": UUID, "description": STRING, "details": STRING, "url": URI},
    ),
    "attribute": _table(
        ("id",),
        {
            "link_id": UUID,
            "taxonomy_term_id": UUID,
            "link_type": STRING,
            "link_entity": STRING,
            "value": STRING,
            "taxonomy_term": "taxonomy_term",
            "metadata": "[metadata]",
        },
        common=False,
    ),
    "contact": _table(
        ("id",),
        {
            "organization_id": UUID,
            "service_id": UUID,
            "service_at_location_id": UUID,
            "location_id": UUID,
            "name": STRING,
            "title": STRING,
            "department": STRING,
            "email": EMAIL,
            "phones": "[phone]",
        },
    ),
    "cost_option": _table(
        ("id",),
        {
            "service_id": UUID,
            "valid_from": STRING,
            "valid_to": STRING,
            "option": STRING,
            "currency": STRING,
            "amount": NUMBER,
            "amount_description": STRING,
        },
    ),
    "funding": _table(("id",), {"organization_id": UUID, "service_id": UUID, "source": STRING}),
    "language": _table(
        ("id",),
        {
            "service_id": UUID,
            "location_id": UUID,
            "phone_id": UUID,
            "name": STRING,
            "code": STRING,
            "note": STRING,
        },
    ),
    "metadata": _table(
        (
            "id",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ),
        {
            "resource_id": UUID,
            "resource_type": STRING,
            "last_action_date": STRING,
            "last_action_type": STRING,
            "field_name": STRING,
            "previous_value": STRING,
            "replacement_value": STRING,
            "updated_by": STRING,
        },
        common=False,
    ),
    "organization_identifier": _table(
        ("id", "identifier_type", "identifier"),
        {
            "organization_id": UUID,
            "identifier_scheme": STRING,
            "identifier_type": STRING,
            "identifier": STRING,
        },
    ),
    "phone": _table(
        ("id", "number"),
        {
            "location_id": UUID,
            "service_id": UUID,
            "organization_id": UUID,
            "contact_id": UUID,
            "service_at_location_id": UUID,
            "number": STRING,
            "extension": NUMBER,
            "type": STRING,
            "description": STRING,
            "languages": "[language]",
        },
    ),
    "program": _table(
        ("id", "name", "description"),
        {
            "organization_id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
        },
    ),
    "required_document": _table(("id",), {"service_id": UUID, "document": STRING, "uri": URI}),
    "schedule": _table(
        ("id",),
        {
            "service_id": UUID,
            "location_id": UUID,
            "service_at_location_id": UUID,
            "valid_from": STRING,
            "valid_to": STRING,
            "dtstart": STRING,
            "timezone": NUMBER,
            "until": STRING,
            "count": NUMBER,
            "wkst": ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
            "freq": ("WEEKLY", "MONTHLY"),
            "interval": NUMBER,
            "byday": STRING,
            "byweekno": STRING,
            "bymonthday": STRING,
            "byyearday": STRING,
            "description": STRING,
            "opens_at": STRING,
            "closes_at": STRING,
            "schedule_link": URI,
            "attending_type": STRING,
            "notes": STRING,
        },
    ),
    "service_area": _table(
        ("id",),
        {
            "service_id": UUID,
            "name": STRING,
            "description": STRING,
            "extent": STRING,
            "extent_type": STRING,
            "uri": STRING,
        },
    ),
    "taxonomy": _table(
        ("id", "name", "description"),
        {
            "name": STRING,
            "description": STRING,
            "uri": URI,
            "version": STRING,
            "metadata": "[metadata]",
        },
        common=False,
    ),
    "taxonomy_term": _table(
        ("id", "name", "description"),
        {
            "code": STRING,
            "name": STRING,
            "description": STRING,
            "parent_id": UUID,
            "taxonomy": STRING,
            "taxonomy_detail": "taxonomy",
            "language": STRING,
            "taxonomy_id": UUID,
            "term_uri": URI,
            "metadata": "[metadata]",
        },
        common=False,
    ),
}

# The paginated list response of the HSDS 3.0 API (`Page` in its OpenAPI description).
PAGE_FIELDS: dict[str, str] = {
    "total_items": "integer",
    "total_pages": "integer",
    "page_number": "integer",
    "size": "integer",
    "first_page": "boolean",
    "last_page": "boolean",
    "empty": "boolean",
}

# Fields only one kind of record has, to tell which kind a top-level record is.
KIND_MARKERS = {
    "location": {"location_type", "addresses", "accessibility", "latitude", "longitude"},
    "service_at_location": {"service", "location", "service_id", "location_id"},
    "service": {
        "status",
        "organization",
        "organization_id",
        "service_at_locations",
        "program",
        "eligibility_description",
        "fees_description",
        "cost_options",
    },
    "organization": {
        "website",
        "tax_status",
        "year_incorporated",
        "legal_status",
        "logo",
        "parent_organization_id",
        "services",
        "locations",
        "programs",
        "organization_identifiers",
    },
}


def kind_of(record: Any) -> str | None:
    """Which HSDS object a record is, from the fields only that kind has; None if unclear."""
    if not isinstance(record, dict):
        return None
    for kind, markers in KIND_MARKERS.items():
        if markers & record.keys():
            return kind
    return None
