from collections.abc import Callable

from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.models import AuditEvent


def test_the_api_needs_a_signed_in_user(client: Client, mx_case: Case) -> None:
    assert client.get("/api/cases").status_code == 401
    assert client.get(f"/api/cases/{mx_case.pk}").status_code == 401


def test_me_lists_the_users_memberships(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    body = login(mx_caseworker).get("/api/me").json()
    assert body == {
        "username": "ana.mx",
        "language": "es",
        "memberships": [{"agency": "mx-oim", "country": "MX", "role": "case_manager"}],
    }


def test_the_case_list_is_scoped_like_the_web_page(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, gt_case: Case
) -> None:
    body = login(mx_caseworker).get("/api/cases").json()
    assert [c["reference"] for c in body] == [mx_case.reference]


def test_reading_a_case_returns_the_person_and_is_audited(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    body = login(mx_caseworker).get(f"/api/cases/{mx_case.pk}").json()
    assert body["person"]["given_names"] == "Xiomarafake"
    assert body["country"] == "MX"
    assert AuditEvent.objects.filter(action="case.viewed", subject_id=str(mx_case.pk)).count() == 1


def test_another_country_gets_404_and_no_audit_of_a_read(
    login: Callable[[User], Client], gt_caseworker: User, mx_case: Case
) -> None:
    response = login(gt_caseworker).get(f"/api/cases/{mx_case.pk}")
    assert response.status_code == 404
    assert "Xiomarafake" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_the_openapi_schema_lists_the_endpoints(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    paths = login(mx_caseworker).get("/api/openapi.json").json()["paths"]
    assert {"/api/me", "/api/cases", "/api/cases/{case_id}"} <= set(paths)


def test_swagger_docs_load_their_assets_locally(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).get("/api/docs")
    assert response.status_code == 200
    assert "cdn.jsdelivr.net" not in response.content.decode()


def test_listing_cases_records_which_cases_were_shown(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    login(mx_caseworker).get("/api/cases")
    event = AuditEvent.objects.get(action="case.listed")
    assert event.payload == {"cases": [mx_case.pk]}
