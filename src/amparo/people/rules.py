"""Access predicates for cases: which membership lets a user see which case.

One condition per line, so that coverage proves each branch.
"""

from django.db.models import Q

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User

_OWN_CASE_ROLES = frozenset({Role.FRONT_LINE_OFFICER, Role.CASE_MANAGER})


def membership_case_filter(membership: Membership) -> Q | None:
    """The cases one membership opens, as a filter; None when it opens none.

    - the membership must be active;
    - the case must belong to the membership's agency and that agency's country;
    - a supervisor sees every case of the agency;
    - a front-line officer or case manager sees the cases assigned to them or opened by them;
    - every other role (receiving officer, focal point, analyst, trainer, trainee,
      administrator) sees no case through this gate.
    """
    if not membership.active:
        return None
    scope = Q(agency_id=membership.agency_id, country_id=membership.agency.country_id)
    if membership.role == Role.SUPERVISOR:
        return scope
    if membership.role in _OWN_CASE_ROLES:
        mine = Q(assigned_to_id=membership.user_id) | Q(created_by_id=membership.user_id)
        return scope & mine
    return None


def case_filter_for(user: User) -> Q | None:
    """The union of what the user's memberships open; None when nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    combined: Q | None = None
    for membership in user.memberships.all():
        part = membership_case_filter(membership)
        if part is not None:
            combined = part if combined is None else combined | part
    return combined


# Person fields each casework role may read; everything else on the person is hidden from it.
_BASIC_FIELDS = frozenset(
    {
        "given_names",
        "first_surname",
        "second_surname",
        "sex",
        "birth_year",
        "nationalities",
        "languages",
    }
)
_FULL_FIELDS = _BASIC_FIELDS | {"birth_date", "documents", "phone"}
FIELDS_BY_ROLE = {
    Role.FRONT_LINE_OFFICER: _BASIC_FIELDS,
    Role.CASE_MANAGER: _FULL_FIELDS,
    Role.SUPERVISOR: _FULL_FIELDS,
}


def visible_person_fields(user: User, agency_id: int) -> frozenset[str]:
    """The person fields the user's roles at the case's agency let them read."""
    fields: frozenset[str] = frozenset()
    for membership in user.memberships.all():
        if membership.active and membership.agency_id == agency_id:
            fields = fields | FIELDS_BY_ROLE.get(Role(membership.role), frozenset())
    return fields
