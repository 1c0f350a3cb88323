"""Real Chromium: a trainee reads a lesson, takes a quiz and works a practice case; a trainer
opens the cohort with its chart. No CSP violation, no serious accessibility violation."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from amparo.accounts.models import User
from amparo.training.models import Course, PracticeCase
from tests.browser import serious_violations
from tests.conftest import PASSWORD
from tests.training_programme.factories import cohort_with, module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: LiveServer, username: str) -> list[str]:
    """Sign in in English; returns the list that collects console errors (CSP reports)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # Signing in sets the user's own language (Spanish); these tests read English.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return errors


def test_a_trainee_reads_a_lesson_takes_a_quiz_and_works_a_practice_case(
    phone_page: Page, live_server: LiveServer, course: Course, mx_trainee: User
) -> None:
    page = phone_page
    errors = _sign_in(page, live_server, mx_trainee.username)
    page.goto(f"{live_server.url}/training/lessons/{module('identification').lessons.get().pk}/")
    expect(page.locator("article h2")).to_have_text("What a profile is")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/training/modules/{module('identification').pk}/quiz/")
    page.check("#id_q1_0")
    page.check("#id_q2_0")
    assert serious_violations(page) == []
    page.click("text=Submit my answers")
    expect(page.locator("main")).to_contain_text("Right: the result is preliminary.")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/training/practice/{PracticeCase.objects.get().pk}/")
    page.fill("#id_age_years", "15")
    page.check("#id_travelling_alone_0")
    page.check("#id_choice-legal_basis_1")
    assert serious_violations(page) == []
    page.click("text=Submit for grading")
    expect(page.locator("main")).to_contain_text("Person in need of international protection")
    assert serious_violations(page) == []
    assert errors == []


def test_a_trainer_opens_the_cohort_with_its_chart(
    phone_page: Page, live_server: LiveServer, course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    errors = _sign_in(phone_page, live_server, trainer.username)
    phone_page.goto(f"{live_server.url}/training/cohorts/{cohort.pk}/")
    expect(phone_page.locator("img.chart")).to_be_visible()
    assert phone_page.evaluate("document.querySelector('img.chart').naturalWidth") > 0
    assert serious_violations(phone_page) == []
    assert errors == []
