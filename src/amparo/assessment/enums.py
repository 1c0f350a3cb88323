"""Stable codes of the DoMV assessment: levels, polarities, marks, sources, concern levels.

Saved assessments store these codes, so a code never changes meaning; the labels are the
user-facing words, translated through gettext. Factor wording lives in the catalogue file.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Factor wording and guidance in the catalogue carry these languages.
TEXT_LANGUAGES = ("es", "en", "fr")


class Level(models.TextChoices):
    """The four nested levels of the Determinants of Migrant Vulnerability model."""

    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household and family")
    COMMUNITY = "community", _("Community")
    STRUCTURAL = "structural", _("Structural")


class Polarity(models.TextChoices):
    """How a factor usually weighs; the case manager's mark says how it weighs for this person."""

    RISK = "risk", _("Usually a risk factor")
    PROTECTIVE = "protective", _("Usually a protective factor")
    CONTEXT_DEPENDENT = "context_dependent", _("Risk or protective, depending on the context")


class Mark(models.TextChoices):
    """What the case manager found for one factor in this person's situation."""

    RISK = "risk", _("Risk")
    PROTECTIVE = "protective", _("Protective")
    NOT_PRESENT = "not_present", _("Not present")
    UNKNOWN = "unknown", _("Unknown")


class EvidenceSource(models.TextChoices):
    SELF_REPORT = "self_report", _("Told by the person")
    OBSERVATION = "observation", _("Observed by staff")
    DOCUMENT = "document", _("Document")


class AssessmentKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual assessment")
    HOUSEHOLD = "household", _("Household or family assessment")


class ConcernLevel(models.TextChoices):
    """The case manager's overall professional judgement. Never computed from the findings."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    EMERGENCY = "emergency", _("Emergency")


# The source of the urgent task opened when an immediate-danger factor is marked as a risk.
IMMEDIATE_DANGER_TASK_SOURCE = "assessment.immediate_danger"
