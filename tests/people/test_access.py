import pytest
from django.http import Http404

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, Membership, User
from amparo.people.domain.queries import cases_visible_to, get_case_for
from amparo.people.models import Case
from tests.conftest import PASSWORD, make_case


def test_the_assigned_case_manager_sees_her_case(mx_caseworker: User, mx_case: Case) -> None:
    assert get_case_for(mx_caseworker, mx_case.pk) == mx_case


def test_the_supervisor_sees_every_case_of_her_agency(mx_supervisor: User, mx_case: Case) -> None:
    assert get_case_for(mx_supervisor, mx_case.pk) == mx_case


def test_another_country_gets_404(gt_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(Http404):
        get_case_for(gt_caseworker, mx_case.pk)


def test_a_missing_case_and_a_hidden_case_look_the_same(gt_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(Http404) as hidden:
        get_case_for(gt_caseworker, mx_case.pk)
    with pytest.raises(Http404) as missing:
        get_case_for(gt_caseworker, 999_999)
    assert str(hidden.value) == str(missing.value)


def test_a_colleague_at_the_same_agency_without_assignment_sees_nothing(
    reference: None, mx_case: Case
) -> None:
    colleague = create_staff_user(
        "otro.mx",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-oim"), Role.CASE_MANAGER)],
    )
    assert list(cases_visible_to(colleague)) == []


def test_a_supervisor_at_another_agency_of_the_same_country_sees_nothing(
    reference: None, mx_case: Case
) -> None:
    other = create_staff_user(
        "sup.comar",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-comar"), Role.SUPERVISOR)],
    )
    assert list(cases_visible_to(other)) == []


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAINER,
        Role.TRAINEE,
        Role.ADMINISTRATOR,
        Role.REGIONAL_ANALYST,
        Role.RECEIVING_OFFICER,
        Role.FOCAL_POINT,
    ],
)
def test_roles_without_casework_see_no_case_even_at_the_same_agency(
    reference: None, mx_case: Case, role: Role
) -> None:
    user = create_staff_user(
        f"r-{role}", password=PASSWORD, memberships=[(Agency.objects.get(code="mx-oim"), role)]
    )
    assert list(cases_visible_to(user)) == []


def test_an_inactive_membership_opens_nothing(mx_supervisor: User, mx_case: Case) -> None:
    Membership.objects.filter(user=mx_supervisor).update(active=False)
    assert list(cases_visible_to(mx_supervisor)) == []


def test_an_inactive_user_sees_nothing(mx_caseworker: User, mx_case: Case) -> None:
    mx_caseworker.is_active = False
    assert list(cases_visible_to(mx_caseworker)) == []


def test_a_front_line_officer_sees_the_cases_she_opened(reference: None) -> None:
    officer = create_staff_user(
        "off.mx",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-oim"), Role.FRONT_LINE_OFFICER)],
    )
    case = make_case(actor=officer, agency_code="mx-oim", given="Linafake", surname="Frontsynth")
    assert list(cases_visible_to(officer)) == [case]
