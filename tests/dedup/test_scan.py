"""`amparo dedup scan` over a small registry: real Splink, real encrypted persons."""

import datetime as dt

import pytest
from django.core.management import call_command

from amparo.accounts.models import Agency, User
from amparo.dedup.domain import merge as decisions
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.models import Person
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent

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


def test_the_scan_queues_the_duplicate_with_its_evidence(registry: list[Person]) -> None:
    call_command("dedup", "scan", "--threshold", "0.5")
    pairs = list(DuplicateCandidate.objects.all())
    assert [(p.person_a_id, p.person_b_id) for p in pairs] == [(registry[0].pk, registry[1].pk)]
    compared = {item["comparison"] for item in pairs[0].evidence}
    assert {"given_name", "surnames", "birth_date", "document"} <= compared
    event = AuditEvent.objects.get(action=AuditAction.DUPLICATES_SCANNED)
    assert event.payload == {"persons": 10, "new": 1, "updated": 0}


def test_a_pair_said_not_the_same_never_comes_back(
    registry: list[Person], mx_caseworker: User
) -> None:
    call_command("dedup", "scan", "--threshold", "0.5")
    decisions.mark_not_same(DuplicateCandidate.objects.get(), actor=mx_caseworker)
    call_command("dedup", "scan", "--threshold", "0.5")
    assert [p.status for p in DuplicateCandidate.objects.all()] == [CandidateStatus.NOT_SAME]
