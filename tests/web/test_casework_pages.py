import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.models import Approval, Consent, Task
from amparo.people.models import Case, Person
from tests.conftest import PASSWORD
from tests.pdf import pdf_text


def test_registration_searches_first_then_opens_a_case(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    search = {"search-given_names": "xiomarafake", "search-first_surname": "QUETZALSYNTH"}
    page = client.post("/register/", {"step": "search", **search})
    assert mx_case.reference in page.content.decode()
    response = client.post(
        "/register/",
        {
            "step": "register",
            "given_names": "Nuevafake",
            "first_surname": "Personasynth",
            "sex": "female",
            "nationalities": "hn, gt",
            "languages": "es",
        },
    )
    case = Case.objects.exclude(pk=mx_case.pk).get()
    assert response.url == f"/cases/{case.pk}/"
    assert (case.person.given_names, case.person.nationalities, case.assigned_to) == (
        "Nuevafake",
        ["HN", "GT"],
        mx_caseworker,
    )


def test_bad_registration_input_names_the_field_and_keeps_what_was_typed(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = "en"
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page = client.post(
        "/register/",
        {
            "step": "register",
            "given_names": "Keptfake",
            "sex": "female",
            "birth_date": future,
            "nationalities": "Honduras1",
        },
    ).content.decode()
    assert "Birth date: The date cannot be in the future." in page
    assert "Not a valid code: HONDURAS1" in page
    assert 'value="Keptfake"' in page
    assert Person.objects.count() == 0


def test_the_caseload_shows_my_cases_and_overdue_tasks(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    Task.objects.create(
        case=mx_case,
        title="Call the shelter",
        due_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        assigned_to=mx_caseworker,
    )
    page = login(mx_caseworker).get("/caseload/").content.decode()
    assert mx_case.reference in page
    assert "Call the shelter" in page


def test_consent_form_records_and_the_case_page_lists_it(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    assert (
        "Vamos a anotar sus datos"
        in client.get(f"/cases/{mx_case.pk}/consents/new/").content.decode()
    )
    response = client.post(
        f"/cases/{mx_case.pk}/consents/new/",
        {
            "purpose": "assistance",
            "legal_basis": "consent",
            "method": "written",
            "language": "ht",
            "given_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(case=mx_case).language == "ht"


def test_closing_from_the_page_asks_the_supervisor_who_approves(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    login(mx_caseworker).post(
        f"/cases/{mx_case.pk}/close/", {"reason": "objectives_met", "version": mx_case.version}
    )
    approval = Approval.objects.get(case=mx_case)
    supervisor = login(mx_supervisor)
    assert mx_case.reference in supervisor.get("/approvals/").content.decode()
    supervisor.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"})
    assert Case.objects.get(pk=mx_case.pk).status == "closed"


def test_a_case_manager_cannot_decide_approvals(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    client.post(
        f"/cases/{mx_case.pk}/close/", {"reason": "objectives_met", "version": mx_case.version}
    )
    approval = Approval.objects.get(case=mx_case)
    assert (
        client.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"}).status_code == 404
    )
    assert client.get("/approvals/").status_code == 404


def test_two_editors_of_one_person_lose_nothing(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    first, second = login(mx_caseworker), login(mx_supervisor)
    form = {
        "given_names": "Xiomarafake",
        "first_surname": "Quetzalsynth",
        "sex": "female",
        "version": mx_case.version,
    }
    first.post(f"/cases/{mx_case.pk}/person/", {**form, "phone": "+52 1 first"})
    page = second.post(
        f"/cases/{mx_case.pk}/person/",
        {**form, "phone": "+52 2 second"},
        headers={"accept-language": "en"},
    )
    html = page.content.decode()
    assert "Someone else saved" in html
    assert "+52 1 first" in html  # what is saved now
    assert 'value="+52 2 second"' in html  # what this editor typed, kept in the form
    assert Person.objects.get(pk=mx_case.person_id).phone == "+52 1 first"


def test_two_editors_of_one_plan_lose_nothing(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    first, second = login(mx_caseworker), login(mx_supervisor)
    first.post(
        f"/cases/{mx_case.pk}/plan/",
        {"version": 1, "goal_0": "Safe shelter", "goal_0_status": "planned"},
    )
    html = second.post(
        f"/cases/{mx_case.pk}/plan/",
        {"version": 1, "goal_0": "Asylum claim filed", "goal_0_status": "planned"},
    ).content.decode()
    assert "Safe shelter" in html
    assert "Asylum claim filed" in html
    assert mx_case.plan.goals.get().description == "Safe shelter"


@pytest.mark.parametrize(
    ("language", "heading"), [("es", "Resumen del caso"), ("en", "Case summary"), ("fr", "dossier")]
)
def test_the_case_summary_pdf_speaks_the_readers_language(
    login: Callable[[User], Client],
    mx_caseworker: User,
    mx_case: Case,
    language: str,
    heading: str,
) -> None:
    client = login(mx_caseworker)
    client.cookies["django_language"] = language
    response = client.get(f"/cases/{mx_case.pk}/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert heading in text
    assert "HX1234567" in text


def test_a_front_line_officer_pdf_leaves_out_documents_and_phone(
    login: Callable[[User], Client], reference: None
) -> None:
    from tests.conftest import make_case

    officer = create_staff_user(
        "off.mx",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-oim"), Role.FRONT_LINE_OFFICER)],
    )
    case = make_case(
        actor=officer, agency_code="mx-oim", given="Linafake", surname="Frontsynth", doc="ZZ9988776"
    )
    text = pdf_text(login(officer).get(f"/cases/{case.pk}/summary.pdf").content)
    assert "Linafake" in text
    assert "ZZ9988776" not in text
    assert "0000 1111" not in text
