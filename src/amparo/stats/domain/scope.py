"""Whose numbers a dashboard shows: a supervisor's agency, a focal point's country, the region.

`scopes_for(user)` is the gate of the statistics pages: a user with none of these roles gets
404 from the views, the same answer as for a page that does not exist.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from amparo.accounts.enums import Role
from amparo.accounts.models import User

AGENCY, COUNTRY, REGION = "agency", "country", "region"
SCOPE_LABELS = {AGENCY: _("My agency"), COUNTRY: _("My country"), REGION: _("The region")}


@dataclass(frozen=True)
class Scope:
    """`agencies` or `countries` restrict the facts; the region scope restricts nothing."""

    kind: str
    agencies: frozenset[int] = frozenset()
    countries: frozenset[str] = frozenset()


def scopes_for(user: User) -> dict[str, Scope]:
    """The scopes the user may see, broadest last; empty for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return {}
    active = [m for m in user.memberships.all() if m.active]
    agencies = frozenset(m.agency_id for m in active if m.role == Role.SUPERVISOR)
    countries = frozenset(m.agency.country_id for m in active if m.role == Role.FOCAL_POINT)
    scopes: dict[str, Scope] = {}
    if agencies:
        scopes[AGENCY] = Scope(AGENCY, agencies=agencies)
    if countries:
        scopes[COUNTRY] = Scope(COUNTRY, countries=countries)
    if any(m.role == Role.REGIONAL_ANALYST for m in active):
        scopes[REGION] = Scope(REGION)
    return scopes


def get_scope_for(user: User, kind: str | None) -> Scope:
    """The requested scope (default: the broadest the user holds), or 404."""
    scopes = scopes_for(user)
    if not scopes:
        raise Http404
    if kind is None or kind == "":
        return list(scopes.values())[-1]
    if kind not in scopes:
        raise Http404
    return scopes[kind]
