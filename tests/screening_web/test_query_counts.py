"""The screening lists run the same number of queries whatever their length (no N+1)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.screening.domain.screenings import attach_to_case, decide_profiles
from tests.screening_web.conftest import screen

pytestmark = pytest.mark.django_db


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/screening/", "/api/screenings"])
def test_screening_lists_cost_the_same_at_one_and_three_screenings(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, url: str
) -> None:
    client = login(mx_caseworker)
    screen(mx_caseworker)
    one = _queries_for(client, url)
    attached = screen(mx_caseworker, sex="female", fear_of_return=True)
    decisions = {"international_protection": (True, ""), "unaccompanied_child": (True, "")}
    decide_profiles(
        attached, actor=mx_caseworker, decisions={**decisions, "woman_at_risk": (False, "No")}
    )
    attach_to_case(attached, actor=mx_caseworker, case=mx_case)
    screen(mx_caseworker, age_years=40)
    three = _queries_for(client, url)
    assert len(client.get("/api/screenings").json()) == 3
    assert one == three
