"""Real Chromium: sign-in with two-factor enrolment, the language switch, each role's home
page, with axe-core finding no serious accessibility violation."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.domain.two_factor import issue_enrolment_code
from tests.browser import serious_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_a_case_manager_enrols_two_factor_switches_language_and_opens_her_case(
    phone_page: Page, live_server: LiveServer, mx_caseworker: User, mx_case: Case
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("Iniciar sesión")
    assert serious_violations(page) == []

    enrolment_code = issue_enrolment_code(mx_caseworker, actor=None)
    _sign_in(page, live_server, "ana.mx")
    expect(page).to_have_url(f"{live_server.url}/2fa/setup/")
    expect(page.locator("code.secret")).to_have_count(0)  # the password alone shows no secret
    assert serious_violations(page) == []
    page.fill("#id_code", enrolment_code)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/2fa/setup/")
    expect(page.locator("code.secret")).to_be_visible()
    assert serious_violations(page) == []
    secret = page.locator("code.secret").inner_text()
    code = totp(base64.b32decode(secret))
    page.fill("#id_token", f"{code:06d}")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")

    page.select_option("#lang-select", "en")
    page.click(".lang button")
    expect(page.locator("main")).to_contain_text("What to do first")
    assert serious_violations(page) == []

    page.click("text=Open cases")
    page.click(f"text={mx_case.reference}")
    expect(page.locator("main")).to_contain_text("Xiomarafake")
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("mx_caseworker", "Gestor"),
        ("mx_supervisor", "Supervisor"),
        ("gt_caseworker", "Gestor"),
        ("trainer", "Formador"),
        ("administrator", "Administrador"),
    ],
)
def test_each_role_lands_on_its_home_page_in_spanish(
    request: pytest.FixtureRequest,
    settings: object,
    phone_page: Page,
    live_server: LiveServer,
    persona: str,
    heading: str,
) -> None:
    settings.AMPARO_REQUIRE_2FA = False  # type: ignore[attr-defined]
    user: User = request.getfixturevalue(persona)
    _sign_in(phone_page, live_server, user.username)
    expect(phone_page.locator("main h2").first).to_contain_text(heading)
    assert serious_violations(phone_page) == []
