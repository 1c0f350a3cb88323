"""Quizzes: submitting an attempt, grading essays, lessons read."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.training.domain.certificates import issue_certificate_if_complete
from amparo.training.domain.questions import bank
from amparo.training.enums import AttemptStatus, QuestionType, TrainingAuditAction
from amparo.training.grading import ResponseError, attempt_percent, clean_response, grade
from amparo.training.models import (
    AttemptAnswer,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    QuizAttempt,
)


class QuizError(ValueError):
    """A quiz action that cannot be done (no questions, an essay already graded...)."""


class ResponsesError(ValueError):
    """Responses that do not fit their questions: `problems` maps position to the problem."""

    def __init__(self, problems: dict[int, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"question {pos}: {msg}" for pos, msg in problems.items()))


def quiz_questions(module: Module, lang: str) -> QuerySet[Question]:
    """The module's questions in `lang`, or in Spanish when that bank is empty."""
    questions = bank(module, lang)
    return questions if questions.exists() else bank(module, "es")


def submit_quiz(
    module: Module, *, actor: User, lang: str, responses: Mapping[int, Any]
) -> QuizAttempt:
    """Grade the responses (question position to response) and record the attempt.

    Raises `ResponsesError` naming every response that does not fit its question, and
    `QuizError` when the module has no questions; nothing is saved then. Effects: creates the
    attempt and one answer per question (with a copy of the question); when no essay waits for
    a trainer, sets the score and whether it passed; a pass that completes the course issues
    its certificate; records `training.quiz_submitted`.
    """
    questions = list(quiz_questions(module, lang))
    if not questions:
        raise QuizError(_("This module has no questions yet."))
    cleaned, problems = {}, {}
    for question in questions:
        try:
            cleaned[question.position] = clean_response(
                question.data, responses.get(question.position)
            )
        except ResponseError as error:
            problems[question.position] = str(error)
    if problems:
        raise ResponsesError(problems)
    now = timezone.now()
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            trainee=actor,
            module=module,
            lang=questions[0].lang,
            status=AttemptStatus.PENDING,
            submitted_at=now,
        )
        AttemptAnswer.objects.bulk_create(
            _answer(attempt, question, cleaned[question.position]) for question in questions
        )
        _finish_if_graded(attempt, actor=actor)
        record_event(
            TrainingAuditAction.QUIZ_SUBMITTED,
            actor=actor,
            subject=attempt,
            payload={"module": module.code, "status": attempt.status, "passed": attempt.passed},
        )
    return attempt


def _answer(attempt: QuizAttempt, question: Question, response: object) -> AttemptAnswer:
    result = grade(question.data, response)
    return AttemptAnswer(
        attempt=attempt,
        position=question.position,
        question=question.data,
        response=response,
        score=result.score,
        feedback=list(result.feedback),
    )


def _finish_if_graded(attempt: QuizAttempt, *, actor: User) -> None:
    """Score the attempt once no answer waits; a pass may complete the course."""
    scores = list(attempt.answers.values_list("score", flat=True))
    graded = [score for score in scores if score is not None]
    if len(graded) < len(scores):
        return
    attempt.score = attempt_percent(graded)
    attempt.passed = attempt.score >= attempt.module.pass_mark
    attempt.status, attempt.graded_at = AttemptStatus.GRADED, timezone.now()
    attempt.save(update_fields=["score", "passed", "status", "graded_at"])
    if attempt.passed:
        issue_certificate_if_complete(attempt.trainee, attempt.module.course, actor=actor)


def grade_essay(answer: AttemptAnswer, *, actor: User, percent: int, comment: str) -> AttemptAnswer:
    """A trainer's grade (0-100) and comment on an essay that waits for one.

    Effects: saves the score and comment with who graded and when; when it was the attempt's
    last essay waiting, scores the attempt (and a pass that completes the course issues the
    certificate); records `training.essay_graded`. Refuses (`QuizError`) an answer that is
    not an essay, one already graded, and a trainer's own essay.
    """
    if not 0 <= percent <= 100:
        raise QuizError(_("The grade must be between 0 and 100."))
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update()
            .select_related("module__course", "trainee")
            .get(pk=answer.attempt_id)
        )
        answer = AttemptAnswer.objects.get(pk=answer.pk)
        if answer.question["type"] != QuestionType.ESSAY or answer.score is not None:
            raise QuizError(_("This answer is not an essay waiting for a grade."))
        if attempt.trainee_id == actor.pk:
            raise QuizError(_("Nobody grades their own essay."))
        answer.score, answer.comment = percent / 100, comment.strip()
        answer.graded_by, answer.graded_at = actor, timezone.now()
        answer.save(update_fields=["score", "comment", "graded_by", "graded_at"])
        _finish_if_graded(attempt, actor=actor)
        record_event(
            TrainingAuditAction.ESSAY_GRADED,
            actor=actor,
            subject=attempt,
            payload={"answer": answer.pk, "percent": percent, "attempt_status": attempt.status},
        )
    return answer


def complete_lesson(lesson: Lesson, *, actor: User) -> LessonCompletion:
    """Mark a lesson read by the trainee (once; reading it again changes nothing).

    Effect: creates the LessonCompletion the first time (a learning record, exported as xAPI).
    """
    completion, _created = LessonCompletion.objects.get_or_create(
        trainee=actor, lesson=lesson, defaults={"completed_at": timezone.now()}
    )
    return completion
