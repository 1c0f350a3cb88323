"""Webhooks: each event reaches a loopback receiver once, signed; never a feared country's
institution nor an enforcement body; retried with backoff; no personal data without consent."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.fieldwork.domain.deliveries import (
    BACKOFF,
    MAX_ATTEMPTS,
    deliver_due,
    sign,
    verify_signature,
)
from amparo.fieldwork.domain.webhooks import register_webhook
from amparo.fieldwork.enums import WebhookEvent
from amparo.fieldwork.models import Delivery, Webhook
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.referrals.domain.referrals import (
    accept_referral,
    complete_referral,
    decline_referral,
    draft_referral,
    send_referral,
)
from amparo.referrals.models import Referral
from amparo.screening.domain.screenings import attach_to_case, decide_profiles, submit_screening
from tests.fieldwork.conftest import Receiver
from tests.screening.builders import adult

ALL = list(WebhookEvent.values)


def _hook(administrator: User, url: str, partner: str = "mx-acnur") -> tuple[Webhook, str]:
    return register_webhook(
        actor=administrator,
        agency=Agency.objects.get(code="mx-oim"),
        partner=Agency.objects.get(code=partner),
        url=url,
        events=ALL,
    )


def _referral_to(case: Case, actor: User, code: str) -> Referral:
    agency = Agency.objects.get(code=code)
    record_consent(
        case, ConsentInput(purpose="sharing", method="written", recipient=agency), actor=actor
    )
    referral = draft_referral(case, actor=actor, receiving_agency=agency, kind="asylum")
    return send_referral(referral, actor=actor)


def test_the_receiver_gets_each_event_once_signed(
    administrator: User,
    mx_caseworker: User,
    mx_supervisor: User,
    mx_case: Case,
    receiver: Receiver,
) -> None:
    _webhook, secret = _hook(administrator, receiver.url)
    submit_screening(actor=mx_caseworker, agency=mx_case.agency, answers=adult(), lang="es")
    accepted = _referral_to(mx_case, mx_caseworker, "mx-comar")
    declined = _referral_to(mx_case, mx_caseworker, "mx-cndh")
    comar_officer = _receiving_officer("mx-comar")
    accept_referral(accepted, actor=comar_officer)
    complete_referral(accepted, actor=comar_officer, outcome="Synthetic outcome")
    decline_referral(declined, actor=_receiving_officer("mx-cndh"), reason="Synthetic reason")

    assert deliver_due().delivered == 6
    assert deliver_due().delivered == 0  # nothing is sent twice
    events = [r.headers["Amparo-Event"] for r in receiver.requests]
    assert sorted(events) == sorted(
        [
            "screening.created",
            "referral.sent",
            "referral.sent",
            "referral.accepted",
            "referral.outcome",
            "referral.declined",
        ]
    )
    for request in receiver.requests:
        assert verify_signature(secret, request.headers["Amparo-Signature"], request.body)
        body = json.loads(request.body)
        assert body["id"] == request.headers["Amparo-Delivery"]
        assert body["data"] == {"object": body["data"]["object"], "id": body["data"]["id"]}
        assert "Xiomarafake" not in request.body.decode()
        assert mx_case.reference not in request.body.decode()
    referral_ids = {
        json.loads(r.body)["data"]["id"]
        for r in receiver.requests
        if r.headers["Amparo-Event"] != "screening.created"
    }
    assert len(referral_ids) == 2  # one opaque id per referral, stable across its events
    assert AuditEvent.objects.filter(action="webhook.delivered").count() == 6


def _receiving_officer(code: str) -> User:
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role

    return create_staff_user(
        f"officer.{code}",
        password="Synthetic-pass-2026!",
        memberships=[(Agency.objects.get(code=code), Role.RECEIVING_OFFICER)],
        language="es",
    )


def test_a_partner_the_person_consented_to_receives_the_referral_details(
    administrator: User, mx_caseworker: User, mx_case: Case, receiver: Receiver
) -> None:
    _hook(administrator, receiver.url, partner="mx-comar")
    _referral_to(mx_case, mx_caseworker, "mx-comar")
    deliver_due()
    body = json.loads(receiver.requests[0].body)
    assert body["data"]["case_reference"] == mx_case.reference
    assert (body["data"]["kind"], body["data"]["receiving_agency"]) == ("asylum", "mx-comar")


def test_nothing_goes_to_an_institution_of_a_country_the_person_fears(
    administrator: User, mx_caseworker: User, mx_case: Case, receiver: Receiver
) -> None:
    _hook(administrator, receiver.url, partner="mx-consulado-hn")
    screening = submit_screening(
        actor=mx_caseworker, agency=mx_case.agency, answers=adult(fear_of_return=True), lang="es"
    )
    decide_profiles(
        screening,
        actor=mx_caseworker,
        decisions={p.code: (True, "") for p in screening.decisions.all()},
    )
    attach_to_case(screening, actor=mx_caseworker, case=mx_case)
    _referral_to(mx_case, mx_caseworker, "mx-comar")
    counts = deliver_due()
    assert (counts.delivered, counts.withheld) == (0, 2)
    assert receiver.requests == []
    assert set(Delivery.objects.values_list("status", "last_error")) == {
        ("withheld", "feared_country")
    }


def test_an_enforcement_body_cannot_be_registered(administrator: User) -> None:
    with pytest.raises(ValidationError) as error:
        _hook(administrator, "https://partner.example/hook", partner="mx-inm")
    assert error.value.message_dict == {
        "partner": ["Events are never sent to a body with detention or removal powers."]
    }
    assert Webhook.objects.count() == 0


def test_plain_http_is_refused_outside_this_machine(administrator: User) -> None:
    with pytest.raises(ValidationError) as error:
        _hook(administrator, "http://partner.example/hook")
    assert list(error.value.message_dict) == ["url"]


def test_a_failed_delivery_is_retried_with_backoff_then_fails(
    administrator: User, mx_caseworker: User, receiver: Receiver
) -> None:
    _hook(administrator, receiver.url)
    submit_screening(
        actor=mx_caseworker, agency=Agency.objects.get(code="mx-oim"), answers=adult(), lang="es"
    )
    receiver.statuses = [500, 503]
    now = timezone.now()
    assert deliver_due(now=now).retrying == 1
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        1,
        500,
        "http_500",
    )
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=BACKOFF[0])
    assert deliver_due(now=now + dt.timedelta(seconds=BACKOFF[0] - 1)).retrying == 0  # not due
    assert deliver_due(now=now + dt.timedelta(seconds=BACKOFF[0])).retrying == 1
    assert deliver_due(now=now + dt.timedelta(days=2)).delivered == 1
    ids = {r.headers["Amparo-Delivery"] for r in receiver.requests}
    assert len(receiver.requests) == 3
    assert len(ids) == 1  # the same event id every time, so the receiver can deduplicate


def test_a_delivery_fails_after_the_last_attempt(
    administrator: User, mx_caseworker: User, receiver: Receiver
) -> None:
    _hook(administrator, receiver.url)
    submit_screening(
        actor=mx_caseworker, agency=Agency.objects.get(code="mx-oim"), answers=adult(), lang="es"
    )
    receiver.statuses = [500] * MAX_ATTEMPTS
    moment = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        deliver_due(now=moment)
        moment += dt.timedelta(days=2)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)


def test_no_event_is_queued_for_another_agencys_webhook(
    administrator: User, gt_caseworker: User, receiver: Receiver
) -> None:
    _hook(administrator, receiver.url)
    submit_screening(
        actor=gt_caseworker, agency=Agency.objects.get(code="gt-oim"), answers=adult(), lang="es"
    )
    assert Delivery.objects.count() == 0


def test_a_signature_of_another_body_or_an_old_time_is_refused() -> None:
    header = sign("whsec_x", b'{"a":1}', 1_800_000_000)
    assert verify_signature("whsec_x", header, b'{"a":1}', now=1_800_000_010)
    assert not verify_signature("whsec_x", header, b'{"a":2}', now=1_800_000_010)
    assert not verify_signature("whsec_y", header, b'{"a":1}', now=1_800_000_010)
    assert not verify_signature("whsec_x", header, b'{"a":1}', now=1_800_000_400)


def test_the_worker_command_prints_its_counts(
    administrator: User, mx_caseworker: User, receiver: Receiver
) -> None:
    import io

    _hook(administrator, receiver.url)
    submit_screening(
        actor=mx_caseworker, agency=Agency.objects.get(code="mx-oim"), answers=adult(), lang="es"
    )
    out = io.StringIO()
    call_command("webhooks", "deliver", stdout=out)
    assert out.getvalue() == "delivered: 1, retrying: 0, failed: 0, withheld: 0\n"


def test_a_disabled_webhooks_pending_deliveries_are_withheld(
    administrator: User, mx_caseworker: User, receiver: Receiver
) -> None:
    from amparo.fieldwork.domain.webhooks import disable_webhook

    webhook, _secret = _hook(administrator, receiver.url)
    submit_screening(
        actor=mx_caseworker, agency=Agency.objects.get(code="mx-oim"), answers=adult(), lang="es"
    )
    disable_webhook(webhook, actor=administrator)
    assert deliver_due().withheld == 1
    assert receiver.requests == []
    assert Delivery.objects.get().last_error == "webhook_disabled"


def test_the_secret_is_encrypted_at_rest(administrator: User) -> None:
    from django.db import connection

    _webhook, secret = _hook(administrator, "https://partner.example/hook")
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM fieldwork_webhook")
        (stored,) = cursor.fetchone()
    assert secret not in stored
    assert Webhook.objects.get().secret == secret
