"""This node's identity: its keys, its public card, its fingerprint, and signing.

Two key pairs: Ed25519 signs (JWS, RFC 9864 `Ed25519`), X25519 receives encrypted envelopes
(JWE `ECDH-ES+A256KW` / `A256GCM`). The private halves are stored encrypted under the key ring
(`NodeKey.private_jwk`), so they are kept like the other keys and follow `amparo rotate-keys`.

`sign` and `verify` are also what other apps use to sign what leaves the node (the regional
aggregates of the statistics app): `verify` takes the signer's public card or key.
"""

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from amparo.accounts.models import Country, User
from amparo.federation.enums import FederationAudit
from amparo.federation.models import NodeIdentity, NodeKey
from amparo.protection.domain.audit import record_event

SIGNING_ALGORITHM = "Ed25519"
CARD_VERSION = 1


class NodeNotInitialised(RuntimeError):
    """This node has no identity yet: run `amparo node init --country XX`."""

    def __init__(self) -> None:
        super().__init__("This node has no identity yet: run 'amparo node init --country XX'.")


class BadSignature(ValueError):
    """The signed value does not verify against the given public key."""


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def fingerprint_of(
    node_id: str, sign_jwk: Mapping[str, Any], encrypt_jwk: Mapping[str, Any]
) -> str:
    """160 bits of SHA-256 over the node id and both public keys, as 10 groups of 4 hex
    digits: short enough to read aloud on a phone call between focal points."""
    content = {"node": str(node_id), "sign": dict(sign_jwk), "encrypt": dict(encrypt_jwk)}
    digest = hashlib.sha256(canonical_json(content)).hexdigest()[:40].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 40, 4))


def this_node() -> NodeIdentity:
    node = NodeIdentity.objects.select_related("country").filter(pk=1).first()
    if node is None:
        raise NodeNotInitialised
    return node


def _current_key(use: str) -> NodeKey:
    key = NodeKey.objects.filter(use=use, retired_at__isnull=True).order_by("-id").first()
    if key is None:
        raise NodeNotInitialised
    return key


def signing_key() -> OKPKey:
    return OKPKey.import_key(json.loads(_current_key(NodeKey.Use.SIGN).private_jwk))


def decryption_keys() -> list[OKPKey]:
    """Current first, then retired ones (envelopes sealed to a card a peer had pinned)."""
    rows = NodeKey.objects.filter(use=NodeKey.Use.ENCRYPT).order_by("retired_at", "-id")
    ordered = sorted(rows, key=lambda k: (k.retired_at is not None, -k.pk))
    return [OKPKey.import_key(json.loads(k.private_jwk)) for k in ordered]


def _new_key(use: str) -> NodeKey:
    curve = "Ed25519" if use == NodeKey.Use.SIGN else "X25519"
    key = OKPKey.generate_key(curve)  # type: ignore[arg-type]
    return NodeKey.objects.create(
        use=use,
        kid=key.thumbprint(),
        public_jwk=key.as_dict(private=False),
        private_jwk=json.dumps(key.as_dict(private=True)),
    )


def init_node(*, country: str, url: str = "", actor: User | None) -> NodeIdentity:
    """Create this node's identity and both key pairs. Refused if the node already has one
    (rotate the keys instead). Effects: identity row, two key rows, an audit event."""
    if NodeIdentity.objects.exists():
        raise ValidationError({"node": _("This node already has an identity; rotate its keys.")})
    country_row = Country.objects.filter(code=country.upper()).first()
    if country_row is None:
        raise ValidationError({"country": _("Unknown country code.")})
    with transaction.atomic():
        node = NodeIdentity.objects.create(node_id=uuid.uuid4(), country=country_row, url=url)
        _new_key(NodeKey.Use.SIGN)
        _new_key(NodeKey.Use.ENCRYPT)
        record_event(
            FederationAudit.NODE_INITIALISED,
            actor=actor,
            subject=node,
            payload={"country": country_row.code},
        )
    return node


def rotate_node_keys(*, actor: User | None) -> NodeIdentity:
    """Replace both key pairs. The old signing key is retired at once; the old encryption key
    is retired but kept to open envelopes already sealed to it. Peers must pin the new card
    (a new fingerprint). Effects: two new keys, old ones retired, an audit event."""
    node = this_node()
    with transaction.atomic():
        NodeKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        _new_key(NodeKey.Use.SIGN)
        _new_key(NodeKey.Use.ENCRYPT)
        record_event(FederationAudit.NODE_KEYS_ROTATED, actor=actor, subject=node)
    return node


def public_card() -> dict[str, Any]:
    """What a peer pins: node id, country, URL, public keys and the fingerprint."""
    node = this_node()
    sign_jwk = _current_key(NodeKey.Use.SIGN).public_jwk
    encrypt_jwk = _current_key(NodeKey.Use.ENCRYPT).public_jwk
    return {
        "amparo_node_card": CARD_VERSION,
        "node_id": str(node.node_id),
        "country": node.country_id,
        "url": node.url,
        "sign_key": sign_jwk,
        "encrypt_key": encrypt_jwk,
        "fingerprint": fingerprint_of(str(node.node_id), sign_jwk, encrypt_jwk),
    }


def fingerprint() -> str:
    return str(public_card()["fingerprint"])


def sign(data: bytes) -> bytes:
    """A compact JWS of `data` under this node's current signing key (header names the key)."""
    key = signing_key()
    header = {"alg": SIGNING_ALGORITHM, "kid": key.thumbprint()}
    return jws.serialize_compact(header, data, key, algorithms=[SIGNING_ALGORITHM]).encode()


def verify(signed: bytes, *, public_key: Mapping[str, Any]) -> bytes:
    """The payload of a compact JWS made by `sign`, if it verifies under `public_key` (a
    public JWK, e.g. a card's `sign_key`). Raises BadSignature otherwise."""
    try:
        key = OKPKey.import_key(dict(public_key))
        if key.curve_name != "Ed25519":
            raise BadSignature("the public key is not an Ed25519 signing key")
        token = jws.deserialize_compact(signed, key, algorithms=[SIGNING_ALGORITHM])
    except (JoseError, ValueError, TypeError) as exc:
        raise BadSignature(str(exc)) from None
    return bytes(token.payload)
