"""External public series (with vintages) and the aggregates a regional node receives.

Nothing here describes a person: series are published totals, received aggregates are
suppressed tables signed by a national node. A regional node holds only these tables.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExternalSeries(models.Model):
    """A public series such as COMAR's asylum applications, known by a stable name."""

    name = models.SlugField(max_length=80, unique=True)
    value_label = models.CharField(max_length=80)  # the column the values came from
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("external series")
        verbose_name_plural = _("external series")

    def __str__(self) -> str:
        return self.name


class SeriesPoint(models.Model):
    """One published figure for a period, as published at `vintage` (YYYY-MM).

    Several vintages of one period stay side by side and are never overwritten. `derived`
    marks a month computed from cumulative rows (the basis says from which).
    """

    series = models.ForeignKey(ExternalSeries, on_delete=models.CASCADE, related_name="points")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.PositiveBigIntegerField()
    vintage = models.CharField(max_length=7)
    basis = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)
    derived = models.BooleanField(default=False)
    line = models.PositiveIntegerField(null=True, blank=True)  # of the file it came from

    class Meta:
        ordering = ["series_id", "period_start", "period_end", "vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start", "period_end", "vintage", "derived"],
                name="series_point_one_per_vintage",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="series_point_period_ordered",
            ),
        ]
        verbose_name = _("series point")
        verbose_name_plural = _("series points")

    def __str__(self) -> str:
        return f"{self.series_id} {self.period_start}..{self.period_end} @{self.vintage}"


class ReceivedAggregate(models.Model):
    """A signed release of suppressed tables from one national node for one month.

    Kept as received (payload and signature), so anyone can verify it again later; a later
    release of the same node and period is stored beside the earlier one.
    """

    node = models.CharField(max_length=60)
    period = models.CharField(max_length=7)  # YYYY-MM
    created_at = models.DateTimeField()  # when the national node signed it
    key_fingerprint = models.CharField(max_length=64)
    payload = models.JSONField()
    signature = models.TextField()  # the compact JWS as received
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "node", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "period", "created_at"], name="aggregate_one_per_release"
            )
        ]
        verbose_name = _("received aggregate")
        verbose_name_plural = _("received aggregates")

    def __str__(self) -> str:
        return f"{self.node} {self.period}"


class SurgeNotice(models.Model):
    """A surge flag already e-mailed, so each flag is sent once per country."""

    series = models.CharField(max_length=80)
    period = models.CharField(max_length=7)
    kind = models.CharField(max_length=40)
    country = models.CharField(max_length=2, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period", "kind", "country"], name="surge_notice_once"
            )
        ]
        verbose_name = _("surge notice")
        verbose_name_plural = _("surge notices")

    def __str__(self) -> str:
        return f"{self.series} {self.period} {self.kind}"


class PrivacyLedger(models.Model):
    """The privacy budget spent so far in one unit: `region`, `country:MX` or `agency:<id>`.

    A release with differential privacy charges every unit its scope covers (an agency scope
    its agencies, a country scope its countries, the region the region), so a record is
    charged in at most three ledgers: its agency's, its country's and the region's.
    """

    name = models.CharField(max_length=80, unique=True)
    spent = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(spent__gte=0), name="privacy_ledger_spent_positive")
        ]
        verbose_name = _("privacy budget ledger")
        verbose_name_plural = _("privacy budget ledgers")

    def __str__(self) -> str:
        return f"{self.name}: {self.spent}"


class PrivateRelease(models.Model):
    """One release published with differential privacy: its noisy figures, drawn once.

    Asking again for the same release (same scope, filters, tables, k, epsilon and edition:
    the extract counted, or the day when counting live; `content_key` is a keyed digest of
    them, never of the counts) returns these figures and spends nothing: drawing fresh noise
    each time would let anyone average the answers back to the true count. `values` maps each
    published key (a JSON list of codes) to its value, null where suppressed.
    """

    content_key = models.CharField(max_length=64, unique=True)
    scope_kind = models.CharField(max_length=10)
    scope_members = models.JSONField(default=list)  # agency ids or country codes
    filters = models.JSONField(default=dict)
    edition = models.CharField(max_length=60)  # "extract:<written at>" or "day:<YYYY-MM-DD>"
    tables = models.JSONField(default=list)  # [{"id", "rows", "columns"}] in release order
    values = models.JSONField(default=dict)
    k = models.PositiveSmallIntegerField()
    mechanism = models.CharField(max_length=40)
    epsilon = models.DecimalField(max_digits=12, decimal_places=6)
    ledgers = models.JSONField(default=list)  # the ledger names this release was charged to
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(epsilon__gt=0), name="private_release_epsilon")
        ]
        verbose_name = _("private release")
        verbose_name_plural = _("private releases")

    def __str__(self) -> str:
        return f"{self.scope_kind} {self.created_at:%Y-%m-%d %H:%M} eps={self.epsilon}"
