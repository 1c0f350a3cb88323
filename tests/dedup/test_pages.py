"""The review queue in the browser's pages and in the API: happy path, outsider, languages."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate
from amparo.people.models import Case
from tests.conftest import _user, make_case
from tests.dedup.builders import candidate_for, duplicate_of

Login = Callable[[User], Client]


@pytest.fixture
def pair(mx_case: Case, mx_caseworker: User) -> DuplicateCandidate:
    return candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker))


def _in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_queue_lists_the_pair_and_the_pair_page_shows_the_evidence(
    login: Login, mx_caseworker: User, pair: DuplicateCandidate
) -> None:
    client = _in_english(login(mx_caseworker))
    listing = client.get("/duplicates/").content.decode()
    assert f"/duplicates/{pair.pk}/" in listing
    page = client.get(f"/duplicates/{pair.pk}/").content.decode()
    assert "Xiomara Fake" in page
    assert "Xiomarafake" in page
    assert "one character different" not in page
    assert "sound the same, or one surname in the other&#x27;s place" in page
    assert "strong evidence of the same person" in page
    assert "Propose a merge" in page


def test_propose_then_approve_then_unmerge_through_the_pages(
    login: Login, mx_caseworker: User, mx_supervisor: User, pair: DuplicateCandidate
) -> None:
    login(mx_caseworker).post(f"/duplicates/{pair.pk}/propose/")
    supervisor = _in_english(login(mx_supervisor))
    response = supervisor.post(f"/duplicates/{pair.pk}/approve/", follow=True)
    assert "Merged: the cases are now under one person." in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.MERGED
    supervisor.post(f"/duplicates/{pair.pk}/unmerge/")
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert Case.objects.filter(person_id=pair.person_b_id).count() == 1


def test_a_refused_decision_says_why(
    login: Login, mx_caseworker: User, pair: DuplicateCandidate
) -> None:
    client = _in_english(login(mx_caseworker))
    response = client.post(f"/duplicates/{pair.pk}/approve/", follow=True)
    assert "Only a proposed merge can be approved." in response.content.decode()


def test_the_outsider_gets_404_on_every_page_and_endpoint(
    login: Login, gt_caseworker: User, pair: DuplicateCandidate
) -> None:
    client = login(gt_caseworker)
    assert "Xiomara" not in client.get("/duplicates/").content.decode()
    assert client.get("/api/duplicates").json() == []
    for url in (f"/duplicates/{pair.pk}/", f"/api/duplicates/{pair.pk}"):
        assert client.get(url).status_code == 404
    for url in (f"/duplicates/{pair.pk}/propose/", f"/api/duplicates/{pair.pk}/propose"):
        assert client.post(url).status_code == 404
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.OPEN


def test_the_api_reviews_and_decides_like_the_pages(
    login: Login, mx_caseworker: User, mx_supervisor: User, pair: DuplicateCandidate
) -> None:
    client = login(mx_caseworker)
    assert client.get("/api/duplicates").json() == [
        {"id": pair.pk, "person_a": pair.person_a_id, "person_b": pair.person_b_id,
         "probability": 0.998, "status": "open"}
    ]  # fmt: skip
    detail = client.get(f"/api/duplicates/{pair.pk}").json()
    assert [(e["comparison"], e["level"], e["weight"]) for e in detail["evidence"]] == [
        ("document", 2, 9.1), ("surnames", 2, 5.2), ("phone_n", 0, -1.3),
    ]  # fmt: skip
    assert detail["evidence"][0]["field"] == "Documento de identidad"  # her language: es
    assert client.post(f"/api/duplicates/{pair.pk}/propose").json()["status"] == "proposed"
    refused = client.post(f"/api/duplicates/{pair.pk}/approve")
    assert refused.status_code == 409
    # her language: es ("Only a supervisor can approve or undo a merge.")
    assert refused.json()["detail"] == "Solo un supervisor puede aprobar o deshacer una fusión."
    approved = login(mx_supervisor).post(f"/api/duplicates/{pair.pk}/approve")
    assert approved.json()["status"] == "merged"


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_the_pages_render_in_each_language(
    login: Login, mx_caseworker: User, pair: DuplicateCandidate, language: str
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = language
    for url in ("/duplicates/", f"/duplicates/{pair.pk}/"):
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/duplicates/").status_code == 200
    return len(context.captured_queries)


def test_the_queue_costs_the_same_at_one_and_three_pairs(
    login: Login, mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker))
    one = _queries(client)
    for index in range(2):
        other = make_case(actor=mx_caseworker, agency_code="mx-oim", given=f"Xio{index}",
                          surname="Quetzalsynth")  # fmt: skip
        candidate_for(mx_case, other)
    assert _queries(client) == one


def test_a_front_line_officer_cannot_propose(
    login: Login, mx_case: Case, mx_caseworker: User
) -> None:
    officer = _user("flo.mx", "mx-oim", Role.FRONT_LINE_OFFICER)
    one = make_case(actor=officer, agency_code="mx-oim", given="Unafake", surname="Synth")
    pair = candidate_for(one, duplicate_of(one, actor=officer))
    client = _in_english(login(officer))
    response = client.post(f"/duplicates/{pair.pk}/propose/", follow=True)
    assert "Only a case manager or a supervisor can propose a merge." in response.content.decode()
