"""/api/screenings: submit answers, read and list screenings, scoped like the pages."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import Settings

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from amparo.screening.domain.screenings import attach_to_case, decide_profiles
from amparo.screening.models import Screening
from tests.screening.builders import adult, child
from tests.screening_web.conftest import screen

pytestmark = pytest.mark.django_db


def _post(client: Client, body: object) -> tuple[int, dict]:
    response = client.post("/api/screenings", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_submitting_answers_answers_201_with_the_explained_result(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    status, body = _post(login(mx_caseworker), {"answers": child(), "lang": "en"})
    screening = Screening.objects.get()
    assert status == 201
    assert body["id"] == screening.pk
    assert (body["status"], body["urgency"], body["agency"], body["country"]) == (
        "submitted",
        "urgent",
        "mx-oim",
        "MX",
    )
    assert body["protocol"] == {
        "id": "rcm-2013",
        "version": screening.protocol_version,
        "hash": screening.protocol_hash,
    }
    assert body["case"] is None
    assert body["decisions"] == [
        {
            "code": "unaccompanied_child",
            "confirmed": None,
            "reason": "",
            "decided_by": None,
            "decided_at": None,
        }
    ]
    result = body["result"]
    assert result["preliminary"] is True
    assert result["protocol_changed"] is False
    assert [p["code"] for p in result["profiles"]] == ["unaccompanied_child"]
    assert result["profiles"][0]["label"] == "Unaccompanied child or adolescent"
    assert result["profiles"][0]["indicators"] == ["age_years", "travelling_alone"]
    assert result["urgency"]["reason_codes"] == ["unaccompanied_or_separated_child"]
    assert result["consular_notification"]["reason_code"] == "child"
    assert result["referrals"][0]["agencies"][0]["code"] == "mx-pfpnna"


def test_the_result_comes_in_the_language_asked_for(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    status, body = _post(login(mx_caseworker), {"answers": child(), "lang": "es"})
    assert status == 201
    assert body["result"]["lang"] == "es"
    assert body["result"]["profiles"][0]["label"] == "Niña, niño o adolescente no acompañado"


def test_bad_answers_answer_422_naming_each_problem(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    answers = adult(age_years=200, nationality="XX", favourite_colour="blue")
    status, body = _post(login(mx_caseworker), {"answers": answers, "lang": "en"})
    assert status == 422
    assert body["detail"] == "invalid answers"
    assert sorted(body["errors"], key=lambda p: p["field"]) == [
        {
            "field": "answers.age_years",
            "code": "out_of_range",
            "message": "must be between 0 and 120",
        },
        {
            "field": "answers.favourite_colour",
            "code": "unknown_code",
            "message": "is not a question of this protocol",
        },
        {
            "field": "answers.nationality",
            "code": "unknown_country",
            "message": "must be an ISO 3166 alpha-2 country code, such as MX",
        },
    ]
    assert Screening.objects.count() == 0


def test_an_unknown_protocol_answers_422(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    answers = {"age_years": 30}
    status, body = _post(
        login(mx_caseworker), {"answers": answers, "protocol": "nope", "lang": "en"}
    )
    assert status == 422
    assert [(p["field"], p["code"]) for p in body["errors"]] == [("protocol", "unknown_protocol")]


def test_answers_that_are_not_an_object_answer_422(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    status, _body = _post(login(mx_caseworker), {"answers": ["age_years", 15]})
    assert status == 422
    assert Screening.objects.count() == 0


def test_someone_who_works_no_cases_cannot_submit(
    login: Callable[[User], Client], trainer: User
) -> None:
    status, _body = _post(login(trainer), {"answers": child()})
    assert status == 404
    assert Screening.objects.count() == 0


def test_a_deployment_that_requires_training_refuses_the_untrained(
    settings: Settings, login: Callable[[User], Client], mx_caseworker: User
) -> None:
    settings.AMPARO_REQUIRE_TRAINING_FOR_SCREENING = True
    status, body = _post(login(mx_caseworker), {"answers": child(), "lang": "en"})
    assert (status, body) == (
        403,
        {"detail": "Pass the identification module of the training programme first."},
    )
    assert Screening.objects.count() == 0


def test_reading_a_screening_gives_its_saved_result_in_the_readers_language(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    client = login(mx_caseworker)
    spanish = client.get(f"/api/screenings/{mx_screening.pk}").json()  # the user's language
    french = client.get(f"/api/screenings/{mx_screening.pk}?lang=fr").json()
    assert spanish["result"]["profiles"][0]["label"] == "Niña, niño o adolescente no acompañado"
    assert french["result"]["profiles"][0]["label"] == "Enfant ou adolescent non accompagné"
    assert spanish["answers"] == mx_screening.answers


def test_reading_an_attached_screening_is_recorded_as_reading_its_case(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    decide_profiles(
        mx_screening, actor=mx_caseworker, decisions={"unaccompanied_child": (True, "")}
    )
    attach_to_case(mx_screening, actor=mx_caseworker, case=mx_case)
    body = login(mx_caseworker).get(f"/api/screenings/{mx_screening.pk}").json()
    assert (body["case"], body["case_reference"]) == (mx_case.pk, mx_case.reference)
    assert body["decisions"][0]["confirmed"] is True
    event = AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).last()
    assert event is not None
    assert (event.subject_id, event.payload) == (str(mx_case.pk), {"screening": mx_screening.pk})


def test_the_list_holds_what_the_user_may_see_newest_first(
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_supervisor: User,
    gt_caseworker: User,
) -> None:
    first = screen(mx_caseworker)
    second = screen(mx_caseworker, sex="female")
    guatemalan = screen(gt_caseworker, agency_code="gt-oim", country_of_identification="GT")
    mine = login(mx_caseworker).get("/api/screenings").json()
    assert [s["id"] for s in mine] == [second.pk, first.pk]
    assert mine[0]["suggested"] == 2
    assert "answers" not in mine[0]
    assert "result" not in mine[0]
    supervised = login(mx_supervisor).get("/api/screenings").json()
    assert [s["id"] for s in supervised] == [second.pk, first.pk]
    outsider = login(gt_caseworker).get("/api/screenings").json()
    assert [s["id"] for s in outsider] == [guatemalan.pk]
    page = login(mx_caseworker).get("/api/screenings?limit=1&offset=1").json()
    assert [s["id"] for s in page] == [first.pk]


def test_the_endpoints_are_in_the_openapi_schema(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    schema = login(mx_caseworker).get("/api/openapi.json").json()
    assert {"/api/screenings", "/api/screenings/{screening_id}"} <= set(schema["paths"])
    post = schema["paths"]["/api/screenings"]["post"]
    assert set(post["responses"]) == {"201", "401", "403", "404", "422"}
    assert {"ScreeningIn", "ScreeningOut", "ResultOut", "ErrorOut"} <= set(
        schema["components"]["schemas"]
    )
