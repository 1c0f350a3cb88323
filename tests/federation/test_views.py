"""The cross-border pages and staff endpoints: happy paths, refusals shown where they happen,
audited reads, and what an outsider gets (the walk in tests/web/test_outsider.py covers every
route; these check the pages' own rules)."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.federation.domain import received as flow
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.enums import CrossBorderStatus, FederationAudit, InboundStatus
from amparo.federation.models import CrossBorderReferral, OutboundEnvelope, ReceivedReferral
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from tests.federation.conftest import RemoteNode, referral_fields, staff
from tests.federation.test_sending import cross_border_consent, fear_of_return

Login = Callable[[User], Client]


def in_english(client: Client) -> Client:
    """The same signed-in client, asking for the interface in English (users default to Spanish)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def receive_from(remote: RemoteNode, institution: str = "gt-sbs") -> ReceivedReferral:
    fields = referral_fields(institution)
    fields["referral"]["data"] = {"given_names": "Synthfakeina", "first_surname": "Fakerosa"}
    arrival = receive_envelope(remote.seal(remote.content("referral", **fields)))
    return ReceivedReferral.objects.get(envelope=arrival.envelope)


def test_a_case_manager_drafts_and_the_focal_point_approves(
    login: Login,
    gt_remote: RemoteNode,
    mx_case: Case,
    mx_caseworker: User,
    mx_focal_point: User,
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    manager = login(mx_caseworker)
    page = manager.get(f"/cases/{mx_case.pk}/cross-border/")
    assert page.status_code == 200
    agency = Agency.objects.get(code="gt-sbs")
    form = {"recipient_agency": agency.pk, "kind": "continuity_of_care", "urgency": "normal"}
    response = manager.post(f"/cases/{mx_case.pk}/cross-border/", form)
    referral = CrossBorderReferral.objects.get()
    assert response.headers["Location"] == f"/cross-border/{referral.pk}/"
    focal = login(mx_focal_point)
    assert referral.reference in focal.get("/cross-border/").content.decode()
    focal.post(f"/cross-border/{referral.pk}/approve/", {"version": referral.version})
    referral.refresh_from_db()
    assert referral.status == CrossBorderStatus.APPROVED
    assert OutboundEnvelope.objects.get().kind == "referral"
    detail = manager.get(f"/cross-border/{referral.pk}/").content.decode()
    assert "Xiomarafake" in detail  # what left, shown to the case's own staff
    assert AuditEvent.objects.filter(
        action=FederationAudit.REFERRAL_VIEWED, subject_id=str(referral.pk)
    ).exists()


def test_the_page_shows_why_a_feared_country_is_refused_and_saves_nothing(
    login: Login, hn_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    fear_of_return(mx_case, mx_caseworker, "HN")
    cross_border_consent(mx_case, mx_caseworker, "hn-dinaf")
    agency = Agency.objects.get(code="hn-dinaf")
    form = {"recipient_agency": agency.pk, "kind": "family_tracing_return", "urgency": "urgent"}
    response = in_english(login(mx_caseworker)).post(f"/cases/{mx_case.pk}/cross-border/", form)
    assert response.status_code == 200
    assert "The person fears returning to HN" in response.content.decode()
    assert not CrossBorderReferral.objects.exists()


def test_the_api_refuses_a_feared_country_with_the_reason(
    login: Login, hn_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    fear_of_return(mx_case, mx_caseworker, "HN")
    cross_border_consent(mx_case, mx_caseworker, "hn-dinaf")
    response = in_english(login(mx_caseworker)).post(
        f"/api/cases/{mx_case.pk}/cross-border-referrals",
        {"recipient_agency": "hn-dinaf", "kind": "continuity_of_care"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "recipient_agency"
    assert error["message"].startswith("The person fears returning to HN")
    assert not CrossBorderReferral.objects.exists()


def test_the_api_drafts_and_approves_like_the_page(
    login: Login,
    gt_remote: RemoteNode,
    mx_case: Case,
    mx_caseworker: User,
    mx_focal_point: User,
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    drafted = login(mx_caseworker).post(
        f"/api/cases/{mx_case.pk}/cross-border-referrals",
        {"recipient_agency": "gt-sbs", "kind": "victim_assistance"},
        content_type="application/json",
    )
    assert (drafted.status_code, drafted.json()["status"]) == (201, "draft")
    referral_id = drafted.json()["id"]
    approved = login(mx_focal_point).post(f"/api/cross-border-referrals/{referral_id}/approve")
    assert approved.json()["status"] == "approved"
    assert [s["kind"] for s in approved.json()["steps"]] == ["drafted", "referral"]


def test_the_focal_point_routes_and_the_institution_answers(
    login: Login,
    mx_remote: RemoteNode,
    gt_focal_point: User,
    gt_receiving_officer: User,
) -> None:
    row = receive_from(mx_remote)
    focal = login(gt_focal_point)
    page = focal.get(f"/cross-border/received/{row.pk}/").content.decode()
    assert "Synthfakeina" in page
    assert AuditEvent.objects.filter(action=FederationAudit.INBOUND_VIEWED).count() == 1
    sbs = Agency.objects.get(code="gt-sbs")
    focal.post(f"/cross-border/received/{row.pk}/route/", {"agency": sbs.pk})
    officer = login(gt_receiving_officer)
    officer.post(f"/cross-border/received/{row.pk}/accept/")
    officer.post(f"/cross-border/received/{row.pk}/outcome/", {"outcome": "Seen at a clinic."})
    row.refresh_from_db()
    assert (row.status, row.note) == (InboundStatus.COMPLETED, "Seen at a clinic.")
    sent = [e.kind for e in OutboundEnvelope.objects.exclude(kind="receipt").order_by("id")]
    assert sent == ["accepted", "outcome"]
    back = [mx_remote.open(e.sealed)["type"] for e in OutboundEnvelope.objects.order_by("id")]
    assert back == ["receipt", "accepted", "outcome"]


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_routing_saved_again_unchanged_changes_nothing(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User, language: str
) -> None:
    row = receive_from(mx_remote)
    sbs = Agency.objects.get(code="gt-sbs")
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs)
    before = ReceivedReferral.objects.values().get(pk=row.pk)
    events = AuditEvent.objects.count()
    client = login(gt_focal_point)
    client.cookies["django_language"] = language
    page = client.get(f"/cross-border/received/{row.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert f'lang="{language}"' in page.content.decode()
    client.post(
        f"/cross-border/received/{row.pk}/route/",
        {"agency": sbs.pk, "version": before["version"]},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert ReceivedReferral.objects.values().get(pk=row.pk) == before
    assert AuditEvent.objects.count() == events + 1  # the page read, nothing else


def test_a_withdrawn_referral_shows_no_data(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive_from(mx_remote)
    withdrawn = mx_remote.content(
        "withdrawn", in_reply_to=str(row.envelope.envelope_id), case_ref="opaque-ref-1"
    )
    receive_envelope(mx_remote.seal(withdrawn))
    response = in_english(login(gt_focal_point)).get(f"/cross-border/received/{row.pk}/")
    page = response.content.decode()
    assert "Synthfakeina" not in page
    assert "withdrew consent" in page


def test_erasure_after_retention_empties_the_data_and_tells_the_sender(
    mx_remote: RemoteNode,
) -> None:
    row = receive_from(mx_remote)
    envelope_id = str(row.envelope.envelope_id)
    receive_envelope(
        mx_remote.seal(mx_remote.content("withdrawn", in_reply_to=envelope_id, case_ref="r"))
    )
    ReceivedReferral.objects.filter(pk=row.pk).update(erase_after="2000-01-01T00:00:00Z")
    assert flow.erase_withdrawn_referrals() == 1
    row.refresh_from_db()
    assert (row.status, row.envelope.body) == (InboundStatus.ERASED, None)
    confirmation = mx_remote.open(OutboundEnvelope.objects.order_by("id").last().sealed)  # type: ignore[union-attr]
    assert (confirmation["type"], confirmation["erased"]) == ("outcome", True)


def test_another_institution_sees_nothing_of_a_routed_referral(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive_from(mx_remote)
    flow.route_received_referral(
        row, actor=gt_focal_point, agency=Agency.objects.get(code="gt-sbs")
    )
    other = staff("otra.ro.gt", "gt-svet", Role.RECEIVING_OFFICER)
    client = login(other)
    assert client.get(f"/cross-border/received/{row.pk}/").status_code == 404
    assert client.get(f"/api/federation/received/{row.pk}").status_code == 404
    assert "Synthfakeina" not in client.get("/cross-border/").content.decode()


def test_the_node_page_is_for_the_focal_point_and_administrators(
    login: Login, gt_remote: RemoteNode, mx_focal_point: User, mx_caseworker: User
) -> None:
    from amparo.federation.domain.identity import fingerprint

    assert fingerprint() in login(mx_focal_point).get("/node/").content.decode()
    assert login(mx_caseworker).get("/node/").status_code == 404


def test_the_cross_border_inbox_reads_in_a_fixed_number_of_queries(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    client = login(gt_focal_point)
    client.get("/cross-border/")  # warm the session
    counts = []
    for rows in (1, 3):
        while ReceivedReferral.objects.count() < rows:
            receive_from(mx_remote)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/cross-border/")
        assert page.content.decode().count("/cross-border/received/") == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]  # session, user, memberships, node, lists: not one per row
