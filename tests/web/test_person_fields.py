"""One decision of what a role sees of a person, walked on every surface that shows one: the
case page, the edit page, the case PDF, the referral slip and the API, as each role."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.models import Case
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Referral, Service
from tests.conftest import PASSWORD
from tests.pdf import pdf_text

PHONE = "+52 55 0000 2222"
DOCUMENT = "HX7654321"
BIRTH = "1990-05-17"
HIDDEN_FROM_OFFICERS = (PHONE, DOCUMENT, BIRTH)


@pytest.fixture
def officer(reference: None) -> User:
    return create_staff_user(
        "olga.mx",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-oim"), Role.FRONT_LINE_OFFICER)],
    )


@pytest.fixture
def shared_case(officer: User, mx_caseworker: User) -> Case:
    """Identified by the officer, assigned to the case manager: all three roles see it."""
    person = register_person(
        PersonData(
            given_names="Walkfake",
            first_surname="Labelsynth",
            sex="female",
            birth_date=dt.date.fromisoformat(BIRTH),
            nationalities=["HN"],
            languages=["es"],
            documents=[{"type": "passport", "number": DOCUMENT, "country": "HN"}],
            phone=PHONE,
        ),
        actor=officer,
        is_synthetic=True,
    )
    agency = Agency.objects.get(code="mx-oim")
    return open_case(person, actor=officer, agency=agency, assigned_to=mx_caseworker)


@pytest.fixture
def referral(login: Callable[[User], Client], mx_caseworker: User, shared_case: Case) -> Referral:
    seed_directory_from_agencies()
    comar = Agency.objects.get(code="mx-comar")
    consent = ConsentInput(purpose="sharing", method="written", recipient=comar)
    record_consent(shared_case, consent, actor=mx_caseworker)
    client = login(mx_caseworker)
    service = Service.objects.get(organization__agency__code="mx-comar")
    client.post(
        f"/cases/{shared_case.pk}/referrals/new/",
        {"service": str(service.pk), "kind": "legal", "urgency": "urgent"},
    )
    found = Referral.objects.get(case=shared_case)
    client.post(f"/referrals/{found.pk}/send/")
    return found


def _surfaces(client: Client, case: Case, referral: Referral) -> dict[str, str]:
    """What each surface shows, as text."""
    person = client.get(f"/api/cases/{case.pk}").json()["person"]
    return {
        "case page": client.get(f"/cases/{case.pk}/").content.decode(),
        "edit page": client.get(f"/cases/{case.pk}/person/").content.decode(),
        "case pdf": pdf_text(client.get(f"/cases/{case.pk}/summary.pdf").content),
        "slip": pdf_text(client.get(f"/referrals/{referral.pk}/slip.pdf").content),
        "api": " ".join(str(value) for value in person.values()),
    }


@pytest.mark.parametrize(
    ("persona", "sees_hidden"),
    [("officer", False), ("mx_caseworker", True), ("mx_supervisor", True)],
)
def test_each_role_sees_on_every_surface_only_the_labels_it_holds(
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    shared_case: Case,
    referral: Referral,
    persona: str,
    sees_hidden: bool,
) -> None:
    client = login(request.getfixturevalue(persona))
    client.cookies["django_language"] = "en"
    surfaces = _surfaces(client, shared_case, referral)
    shown = {
        surface: sorted(value for value in HIDDEN_FROM_OFFICERS if value in text)
        for surface, text in surfaces.items()
    }
    names = {surface: "Walkfake" in text for surface, text in surfaces.items()}
    # The API gives the phone and documents to no one (not in its schema); the edit page does
    # not edit documents (they have their own history).
    full = {
        "case page": sorted(HIDDEN_FROM_OFFICERS),
        "edit page": sorted([BIRTH, PHONE]),
        "case pdf": sorted(HIDDEN_FROM_OFFICERS),
        "slip": sorted(HIDDEN_FROM_OFFICERS),
        "api": [BIRTH],
    }
    expected = full if sees_hidden else {surface: [] for surface in full}
    assert (shown, names) == (expected, dict.fromkeys(full, True))


def test_the_receiving_institution_sees_on_the_slip_what_the_referral_carries(
    login: Callable[[User], Client], referral: Referral
) -> None:
    receiver = create_staff_user(
        "rita.comar",
        password=PASSWORD,
        memberships=[(Agency.objects.get(code="mx-comar"), Role.RECEIVING_OFFICER)],
    )
    text = pdf_text(login(receiver).get(f"/referrals/{referral.pk}/slip.pdf").content)
    assert sorted(value for value in HIDDEN_FROM_OFFICERS if value in text) == sorted(
        HIDDEN_FROM_OFFICERS
    )


def test_the_officer_edit_form_has_no_hidden_field_and_saving_it_keeps_them(
    login: Callable[[User], Client], officer: User, shared_case: Case
) -> None:
    client = login(officer)
    page = client.get(f"/cases/{shared_case.pk}/person/").content.decode()
    response = client.post(
        f"/cases/{shared_case.pk}/person/",
        {
            "version": str(shared_case.version),
            "given_names": "Walkfake",
            "first_surname": "Renamedsynth",
            "sex": "female",
            "nationalities": "HN",
            "languages": "es",
        },
    )
    shared_case.person.refresh_from_db()
    person = shared_case.person
    assert ('name="phone"' in page, 'name="birth_date"' in page, response.status_code) == (
        False,
        False,
        302,
    )
    assert (person.first_surname, person.phone, person.birth_date) == ("Renamedsynth", PHONE, BIRTH)
