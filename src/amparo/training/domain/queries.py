"""Named reads of the training programme and its access gates.

Every gate answers `Http404` for what lies outside the user's reach, so it never reveals that
a record exists: a trainer reaches the cohorts, trainees and work of their own country; a
trainee reaches their own work; content is open to trainers and trainees; nobody else reaches
anything. Public verification of a certificate by its code is the one exception.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.training.enums import QuestionType
from amparo.training.models import (
    AttemptAnswer,
    Certificate,
    Cohort,
    CohortMember,
    Course,
    Lesson,
    Module,
    PracticeAttempt,
    PracticeCase,
    QuizAttempt,
    TrainingSession,
)
from amparo.training.rules import may_study, trainer_countries


def trainees_of(countries: set[str]) -> QuerySet[User]:
    """Users holding an active trainee role at an agency of one of the countries."""
    return User.objects.filter(
        memberships__role=Role.TRAINEE,
        memberships__active=True,
        memberships__agency__country_id__in=countries,
    ).distinct()


def _may_reach_trainee(user: User, trainee_id: int) -> bool:
    if user.pk == trainee_id:
        return True
    countries = trainer_countries(user)
    if not countries:
        return False
    return trainees_of(countries).filter(pk=trainee_id).exists()


# --- Content --------------------------------------------------------------------------------


def courses_for(user: User) -> QuerySet[Course]:
    """The current courses, and older versions the user's cohorts still follow."""
    if not may_study(user):
        return Course.objects.none()
    followed = Q(cohorts__members__trainee=user) | Q(
        cohorts__country_id__in=trainer_countries(user)
    )
    return Course.objects.filter(Q(current=True) | followed).distinct().order_by("code", "-version")


def get_course_for(user: User, course_id: int) -> Course:
    if not may_study(user):
        raise Http404
    modules = Module.objects.filter(retired=False).prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.filter(retired=False))
    )
    course = Course.objects.prefetch_related(Prefetch("modules", queryset=modules))
    found = course.filter(pk=course_id).first()
    if found is None:
        raise Http404
    return found


def get_module_for(user: User, module_id: int) -> Module:
    if not may_study(user):
        raise Http404
    module = Module.objects.select_related("course").filter(pk=module_id, retired=False).first()
    if module is None:
        raise Http404
    return module


def get_lesson_for(user: User, lesson_id: int) -> Lesson:
    if not may_study(user):
        raise Http404
    lesson = Lesson.objects.select_related("module__course").filter(pk=lesson_id).first()
    if lesson is None or lesson.retired:
        raise Http404
    return lesson


def practice_cases_for(user: User) -> QuerySet[PracticeCase]:
    if not may_study(user):
        return PracticeCase.objects.none()
    return PracticeCase.objects.filter(current=True).order_by("code")


def get_practice_case_for(user: User, practice_id: int) -> PracticeCase:
    found = practice_cases_for(user).filter(pk=practice_id).first()
    if found is None:
        raise Http404
    return found


# --- Work -----------------------------------------------------------------------------------


def quiz_attempts_of(user: User) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(trainee=user).select_related("module__course")


def get_attempt_for(user: User, attempt_id: int) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_related("module__course", "trainee")
        .prefetch_related("answers")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not _may_reach_trainee(user, attempt.trainee_id):
        raise Http404
    return attempt


def pending_essays_for(user: User) -> QuerySet[AttemptAnswer]:
    """Essays waiting for a grade, from the trainees of the trainer's countries."""
    countries = trainer_countries(user)
    if not countries:
        return AttemptAnswer.objects.none()
    return (
        AttemptAnswer.objects.filter(
            score__isnull=True,
            question__type=QuestionType.ESSAY,
            attempt__trainee__in=trainees_of(countries),
        )
        .select_related("attempt__trainee", "attempt__module__course")
        .order_by("attempt__submitted_at", "position")
    )


def get_essay_for_grading(user: User, answer_id: int) -> AttemptAnswer:
    answer = pending_essays_for(user).filter(pk=answer_id).first()
    if answer is None:
        raise Http404
    return answer


def practice_attempts_of(user: User) -> QuerySet[PracticeAttempt]:
    return PracticeAttempt.objects.filter(trainee=user).select_related("case")


def get_practice_attempt_for(user: User, attempt_id: int) -> PracticeAttempt:
    attempt = (
        PracticeAttempt.objects.select_related("case", "trainee").filter(pk=attempt_id).first()
    )
    if attempt is None or not _may_reach_trainee(user, attempt.trainee_id):
        raise Http404
    return attempt


def get_trainee_for(user: User, trainee_id: int) -> User:
    """The trainee themselves, or a trainee of the trainer's country."""
    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None or not _may_reach_trainee(user, trainee.pk):
        raise Http404
    if trainee.pk == user.pk and not may_study(user):
        raise Http404
    return trainee


# --- Programme ------------------------------------------------------------------------------


def cohorts_visible_to(user: User) -> QuerySet[Cohort]:
    """The cohorts of the trainer's countries, with their member counts."""
    return (
        Cohort.objects.filter(country_id__in=trainer_countries(user))
        .select_related("country", "course")
        .annotate(member_count=Count("members"))
        .order_by("country_id", "name")
    )


def get_cohort_for(user: User, cohort_id: int) -> Cohort:
    members = CohortMember.objects.select_related("trainee", "agency")
    cohort = (
        Cohort.objects.filter(pk=cohort_id, country_id__in=trainer_countries(user))
        .select_related("country", "course")
        .prefetch_related(Prefetch("members", queryset=members))
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def sessions_visible_to(user: User) -> QuerySet[TrainingSession]:
    """Sessions a trainer's country is invited to, or that hold one of the trainee's cohorts."""
    countries = trainer_countries(user)
    visible = Q(countries__code__in=countries) | Q(cohorts__members__trainee=user)
    ids = TrainingSession.objects.filter(visible).values("pk")
    return (
        TrainingSession.objects.filter(pk__in=ids)
        .select_related("module__course", "host_country")
        .prefetch_related("countries")
        .order_by("starts_at", "pk")
    )


def get_session_for(user: User, session_id: int) -> TrainingSession:
    session = sessions_visible_to(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def certificates_of(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(trainee=user).select_related("course")


def get_certificate_for(user: User, certificate_id: int) -> Certificate:
    certificate = Certificate.objects.select_related("course").filter(pk=certificate_id).first()
    if certificate is None or not _may_reach_trainee(user, certificate.trainee_id):
        raise Http404
    return certificate


def certificate_by_code(code: str) -> Certificate:
    """Public verification: the certificate with this code, or 404."""
    certificate = Certificate.objects.select_related("course").filter(code=code).first()
    if certificate is None:
        raise Http404
    return certificate
