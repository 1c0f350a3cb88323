"""Tasks on a case: creation, completion and the caseload queries."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.casework.enums import TaskPriority, TaskStatus
from amparo.casework.models import Task
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

# How long each priority gives by default before a task is overdue.
DEFAULT_DUE = {
    TaskPriority.URGENT: dt.timedelta(hours=4),
    TaskPriority.HIGH: dt.timedelta(days=2),
    TaskPriority.NORMAL: dt.timedelta(days=7),
}


def create_task(
    case: Case,
    *,
    actor: User | None,
    title: str,
    priority: str = TaskPriority.NORMAL,
    due_at: dt.datetime | None = None,
    assigned_to: User | None = None,
    source: str = "",
) -> Task:
    """Create a task on a case, assigned by default to the case's assignee.

    Effects: the task row and a `task.created` audit event, in one transaction.
    """
    due = due_at or timezone.now() + DEFAULT_DUE[TaskPriority(priority)]
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title,
            priority=priority,
            due_at=due,
            assigned_to=assigned_to or case.assigned_to,
            source=source,
            created_by=actor,
        )
        payload = {"case": case.pk, "priority": priority, "source": source}
        record_event(AuditAction.TASK_CREATED, actor=actor, subject=task, payload=payload)
    return task


def complete_task(task: Task, *, actor: User) -> Task:
    """Mark an open task done. Effects: status, completion time and an audit event."""
    if task.status != TaskStatus.OPEN:
        raise ValueError("only an open task can be completed")
    with transaction.atomic():
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        record_event(
            AuditAction.TASK_COMPLETED, actor=actor, subject=task, payload={"case": task.case_id}
        )
    return task
