"""Learning records as xAPI 1.0.3 statements (JSON-ready dicts), for a Learning Record Store.

- actor: an Agent identified by an account (the username at `AMPARO_XAPI_BASE`), never an
  email address;
- verb: the ADL verbs attempted, completed, passed, failed, attended;
- object: an Activity whose id is an IRI under `<AMPARO_XAPI_BASE>/activities/`;
- result: score (scaled 0-1, raw 0-100), success and completion where they apply;
- timestamp: ISO 8601 with its offset; id: a UUID derived from the record, so exporting the
  same record twice gives the same statement (an LRS keeps one).

Quiz attempts give passed or failed (attempted while an essay waits for its grade); lessons
read give completed; practice cases give attempted with their score; attendance gives
attended; a certificate gives completed on the course.
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from amparo.accounts.models import User
from amparo.training.enums import AttemptStatus, AttendanceStatus
from amparo.training.models import (
    Attendance,
    Certificate,
    Course,
    LessonCompletion,
    Module,
    PracticeAttempt,
    QuizAttempt,
)

DEFAULT_BASE = "https://amparo.example/xapi"
VERSION = "1.0.3"
VERBS = {
    name: f"http://adlnet.gov/expapi/verbs/{name}"
    for name in ("attempted", "completed", "passed", "failed", "attended")
}
_TYPES = {
    name: f"http://adlnet.gov/expapi/activities/{name}"
    for name in ("course", "assessment", "lesson", "simulation", "meeting")
}
_LANGS = ("es", "en", "fr")

type Statement = dict[str, Any]


def xapi_base() -> str:
    """The IRI under which actors' accounts and activities live (setting AMPARO_XAPI_BASE)."""
    return str(getattr(settings, "AMPARO_XAPI_BASE", DEFAULT_BASE)).rstrip("/")


def _names(texts: dict[str, str]) -> dict[str, str]:
    return {lang: texts[lang] for lang in _LANGS if texts.get(lang)}


def _activity(path: str, kind: str, names: dict[str, str]) -> dict[str, Any]:
    definition = {"type": _TYPES[kind], "name": _names(names)}
    return {
        "objectType": "Activity",
        "id": f"{xapi_base()}/activities/{path}",
        "definition": definition,
    }


def _course_path(course: Course) -> str:
    return f"courses/{course.code}/{course.version}"


def _module_path(module: Module) -> str:
    return f"{_course_path(module.course)}/modules/{module.code}"


def _statement(
    record: str,
    user: User,
    verb: str,
    activity: dict[str, Any],
    at: dt.datetime,
    *,
    result: dict[str, Any] | None = None,
    parent: dict[str, Any] | None = None,
    lang: str | None = None,
) -> Statement:
    base = xapi_base()
    statement: Statement = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/records/{record}/{verb}")),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": base, "name": user.username},
        },
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": activity,
        "timestamp": at.isoformat(),
        "version": VERSION,
    }
    if result is not None:
        statement["result"] = result
    context: dict[str, Any] = {"platform": "Amparo"}
    if lang:
        context["language"] = lang
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    statement["context"] = context
    return statement


def _score(percent: float) -> dict[str, float]:
    return {"scaled": round(percent / 100, 4), "raw": percent, "min": 0, "max": 100}


def _quiz(attempt: QuizAttempt) -> Statement:
    module = attempt.module
    activity = _activity(f"{_module_path(module)}/quiz", "assessment", module.title)
    parent = _activity(_course_path(module.course), "course", module.course.title)
    result: dict[str, Any]
    if attempt.status == AttemptStatus.PENDING or attempt.score is None:
        verb, result = "attempted", {"completion": True}
    else:
        verb = "passed" if attempt.passed else "failed"
        result = {
            "score": _score(attempt.score),
            "success": bool(attempt.passed),
            "completion": True,
        }
    at = attempt.graded_at or attempt.submitted_at
    return _statement(
        f"quiz/{attempt.pk}",
        attempt.trainee,
        verb,
        activity,
        at,
        result=result,
        parent=parent,
        lang=attempt.lang,
    )


def _lesson(completion: LessonCompletion) -> Statement:
    lesson = completion.lesson
    path = f"{_module_path(lesson.module)}/lessons/{lesson.code}"
    parent = _activity(_course_path(lesson.module.course), "course", lesson.module.course.title)
    return _statement(
        f"lesson/{completion.pk}",
        completion.trainee,
        "completed",
        _activity(path, "lesson", lesson.title),
        completion.completed_at,
        result={"completion": True},
        parent=parent,
    )


def _practice(attempt: PracticeAttempt) -> Statement:
    case = attempt.case
    activity = _activity(f"practice/{case.code}/{case.version}", "simulation", case.title)
    result = {"score": _score(attempt.score), "completion": True}
    return _statement(
        f"practice/{attempt.pk}",
        attempt.trainee,
        "attempted",
        activity,
        attempt.submitted_at,
        result=result,
        lang=attempt.lang,
    )


def _attendance(row: Attendance) -> Statement:
    session = row.session
    names = dict.fromkeys(_LANGS, session.title)
    activity = _activity(f"sessions/{session.pk}", "meeting", names)
    return _statement(f"attendance/{row.pk}", row.trainee, "attended", activity, session.starts_at)


def _certificate(certificate: Certificate) -> Statement:
    course = certificate.course
    activity = _activity(_course_path(course), "course", course.title)
    result = {"success": True, "completion": True}
    return _statement(
        f"certificate/{certificate.pk}",
        certificate.trainee,
        "completed",
        activity,
        certificate.issued_at,
        result=result,
    )


def statements_for(trainees: QuerySet[User]) -> list[Statement]:
    """Every learning record of these trainees, oldest first."""
    found = [
        *map(
            _quiz,
            QuizAttempt.objects.filter(trainee__in=trainees).select_related(
                "trainee", "module__course"
            ),
        ),
        *map(
            _lesson,
            LessonCompletion.objects.filter(trainee__in=trainees).select_related(
                "trainee", "lesson__module__course"
            ),
        ),
        *map(
            _practice,
            PracticeAttempt.objects.filter(trainee__in=trainees).select_related("trainee", "case"),
        ),
        *map(
            _attendance,
            Attendance.objects.filter(
                trainee__in=trainees, status=AttendanceStatus.PRESENT
            ).select_related("trainee", "session"),
        ),
        *map(
            _certificate,
            Certificate.objects.filter(trainee__in=trainees).select_related("trainee", "course"),
        ),
    ]
    return sorted(found, key=lambda statement: (statement["timestamp"], statement["id"]))
