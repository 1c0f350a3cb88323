"""Walk a synthetic case through the real lifecycle up to a target stage.

Everything goes through the domain functions a caseworker would use (consent, assessment,
plan, approvals), so the demo data obeys the same rules and leaves the same audit trail.
"""

import datetime as dt
import random

from django.utils import timezone

from amparo.accounts.models import User
from amparo.assessment.catalogue import current_catalogue
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.casework.domain.lifecycle import decide_approval, request_closure, transition_case
from amparo.casework.domain.plans import ActionInput, GoalInput, agree_plan, save_plan
from amparo.casework.domain.tasks import create_task
from amparo.casework.enums import ApprovalDecision, ClosureReason
from amparo.casework.models import Approval
from amparo.people.enums import CaseStatus as S
from amparo.people.models import Case
from amparo.referrals.domain.referrals import (
    accept_referral,
    acknowledge_referral,
    complete_referral,
    decline_referral,
    draft_referral,
    send_referral,
)
from amparo.referrals.models import Service

ORDER: list[str] = [
    S.IDENTIFIED,
    S.REGISTERED,
    S.IMMEDIATE_NEEDS,
    S.ASSESSED,
    S.PLAN_AGREED,
    S.IN_PROGRESS,
    S.MONITORING,
    S.CLOSED,
]
_GOALS = [
    ("Safe accommodation for the coming weeks", "Place in a shelter with a free bed"),
    ("Apply for international protection", "Accompany the person to the refugee commission"),
    ("Medical follow-up", "Appointment at the health centre"),
    ("Restore contact with family", "Ask the Red Cross for family tracing"),
]


def _reached(target: str, stage: str) -> bool:
    return ORDER.index(target) >= ORDER.index(stage)


def _step(case: Case, actor: User, to: str) -> None:
    transition_case(case, actor=actor, to=to, expected_version=case.version)


def _consent(case: Case, actor: User, rng: random.Random) -> None:
    if rng.random() < 0.1:
        data = ConsentInput(
            purpose="assistance",
            legal_basis="vital_interest",
            justification="Synthetic: unconscious on arrival.",
        )
    else:
        data = ConsentInput(
            purpose="assistance",
            method=rng.choice(["written", "verbal_certified", "audio"]),
            language=rng.choice(["es", "es", "fr", "ht", "en"]),
        )
    record_consent(case, data, actor=actor)
    if rng.random() < 0.5:
        record_consent(
            case, ConsentInput(purpose="statistics", method="verbal_certified"), actor=actor
        )


def _assess(case: Case, actor: User, rng: random.Random, concern: str) -> None:
    factors = list(current_catalogue().factors.values())
    chosen = rng.sample(factors, k=min(8, len(factors)))
    findings = [
        FindingInput(
            factor_code=f.code,
            mark=rng.choice(["risk", "protective", "not_present", "unknown"])
            if not f.immediate_danger
            else rng.choice(["not_present", "not_present", "risk"]),
            evidence="Synthetic evidence for demonstration.",
            source=rng.choice(["self_report", "observation", "document"]),
        )
        for f in chosen
    ]
    record_assessment(
        case,
        actor=actor,
        kind="individual",
        findings=findings,
        concern_level=concern,
        justification="Synthetic: professional judgement recorded for the demo.",
    )


def _plan(case: Case, actor: User, rng: random.Random, approver: User | None) -> None:
    goal, action = rng.choice(_GOALS)
    due = timezone.localdate() + dt.timedelta(days=rng.randint(3, 40))
    save_plan(
        case,
        actor=actor,
        summary="",
        goals=[GoalInput(goal, actions=[ActionInput(action, due_on=due)])],
        expected_version=1,
    )
    plan = agree_plan(case, actor=actor)
    if plan.status != "agreed" and approver is not None:
        pending = Approval.objects.get(case=case, kind="plan", decision=ApprovalDecision.PENDING)
        case.refresh_from_db()
        decide_approval(pending, actor=approver, approve=True, expected_version=case.version)


def _refer(case: Case, actor: User, rng: random.Random, receiver: User) -> None:
    """Refer to the institution where the demo's receiving officer works, with consent."""
    agency = receiver.memberships.all()[0].agency
    record_consent(
        case, ConsentInput(purpose="sharing", method="written", recipient=agency), actor=actor
    )
    service = Service.objects.filter(organization__agency=agency).first()
    urgency = rng.choice(["emergency", "urgent", "normal", "normal"])
    referral = draft_referral(
        case, actor=actor, receiving_agency=agency, kind="asylum", urgency=urgency, service=service
    )
    send_referral(referral, actor=actor)
    step = rng.random()
    if step < 0.25:
        return  # waiting in the inbox
    acknowledge_referral(referral, actor=receiver)
    if step < 0.5:
        return
    if step < 0.6:
        decline_referral(referral, actor=receiver, reason="Synthetic: outside our mandate.")
        return
    accept_referral(referral, actor=receiver)
    if step > 0.8:
        complete_referral(referral, actor=receiver, outcome="Synthetic: claim registered.")


def advance_case(
    case: Case,
    *,
    actor: User,
    target: str,
    rng: random.Random,
    approver: User | None,
    receiver: User | None = None,
) -> None:
    """Move a fresh case (stage `identified`) to `target`, the way a caseworker would."""
    if not _reached(target, S.REGISTERED):
        return
    _consent(case, actor, rng)
    _step(case, actor, S.REGISTERED)
    if _reached(target, S.IMMEDIATE_NEEDS):
        _step(case, actor, S.IMMEDIATE_NEEDS)
        if rng.random() < 0.4:
            create_task(
                case,
                actor=actor,
                title="Check that the person has a safe place to sleep tonight",
                priority="high",
            )
    if not _reached(target, S.ASSESSED):
        return
    concern = (
        rng.choice(["low", "medium", "medium", "high"])
        if approver
        else rng.choice(["low", "medium"])
    )
    _assess(case, actor, rng, concern)
    _step(case, actor, S.ASSESSED)
    for stage in [S.PLAN_AGREED, S.IN_PROGRESS, S.MONITORING]:
        if not _reached(target, stage):
            return
        if stage == S.PLAN_AGREED:
            _plan(case, actor, rng, approver)
            case.refresh_from_db()
        _step(case, actor, stage)
    if receiver is not None and _reached(target, S.PLAN_AGREED):
        _refer(case, actor, rng, receiver)
    if target == S.MONITORING and rng.random() < 0.4:
        # Left waiting, so that supervisors find requests in their approvals page.
        request_closure(
            case, actor=actor, reason=ClosureReason.OBJECTIVES_MET, expected_version=case.version
        )
    if target == S.CLOSED:
        reason = rng.choice(ClosureReason.values)
        approval = request_closure(case, actor=actor, reason=reason, expected_version=case.version)
        if approver is not None and approval.decision == ApprovalDecision.PENDING:
            case.refresh_from_db()
            decide_approval(approval, actor=approver, approve=True, expected_version=case.version)
