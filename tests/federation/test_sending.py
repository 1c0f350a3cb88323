"""Sending: the case manager drafts, the focal point approves, the outbox delivers in order
and at least once; the consent and safety gates hold on every path."""

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import (
    ConsentInput,
    consent_text,
    record_consent,
    withdraw_consent,
)
from amparo.casework.enums import ConsentPurpose
from amparo.casework.models import Consent
from amparo.federation.domain import crossborder, delivery, peers
from amparo.federation.domain.crossborder import (
    approve_cross_border_referral,
    draft_cross_border_referral,
)
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.enums import CrossBorderStatus, OutboxStatus
from amparo.federation.models import CrossBorderReferral, OutboundEnvelope
from amparo.people.models import Case
from amparo.screening.models import Screening
from tests.federation.conftest import RemoteNode, peer_of


def cross_border_consent(case: Case, actor: User, agency_code: str) -> Consent:
    data = ConsentInput(
        purpose=ConsentPurpose.CROSS_BORDER,
        method="written",
        language="es",
        recipient=Agency.objects.get(code=agency_code),
    )
    return record_consent(case, data, actor=actor)


def fear_of_return(case: Case, actor: User, country: str) -> None:
    """A screening where the person said they fear returning to `country`."""
    Screening.objects.create(
        case=case,
        agency=case.agency,
        country_id="MX",
        screened_by=actor,
        protocol_id="rcm-preliminary",
        protocol_version="1",
        protocol_hash="0" * 64,
        lang="es",
        answers={"fear_of_return": True, "nationality": country},
    )


def drafted(case: Case, actor: User, agency_code: str = "gt-sbs") -> CrossBorderReferral:
    return draft_cross_border_referral(
        case,
        actor=actor,
        recipient_agency=Agency.objects.get(code=agency_code),
        kind="continuity_of_care",
    )


@pytest.fixture
def approved(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, mx_focal_point: User
) -> CrossBorderReferral:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    return approve_cross_border_referral(drafted(mx_case, mx_caseworker), actor=mx_focal_point)


class Answering:
    """The peer at the network edge: opens what it gets and answers with a receipt."""

    def __init__(self, remote: RemoteNode) -> None:
        self.remote = remote
        self.received: list[dict[str, Any]] = []

    def __call__(self, url: str, token: str) -> tuple[int, dict[str, Any]]:
        content = self.remote.open(token)
        self.received.append(content)
        receipt = self.remote.content("receipt", in_reply_to=content["envelope"])
        return 200, {"result": "accepted", "receipt": self.remote.seal(receipt)}


def unreachable(url: str, token: str) -> tuple[int, dict[str, Any]]:
    raise delivery.PeerUnreachable("connection refused")


def test_without_consent_to_that_country_nothing_is_drafted(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    with pytest.raises(ValidationError) as error:
        drafted(mx_case, mx_caseworker)
    assert list(error.value.message_dict) == ["basis"]
    assert not CrossBorderReferral.objects.exists()


def test_consent_for_another_institution_does_not_cover_this_one(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-pgn")
    with pytest.raises(ValidationError) as error:
        drafted(mx_case, mx_caseworker, "gt-sbs")
    assert list(error.value.message_dict) == ["basis"]


def test_a_country_without_a_trusted_node_is_refused(
    mx_node: None, mx_case: Case, mx_caseworker: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    with pytest.raises(ValidationError) as error:
        drafted(mx_case, mx_caseworker)
    assert error.value.message_dict == {
        "recipient_agency": ["This country's node is not a trusted peer of this node."]
    }


def test_a_person_who_fears_honduras_cannot_be_referred_to_any_honduran_institution(
    hn_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    fear_of_return(mx_case, mx_caseworker, "HN")
    for code in Agency.objects.filter(country_id="HN", enforcement=False).values_list(
        "code", flat=True
    ):
        cross_border_consent(mx_case, mx_caseworker, code)
        with pytest.raises(ValidationError) as error:
            drafted(mx_case, mx_caseworker, code)
        message = error.value.message_dict["recipient_agency"][0]
        assert message.startswith("The person fears returning to HN"), code
    assert not CrossBorderReferral.objects.exists()


def test_a_fear_recorded_after_approval_stops_the_envelope_at_the_door(
    approved: CrossBorderReferral, gt_remote: RemoteNode, mx_caseworker: User
) -> None:
    fear_of_return(approved.case, mx_caseworker, "GT")
    peer = Answering(gt_remote)
    report = delivery.deliver_due(post=peer)
    assert peer.received == []
    assert report.stopped[0]["reason"] == "feared_country"
    assert OutboundEnvelope.objects.get().status == OutboxStatus.STOPPED
    assert delivery.export_pending(peer_of(gt_remote))["envelopes"] == []


def test_only_the_focal_point_approves(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, mx_supervisor: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    referral = drafted(mx_case, mx_caseworker)
    with pytest.raises(ValidationError) as error:
        approve_cross_border_referral(referral, actor=mx_supervisor)
    assert list(error.value.message_dict) == ["actor"]
    assert not OutboundEnvelope.objects.exists()


def test_the_envelope_holds_the_minimum_data_the_consent_proof_and_nothing_else(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    peer = Answering(gt_remote)
    delivery.deliver_due(post=peer)
    content = peer.received[0]
    assert sorted(content) == [
        "case_ref", "consent", "created", "envelope", "expires", "in_reply_to", "recipient",
        "recipient_country", "referral", "sender", "sender_country", "type", "v",
    ]  # fmt: skip
    assert sorted(content["referral"]["data"]) == [
        "birth_year", "first_surname", "given_names", "languages", "nationalities",
        "profiles", "sex", "urgency",
    ]  # fmt: skip
    assert content["referral"]["data"]["given_names"] == "Xiomarafake"
    text = consent_text(ConsentPurpose.CROSS_BORDER, "es")
    assert content["consent"] == {
        "legal_basis": "consent",
        "purpose": "cross_border",
        "recipient_country": "GT",
        "recipient_institution": "gt-sbs",
        "date": timezone.localdate().isoformat(),
        "expires": None,
        "method": "written",
        "language": "es",
        "interpreter": False,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    # A keyed hash of the case id: stable for answers, meaningless without this node's keys.
    assert content["case_ref"] == crossborder.opaque_case_reference(approved.case)
    assert len(content["case_ref"]) == 24
    assert approved.case.reference not in json.dumps(content)
    assert "HX1234567" not in json.dumps(content)  # the passport is not in this type's set


def test_delivery_records_the_receipt_and_the_case_shows_each_step(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    report = delivery.deliver_due(post=Answering(gt_remote))
    assert report.delivered == 1
    approved.refresh_from_db()
    assert approved.status == CrossBorderStatus.RECEIVED
    assert [s.kind for s in approved.steps.all()] == ["drafted", "referral", "receipt"]
    sent = OutboundEnvelope.objects.get(kind="referral")
    assert sent.status == OutboxStatus.DELIVERED
    assert sent.receipt_at is not None


def test_an_unreachable_peer_backs_off_and_keeps_the_order(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    from amparo.federation.domain.sending import queue_envelope

    queue_envelope(peer_of(gt_remote), "ping")
    report = delivery.deliver_due(post=unreachable, backoff=dt.timedelta(seconds=30))
    head = OutboundEnvelope.objects.get(kind="referral")
    assert (report.retried, head.attempts, head.status) == (1, 1, OutboxStatus.PENDING)
    assert head.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    peer = Answering(gt_remote)
    assert delivery.deliver_due(post=peer).delivered == 0  # the head waits, so the ping waits
    OutboundEnvelope.objects.filter(pk=head.pk).update(next_attempt_at=timezone.now())
    delivery.deliver_due(post=peer)
    assert [c["type"] for c in peer.received] == ["referral", "ping"]


def test_the_other_countrys_answers_reach_the_case(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    delivery.deliver_due(post=Answering(gt_remote))
    original = str(approved.envelope_id)
    receive_envelope(gt_remote.seal(gt_remote.content("accepted", in_reply_to=original)))
    outcome = gt_remote.content("outcome", in_reply_to=original, note="Reunited with an aunt.")
    receive_envelope(gt_remote.seal(outcome))
    approved.refresh_from_db()
    assert approved.status == CrossBorderStatus.COMPLETED
    assert approved.remote_note == "Reunited with an aunt."
    assert [s.kind for s in approved.steps.all()][-2:] == ["accepted", "outcome"]


def test_withdrawing_consent_queues_withdrawn_in_the_same_transaction(
    approved: CrossBorderReferral, gt_remote: RemoteNode, mx_caseworker: User
) -> None:
    delivery.deliver_due(post=Answering(gt_remote))
    assert approved.basis is not None
    withdraw_consent(approved.basis, actor=mx_caseworker)
    # Queued by the withdrawal itself, not by a later worker pass.
    assert OutboundEnvelope.objects.filter(kind="withdrawn", status="pending").count() == 1
    approved.refresh_from_db()
    assert approved.status == CrossBorderStatus.WITHDRAWN
    assert crossborder.send_withdrawals() == 0
    peer = Answering(gt_remote)
    delivery.deliver_due(post=peer)
    assert [(c["type"], c["in_reply_to"]) for c in peer.received] == [
        ("withdrawn", str(approved.envelope_id))
    ]
    assert [s.kind for s in approved.steps.all()][-1] == "withdrawn"


def test_a_withdrawal_rolled_back_queues_nothing(
    approved: CrossBorderReferral, mx_caseworker: User
) -> None:
    from django.db import transaction

    basis = approved.basis
    assert basis is not None

    def withdraw_then_fail() -> None:
        with transaction.atomic():
            withdraw_consent(basis, actor=mx_caseworker)
            raise RuntimeError("the page failed after the withdrawal")

    with pytest.raises(RuntimeError):
        withdraw_then_fail()
    assert not OutboundEnvelope.objects.filter(kind="withdrawn").exists()
    approved.refresh_from_db()
    assert approved.status == CrossBorderStatus.APPROVED


def test_untrusting_the_peer_stops_its_outbox(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    peers.untrust_peer(peer_of(gt_remote), actor=None)
    peer = Answering(gt_remote)
    assert delivery.deliver_due(post=peer).delivered == 0
    assert peer.received == []
    assert OutboundEnvelope.objects.get().status == OutboxStatus.STOPPED


def test_a_peer_refusal_is_final_and_recorded(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    def refusing(url: str, token: str) -> tuple[int, dict[str, Any]]:
        return 403, {"refused": "bad_signature"}

    report = delivery.deliver_due(post=refusing)
    assert report.refused == [{"envelope": str(approved.envelope_id), "reason": "bad_signature"}]
    envelope = OutboundEnvelope.objects.get()
    assert (envelope.status, envelope.last_error) == (OutboxStatus.REFUSED, "bad_signature")


def test_export_marks_pending_envelopes_sent_by_file(
    approved: CrossBorderReferral, gt_remote: RemoteNode
) -> None:
    content = delivery.export_pending(peer_of(gt_remote))
    assert len(content["envelopes"]) == 1
    assert gt_remote.open(content["envelopes"][0])["type"] == "referral"
    assert OutboundEnvelope.objects.get().status == OutboxStatus.SENT_BY_FILE
    assert delivery.export_pending(peer_of(gt_remote))["envelopes"] == []
