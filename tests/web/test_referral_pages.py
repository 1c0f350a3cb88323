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
from tests.pdf import pdf_text
from tests.referrals.conftest import screen


@pytest.fixture
def comar_officer(reference: None) -> User:
    seed_directory_from_agencies()
    return create_staff_user(
        "rita.comar",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-comar"), Role.RECEIVING_OFFICER)],
    )


def _send(client: Client, case: Case, kind: str = "asylum") -> Referral:
    service = Service.objects.get(organization__agency__code="mx-comar")
    client.post(
        f"/cases/{case.pk}/referrals/new/",
        {"service": str(service.pk), "kind": kind, "urgency": "urgent"},
    )
    referral = Referral.objects.get(case=case)
    client.post(f"/referrals/{referral.pk}/send/")
    referral.refresh_from_db()
    return referral


def in_english(client: Client) -> Client:
    """The same signed-in client, asking for the interface in English (users default to Spanish)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_directory_searches_by_text_and_country(
    login: Callable[[User], Client], mx_caseworker: User, comar_officer: User
) -> None:
    html = (
        login(mx_caseworker)
        .get("/directory/", {"text": "refugiados", "country": "MX"})
        .content.decode()
    )
    assert "Comisión Mexicana de Ayuda a Refugiados" in html


def test_a_referral_goes_from_the_case_to_the_receivers_inbox_and_back(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    sender = login(mx_caseworker)
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", method="written", recipient=Agency.objects.get(code="mx-comar")
        ),
        actor=mx_caseworker,
    )
    assert "Comisión Mexicana" in sender.get(f"/cases/{mx_case.pk}/referrals/new/").content.decode()
    referral = _send(sender, mx_case)
    assert referral.status == "sent"
    receiver = login(comar_officer)
    assert referral.reference in receiver.get("/referrals/inbox/").content.decode()
    page = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Xiomarafake" in page
    receiver.post(f"/referrals/{referral.pk}/accept/")
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert receiver.get(f"/cases/{mx_case.pk}/").status_code == 404


def test_sending_without_consent_says_so_and_shares_nothing(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = "en"
    referral = _send(client, mx_case)
    assert (referral.status, referral.shared_data) == ("draft", None)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "No consent or legal basis covers this recipient yet" in page
    assert login(comar_officer).get(f"/referrals/{referral.pk}/").status_code == 404


def test_the_receiver_cannot_send_or_revoke(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", method="written", recipient=Agency.objects.get(code="mx-comar")
        ),
        actor=mx_caseworker,
    )
    referral = _send(login(mx_caseworker), mx_case)
    receiver = login(comar_officer)
    assert receiver.post(f"/referrals/{referral.pk}/revoke/").status_code == 404
    assert receiver.post(f"/referrals/{referral.pk}/close/").status_code == 404


def test_the_slip_carries_only_the_minimum_data(
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_case: Case,
    comar_officer: User,
) -> None:
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", method="written", recipient=Agency.objects.get(code="mx-comar")
        ),
        actor=mx_caseworker,
    )
    referral = _send(login(mx_caseworker), mx_case, kind="health")  # no phone or documents
    response = login(comar_officer).get(f"/referrals/{referral.pk}/slip.pdf")
    text = pdf_text(response.content)
    assert "Xiomarafake" in text
    assert "HX1234567" not in text


def test_kpis_are_for_receivers_and_supervisors(
    login: Callable[[User], Client], mx_caseworker: User, comar_officer: User
) -> None:
    assert login(comar_officer).get("/referrals/kpis/").status_code == 200
    assert login(mx_caseworker).get("/referrals/kpis/").status_code == 404
    assert login(mx_caseworker).get("/referrals/inbox/").status_code == 404


def test_a_referral_to_the_feared_consulate_is_refused_on_the_page_with_the_reason(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    screen(mx_case, mx_caseworker, fear_of_return=True)
    consulate = Service.objects.get(organization__agency__code="mx-consulado-hn")
    response = in_english(login(mx_caseworker)).post(
        f"/cases/{mx_case.pk}/referrals/new/",
        {"service": str(consulate.pk), "kind": "documentation", "urgency": "normal"},
    )
    assert response.status_code == 200
    assert (
        "The person fears returning to HN: nothing about them may go to its consulates or to "
        "any institution of that country." in response.content.decode()
    )
    assert Referral.objects.filter(case=mx_case).count() == 0


def test_the_case_page_shows_the_feared_country_as_do_not_contact(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    page = in_english(login(mx_caseworker)).get(f"/cases/{mx_case.pk}/").content.decode()
    assert "Do not contact" not in page
    screen(mx_case, mx_caseworker, fear_of_return=True)
    page = in_english(login(mx_caseworker)).get(f"/cases/{mx_case.pk}/").content.decode()
    assert "Do not contact" in page
    assert "Honduras" in page.split("Do not contact", 1)[1][:600]


def test_no_slip_once_the_person_fears_the_recipients_country(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, comar_officer: User
) -> None:
    consulate = Agency.objects.get(code="mx-consulado-hn")
    record_consent(
        mx_case,
        ConsentInput(purpose="sharing", method="written", recipient=consulate),
        actor=mx_caseworker,
    )
    sender = in_english(login(mx_caseworker))
    service = Service.objects.get(organization__agency=consulate)
    sender.post(
        f"/cases/{mx_case.pk}/referrals/new/",
        {"service": str(service.pk), "kind": "documentation", "urgency": "normal"},
    )
    referral = Referral.objects.get(case=mx_case)
    sender.post(f"/referrals/{referral.pk}/send/")
    assert sender.get(f"/referrals/{referral.pk}/slip.pdf").status_code == 200
    screen(mx_case, mx_caseworker, fear_of_return=True)
    refused = sender.get(f"/referrals/{referral.pk}/slip.pdf", follow=True)
    assert refused.redirect_chain == [(f"/referrals/{referral.pk}/", 302)]
    assert "The person fears returning to HN" in refused.content.decode()
