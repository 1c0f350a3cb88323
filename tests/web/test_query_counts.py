"""List pages run the same number of queries whatever their length (no N+1)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from tests.conftest import _user, make_case


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/cases/", "/api/cases"])
def test_case_lists_cost_the_same_at_one_and_three_cases(
    login: Callable[[User], Client], mx_caseworker: User, url: str
) -> None:
    client = login(mx_caseworker)
    make_case(actor=mx_caseworker, agency_code="mx-oim", given="Unafake", surname="Synth")
    one = _queries_for(client, url)
    for index in range(2):
        make_case(
            actor=mx_caseworker, agency_code="mx-oim", given=f"Otrafake{index}", surname="Synth"
        )
    three = _queries_for(client, url)
    assert one == three


def test_the_staff_list_costs_the_same_at_one_and_three_members(
    login: Callable[[User], Client],
    administrator: User,
    mx_caseworker: User,
    mx_supervisor: User,
    trainer: User,
) -> None:
    client = login(administrator)
    first = _queries_for(client, "/users/")
    _user("extra.one", "mx-comar", Role.CASE_MANAGER)
    _user("extra.two", "mx-inm", Role.SUPERVISOR)
    assert _queries_for(client, "/users/") == first
