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
from amparo.casework.domain.consent import valid_basis_for
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
from amparo.referrals.enums import ReferralStatus as R
from amparo.referrals.enums import ServiceCategory, Urgency
from amparo.referrals.models import Referral, Service

FINAL = frozenset({R.COMPLETED, R.CLOSED, R.REVOKED, R.DECLINED})


def basis_for_referral(case: Case, recipient: Agency) -> Consent | None:
    """The consent or legal basis that allows sending this case's data to this recipient.

    Consent to share with this named recipient, or consent to referral in general, or a
    recorded legal basis for referral; never a withdrawn or expired one.
    """
    named = valid_basis_for(case, ConsentPurpose.SHARING, recipient=recipient)
    if named is not None:
        return named
    general = valid_basis_for(case, ConsentPurpose.REFERRAL)
    if general is not None and general.recipient_id in (None, recipient.pk):
        return general
    return None


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
    """Prepare a referral (nothing is shared yet). Effects: the draft row, an audit event."""
    errors = {}
    if kind not in ServiceCategory.values:
        errors["kind"] = _("Unknown referral kind.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if receiving_agency.enforcement:
        errors["receiving_agency"] = _("Referrals to immigration-enforcement bodies are refused.")
    if receiving_agency.pk == case.agency_id:
        errors["receiving_agency"] = _("A referral goes to another institution.")
    if errors:
        raise ValidationError(errors)
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


def ack_hours(urgency: str) -> int:
    return int(settings.AMPARO_REFERRAL_ACK_HOURS[urgency])


def send_referral(
    referral: Referral, *, actor: User, profiles: list[str] | None = None
) -> Referral:
    """Send a draft: check the consent gate, take the minimum-data snapshot, set the deadline.

    Effects: status `sent`, the basis that allows it, the snapshot, the acknowledgement
    deadline by urgency, an audit event, and an email to the receiving officers after commit.
    """
    basis = basis_for_referral(referral.case, referral.receiving_agency)
    if basis is None:
        raise ConsentRequired(
            _(
                "Record the person's consent to this referral, or the legal basis for it, "
                "before sending."
            )
        )
    now = timezone.now()
    data = snapshot(
        referral.case, kind=referral.kind, urgency=referral.urgency, profiles=profiles or []
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


def shared_data_visible(referral: Referral) -> bool:
    """The receiver may read the snapshot only while the basis that allowed it stands."""
    if referral.status in {R.DRAFT, R.REVOKED} or referral.shared_data is None:
        return False
    basis = referral.basis
    return basis is not None and basis.withdrawn_on is None
