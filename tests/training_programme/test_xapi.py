"""Learning records as xAPI 1.0.3 statements: their structure, verbs, activities and results."""

import re
import uuid
from typing import Any

import jsonschema
import pytest
from django.test import override_settings

from amparo.accounts.models import User
from amparo.training.domain.quizzes import complete_lesson
from amparo.training.models import Course
from amparo.training.xapi import statements_for
from tests.training_programme.factories import (
    attempt,
    certify,
    cohort_with,
    module,
    practise,
    session_for,
)

_IRI = {"type": "string", "pattern": r"^[a-z][a-z0-9+.-]*://\S+$"}
_LANGUAGE_MAP = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string"},
}
_ACTIVITY = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "objectType": {"const": "Activity"},
        "id": _IRI,
        "definition": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"type": _IRI, "name": _LANGUAGE_MAP, "description": _LANGUAGE_MAP},
        },
    },
}
# The parts of the xAPI 1.0.3 Statement structure these statements use (xAPI-Data.md §2.4).
STATEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "actor", "verb", "object", "timestamp"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "version": {"type": "string", "pattern": r"^1\.0\.\d+$"},
        "actor": {
            "type": "object",
            "required": ["objectType", "account"],
            "additionalProperties": False,
            "properties": {
                "objectType": {"const": "Agent"},
                "account": {
                    "type": "object",
                    "required": ["homePage", "name"],
                    "additionalProperties": False,
                    "properties": {"homePage": _IRI, "name": {"type": "string", "minLength": 1}},
                },
            },
        },
        "verb": {
            "type": "object",
            "required": ["id", "display"],
            "additionalProperties": False,
            "properties": {"id": _IRI, "display": _LANGUAGE_MAP},
        },
        "object": _ACTIVITY,
        "result": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "score": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                        "raw": {"type": "number"},
                        "min": {"type": "number"},
                        "max": {"type": "number"},
                    },
                },
                "success": {"type": "boolean"},
                "completion": {"type": "boolean"},
            },
        },
        "context": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "platform": {"type": "string"},
                "language": {"type": "string"},
                "contextActivities": {
                    "type": "object",
                    "properties": {"parent": {"type": "array", "items": _ACTIVITY}},
                },
            },
        },
        "timestamp": {
            "type": "string",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
        },
    },
}


@pytest.fixture
def statements(course: Course, trainer: User, mx_trainee: User) -> list[dict[str, Any]]:
    cohort = cohort_with(trainer, [mx_trainee])
    session = session_for(trainer, cohort)
    from amparo.training.domain.programme import record_attendance

    record_attendance(session, actor=trainer, statuses={mx_trainee.pk: "present"})
    complete_lesson(module("identification").lessons.get(), actor=mx_trainee)
    attempt(mx_trainee, "identification", right=False)
    practise(mx_trainee)
    certify(trainer, mx_trainee)
    attempt(mx_trainee, "referral")  # an essay waits: attempted
    return statements_for(User.objects.filter(pk=mx_trainee.pk))


def _check_score(statement: dict[str, Any]) -> None:
    score = statement.get("result", {}).get("score")
    if score is not None:
        assert score["min"] <= score["raw"] <= score["max"]
        assert score["scaled"] == round(score["raw"] / 100, 4)


def test_every_statement_is_valid_xapi_1_0_3(statements: list[dict[str, Any]]) -> None:
    for statement in statements:
        jsonschema.validate(statement, STATEMENT_SCHEMA, format_checker=jsonschema.FormatChecker())
        _check_score(statement)
    assert len(statements) == 8


def test_the_verbs_are_the_adl_verbs_of_each_record(statements: list[dict[str, Any]]) -> None:
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in statements)
    assert verbs == [
        "attempted",
        "attempted",
        "attended",
        "completed",
        "completed",
        "failed",
        "passed",
        "passed",
    ]
    assert {s["verb"]["id"].rsplit("/", 1)[0] for s in statements} == {
        "http://adlnet.gov/expapi/verbs"
    }


def test_the_actor_is_an_account_never_an_email(statements: list[dict[str, Any]]) -> None:
    actors = [s["actor"] for s in statements]
    account = {"homePage": "https://amparo.example/xapi", "name": "lucia.mx"}
    assert actors == [{"objectType": "Agent", "account": account}] * len(statements)
    assert "@" not in str(actors)


def test_a_failed_quiz_carries_its_scaled_score_and_success(
    statements: list[dict[str, Any]],
) -> None:
    failed = next(s for s in statements if s["verb"]["id"].endswith("/failed"))
    assert (failed["object"]["id"], failed["result"], failed["context"]["language"]) == (
        "https://amparo.example/xapi/activities/courses/test-course/1.0/modules/identification/quiz",
        {
            "score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 100},
            "success": False,
            "completion": True,
        },
        "es",
    )
    assert failed["object"]["definition"] == {
        "type": "http://adlnet.gov/expapi/activities/assessment",
        "name": {"es": "Identificación", "en": "Identification", "fr": "Identification"},
    }


def test_statement_ids_are_stable_across_exports(
    statements: list[dict[str, Any]], mx_trainee: User
) -> None:
    again = statements_for(User.objects.filter(pk=mx_trainee.pk))
    assert [s["id"] for s in again] == [s["id"] for s in statements]
    assert all(uuid.UUID(s["id"]).version == 5 for s in statements)


def test_the_activity_base_is_configurable(course: Course, mx_trainee: User) -> None:
    attempt(mx_trainee, "identification")
    with override_settings(AMPARO_XAPI_BASE="https://lrs.example.org/amparo/"):
        [statement] = statements_for(User.objects.filter(pk=mx_trainee.pk))
    assert re.match(
        r"^https://lrs\.example\.org/amparo/activities/courses/", statement["object"]["id"]
    )
    assert statement["actor"]["account"]["homePage"] == "https://lrs.example.org/amparo"
