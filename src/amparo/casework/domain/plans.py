"""The case plan: goals, actions, who is responsible and by when; agreement and approval."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.casework.enums import ApprovalDecision, ApprovalKind, ItemStatus, PlanStatus
from amparo.casework.models import Approval, CasePlan, Goal, PlanAction
from amparo.lib.conflicts import EditConflict
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

CONCERN_NEEDING_APPROVAL = frozenset({"high", "emergency"})


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: dt.date | None = None
    responsible_user: User | None = None
    responsible_agency: Agency | None = None
    status: str = ItemStatus.PLANNED


@dataclass(frozen=True)
class GoalInput:
    description: str
    status: str = ItemStatus.PLANNED
    actions: list[ActionInput] = field(default_factory=list)


def latest_concern_level(case: Case) -> str | None:
    """The concern level of the newest assessment (looked up by name: see lifecycle.py)."""
    assessment = apps.get_model("assessment", "Assessment")
    row = (
        assessment.objects.filter(case=case)
        .order_by("-assessed_at", "-id")
        .values_list("concern_level", flat=True)
    )
    return row.first()


class ActionSnapshot(TypedDict):
    description: str
    due_on: dt.date | None
    status: str
    responsible_user: int | None
    responsible_agency: int | None


class GoalSnapshot(TypedDict):
    description: str
    status: str
    actions: list[ActionSnapshot]


class PlanSnapshot(TypedDict):
    summary: str
    goals: list[GoalSnapshot]


EMPTY_PLAN: PlanSnapshot = {"summary": "", "goals": []}


def plan_snapshot(plan: CasePlan) -> PlanSnapshot:
    """Everything the plan holds as plain values: to fill the edit form, so that saving it
    unchanged writes back the same plan, and to show what someone else saved in a conflict."""
    return {
        "summary": plan.summary,
        "goals": [
            {
                "description": g.description,
                "status": g.status,
                "actions": [
                    {
                        "description": a.description,
                        "due_on": a.due_on,
                        "status": a.status,
                        "responsible_user": a.responsible_user_id,
                        "responsible_agency": a.responsible_agency_id,
                    }
                    for a in sorted(g.actions.all(), key=_action_order)
                ],
            }
            for g in plan.goals.prefetch_related("actions")
        ],
    }


def _validate(goals: list[GoalInput]) -> None:
    errors: dict[str, str] = {}
    for index, goal in enumerate(goals):
        if not goal.description.strip():
            errors[f"goal-{index}-description"] = _("A goal needs a description.")
        if goal.status not in ItemStatus.values:
            errors[f"goal-{index}-status"] = _("Unknown status.")
        for position, action in enumerate(goal.actions):
            if not action.description.strip():
                errors[f"goal-{index}-action-{position}-description"] = _(
                    "An action needs a description."
                )
            if action.status not in ItemStatus.values:
                errors[f"goal-{index}-action-{position}-status"] = _("Unknown status.")
    if errors:
        raise ValidationError(errors)


def _snapshot_of(summary: str, goals: list[GoalInput]) -> PlanSnapshot:
    """What the plan will hold once these inputs are saved, as `plan_snapshot` shows it."""
    return {
        "summary": summary.strip(),
        "goals": [
            {
                "description": goal.description.strip(),
                "status": goal.status,
                "actions": [
                    {
                        "description": a.description.strip(),
                        "due_on": a.due_on,
                        "status": a.status,
                        "responsible_user": a.responsible_user.pk if a.responsible_user else None,
                        "responsible_agency": (
                            a.responsible_agency.pk if a.responsible_agency else None
                        ),
                    }
                    for a in sorted(goal.actions, key=_action_order)
                ],
            }
            for goal in goals
        ],
    }


def _action_order(action: ActionInput | PlanAction) -> tuple[bool, dt.date]:
    """Actions by due date, undated last, on every database (SQLite sorts nulls first)."""
    return (action.due_on is None, action.due_on or dt.date.min)


def save_plan(
    case: Case, *, actor: User, summary: str, goals: list[GoalInput], expected_version: int
) -> CasePlan:
    """Replace the plan's goals and actions, unless someone saved it since `expected_version`.

    Effects: the plan (created on first save, back to draft when changed), its goals and
    actions, a `plan.saved` audit event, in one transaction; an EditConflict carries what is
    saved now when the versions differ, and nothing is written. Saving what is already there
    writes nothing: the version, the status and the audit log stay as they are.
    """
    _validate(goals)
    with transaction.atomic():
        plan, _created = CasePlan.objects.select_for_update().get_or_create(case=case)
        if plan.version != expected_version:
            raise EditConflict(dict(plan_snapshot(plan)), plan.version)
        if plan_snapshot(plan) == _snapshot_of(summary, goals):
            return plan
        CasePlan.objects.filter(pk=plan.pk).update(
            summary=summary.strip(),
            status=PlanStatus.DRAFT,
            version=F("version") + 1,
            updated_by=actor,
        )
        plan.goals.all().delete()
        for position, goal in enumerate(goals):
            row = Goal.objects.create(
                plan=plan,
                description=goal.description.strip(),
                status=goal.status,
                position=position,
            )
            PlanAction.objects.bulk_create(
                [
                    PlanAction(
                        goal=row,
                        description=a.description.strip(),
                        due_on=a.due_on,
                        responsible_user=a.responsible_user,
                        responsible_agency=a.responsible_agency,
                        status=a.status,
                    )
                    for a in goal.actions
                ]
            )
        plan.refresh_from_db()
        payload = {
            "case": case.pk,
            "goals": len(goals),
            "actions": sum(len(g.actions) for g in goals),
        }
        record_event(AuditAction.PLAN_SAVED, actor=actor, subject=plan, payload=payload)
    return plan


def agree_plan(case: Case, *, actor: User) -> CasePlan:
    """Mark the plan agreed with the person; with high or emergency concern it waits for a
    supervisor's approval instead.

    Effects: plan status (agreed, or pending approval with an Approval row), audit events.
    """
    plan = CasePlan.objects.filter(case=case).first()
    if plan is None or not plan.goals.exists():
        raise ValidationError({"plan": _("Write at least one goal before agreeing the plan.")})
    needs_approval = latest_concern_level(case) in CONCERN_NEEDING_APPROVAL
    with transaction.atomic():
        plan.agreed_with_person = True
        if needs_approval:
            plan.status = PlanStatus.PENDING_APPROVAL
            pending = Approval.objects.filter(
                case=case, kind=ApprovalKind.PLAN, decision=ApprovalDecision.PENDING
            )
            if not pending.exists():
                Approval.objects.create(case=case, kind=ApprovalKind.PLAN, requested_by=actor)
                record_event(
                    AuditAction.APPROVAL_REQUESTED,
                    actor=actor,
                    subject=case,
                    payload={"kind": "plan"},
                )
        else:
            plan.status = PlanStatus.AGREED
            plan.agreed_at = timezone.now()
        plan.save(update_fields=["agreed_with_person", "status", "agreed_at"])
        record_event(
            AuditAction.PLAN_SAVED,
            actor=actor,
            subject=plan,
            payload={"case": case.pk, "status": plan.status},
        )
    return plan
