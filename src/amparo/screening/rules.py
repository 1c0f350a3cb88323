"""Access predicates for screenings: which screenings a user may see (and so work).

One condition per line, so coverage proves each branch.
"""

from django.db.models import Q

from amparo.accounts.enums import CASEWORK_ROLES, Role
from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.people.rules import case_filter_for


def _unattached_filter(user: User) -> Q | None:
    """Unattached screenings the user's memberships open; None when none.

    - the membership must be active (inactive ones are skipped by the query);
    - a supervisor sees every unattached screening of the agency;
    - a front-line officer or case manager sees the unattached screenings they did there;
    - every other role sees no unattached screening.
    """
    combined: Q | None = None
    for membership in user.memberships.filter(active=True).select_related("agency"):
        scope = Q(
            case__isnull=True,
            agency_id=membership.agency_id,
            country_id=membership.agency.country_id,
        )
        if membership.role == Role.SUPERVISOR:
            part = scope
        elif membership.role in CASEWORK_ROLES:
            part = scope & Q(screened_by_id=user.pk)
        else:
            continue
        combined = part if combined is None else combined | part
    return combined


def screening_filter_for(user: User) -> Q | None:
    """Which screenings the user may see, as a filter; None when none.

    - an attached screening: whoever may see its case, by the case gate's own rules;
    - an unattached screening: its officer and the supervisors of its agency.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    cases = case_filter_for(user)
    unattached = _unattached_filter(user)
    if cases is None:
        return unattached
    attached = Q(case_id__in=Case.objects.filter(cases).values("pk"))
    return attached if unattached is None else attached | unattached
