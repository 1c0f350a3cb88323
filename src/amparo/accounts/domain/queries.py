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


def staff_member_for(administrator: User, user_id: int) -> User | None:
    """A staff member the administrator may manage: one with a membership at an agency in a
    country they administer. None otherwise, so the page can answer 404 like a missing user."""
    countries = administered_countries(administrator)
    if not countries:
        return None
    return (
        User.objects.filter(pk=user_id, memberships__agency__country_id__in=countries)
        .distinct()
        .first()
    )
