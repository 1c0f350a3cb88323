"""The referral lifecycle, its consent gate, minimum data and deadlines."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent, withdraw_consent
from amparo.casework.errors import ConsentRequired, TransitionNotAllowed
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.queries import get_referral_for, inbox_for, kpis_for_agency
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Referral, Service
from tests.conftest import PASSWORD


@pytest.fixture
def comar(reference: None) -> Agency:
    seed_directory_from_agencies()
    return Agency.objects.get(code="mx-comar")


@pytest.fixture
def comar_officer(comar: Agency) -> User:
    user = create_staff_user(
        "rita.comar", password=PASSWORD, memberships=[(comar, Role.RECEIVING_OFFICER)]
    )
    user.email = "rita.comar@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def draft(mx_case: Case, mx_caseworker: User, comar: Agency) -> Referral:
    service = Service.objects.get(organization__agency=comar)
    return flow.draft_referral(
        mx_case,
        actor=mx_caseworker,
        receiving_agency=comar,
        kind="asylum",
        urgency="urgent",
        service=service,
    )


def _consent_to(case: Case, actor: User, agency: Agency) -> None:
    record_consent(
        case, ConsentInput(purpose="sharing", method="written", recipient=agency), actor=actor
    )


def test_a_referral_cannot_be_sent_without_consent(draft: Referral, mx_caseworker: User) -> None:
    with pytest.raises(ConsentRequired):
        flow.send_referral(draft, actor=mx_caseworker)
    draft.refresh_from_db()
    assert (draft.status, draft.shared_data) == ("draft", None)


def test_consent_for_another_recipient_does_not_open_the_gate(
    draft: Referral, mx_caseworker: User, mx_case: Case
) -> None:
    _consent_to(mx_case, mx_caseworker, Agency.objects.get(code="mx-ceav"))
    with pytest.raises(ConsentRequired):
        flow.send_referral(draft, actor=mx_caseworker)


def test_a_recorded_legal_basis_opens_the_gate_and_the_referral_shows_it(
    draft: Referral, mx_caseworker: User, mx_case: Case
) -> None:
    consent = record_consent(
        mx_case,
        ConsentInput(
            purpose="referral",
            legal_basis="vital_interest",
            justification="Synthetic: unconscious, urgent care.",
        ),
        actor=mx_caseworker,
    )
    flow.send_referral(draft, actor=mx_caseworker)
    assert draft.basis == consent


def test_sending_shares_only_the_minimum_data_and_sets_the_deadline(
    draft: Referral,
    mx_caseworker: User,
    mx_case: Case,
    comar: Agency,
    comar_officer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        flow.send_referral(draft, actor=mx_caseworker, profiles=["international_protection"])
    assert set(draft.shared_data) == {
        "given_names", "first_surname", "second_surname", "sex", "birth_date", "nationalities",
        "languages",
        "phone", "documents", "profiles", "urgency", "case_reference",
    }  # fmt: skip
    assert draft.shared_data["profiles"] == ["international_protection"]
    assert (
        before + dt.timedelta(hours=24)
        <= draft.acknowledge_due_at
        <= timezone.now() + dt.timedelta(hours=24)
    )
    assert len(mail.outbox) == 1
    assert "Xiomarafake" not in mail.outbox[0].body
    assert mail.outbox[0].to == ["rita.comar@example.org"]


def test_a_health_referral_carries_fewer_fields(
    mx_case: Case, mx_caseworker: User, comar: Agency
) -> None:
    referral = flow.draft_referral(
        mx_case, actor=mx_caseworker, receiving_agency=comar, kind="health", urgency="emergency"
    )
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(referral, actor=mx_caseworker)
    assert set(referral.shared_data) == {
        "given_names",
        "first_surname",
        "sex",
        "birth_year",
        "languages",
        "urgency",
        "case_reference",
    }


def test_narratives_are_shared_only_when_added(draft: Referral) -> None:
    assert draft.narrative == ""


@override_settings(AMPARO_REFERRAL_ACK_HOURS={"emergency": 1, "urgent": 2, "normal": 3})
def test_deadlines_are_configurable(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    assert round((draft.acknowledge_due_at - draft.sent_at).total_seconds()) == 2 * 3600


def test_the_receiver_acknowledges_accepts_and_completes(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency, comar_officer: User
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    received = get_referral_for(comar_officer, draft.pk)
    flow.acknowledge_referral(received, actor=comar_officer)
    flow.accept_referral(received, actor=comar_officer)
    with pytest.raises(ValidationError):
        flow.complete_referral(received, actor=comar_officer, outcome=" ")
    flow.complete_referral(received, actor=comar_officer, outcome="Claim registered.")
    assert received.status == "completed"
    actions = list(
        AuditEvent.objects.filter(action="referral.transitioned").values_list("payload", flat=True)
    )
    assert [p["to"] for p in actions] == ["sent", "acknowledged", "accepted", "completed"]


def test_declining_needs_a_reason(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency, comar_officer: User
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    with pytest.raises(ValidationError):
        flow.decline_referral(draft, actor=comar_officer, reason="")
    flow.decline_referral(draft, actor=comar_officer, reason="Outside our mandate.")
    assert (draft.status, draft.decline_reason) == ("declined", "Outside our mandate.")


def test_a_skipped_step_is_refused(draft: Referral, comar_officer: User) -> None:
    with pytest.raises(TransitionNotAllowed):
        flow.accept_referral(draft, actor=comar_officer)


def test_withdrawing_consent_hides_the_shared_data(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency, comar_officer: User
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    assert flow.shared_data_visible(draft)
    withdraw_consent(draft.basis, actor=mx_caseworker)
    draft.refresh_from_db()
    assert not flow.shared_data_visible(draft)
    second = flow.draft_referral(mx_case, actor=mx_caseworker, receiving_agency=comar, kind="legal")
    with pytest.raises(ConsentRequired):
        flow.send_referral(second, actor=mx_caseworker)


def test_only_a_supervisor_revokes_and_the_data_is_erased(
    draft: Referral, mx_caseworker: User, mx_supervisor: User, mx_case: Case, comar: Agency
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    with pytest.raises(TransitionNotAllowed):
        flow.revoke_referral(draft, actor=mx_caseworker)
    flow.revoke_referral(draft, actor=mx_supervisor)
    assert (draft.status, draft.shared_data) == ("revoked", None)


def test_enforcement_bodies_are_refused_as_recipients(
    mx_case: Case, mx_caseworker: User, reference: None
) -> None:
    with pytest.raises(ValidationError):
        flow.draft_referral(
            mx_case,
            actor=mx_caseworker,
            receiving_agency=Agency.objects.get(code="us-ice"),
            kind="legal",
        )


def test_the_inbox_shows_sent_referrals_but_never_drafts(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency, comar_officer: User
) -> None:
    assert list(inbox_for(comar_officer)) == []
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    assert list(inbox_for(comar_officer)) == [draft]


def test_kpis_count_acknowledgement_time_and_rates(
    draft: Referral, mx_caseworker: User, mx_case: Case, comar: Agency, comar_officer: User
) -> None:
    _consent_to(mx_case, mx_caseworker, comar)
    flow.send_referral(draft, actor=mx_caseworker)
    flow.accept_referral(draft, actor=comar_officer)
    kpis = kpis_for_agency(comar.pk, "COMAR")
    assert (kpis.received, kpis.acceptance_rate, kpis.completion_rate, kpis.overdue) == (
        1,
        1.0,
        0.0,
        0,
    )
    assert kpis.median_hours_to_acknowledge == 0.0
