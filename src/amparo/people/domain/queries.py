"""Named reads of persons and cases, and the one access gate for a case."""

from django.db.models import QuerySet
from django.http import Http404

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.people.rules import case_filter_for


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may see, with what list pages show, in one query."""
    condition = case_filter_for(user)
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition).select_related(
        "person", "agency", "country", "assigned_to"
    )


def get_case_for(user: User, case_id: int, *, write: bool = False) -> Case:
    """The access gate for a case: the case, or 404 whether it is absent or out of scope.

    `write` is accepted now so that callers state their intent; every role that can see a
    case through the gate may also work it, and finer write rules come with case management.
    """
    case = cases_visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case
