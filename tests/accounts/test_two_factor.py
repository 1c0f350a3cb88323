"""Two-factor enrolment needs an administrator's one-time code (issue 15 item 6), and the
authenticator seed is encrypted at rest (item 7)."""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_otp.oath import totp

from amparo.accounts.models import User
from amparo.protection.domain.two_factor import issue_enrolment_code, reset_two_factor
from amparo.protection.models import AuditEvent, AuthenticatorDevice, EnrolmentCode
from tests.conftest import PASSWORD, _user

_BASE32_SECRET = re.compile(r"[A-Z2-7]{32}")


def _signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    # Signing in sets the language cookie to the user's own language ("es"); read in English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_password_alone_never_shows_a_totp_secret(mx_caseworker: User) -> None:
    client = _signed_in_with_password("ana.mx")
    page = client.get("/2fa/setup/").content.decode()
    assert "Enrolment code from your administrator" in page
    assert "data:image/svg+xml" not in page
    assert _BASE32_SECRET.search(page) is None
    assert AuthenticatorDevice.objects.filter(user=mx_caseworker).count() == 0
    assert client.get("/cases/").url == "/2fa/setup/"


def test_a_wrong_enrolment_code_is_refused_and_audited(mx_caseworker: User) -> None:
    issue_enrolment_code(mx_caseworker, actor=None)
    client = _signed_in_with_password("ana.mx")
    response = client.post("/2fa/setup/", {"code": "0000-0000-0000-0000"})
    assert response.status_code == 200
    assert "That enrolment code is not valid" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.2fa_code_refused").count() == 1
    assert AuthenticatorDevice.objects.filter(user=mx_caseworker).count() == 0


def test_enrolment_with_the_administrators_code_binds_one_device(
    mx_caseworker: User, administrator: User, login: Callable[[User], Client]
) -> None:
    admin_client = login(administrator)
    issued = admin_client.post(f"/users/{mx_caseworker.pk}/enrolment-code/")
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", issued.content.decode())
    assert code is not None
    assert "no-store" in issued["Cache-Control"]
    stored = EnrolmentCode.objects.get(user=mx_caseworker)
    assert code.group(0) not in stored.digest
    assert len(stored.digest) == 64

    client = _signed_in_with_password("ana.mx")
    assert client.post("/2fa/setup/", {"code": code.group(0).lower()}).url == "/2fa/setup/"
    page = client.get("/2fa/setup/").content.decode()
    assert "data:image/svg+xml;base64," in page
    device = AuthenticatorDevice.objects.get(user=mx_caseworker)
    assert client.post("/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/cases/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="user.2fa").values_list("action", flat=True)
    )
    assert actions == ["user.2fa_code_issued", "user.2fa_code_redeemed", "user.2fa_enrolled"]


def test_a_code_works_once_and_only_in_the_session_that_redeemed_it(mx_caseworker: User) -> None:
    code = issue_enrolment_code(mx_caseworker, actor=None)
    first = _signed_in_with_password("ana.mx")
    first.post("/2fa/setup/", {"code": code})
    second = _signed_in_with_password("ana.mx")  # someone else holding the password
    page = second.get("/2fa/setup/").content.decode()
    assert "data:image/svg+xml" not in page
    refused = second.post("/2fa/setup/", {"code": code})
    assert "That enrolment code is not valid" in refused.content.decode()


def test_an_expired_code_is_refused(mx_caseworker: User, settings: object) -> None:
    code = issue_enrolment_code(mx_caseworker, actor=None)
    EnrolmentCode.objects.update(expires_at="2020-01-01T00:00:00Z")
    client = _signed_in_with_password("ana.mx")
    response = client.post("/2fa/setup/", {"code": code})
    assert "That enrolment code is not valid" in response.content.decode()


def test_a_new_code_replaces_the_unused_one(mx_caseworker: User) -> None:
    old = issue_enrolment_code(mx_caseworker, actor=None)
    issue_enrolment_code(mx_caseworker, actor=None)
    client = _signed_in_with_password("ana.mx")
    assert "not valid" in client.post("/2fa/setup/", {"code": old}).content.decode()


def test_an_administrator_resets_a_lost_device_audited(
    mx_caseworker: User, administrator: User, login: Callable[[User], Client]
) -> None:
    AuthenticatorDevice.objects.create(user=mx_caseworker, name="lost phone", confirmed=True)
    response = login(administrator).post(f"/users/{mx_caseworker.pk}/reset-2fa/")
    assert response.url == "/users/"
    assert AuthenticatorDevice.objects.filter(user=mx_caseworker).count() == 0
    event = AuditEvent.objects.get(action="user.2fa_reset")
    assert (event.actor_id, event.subject_id, event.payload) == (
        administrator.pk,
        str(mx_caseworker.pk),
        {"devices": 1},
    )
    client = _signed_in_with_password("ana.mx")
    assert client.get("/cases/").url == "/2fa/setup/"


@pytest.mark.parametrize("action", ["enrolment-code", "reset-2fa"])
def test_an_administrator_of_another_country_gets_404(
    mx_caseworker: User, login: Callable[[User], Client], action: str
) -> None:
    gt_admin = _user("gaby.admin", "gt-oim", "administrator")  # type: ignore[arg-type]
    client = login(gt_admin)
    response = client.post(f"/users/{mx_caseworker.pk}/{action}/")
    absent = client.post(f"/users/987654321/{action}/")
    assert (response.status_code, absent.status_code) == (404, 404)
    assert EnrolmentCode.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="user.2fa").exists()


def test_a_case_manager_cannot_issue_codes(
    mx_caseworker: User, mx_supervisor: User, login: Callable[[User], Client]
) -> None:
    response = login(mx_caseworker).post(f"/users/{mx_supervisor.pk}/enrolment-code/")
    assert response.status_code == 404


def test_the_totp_seed_is_encrypted_at_rest(mx_caseworker: User) -> None:
    device = AuthenticatorDevice.objects.create(user=mx_caseworker, name="phone")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM protection_authenticatordevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA")
    assert device.key not in raw
    assert AuthenticatorDevice.objects.get(pk=device.pk).key == device.key
    assert len(device.bin_key) == 20


def test_reset_removes_unused_codes(mx_caseworker: User) -> None:
    code = issue_enrolment_code(mx_caseworker, actor=None)
    reset_two_factor(mx_caseworker, actor=None)
    client = _signed_in_with_password("ana.mx")
    assert "not valid" in client.post("/2fa/setup/", {"code": code}).content.decode()


def test_the_first_administrator_gets_a_code_from_the_shell(
    administrator: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("two_factor", "issue", "alma.admin")
    code = capsys.readouterr().out.rsplit(" ", 1)[-1].strip()
    client = _signed_in_with_password("alma.admin")
    assert client.post("/2fa/setup/", {"code": code}).url == "/2fa/setup/"
    assert AuditEvent.objects.filter(action="user.2fa_code_redeemed").count() == 1
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("two_factor", "reset", "nobody")


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("es", "Este campo es obligatorio."),
        ("en", "This field is required."),
        ("fr", "Ce champ est obligatoire."),
    ],
)
def test_the_enrolment_form_resubmitted_unchanged_changes_nothing_in_each_language(
    mx_caseworker: User, language: str, error: str
) -> None:
    issue_enrolment_code(mx_caseworker, actor=None)
    client = _signed_in_with_password("ana.mx")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.get("/2fa/setup/").status_code == 200
    response = client.post("/2fa/setup/", {"code": ""})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert EnrolmentCode.objects.get(user=mx_caseworker).used_at is None
    assert AuthenticatorDevice.objects.filter(user=mx_caseworker).count() == 0
