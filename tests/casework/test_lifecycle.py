import datetime as dt

import pytest

from amparo.accounts.models import User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.casework.domain.lifecycle import (
    decide_approval,
    reopen_case,
    request_closure,
    transition_case,
)
from amparo.casework.enums import ApprovalDecision
from amparo.casework.errors import ConsentRequired, TransitionNotAllowed
from amparo.casework.models import CaseNote
from amparo.lib.conflicts import EditConflict
from amparo.people.models import Case
from amparo.protection.models import AuditEvent


def _consent(case: Case, actor: User) -> None:
    record_consent(
        case,
        ConsentInput(purpose="assistance", method="verbal_certified", given_on=dt.date(2026, 1, 5)),
        actor=actor,
    )


def test_registering_needs_consent_or_a_legal_basis(mx_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(ConsentRequired):
        transition_case(
            mx_case, actor=mx_caseworker, to="registered", expected_version=mx_case.version
        )
    assert Case.objects.get(pk=mx_case.pk).status == "identified"


def test_a_legal_basis_with_justification_allows_registration(
    mx_caseworker: User, mx_case: Case
) -> None:
    record_consent(
        mx_case,
        ConsentInput(
            purpose="assistance",
            legal_basis="vital_interest",
            justification="Unconscious on arrival.",
        ),
        actor=mx_caseworker,
    )
    transition_case(mx_case, actor=mx_caseworker, to="registered", expected_version=mx_case.version)
    assert mx_case.status == "registered"


def test_each_transition_is_audited_with_from_and_to(mx_caseworker: User, mx_case: Case) -> None:
    _consent(mx_case, mx_caseworker)
    transition_case(mx_case, actor=mx_caseworker, to="registered", expected_version=mx_case.version)
    transition_case(
        mx_case, actor=mx_caseworker, to="immediate_needs", expected_version=mx_case.version
    )
    events = AuditEvent.objects.filter(action="case.transitioned").order_by("id")
    assert [e.payload for e in events] == [
        {"from": "identified", "to": "registered"},
        {"from": "registered", "to": "immediate_needs"},
    ]


def test_a_step_that_skips_stages_is_refused(mx_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(TransitionNotAllowed, match="cannot go from"):
        transition_case(
            mx_case, actor=mx_caseworker, to="in_progress", expected_version=mx_case.version
        )


def test_marking_assessed_needs_an_assessment(mx_caseworker: User, mx_case: Case) -> None:
    _consent(mx_case, mx_caseworker)
    transition_case(mx_case, actor=mx_caseworker, to="registered", expected_version=mx_case.version)
    with pytest.raises(TransitionNotAllowed, match="assessment"):
        transition_case(
            mx_case, actor=mx_caseworker, to="assessed", expected_version=mx_case.version
        )


def test_a_stale_version_raises_a_conflict_and_changes_nothing(
    mx_caseworker: User, mx_case: Case
) -> None:
    _consent(mx_case, mx_caseworker)
    stale = mx_case.version
    Case.objects.filter(pk=mx_case.pk).update(version=stale + 1)
    with pytest.raises(EditConflict) as conflict:
        transition_case(mx_case, actor=mx_caseworker, to="registered", expected_version=stale)
    assert conflict.value.current_version == stale + 1
    assert Case.objects.get(pk=mx_case.pk).status == "identified"


def test_closing_by_a_case_manager_waits_for_the_supervisor(
    mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    approval = request_closure(
        mx_case, actor=mx_caseworker, reason="objectives_met", expected_version=mx_case.version
    )
    assert approval.decision == ApprovalDecision.PENDING
    assert Case.objects.get(pk=mx_case.pk).status == "identified"
    with pytest.raises(TransitionNotAllowed):
        decide_approval(
            approval, actor=mx_caseworker, approve=True, expected_version=mx_case.version
        )
    decide_approval(approval, actor=mx_supervisor, approve=True, expected_version=mx_case.version)
    case = Case.objects.get(pk=mx_case.pk)
    assert (case.status, case.closure_reason) == ("closed", "objectives_met")


def test_a_rejected_closure_leaves_the_case_open(
    mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    approval = request_closure(
        mx_case, actor=mx_caseworker, reason="moved_away", expected_version=mx_case.version
    )
    decide_approval(
        approval,
        actor=mx_supervisor,
        approve=False,
        expected_version=mx_case.version,
        comment="Not yet",
    )
    assert Case.objects.get(pk=mx_case.pk).status == "identified"
    approval.refresh_from_db()
    assert (approval.decision, approval.comment) == ("rejected", "Not yet")


def test_a_supervisor_closes_at_once(mx_supervisor: User, mx_case: Case) -> None:
    request_closure(
        mx_case, actor=mx_supervisor, reason="deceased", expected_version=mx_case.version
    )
    assert Case.objects.get(pk=mx_case.pk).status == "closed"


def test_closing_needs_a_known_reason(mx_supervisor: User, mx_case: Case) -> None:
    with pytest.raises(TransitionNotAllowed):
        request_closure(
            mx_case, actor=mx_supervisor, reason="bored", expected_version=mx_case.version
        )


def test_reopening_needs_a_reason_and_returns_to_registered(
    mx_supervisor: User, mx_case: Case
) -> None:
    request_closure(
        mx_case, actor=mx_supervisor, reason="moved_away", expected_version=mx_case.version
    )
    mx_case.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        reopen_case(mx_case, actor=mx_supervisor, reason="  ", expected_version=mx_case.version)
    reopen_case(
        mx_case,
        actor=mx_supervisor,
        reason="She came back to the shelter.",
        expected_version=mx_case.version,
    )
    case = Case.objects.get(pk=mx_case.pk)
    assert (case.status, case.closure_reason, case.closed_at) == ("registered", "", None)
    assert CaseNote.objects.get(case=case).text == "She came back to the shelter."
    assert AuditEvent.objects.filter(action="case.reopened").get().payload == {"reason_given": True}
