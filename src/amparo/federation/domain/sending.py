"""Putting an envelope in the outbox: content built, signed, encrypted to the peer, stored."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.federation.domain.envelope import new_content, parse_time, seal
from amparo.federation.domain.identity import signing_key, this_node
from amparo.federation.enums import FederationAudit, OutboxStatus
from amparo.federation.models import CrossBorderReferral, CrossBorderStep, OutboundEnvelope, Peer
from amparo.protection.domain.audit import record_event

DEFAULT_TTL = dt.timedelta(days=14)


def queue_envelope(
    peer: Peer,
    kind: str,
    *,
    ttl: dt.timedelta = DEFAULT_TTL,
    in_reply_to: str | None = None,
    about: CrossBorderReferral | None = None,
    status: str = OutboxStatus.PENDING,
    **fields: Any,
) -> OutboundEnvelope:
    """Seal a new envelope to a trusted peer and put it in the outbox.

    Effects: the outbox row (sealed, encrypted again at rest) and an audit event; runs in the
    caller's transaction, so the envelope exists exactly when the change it reports does.
    """
    if not peer.trusted:
        raise ValidationError({"peer": _("This peer is no longer trusted: nothing goes to it.")})
    node = this_node()
    content = new_content(
        kind,
        sender=str(node.node_id),
        recipient=str(peer.node_id),
        sender_country=node.country_id,
        recipient_country=peer.country_id,
        ttl=ttl,
        in_reply_to=in_reply_to,
        **fields,
    )
    sealed = seal(content, signing_key=signing_key(), recipient_key=peer.encrypt_jwk)
    now = timezone.now()
    envelope = OutboundEnvelope.objects.create(
        envelope_id=content["envelope"],
        peer=peer,
        kind=kind,
        in_reply_to=in_reply_to,
        referral=about,
        sealed=sealed,
        status=status,
        next_attempt_at=now,
        created_at=now,
        expires_at=parse_time(content["expires"]),
        delivered_at=now if status == OutboxStatus.DELIVERED else None,
    )
    if about is not None:
        add_step(about, kind, envelope_id=content["envelope"])
    record_event(
        FederationAudit.ENVELOPE_QUEUED,
        actor=None,
        subject=envelope,
        payload={"envelope": content["envelope"], "type": kind, "peer": peer.country_id},
    )
    return envelope


def add_step(referral: CrossBorderReferral, kind: str, *, envelope_id: str | None = None) -> None:
    CrossBorderStep.objects.create(
        referral=referral, kind=kind, at=timezone.now(), envelope_id=envelope_id
    )
