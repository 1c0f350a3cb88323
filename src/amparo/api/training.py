"""Training endpoints, mounted at /api/training: quizzes, practice cases, cohorts, xAPI.

Scoped exactly like the pages, through the same gates and domain functions: anything outside
the caller's reach answers 404, and so does every endpoint for a caller who is neither a
trainer nor a trainee. Request bodies are read after the gate, so a body sent to something
out of reach is never even parsed.
"""

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import ValidationError

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.api.schemas import ErrorOut
from amparo.api.schemas import FieldError as ProblemOut
from amparo.screening.protocol import AnswersError
from amparo.training.domain import queries
from amparo.training.domain.practice import submit_practice
from amparo.training.domain.progress import cohort_progress
from amparo.training.domain.quizzes import QuizError, ResponsesError, quiz_questions, submit_quiz
from amparo.training.practice import PracticeChoiceError
from amparo.training.rules import may_study, trainer_countries
from amparo.training.xapi import statements_for

router = Router(tags=["training"])

Lang = Literal["es", "en", "fr"]


class QuizIn(Schema):
    lang: Lang = Field("es", description="Language of the questions answered.")
    answers: dict[int, Any] = Field(
        description="Question position (from 1) to the response: an answer number (or a list "
        "of them) for multiple choice, true/false, text, a number, or for matching the list of "
        "right-hand answers in order. Absent or null: unanswered."
    )


class AnswerOut(Schema):
    position: int
    type: str
    response: Any
    score: float | None = Field(description="0-1; null while an essay waits for the trainer.")
    feedback: list[dict[str, str]]
    comment: str


class AttemptOut(Schema):
    id: int
    module: str
    status: str
    score: float | None
    passed: bool | None
    submitted_at: dt.datetime
    answers: list[AnswerOut]


class PracticeIn(Schema):
    lang: Lang = "es"
    answers: dict[str, Any] = Field(description="Screening answers (codes of rcm-2013).")
    referral_kinds: list[str] = Field(
        description="Agency kind codes the trainee refers to, and the services "
        "return_reintegration and family_tracing."
    )
    legal_basis: str = Field(description="consent, vital_interest or public_interest.")


class CohortOut(Schema):
    id: int
    name: str
    country: str
    course: str
    members: int


class TraineeProgressOut(Schema):
    trainee: str
    passed: int
    total: int
    behind: list[str]
    overdue: list[str]


def _studying(request: AuthenticatedHttpRequest) -> User:
    user = request.user
    if not may_study(user):
        raise Http404
    return user


def _body[T: Schema](request: AuthenticatedHttpRequest, schema: type[T]) -> T | ErrorOut:
    try:
        return schema.model_validate_json(request.body or b"null")
    except ValidationError as error:
        problems = [
            ProblemOut(field=".".join(str(p) for p in e["loc"]) or "__all__", message=e["msg"])
            for e in error.errors()
        ]
        return ErrorOut(detail="invalid input", errors=problems)


def _attempt_out(attempt: Any) -> AttemptOut:
    return AttemptOut(
        id=attempt.pk,
        module=attempt.module.code,
        status=attempt.status,
        score=attempt.score,
        passed=attempt.passed,
        submitted_at=attempt.submitted_at,
        answers=[
            AnswerOut(
                position=a.position,
                type=a.question["type"],
                response=a.response,
                score=a.score,
                feedback=a.feedback,
                comment=a.comment,
            )
            for a in attempt.answers.all()
        ],
    )


def _schema_body(schema: type[Schema]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema.model_json_schema()}}
    return {"requestBody": {"required": True, "content": content}}


@router.post(
    "/modules/{module_id}/attempts",
    response={201: AttemptOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=_schema_body(QuizIn),
)
def submit_quiz_attempt(request: AuthenticatedHttpRequest, module_id: int) -> Status[Any]:
    """Grade and record a quiz attempt (essays wait for the trainer)."""
    user = _studying(request)
    module = queries.get_module_for(user, module_id)
    data = _body(request, QuizIn)
    if isinstance(data, ErrorOut):
        return Status(422, data)
    try:
        attempt = submit_quiz(module, actor=user, lang=data.lang, responses=data.answers)
    except ResponsesError as error:
        problems = [ProblemOut(field=f"answers.{p}", message=m) for p, m in error.problems.items()]
        return Status(422, ErrorOut(detail="invalid input", errors=problems))
    except QuizError as error:
        return Status(422, ErrorOut(detail=str(error)))
    return Status(201, _attempt_out(attempt))


@router.get("/modules/{module_id}/questions", response={200: list[dict[str, Any]], 404: ErrorOut})
def module_questions(
    request: AuthenticatedHttpRequest, module_id: int, lang: Lang = "es"
) -> list[dict[str, Any]]:
    """The quiz as asked: texts and choices, without the answers' weights or feedback."""
    module = queries.get_module_for(_studying(request), module_id)
    return [_asked(q.position, q.data) for q in quiz_questions(module, lang)]


def _asked(position: int, data: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {"position": position, "type": data["type"], "text": data["text"]}
    shown["format"] = data["format"]
    if data["type"] == "multiple_choice":
        shown["choices"] = [answer["text"] for answer in data["answers"]]
        shown["multiple_answers"] = data["multiple_answers"]
    if data["type"] == "matching":
        shown["items"] = [pair["left"] for pair in data["answers"]]
        shown["choices"] = sorted({pair["right"] for pair in data["answers"]}, key=str.casefold)
    return shown


@router.get("/attempts/{attempt_id}", response={200: AttemptOut, 404: ErrorOut})
def read_attempt(request: AuthenticatedHttpRequest, attempt_id: int) -> AttemptOut:
    return _attempt_out(queries.get_attempt_for(_studying(request), attempt_id))


@router.post(
    "/practice/{practice_id}/attempts",
    response={201: dict[str, Any], 404: ErrorOut, 422: ErrorOut},
    openapi_extra=_schema_body(PracticeIn),
)
def submit_practice_attempt(request: AuthenticatedHttpRequest, practice_id: int) -> Status[Any]:
    """Grade work on a practice case against its expert key (a sandbox: no case is created)."""
    user = _studying(request)
    case = queries.get_practice_case_for(user, practice_id)
    data = _body(request, PracticeIn)
    if isinstance(data, ErrorOut):
        return Status(422, data)
    try:
        attempt = submit_practice(
            case,
            actor=user,
            lang=data.lang,
            answers=data.answers,
            referral_kinds=data.referral_kinds,
            legal_basis=data.legal_basis,
        )
    except AnswersError as error:
        problems = [
            ProblemOut(field=f"answers.{p.code}", message=p.message) for p in error.problems
        ]
        return Status(422, ErrorOut(detail="invalid input", errors=problems))
    except PracticeChoiceError as error:
        return Status(422, ErrorOut(detail=str(error)))
    return Status(201, {"id": attempt.pk, **attempt.report})


@router.get("/cohorts", response={200: list[CohortOut], 404: ErrorOut})
def list_cohorts(request: AuthenticatedHttpRequest) -> list[CohortOut]:
    user = request.user
    if not trainer_countries(user):
        raise Http404
    return [
        CohortOut(
            id=c.pk,
            name=c.name,
            country=c.country_id,
            course=c.course.code,
            members=c.member_count,  # type: ignore[attr-defined]  # annotated by the query
        )
        for c in queries.cohorts_visible_to(user)
    ]


@router.get(
    "/cohorts/{cohort_id}/progress", response={200: list[TraineeProgressOut], 404: ErrorOut}
)
def cohort_progress_out(
    request: AuthenticatedHttpRequest, cohort_id: int
) -> list[TraineeProgressOut]:
    cohort = queries.get_cohort_for(request.user, cohort_id)
    return [
        TraineeProgressOut(
            trainee=row.trainee.username,
            passed=row.passed,
            total=row.total,
            behind=[m.module.code for m in row.behind],
            overdue=[m.module.code for m in row.overdue],
        )
        for row in cohort_progress(cohort)
    ]


@router.get("/xapi/statements", response={200: list[dict[str, Any]], 404: ErrorOut})
def xapi_statements(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """xAPI 1.0.3 statements: a trainer's country's trainees, or the trainee's own."""
    user = _studying(request)
    countries = trainer_countries(user)
    trainees = queries.trainees_of(countries) if countries else User.objects.filter(pk=user.pk)
    return statements_for(trainees)
