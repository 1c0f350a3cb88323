"""Certificates: issued when every module of a course is passed, verified by their code."""

import secrets

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.training.enums import TrainingAuditAction
from amparo.training.models import Certificate, Course, QuizAttempt


def new_code() -> str:
    """An unguessable verification code (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def modules_passed(trainee: User, course: Course) -> set[int]:
    """Ids of the course's modules the trainee has passed."""
    rows = QuizAttempt.objects.filter(trainee=trainee, module__course=course, passed=True)
    return set(rows.values_list("module_id", flat=True))


def course_completed(trainee: User, course: Course) -> bool:
    required = set(course.modules.filter(retired=False).values_list("pk", flat=True))
    return bool(required) and required <= modules_passed(trainee, course)


def issue_certificate_if_complete(
    trainee: User, course: Course, *, actor: User
) -> Certificate | None:
    """Issue the course's certificate once every module is passed; None when not complete.

    Effects: when the course is complete and the trainee has no certificate for it yet,
    creates one with a fresh verification code and the trainee's name as it will be printed,
    and records `training.certificate_issued`. Idempotent: an existing certificate is returned.
    """
    with transaction.atomic():
        existing = Certificate.objects.filter(trainee=trainee, course=course).first()
        if existing is not None:
            return existing
        if not course_completed(trainee, course):
            return None
        certificate = Certificate.objects.create(
            trainee=trainee,
            course=course,
            code=new_code(),
            name=trainee.get_full_name() or trainee.username,
            issued_at=timezone.now(),
        )
        record_event(
            TrainingAuditAction.CERTIFICATE_ISSUED,
            actor=actor,
            subject=certificate,
            payload={"course": course.code, "version": course.version},
        )
    return certificate
