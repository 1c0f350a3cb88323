"""The field-collection pages: the XLSForm to download, the import of an export with its
per-row report, and the HTCDS export; the same domain functions as the command line, and
nothing for staff of another agency or country. Every person here is synthetic."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pytest_django import Settings

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.fieldwork.models import ImportedSubmission
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from amparo.screening.models import Screening
from amparo.screening.protocol import load_protocol
from tests.conftest import _user
from tests.fieldwork.exports import form_fields, kobo_json, kobo_submission, odk_csv
from tests.screening.builders import adult, child

PROTOCOL = load_protocol("rcm-2013")
FORM = f"rcm-2013 {PROTOCOL.version}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("form") / "rcm.xlsx"
    call_command("screening", "xlsform", "--out", str(out))
    return form_fields(out)


def _upload(name: str, data: bytes, agency: Agency, **extra: str) -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, data), "agency": str(agency.pk), **extra}


def _mx() -> Agency:
    return Agency.objects.get(code="mx-oim")


# --- The XLSForm ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_a_caseworker_downloads_the_current_form_in_each_language(
    login: Callable[[User], Client], mx_caseworker: User, tmp_path: Path, lang: str
) -> None:
    client = login(mx_caseworker)
    assert client.get("/fieldwork/").status_code == 200
    response = client.get("/fieldwork/xlsform/", {"protocol": "rcm-2013", "lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="rcm-2013-{PROTOCOL.version}-{lang}.xlsx"'
    )
    cli = tmp_path / "cli.xlsx"
    call_command("screening", "xlsform", "--out", str(cli), "--lang", lang)
    page, command = load_workbook(io.BytesIO(response.content)), load_workbook(cli)
    for sheet in ("survey", "choices", "settings"):
        assert list(page[sheet].values) == list(command[sheet].values)


def test_an_unknown_protocol_or_language_is_named_and_nothing_is_sent(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    response = client.get("/fieldwork/xlsform/", {"protocol": "rcm-1999", "lang": "de"})
    assert response.status_code == 400
    assert set(response.context["xlsform"].errors) == {"protocol", "lang"}


def test_staff_who_neither_screen_nor_export_get_404(
    login: Callable[[User], Client], trainer: User, administrator: User
) -> None:
    for user in (trainer, administrator):
        client = login(user)
        statuses = [
            client.get("/fieldwork/").status_code,
            client.get("/fieldwork/xlsform/", {"protocol": "rcm-2013", "lang": "es"}).status_code,
            client.get("/fieldwork/import/").status_code,
            client.post("/fieldwork/htcds/", {"purpose": "publication"}).status_code,
        ]
        assert statuses == [404, 404, 404, 404]


# --- The import -------------------------------------------------------------------------------


def test_the_page_imports_a_kobo_export_and_a_second_upload_imports_nothing_twice(
    login: Callable[[User], Client], mx_caseworker: User, paths: dict[str, str]
) -> None:
    data = kobo_json([kobo_submission(paths, child(), form=FORM)])
    client = login(mx_caseworker)
    first = client.post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    assert first.status_code == 200
    assert first.context["counts"] == {"imported": 1, "duplicate": 0, "refused": 0}
    screening = Screening.objects.get()
    assert f'href="/screening/{screening.pk}/"' in first.content.decode()
    again = client.post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    assert again.context["counts"] == {"imported": 0, "duplicate": 1, "refused": 0}
    assert (Screening.objects.count(), ImportedSubmission.objects.count()) == (1, 1)


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_the_same_file_sent_from_the_page_in_any_language_changes_nothing_more(
    login: Callable[[User], Client], mx_caseworker: User, paths: dict[str, str], lang: str
) -> None:
    data = kobo_json([kobo_submission(paths, adult(fear_of_return=True), form=FORM)])
    client = login(mx_caseworker)
    client.post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    stored = list(Screening.objects.values_list("id", "answers", "urgency"))
    page = client.get("/fieldwork/import/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    resent = client.post(
        "/fieldwork/import/", _upload("kobo.json", data, _mx()), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert resent.context["counts"] == {"imported": 0, "duplicate": 1, "refused": 0}
    assert list(Screening.objects.values_list("id", "answers", "urgency")) == stored


def test_a_refused_row_is_shown_with_its_line_and_field_and_the_others_import(
    login: Callable[[User], Client], mx_caseworker: User, paths: dict[str, str]
) -> None:
    rows = [child(), child(age_years=130)]
    data = odk_csv(paths, rows, form=FORM, instances=["a1", "b2"])
    client = login(mx_caseworker)
    response = client.post(
        "/fieldwork/import/", _upload("odk.csv", data, _mx()), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["counts"] == {"imported": 1, "duplicate": 0, "refused": 1}
    refused = response.context["report"].rows[1]
    assert (refused.where, refused.outcome, refused.field) == (
        "odk.csv: line 3",
        "refused",
        "age_years",
    )
    body = response.content.decode()
    assert "odk.csv: line 3" in body
    assert "<code>age_years</code>" in body
    assert Screening.objects.count() == 1


def test_an_old_form_version_is_refused_naming_the_version_to_download(
    login: Callable[[User], Client], mx_caseworker: User, paths: dict[str, str]
) -> None:
    data = kobo_json([kobo_submission(paths, child(), form="rcm-2013 1.0")])
    response = login(mx_caseworker).post(
        "/fieldwork/import/", _upload("kobo.json", data, _mx()), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["counts"] == {"imported": 0, "duplicate": 0, "refused": 1}
    assert f"download the form of version {PROTOCOL.version}" in response.content.decode()
    assert Screening.objects.count() == 0


def test_a_broken_file_is_named_by_line_and_nothing_is_saved(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    data = b'[\n{"_uuid": "x",}\n]'
    response = login(mx_caseworker).post(
        "/fieldwork/import/", _upload("bad.json", data, _mx()), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert error.startswith("bad.json: line 2: not valid JSON (")
    assert Screening.objects.count() == 0


def test_another_countrys_caseworker_cannot_import_for_the_mexican_agency(
    login: Callable[[User], Client],
    gt_caseworker: User,
    mx_caseworker: User,
    paths: dict[str, str],
) -> None:
    data = kobo_json([kobo_submission(paths, child(), form=FORM, instance="mx-only-1")])
    login(mx_caseworker).post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    client = login(gt_caseworker)
    page = client.get("/fieldwork/import/")
    assert [agency.code for agency in page.context["form"].fields["agency"].queryset] == ["gt-oim"]
    response = client.post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"agency"}
    assert "mx-only-1" not in response.content.decode()
    # For the Guatemalan agency the same instance id is a new submission, not a duplicate of
    # the Mexican one: nothing tells that another agency imported it.
    gt = Agency.objects.get(code="gt-oim")
    own = client.post("/fieldwork/import/", _upload("kobo.json", data, gt))
    assert own.context["counts"] == {"imported": 1, "duplicate": 0, "refused": 0}
    assert Screening.objects.filter(agency=gt).count() == 1


# --- The HTCDS export -------------------------------------------------------------------------


def test_a_supervisor_downloads_the_htcds_export_and_it_is_audited(
    login: Callable[[User], Client], mx_supervisor: User
) -> None:
    client = login(mx_supervisor)
    home = client.get("/fieldwork/")
    assert home.context["htcds"] is not None
    response = client.post("/fieldwork/htcds/", {"purpose": "publication"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="htcds.csv"'
    assert response.content.decode().splitlines() == [
        "yearOfRegistration,prs_Gender,ageBroad,prs_Nationality,cas_Status,vic_MethodsOfControl"
    ]
    event = AuditEvent.objects.get(action=AuditAction.HTCDS_EXPORTED)
    assert (event.actor_id, event.payload["publication"]) == (mx_supervisor.pk, True)


def test_an_export_for_a_recipient_must_name_it(
    login: Callable[[User], Client], mx_supervisor: User
) -> None:
    client = login(mx_supervisor)
    response = client.post("/fieldwork/htcds/", {"purpose": "recipient"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["htcds"].errors == {
        "recipient": ["Choose the institution the export is for."]
    }
    comar = Agency.objects.get(code="mx-comar")
    named = client.post("/fieldwork/htcds/", {"purpose": "recipient", "recipient": comar.pk})
    assert named.content.decode().splitlines()[0].startswith("cas_Status,")
    assert not AuditEvent.objects.filter(
        action=AuditAction.HTCDS_EXPORTED, payload__recipient=None, payload__publication=False
    ).exists()


def test_a_caseworker_sees_no_htcds_export_and_gets_404(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    assert client.get("/fieldwork/").context["htcds"] is None
    assert client.post("/fieldwork/htcds/", {"purpose": "publication"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.HTCDS_EXPORTED).exists()


def test_a_guatemalan_supervisor_exports_no_mexican_case(
    login: Callable[[User], Client], mx_supervisor: User, reference: None
) -> None:
    gt_supervisor = _user("gabi.sup.gt", "gt-oim", Role.SUPERVISOR)
    response = login(gt_supervisor).post("/fieldwork/htcds/", {"purpose": "publication"})
    event = AuditEvent.objects.get(action=AuditAction.HTCDS_EXPORTED)
    assert event.payload["cases"] == []
    assert len(response.content.decode().splitlines()) == 1


def test_the_import_waits_for_the_identification_training_where_it_is_required(
    login: Callable[[User], Client],
    mx_caseworker: User,
    paths: dict[str, str],
    settings: Settings,
) -> None:
    settings.AMPARO_REQUIRE_TRAINING_FOR_SCREENING = True
    data = kobo_json([kobo_submission(paths, child(), form=FORM)])
    response = login(mx_caseworker).post("/fieldwork/import/", _upload("kobo.json", data, _mx()))
    assert response.status_code == 403
    assert Screening.objects.count() == 0
