"""The outbox worker and the file transport.

Delivery is at-least-once and in order per peer: the oldest pending envelope of a peer goes
first, and a peer's queue waits while its head waits (a failed attempt backs off
exponentially, up to an hour). All state is in the database, so a killed worker resumes
where it stopped; the receiver stores by envelope id, so a repeat costs nothing.
"""

import contextlib
import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from amparo.federation.domain.crossborder import PURPOSE_OF_KIND
from amparo.federation.domain.envelope import EnvelopeRefused
from amparo.federation.domain.identity import this_node
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.enums import (
    CrossBorderKind,
    EnvelopeType,
    FederationAudit,
    OutboxStatus,
    RefusalCode,
    Transport,
)
from amparo.federation.models import OutboundEnvelope, Peer
from amparo.protection.domain.audit import record_event
from amparo.referrals.domain.safety import check_recipient_allowed

INBOX_PATH = "/api/federation/inbox"
MAX_BACKOFF = dt.timedelta(hours=1)
EXPORT_FORMAT = "amparo-envelopes/1"
TOO_MANY_REQUESTS = 429


class PeerUnreachable(Exception):
    """The peer did not answer (or answered with a server error): try again later."""


# (url, sealed envelope) -> (HTTP status, decoded JSON answer)
Poster = Callable[[str, str], tuple[int, dict[str, Any]]]


def http_post(url: str, token: str, *, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310  (the URL is a pinned peer's, http(s) only)
        url,
        data=token.encode("ascii"),
        headers={"Content-Type": "application/jose", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise PeerUnreachable(f"HTTP {error.code}") from None
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            raise PeerUnreachable(f"HTTP {error.code} without a JSON answer") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PeerUnreachable(str(error)[:60]) from None


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)
    stopped: list[dict[str, str]] = field(default_factory=list)


def deliver_due(
    *, backoff: dt.timedelta = dt.timedelta(seconds=10), post: Poster | None = None
) -> DeliveryReport:
    """One pass over the outbox: every trusted peer with a URL, in order, until its head waits."""
    report = DeliveryReport()
    for peer in Peer.objects.filter(trusted=True).exclude(url="").order_by("id"):
        _deliver_to(peer, report, backoff=backoff, post=post or http_post)
    return report


def _deliver_to(peer: Peer, report: DeliveryReport, *, backoff: dt.timedelta, post: Poster) -> None:
    url = peer.url.rstrip("/") + INBOX_PATH
    while True:
        head = (
            OutboundEnvelope.objects.filter(peer=peer, status=OutboxStatus.PENDING)
            .order_by("id")
            .first()
        )
        if head is None or head.next_attempt_at > timezone.now():
            return
        if head.expires_at <= timezone.now():
            _mark_refused(head, RefusalCode.EXPIRED, report)
            continue
        if _stopped_by_safety(head, report):
            continue
        try:
            status, answer = post(url, head.sealed)
        except PeerUnreachable as error:
            _back_off(head, str(error), backoff)
            report.retried += 1
            return
        if 200 <= status < 300:
            _mark_delivered(head, answer)
            report.delivered += 1
        elif status == TOO_MANY_REQUESTS:  # the peer's inbox limit: wait, keep the order
            _back_off(head, str(answer.get("refused", "")) or f"http_{status}", backoff)
            report.retried += 1
            return
        else:
            code = str(answer.get("refused", "")) or f"http_{status}"
            _mark_refused(head, code, report)


def _stopped_by_safety(envelope: OutboundEnvelope, report: DeliveryReport) -> bool:
    """The safety check once more at the door: a fear of return recorded after approval
    stops the referral before anything leaves (by network or by file)."""
    referral = envelope.referral
    if envelope.kind != EnvelopeType.REFERRAL or referral is None:
        return False
    purpose = PURPOSE_OF_KIND[CrossBorderKind(referral.kind)]
    refusal = check_recipient_allowed(
        referral.case, referral.recipient_agency, purpose, approved_by=referral.approved_by
    )
    if refusal is None:
        return False
    with transaction.atomic():
        envelope.status, envelope.last_error = OutboxStatus.STOPPED, refusal.code[:60]
        envelope.save(update_fields=["status", "last_error"])
        payload = {"envelope": str(envelope.envelope_id), "code": refusal.code}
        record_event(
            FederationAudit.ENVELOPE_STOPPED, actor=None, subject=envelope, payload=payload
        )
    report.stopped.append({"envelope": str(envelope.envelope_id), "reason": refusal.code})
    return True


def _back_off(envelope: OutboundEnvelope, error: str, base: dt.timedelta) -> None:
    envelope.attempts += 1
    delay = min(base * (2 ** (envelope.attempts - 1)), MAX_BACKOFF)
    envelope.next_attempt_at = timezone.now() + delay
    envelope.last_error = error[:60]
    envelope.save(update_fields=["attempts", "next_attempt_at", "last_error"])


def _mark_delivered(envelope: OutboundEnvelope, answer: dict[str, Any]) -> None:
    """Record delivery, then take the receipt that came back with the answer (if the worker
    dies in between, the envelope is sent again and the peer answers with the same receipt)."""
    with transaction.atomic():
        envelope.status = OutboxStatus.DELIVERED
        envelope.delivered_at = timezone.now()
        envelope.attempts += 1
        envelope.save(update_fields=["status", "delivered_at", "attempts"])
        payload = {"envelope": str(envelope.envelope_id), "peer": envelope.peer.country_id}
        record_event(
            FederationAudit.ENVELOPE_DELIVERED, actor=None, subject=envelope, payload=payload
        )
    receipt = answer.get("receipt")
    if isinstance(receipt, str) and receipt:
        # A refused receipt is audited by receive_envelope; it is not ours to fix.
        with contextlib.suppress(EnvelopeRefused):
            receive_envelope(receipt, transport=Transport.HTTP)


def _mark_refused(envelope: OutboundEnvelope, code: str, report: DeliveryReport) -> None:
    with transaction.atomic():
        envelope.status = OutboxStatus.REFUSED
        envelope.last_error = code[:60]
        envelope.attempts += 1
        envelope.save(update_fields=["status", "last_error", "attempts"])
        payload = {"envelope": str(envelope.envelope_id), "code": code[:60]}
        record_event(
            FederationAudit.ENVELOPE_REFUSED_BY_PEER, actor=None, subject=envelope, payload=payload
        )
    report.refused.append({"envelope": str(envelope.envelope_id), "reason": code})


def export_pending(peer: Peer) -> dict[str, Any]:
    """Every pending envelope for a peer, as one file's content; each is marked sent-by-file.

    Effects: the rows marked, one audit event per envelope, in one transaction. The file
    holds only sealed envelopes: nothing in it is readable without the peer's key.
    """
    node = this_node()
    with transaction.atomic():
        pending = (
            OutboundEnvelope.objects.select_for_update(of=("self",))
            .filter(peer=peer, status=OutboxStatus.PENDING, expires_at__gt=timezone.now())
            .select_related("referral")
            .order_by("id")
        )
        stops = DeliveryReport()
        rows = [row for row in pending if not _stopped_by_safety(row, stops)]
        now = timezone.now()
        for row in rows:
            row.status, row.delivered_at = OutboxStatus.SENT_BY_FILE, now
            row.save(update_fields=["status", "delivered_at"])
            record_event(
                FederationAudit.ENVELOPE_EXPORTED,
                actor=None,
                subject=row,
                payload={"envelope": str(row.envelope_id), "peer": peer.country_id},
            )
    return {
        "format": EXPORT_FORMAT,
        "from": str(node.node_id),
        "to": str(peer.node_id),
        "envelopes": [row.sealed for row in rows],
    }


@dataclass
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "refused": self.refused}


class BadEnvelopeFile(ValueError):
    """The file is not an envelope file; the message says what is wrong and where."""


def envelopes_in_file(text: str, *, name: str) -> list[str]:
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadEnvelopeFile(f"{name}: line {error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(content, dict) or content.get("format") != EXPORT_FORMAT:
        raise BadEnvelopeFile(f"{name}: `format` must be {EXPORT_FORMAT!r}")
    envelopes = content.get("envelopes")
    if not isinstance(envelopes, list) or not all(isinstance(e, str) for e in envelopes):
        raise BadEnvelopeFile(f"{name}: `envelopes` must be a list of sealed envelopes (strings)")
    return envelopes


def import_envelopes(envelopes: list[str]) -> ImportReport:
    """Receive each envelope of a file exactly as if it had come over the network."""
    report = ImportReport()
    for position, token in enumerate(envelopes):
        try:
            arrival = receive_envelope(token, transport=Transport.FILE)
        except EnvelopeRefused as refusal:
            label = refusal.envelope_id or f"#{position + 1}"
            report.refused.append({"envelope": label, "reason": str(refusal.code)})
            continue
        if arrival.result == "duplicate":
            report.duplicates += 1
        else:
            report.accepted += 1
    return report
