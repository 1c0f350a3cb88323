"""Saving an unchanged page changes nothing, in every interface language.

The forms are filled exactly as the page renders them (values, selected options, checked
boxes), so what a browser would send back is what is posted."""

import datetime as dt
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client

from amparo.accounts.models import Agency, User
from amparo.casework.domain.plans import ActionInput, GoalInput, plan_snapshot, save_plan
from amparo.casework.models import CasePlan
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent

LANGUAGES = ["es", "en", "fr"]


class _FormReader(HTMLParser):
    """The values a browser would submit from the page's `method=post` form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "checkbox"}:
            self.values[name] = a.get("value", "")
            if a.get("type") == "date":
                self.dates[name] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.values[name] = a.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


def _read_form(page: str) -> _FormReader:
    form = page[page.index('<form method="post" class="stack') :]
    reader = _FormReader()
    reader.feed(form[: form.index("</form>")])
    return reader


def _person_state(case: Case) -> tuple[object, ...]:
    person = Person.objects.get(pk=case.person_id)
    case.refresh_from_db()
    return (
        case.version,
        [getattr(person, name) for name in ("given_names", "birth_date", "phone", "languages")],
        AuditEvent.objects.filter(action="person.updated").count(),
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_unchanged_person_page_saves_back_exactly_what_is_stored(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, lang: str
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = lang
    before = _person_state(mx_case)
    form = _read_form(client.get(f"/cases/{mx_case.pk}/person/").content.decode())
    response = client.post(f"/cases/{mx_case.pk}/person/", form.values)
    assert (form.dates, response.status_code) == ({"birth_date": "1990-05-17"}, 302)
    assert _person_state(mx_case) == before


@pytest.fixture
def planned(mx_caseworker: User, mx_case: Case) -> CasePlan:
    shelter = Agency.objects.get(code="mx-oim")
    goals = [
        GoalInput(
            description="Safe housing",
            status="in_progress",
            actions=[
                ActionInput(
                    description="Refer to the shelter",
                    due_on=dt.date(2026, 9, 30),
                    responsible_user=mx_caseworker,
                    responsible_agency=shelter,
                    status="done",
                ),
                ActionInput(description="Follow up", status="in_progress"),
            ],
        )
    ]
    return save_plan(
        mx_case, actor=mx_caseworker, summary="Stay safe", goals=goals, expected_version=1
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_unchanged_plan_saves_back_every_due_date_responsible_and_status(
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_case: Case,
    planned: CasePlan,
    lang: str,
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = lang
    before = (plan_snapshot(planned), planned.version, planned.status)
    events = AuditEvent.objects.filter(action="plan.saved").count()
    form = _read_form(client.get(f"/cases/{mx_case.pk}/plan/").content.decode())
    response = client.post(f"/cases/{mx_case.pk}/plan/", form.values)
    plan = CasePlan.objects.get(pk=planned.pk)
    assert (form.dates["goal_0_action_0_due"], response.status_code) == ("2026-09-30", 302)
    assert (plan_snapshot(plan), plan.version, plan.status) == before
    assert AuditEvent.objects.filter(action="plan.saved").count() == events


def test_a_changed_action_keeps_what_the_form_did_not_change(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case, planned: CasePlan
) -> None:
    client = login(mx_caseworker)
    form = _read_form(client.get(f"/cases/{mx_case.pk}/plan/").content.decode())
    client.post(f"/cases/{mx_case.pk}/plan/", {**form.values, "goal_0_action_1_status": "done"})
    actions = plan_snapshot(CasePlan.objects.get(pk=planned.pk))["goals"][0]["actions"]
    assert [
        (a["description"], a["due_on"], a["status"], a["responsible_user"]) for a in actions
    ] == [
        ("Refer to the shelter", dt.date(2026, 9, 30), "done", mx_caseworker.pk),
        ("Follow up", None, "done", None),
    ]
