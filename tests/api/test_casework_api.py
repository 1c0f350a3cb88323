from collections.abc import Callable

from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case, Person


def test_registering_through_the_api_opens_a_case_at_the_callers_agency(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    body = {
        "given_names": "Apifake",
        "first_surname": "Synth",
        "sex": "male",
        "nationalities": ["SV"],
    }
    response = login(mx_caseworker).post("/api/cases", body, content_type="application/json")
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.agency.code, case.person.given_names, case.person.nationalities) == (
        "mx-oim",
        "Apifake",
        ["SV"],
    )


def test_bad_registration_names_each_field_and_saves_nothing(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    body = {
        "given_names": "Ana",
        "sex": "robot",
        "birth_date": "2999-01-01",
        "nationalities": ["Honduras"],
    }
    response = login(mx_caseworker).post("/api/cases", body, content_type="application/json")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "birth_date",
        "nationalities",
        "sex",
    ]
    assert Person.objects.count() == 0


def test_a_wrong_type_is_refused_naming_the_field(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    body = {"given_names": "Apifake", "nationalities": "SV"}
    response = login(mx_caseworker).post("/api/cases", body, content_type="application/json")
    assert response.status_code == 422
    assert "nationalities" in response.content.decode()


def test_consent_then_transition_through_the_api(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    consent = client.post(
        f"/api/cases/{mx_case.pk}/consents",
        {"purpose": "assistance", "method": "written", "language": "pt"},
        content_type="application/json",
    )
    assert consent.status_code == 201
    moved = client.post(
        f"/api/cases/{mx_case.pk}/transitions",
        {"to": "registered", "version": mx_case.version},
        content_type="application/json",
    )
    assert (moved.status_code, moved.json()["status"]) == (200, "registered")
    stale = client.post(
        f"/api/cases/{mx_case.pk}/transitions",
        {"to": "immediate_needs", "version": mx_case.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == mx_case.version + 1


def test_a_refused_transition_says_why(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    response = login(mx_caseworker).post(
        f"/api/cases/{mx_case.pk}/transitions",
        {"to": "registered", "version": mx_case.version},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert (
        "consent" in response.json()["detail"].lower()
        or "consentimiento" in response.json()["detail"].lower()
    )


def test_consent_to_an_unknown_recipient_is_refused(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    response = login(mx_caseworker).post(
        f"/api/cases/{mx_case.pk}/consents",
        {"purpose": "sharing", "method": "written", "recipient": "us-ice"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "recipient"


def test_an_outsider_cannot_post_consent(
    login: Callable[[User], Client], gt_caseworker: User, mx_case: Case
) -> None:
    response = login(gt_caseworker).post(
        f"/api/cases/{mx_case.pk}/consents",
        {"purpose": "assistance", "method": "written"},
        content_type="application/json",
    )
    assert response.status_code == 404
