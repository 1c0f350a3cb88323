import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from amparo.accounts.models import User
from amparo.casework.domain.children import add_tracing_step, record_best_interests, set_guardian
from amparo.casework.models import BestInterestsRecord
from amparo.people.models import Case


def test_a_determination_must_decide_a_solution_and_hear_the_child(
    mx_caseworker: User, mx_case: Case
) -> None:
    with pytest.raises(ValidationError) as error:
        record_best_interests(
            mx_case,
            actor=mx_caseworker,
            kind="bid",
            held_on=dt.date(2026, 3, 1),
            findings="Safe with aunt.",
        )
    assert set(error.value.message_dict) == {"durable_solution", "child_views"}
    assert BestInterestsRecord.objects.count() == 0


def test_a_complete_determination_is_recorded(mx_caseworker: User, mx_case: Case) -> None:
    record = record_best_interests(
        mx_case,
        actor=mx_caseworker,
        kind="bid",
        held_on=dt.date(2026, 3, 1),
        findings="Safe with aunt.",
        child_views="Wants to live with her aunt.",
        durable_solution="family_reunification",
    )
    assert (record.kind, record.durable_solution) == ("bid", "family_reunification")


def test_dates_in_the_future_are_refused(mx_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        add_tracing_step(
            mx_case,
            actor=mx_caseworker,
            description="Call the Red Cross",
            started_on=dt.date(2099, 1, 1),
        )
    assert set(error.value.message_dict) == {"started_on"}


def test_a_new_guardian_replaces_the_old_one(mx_caseworker: User, mx_case: Case) -> None:
    set_guardian(
        mx_case, actor=mx_caseworker, name="Synthetic Guardian One", relationship="legal_guardian"
    )
    guardian = set_guardian(
        mx_case,
        actor=mx_caseworker,
        name="Synthetic Guardian Two",
        relationship="child_protection_officer",
    )
    assert guardian.name == "Synthetic Guardian Two"
    assert Case.objects.get(pk=mx_case.pk).guardian.name == "Synthetic Guardian Two"
