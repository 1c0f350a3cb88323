"""Named reads of the service directory."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from amparo.lib.text import normalise_name
from amparo.referrals.enums import ServiceStatus
from amparo.referrals.models import Service, ServiceAtLocation


def code_in_list(field: str, code: str) -> Q:
    # A JSON list stored as text on SQLite and as jsonb on PostgreSQL: matching the quoted
    # element ('"es"') finds whole elements on both. Codes hold no quotes (enums, ISO codes).
    return Q(**{f"{field}__icontains": f'"{code}"'})


def in_country(country: str) -> Q:
    located = ServiceAtLocation.objects.filter(
        service=OuterRef("pk"), location__country_code=country
    )
    return Q(organization__country_id=country) | Q(Exists(located))


def _for_age(age: int) -> Q:
    young_enough = Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    old_enough = Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)
    return young_enough & old_enough


def services_matching(
    *,
    text: str | None = None,
    country: str | None = None,
    category: str | None = None,
    profile: str | None = None,
    language: str | None = None,
    age: int | None = None,
    sex: str | None = None,
) -> QuerySet[Service]:
    """Active services that fit every given filter, with their organisation and locations.

    `text` matches when every word appears in the name or description, ignoring case and
    accents. `country` matches the organisation's country or a location's. `profile` and
    `language` match services that list them. `age` and `sex` match services whose limits
    admit them; a service without limits admits everyone.
    """
    condition = Q(status=ServiceStatus.ACTIVE)
    for word in normalise_name(text or "").split():
        condition &= Q(search_text__contains=word)
    if country:
        condition &= in_country(country.upper())
    if category:
        condition &= Q(category=category)
    if profile:
        condition &= code_in_list("profiles", profile)
    if language:
        condition &= code_in_list("languages", language.lower())
    if age is not None:
        condition &= _for_age(age)
    if sex:
        condition &= Q(sex="") | Q(sex=sex)
    return (
        Service.objects.filter(condition)
        .select_related("organization", "organization__country")
        .prefetch_related("service_at_locations__location")
        .order_by("name", "id")
    )


def services_for_export() -> QuerySet[Service]:
    """Every service with what its HSDS export embeds: organisation, its locations, and sites."""
    return (
        Service.objects.select_related("organization")
        .prefetch_related("service_at_locations__location", "organization__locations")
        .order_by("organization__name", "name", "id")
    )
