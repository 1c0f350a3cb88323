"""Stable codes of field collection and webhooks: partners and scripts rely on them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionFormat(models.TextChoices):
    """The export formats of the collection tools that `import-submissions` reads."""

    KOBO_JSON = "kobo-json", _("KoboToolbox JSON")
    ODK_CSV = "odk-csv", _("ODK Central CSV")


class WebhookEvent(models.TextChoices):
    """The events a partner may subscribe to (the contract of issue 12)."""

    REFERRAL_SENT = "referral.sent", _("A referral was sent")
    REFERRAL_ACCEPTED = "referral.accepted", _("A referral was accepted")
    REFERRAL_DECLINED = "referral.declined", _("A referral was declined")
    REFERRAL_OUTCOME = "referral.outcome", _("A referral's outcome was reported")
    SCREENING_CREATED = "screening.created", _("A screening was saved")


class DeliveryStatus(models.TextChoices):
    """pending (waiting for its next attempt), delivered (the partner answered 2xx), withheld
    (a safety rule forbade sending it), failed (every attempt failed; no more retries)."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    WITHHELD = "withheld", _("Withheld")
    FAILED = "failed", _("Failed")
