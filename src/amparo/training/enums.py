"""Stable codes of the training programme: question types, attempt states, session kinds,
attendance and the audit actions the training domain records.

Codes are a contract (saved attempts, xAPI exports and partners rely on them): extend, never
rename. Labels are the user-facing words, translated through gettext.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.accounts.enums import AgencyKind

# Everything a trainee reads exists in these languages (the content contract, FORMAT.md).
CONTENT_LANGUAGES = ("es", "en", "fr")

# The module a deployment may require before live screenings
# (AMPARO_REQUIRE_TRAINING_FOR_SCREENING).
IDENTIFICATION_MODULE = "identification"

# The screening protocol practice cases are worked in.
PRACTICE_PROTOCOL = "rcm-2013"

# At most this many front-line representatives in one country's cohort.
COHORT_CAP = 5

# The institutions front-line representatives come from: consulates (and the consular
# protection of foreign ministries, a kind of its own since issue 16), refugee commissions,
# migration institutes and law enforcement.
REPRESENTATIVE_KINDS = frozenset(
    {
        AgencyKind.CONSULATE,
        AgencyKind.FOREIGN_MINISTRY,
        AgencyKind.REFUGEE_COMMISSION,
        AgencyKind.MIGRATION_AUTHORITY,
        AgencyKind.POLICE,
    }
)


class QuestionType(models.TextChoices):
    """The quiz question types a module may hold (GIFT's `description` is not a question)."""

    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")


class AttemptStatus(models.TextChoices):
    GRADED = "graded", _("Graded")
    PENDING = "pending", _("Waiting for the trainer to grade the essays")


class SessionKind(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced work")
    EXPERT_PRESENTATION = "expert_presentation", _("Expert presentation")
    GROUP_ACTIVITY = "group_activity", _("Group activity")
    DIALOGUE = "dialogue", _("Dialogue between countries")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class TrainingAuditAction(models.TextChoices):
    """Audit action codes of the training domain (payloads hold ids and codes only)."""

    CONTENT_LOADED = "training.content_loaded"
    GIFT_IMPORTED = "training.gift_imported"
    QUIZ_SUBMITTED = "training.quiz_submitted"
    ESSAY_GRADED = "training.essay_graded"
    PRACTICE_SUBMITTED = "training.practice_submitted"
    COHORT_CREATED = "training.cohort_created"
    COHORT_MEMBER_ADDED = "training.cohort_member_added"
    SESSION_SCHEDULED = "training.session_scheduled"
    SESSION_COHORT_ADDED = "training.session_cohort_added"
    ATTENDANCE_RECORDED = "training.attendance_recorded"
    CERTIFICATE_ISSUED = "training.certificate_issued"
    CERTIFICATE_EXPORTED = "training.certificate_exported"
