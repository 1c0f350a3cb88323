"""Access predicates for referrals: the sending side sees the referrals of the cases it may
see; the receiving side, those addressed to its agency once sent (never drafts).

One condition per line, so coverage proves each branch.
"""

from django.db.models import Q

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.people.rules import case_filter_for
from amparo.referrals.enums import ReferralStatus as R
from amparo.referrals.models import Referral

RECEIVER_ROLES = frozenset({Role.RECEIVING_OFFICER, Role.SUPERVISOR})


def receiving_agencies(user: User) -> list[int]:
    """The agencies where the user receives referrals (active receiving memberships)."""
    return [m.agency_id for m in user.memberships.all() if m.active and m.role in RECEIVER_ROLES]


def referral_filter_for(user: User) -> Q | None:
    """Referrals of cases the user may see (sender side), and referrals addressed to the
    agencies where the user receives (receiver side; never drafts)."""
    if not user.is_authenticated or not user.is_active:
        return None
    cases = case_filter_for(user)
    sender = Q(case__in=Case.objects.filter(cases).values("pk")) if cases is not None else None
    agencies = receiving_agencies(user)
    receiver = Q(receiving_agency_id__in=agencies) & ~Q(status=R.DRAFT) if agencies else None
    if sender is None or receiver is None:
        return sender or receiver
    return sender | receiver


def is_receiver(user: User, referral: Referral) -> bool:
    return referral.receiving_agency_id in receiving_agencies(user) and referral.status != R.DRAFT
