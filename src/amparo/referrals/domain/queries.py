"""Named reads of the service directory and of referrals, and the one gate for a referral."""

import statistics
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.lib.text import normalise_name
from amparo.people.domain.queries import cases_visible_to
from amparo.referrals.enums import ReferralStatus as R
from amparo.referrals.enums import ServiceStatus
from amparo.referrals.models import Referral, Service, ServiceAtLocation
from amparo.referrals.rules import receiving_agencies, referral_filter_for

_OPEN = {R.SENT, R.ACKNOWLEDGED}


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


# --- Referrals ---------------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    condition = referral_filter_for(user)
    if condition is None:
        return Referral.objects.none()
    return Referral.objects.filter(condition).select_related(
        "case", "receiving_agency", "sending_agency", "service", "basis", "created_by"
    )


def get_referral_for(user: User, referral_id: int) -> Referral:
    """The gate: the referral, or 404 whether it is absent or out of the user's scope."""
    referral = referrals_visible_to(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def is_sender(user: User, referral: Referral) -> bool:
    return cases_visible_to(user).filter(pk=referral.case_id).exists()


def inbox_for(user: User) -> QuerySet[Referral]:
    """What arrived at the user's receiving agencies, oldest deadline first."""
    agencies = receiving_agencies(user)
    return (
        Referral.objects.filter(receiving_agency_id__in=agencies)
        .exclude(status=R.DRAFT)
        .select_related("sending_agency", "receiving_agency", "basis")
        .order_by("acknowledge_due_at", "id")
    )


def team_referrals_for(user: User) -> QuerySet[Referral]:
    """Referrals sent by the agencies the user supervises."""
    agencies = [
        m.agency_id for m in user.memberships.all() if m.active and m.role == Role.SUPERVISOR
    ]
    return (
        Referral.objects.filter(sending_agency_id__in=agencies)
        .select_related("case", "receiving_agency", "created_by")
        .order_by("-created_at", "-id")
    )


def is_overdue(referral: Referral) -> bool:
    due = referral.acknowledge_due_at
    return referral.status == R.SENT and due is not None and due < timezone.now()


@dataclass(frozen=True)
class AgencyKpis:
    agency: str
    received: int
    median_hours_to_acknowledge: float | None
    acceptance_rate: float | None
    completion_rate: float | None
    overdue: int


def kpis_for_agency(agency_id: int, agency_name: str) -> AgencyKpis:
    """Referral performance of a receiving agency (counts and rates, no personal data)."""
    rows = list(
        Referral.objects.filter(receiving_agency_id=agency_id)
        .exclude(status=R.DRAFT)
        .values_list("status", "sent_at", "acknowledged_at", "acknowledge_due_at")
    )
    now = timezone.now()
    hours = [(ack - sent).total_seconds() / 3600 for _s, sent, ack, _d in rows if sent and ack]
    decided = [s for s, *_ in rows if s in {R.ACCEPTED, R.DECLINED, R.COMPLETED}]
    accepted = [s for s in decided if s in {R.ACCEPTED, R.COMPLETED}]
    completed = [s for s, *_ in rows if s == R.COMPLETED]
    overdue = sum(1 for s, _sent, _ack, due in rows if s == R.SENT and due and due < now)
    return AgencyKpis(
        agency=agency_name,
        received=len(rows),
        median_hours_to_acknowledge=round(statistics.median(hours), 1) if hours else None,
        acceptance_rate=round(len(accepted) / len(decided), 2) if decided else None,
        completion_rate=round(len(completed) / len(accepted), 2) if accepted else None,
        overdue=overdue,
    )
