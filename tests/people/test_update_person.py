import pytest

from amparo.accounts.models import User
from amparo.lib.conflicts import EditConflict
from amparo.people.domain.cases import find_persons_by_document, update_person
from amparo.people.domain.search import PersonQuery, search_persons
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent


def test_an_update_saves_rebuilds_indexes_and_audits_field_names(
    mx_caseworker: User, mx_case: Case
) -> None:
    update_person(
        mx_case,
        actor=mx_caseworker,
        changes={"first_surname": "Renamedsynth"},
        expected_version=mx_case.version,
    )
    assert Person.objects.get(pk=mx_case.person_id).first_surname == "Renamedsynth"
    found = search_persons(
        mx_caseworker, PersonQuery(given_names="Xiomarafake", first_surname="Renamedsynth")
    )
    assert [m.case.pk for m in found] == [mx_case.pk]
    assert find_persons_by_document("HX1234567") == [mx_case.person_id]
    assert AuditEvent.objects.get(action="person.updated").payload == {"fields": ["first_surname"]}


def test_the_second_editor_gets_a_conflict_with_the_saved_values(
    mx_caseworker: User, mx_supervisor: User, mx_case: Case
) -> None:
    opened_at = mx_case.version
    update_person(
        mx_case,
        actor=mx_supervisor,
        changes={"phone": "+52 55 9999 0000"},
        expected_version=opened_at,
    )
    with pytest.raises(EditConflict) as conflict:
        update_person(
            mx_case,
            actor=mx_caseworker,
            changes={"phone": "+52 55 1111 2222"},
            expected_version=opened_at,
        )
    assert conflict.value.current["phone"] == "+52 55 9999 0000"
    assert conflict.value.current_version == opened_at + 1
    assert Person.objects.get(pk=mx_case.person_id).phone == "+52 55 9999 0000"


def test_only_editable_fields_can_change(mx_caseworker: User, mx_case: Case) -> None:
    with pytest.raises(ValueError, match="not editable"):
        update_person(
            mx_case,
            actor=mx_caseworker,
            changes={"is_synthetic": False},
            expected_version=mx_case.version,
        )
