from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Unknown")


class CaseStatus(models.TextChoices):
    """The case-management stages (DOMAIN.md 2.3); transitions come with case management."""

    IDENTIFIED = "identified", _("Identified")
    REGISTERED = "registered", _("Registered")
    IMMEDIATE_NEEDS = "immediate_needs", _("Immediate needs")
    ASSESSED = "assessed", _("Assessed")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class IdentifierKind(models.TextChoices):
    DOCUMENT = "document", _("Identity document")
    PHONE = "phone", _("Phone")
    NAME = "name", _("Full name")
    NAME_KEY = "name_key", _("Name key")


class Sensitivity(models.TextChoices):
    """Sensitivity labels of personal data (DOMAIN.md 6): each role sees only the labels it
    needs (`people/rules.py`). Codes are a contract: extend, never rename."""

    IDENTITY = "identity", _("Identity: names, sex, year of birth, nationality, language")
    IDENTIFYING_DETAILS = (
        "identifying_details",
        _("Identifying details: exact birth date, identity documents"),
    )
    CONTACT = "contact", _("Contact details")
    PROTECTION_GROUNDS = "protection_grounds", _("Protection grounds")
    HEALTH = "health", _("Health")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual and gender-based violence")
