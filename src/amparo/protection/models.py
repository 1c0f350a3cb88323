"""The append-only, hash-chained audit log and the key canary."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice as OtpTOTPDevice
from django_otp.plugins.otp_totp.models import default_key

from amparo.protection.fields import EncryptedTextField

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One event in the audit chain. `hash` covers this event's content and `prev_hash`."""

    at = models.DateTimeField()
    # No database constraint: the log must outlive any user row and never cascade.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    action = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The newest events of one kind (e.g. the refused envelopes page) without a scan
            # of the whole chain.
            models.Index(fields=["action", "-id"], name="audit_action_newest"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class KeyCanary(models.Model):
    """A known value encrypted under the key ring: if it cannot be read, the keys are wrong."""

    value = EncryptedTextField()

    def __str__(self) -> str:
        return "key canary"


class IndexRotationProgress(models.Model):
    """How far an index-key rotation has re-derived one source of blind indexes.

    One row per source while a rotation runs; `key_id` names the next key (a fingerprint), so a
    rerun after a crash resumes after `last_pk` and a row left by another rotation is ignored.
    """

    source = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16)
    last_pk = models.BigIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key_id"], name="one_progress_per_source")
        ]

    def __str__(self) -> str:
        return f"index rotation of {self.source}: after #{self.last_pk}"


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator whose seed is encrypted at rest (django-otp's TOTPDevice keeps it
    in clear). The fields and the verification are django-otp's own TOTP device's; only the
    storage of `key` differs (docs/decisions/0013-encrypted-totp-seeds.md)."""

    key = EncryptedTextField(default=default_key)  # hex seed, a Fernet token at rest
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    bin_key = OtpTOTPDevice.bin_key
    verify_token = OtpTOTPDevice.verify_token
    get_throttle_factor = OtpTOTPDevice.get_throttle_factor
    config_url = OtpTOTPDevice.config_url
    _read_str_from_settings = OtpTOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = "authenticator device"


class EnrolmentCode(models.Model):
    """A one-time code an administrator issues so a user can enrol an authenticator.

    Only its SHA-256 is stored: the code has 80 random bits and expires, so a stored hash
    cannot be reversed, and the code itself is shown once, to the administrator.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment code for user #{self.user_id}"


# Retention's models live with its code; importing them here registers them with the app.
from amparo.protection.retention.models import LegalHold as LegalHold  # noqa: E402
from amparo.protection.retention.models import RetentionTombstone as RetentionTombstone  # noqa: E402
