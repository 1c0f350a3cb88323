"""The legal hold of a case and the tombstone left where retention anonymised or erased a
record. Imported by `protection.models`, so Django finds them in the protection app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.protection.fields import EncryptedTextField


class LegalHold(models.Model):
    """A case under legal hold: retention never anonymises or erases it while the row exists.

    Set and cleared only through `retention.holds` (each audited); clearing deletes the row,
    the audit log keeps who held it, when and until when.
    """

    # A string reference: protection sits below people in the import order.
    case = models.OneToOneField("people.Case", on_delete=models.CASCADE, related_name="legal_hold")
    reason = EncryptedTextField()  # may name proceedings, so it is encrypted
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"Legal hold of case #{self.case_id}"


class RetentionTombstone(models.Model):
    """What is left of a record retention anonymised or erased: the rule, when, and the
    aggregates statistics still need (country, agency, year, outcome); never personal data."""

    kind = models.CharField(max_length=20)  # a record kind of the rules file: case, screening
    record_id = models.CharField(max_length=40)
    rule = models.CharField(max_length=60)  # the id of the rule applied
    action = models.CharField(max_length=12)  # anonymise, erase
    applied_at = models.DateTimeField(default=timezone.now)
    aggregates = models.JSONField(default=dict)

    class Meta:
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="tombstone_one_per_record")
        ]
        verbose_name = _("retention tombstone")
        verbose_name_plural = _("retention tombstones")

    def __str__(self) -> str:
        return f"{self.action} of {self.kind} #{self.record_id}"
