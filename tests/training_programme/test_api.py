"""Training API: the same gates and domain functions as the pages."""

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case, Person
from amparo.screening.models import Screening
from amparo.training.models import Course, PracticeCase, QuizAttempt
from tests.training_programme.factories import attempt, cohort_with, module

type LoginIn = Callable[[User, str], Client]


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_quiz_attempt_is_graded_through_the_api(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = f"/api/training/modules/{module('identification').pk}/attempts"
    response = _post(
        login_in(mx_trainee, "en"), url, {"lang": "en", "answers": {"1": 0, "2": False}}
    )
    body = response.json()
    assert (response.status_code, body["score"], body["passed"], body["status"]) == (
        201,
        50.0,
        False,
        "graded",
    )
    assert body["answers"][1]["feedback"] == [{"text": "She is.", "format": "moodle"}]


def test_bad_responses_answer_422_naming_each(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = f"/api/training/modules/{module('identification').pk}/attempts"
    response = _post(login_in(mx_trainee, "en"), url, {"answers": {"1": 5}})
    assert (response.status_code, response.json()["errors"], QuizAttempt.objects.count()) == (
        422,
        [
            {
                "field": "answers.1",
                "message": "must be the number of an answer, from 0 to 1",
                "code": "",
            }
        ],
        0,
    )


def test_a_malformed_body_answers_422(course: Course, mx_trainee: User, login_in: LoginIn) -> None:
    url = f"/api/training/modules/{module('identification').pk}/attempts"
    response = _post(login_in(mx_trainee, "en"), url, {"lang": "xx"})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (
        422,
        ["lang", "answers"],
    )


def test_the_questions_are_served_without_their_answers(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = f"/api/training/modules/{module('referral').pk}/questions?lang=en"
    assert login_in(mx_trainee, "en").get(url).json() == [
        {
            "position": 1,
            "type": "multiple_choice",
            "text": "Who do you refer an unaccompanied child to? Mark all.",
            "format": "moodle",
            "choices": ["Child protection", "Shelter", "Migration authority for deportation"],
            "multiple_answers": True,
        },
        {
            "position": 2,
            "type": "essay",
            "text": "Explain how you ask for consent.",
            "format": "moodle",
        },
    ]


def test_a_practice_case_is_graded_through_the_api_in_the_sandbox(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    case = PracticeCase.objects.get()
    before = (Person.objects.count(), Case.objects.count(), Screening.objects.count())
    response = _post(
        login_in(mx_trainee, "en"),
        f"/api/training/practice/{case.pk}/attempts",
        {
            "lang": "en",
            "answers": case.expert_key["answers"],
            "referral_kinds": ["child_protection", "refugee_commission"],
            "legal_basis": "vital_interest",
        },
    )
    assert (response.status_code, response.json()["score"]) == (201, 100.0)
    assert (Person.objects.count(), Case.objects.count(), Screening.objects.count()) == before


def test_the_api_fails_family_tracing_for_a_child_and_says_why(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    case = PracticeCase.objects.get()
    response = _post(
        login_in(mx_trainee, "en"),
        f"/api/training/practice/{case.pk}/attempts",
        {
            "lang": "en",
            "answers": case.expert_key["answers"],
            "referral_kinds": ["child_protection", "refugee_commission", "family_tracing"],
            "legal_basis": "vital_interest",
        },
    )
    body = response.json()
    assert (response.status_code, body["score"]) == (201, 0.0)
    assert [line["code"] for line in body["red_lines"]] == ["family_tracing"]
    assert body["red_lines"][0]["message"].startswith("Red line: you chose Family tracing")


def test_a_trainer_reads_cohorts_progress_and_statements(
    course: Course, trainer: User, mx_trainee: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    attempt(mx_trainee, "identification")
    client = login_in(trainer, "en")
    cohorts = client.get("/api/training/cohorts").json()
    progress = client.get(f"/api/training/cohorts/{cohort.pk}/progress").json()
    statements = client.get("/api/training/xapi/statements").json()
    assert cohorts == [
        {
            "id": cohort.pk,
            "name": cohort.name,
            "country": "MX",
            "course": "test-course",
            "members": 1,
        }
    ]
    assert progress == [
        {"trainee": "lucia.mx", "passed": 1, "total": 2, "behind": ["referral"], "overdue": []}
    ]
    assert [s["actor"]["account"]["name"] for s in statements] == ["lucia.mx"]


def test_a_guatemalan_trainer_reaches_nothing_mexican_through_the_api(
    course: Course, trainer: User, mx_trainee: User, gt_trainer: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    found = attempt(mx_trainee, "identification")
    client = login_in(gt_trainer, "en")
    answers = [
        client.get(f"/api/training/cohorts/{cohort.pk}/progress").status_code,
        client.get(f"/api/training/attempts/{found.pk}").status_code,
        client.get("/api/training/cohorts").json(),
        client.get("/api/training/xapi/statements").json(),
    ]
    assert answers == [404, 404, [], []]


def test_a_trainee_reads_only_their_own_statements(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    from tests.training_programme.factories import trainee

    other = trainee("mateo.mx", "mx-comar")
    attempt(other, "identification")
    attempt(mx_trainee, "identification")
    statements = login_in(mx_trainee, "en").get("/api/training/xapi/statements").json()
    assert [s["actor"]["account"]["name"] for s in statements] == ["lucia.mx"]


def test_a_caseworker_gets_404_everywhere(
    course: Course, mx_caseworker: User, login_in: LoginIn
) -> None:
    client = login_in(mx_caseworker, "en")
    url = f"/api/training/modules/{module('identification').pk}/attempts"
    answers = [
        client.get("/api/training/cohorts").status_code,
        client.get("/api/training/xapi/statements").status_code,
        _post(client, url, {"answers": {}}).status_code,
        client.post(url).status_code,
    ]
    assert answers == [404, 404, 404, 404]
