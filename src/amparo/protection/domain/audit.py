"""Writing and verifying the audit chain.

Every read and change of a case is recorded here, from the domain layer (never from signals).
Payloads hold ids and codes only: the audit log must be shareable with an auditor without
exposing anyone.

Each event's `hash` is an HMAC-SHA256 under the audit key, which is kept with the other keys
outside the database: whoever can write to the database can change rows but cannot recompute
the chain. Chains written before the key existed (plain SHA-256) are re-keyed once with
`amparo audit rekey`, after their plain hashes have been verified.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from amparo.protection import crypto
from amparo.protection.enums import AuditAction
from amparo.protection.models import GENESIS_HASH, AuditEvent

# An arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 4242_0001


def _canonical(event: AuditEvent, prev_hash: str) -> bytes:
    content = {
        "prev": prev_hash,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "payload": event.payload,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return canonical.encode("ascii")


def _event_hash(event: AuditEvent, prev_hash: str) -> str:
    return crypto.audit_mac(_canonical(event, prev_hash))


def _unkeyed_hash(event: AuditEvent, prev_hash: str) -> str:
    """The plain SHA-256 of chains written before the audit key existed."""
    return hashlib.sha256(_canonical(event, prev_hash)).hexdigest()


def _check_payload(payload: dict[str, Any]) -> None:
    for key, value in payload.items():
        if not isinstance(value, (int, bool, type(None), str, list)):
            raise TypeError(f"audit payload {key!r} must be an id, a code or a list of them")


def record_event(
    action: str,
    *,
    actor: Model | None,
    subject: Model | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Effects: takes the chain lock (PostgreSQL advisory lock; SQLite serialises writers with
    BEGIN IMMEDIATE), reads the last hash, inserts the event, in one transaction. Runs inside
    the caller's transaction when there is one, so the event and the change it records commit
    together; otherwise the event is committed (a real, synchronous COMMIT) before this returns.
    """
    data = payload or {}
    _check_payload(data)
    event = AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        action=action,
        subject_type=subject._meta.model_name or "" if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        payload=data,
    )
    if connection.vendor == "postgresql" and connection.get_autocommit() and _can_pipeline():
        _append_in_two_round_trips(event)
        return event
    with transaction.atomic():
        _lock_chain()
        _link(event, AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first())
        event.save()
    return event


def _link(event: AuditEvent, last_hash: str | None) -> None:
    """Chain `event` after the head whose hash is `last_hash`; called under the chain lock, so
    the times of the events follow their order."""
    event.at = timezone.now()
    event.prev_hash = last_hash or GENESIS_HASH
    event.hash = _event_hash(event, event.prev_hash)


def _can_pipeline() -> bool:
    """psycopg's pipeline mode needs libpq 14 or newer (the binary package bundles one)."""
    from psycopg import Pipeline

    return bool(Pipeline.is_supported())


def _append_in_two_round_trips(event: AuditEvent) -> None:
    """The same transaction as `record_event`'s (BEGIN, chain lock, head, INSERT, COMMIT), sent
    to PostgreSQL as two pipelined batches instead of five round trips: BEGIN, the lock and
    the head read go together; the INSERT and the COMMIT go together. PostgreSQL still runs
    the statements one after another: the head is read after the lock is held (each statement
    of READ COMMITTED sees what was committed before it started), and the COMMIT is the usual
    synchronous one, whose answer is awaited before this returns.

    Only outside a transaction (autocommit): inside one, BEGIN has been sent already.
    """
    from psycopg import pq

    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    head_sql = f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1"  # noqa: S608
    with connection.cursor() as control, connection.cursor() as head, connection.cursor() as insert:
        raw = connection.connection
        try:
            # Errors surface when the pipeline syncs: raised as Django's (IntegrityError...).
            with connection.wrap_database_errors, raw.pipeline():
                control.execute("BEGIN")
                control.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
                head.execute(head_sql)
                row = head.fetchone()  # the first round trip
                _link(event, row[0] if row else None)
                insert.execute(*_insert_sql(event))
                control.execute("COMMIT")
            # Leaving the pipeline sent the INSERT and the COMMIT and awaited both answers.
        except BaseException:
            if raw.info.transaction_status != pq.TransactionStatus.IDLE:
                try:
                    raw.rollback()
                except Exception:  # a broken connection: closing it ends the transaction
                    connection.close()
            raise
        (event.pk,) = insert.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


def _insert_sql(event: AuditEvent) -> tuple[str, tuple[Any, ...]]:
    """The INSERT ... RETURNING id that `event.save()` would send (Django prepares the values)."""
    from django.db.models.sql import InsertQuery

    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, [event])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [AuditEvent._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str
    head_id: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


UNKEYED = "the chain is not keyed yet (plain SHA-256): run 'amparo audit rekey'"


def verify_chain() -> ChainReport:
    """Walk the chain in order and name the first event whose link or content is broken.

    An event whose hash is the plain SHA-256 of its content was written before the chain was
    keyed (or recomputed by someone without the key); it is reported as such, never accepted.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    head_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "link to the previous event is broken")
        if _event_hash(event, event.prev_hash) != event.hash:
            unkeyed = _unkeyed_hash(event, event.prev_hash) == event.hash
            problem = UNKEYED if unkeyed else "content does not match its hash"
            return ChainReport(checked, event.pk, problem)
        expected_prev, head_id = event.hash, event.pk
    return ChainReport(checked, None, "", head_id, expected_prev)


@dataclass(frozen=True)
class RekeyReport:
    rekeyed: int
    already_keyed: int


def rekey_chain() -> RekeyReport:
    """Re-key a chain written with plain SHA-256 (or partly so) under the audit key.

    Effects: verifies every link and every hash first (plain or keyed, nothing else is
    accepted, so a tampered chain is refused before anything changes), then rewrites every
    hash and link as HMAC-SHA256 in one transaction under the chain lock, and appends an
    `audit.rekeyed` event. Nothing is changed when the check fails.
    """
    with transaction.atomic():
        _lock_chain()
        rows = list(AuditEvent.objects.order_by("id"))
        expected_prev = GENESIS_HASH
        for event in rows:
            keyed = _event_hash(event, event.prev_hash) == event.hash
            plain = _unkeyed_hash(event, event.prev_hash) == event.hash
            if event.prev_hash != expected_prev or not (keyed or plain):
                raise ChainBrokenError(event.pk)
            expected_prev = event.hash
        rekeyed = _rewrite_hashes(rows)
        report = RekeyReport(rekeyed, len(rows) - rekeyed)
        record_event(AuditAction.CHAIN_REKEYED, actor=None, payload={"rekeyed": rekeyed})
    return report


class ChainBrokenError(RuntimeError):
    def __init__(self, event_id: int) -> None:
        super().__init__(
            f"Audit chain BROKEN at event #{event_id}: it matches neither its plain nor its "
            "keyed hash, or its link is wrong. Nothing was re-keyed."
        )


def _rewrite_hashes(rows: list[AuditEvent]) -> int:
    """Recompute links and keyed hashes in order; raw SQL, as the model is append-only."""
    qn = connection.ops.quote_name
    table = qn(AuditEvent._meta.db_table)
    prev, changed = GENESIS_HASH, 0
    with connection.cursor() as cursor:
        for event in rows:
            new_hash = _event_hash(event, prev)
            if (event.prev_hash, event.hash) != (prev, new_hash):
                # Two passes through a temporary value would be needed only if a new hash
                # equalled another row's old one, which HMAC makes impossible in practice.
                cursor.execute(
                    f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                    [prev, new_hash, event.pk],
                )
                changed += 1
            prev = new_hash
    return changed


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def chain_head() -> tuple[int, int | None, str]:
    """The number of events, the id of the newest and its hash (GENESIS_HASH when empty)."""
    count = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return (count, last[0], last[1]) if last else (0, None, GENESIS_HASH)


def head_is_keyed() -> bool:
    """Whether the newest event carries a keyed hash (cheap: one row, checked at start-up)."""
    last = AuditEvent.objects.order_by("-id").first()
    return last is None or _event_hash(last, last.prev_hash) == last.hash
