"""The screening gate: a screening is visible to whoever may see its case; before it is
attached, to its officer and the supervisors of its agency. Everyone else gets 404 on every
page and endpoint, with nothing of it in the answer."""

from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User
from amparo.people.models import Case
from amparo.screening.domain.queries import get_screening_for, screenings_visible_to
from amparo.screening.domain.screenings import attach_to_case, decide_profiles
from amparo.screening.models import Screening
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def _urls(screening: Screening) -> list[tuple[str, str]]:
    base = f"/screening/{screening.pk}/"
    return [
        ("get", base),
        ("post", f"{base}decide/"),
        ("post", f"{base}attach/"),
        ("get", f"/api/screenings/{screening.pk}"),
    ]


def _attached(screening: Screening, user: User, case: Case) -> Screening:
    decide_profiles(screening, actor=user, decisions={"unaccompanied_child": (True, "")})
    attach_to_case(screening, actor=user, case=case)
    return screening


def _sees(user: User, screening: Screening) -> bool:
    try:
        get_screening_for(user, screening.pk)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("attached", [False, True])
def test_the_guatemalan_caseworker_gets_404_everywhere_and_sees_nothing(
    login: Callable[[User], Client],
    gt_caseworker: User,
    mx_caseworker: User,
    mx_screening: Screening,
    mx_case: Case,
    attached: bool,
) -> None:
    if attached:
        _attached(mx_screening, mx_caseworker, mx_case)
    client = login(gt_caseworker)
    data = {"mode": "existing", "decision_unaccompanied_child": "reject"}
    for method, url in _urls(mx_screening):
        response = getattr(client, method)(url, data if method == "post" else None)
        body = response.content.decode()
        assert response.status_code == 404, url
        for secret in ["unaccompanied", "no acompañado", "Quetzalsynth", mx_case.reference]:
            assert secret not in body, url
    assert list(screenings_visible_to(gt_caseworker)) == []
    listed = client.get("/screening/").content.decode()
    assert f"/screening/{mx_screening.pk}/" not in listed
    assert client.get("/api/screenings").json() == []
    assert Screening.objects.get().status == ("reviewed" if attached else "submitted")


def test_before_attachment_its_officer_and_the_agencys_supervisors_see_it(
    mx_caseworker: User, mx_supervisor: User, trainer: User, mx_screening: Screening
) -> None:
    colleague = _user("otra.mx", "mx-oim", Role.CASE_MANAGER)
    front_line = _user("primera.mx", "mx-oim", Role.FRONT_LINE_OFFICER)
    assert _sees(mx_caseworker, mx_screening)
    assert _sees(mx_supervisor, mx_screening)
    assert not _sees(colleague, mx_screening)
    assert not _sees(front_line, mx_screening)
    assert not _sees(trainer, mx_screening)


def test_a_supervisor_of_another_agency_does_not_see_it(mx_screening: Screening) -> None:
    elsewhere = _user("sup.comar", "mx-comar", Role.SUPERVISOR)
    assert not _sees(elsewhere, mx_screening)


def test_an_officer_whose_membership_ended_no_longer_sees_it(
    mx_caseworker: User, mx_screening: Screening
) -> None:
    Membership.objects.filter(user=mx_caseworker).update(active=False)
    assert not _sees(mx_caseworker, mx_screening)


def test_once_attached_whoever_sees_the_case_sees_the_screening(
    mx_caseworker: User, mx_supervisor: User, mx_screening: Screening, mx_case: Case
) -> None:
    colleague = _user("otra.mx", "mx-oim", Role.CASE_MANAGER)
    _attached(mx_screening, mx_caseworker, mx_case)
    mx_case.assigned_to = colleague
    mx_case.created_by = colleague
    mx_case.save(update_fields=["assigned_to", "created_by"])
    assert _sees(colleague, mx_screening)
    assert _sees(mx_supervisor, mx_screening)
    assert not _sees(mx_caseworker, mx_screening)  # the case is no longer hers


def test_a_screening_that_does_not_exist_answers_404(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    assert client.get("/screening/999999/").status_code == 404
    assert client.get("/api/screenings/999999").status_code == 404


def test_signed_out_visitors_see_no_screening(client: Client, mx_screening: Screening) -> None:
    assert client.get(f"/screening/{mx_screening.pk}/").status_code == 302
    assert client.get(f"/api/screenings/{mx_screening.pk}").status_code == 401
