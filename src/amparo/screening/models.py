"""Saved screenings and the officer's decision on each profile they suggested.

A screening records the protocol it was evaluated with (id, version and the SHA-256 of the
file), so a later protocol version never changes how an old screening reads. The answers and
the result describe what happened to a person, so both are encrypted at rest; the urgency level
stays in clear because lists and statistics sort and count by it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency, Country
from amparo.people.models import Case
from amparo.protection.fields import EncryptedJSONField, EncryptedTextField, KeyedCodeField
from amparo.screening.enums import UrgencyLevel


class ScreeningStatus(models.TextChoices):
    """Stable codes: draft (answers only, not evaluated: reserved for server-side drafts, which
    nothing writes yet; drafts live on the officer's device), submitted (evaluated), reviewed
    (every suggested profile confirmed or rejected by the officer)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class Screening(models.Model):
    # Null until the reviewed result is attached to a case.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="screenings"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    protocol_id = models.CharField(max_length=40)
    protocol_version = models.CharField(max_length=20)
    protocol_hash = models.CharField(max_length=64)
    lang = models.CharField(max_length=5)  # the language the officer screened in
    answers = EncryptedJSONField()
    # `ScreeningResult.to_dict()` evaluated in English: every code plus English msgids.
    result = EncryptedJSONField(null=True, blank=True)
    urgency = models.CharField(max_length=10, choices=UrgencyLevel.choices, blank=True)
    status = models.CharField(
        max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.SUBMITTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    attached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["screened_by", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ScreeningStatus.values), name="screening_status_known"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=[*UrgencyLevel.values, ""]),
                name="screening_urgency_known",
            ),
        ]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"Screening #{self.pk}"


class ProfileDecision(models.Model):
    """The officer's decision on one suggested profile: undecided (null), confirmed, rejected.

    The profile code (trafficking, lgbti, ...) is special-category data about the person, so it
    is encrypted; `code_key`, its keyed hash, lets the database keep one decision per profile
    and count by profile without holding the code in clear.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="decisions")
    code = EncryptedTextField()
    code_key = KeyedCodeField(source="code", purpose="screening.profile")
    position = models.PositiveSmallIntegerField()  # the protocol's order of profiles
    confirmed = models.BooleanField(null=True, blank=True)
    reason = EncryptedTextField(blank=True)  # why it was rejected (required then)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["screening_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "code_key"], name="decision_one_per_profile"
            ),
            # An empty reason is stored empty (not encrypted), so the database can check it.
            models.CheckConstraint(
                condition=~Q(confirmed=False, reason=""), name="decision_rejection_has_reason"
            ),
        ]
        verbose_name = _("profile decision")
        verbose_name_plural = _("profile decisions")

    def __str__(self) -> str:
        return f"Profile decision #{self.pk} in screening #{self.screening_id}"

    @classmethod
    def key_of(cls, code: str) -> str:
        """The keyed hash to filter on: `decisions.filter(code_key=ProfileDecision.key_of(c))`."""
        field = cls._meta.get_field("code_key")
        assert isinstance(field, KeyedCodeField)
        return field.key_for(code)
