"""Pinning and un-pinning peers. A peer is trusted only after its fingerprint was compared out
of band (a phone call between focal points); un-trusting it stops all traffic both ways."""

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey

from amparo.accounts.models import Country, User
from amparo.federation.domain.identity import fingerprint_of, this_node
from amparo.federation.enums import FederationAudit, OutboxStatus
from amparo.federation.models import OutboundEnvelope, Peer
from amparo.protection.domain.audit import record_event

CARD_FIELDS = ("node_id", "country", "url", "sign_key", "encrypt_key", "fingerprint")


def _public_okp(jwk: Any, curve: str, field: str) -> dict[str, Any]:
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ValidationError({field: _("This must be a public key (no private part).")})
    try:
        key = OKPKey.import_key(jwk)
    except (ValueError, TypeError, KeyError):
        raise ValidationError({field: _("This is not a valid public key.")}) from None
    if key.curve_name != curve:
        raise ValidationError({field: _("This key must be on curve %(curve)s.") % {"curve": curve}})
    return dict(key.as_dict(private=False))


def read_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """A peer's public card, checked field by field (ValidationError names each one)."""
    missing = [name for name in CARD_FIELDS if name not in card]
    if missing:
        raise ValidationError(
            {name: _("The card lacks this field.") for name in missing}  # one message per field
        )
    try:
        node_id = str(uuid.UUID(str(card["node_id"])))
    except ValueError:
        raise ValidationError({"node_id": _("The node id is not a UUID.")}) from None
    if not Country.objects.filter(code=str(card["country"])).exists():
        raise ValidationError({"country": _("Unknown country code.")})
    url = str(card["url"])
    if url and not url.startswith(("https://", "http://")):
        raise ValidationError({"url": _("The URL must start with https:// or http://.")})
    sign_key = _public_okp(card["sign_key"], "Ed25519", "sign_key")
    encrypt_key = _public_okp(card["encrypt_key"], "X25519", "encrypt_key")
    computed = fingerprint_of(node_id, sign_key, encrypt_key)
    if computed != card["fingerprint"]:
        raise ValidationError(
            {"fingerprint": _("The fingerprint does not match the keys: the card was altered.")}
        )
    return {
        "node_id": node_id,
        "country": str(card["country"]),
        "url": url,
        "sign_key": sign_key,
        "encrypt_key": encrypt_key,
        "fingerprint": computed,
    }


def trust_peer(card: Mapping[str, Any], *, actor: User | None) -> Peer:
    """Pin a peer's card (or re-pin it after the peer rotated its keys).

    Refused for this node's own card, and for a second trusted node of the same country.
    Effects: the peer row created or updated, an audit event, in one transaction.
    """
    data = read_card(card)
    node = this_node()
    if data["node_id"] == str(node.node_id) or data["country"] == node.country_id:
        raise ValidationError({"node_id": _("This is this node's own card or country.")})
    other = Peer.objects.filter(country_id=data["country"], trusted=True)
    if other.exclude(node_id=data["node_id"]).exists():
        raise ValidationError(
            {"country": _("This country already has a trusted node: un-trust it first.")}
        )
    with transaction.atomic():
        peer, created = Peer.objects.update_or_create(
            node_id=data["node_id"],
            defaults={
                "country_id": data["country"],
                "url": data["url"],
                "sign_jwk": data["sign_key"],
                "encrypt_jwk": data["encrypt_key"],
                "fingerprint": data["fingerprint"],
                "trusted": True,
                "trusted_at": timezone.now(),
                "untrusted_at": None,
            },
        )
        payload = {"country": data["country"], "node": data["node_id"], "new": created}
        record_event(FederationAudit.PEER_TRUSTED, actor=actor, subject=peer, payload=payload)
    return peer


def untrust_peer(peer: Peer, *, actor: User | None) -> Peer:
    """Stop all traffic with a peer: nothing more is delivered to it, and whatever it sends is
    refused as `unknown_sender`. Effects: the peer marked untrusted, its pending envelopes
    stopped, an audit event, in one transaction."""
    with transaction.atomic():
        peer.trusted = False
        peer.untrusted_at = timezone.now()
        peer.save(update_fields=["trusted", "untrusted_at"])
        stopped = OutboundEnvelope.objects.filter(peer=peer, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.STOPPED
        )
        payload = {"country": peer.country_id, "node": str(peer.node_id), "stopped": stopped}
        record_event(FederationAudit.PEER_UNTRUSTED, actor=actor, subject=peer, payload=payload)
    return peer


def trusted_peer(node_id: str) -> Peer | None:
    return Peer.objects.filter(node_id=node_id, trusted=True).first()


def trusted_peer_for_country(country: str) -> Peer | None:
    return Peer.objects.filter(country_id=country.upper(), trusted=True).first()
