"""Real Chromium on a small phone: a case manager screens a child travelling alone, loses the
connection midway, finds her answers restored from the draft on the phone, submits, and reads
the explained result; axe-core finds no serious accessibility violation on either page."""

import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from amparo.accounts.models import User
from amparo.screening.engine import evaluate
from amparo.screening.models import Screening
from amparo.screening.protocol import load_protocol
from tests.browser import serious_violations
from tests.conftest import PASSWORD
from tests.screening.builders import child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFTS = "() => Object.keys(localStorage).filter(k => k.startsWith('amparo.screening-draft.'))"


def _settled(page: Page) -> None:
    """Wait for the form's htmx request to finish. The test database (in-memory SQLite with a
    shared cache) refuses concurrent writers instead of waiting, so steps must not overlap."""
    expect(page.locator("#screening-form.htmx-request")).to_have_count(0)


def _tick(page: Page, selector: str) -> None:
    page.check(selector)
    _settled(page)


def _sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")


STORED = (
    "() => Object.entries(localStorage).filter(([k]) => k.startsWith('amparo.screening-draft.'))"
)


def _draft_secret(response: Response | None) -> str:
    """The session's draft key, as the server handed it to the form page."""
    assert response is not None
    found = re.search(r'data-draft-secret="([A-Za-z0-9_-]{43})"', response.text())
    assert found is not None
    return found.group(1)


def _expect_sealed_draft(page: Page, secret: str) -> None:
    """The draft in localStorage holds its key's id, the time, the IV and the ciphertext: no
    answer, no question code and not the key in clear."""
    expect(page.locator("#screening-form[data-draft-secret]")).to_have_count(0)
    page.wait_for_function(f"() => ({STORED})().length === 1")
    ((_name, raw),) = page.evaluate(STORED)
    draft = json.loads(raw)
    clear = ["age_years", "fear_of_return", "travelling_alone", "nationality", secret]
    assert (sorted(draft), [text for text in clear if text in raw]) == (
        ["data", "iv", "keyId", "savedAt"],
        [],
    )


def test_a_dropped_connection_loses_no_answer_and_the_result_explains_itself(
    settings: Settings, phone_page: Page, live_server: LiveServer, mx_caseworker: User
) -> None:
    settings.AMPARO_REQUIRE_2FA = False
    page = phone_page
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    _sign_in(page, live_server, mx_caseworker.username)
    form_url = f"{live_server.url}/screening/new/"
    secret = _draft_secret(page.goto(form_url))
    expect(page.locator("#section-company .progress")).to_have_text("Sección 3 de 7")
    assert serious_violations(page) == []

    page.fill("#id_age_years", "15")
    _tick(page, "#id_apparent_minor_0")  # yes
    _tick(page, "#id_sex_2")  # male
    page.select_option("#id_nationality", "GT")
    _settled(page)
    _tick(page, "#id_travelling_alone_1")  # no: the question about the adult appears
    expect(page.locator("#id_accompanying_adult_relationship_0")).to_be_visible()
    _tick(page, "#id_travelling_alone_0")  # yes, alone after all: it goes away again
    expect(page.locator("#q-accompanying_adult_relationship")).to_have_count(0)

    page.context.set_offline(True)  # the connection drops midway
    page.check("#id_fear_of_return_1")  # no: answered while offline
    expect(page.locator("#offline-notice")).to_be_visible()
    _expect_sealed_draft(page, secret)
    with pytest.raises(PlaywrightError):
        page.reload()
    page.context.set_offline(False)
    page.reload()
    expect(page).to_have_url(form_url)
    _settled(page)

    expect(page.locator("#draft-restored")).to_be_visible()
    expect(page.locator("#id_age_years")).to_have_value("15")
    expect(page.locator("#id_apparent_minor_0")).to_be_checked()
    expect(page.locator("#id_sex_2")).to_be_checked()
    expect(page.locator("#id_nationality")).to_have_value("GT")
    expect(page.locator("#id_travelling_alone_0")).to_be_checked()
    expect(page.locator("#id_fear_of_return_1")).to_be_checked()
    expect(page.locator("#id_country_of_identification")).to_have_value("MX")

    page.click("#screening-submit")
    expect(page).to_have_url(re.compile(r"/screening/\d+/$"))
    screening = Screening.objects.get()
    assert screening.answers == child(apparent_minor=True)
    expected = evaluate(load_protocol("rcm-2013"), screening.answers, lang="es").to_dict()
    card = page.locator("#profile-unaccompanied_child")
    expect(card.locator("h3")).to_have_text("Niña, niño o adolescente no acompañado")
    expect(card.locator(".explanation")).to_have_text(expected["profiles"][0]["explanation"])
    expect(card.locator(".indicators")).to_contain_text("¿La persona viaja sola")
    expect(page.locator("#urgency")).to_contain_text(expected["urgency"]["reasons"][0])
    expect(page.locator("#actions")).to_contain_text(expected["immediate_actions"][0])
    expect(page.locator("#consular")).to_contain_text("Consulados de Guatemala en México")
    expect(page.locator(".preliminary")).to_be_visible()
    assert page.evaluate(DRAFTS) == []  # submitted: the draft leaves the phone
    assert serious_violations(page) == []

    page.check("#id_decision_unaccompanied_child_0")  # confirm
    page.click("#decisions button[type=submit]")
    expect(page.locator("#attach")).to_be_visible()
    assert serious_violations(page) == []
    page.fill("#id_person-given_names", "Brayanfake")
    page.click("#attach form:has(input[value=new]) button[type=submit]")
    expect(page).to_have_url(re.compile(r"/cases/\d+/(#attach)?$"))  # the fragment carries over
    assert Screening.objects.get().case is not None
    assert [text for text in console if "Content Security Policy" in text] == []


def test_a_restored_draft_brings_back_answers_to_questions_that_show_later(
    settings: Settings, phone_page: Page, live_server: LiveServer, mx_caseworker: User
) -> None:
    settings.AMPARO_REQUIRE_2FA = False
    page = phone_page
    _sign_in(page, live_server, mx_caseworker.username)
    page.goto(f"{live_server.url}/screening/new/")
    page.fill("#id_age_years", "15")
    _tick(page, "#id_travelling_alone_1")  # no
    _tick(page, "#id_accompanying_adult_relationship_4")  # an unrelated adult
    _tick(page, "#id_sex_1")  # female: the pregnancy questions show
    _tick(page, "#id_pregnant_0")  # yes

    page.reload()

    expect(page.locator("#draft-restored")).to_be_visible()
    _settled(page)
    expect(page.locator("#id_accompanying_adult_relationship_4")).to_be_checked()
    expect(page.locator("#id_pregnant_0")).to_be_checked()
    page.click("#draft-discard")
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(page.locator("#id_travelling_alone_2")).to_be_checked()  # unknown again
    expect(page.locator("#q-accompanying_adult_relationship")).to_have_count(0)


def test_signing_out_leaves_no_draft_to_read(
    settings: Settings, phone_page: Page, live_server: LiveServer, mx_caseworker: User
) -> None:
    settings.AMPARO_REQUIRE_2FA = False
    page = phone_page
    _sign_in(page, live_server, mx_caseworker.username)
    secret = _draft_secret(page.goto(f"{live_server.url}/screening/new/"))
    page.fill("#id_age_years", "15")
    _tick(page, "#id_sex_1")  # female
    _expect_sealed_draft(page, secret)
    sealed = page.evaluate(STORED)

    page.click("form[action='/logout/'] button")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert page.evaluate(DRAFTS) == []  # Clear-Site-Data removed it

    # A copy of the draft put back (a backup, another tab) is unreadable in a new session.
    page.evaluate("(entries) => entries.forEach(([k, v]) => localStorage.setItem(k, v))", sealed)
    _sign_in(page, live_server, mx_caseworker.username)
    new_secret = _draft_secret(page.goto(f"{live_server.url}/screening/new/"))
    _settled(page)
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(page.locator("#id_age_years")).to_have_value("")
    assert new_secret != secret
    stored = page.evaluate(STORED)
    assert [raw for _name, raw in stored if raw == sealed[0][1]] == []
