"""Named reads for the caseload page."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from amparo.accounts.enums import CASEWORK_ROLES, Role
from amparo.accounts.models import Agency, User
from amparo.casework.enums import ApprovalDecision, TaskStatus
from amparo.casework.models import Approval, Task
from amparo.people.domain.queries import cases_visible_to
from amparo.people.enums import CaseStatus
from amparo.people.models import Case


@dataclass
class Caseload:
    my_cases: list[Case]
    overdue_tasks: list[Task]
    open_tasks: list[Task]
    pending_approvals: list[Approval]


def my_open_cases(user: User) -> QuerySet[Case]:
    return cases_visible_to(user).filter(assigned_to=user).exclude(status=CaseStatus.CLOSED)


def open_tasks_for(user: User) -> QuerySet[Task]:
    visible = cases_visible_to(user).values("pk")
    return (
        Task.objects.filter(case__in=visible, assigned_to=user, status=TaskStatus.OPEN)
        .select_related("case")
        .order_by("due_at", "id")
    )


def pending_approvals_for(user: User) -> QuerySet[Approval]:
    """Requests waiting for this user's decision: those of the agencies they supervise."""
    agencies = user.memberships.filter(active=True, role=Role.SUPERVISOR).values("agency_id")
    return (
        Approval.objects.filter(case__agency_id__in=agencies, decision=ApprovalDecision.PENDING)
        .select_related("case", "requested_by")
        .order_by("requested_at", "id")
    )


def caseload_for(user: User, *, limit: int = 50) -> Caseload:
    now = timezone.now()
    tasks = list(open_tasks_for(user)[:limit])
    return Caseload(
        my_cases=list(my_open_cases(user).order_by("-updated_at", "-id")[:limit]),
        overdue_tasks=[t for t in tasks if t.due_at < now],
        open_tasks=[t for t in tasks if t.due_at >= now],
        pending_approvals=list(pending_approvals_for(user)[:limit]),
    )


def plan_responsibles_for(case: Case) -> tuple[QuerySet[User], QuerySet[Agency]]:
    """Who may be responsible for a plan action: the active casework staff of the case's agency,
    and the active institutions of the case's country."""
    users = (
        User.objects.filter(
            memberships__agency_id=case.agency_id,
            memberships__active=True,
            memberships__role__in=CASEWORK_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )
    agencies = Agency.objects.filter(country_id=case.country_id, active=True).order_by("name")
    return users, agencies
