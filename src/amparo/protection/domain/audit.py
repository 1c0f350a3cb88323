"""Writing and verifying the audit chain.

Every read and change of a case is recorded here, from the domain layer (never from signals).
Payloads hold ids and codes only: the audit log must be shareable with an auditor without
exposing anyone.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from amparo.protection.models import GENESIS_HASH, AuditEvent

# An arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 4242_0001


def _event_hash(event: AuditEvent, prev_hash: str) -> str:
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
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


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
    BEGIN IMMEDIATE), reads the last hash, inserts the event. Runs inside the caller's
    transaction when there is one, so the event and the change it records commit together.
    """
    data = payload or {}
    _check_payload(data)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or GENESIS_HASH
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            action=action,
            subject_type=subject._meta.model_name or "" if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            payload=data,
            prev_hash=prev_hash,
        )
        event.hash = _event_hash(event, prev_hash)
        event.save()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainReport:
    """Walk the chain in order and name the first event whose link or content is broken."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "link to the previous event is broken")
        if _event_hash(event, event.prev_hash) != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash")
        expected_prev = event.hash
    return ChainReport(checked, None, "")
