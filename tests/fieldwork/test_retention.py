"""Old webhook deliveries are deleted after their retention period; pending ones never are."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.fieldwork.domain.deliveries import prune_deliveries
from amparo.fieldwork.domain.webhooks import register_webhook
from amparo.fieldwork.enums import DeliveryStatus
from amparo.fieldwork.models import Delivery, Webhook
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def webhook(administrator: User) -> Webhook:
    hook, _secret = register_webhook(
        actor=administrator,
        agency=Agency.objects.get(code="mx-oim"),
        partner=Agency.objects.get(code="mx-acnur"),
        url="https://partner.example/hook",
        events=["screening.created"],
    )
    return hook


def _delivery(webhook: Webhook, status: str, days_old: int) -> Delivery:
    return Delivery.objects.create(
        webhook=webhook,
        event="screening.created",
        subject_type="screening",
        subject_id=1,
        status=status,
        created_at=NOW - dt.timedelta(days=days_old),
    )


def test_finished_deliveries_past_the_period_are_deleted_and_the_rest_kept(
    webhook: Webhook,
) -> None:
    old = [_delivery(webhook, status, 91) for status in DeliveryStatus.values]
    recent = _delivery(webhook, DeliveryStatus.DELIVERED, 89)
    deleted = prune_deliveries(actor=None, older_than=dt.timedelta(days=90), now=NOW)
    assert deleted == 3
    kept = set(Delivery.objects.values_list("pk", flat=True))
    pending = next(d for d in old if d.status == DeliveryStatus.PENDING)
    assert kept == {pending.pk, recent.pk}
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert (event.actor_id, event.payload["kind"], event.payload["deleted"]) == (
        None,
        "webhook_deliveries",
        3,
    )
    assert event.payload["before"] == "2026-09-04T02:00:00+00:00"


def test_nothing_old_enough_deletes_nothing_and_records_nothing(webhook: Webhook) -> None:
    _delivery(webhook, DeliveryStatus.FAILED, 10)
    assert prune_deliveries(actor=None, older_than=dt.timedelta(days=90), now=NOW) == 0
    assert Delivery.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED).exists()


def test_a_period_under_a_day_is_refused(webhook: Webhook) -> None:
    _delivery(webhook, DeliveryStatus.DELIVERED, 0)
    with pytest.raises(ValueError, match="at least one day"):
        prune_deliveries(actor=None, older_than=dt.timedelta(hours=1), now=NOW)
    with pytest.raises(CommandError, match="--older-than: 0 is less than 1 day"):
        call_command("webhooks", "prune", "--older-than", "0")
    assert Delivery.objects.count() == 1


def test_the_command_counts_in_a_dry_run_then_deletes(webhook: Webhook) -> None:
    now = timezone.now()
    for days in (40, 31, 5):
        Delivery.objects.create(
            webhook=webhook,
            event="screening.created",
            subject_type="screening",
            subject_id=1,
            status=DeliveryStatus.DELIVERED,
            created_at=now - dt.timedelta(days=days),
        )
    out = io.StringIO()
    call_command("webhooks", "prune", "--older-than", "30", "--dry-run", stdout=out)
    assert out.getvalue() == "would delete: 2\n"
    assert Delivery.objects.count() == 3
    out = io.StringIO()
    call_command("webhooks", "prune", "--older-than", "30", stdout=out)
    assert out.getvalue() == "deleted: 2\n"
    assert Delivery.objects.count() == 1
