"""Saved screenings for the screening pages and API. Every person here is synthetic."""

import pytest

from amparo.accounts.models import Agency, User
from amparo.screening.domain.screenings import submit_screening
from amparo.screening.models import Screening
from tests.screening.builders import child


def screen(user: User, agency_code: str = "mx-oim", **answers: object) -> Screening:
    """A screening submitted by `user` at the agency, for a child travelling alone."""
    agency = Agency.objects.get(code=agency_code)
    return submit_screening(actor=user, agency=agency, answers=child(**answers), lang="es")


@pytest.fixture
def mx_screening(mx_caseworker: User) -> Screening:
    """A Mexican screening not yet attached to any case."""
    return screen(mx_caseworker)
