"""Personas and data of the statistics tests: 12 Mexican and 3 Guatemalan synthetic cases."""

import pytest

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.people.models import Case
from tests.conftest import make_case


def staff(username: str, agency: str, role: Role, language: str = "es") -> User:
    return create_staff_user(
        username=username,
        password="synthetic-test-password-1",
        memberships=[(Agency.objects.get(code=agency), role)],
        language=language,
    )


@pytest.fixture
def cases(mx_caseworker: User, gt_caseworker: User) -> list[Case]:
    """12 Mexican cases (published) and 3 Guatemalan ones (small: must never show as 3)."""
    made = [
        make_case(actor=mx_caseworker, agency_code="mx-oim", given=f"Mxfake{i}", surname="Synth")
        for i in range(12)
    ]
    made += [
        make_case(actor=gt_caseworker, agency_code="gt-oim", given=f"Gtfake{i}", surname="Synth")
        for i in range(3)
    ]
    return made


@pytest.fixture
def analyst(reference: None) -> User:
    return staff("ana.analyst", "mx-oim", Role.REGIONAL_ANALYST)


@pytest.fixture
def mx_focal(reference: None) -> User:
    return staff("fausto.focal", "mx-oim", Role.FOCAL_POINT)


@pytest.fixture
def gt_focal(reference: None) -> User:
    return staff("gloria.focal", "gt-oim", Role.FOCAL_POINT)


@pytest.fixture
def gt_supervisor(reference: None) -> User:
    return staff("gael.supervisor", "gt-oim", Role.SUPERVISOR)
