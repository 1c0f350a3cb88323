"""Child protection: best-interests assessment and determination, guardian, family tracing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.casework.enums import BestInterestsKind, DurableSolution, TracingStatus
from amparo.casework.models import BestInterestsRecord, FamilyTracingStep, Guardian
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def record_best_interests(
    case: Case,
    *,
    actor: User,
    kind: str,
    held_on: dt.date,
    findings: str,
    child_views: str = "",
    participants: str = "",
    durable_solution: str = DurableSolution.PENDING,
) -> BestInterestsRecord:
    """Record a best-interests assessment (BIA) or determination (BID).

    Effects: validation (a BID must name a durable solution and record the child's views),
    the record and an audit event, in one transaction.
    """
    errors: dict[str, str] = {}
    if kind not in BestInterestsKind.values:
        errors["kind"] = _("Unknown record type.")
    if not findings.strip():
        errors["findings"] = _("Write the findings.")
    if durable_solution not in DurableSolution.values:
        errors["durable_solution"] = _("Unknown durable solution.")
    if kind == BestInterestsKind.DETERMINATION and durable_solution == DurableSolution.PENDING:
        errors["durable_solution"] = _("A determination decides a durable solution.")
    if kind == BestInterestsKind.DETERMINATION and not child_views.strip():
        errors["child_views"] = _("Record the child's views: a determination must hear the child.")
    if errors:
        raise ValidationError(errors)
    _not_future(held_on, "held_on")
    with transaction.atomic():
        record = BestInterestsRecord.objects.create(
            case=case,
            kind=kind,
            held_on=held_on,
            findings=findings.strip(),
            child_views=child_views.strip(),
            participants=participants.strip(),
            durable_solution=durable_solution,
            recorded_by=actor,
        )
        payload = {"case": case.pk, "kind": kind, "durable_solution": durable_solution}
        record_event(AuditAction.CHILD_RECORD_SAVED, actor=actor, subject=record, payload=payload)
    return record


def set_guardian(
    case: Case,
    *,
    actor: User,
    name: str,
    relationship: str,
    agency: Agency | None = None,
    appointed_on: dt.date | None = None,
) -> Guardian:
    """Name the child's guardian (replacing any earlier one). Effects: the row, an audit event."""
    if not name.strip():
        raise ValidationError({"name": _("Name the guardian.")})
    if appointed_on is not None:
        _not_future(appointed_on, "appointed_on")
    with transaction.atomic():
        guardian, _created = Guardian.objects.update_or_create(
            case=case,
            defaults={
                "name": name.strip(),
                "relationship": relationship,
                "agency": agency,
                "appointed_on": appointed_on,
            },
        )
        record_event(
            AuditAction.CHILD_RECORD_SAVED,
            actor=actor,
            subject=guardian,
            payload={"case": case.pk, "kind": "guardian"},
        )
    return guardian


def add_tracing_step(
    case: Case,
    *,
    actor: User,
    description: str,
    started_on: dt.date,
    status: str = TracingStatus.PLANNED,
    outcome: str = "",
) -> FamilyTracingStep:
    """Add a family-tracing step. Effects: the row, an audit event."""
    if not description.strip():
        raise ValidationError({"description": _("Describe the step.")})
    if status not in TracingStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _not_future(started_on, "started_on")
    with transaction.atomic():
        step = FamilyTracingStep.objects.create(
            case=case,
            description=description.strip(),
            started_on=started_on,
            status=status,
            outcome=outcome.strip(),
            recorded_by=actor,
        )
        payload = {"case": case.pk, "kind": "tracing", "status": status}
        record_event(AuditAction.CHILD_RECORD_SAVED, actor=actor, subject=step, payload=payload)
    return step
