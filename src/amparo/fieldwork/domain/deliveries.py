"""Sending the outbox: each due delivery is checked, built, signed, posted, and retried with
backoff when the partner does not answer 2xx.

Before every attempt, the rules of `referrals.domain.safety` decide whether the partner may
hear of the subject at all: never a body with detention or removal powers, never an
institution of a country the person fears returning to. A delivery they forbid is withheld,
not sent. The body carries an opaque id (stable per webhook, unlinkable between partners) and,
only when the person consented to sharing with that partner by name, the referral's details.

Signature (as Stripe signs its webhooks): the header
`Amparo-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
A receiver recomputes it, compares in constant time and refuses an old timestamp
(`verify_signature`).
"""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from amparo.accounts.models import User
from amparo.casework.domain.consent import valid_basis_for
from amparo.casework.enums import ConsentPurpose
from amparo.fieldwork.enums import DeliveryStatus
from amparo.fieldwork.models import Delivery, Webhook
from amparo.people.models import Case
from amparo.protection import crypto
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.safety import CaseFacts, check_recipient_allowed, refusal_for
from amparo.referrals.models import Referral
from amparo.screening.models import Screening

# Seconds to wait after the 1st, 2nd... failed attempt; after the last, the delivery fails.
BACKOFF = (60, 300, 1800, 7200, 21600, 86400)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10  # seconds for one attempt
LEASE = dt.timedelta(seconds=TIMEOUT * 3)  # how long a worker holds a delivery it is sending
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept between signing and receiving


@dataclass
class DeliveryCounts:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    withheld: int = 0


# --- Signing ----------------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The `Amparo-Signature` header value for a body sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, now: int | None = None, tolerance: int = 300
) -> bool:
    """What a receiver checks: a v1 signature of this body, made within `tolerance` seconds."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else int(time.time())) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# --- What the partner may receive -------------------------------------------------------------


def _opaque_id(webhook: Webhook, delivery: Delivery) -> str:
    """Stable for one webhook and subject, different for every other partner."""
    value = f"{webhook.pk}:{delivery.subject_type}:{delivery.subject_id}"
    return crypto.blind_index(value, purpose="fieldwork.webhook")[:32]


def _screening_facts(screening: Screening) -> CaseFacts:
    """A screening not attached to a case: the fear it records is the only safety fact."""
    answers = screening.answers or {}
    feared: frozenset[str] = frozenset()
    if answers.get("fear_of_return") is True:
        nationality = answers.get("nationality")
        # A fear of an unknown country: no partner can be shown to be outside it.
        feared = frozenset({nationality if isinstance(nationality, str) else "*"})
    return CaseFacts(feared=feared, profiles=frozenset(), child=False, determined=False)


def _case_and_refusal(webhook: Webhook, delivery: Delivery) -> tuple[Case | None, str]:
    """The subject's case (when it has one) and the code of the rule that forbids sending."""
    partner = webhook.partner
    if not webhook.active:
        return None, "webhook_disabled"
    if partner.enforcement:
        return None, "enforcement"
    if delivery.subject_type == "referral":
        referral = Referral.objects.select_related("case__person").get(pk=delivery.subject_id)
        refusal = check_recipient_allowed(referral.case, partner, referral.kind)
        return referral.case, refusal.code if refusal else ""
    screening = Screening.objects.select_related("case__person").get(pk=delivery.subject_id)
    if screening.case is not None:
        refusal = check_recipient_allowed(screening.case, partner, "")
        return screening.case, refusal.code if refusal else ""
    facts = _screening_facts(screening)
    if "*" in facts.feared:
        return None, "feared_country"
    refusal = refusal_for(facts, partner, "", has_basis=False, approved=False)
    return None, refusal.code if refusal else ""


def _details(delivery: Delivery, case: Case | None, webhook: Webhook) -> dict[str, Any]:
    """What a partner the person consented to share with (by name) may also read."""
    if (
        case is None
        or valid_basis_for(case, ConsentPurpose.SHARING, recipient=webhook.partner) is None
    ):
        return {}
    if delivery.subject_type != "referral":
        return {"case_reference": case.reference}
    referral = Referral.objects.select_related("sending_agency", "receiving_agency").get(
        pk=delivery.subject_id
    )
    return {
        "case_reference": case.reference,
        "kind": referral.kind,
        "urgency": referral.urgency,
        "sending_agency": referral.sending_agency.code,
        "receiving_agency": referral.receiving_agency.code,
    }


def build_body(webhook: Webhook, delivery: Delivery, case: Case | None) -> dict[str, Any]:
    """The JSON body of a delivery: the event envelope and what the partner may read."""
    data = {"object": delivery.subject_type, "id": _opaque_id(webhook, delivery)}
    return {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created": delivery.created_at.isoformat(),
        "data": data | _details(delivery, case, webhook),
    }


# --- Sending ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could carry a signed body to another host: it counts as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(webhook: Webhook, delivery: Delivery, body: bytes) -> tuple[int | None, str]:
    """(HTTP status, error code) of one attempt; the status is None when nothing answered."""
    request = urllib.request.Request(  # noqa: S310 (the URL's scheme was checked at registration)
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Amparo-Webhooks/1",
            "Amparo-Event": delivery.event,
            "Amparo-Delivery": str(delivery.event_id),
            "Amparo-Signature": sign(webhook.secret, body, int(time.time())),
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"http_{error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, type(reason).__name__[:60]


def _finish(delivery: Delivery, status: int | None, error: str, now: dt.datetime) -> str:
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED,
            now,
            "",
        )
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[delivery.attempts - 1])
    fields = ["attempts", "last_status_code", "last_error", "status", "delivered_at"]
    delivery.save(update_fields=[*fields, "next_attempt_at"])
    return "retrying" if delivery.status == DeliveryStatus.PENDING else str(delivery.status)


def _withhold(delivery: Delivery, code: str) -> str:
    delivery.status, delivery.last_error = DeliveryStatus.WITHHELD, code
    delivery.save(update_fields=["status", "last_error"])
    return "withheld"


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    """Take the delivery for this worker (another worker skips it until the lease ends)."""
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE)
    return claimed == 1


def attempt_delivery(delivery: Delivery, *, now: dt.datetime) -> str:
    """One attempt at one claimed delivery: `delivered`, `retrying`, `failed` or `withheld`.

    Effects: withheld (with the rule's code) when a safety rule forbids it; otherwise posts the
    signed body, records the attempt, its status and the next attempt time; a delivered event
    writes a `webhook.delivered` audit event (event, partner, whether details were included).
    """
    webhook = delivery.webhook
    try:
        case, refusal = _case_and_refusal(webhook, delivery)
    except (Referral.DoesNotExist, Screening.DoesNotExist):
        case, refusal = None, "subject_gone"
    if refusal:
        return _withhold(delivery, refusal)
    body = build_body(webhook, delivery, case)
    status, error = _post(webhook, delivery, json.dumps(body, sort_keys=True).encode())
    with transaction.atomic():
        outcome = _finish(delivery, status, error, now)
        if outcome == DeliveryStatus.DELIVERED:
            payload = {
                "event": delivery.event,
                "partner": webhook.partner.code,
                "details": "case_reference" in body["data"],
                "case": case.pk if case else None,
            }
            record_event(
                AuditAction.WEBHOOK_DELIVERED, actor=None, subject=delivery, payload=payload
            )
    return outcome


def deliver_due(*, limit: int = 100, now: dt.datetime | None = None) -> DeliveryCounts:
    """Attempt every pending delivery whose time has come, oldest first, up to `limit`."""
    moment = now or timezone.now()
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=moment)
        .select_related("webhook__partner")
        .order_by("next_attempt_at", "id")[:limit]
    )
    counts = DeliveryCounts()
    for delivery in list(due):
        if not _claim(delivery, moment):
            continue
        outcome = attempt_delivery(delivery, now=moment)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


# --- Retention --------------------------------------------------------------------------------

# Finished deliveries are kept this long by default: enough to answer a partner who asks what
# was sent, short enough that the outbox does not grow without end.
DEFAULT_RETENTION = dt.timedelta(days=90)
FINISHED = (DeliveryStatus.DELIVERED, DeliveryStatus.WITHHELD, DeliveryStatus.FAILED)


def old_deliveries(
    *, older_than: dt.timedelta, now: dt.datetime | None = None
) -> QuerySet[Delivery]:
    """Finished deliveries created before `now - older_than`. A pending delivery is never old:
    it is still being retried."""
    cutoff = (now or timezone.now()) - older_than
    return Delivery.objects.filter(status__in=FINISHED, created_at__lt=cutoff)


def prune_deliveries(
    *, actor: User | None, older_than: dt.timedelta, now: dt.datetime | None = None
) -> int:
    """Delete the finished deliveries older than `older_than`; return how many.

    Raises `ValueError` for a period shorter than one day (a typo must not empty the list
    partners' questions are answered from).

    Effects: the rows deleted; one `retention.applied` audit event with the count, the cut-off
    time and the statuses deleted (no subject: the rows are gone); one transaction. Nothing is
    written when no delivery is old enough.
    """
    if older_than < dt.timedelta(days=1):
        raise ValueError("keep webhook deliveries at least one day")
    moment = now or timezone.now()
    with transaction.atomic():
        deleted, _by_model = old_deliveries(older_than=older_than, now=moment).delete()
        if deleted:
            payload = {
                "kind": "webhook_deliveries",
                "deleted": deleted,
                "before": (moment - older_than).isoformat(),
                "statuses": [str(status) for status in FINISHED],
            }
            record_event(AuditAction.RETENTION_APPLIED, actor=actor, payload=payload)
    return deleted
