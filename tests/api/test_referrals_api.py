from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.people.models import Case
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Referral, Service
from tests.conftest import PASSWORD
from tests.referrals.conftest import screen


@pytest.fixture
def comar_officer(reference: None) -> User:
    seed_directory_from_agencies()
    return create_staff_user(
        "rita.comar",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-comar"), Role.RECEIVING_OFFICER)],
    )


def in_english(client: Client) -> Client:
    """The same signed-in client, asking for the interface in English (users default to Spanish)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_directory_api_filters_services(
    login: Callable[[User], Client], mx_caseworker: User, comar_officer: User
) -> None:
    body = (
        login(mx_caseworker)
        .get("/api/directory/services", {"country": "MX", "category": "asylum"})
        .json()
    )
    assert [s["agency"] for s in body] == ["mx-acnur", "mx-comar"]  # UNHCR and COMAR


def test_a_referral_through_the_api_end_to_end(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    sender, receiver = login(mx_caseworker), login(comar_officer)
    service = Service.objects.get(organization__agency__code="mx-comar")
    created = sender.post(
        f"/api/cases/{mx_case.pk}/referrals",
        {"service": str(service.pk), "kind": "asylum"},
        content_type="application/json",
    )
    assert created.status_code == 201
    referral_id = created.json()["id"]
    refused = sender.post(f"/api/referrals/{referral_id}/send", {}, content_type="application/json")
    assert refused.status_code == 409
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", method="written", recipient=Agency.objects.get(code="mx-comar")
        ),
        actor=mx_caseworker,
    )
    sent = sender.post(f"/api/referrals/{referral_id}/send", {}, content_type="application/json")
    assert sent.json()["status"] == "sent"
    inbox = receiver.get("/api/referrals/inbox").json()
    assert [r["id"] for r in inbox] == [referral_id]
    assert inbox[0]["shared_data"]["given_names"] == "Xiomarafake"
    declined = receiver.post(
        f"/api/referrals/{referral_id}/decline", {"reason": ""}, content_type="application/json"
    )
    assert declined.status_code == 422
    accepted = receiver.post(
        f"/api/referrals/{referral_id}/accept", {}, content_type="application/json"
    )
    assert accepted.json()["status"] == "accepted"


def test_the_receiver_cannot_use_sender_actions(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    service = Service.objects.get(organization__agency__code="mx-comar")
    created = login(mx_caseworker).post(
        f"/api/cases/{mx_case.pk}/referrals",
        {"service": str(service.pk), "kind": "asylum"},
        content_type="application/json",
    )
    response = login(comar_officer).post(
        f"/api/referrals/{created.json()['id']}/send", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_api_refuses_what_the_page_refuses(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    screen(mx_case, mx_caseworker, fear_of_return=True)
    sender = in_english(login(mx_caseworker))
    cases = [
        ("mx-consulado-hn", "documentation", "The person fears returning to HN"),
        ("gt-svet", "anti_trafficking", "in another country than the case."),
    ]
    for code, kind, message in cases:
        service = Service.objects.get(organization__agency__code=code)
        refused = sender.post(
            f"/api/cases/{mx_case.pk}/referrals",
            {"service": str(service.pk), "kind": kind},
            content_type="application/json",
        )
        assert refused.status_code == 422
        assert message in refused.json()["errors"][0]["message"]
    inactive = Service.objects.get(organization__agency__code="mx-comar")
    Service.objects.filter(pk=inactive.pk).update(status="inactive")
    refused = sender.post(
        f"/api/cases/{mx_case.pk}/referrals",
        {"service": str(inactive.pk), "kind": "asylum"},
        content_type="application/json",
    )
    assert refused.json()["errors"] == [
        {"field": "service", "message": "This service is not active."}
    ]
    assert Referral.objects.filter(case=mx_case).count() == 0
