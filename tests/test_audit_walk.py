"""Every read of personal data is audited: walk every page and API endpoint as those who may
see the Mexican case (its case manager, her supervisor, the receiving officer of the referral),
with the case's data present, and fail wherever a response shows personal data while no audit
event was written for that request. The route list and the ids are those of the outsider walk,
so a new URL is covered here as soon as the outsider walk knows it."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.children import record_best_interests, set_guardian
from amparo.casework.domain.plans import save_plan
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from tests.conftest import PASSWORD
from tests.web.test_outsider import SECRETS, _fill, all_routes
from tests.web.test_outsider import mexican_data as mexican_data  # the fixture

# What identifies the person or tells what happened to them. The case reference alone is a
# pseudonym every form page of the case shows in its heading: not counted as a read.
PERSONAL = [*SECRETS, "+52 55 0000 1111", "Synthetica", "Tutorafake", "Interesfake", "Planfake"]
# Signing out and the pages that change something on GET are not reads.
SKIPPED = {"logout/"}


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _unaudited_reads(
    client: Client, who: str, ids: dict[str, str], personal: list[str]
) -> list[str]:
    problems = []
    for route in all_routes():
        if route in SKIPPED:
            continue
        try:
            url = _fill(route, ids)
        except AssertionError:
            continue  # a parameter the outsider walk does not know yet: it fails there
        before = _last_event_id()
        response = client.get(url)
        if response.status_code != 200:
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        shown = [secret for secret in personal if secret in body]
        if route.startswith("api/") and "case_id" in route:
            shown.append("the data of a case")  # consents, say: no name, still the person's
        if shown and _last_event_id() == before:
            problems.append(f"{who}: GET {url} shows {', '.join(shown)} with no audit event")
    return problems


@pytest.fixture
def case_data(mexican_data: dict[str, str], mx_case: Case, mx_caseworker: User) -> dict[str, str]:
    """The outsider walk's Mexican data, plus a child's guardian, a best-interests record and a
    plan, each with a marker to look for."""
    set_guardian(mx_case, actor=mx_caseworker, name="Tutorafake", relationship="legal_guardian")
    held_on = dt.date(2026, 1, 5)
    record_best_interests(
        mx_case, actor=mx_caseworker, kind="bia", held_on=held_on, findings="Interesfake"
    )
    save_plan(mx_case, actor=mx_caseworker, summary="Planfake", goals=[], expected_version=1)
    return mexican_data


@pytest.fixture
def comar_officer(reference: None) -> User:
    return create_staff_user(
        "rafael.comar",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-comar"), Role.RECEIVING_OFFICER)],
        language="es",
    )


def test_every_read_of_personal_data_writes_an_audit_event(
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_supervisor: User,
    comar_officer: User,
    case_data: dict[str, str],
) -> None:
    personal = PERSONAL
    problems = [
        problem
        for user in (mx_caseworker, mx_supervisor, comar_officer)
        for problem in _unaudited_reads(login(user), user.username, case_data, personal)
    ]
    assert "\n".join(problems) == ""
