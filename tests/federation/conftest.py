"""A second node held in memory: its own keys and id, sealing and opening envelopes exactly
as a real peer does, so one test database can play this node against it. The two-process
tests (test_two_nodes.py) run the real thing over HTTP."""

import datetime as dt
import uuid
from typing import Any

import pytest
from joserfc.jwk import OKPKey

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.federation.domain import envelope, identity, peers
from amparo.federation.models import Peer
from tests.conftest import PASSWORD


class RemoteNode:
    """Another country's node, reduced to its keys."""

    def __init__(self, country: str) -> None:
        self.country = country
        self.node_id = str(uuid.uuid4())
        self.sign_key = OKPKey.generate_key("Ed25519")
        self.encrypt_key = OKPKey.generate_key("X25519")

    def card(self, url: str = "https://peer.example.test") -> dict[str, Any]:
        sign_jwk = self.sign_key.as_dict(private=False)
        encrypt_jwk = self.encrypt_key.as_dict(private=False)
        return {
            "amparo_node_card": 1,
            "node_id": self.node_id,
            "country": self.country,
            "url": url,
            "sign_key": sign_jwk,
            "encrypt_key": encrypt_jwk,
            "fingerprint": identity.fingerprint_of(self.node_id, sign_jwk, encrypt_jwk),
        }

    def content(
        self, kind: str, *, ttl: dt.timedelta = dt.timedelta(days=1), **fields: Any
    ) -> dict[str, Any]:
        card = identity.public_card()
        return envelope.new_content(
            kind,
            sender=self.node_id,
            recipient=card["node_id"],
            sender_country=self.country,
            recipient_country=card["country"],
            ttl=ttl,
            **fields,
        )

    def seal(self, content: dict[str, Any], *, signing_key: OKPKey | None = None) -> str:
        card = identity.public_card()
        return envelope.seal(
            content, signing_key=signing_key or self.sign_key, recipient_key=card["encrypt_key"]
        )

    def open(self, token: str) -> dict[str, Any]:
        return envelope.open_sealed(
            token,
            decryption_keys=[self.encrypt_key],
            sender_key=identity.public_card()["sign_key"],
        )


def referral_fields(institution: str = "gt-pgn") -> dict[str, Any]:
    return {
        "case_ref": "opaque-ref-1",
        "referral": {
            "kind": "continuity_of_care",
            "urgency": "normal",
            "institution": institution,
            "data": {"given_names": "Synthetica", "first_surname": "Fakename", "sex": "female"},
        },
        "consent": {
            "legal_basis": "consent",
            "purpose": "cross_border",
            "recipient_country": "GT",
            "recipient_institution": institution,
            "date": "2026-11-30",
            "expires": None,
            "method": "written",
            "language": "es",
            "interpreter": False,
            "text_sha256": "0" * 64,
        },
    }


@pytest.fixture
def gt_node(reference: None) -> None:
    """This database is Guatemala's node."""
    identity.init_node(country="GT", url="https://gt.example.test", actor=None)


@pytest.fixture
def mx_node(reference: None) -> None:
    """This database is Mexico's node."""
    identity.init_node(country="MX", url="https://mx.example.test", actor=None)


@pytest.fixture
def mx_remote(gt_node: None) -> RemoteNode:
    remote = RemoteNode("MX")
    peers.trust_peer(remote.card(), actor=None)
    return remote


@pytest.fixture
def gt_remote(mx_node: None) -> RemoteNode:
    remote = RemoteNode("GT")
    peers.trust_peer(remote.card(), actor=None)
    return remote


@pytest.fixture
def hn_remote(mx_node: None) -> RemoteNode:
    remote = RemoteNode("HN")
    peers.trust_peer(remote.card(), actor=None)
    return remote


def staff(username: str, agency_code: str, role: Role) -> User:
    agency = Agency.objects.get(code=agency_code)
    return create_staff_user(
        username, password=PASSWORD, memberships=[(agency, role)], language="es"
    )


@pytest.fixture
def mx_focal_point(reference: None) -> User:
    return staff("fabiola.fp.mx", "mx-pfpnna", Role.FOCAL_POINT)


@pytest.fixture
def gt_focal_point(reference: None) -> User:
    return staff("gerardo.fp.gt", "gt-pgn", Role.FOCAL_POINT)


@pytest.fixture
def gt_receiving_officer(reference: None) -> User:
    return staff("rosa.ro.gt", "gt-sbs", Role.RECEIVING_OFFICER)


def peer_of(remote: RemoteNode) -> Peer:
    return Peer.objects.get(node_id=remote.node_id)
