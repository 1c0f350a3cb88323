"""Appending to the audit chain outside a transaction (a page's read): committed before the
call returns, serialised under concurrency, and nothing left open when the insert fails.

On PostgreSQL this path sends its five statements in two pipelined round trips; these tests
run without the test transaction (`transaction=True`) so that they take it.
"""

import threading
from itertools import pairwise

import pytest
from django.db import IntegrityError, connection, connections

from amparo.protection.domain import audit
from amparo.protection.domain.audit import record_event, verify_chain
from amparo.protection.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _count_from_another_connection() -> int:
    """The number of events another session sees: only what is committed."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM protection_auditevent")
            (count,) = cursor.fetchone()
    finally:
        other.close()
    return int(count)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second session")
def test_an_event_is_committed_before_record_event_returns() -> None:
    before = _count_from_another_connection()
    event = record_event("case.viewed", actor=None, payload={"n": 1})
    assert event.pk is not None
    assert _count_from_another_connection() == before + 1
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert verify_chain().intact


def test_events_link_and_keep_their_ids_and_times_in_order() -> None:
    events = [record_event("case.viewed", actor=None, payload={"n": n}) for n in range(5)]
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert [e.hash for e in stored] == [e.hash for e in events]
    assert all(a.at <= b.at for a, b in pairwise(stored))
    assert all(b.prev_hash == a.hash for a, b in pairwise(stored))
    assert verify_chain().intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer")
def test_concurrent_appends_form_one_unbroken_chain() -> None:
    """Each append reads the head only once it holds the chain lock: two sessions appending
    at once never link to the same event."""
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for n in range(15):
                record_event("case.viewed", actor=None, payload={"worker": worker, "n": n})
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert (report.intact, report.checked) == (True, 60)
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == 60


def test_a_failed_append_writes_nothing_and_leaves_no_transaction_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = record_event("case.viewed", actor=None)
    monkeypatch.setattr(audit, "_event_hash", lambda event, prev: first.hash)  # a duplicate
    with pytest.raises(IntegrityError):
        record_event("case.viewed", actor=None)
    monkeypatch.undo()
    assert not connection.in_atomic_block
    assert connection.get_autocommit()
    assert AuditEvent.objects.count() == 1
    record_event("case.viewed", actor=None)
    report = verify_chain()
    assert (report.intact, report.checked) == (True, 2)
