"""Who may do what with the federation: one condition per line.

Memberships come from `user.memberships.all()`, which the middleware loads once per request.
"""

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User

_DECIDING_ROLES = frozenset({Role.RECEIVING_OFFICER, Role.SUPERVISOR, Role.CASE_MANAGER})


def _active(user: User) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    return [m for m in user.memberships.all() if m.active]


def is_focal_point(user: User, country: str) -> bool:
    """A national focal point of the node's country: approves what leaves, routes what comes."""
    return any(m.role == Role.FOCAL_POINT and m.agency.country_id == country for m in _active(user))


def may_manage_node(user: User, country: str) -> bool:
    """The node page (card, peers): the focal point or an administrator of the country."""
    roles = {Role.FOCAL_POINT, Role.ADMINISTRATOR}
    return any(m.role in roles and m.agency.country_id == country for m in _active(user))


def works_at(user: User, agency_id: int | None) -> bool:
    """Staff of the institution a received referral was routed to, who decide on it."""
    if agency_id is None:
        return False
    return any(m.agency_id == agency_id and m.role in _DECIDING_ROLES for m in _active(user))
