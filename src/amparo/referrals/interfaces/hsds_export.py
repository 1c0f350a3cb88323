"""Writing directory rows as HSDS 3.0 objects.

Each object starts from the HSDS object the row was imported from (`raw_hsds`), so fields we
do not model travel on, and our modelled fields then overwrite it: the directory is the truth.
"""

from typing import Any

from amparo.referrals.enums import CATEGORY_TAXONOMY, PROFILE_TAXONOMY, SEX_TAXONOMY
from amparo.referrals.interfaces.hsds_fields import (
    classification_attribute,
    cost_options_out,
    date_of,
    derived_id,
    languages_out,
    main_address,
    our_taxonomy,
    schedules_out,
    set_or_drop,
)
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation

JsonObject = dict[str, Any]


def service_to_hsds(service: Service) -> JsonObject:
    """One HSDS service with its organization and services at locations embedded."""
    raw = service.raw_hsds or {}
    out: JsonObject = {**raw, "id": str(service.id), "name": service.name}
    out["status"] = service.status
    out["organization_id"] = str(service.organization_id)
    for key, value in [
        ("description", service.description),
        ("url", service.url),
        ("email", service.email),
        ("minimum_age", service.minimum_age),
        ("maximum_age", service.maximum_age),
        ("fees_description", service.cost_description),
        ("languages", languages_out(service.id, service.languages, raw.get("languages", []))),
        ("schedules", schedules_out(service.id, service.hours, raw.get("schedules", []))),
        ("cost_options", cost_options_out(service.id, service.free, raw.get("cost_options", []))),
        ("attributes", _attributes(service, raw.get("attributes", []))),
    ]:
        set_or_drop(out, key, value)
    _assured_date(out, service)
    out["organization"] = organization_to_hsds(service.organization)
    sites = [site_to_hsds(site) for site in service.service_at_locations.all()]
    set_or_drop(out, "service_at_locations", sites)
    return out


def _assured_date(out: JsonObject, service: Service) -> None:
    if service.last_verified is not None:
        out["assured_date"] = service.last_verified.isoformat()
    elif date_of(out.get("assured_date")) is not None:
        del out["assured_date"]  # a date we read, since cleared; other text is not ours


def _attributes(service: Service, raw: list[JsonObject]) -> list[JsonObject]:
    attributes = [item for item in raw if our_taxonomy(item) is None]
    codes = [(PROFILE_TAXONOMY, code) for code in service.profiles]
    if service.category:
        codes.insert(0, (CATEGORY_TAXONOMY, service.category))
    if service.sex:
        codes.append((SEX_TAXONOMY, service.sex))
    attributes += [classification_attribute(service.id, *code) for code in codes]
    return attributes


def organization_to_hsds(organization: Organization) -> JsonObject:
    """One HSDS organization with its locations (not its services: they embed it)."""
    out: JsonObject = {**(organization.raw_hsds or {}), "id": str(organization.id)}
    out["name"] = organization.name
    out["description"] = organization.description  # required by HSDS, even when blank
    set_or_drop(out, "alternate_name", organization.alternate_name)
    set_or_drop(out, "website", organization.website)
    set_or_drop(out, "email", organization.email)
    locations = [location_to_hsds(item) for item in organization.locations.all()]
    set_or_drop(out, "locations", locations)
    return out


def location_to_hsds(location: Location) -> JsonObject:
    raw = location.raw_hsds or {}
    out: JsonObject = {**raw, "id": str(location.id), "location_type": location.location_type}
    organization = str(location.organization_id) if location.organization_id else None
    for key, value in [
        ("organization_id", organization),
        ("name", location.name),
        ("description", location.description),
        ("latitude", location.latitude),
        ("longitude", location.longitude),
        ("addresses", _addresses(location, raw.get("addresses", []))),
    ]:
        set_or_drop(out, key, value)
    return out


def _addresses(location: Location, raw: list[JsonObject]) -> list[JsonObject]:
    """The file's addresses with the one we model brought up to date (or a new one)."""
    ours = {
        "address_1": location.address_1,
        "city": location.city,
        "state_province": location.region,
        "postal_code": location.postal_code,
    }
    main = main_address(raw)
    if main is None and not any([*ours.values(), location.address_2, location.country_code]):
        return raw
    base = main or {"id": derived_id(location.id, "address"), "address_type": "physical"}
    address: JsonObject = {**base, **ours}
    set_or_drop(address, "address_2", location.address_2)
    address["country"] = location.country_code or base.get("country", "")
    if main is None:
        return [*raw, address]
    return [address if item is main else item for item in raw]


def site_to_hsds(site: ServiceAtLocation) -> JsonObject:
    """One HSDS service at location, inside its service (so without the service)."""
    out: JsonObject = {**(site.raw_hsds or {}), "id": str(site.id)}
    out["service_id"] = str(site.service_id)
    out["location_id"] = str(site.location_id)
    out["location"] = location_to_hsds(site.location)
    return out
