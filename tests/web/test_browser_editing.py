"""Real Chromium reads date inputs: saving the unchanged person page and plan in Spanish,
English and French keeps every date; the search before registering puts no name in a URL."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from amparo.accounts.models import User
from amparo.casework.domain.plans import ActionInput, GoalInput, plan_snapshot, save_plan
from amparo.casework.models import CasePlan
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser: Browser, live_server: LiveServer, client: Client, lang: str) -> Page:
    """A browser signed in with the test client's session (two-factor already passed)."""
    context = browser.new_context(locale=lang)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url},
        ]
    )
    return context.new_page()


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_saving_the_unchanged_person_page_and_plan_keeps_every_date(
    browser: Browser,
    live_server: LiveServer,
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_case: Case,
    lang: str,
) -> None:
    goal = GoalInput(
        description="Safe housing",
        actions=[ActionInput(description="Shelter", due_on=dt.date(2026, 9, 30), status="done")],
    )
    plan = save_plan(mx_case, actor=mx_caseworker, summary="", goals=[goal], expected_version=1)
    before = plan_snapshot(plan)
    page = _page(browser, live_server, login(mx_caseworker), lang)

    page.goto(f"{live_server.url}/cases/{mx_case.pk}/person/")
    expect(page.locator("#id_birth_date")).to_have_value("1990-05-17")
    page.click("main form.stack button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/cases/{mx_case.pk}/")

    page.goto(f"{live_server.url}/cases/{mx_case.pk}/plan/")
    expect(page.locator("#id_goal_0_action_0_due")).to_have_value("2026-09-30")
    page.click("main form.stack button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/cases/{mx_case.pk}/")
    page.context.close()

    person = Person.objects.get(pk=mx_case.person_id)
    assert (person.birth_date, person.birth_year) == ("1990-05-17", 1990)
    assert plan_snapshot(CasePlan.objects.get(pk=plan.pk)) == before
    assert AuditEvent.objects.filter(action="person.updated").count() == 0


def test_the_search_before_registering_puts_no_name_or_document_in_any_url(
    browser: Browser,
    live_server: LiveServer,
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_case: Case,
) -> None:
    page = _page(browser, live_server, login(mx_caseworker), "en")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/register/")
    page.fill("#id_search-given_names", "Xiomarafake")
    page.fill("#id_search-first_surname", "Quetzalsynth")
    page.fill("#id_search-document_number", "HX1234567")
    page.click("form[aria-labelledby=h-search] button[type=submit]")
    expect(page.locator("#h-matches")).to_be_visible()
    expect(page.locator("main")).to_contain_text(mx_case.reference)
    page.context.close()
    leaked = [u for u in requested if any(s in u.lower() for s in ("xiomara", "quetzal", "hx12"))]
    assert (len(requested) > 1, leaked) == (True, [])
