"""Fixtures for assessment tests: a recorded Mexican assessment and English-speaking clients."""

from collections.abc import Callable, Sequence

import pytest
from django.conf import settings
from django.test import Client

from amparo.accounts.models import User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.assessment.models import Assessment
from amparo.people.models import Case

# Free text that must only ever show to people who may open the Mexican case.
EVIDENCE = "Evidencefake: threatened at the Tapachula bus station"
JUSTIFICATION = "Justificationfake: several risks interact with no protective network"


def record(
    case: Case,
    actor: User,
    findings: Sequence[FindingInput] = (),
    *,
    kind: str = "individual",
    concern_level: str = "medium",
    justification: str = JUSTIFICATION,
    household_case_ids: Sequence[int] = (),
) -> Assessment:
    return record_assessment(
        case,
        actor=actor,
        kind=kind,
        findings=list(findings),
        concern_level=concern_level,
        justification=justification,
        household_case_ids=household_case_ids,
    )


@pytest.fixture
def mx_assessment(mx_case: Case, mx_caseworker: User) -> Assessment:
    """A Mexican assessment whose evidence and justification must never leak."""
    return record(
        mx_case,
        mx_caseworker,
        [
            FindingInput("past_violence_or_abuse", "risk", EVIDENCE, "self_report"),
            FindingInput("social_networks", "protective", "", "observation"),
            FindingInput("isolation", "not_present"),
        ],
    )


@pytest.fixture
def login_in(login: Callable[[User], Client]) -> Callable[[User, str], Client]:
    """A signed-in client whose interface language is the one given."""

    def _login_in(user: User, language: str) -> Client:
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return _login_in
