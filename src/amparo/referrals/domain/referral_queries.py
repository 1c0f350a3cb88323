"""Named reads of referrals and the one access gate for a referral."""

import statistics
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.people.domain.queries import cases_visible_to
from amparo.referrals.enums import ReferralStatus as R
from amparo.referrals.models import Referral

_RECEIVER_ROLES = {Role.RECEIVING_OFFICER, Role.SUPERVISOR}
_OPEN = {R.SENT, R.ACKNOWLEDGED}


def _receiving_agencies(user: User) -> list[int]:
    return [m.agency_id for m in user.memberships.all() if m.active and m.role in _RECEIVER_ROLES]


def referral_filter_for(user: User) -> Q | None:
    """Referrals of cases the user may see (sender side), and referrals addressed to the
    agencies where the user receives (receiver side; never drafts)."""
    if not user.is_authenticated or not user.is_active:
        return None
    sender = Q(case__in=cases_visible_to(user).values("pk"))
    agencies = _receiving_agencies(user)
    if not agencies:
        return sender
    return sender | (Q(receiving_agency_id__in=agencies) & ~Q(status=R.DRAFT))


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


def is_receiver(user: User, referral: Referral) -> bool:
    return referral.receiving_agency_id in _receiving_agencies(user) and referral.status != R.DRAFT


def is_sender(user: User, referral: Referral) -> bool:
    return cases_visible_to(user).filter(pk=referral.case_id).exists()


def inbox_for(user: User) -> QuerySet[Referral]:
    """What arrived at the user's receiving agencies, oldest deadline first."""
    agencies = _receiving_agencies(user)
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
