"""The inbox limit per peer (429 `rate_limited`, audited, nothing stored; the sender waits and
keeps its order) and the page where the focal point sees every refused envelope."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from amparo.accounts.models import User
from amparo.federation.domain import delivery
from amparo.federation.domain.sending import queue_envelope
from amparo.federation.enums import FederationAudit, OutboxStatus
from amparo.federation.models import InboundEnvelope, OutboundEnvelope
from amparo.protection.models import AuditEvent
from tests.federation.conftest import RemoteNode, peer_of
from tests.federation.test_inbox import INBOX, flip_one_byte, post

Login = Callable[[User], Client]


def test_a_peer_over_its_limit_is_refused_with_429_and_nothing_is_stored(
    mx_remote: RemoteNode, settings: Any
) -> None:
    settings.AMPARO_FEDERATION_INBOX_PER_MINUTE = 2
    tokens = [mx_remote.seal(mx_remote.content("ping")) for _ in range(3)]
    assert [post(t)[0] for t in tokens[:2]] == [200, 200]
    response = Client().post(INBOX, data=tokens[2].encode(), content_type="application/jose")
    assert response.status_code == 429
    assert response.json()["refused"] == "rate_limited"
    assert response.headers["Retry-After"] == "60"
    assert InboundEnvelope.objects.count() == 2
    refused = AuditEvent.objects.filter(action=FederationAudit.ENVELOPE_REFUSED).get()
    assert refused.payload["code"] == "rate_limited"
    assert refused.payload["sender"] == mx_remote.node_id
    # A repeat of a stored envelope is still answered: it costs nothing.
    assert post(tokens[0])[1]["result"] == "duplicate"


def test_a_sender_told_429_backs_off_and_keeps_its_order(gt_remote: RemoteNode) -> None:
    peer = peer_of(gt_remote)
    first, second = (queue_envelope(peer, "ping") for _ in range(2))
    calls: list[str] = []

    def limited(url: str, token: str) -> tuple[int, dict[str, Any]]:
        calls.append(token)
        return 429, {"refused": "rate_limited"}

    report = delivery.deliver_due(post=limited)
    assert (report.retried, report.refused, len(calls)) == (1, [], 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "rate_limited")
    assert (second.status, second.attempts) == ("pending", 0)


def test_the_focal_point_sees_refusals_in_both_directions(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    token = mx_remote.seal(mx_remote.content("ping"))
    post(flip_one_byte(token, len(token) - 30))  # refused here: bad_signature
    ours = queue_envelope(peer_of(mx_remote), "ping")

    def refusing(url: str, token: str) -> tuple[int, dict[str, Any]]:
        return 410, {"refused": "expired"}

    delivery.deliver_due(post=refusing)
    assert OutboundEnvelope.objects.get(pk=ours.pk).status == OutboxStatus.REFUSED
    client = login(gt_focal_point)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/cross-border/refused/").content.decode()
    assert "bad_signature" in page
    assert "The signature or the encryption does not verify" in page
    assert str(ours.envelope_id) in page
    assert "expired" in page
    assert "Refused here" in page
    assert "Ours, not delivered" in page
    assert page.count("<tr>") == 3  # the header and two rows


@pytest.mark.parametrize("who", ["gt_receiving_officer", "gt_caseworker"])
def test_the_refusals_page_is_only_for_the_focal_point_and_administrators(
    login: Login, mx_remote: RemoteNode, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    assert login(user).get("/cross-border/refused/").status_code == 404
