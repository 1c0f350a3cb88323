"""Failed sign-ins: growing delays per account and address, a limit per address, and no way
for a stranger to lock the real user out (issue 15 item 5)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client

from amparo.accounts.domain.throttle import account_delay
from amparo.accounts.models import User
from tests.conftest import PASSWORD

STRANGER, OFFICE = "203.0.113.9", "198.51.100.20"


def _try(client: Client, username: str, password: str, address: str) -> int:
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_a_strangers_failures_elsewhere_do_not_lock_the_real_user_out(mx_caseworker: User) -> None:
    stranger = Client()
    statuses = [_try(stranger, "ana.mx", "wrong-password", STRANGER) for _ in range(12)]
    assert statuses[:5] == [200] * 5  # the form again, with its error
    assert set(statuses[5:]) == {429}  # then the stranger waits
    assert _try(Client(), "ana.mx", PASSWORD, OFFICE) == 302


def test_the_wait_grows_with_each_further_failure(settings: object) -> None:
    settings.AXES_FAILURE_LIMIT = 5  # type: ignore[attr-defined]
    settings.AMPARO_LOGIN_DELAY_SECONDS = 30  # type: ignore[attr-defined]
    settings.AMPARO_LOGIN_MAX_DELAY = dt.timedelta(minutes=30)  # type: ignore[attr-defined]
    waits = [account_delay(n).total_seconds() for n in (4, 5, 6, 7, 8, 20)]
    assert waits == [0, 30, 60, 120, 240, 1800]


def test_the_wait_ends_and_the_right_password_then_works(mx_caseworker: User) -> None:
    client = Client()
    for _ in range(5):
        _try(client, "ana.mx", "wrong-password", OFFICE)
    assert _try(client, "ana.mx", PASSWORD, OFFICE) == 429
    AccessAttempt.objects.update(attempt_time=_minutes_ago(1))
    assert _try(client, "ana.mx", PASSWORD, OFFICE) == 302


def _minutes_ago(minutes: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)


def test_the_waiting_page_says_how_long_and_sends_retry_after(mx_caseworker: User) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(6):
        _try(client, "ana.mx", "wrong-password", OFFICE)
    response = client.post(
        "/login/", {"username": "ana.mx", "password": PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "try again in 1 minute" in response.content.decode()


def test_password_spraying_from_one_address_is_limited(
    mx_caseworker: User, settings: object
) -> None:
    settings.AMPARO_LOGIN_IP_LIMIT = 8  # type: ignore[attr-defined]
    client = Client()
    statuses = [_try(client, f"guess{n}", "Password1!", STRANGER) for n in range(10)]
    assert statuses == [200] * 8 + [429] * 2
    assert _try(client, "ana.mx", PASSWORD, STRANGER) == 429  # that address waits
    assert _try(Client(), "ana.mx", PASSWORD, OFFICE) == 302  # everyone else does not


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_the_sign_in_form_resubmitted_unchanged_signs_in_each_language(
    mx_caseworker: User, language: str
) -> None:
    client = Client()
    client.cookies["django_language"] = language
    page = client.get("/login/")
    assert page.status_code == 200
    assert _try(client, "ana.mx", PASSWORD, OFFICE) == 302
