"""Special-category codes are never in clear: not in the profile decisions, the factor findings
or the guardian's relationship, and never in an audit payload. Statistics still count by
profile through the keyed code."""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from amparo.accounts.models import User
from amparo.assessment.catalogue import catalogue_registry
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.assessment.models import FactorFinding
from amparo.casework.domain.children import set_guardian
from amparo.casework.models import Guardian
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.screening.domain.queries import confirmed_profile_counts
from amparo.screening.domain.screenings import attach_to_case, decide_profiles
from amparo.screening.models import ProfileDecision, Screening
from amparo.screening.protocol import protocol_registry
from tests.screening_web.conftest import screen

pytestmark = pytest.mark.django_db


def _column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [str(value) for (value,) in cursor.fetchall()]


def special_category_codes() -> set[str]:
    profiles = {code for p in protocol_registry().values() for code in p.profiles}
    factors = {code for c in catalogue_registry().values() for code in c.factors}
    return profiles | factors | {"legal_guardian", "child_protection_officer"}


@pytest.fixture
def reviewed(mx_caseworker: User, mx_case: Case) -> Screening:
    screening = screen(mx_caseworker, sex="female", fear_of_return=True)
    decide_profiles(
        screening,
        actor=mx_caseworker,
        decisions={
            "international_protection": (True, ""),
            "unaccompanied_child": (True, ""),
            "woman_at_risk": (False, "Synthetic reason"),
        },
    )
    attach_to_case(screening, actor=mx_caseworker, case=mx_case)
    record_assessment(
        mx_case,
        actor=mx_caseworker,
        kind="individual",
        findings=[
            FindingInput("recent_sexual_violence", "risk", evidence="", source="self_report"),
            FindingInput("sexual_orientation_gender_identity", "risk", source="self_report"),
            FindingInput("urgent_medical_need", "risk", source="observation"),
        ],
        concern_level="high",
        justification="Synthetic justification",
    )
    set_guardian(mx_case, actor=mx_caseworker, name="Guardianfake", relationship="legal_guardian")
    return screening


def test_profile_codes_are_encrypted_and_read_back(reviewed: Screening) -> None:
    stored = _column("screening_profiledecision", "code") + _column(
        "screening_profiledecision", "code_key"
    )
    assert [value for value in stored if value in special_category_codes()] == []
    assert sorted(d.code for d in reviewed.decisions.all()) == [
        "international_protection",
        "unaccompanied_child",
        "woman_at_risk",
    ]


def test_factor_codes_and_guardian_relationships_are_encrypted(reviewed: Screening) -> None:
    stored = [
        *_column("assessment_factorfinding", "factor_code"),
        *_column("assessment_factorfinding", "factor_key"),
        *_column("casework_guardian", "relationship"),
    ]
    assert [value for value in stored if value in special_category_codes()] == []
    finding = FactorFinding.objects.get(factor_key=FactorFinding.key_of("recent_sexual_violence"))
    guardian = Guardian.objects.get(case=reviewed.case)
    assert (finding.factor_code, finding.mark, guardian.relationship) == (
        "recent_sexual_violence",
        "risk",
        "legal_guardian",
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_no_audit_payload_holds_a_special_category_code(reviewed: Screening) -> None:
    codes = special_category_codes()
    found = [
        f"{event.action}: {json.dumps(event.payload)}"
        for event in AuditEvent.objects.all()
        if codes & set(_strings(event.payload))
    ]
    assert (AuditEvent.objects.count() > 5, found) == (True, [])


def test_one_decision_per_profile_is_still_enforced_by_the_database(reviewed: Screening) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileDecision.objects.create(screening=reviewed, code="woman_at_risk", position=9)


def test_statistics_count_confirmed_profiles_by_code(
    reviewed: Screening, mx_caseworker: User
) -> None:
    other = screen(mx_caseworker)
    decide_profiles(other, actor=mx_caseworker, decisions={"unaccompanied_child": (True, "")})
    screen(mx_caseworker)  # undecided: counts nothing
    assert confirmed_profile_counts(Screening.objects.all()) == {
        "international_protection": 1,
        "unaccompanied_child": 2,
    }
