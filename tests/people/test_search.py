"""Search before create: tolerant of accents, case, a missing second surname, swapped
surnames, small typos, nicknames and document formats, and blind to other agencies' people."""

import datetime as dt

import pytest

from amparo.accounts.models import Agency, User
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.domain.search import PersonQuery, search_persons
from amparo.people.models import Case
from amparo.protection.models import AuditEvent


@pytest.fixture
def known(mx_caseworker: User) -> Case:
    person = register_person(
        PersonData(
            given_names="José María",
            first_surname="Hernández",
            second_surname="de la Cruz",
            birth_date=dt.date(1994, 6, 2),
            documents=[{"type": "passport", "number": "C0-1234567", "country": "HN"}],
        ),
        actor=mx_caseworker,
        is_synthetic=True,
    )
    return open_case(
        person,
        actor=mx_caseworker,
        agency=Agency.objects.get(code="mx-oim"),
        assigned_to=mx_caseworker,
    )


@pytest.mark.parametrize(
    "query",
    [
        PersonQuery(
            given_names="jose maria", first_surname="HERNANDEZ", second_surname="DE LA CRUZ"
        ),
        PersonQuery(given_names="José María", first_surname="Hernández"),  # second surname missing
        PersonQuery(
            given_names="José María", first_surname="Cruz", second_surname="Hernández"
        ),  # swapped
        PersonQuery(
            given_names="Jose Maria", first_surname="Hernandes", second_surname="Cruz"
        ),  # typo
        PersonQuery(
            given_names="Pepe", first_surname="Hernández", second_surname="de la Cruz"
        ),  # nickname
        PersonQuery(document_number="c0 1234567"),  # document, another format
    ],
)
def test_the_known_person_is_found(mx_caseworker: User, known: Case, query: PersonQuery) -> None:
    matches = search_persons(mx_caseworker, query)
    assert [m.case for m in matches] == [known]
    assert matches[0].reasons != []


def test_a_document_match_says_so_and_scores_highest(mx_caseworker: User, known: Case) -> None:
    match = search_persons(mx_caseworker, PersonQuery(document_number="C01234567"))[0]
    assert match.score == 100
    assert "Same identity document number." in match.reasons


def test_a_close_birth_year_is_a_reason(mx_caseworker: User, known: Case) -> None:
    query = PersonQuery(given_names="José María", first_surname="Hernández", birth_year=1995)
    assert "Birth year within 1 year." in search_persons(mx_caseworker, query)[0].reasons


def test_a_different_person_is_not_suggested(mx_caseworker: User, known: Case) -> None:
    assert (
        search_persons(mx_caseworker, PersonQuery(given_names="Wilmer", first_surname="Batres"))
        == []
    )


def test_people_of_another_agency_are_never_suggested(gt_caseworker: User, known: Case) -> None:
    assert search_persons(gt_caseworker, PersonQuery(document_number="C01234567")) == []
    assert (
        search_persons(
            gt_caseworker, PersonQuery(given_names="José María", first_surname="Hernández")
        )
        == []
    )


def test_searching_is_audited_without_the_terms(mx_caseworker: User, known: Case) -> None:
    search_persons(mx_caseworker, PersonQuery(given_names="José María", first_surname="Hernández"))
    assert AuditEvent.objects.get(action="persons.searched").payload == {"matches": 1}
