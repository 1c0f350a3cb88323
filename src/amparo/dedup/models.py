"""The review queue of likely duplicate persons, and the merges made from it.

Nothing here holds personal data: pairs point to persons, evidence holds comparison codes,
levels and match weights. A merge moves cases and identifiers from one person to the other
and keeps both Person rows untouched, so unmerging restores both exactly.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.dedup.enums import CandidateStatus
from amparo.people.models import Case, Person, PersonIdentifier


class DuplicateCandidate(models.Model):
    """Two persons the model finds likely to be one; person_a has the lower id."""

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    # [{"comparison": "surnames", "level": 4, "weight": 6.1}, ...] codes and numbers only
    evidence = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    found_at = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dedup_one_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="dedup_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"])]
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")

    def __str__(self) -> str:
        return f"persons #{self.person_a_id} and #{self.person_b_id}"


class PersonMerge(models.Model):
    """One approved merge: what moved from `merged` to `survivor`, to undo it exactly."""

    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.PROTECT, related_name="merges"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cases = models.ManyToManyField(Case, related_name="+")
    identifiers = models.ManyToManyField(PersonIdentifier, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-approved_at", "-id"]

    def __str__(self) -> str:
        return f"person #{self.merged_id} into #{self.survivor_id}"
