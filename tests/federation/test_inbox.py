"""Receiving: every refusal has its code, is audited, and changes nothing; a repeat is
stored once and answered with the same receipt."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client
from joserfc.jwk import OKPKey

from amparo.federation.domain import identity, peers
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.enums import FederationAudit, InboundStatus, OutboxStatus, Transport
from amparo.federation.models import InboundEnvelope, OutboundEnvelope, ReceivedReferral
from amparo.protection.models import AuditEvent
from tests.federation.conftest import RemoteNode, peer_of, referral_fields

INBOX = "/api/federation/inbox"


def post(token: str | bytes) -> tuple[int, dict[str, object]]:
    body = token.encode() if isinstance(token, str) else token
    response = Client().post(INBOX, data=body, content_type="application/jose")
    return response.status_code, json.loads(response.content)


def nothing_stored() -> bool:
    return not InboundEnvelope.objects.exists() and not ReceivedReferral.objects.exists()


def refusals() -> list[str]:
    rows = AuditEvent.objects.filter(action=FederationAudit.ENVELOPE_REFUSED)
    return [row.payload["code"] for row in rows]


def flip_one_byte(token: str, position: int) -> str:
    swapped = "A" if token[position] != "A" else "B"
    return token[:position] + swapped + token[position + 1 :]


def test_a_referral_is_stored_once_and_a_receipt_comes_back(mx_remote: RemoteNode) -> None:
    content = mx_remote.content("referral", **referral_fields())
    status, answer = post(mx_remote.seal(content))
    assert (status, answer["result"], answer["envelope"]) == (200, "accepted", content["envelope"])
    receipt = mx_remote.open(str(answer["receipt"]))
    assert (receipt["type"], receipt["in_reply_to"]) == ("receipt", content["envelope"])
    received = ReceivedReferral.objects.get()
    assert (received.status, received.addressed_to.code) == (InboundStatus.RECEIVED, "gt-pgn")
    assert received.peer == peer_of(mx_remote)


def test_the_same_envelope_posted_twice_is_stored_once_with_the_same_receipt(
    mx_remote: RemoteNode,
) -> None:
    token = mx_remote.seal(mx_remote.content("referral", **referral_fields()))
    first = post(token)
    second = post(token)
    assert (first[1]["result"], second[1]["result"]) == ("accepted", "duplicate")
    assert first[1]["receipt"] == second[1]["receipt"]
    assert InboundEnvelope.objects.count() == 1
    assert ReceivedReferral.objects.count() == 1
    assert OutboundEnvelope.objects.filter(kind="receipt").count() == 1


def test_one_changed_byte_is_refused_as_bad_signature(mx_remote: RemoteNode) -> None:
    token = mx_remote.seal(mx_remote.content("referral", **referral_fields()))
    ciphertext_start = token.rindex(".", 0, token.rindex(".")) + 5
    status, answer = post(flip_one_byte(token, ciphertext_start))
    assert (status, answer["refused"]) == (403, "bad_signature")
    assert nothing_stored()
    assert refusals() == ["bad_signature"]


def test_an_envelope_re_signed_by_an_unpinned_key_is_refused(mx_remote: RemoteNode) -> None:
    content = mx_remote.content("referral", **referral_fields())
    forged = mx_remote.seal(content, signing_key=OKPKey.generate_key("Ed25519"))
    status, answer = post(forged)
    assert (status, answer["refused"]) == (403, "bad_signature")
    assert nothing_stored()


def test_an_envelope_addressed_to_a_third_node_is_refused(mx_remote: RemoteNode) -> None:
    content = mx_remote.content("referral", **referral_fields())
    third = RemoteNode("SV")
    content["recipient"] = third.node_id
    status, answer = post(mx_remote.seal(content))
    assert (status, answer["refused"]) == (421, "not_for_this_node")
    assert nothing_stored()


def test_an_envelope_from_a_node_never_pinned_is_refused(gt_node: None) -> None:
    stranger = RemoteNode("MX")
    status, answer = post(stranger.seal(stranger.content("ping")))
    assert (status, answer["refused"]) == (403, "unknown_sender")
    assert nothing_stored()


def test_after_untrust_the_peer_is_refused_and_nothing_goes_to_it(mx_remote: RemoteNode) -> None:
    peer = peer_of(mx_remote)
    token = mx_remote.seal(mx_remote.content("ping"))
    peers.untrust_peer(peer, actor=None)
    status, answer = post(token)
    assert (status, answer["refused"]) == (403, "unknown_sender")
    assert nothing_stored()


def test_an_expired_envelope_is_refused(mx_remote: RemoteNode) -> None:
    content = mx_remote.content("referral", **referral_fields())
    content["expires"] = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
    status, answer = post(mx_remote.seal(content))
    assert (status, answer["refused"]) == (410, "expired")
    assert nothing_stored()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: c.pop("consent"),
        lambda c: c.update(type="gossip"),
        lambda c: c["referral"].update(kind="deportation"),
        lambda c: c.update(extra="field"),
    ],
    ids=["no-consent", "unknown-type", "unknown-kind", "extra-field"],
)
def test_content_that_breaks_the_schema_is_refused_as_malformed(
    mx_remote: RemoteNode, spoil: Callable[[dict[str, object]], object]
) -> None:
    content = mx_remote.content("referral", **referral_fields())
    spoil(content)
    status, answer = post(mx_remote.seal(content))
    assert (status, answer["refused"]) == (400, "malformed")
    assert nothing_stored()


def test_garbage_is_refused_as_malformed(gt_node: None) -> None:
    assert post(b"not an envelope") == (
        400,
        {"refused": "malformed", "detail": "not a compact JWE"},
    )
    assert refusals() == ["malformed"]


def test_the_refusal_audit_holds_codes_only(mx_remote: RemoteNode) -> None:
    content = mx_remote.content("referral", **referral_fields())
    content["expires"] = "2020-01-01T00:00:00Z"
    post(mx_remote.seal(content))
    event = AuditEvent.objects.get(action=FederationAudit.ENVELOPE_REFUSED)
    assert event.payload == {
        "code": "expired",
        "envelope": content["envelope"],
        "sender": mx_remote.node_id,
    }


def test_a_withdrawal_hides_the_data_at_once(mx_remote: RemoteNode) -> None:
    referral = mx_remote.content("referral", **referral_fields())
    receive_envelope(mx_remote.seal(referral))
    withdrawn = mx_remote.content(
        "withdrawn", in_reply_to=referral["envelope"], case_ref="opaque-ref-1"
    )
    arrival = receive_envelope(mx_remote.seal(withdrawn))
    received = ReceivedReferral.objects.get()
    assert received.status == InboundStatus.WITHDRAWN
    assert received.hidden_at is not None
    assert mx_remote.open(str(arrival.receipt))["in_reply_to"] == withdrawn["envelope"]


def test_a_file_import_leaves_the_receipt_pending_in_the_outbox(mx_remote: RemoteNode) -> None:
    receive_envelope(mx_remote.seal(mx_remote.content("ping")), transport=Transport.FILE)
    receipt = OutboundEnvelope.objects.get(kind="receipt")
    assert receipt.status == OutboxStatus.PENDING


def test_a_receipt_is_never_answered_with_a_receipt(mx_remote: RemoteNode) -> None:
    receipt = mx_remote.content("receipt", in_reply_to="00000000-0000-4000-8000-000000000000")
    arrival = receive_envelope(mx_remote.seal(receipt))
    assert arrival.receipt is None
    assert not OutboundEnvelope.objects.exists()


def test_envelopes_sealed_to_a_rotated_key_still_open(mx_remote: RemoteNode) -> None:
    token = mx_remote.seal(mx_remote.content("ping"))  # sealed to the key before rotation
    identity.rotate_node_keys(actor=None)
    assert receive_envelope(token).result == "accepted"
