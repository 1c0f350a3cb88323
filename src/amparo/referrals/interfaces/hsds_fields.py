"""How our modelled fields read from, and write back into, HSDS 3.0 objects.

Import and export share these functions, so that what an import derives from a file is
exactly what an export compares against to decide whether the file's own objects still hold.
"""

import datetime as dt
import re
import uuid
from functools import cache
from typing import Any

from django.utils import translation

from amparo.referrals.enums import (
    CATEGORY_TAXONOMY,
    DIRECTORY_NAMESPACE,
    PROFILE_TAXONOMY,
    SEX_TAXONOMY,
    ServedProfile,
    ServedSex,
    ServiceCategory,
)
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation

JsonObject = dict[str, Any]
Row = Organization | Service | Location | ServiceAtLocation

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")

# Our taxonomies and the codes each allows.
TAXONOMIES: dict[str, type[ServiceCategory] | type[ServedProfile] | type[ServedSex]] = {
    CATEGORY_TAXONOMY: ServiceCategory,
    PROFILE_TAXONOMY: ServedProfile,
    SEX_TAXONOMY: ServedSex,
}


# The codes each taxonomy allows, computed once (an enum's `.values` is rebuilt per call).
TAXONOMY_CODES: dict[str, frozenset[str]] = {
    taxonomy: frozenset(codes.values) for taxonomy, codes in TAXONOMIES.items()
}


def derived_id(owner: uuid.UUID, part: str) -> str:
    """A stable id for a sub-object we write ourselves (a language, a schedule...)."""
    return str(uuid.uuid5(owner, part))


def language_code(language: JsonObject) -> str | None:
    """The ISO 639 code of an HSDS language, lower case, or None if it has no usable one."""
    code = language.get("code")
    if not isinstance(code, str):
        return None
    code = code.strip().lower()
    return code if _LANGUAGE_CODE.match(code) else None


def language_codes(languages: list[JsonObject]) -> list[str]:
    codes: list[str] = []
    for language in languages:
        code = language_code(language)
        if code and code not in codes:
            codes.append(code)
    return codes


def languages_out(owner: uuid.UUID, codes: list[str], raw: list[JsonObject]) -> list[JsonObject]:
    """The file's language objects for the codes we still list (plus those without a code)."""
    by_code = {language_code(item): item for item in reversed(raw)}
    kept = [item for item in raw if language_code(item) is None]
    for code in codes:
        kept.append(
            by_code.get(code) or {"id": derived_id(owner, f"language/{code}"), "code": code}
        )
    return kept


def hours_of(schedules: list[JsonObject]) -> str:
    """Opening hours as text: each schedule's description, or its days and times."""
    lines = []
    for schedule in schedules:
        text = schedule.get("description") or _times(schedule)
        if text:
            lines.append(str(text))
    return "\n".join(lines)


def _times(schedule: JsonObject) -> str:
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    if not (opens and closes):
        return ""
    days = schedule.get("byday")
    return f"{days} {opens}-{closes}" if days else f"{opens}-{closes}"


def schedules_out(owner: uuid.UUID, hours: str, raw: list[JsonObject]) -> list[JsonObject]:
    if hours_of(raw) == hours:
        return raw
    return [{"id": derived_id(owner, "schedule"), "description": hours}] if hours else []


def free_of(cost_options: list[JsonObject]) -> bool | None:
    """True when every priced option costs nothing, False when one costs, None if unknown."""
    amounts = [option["amount"] for option in cost_options if "amount" in option]
    if not amounts:
        return None
    return all(amount == 0 for amount in amounts)


def cost_options_out(
    owner: uuid.UUID, free: bool | None, raw: list[JsonObject]
) -> list[JsonObject]:
    if free_of(raw) == free:
        return raw
    if free:
        return [{"id": derived_id(owner, "cost/free"), "option": "free", "amount": 0}]
    return []


def date_of(value: object) -> dt.date | None:
    """The date an HSDS date string starts with, or None (HSDS dates have no set format)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def our_taxonomy(attribute: JsonObject) -> str | None:
    term = attribute.get("taxonomy_term")
    taxonomy = term.get("taxonomy") if isinstance(term, dict) else None
    return taxonomy if taxonomy in TAXONOMIES else None


@cache
def _english_label(taxonomy: str, code: str) -> str:
    with translation.override("en"):
        return str(TAXONOMIES[taxonomy](code).label)


def classification_attribute(owner: uuid.UUID, taxonomy: str, code: str) -> JsonObject:
    """An HSDS attribute carrying one of our codes (a category, a profile, a sex)."""
    label = _english_label(taxonomy, code)
    return {
        "id": derived_id(owner, f"{taxonomy}/{code}"),
        "link_id": str(owner),
        "link_entity": "service",
        "value": code,
        "taxonomy_term": {
            "id": _term_id(taxonomy, code),
            "code": code,
            "name": label,
            "description": label,
            "taxonomy": taxonomy,
        },
    }


@cache
def _term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(DIRECTORY_NAMESPACE, f"{taxonomy}/{code}"))


def set_or_drop(target: JsonObject, key: str, value: object) -> None:
    """Write a value we model, or remove the key when we hold none."""
    if value in (None, "", []):
        target.pop(key, None)
    else:
        target[key] = value


def main_address(addresses: list[JsonObject]) -> JsonObject | None:
    """The address we model: the first physical one, else the first."""
    for address in addresses:
        if address.get("address_type") == "physical":
            return address
    return addresses[0] if addresses else None


def country_code(address: JsonObject) -> str:
    """The ISO 3166-1 alpha-2 code of an address, or blank when it gives something else."""
    country = str(address.get("country", "")).strip().upper()
    return country if len(country) == 2 and country.isalpha() else ""


# The HSDS keys each modelled field is read from. A record "gives" a field when it has one of
# its keys; an import changes only the fields a record gives (a list response, which holds
# fewer fields than a full object, does not blank the others).
FIELD_SOURCES: dict[type[Row], dict[str, tuple[str, ...]]] = {
    Organization: {
        "name": ("name",),
        "alternate_name": ("alternate_name",),
        "description": ("description",),
        "website": ("website",),
        "email": ("email",),
    },
    Service: {
        "name": ("name",),
        "description": ("description",),
        "status": ("status",),
        "url": ("url",),
        "email": ("email",),
        "minimum_age": ("minimum_age",),
        "maximum_age": ("maximum_age",),
        "languages": ("languages",),
        "hours": ("schedules",),
        "free": ("cost_options",),
        "cost_description": ("fees_description", "fees"),
        "last_verified": ("assured_date",),
    },
    Location: {
        "location_type": ("location_type",),
        "name": ("name",),
        "description": ("description",),
        "latitude": ("latitude",),
        "longitude": ("longitude",),
        **dict.fromkeys(
            ["address_1", "address_2", "city", "region", "postal_code", "country_code"],
            ("addresses",),
        ),
    },
    ServiceAtLocation: {},
}


def given_fields(row: Row, record: JsonObject, *links: str) -> set[str]:
    """The fields (attnames) a record gives its row: those whose HSDS keys it has."""
    sources = FIELD_SOURCES[type(row)].items()
    given = {name for name, keys in sources if any(key in record for key in keys)}
    return given | {link for link in links if getattr(row, link) is not None}
