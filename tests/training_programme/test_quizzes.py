"""Quiz attempts: recorded with their answers and score, essays pending until graded, the pass
mark per module, and the certificate once every module is passed."""

import pytest
from django.utils.translation import override

from amparo.accounts.models import User
from amparo.protection.models import AuditEvent
from amparo.training.domain.quizzes import (
    QuizError,
    ResponsesError,
    complete_lesson,
    grade_essay,
    submit_quiz,
)
from amparo.training.models import Certificate, Course, LessonCompletion, QuizAttempt
from tests.training_programme.factories import attempt, module


def test_an_attempt_is_recorded_with_each_answer_its_score_and_feedback(
    course: Course, mx_trainee: User
) -> None:
    found = attempt(mx_trainee, "identification")
    answers = list(found.answers.values_list("position", "response", "score", "feedback"))
    assert (found.status, found.score, found.passed, found.lang) == ("graded", 100.0, True, "es")
    assert answers == [
        (1, 0, 1.0, [{"text": "Correcto: el resultado es preliminar.", "format": "moodle"}]),
        (2, True, 1.0, [{"text": "Correcto.", "format": "moodle"}]),
    ]


def test_below_the_pass_mark_the_attempt_is_recorded_as_not_passed(
    course: Course, mx_trainee: User
) -> None:
    found = submit_quiz(module("identification"), actor=mx_trainee, lang="es", responses={1: 0})
    assert (found.score, found.passed, module("identification").pass_mark) == (50.0, False, 70)


def test_the_questions_follow_the_language_asked(course: Course, mx_trainee: User) -> None:
    found = submit_quiz(module("identification"), actor=mx_trainee, lang="fr", responses={1: 1})
    assert (found.lang, found.answers.get(position=1).feedback) == (
        "fr",
        [{"text": "Non : le système ne fait que suggérer.", "format": "moodle"}],
    )


def test_an_essay_keeps_the_attempt_pending_until_a_trainer_grades_it(
    course: Course, mx_trainee: User, trainer: User
) -> None:
    found = attempt(mx_trainee, "referral")
    pending = (found.status, found.score, found.passed)
    essay = found.answers.get(position=2)
    grade_essay(essay, actor=trainer, percent=60, comment="Falta explicar el derecho a negarse.")
    found.refresh_from_db()
    essay.refresh_from_db()
    assert pending == ("pending", None, None)
    assert (found.status, found.score, found.passed) == ("graded", 80.0, True)
    assert (essay.score, essay.comment, essay.graded_by) == (
        0.6,
        "Falta explicar el derecho a negarse.",
        trainer,
    )


def test_an_essay_is_graded_only_once(course: Course, mx_trainee: User, trainer: User) -> None:
    essay = attempt(mx_trainee, "referral").answers.get(position=2)
    grade_essay(essay, actor=trainer, percent=60, comment="")
    with pytest.raises(QuizError):
        grade_essay(essay, actor=trainer, percent=90, comment="")


def test_nobody_grades_their_own_essay(course: Course, trainer: User) -> None:
    essay = attempt(trainer, "referral").answers.get(position=2)
    with pytest.raises(QuizError):
        grade_essay(essay, actor=trainer, percent=100, comment="")


def test_responses_that_do_not_fit_are_refused_naming_each_and_nothing_is_saved(
    course: Course, mx_trainee: User
) -> None:
    with override("en"), pytest.raises(ResponsesError) as caught:
        submit_quiz(
            module("identification"), actor=mx_trainee, lang="es", responses={1: 9, 2: "maybe"}
        )
    assert caught.value.problems == {
        1: "must be the number of an answer, from 0 to 1",
        2: "must be true or false",
    }
    assert QuizAttempt.objects.count() == 0


def test_passing_every_module_issues_the_certificate_once(
    course: Course, mx_trainee: User, trainer: User
) -> None:
    attempt(mx_trainee, "identification")
    before = Certificate.objects.count()
    essay = attempt(mx_trainee, "referral").answers.get(position=2)
    grade_essay(essay, actor=trainer, percent=100, comment="")
    attempt(mx_trainee, "identification")
    certificate = Certificate.objects.get()
    assert (before, certificate.trainee, certificate.name, len(certificate.code)) == (
        0,
        mx_trainee,
        "Lucía Trainsynth",
        22,
    )


def test_submitting_is_audited_with_codes_only(course: Course, mx_trainee: User) -> None:
    found = attempt(mx_trainee, "identification")
    event = AuditEvent.objects.filter(action="training.quiz_submitted").get()
    assert (event.subject_id, event.payload) == (
        str(found.pk),
        {"module": "identification", "status": "graded", "passed": True},
    )


def test_a_lesson_is_marked_read_once(course: Course, mx_trainee: User) -> None:
    lesson = module("referral").lessons.get()
    first = complete_lesson(lesson, actor=mx_trainee)
    second = complete_lesson(lesson, actor=mx_trainee)
    assert (first.pk, LessonCompletion.objects.count()) == (second.pk, 1)
