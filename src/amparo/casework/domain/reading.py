"""Audited reads of casework. Each opens the case through the gate (404 outside scope), loads
what the page shows and records a `case.viewed` event naming that part of the case and the
ids of what it shows; the caseload records `case.listed` with the cases it shows."""

from dataclasses import dataclass
from typing import Any

from amparo.accounts.models import User
from amparo.casework.domain.queries import Caseload, caseload_for
from amparo.casework.models import (
    BestInterestsRecord,
    CasePlan,
    Consent,
    FamilyTracingStep,
    Guardian,
)
from amparo.people.domain.queries import get_case_for
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


def _viewed(user: User, case: Case, shown: dict[str, Any]) -> None:
    record_event(AuditAction.CASE_VIEWED, actor=user, subject=case, payload=shown)


def read_caseload(user: User) -> Caseload:
    """The user's caseload, recording the cases it shows (their own, their tasks', the
    approvals waiting for them)."""
    load = caseload_for(user)
    shown = {case.pk for case in load.my_cases}
    shown |= {task.case_id for task in (*load.overdue_tasks, *load.open_tasks)}
    shown |= {approval.case_id for approval in load.pending_approvals}
    if shown:
        payload = {"listing": "caseload", "cases": sorted(shown)}
        record_event(AuditAction.CASE_LISTED, actor=user, payload=payload)
    return load


def read_plan(user: User, case_id: int) -> tuple[Case, CasePlan | None]:
    """The case and its plan (goals and actions prefetched), recording the reading."""
    case = get_case_for(user, case_id)
    plan = CasePlan.objects.filter(case=case).prefetch_related("goals__actions").first()
    _viewed(user, case, {"part": "plan", "plan": plan.pk if plan else None})
    return case, plan


@dataclass(frozen=True)
class ChildRecords:
    records: list[BestInterestsRecord]
    steps: list[FamilyTracingStep]
    guardian: Guardian | None


def read_child_records(user: User, case_id: int) -> tuple[Case, ChildRecords]:
    """The case and its child-protection records, recording which were shown."""
    case = get_case_for(user, case_id)
    shown = ChildRecords(
        records=list(case.best_interests.all()),
        steps=list(case.tracing_steps.all()),
        guardian=Guardian.objects.filter(case=case).first(),
    )
    payload = {
        "part": "child",
        "best_interests": [record.pk for record in shown.records],
        "tracing_steps": [step.pk for step in shown.steps],
        "guardian": shown.guardian.pk if shown.guardian else None,
    }
    _viewed(user, case, payload)
    return case, shown


def list_consents(user: User, case_id: int) -> tuple[Case, list[Consent]]:
    """The case and its consents, recording which were shown."""
    case = get_case_for(user, case_id)
    consents = list(case.consents.select_related("recipient"))
    _viewed(user, case, {"part": "consents", "consents": [c.pk for c in consents]})
    return case, consents
