"""Receiving an envelope: verified against the pinned key, for this node, not expired,
following the schema, then stored once by envelope id and acted on. Every refusal is audited
and changes nothing else; a receipt is signed at once for everything but a receipt."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from amparo.accounts.models import Agency
from amparo.federation.domain.envelope import (
    EnvelopeRefused,
    now_utc,
    open_sealed,
    parse_time,
    read_outer_header,
)
from amparo.federation.domain.identity import decryption_keys, this_node
from amparo.federation.domain.peers import trusted_peer
from amparo.federation.domain.received import hide_local_copy
from amparo.federation.domain.sending import add_step, queue_envelope
from amparo.federation.enums import (
    CrossBorderStatus,
    EnvelopeType,
    FederationAudit,
    InboundStatus,
    OutboxStatus,
    RefusalCode,
    Transport,
)
from amparo.federation.models import (
    CrossBorderReferral,
    InboundEnvelope,
    OutboundEnvelope,
    Peer,
    ReceivedReferral,
)
from amparo.protection.domain.audit import record_event

# How long hidden data of a withdrawn referral is kept before erasure (a dispute, an audit).
ERASE_AFTER_WITHDRAWAL = dt.timedelta(days=30)
RATE_WINDOW = dt.timedelta(minutes=1)
REPLIES = {EnvelopeType.ACCEPTED, EnvelopeType.DECLINED, EnvelopeType.OUTCOME}
STATUS_OF_REPLY = {
    EnvelopeType.ACCEPTED: CrossBorderStatus.ACCEPTED,
    EnvelopeType.DECLINED: CrossBorderStatus.DECLINED,
    EnvelopeType.OUTCOME: CrossBorderStatus.COMPLETED,
}


@dataclass(frozen=True)
class Arrival:
    result: str  # "accepted" or "duplicate"
    envelope: InboundEnvelope
    receipt: str | None  # the sealed receipt to answer with


def receive_envelope(token: str, *, transport: str = Transport.HTTP) -> Arrival:
    """Take one sealed envelope from a peer, or refuse it with a code (EnvelopeRefused).

    Effects on acceptance, in one transaction: the inbound row, what the type means (a
    received referral, a step on the sending case, data hidden after a withdrawal), the
    receipt in the outbox, an audit event. A repeat is answered with the same receipt.
    On refusal: an audit event with the code, nothing else.
    """
    try:
        content, peer = _verified(token)
        if transport == Transport.HTTP:
            _check_rate(content, peer)
    except EnvelopeRefused as refusal:
        _audit_refusal(refusal, token)
        raise
    try:
        with transaction.atomic():
            return _store(content, peer, transport)
    except IntegrityError:  # the same envelope stored by a concurrent request
        return _duplicate(content, peer)


def _verified(token: str) -> tuple[dict[str, Any], Peer]:
    header = read_outer_header(token)
    node = this_node()
    if header.recipient != str(node.node_id):
        raise EnvelopeRefused(RefusalCode.NOT_FOR_THIS_NODE, "addressed to another node")
    peer = trusted_peer(header.sender)
    if peer is None:
        raise EnvelopeRefused(RefusalCode.UNKNOWN_SENDER, "the sender is not a trusted peer")
    content = open_sealed(token, decryption_keys=decryption_keys(), sender_key=peer.sign_jwk)
    if parse_time(content["expires"]) <= now_utc():
        raise EnvelopeRefused(RefusalCode.EXPIRED, "the envelope expired", content["envelope"])
    return content, peer


def inbox_limit_per_minute() -> int:
    return int(settings.AMPARO_FEDERATION_INBOX_PER_MINUTE)


def _check_rate(content: dict[str, Any], peer: Peer) -> None:
    """At most `AMPARO_FEDERATION_INBOX_PER_MINUTE` new envelopes per peer over the network
    in any minute; a repeat of a stored one is always answered (it costs nothing). Counted
    after the signature verifies, so no one can spend a peer's allowance in its name."""
    if InboundEnvelope.objects.filter(envelope_id=content["envelope"]).exists():
        return
    since = timezone.now() - RATE_WINDOW
    recent = InboundEnvelope.objects.filter(
        peer=peer, transport=Transport.HTTP, received_at__gte=since
    ).count()
    if recent >= inbox_limit_per_minute():
        raise EnvelopeRefused(
            RefusalCode.RATE_LIMITED, "too many envelopes from this peer", content["envelope"]
        )


def _audit_refusal(refusal: EnvelopeRefused, token: str) -> None:
    try:
        sender = read_outer_header(token).sender
    except EnvelopeRefused:
        sender = ""
    payload = {"code": str(refusal.code), "envelope": refusal.envelope_id, "sender": sender[:36]}
    record_event(FederationAudit.ENVELOPE_REFUSED, actor=None, payload=payload)


def _store(content: dict[str, Any], peer: Peer, transport: str) -> Arrival:
    if InboundEnvelope.objects.filter(envelope_id=content["envelope"]).exists():
        return _duplicate(content, peer)
    envelope = InboundEnvelope.objects.create(
        envelope_id=content["envelope"],
        peer=peer,
        kind=content["type"],
        in_reply_to=content.get("in_reply_to"),
        body=content,
        transport=transport,
        received_at=timezone.now(),
        expires_at=parse_time(content["expires"]),
    )
    HANDLERS.get(content["type"], _nothing)(envelope, content)
    record_event(
        FederationAudit.ENVELOPE_RECEIVED,
        actor=None,
        subject=envelope,
        payload={"envelope": content["envelope"], "type": content["type"], "peer": peer.country_id},
    )
    receipt = None
    if content["type"] != EnvelopeType.RECEIPT:
        status = OutboxStatus.DELIVERED if transport == Transport.HTTP else OutboxStatus.PENDING
        receipt = queue_envelope(
            peer, EnvelopeType.RECEIPT, in_reply_to=content["envelope"], status=status
        ).sealed
    return Arrival("accepted", envelope, receipt)


def _duplicate(content: dict[str, Any], peer: Peer) -> Arrival:
    envelope = InboundEnvelope.objects.get(envelope_id=content["envelope"])
    receipt = (
        OutboundEnvelope.objects.filter(kind=EnvelopeType.RECEIPT, in_reply_to=envelope.envelope_id)
        .values_list("sealed", flat=True)
        .first()
    )
    record_event(
        FederationAudit.ENVELOPE_DUPLICATE,
        actor=None,
        subject=envelope,
        payload={"envelope": content["envelope"], "peer": peer.country_id},
    )
    return Arrival("duplicate", envelope, receipt)


def _nothing(envelope: InboundEnvelope, content: dict[str, Any]) -> None:
    """A ping carries nothing to act on: its receipt is the answer."""


def _on_referral(envelope: InboundEnvelope, content: dict[str, Any]) -> None:
    node = this_node()
    institution = content["referral"]["institution"]
    addressed = Agency.objects.filter(code=institution, country_id=node.country_id).first()
    ReceivedReferral.objects.create(
        envelope=envelope,
        peer=envelope.peer,
        kind=content["referral"]["kind"],
        urgency=content["referral"]["urgency"],
        addressed_to=addressed,
        received_at=envelope.received_at,
    )


def _on_receipt(envelope: InboundEnvelope, content: dict[str, Any]) -> None:
    sent = OutboundEnvelope.objects.filter(
        envelope_id=content["in_reply_to"], peer=envelope.peer
    ).first()
    if sent is None:
        return
    now = timezone.now()
    sent.receipt_at = sent.receipt_at or now
    changed = ["receipt_at"]
    if sent.status == OutboxStatus.PENDING:  # the sender died before it recorded delivery
        sent.status, sent.delivered_at = OutboxStatus.DELIVERED, now
        changed += ["status", "delivered_at"]
    sent.save(update_fields=changed)
    referral = CrossBorderReferral.objects.filter(envelope_id=sent.envelope_id).first()
    if referral is not None:
        add_step(referral, EnvelopeType.RECEIPT, envelope_id=str(envelope.envelope_id))
        if referral.status == CrossBorderStatus.APPROVED:
            referral.status = CrossBorderStatus.RECEIVED
            referral.save(update_fields=["status"])


def _on_reply(envelope: InboundEnvelope, content: dict[str, Any]) -> None:
    referral = CrossBorderReferral.objects.filter(
        envelope_id=content["in_reply_to"], peer=envelope.peer
    ).first()
    if referral is None or referral.status == CrossBorderStatus.WITHDRAWN:
        return
    referral.status = STATUS_OF_REPLY[content["type"]]
    referral.remote_note = content.get("note", "")
    referral.version += 1
    referral.save(update_fields=["status", "remote_note", "version"])
    add_step(referral, content["type"], envelope_id=str(envelope.envelope_id))


def _on_withdrawn(envelope: InboundEnvelope, content: dict[str, Any]) -> None:
    received = ReceivedReferral.objects.filter(
        envelope__envelope_id=content["in_reply_to"], peer=envelope.peer
    ).first()
    if received is None or received.hidden_at is not None:
        return
    now = timezone.now()
    received.status = InboundStatus.WITHDRAWN
    received.hidden_at = now
    received.erase_after = now + ERASE_AFTER_WITHDRAWAL
    received.save(update_fields=["status", "hidden_at", "erase_after"])
    hide_local_copy(received)
    record_event(
        FederationAudit.INBOUND_HIDDEN,
        actor=None,
        subject=received,
        payload={"envelope": str(received.envelope.envelope_id)},
    )


HANDLERS = {
    EnvelopeType.REFERRAL: _on_referral,
    EnvelopeType.RECEIPT: _on_receipt,
    EnvelopeType.ACCEPTED: _on_reply,
    EnvelopeType.DECLINED: _on_reply,
    EnvelopeType.OUTCOME: _on_reply,
    EnvelopeType.WITHDRAWN: _on_withdrawn,
}
