"""Saving screenings, reviewing suggested profiles, attaching them to cases."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from amparo.accounts.models import Agency, User
from amparo.people.domain.cases import PersonData
from amparo.people.models import Case
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from amparo.screening.domain.queries import confirmed_profiles
from amparo.screening.domain.results import (
    ProtocolChangedError,
    localised_result,
    screening_protocol,
)
from amparo.screening.domain.screenings import (
    ScreeningError,
    attach_to_case,
    decide_profiles,
    read_screening,
    submit_screening,
)
from amparo.screening.models import ProfileDecision, Screening, ScreeningStatus
from amparo.screening.protocol import AnswersError, load_protocol
from tests.screening.builders import child
from tests.screening_web.conftest import screen

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- Submitting -------------------------------------------------------------------------------


def test_submit_records_the_protocol_id_version_and_hash(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    protocol = load_protocol("rcm-2013")
    saved = Screening.objects.get(pk=mx_screening.pk)
    assert (saved.protocol_id, saved.protocol_version, saved.protocol_hash) == (
        "rcm-2013",
        protocol.version,
        protocol.sha256,
    )
    assert saved.status == ScreeningStatus.SUBMITTED
    assert saved.urgency == "urgent"
    assert saved.agency.code == "mx-oim"
    assert saved.country_id == "MX"
    assert saved.screened_by == mx_caseworker
    assert saved.case is None
    assert [d.code for d in saved.decisions.all()] == ["unaccompanied_child"]
    assert [d.confirmed for d in saved.decisions.all()] == [None]


def test_answers_and_result_are_encrypted_in_the_database(mx_screening: Screening) -> None:
    answers = _raw("screening_screening", "answers", mx_screening.pk)
    result = _raw("screening_screening", "result", mx_screening.pk)
    for raw in (answers, result):
        assert raw.startswith("gAAAA")  # a Fernet token
        assert "travelling_alone" not in raw
        assert "unaccompanied" not in raw
    saved = Screening.objects.get(pk=mx_screening.pk)
    assert saved.answers["travelling_alone"] is True
    assert saved.result["profiles"][0]["code"] == "unaccompanied_child"


def test_the_result_is_stored_in_english_with_every_code(mx_screening: Screening) -> None:
    result = Screening.objects.get(pk=mx_screening.pk).result
    assert result["lang"] == "en"
    assert result["profiles"][0]["label"] == "Unaccompanied child or adolescent"
    assert result["urgency"]["reason_codes"] == ["unaccompanied_or_separated_child"]
    assert result["immediate_action_codes"] == [
        "notify_child_protection",
        "inform_rights",
        "inform_consular_assistance",
    ]
    assert result["consular_notification"]["reason_code"] == "child"


def test_submit_writes_an_audit_event_with_codes_only(mx_screening: Screening) -> None:
    (event,) = _events(AuditAction.SCREENING_SAVED)
    assert event.subject_id == str(mx_screening.pk)
    assert event.payload == {
        "agency": "mx-oim",
        "protocol": "rcm-2013",
        "protocol_version": mx_screening.protocol_version,
        "status": "submitted",
        "urgency": "urgent",
        "decisions": [decision.pk for decision in mx_screening.decisions.all()],
    }


def test_bad_answers_are_refused_each_named_and_nothing_is_saved(mx_caseworker: User) -> None:
    agency = Agency.objects.get(code="mx-oim")
    answers = child(age_years=150, nationality="XX", favourite_colour="blue")
    with pytest.raises(AnswersError) as caught:
        submit_screening(actor=mx_caseworker, agency=agency, answers=answers, lang="en")
    assert sorted((p.code, p.error) for p in caught.value.problems) == [
        ("age_years", "out_of_range"),
        ("favourite_colour", "unknown_code"),
        ("nationality", "unknown_country"),
    ]
    assert Screening.objects.count() == 0
    assert _events(AuditAction.SCREENING_SAVED) == []


def test_only_someone_who_works_cases_at_the_agency_may_screen_there(
    trainer: User, mx_caseworker: User
) -> None:
    with pytest.raises(PermissionDenied):
        screen(trainer)
    with pytest.raises(PermissionDenied):
        screen(mx_caseworker, agency_code="gt-oim")
    assert Screening.objects.count() == 0


def test_referrals_name_the_agencies_the_database_holds(mx_caseworker: User) -> None:
    Agency.objects.filter(code="mx-pfpnna").update(active=False)
    screening = screen(mx_caseworker)
    referrals = {r["kind"]: r["agencies"] for r in screening.result["referrals"]}
    assert referrals["child_protection"] == []
    assert [a["code"] for a in referrals["international_organisation"]] == ["mx-oim", "mx-acnur"]


def test_an_agency_past_its_validity_is_not_suggested(mx_caseworker: User) -> None:
    Agency.objects.filter(code="mx-pfpnna").update(valid_to=dt.date(2000, 1, 1))
    screening = screen(mx_caseworker)
    referrals = {r["kind"]: r["agencies"] for r in screening.result["referrals"]}
    assert referrals["child_protection"] == []


# --- Reviewing --------------------------------------------------------------------------------


def test_rejecting_a_profile_needs_a_reason(mx_caseworker: User, mx_screening: Screening) -> None:
    with pytest.raises(ValidationError) as caught:
        decide_profiles(
            mx_screening, actor=mx_caseworker, decisions={"unaccompanied_child": (False, "  ")}
        )
    assert caught.value.message_dict == {
        "unaccompanied_child": ["Give the reason for rejecting this profile."]
    }
    decision = ProfileDecision.objects.get(screening=mx_screening)
    assert (decision.confirmed, decision.decided_by) == (None, None)
    assert Screening.objects.get(pk=mx_screening.pk).status == ScreeningStatus.SUBMITTED


def test_the_database_refuses_a_rejection_without_reason(mx_screening: Screening) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileDecision.objects.filter(screening=mx_screening).update(confirmed=False, reason="")


def test_a_rejection_keeps_its_reason_encrypted(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    reason = "Her mother waits at the border crossing"
    decide_profiles(
        mx_screening, actor=mx_caseworker, decisions={"unaccompanied_child": (False, reason)}
    )
    decision = ProfileDecision.objects.get(screening=mx_screening)
    assert (decision.confirmed, decision.reason, decision.decided_by) == (
        False,
        reason,
        mx_caseworker,
    )
    raw = _raw("screening_profiledecision", "reason", decision.pk)
    assert raw.startswith("gAAAA")
    assert "mother" not in raw


def test_a_profile_that_was_not_suggested_cannot_be_decided(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    with pytest.raises(ValidationError) as caught:
        decide_profiles(mx_screening, actor=mx_caseworker, decisions={"trafficking": (True, "")})
    assert list(caught.value.message_dict) == ["trafficking"]


def test_the_screening_is_reviewed_once_every_suggested_profile_is_decided(
    mx_caseworker: User,
) -> None:
    screening = screen(mx_caseworker, sex="female", fear_of_return=True)
    codes = [d.code for d in screening.decisions.all()]
    assert codes == ["international_protection", "unaccompanied_child", "woman_at_risk"]

    decide_profiles(
        screening, actor=mx_caseworker, decisions={"international_protection": (True, "")}
    )
    assert screening.status == ScreeningStatus.SUBMITTED
    decide_profiles(
        screening,
        actor=mx_caseworker,
        decisions={"unaccompanied_child": (True, ""), "woman_at_risk": (False, "Not alone")},
    )
    assert screening.status == ScreeningStatus.REVIEWED
    assert screening.reviewed_at is not None
    ids = {d.code: d.pk for d in screening.decisions.all()}
    payloads = [event.payload for event in _events(AuditAction.SCREENING_CONFIRMED)]
    assert payloads == [
        {"confirmed": [ids["international_protection"]], "rejected": [], "status": "submitted"},
        {
            "confirmed": [ids["unaccompanied_child"]],
            "rejected": [ids["woman_at_risk"]],
            "status": "reviewed",
        },
    ]


def test_a_screening_with_no_suggested_profile_is_reviewed_by_confirming_nothing(
    mx_caseworker: User,
) -> None:
    screening = screen(mx_caseworker, age_years=30, travelling_alone=False)
    assert list(screening.decisions.all()) == []
    decide_profiles(screening, actor=mx_caseworker, decisions={})
    assert screening.status == ScreeningStatus.REVIEWED


def test_deciding_nothing_on_suggested_profiles_is_refused(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    with pytest.raises(ValidationError) as caught:
        decide_profiles(mx_screening, actor=mx_caseworker, decisions={})
    assert caught.value.message_dict == {
        "__all__": ["Confirm or reject at least one suggested profile."]
    }


# --- Attaching --------------------------------------------------------------------------------


def _reviewed(screening: Screening, actor: User) -> Screening:
    return decide_profiles(screening, actor=actor, decisions={"unaccompanied_child": (True, "")})


def test_a_reviewed_screening_attaches_to_a_case_the_officer_works(
    mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    _reviewed(mx_screening, mx_caseworker)
    case = attach_to_case(mx_screening, actor=mx_caseworker, case=mx_case)
    assert case == mx_case
    saved = Screening.objects.get(pk=mx_screening.pk)
    assert (saved.case, saved.status) == (mx_case, ScreeningStatus.REVIEWED)
    assert saved.attached_at is not None
    event = _events(AuditAction.SCREENING_SAVED)[-1]
    assert event.payload == {"case": mx_case.pk, "new_case": False, "status": "reviewed"}
    assert confirmed_profiles(mx_case) == ["unaccompanied_child"]


def test_a_reviewed_screening_attaches_to_a_new_person_and_case(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    _reviewed(mx_screening, mx_caseworker)
    data = PersonData(given_names="Brayanfake", sex="male", nationalities=["GT"])
    case = attach_to_case(mx_screening, actor=mx_caseworker, person_data=data)
    assert (case.agency.code, case.assigned_to, case.person.given_names) == (
        "mx-oim",
        mx_caseworker,
        "Brayanfake",
    )
    assert Screening.objects.get(pk=mx_screening.pk).case == case
    event = _events(AuditAction.SCREENING_SAVED)[-1]
    assert event.payload == {"case": case.pk, "new_case": True, "status": "reviewed"}
    assert confirmed_profiles(case) == ["unaccompanied_child"]


def test_a_screening_not_yet_reviewed_cannot_be_attached(
    mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    with pytest.raises(ScreeningError):
        attach_to_case(mx_screening, actor=mx_caseworker, case=mx_case)
    assert Screening.objects.get(pk=mx_screening.pk).case is None


def test_a_screening_attaches_once_and_then_no_longer_changes(
    mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    _reviewed(mx_screening, mx_caseworker)
    attach_to_case(mx_screening, actor=mx_caseworker, case=mx_case)
    with pytest.raises(ScreeningError):
        attach_to_case(mx_screening, actor=mx_caseworker, case=mx_case)
    with pytest.raises(ScreeningError):
        decide_profiles(
            mx_screening, actor=mx_caseworker, decisions={"unaccompanied_child": (False, "no")}
        )


def test_a_case_outside_the_officers_scope_answers_404(
    mx_caseworker: User, mx_screening: Screening, gt_case: Case
) -> None:
    _reviewed(mx_screening, mx_caseworker)
    with pytest.raises(Http404):
        attach_to_case(mx_screening, actor=mx_caseworker, case=gt_case)
    assert Screening.objects.get(pk=mx_screening.pk).case is None


def test_attaching_needs_exactly_one_of_a_case_and_a_person(
    mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    _reviewed(mx_screening, mx_caseworker)
    with pytest.raises(ValueError, match="either"):
        attach_to_case(mx_screening, actor=mx_caseworker)
    with pytest.raises(ValueError, match="either"):
        attach_to_case(
            mx_screening,
            actor=mx_caseworker,
            case=mx_case,
            person_data=PersonData(given_names="Dosfake"),
        )


def test_confirmed_profiles_follow_the_latest_decision_on_each_profile(
    mx_caseworker: User, mx_case: Case
) -> None:
    first = screen(mx_caseworker, sex="female", fear_of_return=True)
    decide_profiles(
        first,
        actor=mx_caseworker,
        decisions={
            "international_protection": (True, ""),
            "unaccompanied_child": (True, ""),
            "woman_at_risk": (True, ""),
        },
    )
    attach_to_case(first, actor=mx_caseworker, case=mx_case)
    second = screen(mx_caseworker, sex="female")
    decide_profiles(
        second,
        actor=mx_caseworker,
        decisions={"unaccompanied_child": (True, ""), "woman_at_risk": (False, "With her aunt")},
    )
    attach_to_case(second, actor=mx_caseworker, case=mx_case)
    assert confirmed_profiles(mx_case) == ["international_protection", "unaccompanied_child"]


def test_a_case_without_screenings_has_no_confirmed_profile(mx_case: Case) -> None:
    assert confirmed_profiles(mx_case) == []


# --- Reading an old screening -----------------------------------------------------------------


def test_the_result_reads_in_the_readers_language_from_the_recorded_protocol(
    mx_screening: Screening,
) -> None:
    result = localised_result(mx_screening, "es")
    assert result["protocol_changed"] is False
    assert result["profiles"][0]["label"] == "Niña, niño o adolescente no acompañado"
    assert result["profiles"][0]["indicators"] == ["age_years", "travelling_alone"]
    assert result["immediate_actions"][0].startswith("Notifique de inmediato")
    assert result["referrals"][0]["agencies"][0]["code"] == "mx-pfpnna"


def test_a_changed_protocol_file_is_flagged_and_the_stored_wording_kept(
    mx_screening: Screening,
) -> None:
    mx_screening.protocol_hash = "0" * 64
    with pytest.raises(ProtocolChangedError):
        screening_protocol(mx_screening)
    result = localised_result(mx_screening, "es")
    assert result["protocol_changed"] is True
    assert result["profiles"][0]["label"] == "Unaccompanied child or adolescent"
    assert result["profiles"][0]["code"] == "unaccompanied_child"


def test_a_protocol_version_no_longer_installed_is_flagged(mx_screening: Screening) -> None:
    mx_screening.protocol_version = "0.1"
    with pytest.raises(ProtocolChangedError):
        screening_protocol(mx_screening)
    assert localised_result(mx_screening, "fr")["protocol_changed"] is True


def test_reading_an_unattached_screening_is_audited(mx_caseworker: User) -> None:
    screening = submit_screening(
        actor=mx_caseworker,
        agency=Agency.objects.get(code="mx-oim"),
        answers={"age_years": 15, "travelling_alone": True, "country_of_identification": "MX"},
    )
    read_screening(mx_caseworker, screening.pk)
    event = AuditEvent.objects.get(action="screening.viewed")
    assert (event.subject_id, event.payload) == (str(screening.pk), {"screening": screening.pk})
