"""Partners' webhooks: registering and disabling them, and the named reads of webhooks and
their deliveries. An administrator of an agency manages that agency's webhooks only; a webhook
never points at an immigration-enforcement body."""

import ipaddress
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.fieldwork.enums import WebhookEvent
from amparo.fieldwork.models import Delivery, Webhook
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

_LOOPBACK_NAMES = {"localhost"}


def administered_agencies(user: User) -> list[int]:
    """The agencies where the user is an active administrator."""
    if not user.is_authenticated or not user.is_active:
        return []
    rows = user.memberships.filter(active=True, role=Role.ADMINISTRATOR)
    return list(rows.values_list("agency_id", flat=True))


def webhooks_visible_to(user: User) -> QuerySet[Webhook]:
    """The webhooks of the agencies the user administers, with their agencies."""
    return (
        Webhook.objects.filter(agency_id__in=administered_agencies(user))
        .select_related("agency", "partner")
        .defer("secret")
        .order_by("agency__code", "id")
    )


def get_webhook_for(user: User, webhook_id: int) -> Webhook:
    """The access gate of a webhook: 404 whether it is absent or not the user's to manage."""
    webhook = webhooks_visible_to(user).filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404
    return webhook


def deliveries_visible_to(user: User) -> QuerySet[Delivery]:
    """The deliveries of the webhooks the user manages, newest first: event, status and
    attempts only (subjects are ids, never shown as people)."""
    return (
        Delivery.objects.filter(webhook__agency_id__in=administered_agencies(user))
        .select_related("webhook__partner")
        .defer("webhook__secret")
        .order_by("-created_at", "-id")
    )


def _url_errors(url: str) -> list[str]:
    """HTTPS, or plain HTTP to this machine only (a receiver beside Amparo, or a test)."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return [_("Give the full address of the partner's receiver, starting with https://.")]
    if parts.username or parts.password:
        return [_("Do not put a user name or password in the address: the secret signs it.")]
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return [_("Use https:// so the events cannot be read on the way.")]
    return []


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_webhook(agency: Agency, partner: Agency, url: str, events: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    if url_errors := _url_errors(url):
        errors["url"] = url_errors
    if not events or any(event not in WebhookEvent.values for event in events):
        errors["events"] = [_("Choose at least one of the events offered.")]
    if partner.enforcement:
        errors["partner"] = [_("Events are never sent to a body with detention or removal powers.")]
    if Webhook.objects.filter(agency=agency, url=url, active=True).exists():
        # A second registration of the same receiver (a re-sent form) would deliver twice.
        errors.setdefault("url", []).append(
            _("This address already receives this agency's events: disable that webhook first.")
        )
    if errors:
        raise ValidationError(errors)


def register_webhook(
    *, actor: User, agency: Agency, partner: Agency, url: str, events: list[str]
) -> tuple[Webhook, str]:
    """Register a partner's receiver for events of `agency`; return it and its new secret.

    The secret is returned once, to be given to the partner; it is stored encrypted and never
    shown again. Raises `PermissionDenied` unless the actor administers the agency, and
    `ValidationError` naming the field for a bad URL, an address that already receives the
    agency's events (a form sent twice), no known event, or an enforcement body.

    Effects: the webhook row; a `webhook.registered` audit event (agency, partner, events);
    one transaction.
    """
    if agency.pk not in administered_agencies(actor):
        raise PermissionDenied("the actor does not administer this agency")
    _check_webhook(agency, partner, url.strip(), events)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            agency=agency,
            partner=partner,
            url=url.strip(),
            events=sorted(set(events)),
            secret=secret,
            created_by=actor,
        )
        payload = {"agency": agency.code, "partner": partner.code, "events": webhook.events}
        record_event(AuditAction.WEBHOOK_REGISTERED, actor=actor, subject=webhook, payload=payload)
    return webhook, secret


def disable_webhook(webhook: Webhook, *, actor: User) -> Webhook:
    """Stop sending to a webhook (its pending deliveries are then withheld by the worker).

    Effects: `active` false with `update_fields`; a `webhook.disabled` audit event.
    """
    if webhook.agency_id not in administered_agencies(actor):
        raise PermissionDenied("the actor does not administer this agency")
    with transaction.atomic():
        webhook.active = False
        webhook.save(update_fields=["active"])
        payload = {"agency": webhook.agency.code, "partner": webhook.partner.code}
        record_event(AuditAction.WEBHOOK_DISABLED, actor=actor, subject=webhook, payload=payload)
    return webhook
