"""Practice attempts: a trainee works a fictional case in a sandbox.

Nothing here touches the case registry: the trainee's answers are evaluated in memory by the
screening engine and kept only in the attempt, with the grading report.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.screening.protocol import Protocol, load_protocol, validate_answers
from amparo.training.enums import PRACTICE_PROTOCOL, TrainingAuditAction
from amparo.training.models import PracticeAttempt, PracticeCase
from amparo.training.practice import grade_practice


def practice_protocol() -> Protocol:
    return load_protocol(PRACTICE_PROTOCOL)


def submit_practice(
    case: PracticeCase,
    *,
    actor: User,
    lang: str,
    answers: Mapping[str, Any],
    referral_kinds: Sequence[str],
    legal_basis: str,
) -> PracticeAttempt:
    """Grade the trainee's work on a practice case and keep it with its report.

    Raises `AnswersError` (answers the protocol refuses) or `PracticeChoiceError` (an unknown
    referral kind or legal basis) before saving anything. Effects: creates the PracticeAttempt
    (answers, choices, report, score); records `training.practice_submitted`. Creates no
    Person, Case or Screening.
    """
    protocol = practice_protocol()
    report = grade_practice(
        protocol,
        case.expert_key,
        case.teaching_points,
        answers=answers,
        referral_kinds=referral_kinds,
        legal_basis=legal_basis,
        lang=lang,
    )
    cleaned = validate_answers(protocol, answers)
    with transaction.atomic():
        attempt = PracticeAttempt.objects.create(
            trainee=actor,
            case=case,
            lang=lang,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            answers={code: list(v) if isinstance(v, tuple) else v for code, v in cleaned.items()},
            referral_kinds=list(dict.fromkeys(referral_kinds)),
            legal_basis=legal_basis,
            report=report,
            score=report["score"],
            submitted_at=timezone.now(),
        )
        record_event(
            TrainingAuditAction.PRACTICE_SUBMITTED,
            actor=actor,
            subject=attempt,
            payload={"case": case.code, "score": str(report["score"])},
        )
    return attempt
