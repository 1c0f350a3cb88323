"""Builders of training data for the tests. Every person here is synthetic."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, Country, User
from amparo.training.domain.certificates import issue_certificate_if_complete
from amparo.training.domain.content import load_content
from amparo.training.domain.practice import submit_practice
from amparo.training.domain.programme import (
    add_cohort_member,
    create_cohort,
    record_attendance,
    schedule_session,
)
from amparo.training.domain.quizzes import submit_quiz
from amparo.training.enums import SessionKind
from amparo.training.models import (
    Certificate,
    Cohort,
    Course,
    Module,
    PracticeAttempt,
    PracticeCase,
    QuizAttempt,
    TrainingSession,
)

CONTENT = Path(__file__).parent / "data" / "content"
PASSWORD = "synthetic-test-password-1"

# A full-marks answer to each fixture quiz, by module code (question position to response).
RIGHT: dict[str, dict[int, Any]] = {
    "identification": {1: 0, 2: True},
    "referral": {1: [0, 1], 2: "I explain and ask."},
}
WRONG: dict[str, dict[int, Any]] = {"identification": {1: 1, 2: False}, "referral": {1: [2], 2: ""}}


def load_fixture_content() -> Course:
    load_content(CONTENT)
    return Course.objects.get(code="test-course")


def module(code: str) -> Module:
    return Module.objects.get(code=code, course__code="test-course")


def person(username: str, agency_code: str, role: Role, name: str = "") -> User:
    first, _, last = name.partition(" ")
    return create_staff_user(
        username,
        password=PASSWORD,
        memberships=[(Agency.objects.get(code=agency_code), role)],
        first_name=first,
        last_name=last,
    )


def trainee(username: str, agency_code: str = "mx-inm", name: str = "") -> User:
    return person(username, agency_code, Role.TRAINEE, name)


def cohort_with(
    trainer: User, members: list[User], *, country: str = "MX", name: str = ""
) -> Cohort:
    course = Course.objects.get(code="test-course")
    cohort = create_cohort(
        actor=trainer,
        country=Country.objects.get(code=country),
        course=course,
        name=name or f"Cohorte {country} 2026",
    )
    for member in members:
        add_cohort_member(cohort, actor=trainer, trainee=member)
    return cohort


def attempt(user: User, code: str, *, right: bool = True) -> QuizAttempt:
    answers = (RIGHT if right else WRONG)[code]
    return submit_quiz(module(code), actor=user, lang="es", responses=answers)


def practise(user: User) -> PracticeAttempt:
    case = PracticeCase.objects.get(code="pc-test-boy")
    return submit_practice(
        case,
        actor=user,
        lang="en",
        answers={"age_years": 15, "travelling_alone": True, "country_of_identification": "MX"},
        referral_kinds=["child_protection", "police"],
        legal_basis="consent",
    )


def session_for(
    trainer: User,
    cohort: Cohort,
    *,
    kind: str = SessionKind.GROUP_ACTIVITY,
    days: int = 1,
    module_code: str | None = None,
) -> TrainingSession:
    start = timezone.now() + dt.timedelta(days=days)
    return schedule_session(
        actor=trainer,
        title=f"Sesión {cohort.name}",
        kind=kind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host_country=cohort.country,
        cohorts=[cohort],
        module=module(module_code) if module_code else None,
    )


def certify(trainer: User, user: User) -> Certificate:
    """Pass every module of the fixture course (the essay graded by the trainer)."""
    from amparo.training.domain.quizzes import grade_essay

    attempt(user, "identification")
    referral = attempt(user, "referral")
    essay = referral.answers.get(position=2)
    grade_essay(essay, actor=trainer, percent=100, comment="Bien.")
    found = issue_certificate_if_complete(user, module("referral").course, actor=trainer)
    assert found is not None
    return found


def mexican_training_ids(mx_trainer_username: str = "tomas.mx.trainer") -> dict[str, str]:
    """Mexican training objects for the outsider walk, by URL parameter name."""
    course = load_fixture_content()
    trainer = person(mx_trainer_username, "mx-oim", Role.TRAINER)
    learner = trainee("lucia.mx.trainee", name="Luciafake Trainsynth")
    cohort = cohort_with(trainer, [learner], name="Cohorte Quetzalsynth")
    session = session_for(trainer, cohort)
    record_attendance(session, actor=trainer, statuses={learner.pk: "present"})
    certificate = certify(trainer, learner)
    pending = attempt(learner, "referral")
    return {
        "course_id": str(course.pk),
        "lesson_id": str(module("identification").lessons.first().pk),  # type: ignore[union-attr]
        "module_id": str(module("identification").pk),
        "attempt_id": str(pending.pk),
        "answer_id": str(pending.answers.get(position=2).pk),
        "practice_id": str(PracticeCase.objects.get().pk),
        "practice_attempt_id": str(practise(learner).pk),
        "cohort_id": str(cohort.pk),
        "session_id": str(session.pk),
        "trainee_id": str(learner.pk),
        "certificate_id": str(certificate.pk),
        # The verification page is public by design: whoever holds a certificate's code sees
        # its name, course and date. The outsider holds no code, so the walk uses one that
        # was never issued.
        "code": "never-issued-" + certificate.code[::-1],
    }
