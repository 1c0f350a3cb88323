"""DoMV assessments of a case and the factor findings they hold.

The concern level is the case manager's professional judgement, stored as chosen: nothing in
Amparo computes it from the findings. The justification and the evidence are free text about
what happened to a person, so both are encrypted at rest.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.assessment.enums import AssessmentKind, ConcernLevel, EvidenceSource, Level, Mark
from amparo.people.models import Case
from amparo.protection.fields import EncryptedTextField, KeyedCodeField


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    # The catalogue file the findings refer to: its id, version and SHA-256 at the time.
    catalogue_id = models.CharField(max_length=40)
    catalogue_version = models.CharField(max_length=20)
    catalogue_sha256 = models.CharField(max_length=64)
    concern_level = models.CharField(max_length=10, choices=ConcernLevel.choices)
    justification = EncryptedTextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    # For a household assessment: the other cases of the same household.
    household_cases = models.ManyToManyField(Case, blank=True, related_name="household_assessments")
    version = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["case", "assessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(concern_level__in=ConcernLevel.values),
                name="assessment_concern_level_known",
            ),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"Assessment #{self.pk} of case #{self.case_id}"


class FactorFinding(models.Model):
    """What the case manager found for one catalogue factor in one assessment.

    A factor code marked as a risk (recent_sexual_violence, sexual_orientation_gender_identity)
    is special-category data about the person, so the code is encrypted; `factor_key`, its
    keyed hash, keeps one finding per factor in the database without the code in clear.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    factor_code = EncryptedTextField()
    factor_key = KeyedCodeField(source="factor_code", purpose="assessment.factor")
    level = models.CharField(max_length=12, choices=Level.choices)
    mark = models.CharField(max_length=12, choices=Mark.choices)
    evidence = EncryptedTextField(blank=True)
    source = models.CharField(max_length=12, choices=EvidenceSource.choices, blank=True)

    class Meta:
        ordering = ["id"]  # catalogue order: findings are written in that order
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "factor_key"], name="finding_one_per_factor"
            ),
            models.CheckConstraint(condition=Q(mark__in=Mark.values), name="finding_mark_known"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="finding_level_known"),
            models.CheckConstraint(
                condition=Q(source__in=[*EvidenceSource.values, ""]), name="finding_source_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Finding #{self.pk} in assessment #{self.assessment_id}"

    @classmethod
    def key_of(cls, factor_code: str) -> str:
        """The keyed hash to filter on: `findings.filter(factor_key=FactorFinding.key_of(c))`."""
        field = cls._meta.get_field("factor_key")
        assert isinstance(field, KeyedCodeField)
        return field.key_for(factor_code)
