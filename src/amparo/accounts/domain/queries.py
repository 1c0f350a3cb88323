"""Named reads of staff and agencies."""

from django.db.models import QuerySet

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User


def administered_countries(user: User) -> set[str]:
    return {
        m.agency.country_id
        for m in user.memberships.all()
        if m.active and m.role == Role.ADMINISTRATOR
    }


def staff_visible_to(user: User) -> QuerySet[Membership] | None:
    """Memberships at agencies in the countries the user administers; None for non-admins."""
    countries = administered_countries(user)
    if not countries:
        return None
    return (
        Membership.objects.filter(agency__country_id__in=countries)
        .select_related("user", "agency", "agency__country")
        .order_by("agency__country_id", "agency__name", "user__username")
    )
