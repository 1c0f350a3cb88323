import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from tests.conftest import PASSWORD


def test_health_answers_ok_without_signing_in(client: Client) -> None:
    response = client.get("/health")
    assert (response.status_code, response.content) == (200, b"ok")


def test_a_browser_asking_for_spanish_gets_spanish_on_the_login_page(client: Client) -> None:
    response = client.get("/login/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert response.headers["Content-Language"] == "es"
    assert "Iniciar sesión" in response.content.decode()


def test_a_browser_asking_for_french_gets_french(client: Client) -> None:
    response = client.get("/login/", headers={"accept-language": "fr-CA"})
    assert "Se connecter" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/login/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_templates_hold_no_inline_script_or_style(client: Client) -> None:
    html = client.get("/login/").content.decode()
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*src=)", html) is None


def test_signing_in_asks_for_two_factor_setup_first(mx_caseworker: User) -> None:
    client = Client()
    response = client.post("/login/", {"username": "ana.mx", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/cases/").url == reverse("web:2fa_setup")
    assert client.get("/api/cases").status_code == 401


# Enrolment (code from an administrator, then the secret) is in tests/accounts/test_two_factor.py.


def test_the_demo_setting_relaxes_two_factor(settings: object, mx_caseworker: User) -> None:
    settings.AMPARO_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.post("/login/", {"username": "ana.mx", "password": PASSWORD})
    assert client.get("/cases/").status_code == 200


def test_repeated_failed_logins_lock_the_account(mx_caseworker: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "ana.mx", "password": "wrong-password"})
    response = client.post("/login/", {"username": "ana.mx", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(mx_caseworker: User) -> None:
    assert mx_caseworker.password.startswith("argon2")


def test_login_sets_the_users_language(mx_caseworker: User) -> None:
    User.objects.filter(pk=mx_caseworker.pk).update(language="fr")
    client = Client()
    response = client.post("/login/", {"username": "ana.mx", "password": PASSWORD})
    assert response.cookies["django_language"].value == "fr"


def test_the_language_switch_is_kept_as_the_users_preference(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"].value == "en"
    mx_caseworker.refresh_from_db()
    assert mx_caseworker.language == "en"
    assert "What to do first" in client.get("/").content.decode()


def test_the_language_switch_ignores_unknown_languages_and_foreign_redirects(
    client: Client,
) -> None:
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/"
    assert "django_language" not in response.cookies


def test_the_language_switch_needs_a_csrf_token(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/language/", {"language": "en"}).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("mx_caseworker", "Open your caseload"),
        ("mx_supervisor", "Review every case of your agency"),
        ("trainer", "You run your country"),
        ("administrator", "Manage the staff accounts"),
    ],
)
def test_home_says_what_to_do_first_for_each_role(
    request: pytest.FixtureRequest, login: Callable[[User], Client], persona: str, expected: str
) -> None:
    user = request.getfixturevalue(persona)
    client = login(user)
    client.cookies["django_language"] = "en"
    assert expected in client.get("/").content.decode()


def test_opening_a_case_page_shows_the_person_and_is_audited(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    response = client.get(f"/cases/{mx_case.pk}/")
    assert response.status_code == 200
    assert "Xiomarafake" in response.content.decode()
    event = AuditEvent.objects.filter(action="case.viewed").get()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        mx_caseworker.pk,
        "case",
        str(mx_case.pk),
    )


def test_the_case_list_shows_only_the_users_cases(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, gt_case: Case
) -> None:
    html = login(mx_caseworker).get("/cases/").content.decode()
    assert mx_case.reference in html
    assert gt_case.reference not in html


def test_the_staff_list_is_for_administrators_of_that_country(
    login: Callable[[User], Client], administrator: User, gt_caseworker: User, mx_caseworker: User
) -> None:
    html = login(administrator).get("/users/").content.decode()
    assert "ana.mx" in html
    assert "bruno.gt" not in html
    assert login(mx_caseworker).get("/users/").status_code == 404


def test_signing_out_needs_a_post(login: Callable[[User], Client], mx_caseworker: User) -> None:
    client = login(mx_caseworker)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("language", "cases", "staff"),
    [("es", "Casos", "Personal"), ("en", "Cases", "Staff"), ("fr", "Dossiers", "Personnel")],
)
def test_the_menu_is_each_readers_own_in_each_language(
    login: Callable[[User], Client],
    administrator: User,
    mx_caseworker: User,
    language: str,
    cases: str,
    staff: str,
) -> None:
    """The menu and the language list are rendered once per language and set of entries
    (`{% cache %}` in base.html): a reader never gets another role's menu or language."""
    pages = {}
    for user in (administrator, mx_caseworker, administrator):
        client = login(user)
        client.cookies["django_language"] = language
        pages[user.username] = client.get("/").content.decode()
    admin_menu = pages[administrator.username].split("<nav", 1)[1].split("</nav>", 1)[0]
    caseworker_menu = pages[mx_caseworker.username].split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "/users/" in admin_menu
    assert f">{staff}<" in admin_menu
    assert f">{cases}<" not in admin_menu
    assert f">{cases}<" in caseworker_menu
    assert "/users/" not in caseworker_menu
    for page in pages.values():
        assert f'<option value="{language}" selected>' in page
        assert page.count(" selected>") == 1
