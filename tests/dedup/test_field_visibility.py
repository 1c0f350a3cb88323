"""The pair page and its endpoint show of each person only what the reader's role may read
(people.rules: a front-line officer reads identity, not the exact birth date, documents or
phone), and the evidence of those fields only."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.dedup.models import DuplicateCandidate
from tests.conftest import _user, make_case
from tests.dedup.builders import candidate_for, duplicate_of

Login = Callable[[User], Client]


@pytest.fixture
def officer(reference: None) -> User:
    return _user("flo.mx", "mx-oim", Role.FRONT_LINE_OFFICER)


@pytest.fixture
def officers_pair(officer: User) -> DuplicateCandidate:
    one = make_case(actor=officer, agency_code="mx-oim", given="Unafake", surname="Synth",
                    doc="HN7654321")  # fmt: skip
    return candidate_for(one, duplicate_of(one, actor=officer))


def _page(client: Client, pair: DuplicateCandidate) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/duplicates/{pair.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_front_line_officer_sees_names_but_not_birth_date_documents_phone_or_their_evidence(
    login: Login, officer: User, officers_pair: DuplicateCandidate
) -> None:
    page = _page(login(officer), officers_pair)
    assert "Unafake" in page
    assert "Xiomara Fake" in page
    assert "Synth Synthetica" in page
    assert "1990" in page  # the birth year is identity
    for hidden in ("1990-05-17", "HN7654321", "HX1234567", "0000 1111", "Identity documents"):
        assert hidden not in page
    assert "Not shown to your role" not in page  # hidden for both: no row at all
    # evidence: surnames (5.2) only; the document's (9.1) and the phone's (-1.3) are hidden
    assert "5.2" in page
    assert "9.1" not in page
    assert "-1.3" not in page
    assert "one character different" not in page


def test_a_supervisor_sees_every_field_of_the_same_pair_and_all_its_evidence(
    login: Login, mx_supervisor: User, officers_pair: DuplicateCandidate
) -> None:
    page = _page(login(mx_supervisor), officers_pair)
    for shown in ("Unafake", "1990-05-17", "HN7654321", "HX1234567", "+52 55 0000 1111"):
        assert shown in page
    assert "5.2" in page
    assert "9.1" in page
    assert "-1.3" in page


def test_the_endpoint_hides_the_same_evidence(
    login: Login, officer: User, mx_supervisor: User, officers_pair: DuplicateCandidate
) -> None:
    url = f"/api/duplicates/{officers_pair.pk}"
    seen = [e["comparison"] for e in login(officer).get(url).json()["evidence"]]
    assert seen == ["surnames"]
    seen = [e["comparison"] for e in login(mx_supervisor).get(url).json()["evidence"]]
    assert seen == ["document", "surnames", "phone_n"]


def test_evidence_of_a_comparison_no_field_covers_is_never_shown(
    login: Login, mx_supervisor: User, officers_pair: DuplicateCandidate
) -> None:
    officers_pair.evidence = [{"comparison": "address", "level": 3, "weight": 7.7}]
    officers_pair.save(update_fields=["evidence"])
    page = _page(login(mx_supervisor), officers_pair)
    assert "7.7" not in page
    assert "No evidence about the fields your role may read." in page
