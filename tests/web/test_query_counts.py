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


def test_the_caseload_costs_the_same_at_one_and_three_cases(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    from amparo.casework.domain.tasks import create_task

    client = login(mx_caseworker)
    case = make_case(actor=mx_caseworker, agency_code="mx-oim", given="Unafake", surname="Synth")
    create_task(case, actor=mx_caseworker, title="Call")
    one = _queries_for(client, "/caseload/")
    for index in range(2):
        other = make_case(
            actor=mx_caseworker, agency_code="mx-oim", given=f"Otrafake{index}", surname="Synth"
        )
        create_task(other, actor=mx_caseworker, title="Call")
    assert _queries_for(client, "/caseload/") == one


def test_the_approvals_page_costs_the_same_at_one_and_three_requests(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User
) -> None:
    from amparo.casework.domain.lifecycle import request_closure

    client = login(mx_supervisor)
    case = make_case(actor=mx_caseworker, agency_code="mx-oim", given="Unafake", surname="Synth")
    request_closure(case, actor=mx_caseworker, reason="moved_away", expected_version=case.version)
    one = _queries_for(client, "/approvals/")
    for index in range(2):
        other = make_case(
            actor=mx_caseworker, agency_code="mx-oim", given=f"Otrafake{index}", surname="Synth"
        )
        request_closure(
            other, actor=mx_caseworker, reason="moved_away", expected_version=other.version
        )
    assert _queries_for(client, "/approvals/") == one
