"""The review queue's shared fixture: a small registry of real encrypted persons."""

import datetime as dt

import pytest

from amparo.accounts.models import Agency, User
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.models import Person

PEOPLE = [
    ("María Guadalupe", "Hernández", "López", dt.date(1991, 3, 12), "HN1000001"),
    ("Ma. Guadalupe", "Hernandes", "", dt.date(1991, 12, 3), "HN1000001"),  # the same woman
    ("José Luis", "Ramírez", "Castro", dt.date(1984, 7, 2), "GT2000002"),
    ("Wilner", "Pierre-Louis", "", dt.date(1995, 1, 20), "HT3000003"),
    ("Ana Sofía", "Mejía", "Paz", dt.date(2001, 9, 9), "SV4000004"),
    ("Carlos", "Guity", "Arzú", dt.date(1979, 4, 30), "HN5000005"),
    ("Fatima", "Rahman", "", dt.date(1993, 6, 15), "BD6000006"),
    ("Jean", "Joseph", "", dt.date(1988, 11, 1), "HT7000007"),
    ("Rosa", "Álvarez", "Núñez", dt.date(1970, 2, 14), "NI8000008"),
    ("Pedro", "Zúñiga", "Flores", dt.date(1999, 8, 8), "HN9000009"),
]


@pytest.fixture
def registry(mx_caseworker: User) -> list[Person]:
    agency = Agency.objects.get(code="mx-oim")
    persons = []
    for given, surname, second, birth, doc in PEOPLE:
        data = PersonData(
            given_names=given,
            first_surname=surname,
            second_surname=second,
            sex="female",
            birth_date=birth,
            nationalities=["HN"],
            documents=[{"type": "passport", "number": doc, "country": "HN"}],
        )
        person = register_person(data, actor=mx_caseworker, is_synthetic=True)
        open_case(person, actor=mx_caseworker, agency=agency, assigned_to=mx_caseworker)
        persons.append(person)
    return persons
