"""Access predicates for case management. One condition per line, so coverage proves each.

Who may see and work a case at all is the case gate's (`people/rules.py`); these decide who
may take the steps that need more than that.
"""

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.people.models import Case


def is_supervisor_of(user: User, case: Case) -> bool:
    """An active supervisor membership at the case's agency (approves closures and plans)."""
    return any(
        m.active and m.role == Role.SUPERVISOR and m.agency_id == case.agency_id
        for m in user.memberships.all()
    )
