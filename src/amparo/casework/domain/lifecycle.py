"""The case lifecycle: identified → registered → immediate needs → assessed → plan agreed →
in progress → monitoring → closed, and reopening. One function per transition."""

from collections.abc import Mapping

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.casework.domain.consent import valid_basis_for
from amparo.casework.domain.subject import erase_on_request
from amparo.casework.enums import (
    ApprovalDecision,
    ApprovalKind,
    ClosureReason,
    ConsentPurpose,
    PlanStatus,
)
from amparo.casework.errors import ConsentRequired, TransitionNotAllowed
from amparo.casework.models import Approval, CaseNote, CasePlan
from amparo.casework.rules import is_supervisor_of
from amparo.lib.conflicts import EditConflict
from amparo.people.enums import CaseStatus as S
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

# Forward steps; closing and reopening have their own functions.
ALLOWED: dict[str, frozenset[str]] = {
    S.IDENTIFIED: frozenset({S.REGISTERED}),
    S.REGISTERED: frozenset({S.IMMEDIATE_NEEDS, S.ASSESSED}),
    S.IMMEDIATE_NEEDS: frozenset({S.ASSESSED}),
    S.ASSESSED: frozenset({S.PLAN_AGREED}),
    S.PLAN_AGREED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.MONITORING}),
    S.MONITORING: frozenset({S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}


def _has_assessment(case: Case) -> bool:
    # Looked up by name: the assessment app builds on casework (it creates tasks), so
    # casework must not import it.
    assessment = apps.get_model("assessment", "Assessment")
    return bool(assessment.objects.filter(case=case).exists())


def _check_preconditions(case: Case, to: str) -> None:
    """What must exist before a case may enter a stage."""
    if to == S.REGISTERED and valid_basis_for(case, ConsentPurpose.ASSISTANCE) is None:
        raise ConsentRequired(
            _(
                "Record consent for assistance, or the legal basis for assisting without it, "
                "before registering."
            )
        )
    if to == S.ASSESSED and not _has_assessment(case):
        raise TransitionNotAllowed(
            _("Record a vulnerability assessment before marking the case assessed.")
        )
    if (
        to == S.PLAN_AGREED
        and not CasePlan.objects.filter(case=case, status=PlanStatus.AGREED).exists()
    ):
        raise TransitionNotAllowed(
            _("The case plan must be agreed (and approved where needed) first.")
        )


def _save_status(
    case: Case, *, to: str, expected_version: int, extra: Mapping[str, object] | None = None
) -> None:
    """Write the new status only if nobody changed the case since `expected_version`."""
    fields = {
        "status": to,
        "version": F("version") + 1,
        "updated_at": timezone.now(),
        **(extra or {}),
    }
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(**fields)
    if updated == 0:
        current = Case.objects.get(pk=case.pk)
        raise EditConflict({"status": current.status}, current.version)
    case.refresh_from_db(fields=["status", "version", "updated_at", "closure_reason", "closed_at"])


def transition_case(case: Case, *, actor: User, to: str, expected_version: int) -> Case:
    """Move a case one step forward in its lifecycle.

    Effects: checks the step is allowed and its preconditions hold, saves the status with
    optimistic locking, writes a `case.transitioned` audit event, in one transaction.
    """
    if to not in ALLOWED.get(case.status, frozenset()):
        raise TransitionNotAllowed(
            _("A case cannot go from %(from)s to %(to)s.")
            % {"from": S(case.status).label, "to": S(to).label if to in S.values else to}
        )
    with transaction.atomic():
        _check_preconditions(case, to)
        previous = case.status
        _save_status(case, to=to, expected_version=expected_version)
        payload = {"from": previous, "to": to}
        record_event(AuditAction.CASE_TRANSITIONED, actor=actor, subject=case, payload=payload)
    return case


def request_closure(case: Case, *, actor: User, reason: str, expected_version: int) -> Approval:
    """Ask to close a case. A supervisor of the case's agency closes it at once (self-approved).

    Effects: a pending (or approved) `close_case` approval and an audit event; the case is
    closed only when a supervisor approves.
    """
    if reason not in ClosureReason.values:
        raise TransitionNotAllowed(_("Choose a reason for closing the case."))
    if case.status == S.CLOSED:
        raise TransitionNotAllowed(_("The case is already closed."))
    with transaction.atomic():
        approval = Approval.objects.create(
            case=case, kind=ApprovalKind.CLOSE_CASE, requested_by=actor, details={"reason": reason}
        )
        record_event(
            AuditAction.APPROVAL_REQUESTED,
            actor=actor,
            subject=case,
            payload={"kind": approval.kind, "reason": reason},
        )
        if is_supervisor_of(actor, case):
            decide_approval(approval, actor=actor, approve=True, expected_version=expected_version)
    return approval


def decide_approval(
    approval: Approval, *, actor: User, approve: bool, expected_version: int, comment: str = ""
) -> Approval:
    """A supervisor approves or rejects a pending request; an approved closure closes the case.

    Effects: the decision, the resulting case change (closure, or the plan agreed), audit
    events, in one transaction.
    """
    case = approval.case
    if not is_supervisor_of(actor, case):
        raise TransitionNotAllowed(_("Only a supervisor of the case's agency can decide this."))
    if approval.decision != ApprovalDecision.PENDING:
        raise TransitionNotAllowed(_("This request was already decided."))
    # Erasure cannot be undone: four eyes, as for merges and enforcement referrals.
    if approve and approval.kind == ApprovalKind.ERASURE and approval.requested_by_id == actor.pk:
        raise TransitionNotAllowed(_("Another supervisor must approve an erasure you requested."))
    with transaction.atomic():
        approval.decision = ApprovalDecision.APPROVED if approve else ApprovalDecision.REJECTED
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.comment = comment.strip()
        approval.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        payload = {"kind": approval.kind, "decision": approval.decision}
        record_event(AuditAction.APPROVAL_DECIDED, actor=actor, subject=case, payload=payload)
        if approve and approval.kind == ApprovalKind.CLOSE_CASE:
            _close(
                case,
                actor=actor,
                reason=str(approval.details["reason"]),
                expected_version=expected_version,
            )
        if approve and approval.kind == ApprovalKind.ERASURE:
            erase_on_request(approval, actor=actor)
        if approval.kind == ApprovalKind.PLAN:
            status = PlanStatus.AGREED if approve else PlanStatus.DRAFT
            CasePlan.objects.filter(case=case).update(
                status=status, agreed_at=timezone.now() if approve else None
            )
    return approval


def _close(case: Case, *, actor: User, reason: str, expected_version: int) -> None:
    previous = case.status
    extra = {"closure_reason": reason, "closed_at": timezone.now()}
    _save_status(case, to=S.CLOSED, expected_version=expected_version, extra=extra)
    record_event(
        AuditAction.CASE_TRANSITIONED,
        actor=actor,
        subject=case,
        payload={"from": previous, "to": S.CLOSED, "reason": reason},
    )


def reopen_case(case: Case, *, actor: User, reason: str, expected_version: int) -> Case:
    """Reopen a closed case; it returns to `registered` to be assessed again.

    Effects: status, clears the closure, keeps the reason as an encrypted case note, and a
    `case.reopened` audit event (the reason is free text and stays out of the audit payload).
    """
    if case.status != S.CLOSED:
        raise TransitionNotAllowed(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise TransitionNotAllowed(_("Say why the case is reopened."))
    with transaction.atomic():
        extra = {"closure_reason": "", "closed_at": None}
        _save_status(case, to=S.REGISTERED, expected_version=expected_version, extra=extra)
        CaseNote.objects.create(case=case, kind="reopen", text=reason.strip(), author=actor)
        record_event(
            AuditAction.CASE_REOPENED, actor=actor, subject=case, payload={"reason_given": True}
        )
    return case
