"""The referral lifecycle: draft → sent → acknowledged → accepted or declined → completed or
closed; a supervisor can revoke. One function per transition, each checked, saved and audited
in one transaction, with notifications queued on commit."""

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import basis_holds_on, valid_basis_for
from amparo.casework.enums import ConsentPurpose
from amparo.casework.errors import ConsentRequired, TransitionNotAllowed
from amparo.casework.models import Consent
from amparo.fieldwork.domain.events import emit_event
from amparo.lib.conflicts import EditConflict
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.minimum_data import snapshot
from amparo.referrals.domain.notifications import notify_receivers, notify_sender
from amparo.referrals.domain.safety import (
    NAMED_CONSENT_KINDS,
    Refusal,
    check_draft_allowed,
    check_recipient_allowed,
)
from amparo.referrals.enums import ReferralStatus as R
from amparo.referrals.enums import ServiceCategory, ServiceStatus, Urgency
from amparo.referrals.models import Referral, Service
from amparo.referrals.signals import referral_transitioned


def basis_for_referral(case: Case, recipient: Agency) -> Consent | None:
    """The consent or legal basis that allows sending this case's data to this recipient.

    Consent to share with this named recipient, or consent to referral in general, or a
    recorded legal basis for referral; never a withdrawn or expired one. A general consent
    never covers a consulate, a migration authority or a body with detention or removal
    powers: the person must name those (IOM Data Protection Principles: specified purpose).
    """
    named = valid_basis_for(case, ConsentPurpose.SHARING, recipient=recipient)
    if named is not None:
        return named
    if recipient.kind in NAMED_CONSENT_KINDS or recipient.enforcement:
        return None
    general = valid_basis_for(case, ConsentPurpose.REFERRAL)
    if general is not None and general.recipient_id in (None, recipient.pk):
        return general
    return None


def refuse(refusal: Refusal, *, actor: User, case: Case, to: Agency, kind: str, step: str) -> None:
    """Audit a refused attempt (committed even though the caller's change is not), then raise
    it as a ValidationError on `receiving_agency`, the field pages and the API show.

    The payload names the case, the recipient and the step, never the reason's details: the
    reason may reveal a fear of return or a protection need.
    """
    payload = {"case": case.pk, "to": to.code, "kind": kind, "step": step}
    record_event(AuditAction.REFERRAL_REFUSED, actor=actor, subject=case, payload=payload)
    raise ValidationError({"receiving_agency": refusal.message}, code=refusal.code)


def _service_errors(case: Case, receiving_agency: Agency, service: Service | None) -> dict:
    if service is None:
        return {}
    errors = {}
    if service.status != ServiceStatus.ACTIVE:
        errors["service"] = _("This service is not active.")
    organization = service.organization
    if organization.agency_id is not None and organization.agency_id != receiving_agency.pk:
        errors["service"] = _("This service belongs to another institution.")
    if (organization.country_id or receiving_agency.country_id) != case.country_id:
        errors["service"] = _("This service is in another country than the case.")
    return errors


def draft_referral(
    case: Case,
    *,
    actor: User,
    receiving_agency: Agency,
    kind: str,
    urgency: str = Urgency.NORMAL,
    service: Service | None = None,
    narrative: str = "",
) -> Referral:
    """Prepare a referral (nothing is shared yet), whatever the caller: page, API or command.

    Refused, with nothing saved: an unknown kind or urgency; the case's own agency; an
    institution of another country; an inactive service or one of another institution; and
    whatever `safety.check_draft_allowed` forbids (a feared country, an enforcement body, a
    return before a best-interests determination), that refusal audited.
    Effects: the draft row, an audit event.
    """
    errors = _service_errors(case, receiving_agency, service)
    if kind not in ServiceCategory.values:
        errors["kind"] = _("Unknown referral kind.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if receiving_agency.country_id != case.country_id:
        errors["receiving_agency"] = _("This institution is in another country than the case.")
    if not receiving_agency.active:
        errors["receiving_agency"] = _("This institution is no longer active.")
    if receiving_agency.pk == case.agency_id:
        errors["receiving_agency"] = _("A referral goes to another institution.")
    if errors:
        raise ValidationError(errors)
    refusal = check_draft_allowed(case, receiving_agency, kind)
    if refusal is not None:
        refuse(refusal, actor=actor, case=case, to=receiving_agency, kind=kind, step="draft")
    if receiving_agency.enforcement:
        narrative = ""  # never protection grounds to an enforcement body, even in a note
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            service=service,
            receiving_agency=receiving_agency,
            sending_agency=case.agency,
            kind=kind,
            urgency=urgency,
            narrative=narrative.strip(),
            created_by=actor,
        )
        payload = {"case": case.pk, "kind": kind, "urgency": urgency, "to": receiving_agency.code}
        record_event(AuditAction.REFERRAL_DRAFTED, actor=actor, subject=referral, payload=payload)
    return referral


def _move(
    referral: Referral,
    *,
    actor: User,
    allowed_from: set[R],
    to: str,
    fields: Mapping[str, object],
) -> None:
    if referral.status not in allowed_from:
        raise TransitionNotAllowed(
            _("A referral cannot go from %(from)s to %(to)s.")
            % {"from": R(referral.status).label, "to": R(to).label}
        )
    values = {"status": to, "version": F("version") + 1, **fields}
    updated = Referral.objects.filter(pk=referral.pk, version=referral.version).update(**values)
    if updated == 0:
        current = Referral.objects.get(pk=referral.pk)
        raise EditConflict({"status": current.status}, current.version)
    previous = referral.status
    referral.refresh_from_db()
    payload = {"from": previous, "to": to, "case": referral.case_id}
    record_event(AuditAction.REFERRAL_TRANSITIONED, actor=actor, subject=referral, payload=payload)
    referral_transitioned.send(Referral, referral=referral, previous=previous, to=to, actor=actor)


def ack_hours(urgency: str) -> int:
    return int(settings.AMPARO_REFERRAL_ACK_HOURS[urgency])


def send_referral(
    referral: Referral, *, actor: User, profiles: list[str] | None = None
) -> Referral:
    """Send a draft: check the consent gate, take the minimum-data snapshot, set the deadline.

    Effects: status `sent`, the basis that allows it, the snapshot, the acknowledgement
    deadline by urgency, an audit event, and an email to the receiving officers after commit.
    Refused (and the refusal audited) when `safety.check_recipient_allowed` forbids it now:
    a fear of return recorded since the draft stops it too.
    """
    case, agency = referral.case, referral.receiving_agency
    refusal = check_recipient_allowed(case, agency, referral.kind, approved_by=referral.approved_by)
    if refusal is not None:
        refuse(refusal, actor=actor, case=case, to=agency, kind=referral.kind, step="send")
    basis = basis_for_referral(case, agency)
    if basis is None:
        raise ConsentRequired(
            _(
                "Record the person's consent to this referral, or the legal basis for it, "
                "before sending."
            )
        )
    now = timezone.now()
    data = snapshot(
        case,
        kind=referral.kind,
        urgency=referral.urgency,
        profiles=[] if agency.enforcement else profiles or [],
    )
    fields = {
        "basis": basis,
        "shared_data": data,
        "sent_at": now,
        "acknowledge_due_at": now + dt.timedelta(hours=ack_hours(referral.urgency)),
    }
    with transaction.atomic():
        _move(referral, actor=actor, allowed_from={R.DRAFT}, to=R.SENT, fields=fields)
        emit_event("referral.sent", referral)
        transaction.on_commit(lambda: notify_receivers(referral))
    return referral


def acknowledge_referral(referral: Referral, *, actor: User) -> Referral:
    """The receiving institution confirms receipt. Effects: status, time, audit, email."""
    with transaction.atomic():
        _move(
            referral,
            actor=actor,
            allowed_from={R.SENT},
            to=R.ACKNOWLEDGED,
            fields={"acknowledged_at": timezone.now()},
        )
        transaction.on_commit(lambda: notify_sender(referral))
    return referral


def _decide(referral: Referral, *, actor: User, to: str, extra: dict[str, object]) -> Referral:
    """Accept or decline: acknowledging on the way if needed, then telling the sender."""
    now = timezone.now()
    fields: dict[str, object] = {"decided_at": now, **extra}
    if referral.acknowledged_at is None:
        fields["acknowledged_at"] = now
    with transaction.atomic():
        allowed = {R.SENT, R.ACKNOWLEDGED}
        _move(referral, actor=actor, allowed_from=allowed, to=to, fields=fields)
        emit_event(f"referral.{to}", referral)  # referral.accepted, referral.declined
        transaction.on_commit(lambda: notify_sender(referral))
    return referral


def accept_referral(referral: Referral, *, actor: User) -> Referral:
    """Accept the referral. Effects: status, times, audit event, email to the sender."""
    return _decide(referral, actor=actor, to=R.ACCEPTED, extra={})


def decline_referral(referral: Referral, *, actor: User, reason: str) -> Referral:
    """Decline with a reason (required). Effects: status, reason (encrypted), audit, email."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    return _decide(referral, actor=actor, to=R.DECLINED, extra={"decline_reason": reason.strip()})


def complete_referral(referral: Referral, *, actor: User, outcome: str) -> Referral:
    """Report the service delivered, with its outcome (required). Effects: status, audit, email."""
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the outcome.")})
    fields = {"completed_at": timezone.now(), "outcome": outcome.strip()}
    with transaction.atomic():
        _move(referral, actor=actor, allowed_from={R.ACCEPTED}, to=R.COMPLETED, fields=fields)
        emit_event("referral.outcome", referral)
        transaction.on_commit(lambda: notify_sender(referral))
    return referral


def close_referral(referral: Referral, *, actor: User) -> Referral:
    """The sender closes a referral that will not be completed. Effects: status, audit."""
    with transaction.atomic():
        allowed = {R.DRAFT, R.SENT, R.ACKNOWLEDGED, R.ACCEPTED}
        _move(
            referral,
            actor=actor,
            allowed_from=allowed,
            to=R.CLOSED,
            fields={"closed_at": timezone.now()},
        )
    return referral


def revoke_referral(referral: Referral, *, actor: User) -> Referral:
    """A supervisor of the sending agency withdraws a referral; the receiver loses the data.

    Effects: status `revoked`, the shared snapshot erased, audit event, email to receivers.
    """
    supervises = actor.memberships.filter(
        active=True, role=Role.SUPERVISOR, agency_id=referral.sending_agency_id
    )
    if not supervises.exists():
        raise TransitionNotAllowed(
            _("Only a supervisor of the sending agency can revoke a referral.")
        )
    with transaction.atomic():
        allowed = {R.SENT, R.ACKNOWLEDGED, R.ACCEPTED}
        _move(
            referral,
            actor=actor,
            allowed_from=allowed,
            to=R.REVOKED,
            fields={"closed_at": timezone.now(), "shared_data": None},
        )
        transaction.on_commit(lambda: notify_receivers(referral))
    return referral


def check_data_may_leave(referral: Referral, *, actor: User, step: str) -> None:
    """Before a slip or an export of a sent referral: the safety rules still allow its
    recipient (a fear of return recorded after sending stops it). Raises the refusal as a
    ValidationError, audited; reads only otherwise."""
    case, agency = referral.case, referral.receiving_agency
    refusal = check_recipient_allowed(case, agency, referral.kind, approved_by=referral.approved_by)
    if refusal is not None:
        refuse(refusal, actor=actor, case=case, to=agency, kind=referral.kind, step=step)


def shared_data_visible(referral: Referral, *, on: dt.date | None = None) -> bool:
    """The receiver may read the snapshot only while the basis that allowed it holds (not
    withdrawn, not expired: `basis_holds_on`)."""
    if referral.status in {R.DRAFT, R.REVOKED} or referral.shared_data is None:
        return False
    basis = referral.basis
    return basis is not None and basis_holds_on(basis, on or timezone.localdate())


def approve_enforcement_referral(referral: Referral, *, actor: User) -> Referral:
    """A supervisor of the sending agency, other than the drafter, approves a draft to a body
    with detention or removal powers (the second person of the two-person rule).

    Refused when the recipient is not such a body, when the draft is no longer a draft, when
    the actor is not a supervisor there or drafted it, and when the safety rules forbid the
    recipient anyway. Effects: approver and time, an audit event.
    """
    supervises = actor.memberships.filter(
        active=True, role=Role.SUPERVISOR, agency_id=referral.sending_agency_id
    ).exists()
    if not referral.receiving_agency.enforcement:
        raise TransitionNotAllowed(_("Only referrals to enforcement bodies need this approval."))
    if referral.status != R.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be approved."))
    if not supervises or actor.pk == referral.created_by_id:
        raise TransitionNotAllowed(
            _("A supervisor of the sending agency who did not draft it must approve it.")
        )
    refusal = check_recipient_allowed(
        referral.case, referral.receiving_agency, referral.kind, approved_by=actor
    )
    if refusal is not None:
        refuse(
            refusal,
            actor=actor,
            case=referral.case,
            to=referral.receiving_agency,
            kind=referral.kind,
            step="approve",
        )
    with transaction.atomic():
        referral.approved_by = actor
        referral.approved_at = timezone.now()
        referral.save(update_fields=["approved_by", "approved_at"])
        payload = {"case": referral.case_id, "to": referral.receiving_agency.code}
        record_event(AuditAction.REFERRAL_APPROVED, actor=actor, subject=referral, payload=payload)
    return referral
