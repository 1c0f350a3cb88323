"""Edits that could lose data or save nonsense, and the one age rule."""

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.people.domain.cases import PersonData, open_case, register_person, update_person
from amparo.people.domain.search import PersonQuery, search_persons
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent


def _person(birth_date: str = "", birth_year: int | None = None) -> Person:
    return Person(given_names="Agefake", birth_date=birth_date, birth_year=birth_year)


@pytest.mark.parametrize(
    ("birth_date", "day", "age"),
    [
        ("2008-06-15", dt.date(2026, 6, 14), 17),  # the day before the 18th birthday
        ("2008-06-15", dt.date(2026, 6, 15), 18),
        ("2008-02-29", dt.date(2026, 2, 28), 17),  # born on 29 February: 18 on 1 March
        ("2008-02-29", dt.date(2026, 3, 1), 18),
        ("2008-12-31", dt.date(2026, 1, 1), 17),
    ],
)
def test_age_counts_whole_years_from_the_birth_date(
    birth_date: str, day: dt.date, age: int
) -> None:
    assert _person(birth_date=birth_date).age_on(day) == age


def test_with_only_the_year_the_age_is_the_youngest_possible_and_unknown_is_none() -> None:
    assert (
        _person(birth_year=2008).age_on(dt.date(2026, 6, 1)),
        _person(birth_year=2008).age_on(dt.date(2026, 12, 31)),
        _person().age_on(dt.date(2026, 6, 1)),
    ) == (17, 18, None)


def test_the_case_page_counts_a_person_turning_18_tomorrow_as_a_child(
    mx_caseworker: User,
) -> None:
    from amparo.web.views.cases import is_child

    today = timezone.localdate()
    born = dt.date(today.year - 18, today.month, today.day) + dt.timedelta(days=1)
    assert is_child(_person(birth_date=born.isoformat(), birth_year=born.year)) is True


def test_an_update_that_changes_nothing_writes_nothing(mx_caseworker: User, mx_case: Case) -> None:
    version = mx_case.version
    update_person(
        mx_case,
        actor=mx_caseworker,
        changes={"given_names": "Xiomarafake", "birth_date": "1990-05-17", "languages": ["es"]},
        expected_version=version,
    )
    mx_case.refresh_from_db()
    assert (mx_case.version, AuditEvent.objects.filter(action="person.updated").count()) == (
        version,
        0,
    )


def test_an_update_is_validated_naming_each_field_and_saves_nothing(
    mx_caseworker: User, mx_case: Case
) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as refused:
        update_person(
            mx_case,
            actor=mx_caseworker,
            changes={"given_names": " ", "birth_date": tomorrow, "nationalities": ["Mexico"]},
            expected_version=mx_case.version,
        )
    person = Person.objects.get(pk=mx_case.person_id)
    assert sorted(refused.value.message_dict) == ["birth_date", "given_names", "nationalities"]
    assert (person.given_names, person.birth_date, person.nationalities) == (
        "Xiomarafake",
        "1990-05-17",
        ["HN"],
    )
    assert AuditEvent.objects.filter(action="person.updated").count() == 0


def test_an_update_with_a_date_that_is_not_a_date_names_the_field(
    mx_caseworker: User, mx_case: Case
) -> None:
    with pytest.raises(ValidationError) as refused:
        update_person(
            mx_case,
            actor=mx_caseworker,
            changes={"birth_date": "17/05/1990"},
            expected_version=mx_case.version,
        )
    assert refused.value.message_dict == {"birth_date": ["Not a date: '17/05/1990'."]}


def _new_person(actor: User) -> Person:
    return register_person(PersonData(given_names="Yearfake", sex="female"), actor=actor)


def test_the_case_reference_takes_the_year_of_the_node_not_of_utc(mx_caseworker: User) -> None:
    # 31 December, 23:30 in Mexico City (the node's time zone) is already 1 January in UTC.
    # The clock is the one thing replaced: nothing else can put a test at that instant.
    instant = dt.datetime(2026, 12, 31, 23, 30, tzinfo=zoneinfo.ZoneInfo("America/Mexico_City"))
    person = _new_person(mx_caseworker)
    with mock.patch("django.utils.timezone.now", return_value=instant.astimezone(dt.UTC)):
        case = open_case(person, actor=mx_caseworker, agency=Agency.objects.get(code="mx-oim"))
    assert case.reference == f"MX-2026-{case.pk:06d}"


def test_a_case_cannot_open_at_an_unknown_or_closed_stage(mx_caseworker: User) -> None:
    person = _new_person(mx_caseworker)
    agency = Agency.objects.get(code="mx-oim")
    for status in ("nonsense", "closed"):
        with pytest.raises(ValidationError) as refused:
            open_case(person, actor=mx_caseworker, agency=agency, status=status)
        assert list(refused.value.message_dict) == ["status"]
    assert Case.objects.filter(person=person).count() == 0


def test_a_birth_year_one_year_away_reads_in_the_singular(
    mx_caseworker: User, mx_case: Case
) -> None:
    query = PersonQuery(given_names="Xiomarafake", first_surname="Quetzalsynth", birth_year=1991)
    found = search_persons(mx_caseworker, query)
    assert "Birth year within 1 year." in found[0].reasons
