"""Emitting webhook events: one call in the domain function that makes the change.

`emit_event` only writes outbox rows, in the caller's transaction: the event exists exactly
when the change it reports was committed (a rolled-back change leaves no delivery, and a
crash after the commit cannot lose one, as a queue filled from `on_commit` could). The worker
(`amparo webhooks deliver`) sends them later, after checking what each partner may receive.

This module imports no other domain app, so that referrals and screening can call it.
"""

from django.db import transaction
from django.db.models import Model

from amparo.fieldwork.enums import WebhookEvent
from amparo.fieldwork.models import Delivery, Webhook

# Which agencies an event belongs to, by the subject's fields: the agency that screened, or
# the two ends of a referral. Only the webhooks of these agencies hear of it.
_AGENCY_FIELDS = ("agency_id", "sending_agency_id", "receiving_agency_id")


def _agencies(subject: Model) -> set[int]:
    return {value for name in _AGENCY_FIELDS if (value := getattr(subject, name, None))}


def emit_event(event: str, subject: Model) -> int:
    """Queue `event` about `subject` (a referral or a screening) for every active webhook of
    the subject's agencies that subscribed to it; return how many deliveries were queued.

    Effects: one `Delivery` row per webhook (event, subject type and id: no personal data), in
    the caller's transaction. Raises `ValueError` for an event that is not a `WebhookEvent`.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = [
        hook
        for hook in Webhook.objects.filter(active=True, agency_id__in=_agencies(subject)).only(
            "id", "events"
        )
        if event in hook.events
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(
            Delivery(
                webhook=hook,
                event=event,
                subject_type=subject._meta.model_name or "",
                subject_id=subject.pk,
            )
            for hook in hooks
        )
    return len(hooks)
