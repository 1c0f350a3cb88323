"""The webhook pages and the fieldwork API: the administrator's happy path, and outsiders who
see nothing of the Mexican agency's webhooks, deliveries, cases or imports."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.fieldwork.models import Delivery, Webhook
from amparo.screening.domain.screenings import submit_screening
from amparo.screening.models import Screening
from amparo.screening.protocol import load_protocol
from tests.conftest import _user
from tests.fieldwork.exports import form_fields, kobo_json, kobo_submission
from tests.fieldwork.factories import mexican_fieldwork_ids
from tests.screening.builders import adult, child

FORM_DATA = {
    "agency": "",
    "partner": "",
    "url": "https://partner.example/hook",
    "events": ["referral.sent", "screening.created"],
}


@pytest.fixture
def gt_admin(reference: None) -> User:
    return _user("gala.admin.gt", "gt-oim", Role.ADMINISTRATOR)


def _form(**changes: object) -> dict[str, object]:
    data = {
        **FORM_DATA,
        "agency": Agency.objects.get(code="mx-oim").pk,
        "partner": Agency.objects.get(code="mx-acnur").pk,
    }
    return {**data, **changes}


def test_the_administrator_registers_a_webhook_and_sees_its_secret_once(
    login: Callable[[User], Client], administrator: User
) -> None:
    client = login(administrator)
    response = client.post("/webhooks/", _form(), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain == [("/webhooks/", 302)]
    webhook = Webhook.objects.get()
    assert webhook.secret in response.content.decode()
    assert webhook.secret not in client.get("/webhooks/").content.decode()
    assert (webhook.url, webhook.events) == (
        "https://partner.example/hook",
        ["referral.sent", "screening.created"],
    )


def test_a_refresh_after_registering_registers_nothing_more(
    login: Callable[[User], Client], administrator: User
) -> None:
    client = login(administrator)
    first = client.post("/webhooks/", _form())
    assert (first.status_code, first["Location"]) == (302, "/webhooks/")
    shown = client.get("/webhooks/")  # the browser follows the redirect
    refreshed = client.get("/webhooks/")  # the user presses F5 on that page
    webhook = Webhook.objects.get()
    assert webhook.secret in shown.content.decode()
    assert webhook.secret not in refreshed.content.decode()
    assert Webhook.objects.count() == 1


def test_the_same_form_posted_again_registers_nothing_more(
    login: Callable[[User], Client], administrator: User
) -> None:
    client = login(administrator)
    client.post("/webhooks/", _form())
    again = client.post("/webhooks/", _form(), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert again.context["form"].errors == {
        "url": ["This address already receives this agency's events: disable that webhook first."]
    }
    assert "whsec_" not in again.content.decode()
    assert Webhook.objects.count() == 1


def test_an_enforcement_partner_is_not_offered_and_a_bad_url_is_named(
    login: Callable[[User], Client], administrator: User
) -> None:
    client = login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    inm = Agency.objects.get(code="mx-inm").pk
    response = client.post("/webhooks/", _form(partner=inm))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"partner"}
    response = client.post("/webhooks/", _form(url="http://partner.example/x"))
    assert response.context["form"].errors == {
        "url": ["Use https:// so the events cannot be read on the way."]
    }
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_the_same_form_saves_the_same_webhook_in_every_language(
    login: Callable[[User], Client], administrator: User, lang: str
) -> None:
    client = login(administrator)
    client.post("/webhooks/", _form(), HTTP_ACCEPT_LANGUAGE=lang)
    page = client.get("/webhooks/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    stored = Webhook.objects.values_list("agency__code", "partner__code", "url", "events").get()
    assert stored == (
        "mx-oim",
        "mx-acnur",
        "https://partner.example/hook",
        ["referral.sent", "screening.created"],
    )


def test_an_administrator_of_another_agency_sees_nothing_mexican(
    login: Callable[[User], Client], administrator: User, gt_admin: User
) -> None:
    ids = mexican_fieldwork_ids()
    client = login(gt_admin)
    page = client.get("/webhooks/").content.decode()
    assert "Quetzalsynth" not in page
    disable = client.post(f"/webhooks/{ids['webhook_id']}/disable/")
    missing = client.post("/webhooks/987654321/disable/")
    assert (disable.status_code, missing.status_code) == (404, 404)
    assert Webhook.objects.get().active is True


def test_staff_who_administer_nothing_get_404(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    assert [client.get(url).status_code for url in ("/webhooks/", "/webhooks/deliveries/")] == [
        404,
        404,
    ]
    assert client.get("/api/fieldwork/webhooks/deliveries").status_code == 404


def test_the_administrator_disables_a_webhook(
    login: Callable[[User], Client], administrator: User
) -> None:
    ids = mexican_fieldwork_ids()
    _user("alma2.admin", "mx-oim", Role.ADMINISTRATOR)
    response = login(administrator).post(f"/webhooks/{ids['webhook_id']}/disable/")
    assert response.status_code == 302
    assert Webhook.objects.get().active is False


def _deliveries(count: int, caseworker: User) -> None:
    for _index in range(count):
        submit_screening(
            actor=caseworker, agency=Agency.objects.get(code="mx-oim"), answers=adult(), lang="es"
        )


def test_the_query_count_of_the_delivery_list_does_not_grow_with_rows(
    login: Callable[[User], Client], administrator: User, mx_caseworker: User
) -> None:
    mexican_fieldwork_ids()
    Webhook.objects.update(events=["screening.created"])
    client = login(administrator)
    client.get("/webhooks/deliveries/")  # the session and memberships, read once
    counts = []
    for added in (1, 2):  # 1 item, then 3
        _deliveries(added, mx_caseworker)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/webhooks/deliveries/")
        assert (
            response.content.decode().count("<td>screening.created</td>")
            == Delivery.objects.count()
        )
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- API ----------------------------------------------------------------------------------------


@pytest.fixture
def kobo_file(tmp_path: Path) -> bytes:
    out = tmp_path / "rcm.xlsx"
    call_command("screening", "xlsform", "--out", str(out))
    paths = form_fields(out)
    return kobo_json(
        [kobo_submission(paths, child(), form=f"rcm-2013 {load_protocol('rcm-2013').version}")]
    )


def test_the_api_imports_submissions_like_the_command(
    login: Callable[[User], Client], mx_caseworker: User, kobo_file: bytes
) -> None:
    client = login(mx_caseworker)
    upload = SimpleUploadedFile("kobo.json", kobo_file, content_type="application/json")
    response = client.post("/api/fieldwork/submissions", {"file": upload})
    assert response.status_code == 200
    body = response.json()
    assert (body["imported"], body["duplicate"], body["refused"]) == (1, 0, 0)
    again = client.post(
        "/api/fieldwork/submissions",
        {"file": SimpleUploadedFile("kobo.json", kobo_file), "format": "kobo-json"},
    )
    assert again.json()["duplicate"] == 1
    assert Screening.objects.count() == 1


def test_the_api_refuses_an_import_for_another_countrys_agency(
    login: Callable[[User], Client], gt_caseworker: User, mx_caseworker: User, kobo_file: bytes
) -> None:
    client = login(gt_caseworker)
    upload = SimpleUploadedFile("kobo.json", kobo_file)
    response = client.post("/api/fieldwork/submissions", {"file": upload, "agency": "mx-oim"})
    missing = client.post(
        "/api/fieldwork/submissions",
        {"file": SimpleUploadedFile("kobo.json", kobo_file), "agency": "zz-none"},
    )
    assert (response.status_code, missing.status_code) == (404, 404)
    assert Screening.objects.count() == 0


def test_the_api_names_the_line_of_a_broken_file(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    upload = SimpleUploadedFile("bad.json", b'[\n{"_uuid": "x",}\n]')
    response = login(mx_caseworker).post(
        "/api/fieldwork/submissions", {"file": upload, "lang": "en"}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("bad.json: line 2: not valid JSON")


def test_the_htcds_export_answers_404_to_a_caseworker(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    assert client.get("/api/fieldwork/htcds.csv?publication=true").status_code == 404


def test_the_htcds_export_gives_a_supervisor_a_csv(
    login: Callable[[User], Client], mx_supervisor: User
) -> None:
    response = login(mx_supervisor).get("/api/fieldwork/htcds.csv?publication=true")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "yearOfRegistration,prs_Gender,ageBroad,prs_Nationality,cas_Status,vic_MethodsOfControl"
    ]
