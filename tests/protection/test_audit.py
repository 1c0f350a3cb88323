import pytest
from django.core.management import call_command
from django.db import connection

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event, verify_chain
from amparo.protection.models import AppendOnlyError, AuditEvent


def _events(n: int, actor: User) -> list[AuditEvent]:
    return [record_event("case.viewed", actor=actor, payload={"n": i}) for i in range(n)]


def test_each_event_links_to_the_previous_hash(mx_caseworker: User) -> None:
    first, second, third = _events(3, mx_caseworker)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain().intact


def test_editing_an_event_in_the_database_breaks_the_chain_at_that_event(
    mx_caseworker: User,
) -> None:
    events = _events(4, mx_caseworker)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE protection_auditevent SET action = 'case.forgotten' WHERE id = %s",
            [events[1].pk],
        )
    report = verify_chain()
    assert (report.first_broken_id, report.problem) == (
        events[1].pk,
        "content does not match its hash",
    )


def test_deleting_an_event_breaks_the_link_of_the_next_one(mx_caseworker: User) -> None:
    events = _events(4, mx_caseworker)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM protection_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert (report.first_broken_id, report.problem) == (
        events[3].pk,
        "link to the previous event is broken",
    )


def test_the_application_cannot_change_or_delete_events(mx_caseworker: User) -> None:
    event = _events(1, mx_caseworker)[0]
    event.action = "case.forgotten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")


def test_audit_verify_command_exits_zero_then_names_the_broken_event(
    mx_caseworker: User, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _events(3, mx_caseworker)
    call_command("audit", "verify")
    assert "Audit chain intact: 3 events verified." in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE protection_auditevent SET payload = %s WHERE id = %s",
            ['{"n": 99}', events[1].pk],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"Audit chain BROKEN at event #{events[1].pk}" in capsys.readouterr().err


def test_payloads_refuse_free_form_objects(mx_caseworker: User) -> None:
    with pytest.raises(TypeError, match="must be an id, a code"):
        record_event("case.viewed", actor=mx_caseworker, payload={"person": {"name": "x"}})


def test_creating_a_case_is_audited_without_personal_data(mx_case: Case) -> None:
    events = list(AuditEvent.objects.filter(action__in=["person.created", "case.created"]))
    assert [e.action for e in events] == ["person.created", "case.created"]
    assert events[1].payload == {"agency": "mx-oim", "status": "identified"}
    for event in AuditEvent.objects.all():
        assert "Xiomarafake" not in str(event.payload)
