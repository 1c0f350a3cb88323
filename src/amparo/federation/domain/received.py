"""Cross-border referrals on the receiving node: the focal point routes each to an
institution of this country, which accepts or declines it and reports the outcome; every
step goes back to the sending country as a signed envelope. Data of a withdrawn referral is
hidden at once and erased when its retention ends."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.federation.domain.identity import this_node
from amparo.federation.domain.sending import queue_envelope
from amparo.federation.enums import EnvelopeType, FederationAudit, InboundStatus
from amparo.federation.models import ReceivedReferral
from amparo.federation.rules import is_focal_point, works_at
from amparo.protection.domain.audit import record_event


def _check(received: ReceivedReferral, expected: set[str], version: int | None) -> None:
    if received.status not in expected:
        raise ValidationError({"status": _("This step is not possible at this stage.")})
    if version is not None and version != received.version:
        raise ValidationError({"version": _("The referral changed since you read it.")})


def _reply(received: ReceivedReferral, kind: str, note: str = "") -> None:
    body = received.envelope.body or {}
    queue_envelope(
        received.peer,
        kind,
        in_reply_to=str(received.envelope.envelope_id),
        case_ref=str(body.get("case_ref", "")),
        note=note,
    )


def route_received_referral(
    received: ReceivedReferral, *, actor: User, agency: Agency, version: int | None = None
) -> ReceivedReferral:
    """The focal point gives a received referral to an institution of this country.

    Effects: checks (ValidationError by field), the routing, an audit event, one transaction.
    """
    node = this_node()
    if not is_focal_point(actor, node.country_id):
        raise ValidationError({"actor": _("Only the national focal point routes this.")})
    _check(received, {InboundStatus.RECEIVED, InboundStatus.ROUTED}, version)
    if agency.country_id != node.country_id or not agency.active:
        raise ValidationError({"agency": _("Choose an active institution of this country.")})
    if agency.enforcement:
        raise ValidationError(
            {"agency": _("Referrals to immigration-enforcement bodies are refused.")}
        )
    if received.status == InboundStatus.ROUTED and received.routed_to_id == agency.pk:
        return received  # saved again unchanged: nothing to record
    with transaction.atomic():
        received.routed_to, received.routed_at = agency, timezone.now()
        received.status = InboundStatus.ROUTED
        received.version += 1
        received.save(update_fields=["routed_to", "routed_at", "status", "version"])
        record_event(
            FederationAudit.INBOUND_ROUTED,
            actor=actor,
            subject=received,
            payload={"agency": agency.code},
        )
    return received


def decide_received_referral(
    received: ReceivedReferral,
    *,
    actor: User,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> ReceivedReferral:
    """The institution accepts or declines (with a reason); the answer goes back signed.

    Effects: status, an `accepted` or `declined` envelope, an audit event, one transaction.
    """
    if not works_at(actor, received.routed_to_id):
        raise ValidationError({"actor": _("Only the institution it was routed to decides.")})
    _check(received, {InboundStatus.ROUTED}, version)
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    with transaction.atomic():
        received.status = InboundStatus.ACCEPTED if accept else InboundStatus.DECLINED
        received.note = "" if accept else reason.strip()
        received.decided_at = timezone.now()
        received.version += 1
        received.save(update_fields=["status", "note", "decided_at", "version"])
        kind = EnvelopeType.ACCEPTED if accept else EnvelopeType.DECLINED
        _reply(received, kind, received.note)
        record_event(
            FederationAudit.INBOUND_DECIDED,
            actor=actor,
            subject=received,
            payload={"decision": str(kind)},
        )
    return received


def report_received_outcome(
    received: ReceivedReferral, *, actor: User, outcome: str, version: int | None = None
) -> ReceivedReferral:
    """The institution reports what was done. Effects: status, an `outcome` envelope, audit."""
    if not works_at(actor, received.routed_to_id):
        raise ValidationError({"actor": _("Only the institution it was routed to reports.")})
    _check(received, {InboundStatus.ACCEPTED}, version)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the outcome.")})
    with transaction.atomic():
        received.status = InboundStatus.COMPLETED
        received.note = outcome.strip()
        received.version += 1
        received.save(update_fields=["status", "note", "version"])
        _reply(received, EnvelopeType.OUTCOME, received.note)
        record_event(
            FederationAudit.INBOUND_DECIDED,
            actor=actor,
            subject=received,
            payload={"decision": "outcome"},
        )
    return received


def erase_withdrawn_referrals() -> int:
    """Erase the data of withdrawn referrals whose retention ended, and confirm each erasure
    to the sending country. Effects per referral: the stored envelope body and notes
    emptied, status, an `outcome` envelope marked erased, an audit event."""
    due = ReceivedReferral.objects.filter(
        status=InboundStatus.WITHDRAWN, erase_after__lte=timezone.now()
    ).select_related("envelope", "peer")
    count = 0
    for received in due:
        with transaction.atomic():
            case_ref = str((received.envelope.body or {}).get("case_ref", ""))
            received.envelope.body = None
            received.envelope.save(update_fields=["body"])
            received.note = ""
            received.status, received.erased_at = InboundStatus.ERASED, timezone.now()
            received.save(update_fields=["note", "status", "erased_at"])
            if received.peer.trusted:
                queue_envelope(
                    received.peer,
                    EnvelopeType.OUTCOME,
                    in_reply_to=str(received.envelope.envelope_id),
                    case_ref=case_ref,
                    erased=True,
                )
            record_event(FederationAudit.INBOUND_ERASED, actor=None, subject=received)
        count += 1
    return count
