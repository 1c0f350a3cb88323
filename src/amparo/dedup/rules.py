"""Who may do what in the review queue. One condition per line.

- seeing a pair: both persons have a case the user sees (people.rules), or the merged
  person's moved cases are among them;
- proposing a merge or saying "not the same person": a case manager or a supervisor;
- approving a merge and unmerging: a supervisor who sees every case of both persons, and
  not the one who proposed it (four eyes).
"""

from django.db.models import Q

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.people.rules import membership_case_filter

PROPOSING_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})


def can_propose(user: User) -> bool:
    return any(m.active and m.role in PROPOSING_ROLES for m in user.memberships.all())


def supervisor_case_filter(user: User) -> Q | None:
    """The cases the user sees as a supervisor; None when they supervise nothing."""
    combined: Q | None = None
    for membership in user.memberships.all():
        if membership.role != Role.SUPERVISOR:
            continue
        part = membership_case_filter(membership)
        if part is not None:
            combined = part if combined is None else combined | part
    return combined
