"""Access predicates for cases: which membership lets a user see which case.

One condition per line, so that coverage proves each branch.
"""

from django.db.models import Q

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User
from amparo.people.enums import Sensitivity

_OWN_CASE_ROLES = frozenset({Role.FRONT_LINE_OFFICER, Role.CASE_MANAGER})
# Who may download the caseload as a file: a supervisor, for the agency's cases.
_EXPORT_ROLES = frozenset({Role.SUPERVISOR})


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


# The sensitivity label of every personal field a page, PDF, slip or endpoint can show: the
# person's own fields and the referral's minimum-data codes. `None`: not personal data.
FIELD_SENSITIVITY: dict[str, Sensitivity | None] = {
    "given_names": Sensitivity.IDENTITY,
    "first_surname": Sensitivity.IDENTITY,
    "second_surname": Sensitivity.IDENTITY,
    "sex": Sensitivity.IDENTITY,
    "birth_year": Sensitivity.IDENTITY,
    "age_band": Sensitivity.IDENTITY,
    "nationalities": Sensitivity.IDENTITY,
    "languages": Sensitivity.IDENTITY,
    "guardian": Sensitivity.IDENTITY,
    "birth_date": Sensitivity.IDENTIFYING_DETAILS,
    "birth_date_is_approximate": Sensitivity.IDENTIFYING_DETAILS,
    "documents": Sensitivity.IDENTIFYING_DETAILS,
    "phone": Sensitivity.CONTACT,
    "profiles": Sensitivity.PROTECTION_GROUNDS,
    "urgency": None,
    "case_reference": None,
}

_ALL_LABELS = frozenset(Sensitivity)

# The labels each role may read. A front-line officer identifies and refers: names and
# protection grounds, not the exact birth date, documents or phone. Receiving institutions
# read what a referral's minimum data set carries, never health or sexual violence.
LABELS_BY_ROLE: dict[str, frozenset[Sensitivity]] = {
    Role.FRONT_LINE_OFFICER: frozenset({Sensitivity.IDENTITY, Sensitivity.PROTECTION_GROUNDS}),
    Role.CASE_MANAGER: _ALL_LABELS,
    Role.SUPERVISOR: _ALL_LABELS,
    Role.RECEIVING_OFFICER: frozenset(
        {
            Sensitivity.IDENTITY,
            Sensitivity.IDENTIFYING_DETAILS,
            Sensitivity.CONTACT,
            Sensitivity.PROTECTION_GROUNDS,
        }
    ),
}


def labels_for(user: User, agency_id: int) -> frozenset[Sensitivity]:
    """The labels the user's active roles at this agency let them read."""
    labels: frozenset[Sensitivity] = frozenset()
    for membership in user.memberships.all():
        if membership.active and membership.agency_id == agency_id:
            labels = labels | LABELS_BY_ROLE.get(membership.role, frozenset())
    return labels


def fields_with(labels: frozenset[Sensitivity]) -> frozenset[str]:
    """The fields whose label is among `labels`, and those that are not personal data."""
    return frozenset(
        name for name, label in FIELD_SENSITIVITY.items() if label is None or label in labels
    )


def may_export_cases(user: User) -> bool:
    """A download of cases (`people.domain.export`) needs an active exporting membership."""
    if not user.is_authenticated or not user.is_active:
        return False
    return any(m.active and m.role in _EXPORT_ROLES for m in user.memberships.all())
