"""Retention of training records: after the rules' period, what a trainee wrote in a graded
quiz is erased (the score and pass stay for progress and certificates) and practice attempts
are erased whole, each with a tombstone and an audit event; recent and pending attempts stay.
Every person here is synthetic."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from amparo.accounts.models import User
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent, RetentionTombstone
from amparo.training.models import AttemptAnswer, Certificate, Course, PracticeAttempt, QuizAttempt
from tests.training_programme.factories import attempt, certify, practise

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=3 * 365)


def _age(model: type[QuizAttempt] | type[PracticeAttempt], pk: int) -> None:
    model.objects.filter(pk=pk).update(submitted_at=LONG_AGO)


def _apply(*args: str) -> str:
    out = StringIO()
    call_command("retention", "apply", *args, stdout=out)
    return out.getvalue()


def test_old_quiz_answers_are_erased_and_the_score_stays(course: Course, mx_trainee: User) -> None:
    old = attempt(mx_trainee, "identification")
    recent = attempt(mx_trainee, "identification", right=False)
    _age(QuizAttempt, old.pk)

    listing = _apply("--dry-run")
    assert f"erase quiz-attempt quiz attempt #{old.pk} (rule quiz-answers" in listing
    assert f"#{recent.pk} " not in listing
    assert AttemptAnswer.objects.filter(attempt=old, response__isnull=True).count() == 0

    _apply()
    old.refresh_from_db()
    assert (old.score, old.passed) == (100.0, True)
    erased = AttemptAnswer.objects.filter(attempt=old)
    assert [(a.response, a.comment, a.feedback) for a in erased] == [(None, "", [])] * 2
    assert all(a.response is not None for a in AttemptAnswer.objects.filter(attempt=recent))
    tombstone = RetentionTombstone.objects.get(kind="quiz-attempt", record_id=str(old.pk))
    assert tombstone.aggregates == {
        "module": old.module_id,
        "year": LONG_AGO.year,
        "answers": 2,
    }
    assert AuditEvent.objects.filter(
        action=AuditAction.RETENTION_APPLIED, payload__tombstone=tombstone.pk
    ).exists()
    assert "0 record(s) due" in _apply("--dry-run"), "applied once, never listed again"


def test_a_certificate_and_the_progress_are_kept_after_the_answers_are_erased(
    course: Course, mx_trainee: User, trainer: User
) -> None:
    certificate = certify(trainer, mx_trainee)
    QuizAttempt.objects.filter(trainee=mx_trainee).update(submitted_at=LONG_AGO)
    _apply()
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert set(QuizAttempt.objects.filter(trainee=mx_trainee).values_list("passed", flat=True)) == {
        True
    }
    assert not AttemptAnswer.objects.filter(attempt__trainee=mx_trainee).exclude(
        response__isnull=True
    )


def test_an_attempt_waiting_for_its_essays_is_not_erased(course: Course, mx_trainee: User) -> None:
    pending = attempt(mx_trainee, "referral")
    assert pending.status == "pending"
    _age(QuizAttempt, pending.pk)
    assert f"#{pending.pk} " not in _apply("--dry-run")


def test_old_practice_attempts_are_erased_whole(course: Course, mx_trainee: User) -> None:
    old, recent = practise(mx_trainee), practise(mx_trainee)
    _age(PracticeAttempt, old.pk)
    _apply()
    assert list(PracticeAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    tombstone = RetentionTombstone.objects.get(kind="practice-attempt", record_id=str(old.pk))
    assert tombstone.aggregates == {"practice_case": "pc-test-boy", "year": LONG_AGO.year}


def test_a_training_rule_with_an_unknown_outcome_is_refused_naming_the_key(
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        'version: "1"\nrules:\n  - {id: t, kind: training, outcome: essays, after_months: 3,'
        " action: erase}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"rules\[0\]\.outcome.*unknown outcome 'essays'"):
        _apply("--rules", str(rules))
