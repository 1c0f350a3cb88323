"""Receiving a cross-border referral: routing makes it an in-country referral (issue 5) of a
case opened on this node from the minimum data set, and every step of that referral, taken on
any page, goes back to the sending country as a signed envelope."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.enums import ConsentPurpose
from amparo.casework.models import Consent
from amparo.federation.domain import received as flow
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.enums import InboundStatus
from amparo.federation.models import OutboundEnvelope, ReceivedReferral
from amparo.people.models import Case, Person
from amparo.referrals.domain import referrals as in_country
from amparo.referrals.domain.actions import act_on_referral
from amparo.referrals.enums import ReferralStatus
from amparo.referrals.models import Referral
from tests.federation.conftest import RemoteNode, referral_fields, staff

Login = Callable[[User], Client]


def receive(remote: RemoteNode, institution: str = "gt-sbs", **data: object) -> ReceivedReferral:
    fields = referral_fields(institution)
    fields["referral"]["data"] = {
        "given_names": "Synthfakeina",
        "first_surname": "Fakerosa",
        "sex": "female",
        "birth_year": 2012,
        "nationalities": ["MX"],
        "languages": ["es"],
        "profiles": [],
        "urgency": "normal",
        **data,
    }
    fields["referral"]["narrative"] = "Needs her asthma treatment continued."
    arrival = receive_envelope(remote.seal(remote.content("referral", **fields)))
    return ReceivedReferral.objects.get(envelope=arrival.envelope)


def sbs() -> Agency:
    return Agency.objects.get(code="gt-sbs")


def replies(remote: RemoteNode) -> list[tuple[str, str]]:
    """What went back to the sending country, after the receipt: (type, note)."""
    rows = OutboundEnvelope.objects.exclude(kind="receipt").order_by("id")
    return [(c["type"], c.get("note", "")) for c in (remote.open(r.sealed) for r in rows)]


def test_routing_opens_a_case_and_sends_an_in_country_referral(
    mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    row.refresh_from_db()
    referral = row.local_referral
    assert referral is not None
    assert row.case is not None
    assert (row.status, row.routed_to, referral.case) == (InboundStatus.ROUTED, sbs(), row.case)
    assert (referral.status, referral.kind) == (ReferralStatus.SENT, "health")
    assert (referral.sending_agency.code, referral.receiving_agency.code) == ("gt-pgn", "gt-sbs")
    assert referral.narrative == "Needs her asthma treatment continued."
    assert referral.shared_data["given_names"] == "Synthfakeina"
    person = row.case.person
    assert (person.given_names, person.first_surname, person.nationalities) == (
        "Synthfakeina", "Fakerosa", ["MX"]
    )  # fmt: skip
    # Only the year was sent: the youngest date of that year, marked approximate.
    assert (person.birth_year, person.birth_date_is_approximate) == (2012, True)
    assert row.case.agency.code == "gt-pgn"
    assert row.case.country_id == "GT"
    consent = Consent.objects.get(case=row.case)
    assert (consent.purpose, consent.recipient, consent.method) == (
        ConsentPurpose.SHARING, sbs(), "written"
    )  # fmt: skip
    assert consent.given_on == dt.date(2026, 11, 30)
    assert referral.basis == consent


def test_routing_to_an_institution_the_consent_does_not_name_is_refused_and_saves_nothing(
    mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote, institution="gt-sbs")
    with pytest.raises(ValidationError) as error:
        flow.route_received_referral(
            row, actor=gt_focal_point, agency=Agency.objects.get(code="gt-svet")
        )
    assert error.value.message_dict["agency"][0].startswith("The consent the person gave names")
    row.refresh_from_db()
    assert row.status == InboundStatus.RECEIVED
    assert row.local_referral is None
    assert not Case.objects.exists()
    assert not Person.objects.exists()
    assert not Referral.objects.exists()


def test_the_focal_points_own_institution_holds_the_case_and_is_not_a_recipient(
    mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote, institution="gt-pgn")
    with pytest.raises(ValidationError) as error:
        flow.route_received_referral(
            row, actor=gt_focal_point, agency=Agency.objects.get(code="gt-pgn")
        )
    assert list(error.value.message_dict) == ["agency"]
    assert not Case.objects.exists()


def test_bad_minimum_data_is_refused_naming_the_field_and_saves_nothing(
    mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote, sex="unknown-value")
    with pytest.raises(ValidationError) as error:
        flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    assert list(error.value.message_dict) == ["sex"]
    assert not Case.objects.exists()
    assert not Person.objects.exists()
    assert ReceivedReferral.objects.get().status == InboundStatus.RECEIVED


def test_steps_taken_on_the_in_country_referral_go_back_as_envelopes(
    mx_remote: RemoteNode, gt_focal_point: User, gt_receiving_officer: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    referral = Referral.objects.get()
    # The institution works it from its own referral pages (issue 5's actions).
    act_on_referral(gt_receiving_officer, referral, "acknowledge")
    assert replies(mx_remote) == []  # the receipt already told the sender it arrived
    act_on_referral(gt_receiving_officer, referral, "accept")
    act_on_referral(gt_receiving_officer, referral, "complete", outcome="Treatment continued.")
    assert replies(mx_remote) == [("accepted", ""), ("outcome", "Treatment continued.")]
    row.refresh_from_db()
    assert (row.status, row.note) == (InboundStatus.COMPLETED, "Treatment continued.")
    answers = [mx_remote.open(r.sealed) for r in OutboundEnvelope.objects.exclude(kind="receipt")]
    assert {a["in_reply_to"] for a in answers} == {str(row.envelope.envelope_id)}
    assert {a["case_ref"] for a in answers} == {"opaque-ref-1"}


def test_a_decline_goes_back_with_its_reason(
    mx_remote: RemoteNode, gt_focal_point: User, gt_receiving_officer: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    flow.decide_received_referral(
        row, actor=gt_receiving_officer, accept=False, reason="No pulmonologist this month."
    )
    assert Referral.objects.get().status == ReferralStatus.DECLINED
    assert replies(mx_remote) == [("declined", "No pulmonologist this month.")]
    assert ReceivedReferral.objects.get().status == InboundStatus.DECLINED


def test_a_referral_closed_here_is_told_as_declined(
    mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    in_country.close_referral(Referral.objects.get(), actor=gt_focal_point)
    assert replies(mx_remote) == [("declined", flow.CLOSED_NOTE)]


def test_in_country_referrals_of_this_country_send_nothing_abroad(
    mx_remote: RemoteNode, gt_case: Case, gt_caseworker: User
) -> None:
    from amparo.casework.domain.consent import ConsentInput, record_consent

    record_consent(
        gt_case, ConsentInput(purpose="sharing", method="written", recipient=sbs()),
        actor=gt_caseworker,
    )  # fmt: skip
    referral = in_country.draft_referral(
        gt_case, actor=gt_caseworker, receiving_agency=sbs(), kind="health"
    )
    in_country.send_referral(referral, actor=gt_caseworker)
    officer = staff("rosa2.ro.gt", "gt-sbs", Role.RECEIVING_OFFICER)
    in_country.accept_referral(referral, actor=officer)
    assert not OutboundEnvelope.objects.exists()


def test_a_withdrawal_hides_the_copy_made_here_at_once_and_tells_nothing_back(
    mx_remote: RemoteNode, gt_focal_point: User, gt_receiving_officer: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    act_on_referral(gt_receiving_officer, Referral.objects.get(), "accept")
    sent_before = OutboundEnvelope.objects.count()
    withdrawn = mx_remote.content(
        "withdrawn", in_reply_to=str(row.envelope.envelope_id), case_ref="opaque-ref-1"
    )
    receive_envelope(mx_remote.seal(withdrawn))
    row.refresh_from_db()
    assert row.status == InboundStatus.WITHDRAWN
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.CLOSED
    person = Person.objects.get()
    assert "Synthfakeina" not in (person.given_names or "")
    assert not referral.shared_data or "Synthfakeina" not in str(referral.shared_data)
    # Only the receipt of the withdrawal went back: the closing is not told as a decline.
    assert [e.kind for e in OutboundEnvelope.objects.all()[sent_before:]] == ["receipt"]


def test_the_received_page_links_the_case_and_the_in_country_referral(
    login: Login, mx_remote: RemoteNode, gt_focal_point: User
) -> None:
    row = receive(mx_remote)
    flow.route_received_referral(row, actor=gt_focal_point, agency=sbs())
    row.refresh_from_db()
    page = login(gt_focal_point).get(f"/cross-border/received/{row.pk}/").content.decode()
    assert f"/referrals/{row.local_referral_id}/" in page
    assert row.case is not None
    assert row.case.reference in page
