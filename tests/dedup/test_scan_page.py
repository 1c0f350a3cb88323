"""A supervisor scans their scope from the review queue's page: POST with CSRF, audited,
a message with the number of pairs added; nobody else can, and nothing outside the scope is
compared."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.dedup.models import DuplicateCandidate
from amparo.people.models import Person
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from tests.conftest import _user
from tests.web.test_resave import _FormReader

Login = Callable[[User], Client]
URL = "/duplicates/scan/"


def _scan_form(page: str) -> dict[str, str]:
    form = page[page.index(f'action="{URL}"') :]
    reader = _FormReader()
    reader.feed(form[: form.index("</form>")])
    return reader.values


def _scans() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.DUPLICATES_SCANNED))


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_the_unchanged_scan_form_posts_back_and_says_how_many_pairs_were_added(
    login: Login,
    mx_supervisor: User,
    registry: list[Person],
    language: str,
) -> None:
    client = login(mx_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/duplicates/").content.decode()
    values = _scan_form(page)
    assert set(values) == {"csrfmiddlewaretoken", "threshold"}
    response = client.post(URL, values, follow=True)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert str(DuplicateCandidate.objects.count()) in shown[0]
    assert [(e.actor_id, e.payload["persons"]) for e in _scans()] == [(mx_supervisor.pk, 10)]


def test_the_message_names_the_pairs_added_and_the_persons_compared(
    login: Login,
    mx_supervisor: User,
    registry: list[Person],
) -> None:
    client = login(mx_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"threshold": "0.5"}, follow=True)
    assert (
        "Scan done: 1 new pair of likely duplicates added to the queue "
        "(10 persons of your agency compared)." in response.content.decode()
    )
    pair = DuplicateCandidate.objects.get()
    assert (pair.person_a_id, pair.person_b_id) == (registry[0].pk, registry[1].pk)
    again = client.post(URL, {"threshold": "0.5"}, follow=True).content.decode()
    assert "Scan done: 0 new pairs of likely duplicates added to the queue" in again


def test_the_post_needs_the_csrf_token(
    login: Login,
    mx_supervisor: User,
    registry: list[Person],
) -> None:
    client = login(mx_supervisor)
    client.handler.enforce_csrf_checks = True
    assert client.post(URL, {"threshold": "0.5"}).status_code == 403
    assert _scans() == []
    assert not DuplicateCandidate.objects.exists()


def test_whoever_supervises_nothing_gets_no_button_and_a_404(
    login: Login,
    mx_caseworker: User,
    gt_caseworker: User,
    registry: list[Person],
) -> None:
    for user in (mx_caseworker, gt_caseworker):
        client = login(user)
        assert URL not in client.get("/duplicates/").content.decode()
        assert client.post(URL, {"threshold": "0.5"}).status_code == 404
    assert _scans() == []
    assert not DuplicateCandidate.objects.exists()


def test_a_supervisor_elsewhere_compares_only_their_own_scope(
    login: Login,
    registry: list[Person],
) -> None:
    guatemalan = _user("gt.super", "gt-oim", Role.SUPERVISOR)
    client = login(guatemalan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"threshold": "0.5"}, follow=True).content.decode()
    assert "0 new pairs" in response
    assert "(0 persons of your agency compared)" in response
    assert not DuplicateCandidate.objects.exists()
    assert [e.payload["persons"] for e in _scans()] == [0]
